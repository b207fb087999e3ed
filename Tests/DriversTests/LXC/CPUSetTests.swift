import Testing

@testable import Drivers

@Suite struct CPUSetTests {
    @Test(arguments: [
        ("0", [0]), ("0-1", [0, 1]), ("0,1", [0, 1]), ("1-3,5", [1, 2, 3, 5]), ("3,1,2", [1, 2, 3]), ("0-1\n", [0, 1]),
    ])
    func parsesTheKernelsListFormat(text: String, cpus: [Int]) {
        #expect(CPUSet(parsing: text)?.cpus == cpus)
    }

    @Test(arguments: ["", "1-0", "a", "0-", "-1", "0,,1", "0-1-2", " 0", "0 ", "1.5", "99999999"])
    func refusesAnythingElse(text: String) {
        #expect(CPUSet(parsing: text) == nil)
    }

    @Test func writesRangesAsTheKernelDoes() {
        #expect(CPUSet([0, 1, 2, 3, 5, 7, 8]).description == "0-3,5,7-8")
        #expect(CPUSet([4]).description == "4")
    }
}
