extension LinearRegex {
    /// A recursive-descent parser for RE2's syntax. Flags (`i`, `m`, `s`, and `U`, which cannot change
    /// whether something matches) apply from where they are set to the end of the enclosing group, as
    /// in RE2.
    struct Parser {
        struct Flags {
            var caseInsensitive = false
            var multiLine = false
            var dotAll = false
        }

        /// Groups nest at most this deep, so neither parsing nor compiling recurses without bound.
        static let maxNesting = 100

        let scalars: [Unicode.Scalar]
        var index = 0
        var nesting = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func parse() throws(SyntaxError) -> Node {
            let node = try parseAlternation(flags: Flags())
            if index < scalars.count { throw SyntaxError(offset: index, message: "unexpected )") }
            return node
        }

        private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        private func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        private mutating func parseAlternation(flags initial: Flags) throws(SyntaxError) -> Node {
            var flags = initial
            var branches = [try parseConcatenation(flags: &flags)]
            while peek == "|" {
                index += 1
                branches.append(try parseConcatenation(flags: &flags))
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        private mutating func parseConcatenation(flags: inout Flags) throws(SyntaxError) -> Node {
            var items: [Node] = []
            while let scalar = peek, scalar != "|", scalar != ")" {
                let start = index
                if scalar == "*" || scalar == "+" || scalar == "?" || (scalar == "{" && repeatCount() != nil) {
                    throw SyntaxError(offset: start, message: "missing argument to repetition operator")
                }
                guard var atom = try parseAtom(flags: &flags) else { continue }
                if let (min, max) = try parseQuantifier() {
                    atom = .repetition(atom, min: min, max: max)
                    if peek == "?" { index += 1 }  // lazy: the same matches, found in another order
                    if let next = peek,
                        next == "*" || next == "+" || next == "?" || (next == "{" && repeatCount() != nil)
                    {
                        throw SyntaxError(offset: index, message: "invalid nested repetition operator")
                    }
                }
                items.append(atom)
            }
            switch items.count {
            case 0: return .empty
            case 1: return items[0]
            default: return .concatenation(items)
            }
        }

        /// `*`, `+`, `?` or a valid `{…}` at the current position, consumed; nil if none.
        private mutating func parseQuantifier() throws(SyntaxError) -> (Int, Int?)? {
            switch peek {
            case "*":
                index += 1
                return (0, nil)
            case "+":
                index += 1
                return (1, nil)
            case "?":
                index += 1
                return (0, 1)
            case "{":
                let start = index
                guard let (min, max, length) = repeatCount() else { return nil }
                if min > LinearRegex.maxRepeatCount || (max ?? 0) > LinearRegex.maxRepeatCount
                    || (max.map { $0 < min } ?? false)
                {
                    throw SyntaxError(offset: start, message: "invalid repeat count")
                }
                index += length
                return (min, max)
            default:
                return nil
            }
        }

        /// Reads `{n}`, `{n,}` or `{n,m}` at the current position without consuming it; nil when the
        /// brace does not start one (RE2 then takes `{` literally).
        private func repeatCount() -> (min: Int, max: Int?, length: Int)? {
            var position = index + 1
            func number() -> Int? {
                var value = 0
                var digits = 0
                while position < scalars.count, ("0"..."9").contains(scalars[position]) {
                    // Saturated: anything this large is refused by the caller anyway.
                    value = Swift.min(value * 10 + Int(scalars[position].value - 0x30), 1_000_000)
                    digits += 1
                    position += 1
                }
                return digits > 0 ? value : nil
            }
            guard let min = number() else { return nil }
            var max: Int? = min
            if position < scalars.count, scalars[position] == "," {
                position += 1
                max = number()
            }
            guard position < scalars.count, scalars[position] == "}" else { return nil }
            return (min, max, position + 1 - index)
        }

        /// One atom; nil for a flag group such as `(?i)`, which only changes `flags`.
        private mutating func parseAtom(flags: inout Flags) throws(SyntaxError) -> Node? {
            let start = index
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "(":
                var inner = flags
                if peek == "?" {
                    index += 1
                    if try parseGroupPrefix(flags: &inner, start: start) {
                        flags = inner
                        return nil
                    }
                }
                nesting += 1
                guard nesting <= Self.maxNesting else {
                    throw SyntaxError(offset: start, message: "expression nests too deeply")
                }
                let node = try parseAlternation(flags: inner)
                nesting -= 1
                guard peek == ")" else { throw SyntaxError(offset: start, message: "missing closing )") }
                index += 1
                return node
            case "[":
                return .scalars(try parseClass(flags: flags, start: start))
            case ".":
                return .scalars(.any(dotAll: flags.dotAll))
            case "^":
                return .assertion(flags.multiLine ? .lineStart : .textStart)
            case "$":
                return .assertion(flags.multiLine ? .lineEnd : .textEnd)
            case "\\":
                return try parseEscape(flags: flags, start: start)
            default:
                return .scalars(.scalar(scalar, caseInsensitive: flags.caseInsensitive))
            }
        }

        /// After `(?`: a name (`P<name>`, `<name>`), `:`, or flags ending in `)` or `:`. Returns true
        /// for a flags-only group (`(?i)`), whose flags then apply to the rest of the enclosing group.
        private mutating func parseGroupPrefix(flags: inout Flags, start: Int) throws(SyntaxError) -> Bool {
            if peek == "P" && peek(1) == "<" { index += 1 }
            if peek == "<" {
                index += 1
                let nameStart = index
                while let scalar = peek, scalar != ">" {
                    guard ScalarSet.isWordCharacter(scalar.value) else {
                        throw SyntaxError(offset: start, message: "invalid named capture")
                    }
                    index += 1
                }
                guard peek == ">", index > nameStart else {
                    throw SyntaxError(offset: start, message: "invalid named capture")
                }
                index += 1
                return false
            }
            // Flags are `[imsU]*(-[imsU]*)?`; a `-` must be followed by a flag, and `(?)` sets nothing.
            var negate = false
            var anyFlag = false
            var flagsSinceMinus = 0
            while let scalar = peek {
                index += 1
                switch scalar {
                case "i", "m", "s", "U":
                    if scalar == "i" { flags.caseInsensitive = !negate }
                    if scalar == "m" { flags.multiLine = !negate }
                    if scalar == "s" { flags.dotAll = !negate }
                    anyFlag = true
                    flagsSinceMinus += 1
                case "-" where !negate:
                    negate = true
                    flagsSinceMinus = 0
                case ":" where !negate || flagsSinceMinus > 0:
                    return false
                case ")" where anyFlag && (!negate || flagsSinceMinus > 0):
                    return true
                default:
                    throw SyntaxError(offset: start, message: "invalid or unsupported Perl syntax")
                }
            }
            throw SyntaxError(offset: start, message: "missing closing )")
        }

        private mutating func parseEscape(flags: Flags, start: Int) throws(SyntaxError) -> Node {
            guard let scalar = peek else {
                throw SyntaxError(offset: start, message: "trailing backslash at end of expression")
            }
            switch scalar {
            case "A":
                index += 1
                return .assertion(.textStart)
            case "z":
                index += 1
                return .assertion(.textEnd)
            case "b":
                index += 1
                return .assertion(.wordBoundary)
            case "B":
                index += 1
                return .assertion(.notWordBoundary)
            default:
                if let ranges = perlClass(scalar) {
                    index += 1
                    return .scalars(ScalarSet(ranges: ranges.ranges, negated: ranges.negated))
                }
                let literal = try parseEscapedScalar(start: start)
                return .scalars(.scalar(literal, caseInsensitive: flags.caseInsensitive))
            }
        }

        /// `\d \s \w` and their negations.
        private func perlClass(_ scalar: Unicode.Scalar) -> (ranges: [ClosedRange<UInt32>], negated: Bool)? {
            switch scalar {
            case "d": (ScalarSet.digits, false)
            case "D": (ScalarSet.digits, true)
            case "s": (ScalarSet.spaces, false)
            case "S": (ScalarSet.spaces, true)
            case "w": (ScalarSet.wordCharacters, false)
            case "W": (ScalarSet.wordCharacters, true)
            default: nil
            }
        }

        /// The scalar an escape stands for (after the backslash): control escapes, `\x41`, `\x{263a}`,
        /// or escaped punctuation. Anything else is an error, as in RE2.
        private mutating func parseEscapedScalar(start: Int) throws(SyntaxError) -> Unicode.Scalar {
            guard let scalar = peek else {
                throw SyntaxError(offset: start, message: "trailing backslash at end of expression")
            }
            index += 1
            switch scalar {
            case "n": return "\n"
            case "t": return "\t"
            case "r": return "\r"
            case "f": return "\u{0C}"
            case "v": return "\u{0B}"
            case "a": return "\u{07}"
            case "x":
                var digits = ""
                if peek == "{" {
                    index += 1
                    while let digit = peek, digit != "}" {
                        digits.unicodeScalars.append(digit)
                        index += 1
                    }
                    guard peek == "}" else { throw SyntaxError(offset: start, message: "invalid escape sequence") }
                    index += 1
                } else {
                    for _ in 0..<2 {
                        guard let digit = peek else { break }
                        digits.unicodeScalars.append(digit)
                        index += 1
                    }
                }
                guard digits.count <= 8, let value = UInt32(digits, radix: 16), let result = Unicode.Scalar(value),
                    !digits.isEmpty
                else {
                    throw SyntaxError(offset: start, message: "invalid escape sequence")
                }
                return result
            default:
                guard scalar.isASCII, !ScalarSet.isWordCharacter(scalar.value), scalar.value > 0x20 else {
                    throw SyntaxError(offset: start, message: "invalid escape sequence")
                }
                return scalar
            }
        }

        /// A bracket class; `start` is the offset of `[`.
        private mutating func parseClass(flags: Flags, start: Int) throws(SyntaxError) -> ScalarSet {
            var set = ScalarSet(ranges: [], caseInsensitive: flags.caseInsensitive)
            if peek == "^" {
                set.negated = true
                index += 1
            }
            var first = true
            while true {
                guard let scalar = peek else { throw SyntaxError(offset: start, message: "missing closing ]") }
                if scalar == "]" && !first { break }
                first = false
                if scalar == "[", peek(1) == ":" {
                    set.ranges += try parsePosixClass(start: start)
                    continue
                }
                if scalar == "\\", let next = peek(1), let perl = perlClass(next) {
                    index += 2
                    set.ranges += perl.negated ? Self.complement(perl.ranges) : perl.ranges
                    continue
                }
                let low = try parseClassScalar(start: start)
                if peek == "-", let after = peek(1), after != "]" {
                    index += 1
                    let high = try parseClassScalar(start: start)
                    guard low.value <= high.value else {
                        throw SyntaxError(offset: start, message: "invalid character class range")
                    }
                    set.ranges.append(low.value...high.value)
                } else {
                    set.ranges.append(low.value...low.value)
                }
            }
            index += 1
            return set
        }

        private mutating func parseClassScalar(start: Int) throws(SyntaxError) -> Unicode.Scalar {
            let scalar = scalars[index]
            guard scalar == "\\" else {
                index += 1
                return scalar
            }
            index += 1
            return try parseEscapedScalar(start: start)
        }

        /// `[:alpha:]` inside a class.
        private mutating func parsePosixClass(start: Int) throws(SyntaxError) -> [ClosedRange<UInt32>] {
            var position = index + 2
            var name = ""
            while position < scalars.count, scalars[position] != ":" {
                name.unicodeScalars.append(scalars[position])
                position += 1
            }
            guard position + 1 < scalars.count, scalars[position + 1] == "]" else {
                // Not a POSIX class after all: `[` is an ordinary member.
                index += 1
                return [0x5B...0x5B]
            }
            let negated = name.hasPrefix("^")
            guard let ranges = ScalarSet.posixClasses[negated ? String(name.dropFirst()) : name] else {
                throw SyntaxError(offset: start, message: "invalid character class range")
            }
            index = position + 2
            return negated ? Self.complement(ranges) : ranges
        }

        /// Every scalar value not in `ranges` (which are sorted and disjoint).
        static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            var result: [ClosedRange<UInt32>] = []
            var next: UInt32 = 0
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
                next = max(next, range.upperBound + 1)
            }
            if next <= 0x10FFFF { result.append(next...0x10FFFF) }
            return result
        }
    }
}
