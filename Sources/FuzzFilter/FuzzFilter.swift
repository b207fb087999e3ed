#if DEBUG || BERTH_FUZZ
    import JSON

    @testable import API

    /// libFuzzer entry point over the collections filter grammar and its regex engine (see
    /// scripts/fuzz.sh). The first byte picks the code under test; the rest is its input.
    ///
    /// Filter: what parses evaluates against typical items without trapping; writing the clauses
    /// back as text (values quoted) parses to the same clauses and the same verdicts; and `not`
    /// before a single clause inverts it. Regex: what compiles matches without trapping; wrapping it
    /// in a group or an alternation of two groups of itself changes no verdict (ungrouped, `a(?i)b|c`
    /// would carry the flag into the second branch, as in RE2); and every text, spelt as `\x{…}`
    /// escapes between `^` and `$`, matches itself and nothing longer.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        guard size > 0 else { return 0 }
        let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
        if data[0] % 2 == 0 {
            filter(String(decoding: input, as: UTF8.self))
        } else {
            let parts = input.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
            let subject = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
            regex(String(decoding: parts[0], as: UTF8.self), subject: subject)
        }
        return 0
    }

    /// Items shaped like what filters run over: an instance, an image, an operation, and oddities.
    let items: [JSONValue] = [
        .object([
            ("name", .string("c1")), ("status", .string("Running")), ("status_code", .int(103)),
            ("ephemeral", .bool(false)), ("profiles", .array([.string("default")])),
            ("config", .object([("limits.cpu", .string("2")), ("user.note", .string("web server"))])),
            ("expanded_devices", .object([("root", .object([("path", .string("/")), ("pool", .string("default"))]))])),
            ("created_at", .string("2026-11-22T10:00:00Z")), ("description", .string("")),
        ]),
        .object([
            ("fingerprint", .string("a1b2c3")), ("size", .int(123_456_789)), ("public", .bool(true)),
            ("aliases", .array([.object([("name", .string("busybox"))]), .object([("name", .string("bb"))])])),
            ("properties", .object([("os", .string("busybox")), ("release", .string("1.36"))])),
        ]),
        .object([("id", .string("op")), ("may_cancel", .bool(true)), ("metadata", .null), ("err", .double(1.5))]),
        .array([.string("not"), .string("an object")]),
        .string("plain"),
        .null,
    ]

    func filter(_ text: String) {
        let expression: FilterExpression
        do throws(FilterSyntaxError) {
            expression = try FilterExpression(parsing: text)
        } catch {
            _ = error.apiError
            let end = text.unicodeScalars.count + 1
            if error.position < 1 || error.position > end {
                fatalError("error position \(error.position) outside \(end) scalars: \(error.reason)")
            }
            return
        }
        let verdicts = items.map(expression.matches)
        let written = expression.clauses.enumerated().map { index, clause in
            (index == 0 ? "" : clause.junction == .and ? " and " : " or ") + write(clause)
        }.joined()
        let again: FilterExpression
        do throws(FilterSyntaxError) {
            again = try FilterExpression(parsing: written)
        } catch {
            fatalError("\(text.debugDescription) written back as \(written.debugDescription) does not parse: \(error)")
        }
        if again != expression { fatalError("\(written.debugDescription) parsed to other clauses") }
        if items.map(again.matches) != verdicts { fatalError("\(written.debugDescription) judged differently") }
        if expression.clauses.count == 1, let clause = expression.clauses.first, !clause.negated {
            let negated = try? FilterExpression(parsing: "not " + write(clause))
            if negated.map({ items.map($0.matches) }) != verdicts.map(!) {
                fatalError("not \(write(clause)) is not the negation")
            }
        }
    }

    /// A clause as text a client could send: the value always quoted, `"` and `\` escaped.
    func write(_ clause: FilterClause) -> String {
        // By scalar: Foundation's replacing matches whole characters, and a mark after a quote makes
        // one character of the two.
        var value = String.UnicodeScalarView()
        for scalar in clause.value.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { value.append("\\") }
            value.append(scalar)
        }
        return (clause.negated ? "not " : "") + "\(clause.path) \(clause.op.rawValue) \"\(String(value))\""
    }

    func regex(_ pattern: String, subject: String) {
        if let compiled = try? LinearRegex(pattern) {
            let verdict = compiled.matches(subject)
            for variant in ["(?:\(pattern))", "(\(pattern))", "(?:\(pattern))|(?:\(pattern))"] {
                if let other = try? LinearRegex(variant), other.matches(subject) != verdict {
                    fatalError(
                        "\(variant.debugDescription) and \(pattern.debugDescription) disagree on \(subject.debugDescription)"
                    )
                }
            }
        }
        let scalars = Array(subject.unicodeScalars.prefix(80))
        let literal = "^" + scalars.map { "\\x{\(String($0.value, radix: 16))}" }.joined() + "$"
        guard let exact = try? LinearRegex(literal) else { return }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        if !exact.matches(String(text)) { fatalError("\(literal) does not match its own text") }
        if exact.matches(String(text) + "x") { fatalError("\(literal) matches a longer text") }
    }
#else
    /// Built without testability (a plain release build): the fuzz code needs `@testable import`,
    /// so this build of the target does nothing. scripts/fuzz.sh builds it with `-enable-testing`.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }
#endif
