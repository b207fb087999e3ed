/// LXD's byte sizes (`units.ParseByteSizeString`): an integer with an optional suffix, decimal
/// (`kB`, `MB`, `GB`, `TB`, `PB`, `EB`) or binary (`KiB`, `MiB`, `GiB`, `TiB`, `PiB`, `EiB`),
/// or `B` / none for bytes.
enum ByteSize {
    private static let multipliers: [String: UInt64] = [
        "": 1, "B": 1,
        "kB": 1000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
        "PB": 1_000_000_000_000_000, "EB": 1_000_000_000_000_000_000,
        "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50, "EiB": 1 << 60,
    ]

    /// The size in bytes, or nil when the text is not a size or does not fit in 64 bits.
    static func parse(_ text: String) -> UInt64? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = UInt64(digits),
            let multiplier = multipliers[String(text.dropFirst(digits.count))]
        else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }
}
