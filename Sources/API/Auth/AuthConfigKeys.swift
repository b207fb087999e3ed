import Foundation

/// The server configuration keys of trust and rate limiting: validation and how each is read.
/// They are read from the cached configuration when used, so a `PATCH /1.0` applies at once.
public enum AuthConfigKeys {
    /// `core.remote_token_expiry` (LXD's key and grammar): how long a trust token stays redeemable,
    /// as space-separated `<n><unit>` with units `S M H d w m y` (seconds … years), e.g. `1H 30M`.
    public static let tokenExpiryKey = "core.remote_token_expiry"
    /// Berth's default when the key is unset: LXD's tokens never expire; a day is long enough to
    /// paste one and short enough that a forgotten one does not stay a key to the server.
    public static let defaultTokenExpiry = "1d"
    /// `core.rate_limit`: requests per second each certificate, API token or untrusted address may
    /// send over the network, sustained; `0` turns limiting off. Unix-socket callers are not limited.
    public static let rateKey = "core.rate_limit"
    /// `core.rate_limit_burst`: requests such a caller may send at once before the rate applies.
    public static let burstKey = "core.rate_limit_burst"
    public static let defaultRate = 100
    public static let defaultBurst = 1000

    static let validators: [String: ServerConfigKeys.Validator] = [
        tokenExpiryKey: { value in
            expiry(value, from: Date()) == nil
                ? "expected an expiry such as 30M, 1H or 1d 12H (units S M H d w m y)" : nil
        },
        rateKey: { value in count(value) == nil ? "expected an integer from 0 (off) to 1000000" : nil },
        burstKey: { value in count(value).map { $0 >= 1 } == true ? nil : "expected an integer from 1 to 1000000" },
    ]

    /// LXD's `shared.GetExpiry`: `reference` plus the expression; nil when it does not parse. An
    /// empty expression is valid and means no expiry (`reference` itself is returned).
    public static func expiry(_ expression: String, from reference: Date) -> Date? {
        let parts = expression.split(separator: " ")
        var amounts: [Character: Int] = [:]
        for part in parts {
            guard let unit = part.last, "SMHdwmy".contains(unit), amounts[unit] == nil else { return nil }
            let digits = part.dropLast()
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Int(digits),
                amount <= 1_000_000
            else {
                return nil
            }
            amounts[unit] = amount
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        var components = DateComponents()
        components.year = amounts["y"]
        components.month = amounts["m"]
        components.day = (amounts["d"] ?? 0) + 7 * (amounts["w"] ?? 0)
        components.hour = amounts["H"]
        components.minute = amounts["M"]
        components.second = amounts["S"]
        return calendar.date(byAdding: components, to: reference)
    }

    /// The token lifetime in force: the key's, else Berth's default.
    static func tokenExpiry(_ config: [String: String], from reference: Date) -> Date {
        let expression = config[tokenExpiryKey].flatMap { $0.isEmpty ? nil : $0 } ?? defaultTokenExpiry
        return expiry(expression, from: reference) ?? reference
    }

    static func rate(_ config: [String: String]) -> (perSecond: Int, burst: Int) {
        (config[rateKey].flatMap(count) ?? defaultRate, config[burstKey].flatMap(count) ?? defaultBurst)
    }

    private static func count(_ value: String) -> Int? {
        guard let number = Int(value), (0...1_000_000).contains(number) else { return nil }
        return number
    }
}
