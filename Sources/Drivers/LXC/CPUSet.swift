/// A set of CPU numbers in the kernel's list format (`0-1,4`), the format of `cpuset.cpus` and
/// `/sys/devices/system/cpu/online`.
struct CPUSet: Equatable, Sendable, CustomStringConvertible {
    /// Ascending, without duplicates.
    let cpus: [Int]

    init(_ cpus: some Sequence<Int>) {
        self.cpus = Array(Set(cpus)).sorted()
    }

    /// Parses `0-1,4`; nil for anything else, a reversed range or an empty list included. The
    /// kernel's files end with a newline, which is allowed.
    init?(parsing text: String) {
        var cpus: [Int] = []
        let trimmed = text.hasSuffix("\n") ? text.dropLast() : Substring(text)
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy(Self.isNumber),
                let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]), low <= high,
                high < 1 << 16
            else { return nil }
            cpus += Array(low...high)
        }
        guard !cpus.isEmpty else { return nil }
        self.init(cpus)
    }

    /// The kernel's own spelling, ranges collapsed: `0-3,5`.
    var description: String {
        var parts: [String] = []
        var index = 0
        while index < cpus.count {
            var end = index
            while end + 1 < cpus.count && cpus[end + 1] == cpus[end] + 1 { end += 1 }
            parts.append(end == index ? "\(cpus[index])" : "\(cpus[index])-\(cpus[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    func isSubset(of other: CPUSet) -> Bool { Set(cpus).isSubset(of: other.cpus) }

    private static func isNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
