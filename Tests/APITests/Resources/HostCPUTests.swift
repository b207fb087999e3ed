import Testing

@testable import API

@Suite struct HostCPUTests {
    static func block(_ processor: Int, socket: Int, core: Int) -> String {
        """
        processor\t: \(processor)
        vendor_id\t: GenuineIntel
        model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
        cpu MHz\t\t: 2100.000
        physical id\t: \(socket)
        core id\t\t: \(core)
        flags\t\t: fpu vme de
        """
    }

    @Test func socketsCoresAndThreadsAreGroupedAsLXDReportsThem() {
        // Two sockets, two cores each, two threads per core; the kernel lists siblings far apart.
        let layout = [(0, 0, 0), (1, 0, 1), (2, 1, 0), (3, 1, 1), (4, 0, 0), (5, 0, 1), (6, 1, 0), (7, 1, 1)]
        let text = layout.map { Self.block($0.0, socket: $0.1, core: $0.2) }.joined(separator: "\n\n") + "\n\n"
        let cpu = HostCPU.parse(cpuinfo: text, architecture: "x86_64")
        #expect(cpu.total == 8)
        #expect(cpu.sockets.map(\.socket) == [0, 1])
        #expect(cpu.sockets[0].name == "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz")
        #expect(cpu.sockets[0].vendor == "GenuineIntel")
        #expect(cpu.sockets[0].cores.map(\.core) == [0, 1])
        #expect(cpu.sockets[0].cores[0].threads == [0, 4])
        #expect(cpu.sockets[1].cores[1].threads == [3, 7])
        #expect(cpu.sockets[1].cores[1].frequency == 2100)
    }

    @Test func blocksWithoutTopologyCountAsOneCoreEachOnSocketZero() {
        let text = "processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n"
        let cpu = HostCPU.parse(cpuinfo: text, architecture: "aarch64")
        #expect(cpu.total == 2)
        #expect(cpu.sockets.count == 1)
        #expect(cpu.sockets[0].cores.map(\.threads) == [[0], [1]])
    }
}
