import Operations

/// The `operations.*` server configuration keys: validation and how each maps onto the queue's tunables.
public enum OperationsConfigKeys {
    /// `operations.retention`: how long finished operations stay readable — `90s`, `30m`, `24h`, `7d`,
    /// or plain seconds.
    public static func retentionMilliseconds(_ value: String) -> Int64? {
        guard let last = value.last else { return nil }
        let units: [Character: Int64] = ["s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]
        let (digits, unit) = units[last].map { (value.dropLast(), $0) } ?? (Substring(value), 1_000)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let amount = Int64(digits), amount >= 0,
            amount <= 3_650 * 86_400_000 / unit
        else { return nil }
        return amount * unit
    }

    /// `operations.workers`: jobs running at once, 1 to 256.
    public static func workers(_ value: String) -> Int? {
        guard let count = Int(value), (1...256).contains(count) else { return nil }
        return count
    }

    static let validators: [String: ServerConfigKeys.Validator] = [
        "operations.retention": { value in
            retentionMilliseconds(value) == nil
                ? "expected a duration such as 90s, 30m, 24h or 7d (or seconds), at most 10 years" : nil
        },
        "operations.workers": { value in workers(value) == nil ? "expected an integer from 1 to 256" : nil },
    ]

    /// The queue's tunables under `config`: keys that are absent take their defaults.
    public static func apply(_ config: [String: String], to configuration: inout OperationsConfiguration) {
        let defaults = OperationsConfiguration()
        configuration.retentionMilliseconds =
            config["operations.retention"].flatMap(retentionMilliseconds) ?? defaults.retentionMilliseconds
        configuration.workers = config["operations.workers"].flatMap(workers) ?? defaults.workers
    }
}
