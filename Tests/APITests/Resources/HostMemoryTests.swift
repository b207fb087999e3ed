import Testing

@testable import API

@Suite struct HostMemoryTests {
    @Test func totalsAreBytesAndUsedLeavesOutFreeCacheAndBuffers() {
        let text = """
            MemTotal:       16000000 kB
            MemFree:         8000000 kB
            MemAvailable:   12000000 kB
            Buffers:          500000 kB
            Cached:          2500000 kB
            HugePages_Total:       4
            HugePages_Free:        1
            Hugepagesize:       2048 kB

            """
        let memory = HostMemory.parse(meminfo: text)
        #expect(memory.total == 16_000_000 * 1024)
        #expect(memory.used == 5_000_000 * 1024)
        #expect(memory.hugepageSize == 2048 * 1024)
        #expect(memory.hugepagesTotal == 4 * 2048 * 1024)
        #expect(memory.hugepagesUsed == 3 * 2048 * 1024)
    }

    @Test func anUnreadableFileGivesZeroesNotACrash() {
        #expect(
            HostMemory.parse(meminfo: "")
                == HostMemory(total: 0, used: 0, hugepagesTotal: 0, hugepagesUsed: 0, hugepageSize: 0))
    }
}
