extension LinearRegex {
    /// Turns a parsed pattern into the automaton's program. Counted repetitions are unrolled, which
    /// is why the program's size, not only the pattern's length, is capped.
    struct Compiler {
        var program: [Instruction] = []

        mutating func emit(_ node: Node) throws(SyntaxError) {
            switch node {
            case .empty:
                break
            case .scalars(let set):
                try append(.scalar(set))
            case .assertion(let assertion):
                try append(.assert(assertion))
            case .concatenation(let nodes):
                for node in nodes { try emit(node) }
            case .alternation(let branches):
                var exits: [Int] = []
                for branch in branches.dropLast() {
                    let split = program.count
                    try append(.split(split + 1, split + 1))
                    try emit(branch)
                    exits.append(program.count)
                    try append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                }
                if let last = branches.last { try emit(last) }
                for exit in exits { program[exit] = .jump(program.count) }
            case .repetition(let body, let min, let max):
                for _ in 0..<min { try emit(body) }
                if let max {
                    // x{2,4} = xx(x(x)?)?: each optional copy may skip straight to the end.
                    var skips: [Int] = []
                    for _ in min..<max {
                        skips.append(program.count)
                        try append(.split(program.count + 1, program.count + 1))
                        try emit(body)
                    }
                    for skip in skips { program[skip] = .split(skip + 1, program.count) }
                } else {
                    let loop = program.count
                    try append(.split(loop + 1, loop + 1))
                    try emit(body)
                    try append(.jump(loop))
                    program[loop] = .split(loop + 1, program.count)
                }
            }
        }

        private mutating func append(_ instruction: Instruction) throws(SyntaxError) {
            guard program.count < LinearRegex.maxProgramSize else {
                throw SyntaxError(offset: 0, message: "expression too large")
            }
            program.append(instruction)
        }
    }
}
