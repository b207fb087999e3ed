extension FilterExpression {
    /// Parses LXD's grammar, `[not] key op value ((and|or) [not] key op value)*`, with berth's extra
    /// operators. Words are separated by whitespace, as LXD's `strings.Fields` separates them; `not`
    /// is recognised in any case but `and`, `or` and the operators only in lower case, as in LXD.
    ///
    /// A value may be double-quoted to hold spaces (`description eq "web server"`); inside quotes
    /// `\"` and `\\` stand for `"` and `\`, every other backslash is kept (so `"\d+ GB"` stays a
    /// regular expression). LXD's own quoting glues words back with single spaces and cannot quote a
    /// single word; this keeps the text exactly and accepts `"one"` and `""` too.
    ///
    /// Unlike LXD, every mistake is found here, before any item is looked at: an unknown operator or
    /// an invalid `rx` expression is a 400 naming its position, not an error halfway through a list.
    init(parsing text: String) throws(FilterSyntaxError) {
        let tokens = try Self.tokens(text)
        let end = text.unicodeScalars.count + 1
        var clauses: [FilterClause] = []
        var junction = FilterClause.Junction.and
        var index = 0
        var previous: Token?
        func next(_ expectation: String) throws(FilterSyntaxError) -> Token {
            guard index < tokens.count else {
                let after = previous.map { " after \(FilterSyntaxError.quote($0.text))" } ?? ""
                throw FilterSyntaxError(position: end, reason: "expected \(expectation)\(after)")
            }
            defer { index += 1 }
            previous = tokens[index]
            return tokens[index]
        }
        while index < tokens.count {
            var key = try next("a field name")
            let negated = !key.quoted && key.text.lowercased() == "not"
            if negated { key = try next("a field name") }
            let path = try Self.path(key)
            let operatorToken = try next("an operator")
            guard !operatorToken.quoted, let op = FilterOperator(rawValue: operatorToken.text) else {
                throw FilterSyntaxError(
                    position: operatorToken.position,
                    reason: "unknown operator \(FilterSyntaxError.quote(operatorToken.text)) (expected one of "
                        + "\(FilterOperator.names))")
            }
            let value = try next("a value")
            clauses.append(
                try FilterClause(
                    junction: junction, negated: negated, path: path, op: op, value: value.text,
                    position: value.position))
            guard index < tokens.count else { break }
            let word = try next("and or or")
            switch (word.quoted, word.text) {
            case (false, "and"): junction = .and
            case (false, "or"): junction = .or
            default:
                throw FilterSyntaxError(
                    position: word.position,
                    reason: "expected \"and\" or \"or\" after the value, found \(FilterSyntaxError.quote(word.text))")
            }
            if index == tokens.count { _ = try next("a clause") }
        }
        self.clauses = clauses
    }

    /// A word or quoted string of the filter and its 1-based position in Unicode scalars (characters,
    /// for ASCII). Scalars, not grapheme clusters: a mark that joins the next character (U+0601
    /// prepends, U+0301 combines) must not hide a quote or a backslash from the tokenizer.
    struct Token: Equatable {
        let text: String
        let position: Int
        let quoted: Bool
    }

    static func tokens(_ text: String) throws(FilterSyntaxError) -> [Token] {
        var tokens: [Token] = []
        var scalars = text.unicodeScalars.makeIterator()
        var position = 0
        func advance() -> Unicode.Scalar? {
            guard let scalar = scalars.next() else { return nil }
            position += 1
            return scalar
        }
        while let first = advance() {
            if first.properties.isWhitespace { continue }
            let start = position
            var word = String.UnicodeScalarView()
            if first == "\"" {
                var closed = false
                while let character = advance() {
                    if character == "\"" {
                        closed = true
                        break
                    }
                    if character == "\\", let escaped = advance() {
                        if escaped != "\"" && escaped != "\\" { word.append("\\") }
                        word.append(escaped)
                    } else {
                        word.append(character)
                    }
                }
                guard closed else { throw FilterSyntaxError(position: start, reason: "unterminated quote") }
                if let after = advance(), !after.properties.isWhitespace {
                    throw FilterSyntaxError(position: position, reason: "expected a space after the closing quote")
                }
                tokens.append(Token(text: String(word), position: start, quoted: true))
                continue
            }
            word.append(first)
            while let character = advance() {
                if character.properties.isWhitespace { break }
                word.append(character)
            }
            tokens.append(Token(text: String(word), position: start, quoted: false))
        }
        return tokens
    }

    /// The key of a clause. Parentheses get their own message: they are the likeliest mistake, and
    /// LXD has no grouping to offer.
    private static func path(_ token: Token) throws(FilterSyntaxError) -> FieldPath {
        if let offset = token.text.firstIndex(where: { $0 == "(" || $0 == ")" }) {
            throw FilterSyntaxError(
                position: token.position
                    + token.text.unicodeScalars.distance(from: token.text.startIndex, to: offset),
                reason: "parentheses are not supported (clauses are combined left to right, as in LXD)")
        }
        guard !token.quoted, let path = FieldPath(token.text[...]) else {
            throw FilterSyntaxError(
                position: token.position, reason: "invalid field name \(FilterSyntaxError.quote(token.text))")
        }
        return path
    }
}
