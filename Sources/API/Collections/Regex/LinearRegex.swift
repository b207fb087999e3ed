/// A regular expression in RE2's syntax (a subset: no `\p{…}` classes, no `\Q…\E`) that matches in
/// time linear in its input, by simulating the pattern's automaton (Thompson's construction, as RE2
/// and Go's `regexp` do). Filters come from clients, and a backtracking engine such as
/// `NSRegularExpression` runs for hours on a 20-character pattern like `(a+)+$`; this one cannot.
///
/// The cost of a match is bounded by the program's size times the input's length, so both the
/// pattern's length and the program it compiles to are capped (`maxPatternLength`, `maxProgramSize`).
struct LinearRegex: Sendable, Equatable {
    /// Longest pattern accepted, in Unicode scalars.
    static let maxPatternLength = 1024
    /// Most instructions a pattern may compile to (`a{1000}{1000}` would otherwise be a million).
    static let maxProgramSize = 20_000
    /// Largest count in `{n}`, `{n,}`, `{n,m}`, as in RE2.
    static let maxRepeatCount = 1000

    let pattern: String
    let program: [Instruction]

    /// Compiles `pattern`; a pattern that is not valid RE2, uses syntax this engine lacks, or is too
    /// large throws, with the scalar offset of the problem.
    init(_ pattern: String) throws(SyntaxError) {
        let scalars = Array(pattern.unicodeScalars)
        guard scalars.count <= Self.maxPatternLength else {
            throw SyntaxError(
                offset: Self.maxPatternLength, message: "pattern longer than \(Self.maxPatternLength) characters")
        }
        var parser = Parser(scalars)
        let node = try parser.parse()
        var compiler = Compiler()
        try compiler.emit(node)
        compiler.program.append(.accept)
        self.pattern = pattern
        self.program = compiler.program
    }

    /// A pattern that could not be compiled: where (a scalar offset into the pattern) and why.
    struct SyntaxError: Error, Equatable, Sendable {
        let offset: Int
        let message: String
    }
}
