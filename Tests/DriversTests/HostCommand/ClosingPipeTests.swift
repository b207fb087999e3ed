import Testing

@testable import Drivers

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ClosingPipeTests {
    /// Both ends are close-on-exec as they are made, and they are a working pipe.
    @Test func bothEndsAreCloseOnExecAndConnected() throws {
        let pipe = try #require(ClosingPipe.make())
        defer {
            close(pipe.read)
            close(pipe.write)
        }
        #expect(fcntl(pipe.read, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(pipe.write, F_GETFD) & FD_CLOEXEC != 0)
        var byte: UInt8 = 42
        #expect(write(pipe.write, &byte, 1) == 1)
        var received: UInt8 = 0
        #expect(read(pipe.read, &received, 1) == 1)
        #expect(received == 42)
    }
}
