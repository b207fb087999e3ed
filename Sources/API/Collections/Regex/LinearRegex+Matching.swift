extension LinearRegex {
    /// Whether the pattern matches anywhere in `text` (Go's `MatchString`). All threads of the
    /// automaton advance together over the text, one scalar at a time, each program position at most
    /// once per step: time is O(program size × text length) whatever the pattern.
    func matches(_ text: String) -> Bool {
        let input = Array(text.unicodeScalars)
        let needsVariants = program.contains { instruction in
            if case .scalar(let set) = instruction { set.caseInsensitive } else { false }
        }
        // A pattern that starts with `^` (or `\A`) can only match at offset 0: no new thread later.
        let anchored = program.first == .assert(.textStart)
        var current = ThreadSet(capacity: program.count)
        var next = ThreadSet(capacity: program.count)
        var stack: [Int] = []
        for position in 0...input.count {
            if position == 0 || !anchored {
                if addThread(0, at: position, in: input, to: &current, stack: &stack) { return true }
            }
            if position == input.count || (anchored && current.count == 0) { return false }
            let scalar = input[position]
            let variants = needsVariants ? LinearRegex.caseVariants(of: scalar) : []
            next.removeAll()
            for slot in 0..<current.count {
                let pc = current.dense[slot]
                guard case .scalar(let set) = program[pc], set.contains(scalar.value, variants: variants) else {
                    continue
                }
                if addThread(pc + 1, at: position + 1, in: input, to: &next, stack: &stack) { return true }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds `pc` and everything reachable from it without consuming input; true when that reaches
    /// `accept`, which settles the question.
    private func addThread(
        _ pc: Int, at position: Int, in input: [Unicode.Scalar], to threads: inout ThreadSet, stack: inout [Int]
    ) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append(pc)
        while let pc = stack.popLast() {
            guard !threads.contains(pc) else { continue }
            threads.insert(pc)
            switch program[pc] {
            case .accept:
                return true
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assert(let assertion):
                if holds(assertion, at: position, in: input) { stack.append(pc + 1) }
            case .scalar:
                break
            }
        }
        return false
    }

    private func holds(_ assertion: Assertion, at position: Int, in input: [Unicode.Scalar]) -> Bool {
        let before = position > 0 ? input[position - 1] : nil
        let after = position < input.count ? input[position] : nil
        switch assertion {
        case .textStart: return before == nil
        case .textEnd: return after == nil
        case .lineStart: return before == nil || before == "\n"
        case .lineEnd: return after == nil || after == "\n"
        case .wordBoundary, .notWordBoundary:
            let boundary =
                (before.map { ScalarSet.isWordCharacter($0.value) } ?? false)
                != (after.map { ScalarSet.isWordCharacter($0.value) } ?? false)
            return boundary == (assertion == .wordBoundary)
        }
    }

    /// The set of program positions live at one step: O(1) insert, lookup and clear (a sparse set,
    /// as in RE2 and Russ Cox's "Regular Expression Matching: the Virtual Machine Approach").
    struct ThreadSet {
        private(set) var dense: [Int]
        private var sparse: [Int]
        private(set) var count = 0

        init(capacity: Int) {
            dense = Array(repeating: 0, count: capacity)
            sparse = Array(repeating: 0, count: capacity)
        }

        func contains(_ pc: Int) -> Bool {
            let slot = sparse[pc]
            return slot < count && dense[slot] == pc
        }

        mutating func insert(_ pc: Int) {
            sparse[pc] = count
            dense[count] = pc
            count += 1
        }

        mutating func removeAll() { count = 0 }
    }
}
