extension LinearRegex {
    /// A parsed pattern. Groups leave no trace: only whether the text matches is ever asked, so
    /// captures, laziness and group names do not change the answer.
    indirect enum Node: Equatable, Sendable {
        case empty
        case scalars(ScalarSet)
        case assertion(Assertion)
        case concatenation([Node])
        case alternation([Node])
        /// `max` nil: unbounded (`*`, `+`, `{n,}`).
        case repetition(Node, min: Int, max: Int?)
    }

    /// Zero-width conditions (RE2's: `^ $` per text or, with `m`, per line; `\A \z \b \B`).
    enum Assertion: Equatable, Sendable {
        case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
    }

    /// One instruction of the automaton (Pike's and Thompson's program form).
    enum Instruction: Equatable, Sendable {
        /// Consume one scalar in the set, then go on with the next instruction.
        case scalar(ScalarSet)
        /// Go on at both targets.
        case split(Int, Int)
        case jump(Int)
        /// Go on with the next instruction only if the condition holds here.
        case assert(Assertion)
        case accept
    }
}
