extension LinearRegex {
    /// What one step of the automaton accepts: a literal, a class, `.`. Case-insensitivity is kept as
    /// a flag rather than expanded into ranges, so `(?i)[a-z]` stays one range.
    struct ScalarSet: Sendable, Equatable {
        var ranges: [ClosedRange<UInt32>]
        var negated = false
        var caseInsensitive = false

        static func scalar(_ scalar: Unicode.Scalar, caseInsensitive: Bool) -> ScalarSet {
            ScalarSet(ranges: [scalar.value...scalar.value], caseInsensitive: caseInsensitive)
        }

        /// `.`: anything but a line feed, or anything at all with the `s` flag.
        static func any(dotAll: Bool) -> ScalarSet {
            ScalarSet(ranges: dotAll ? [] : [0x0A...0x0A], negated: true)
        }

        // RE2's Perl classes are ASCII-only.
        static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
        static let spaces: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
        static let wordCharacters: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]

        /// `[[:name:]]` classes (ASCII, as in RE2).
        static let posixClasses: [String: [ClosedRange<UInt32>]] = [
            "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A], "alpha": [0x41...0x5A, 0x61...0x7A],
            "ascii": [0x00...0x7F], "blank": [0x09...0x09, 0x20...0x20], "cntrl": [0x00...0x1F, 0x7F...0x7F],
            "digit": digits, "graph": [0x21...0x7E], "lower": [0x61...0x7A], "print": [0x20...0x7E],
            "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E], "space": [0x09...0x0D, 0x20...0x20],
            "upper": [0x41...0x5A], "word": wordCharacters, "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
        ]

        /// Whether `scalar` is accepted; `variants` are its other cases (see `caseVariants`), computed
        /// once per input position by the matcher rather than once per instruction.
        func contains(_ scalar: UInt32, variants: CaseVariants) -> Bool {
            var hit = ranges.contains { $0.contains(scalar) }
            if !hit && caseInsensitive {
                hit = variants.contains { variant in ranges.contains { $0.contains(variant) } }
            }
            return hit != negated
        }

        static func isWordCharacter(_ scalar: UInt32) -> Bool {
            wordCharacters.contains { $0.contains(scalar) }
        }
    }

    /// The other simple cases of one scalar (at most an upper and a lower form).
    typealias CaseVariants = [UInt32]

    static func caseVariants(of scalar: Unicode.Scalar) -> CaseVariants {
        let value = scalar.value
        if value < 0x80 {
            if (0x41...0x5A).contains(value) { return [value + 0x20] }
            if (0x61...0x7A).contains(value) { return [value - 0x20] }
            return []
        }
        var variants: CaseVariants = []
        for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let first = scalars.first, first.value != value, !variants.contains(first.value) {
                variants.append(first.value)
            }
        }
        return variants
    }
}
