import CLinux
import Foundation
import Testing

@testable import Server

/// What a passed descriptor is, and an `HTTPServer` serving it instead of binding its own.
@Suite struct InheritedSocketTests {
    /// Sockets made the way a service manager makes them (blocking, without close-on-exec), closed
    /// by `close()` unless a server took them over.
    final class Sockets {
        let directory: String
        private(set) var open: [Int32] = []

        init() throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "berth-activation-\(UUID().uuidString.prefix(8))"
                ).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        func unixListener(_ name: String = "unix.socket") -> (fd: Int32, path: String) {
            let path = directory + "/" + name
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            #expect(bound == 0 && listen(fd, 16) == 0)
            open.append(fd)
            return (fd, path)
        }

        func tcpListener(listening: Bool = true) -> (fd: Int32, port: UInt16) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            #expect(bound)
            if listening { #expect(listen(fd, 16) == 0) }
            open.append(fd)
            return (fd, UInt16(bigEndian: address.sin_port))
        }

        func datagram() -> Int32 {
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            open.append(fd)
            return fd
        }

        /// The server owns `fd` now and closes it on shutdown.
        func handOver(_ fd: Int32) { open.removeAll { $0 == fd } }

        func close() {
            for fd in open { _ = Glibc.close(fd) }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func aListeningUnixSocketIsServedAsTheUnixListener() throws {
        let sockets = try Sockets()
        defer { sockets.close() }
        let (fd, path) = sockets.unixListener()
        #expect(try InheritedSocket(fd: fd, name: "berthd.socket").kind() == .unix(path: path))
    }

    @Test func aListeningTCPSocketIsServedAsHTTPS() throws {
        let sockets = try Sockets()
        defer { sockets.close() }
        let (fd, port) = sockets.tcpListener()
        #expect(try InheritedSocket(fd: fd, name: "https").kind() == .tls(host: "127.0.0.1", port: port))
    }

    @Test func aDatagramSocketIsRefused() throws {
        let sockets = try Sockets()
        defer { sockets.close() }
        let fd = sockets.datagram()
        #expect(throws: SocketActivationError.unusableSocket(fd: fd, name: "x", reason: "is not a stream socket")) {
            try InheritedSocket(fd: fd, name: "x").kind()
        }
    }

    @Test func aSocketThatDoesNotListenIsRefused() throws {
        let sockets = try Sockets()
        defer { sockets.close() }
        let (fd, _) = sockets.tcpListener(listening: false)
        #expect(throws: SocketActivationError.unusableSocket(fd: fd, name: "x", reason: "is not listening")) {
            try InheritedSocket(fd: fd, name: "x").kind()
        }
    }

    @Test func aClosedDescriptorOrAFileIsRefused() throws {
        // Far above anything this process opens, so the number is certainly closed.
        #expect(throws: SocketActivationError.self) { try InheritedSocket(fd: 900_000, name: "x").kind() }
        let file = open("/dev/null", O_RDONLY)
        defer { close(file) }
        #expect(throws: SocketActivationError.self) { try InheritedSocket(fd: file, name: "x").kind() }
    }

    @Test func theServerServesAnAdoptedUnixSocketAndLeavesItsFileInPlace() async throws {
        let sockets = try Sockets()
        defer { sockets.close() }
        let (fd, path) = sockets.unixListener()
        var configuration = ServerConfiguration()
        configuration.loopCount = 2
        let server = HTTPServer(configuration: configuration, responder: TestResponder())
        let bound = try server.start(listening: [], adopting: [InheritedSocket(fd: fd, name: "berthd.socket")])
        sockets.handOver(fd)
        #expect(bound == [.unix(path: path)])
        // The loops accept until EAGAIN: a blocking socket would hang a loop once the queue is empty.
        #expect(fcntl(fd, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
        for _ in 0..<3 {
            let client = try RawClient(unixPath: path)
            client.send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n")
            #expect(try await client.readResponse().text == "hello")
        }
        await server.shutdown(gracePeriodMilliseconds: 2_000)
        // The service manager owns the file: connections queue there while the daemon restarts.
        var info = stat()
        #expect(lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK)
    }

    @Test func anAdoptedTCPSocketNeedsATLSIdentity() throws {
        let sockets = try Sockets()
        defer { sockets.close() }
        let (fd, _) = sockets.tcpListener()
        let server = HTTPServer(responder: TestResponder())
        #expect(throws: SocketActivationError.self) {
            try server.start(listening: [], adopting: [InheritedSocket(fd: fd, name: "https")])
        }
    }

    @Test func aBoundAddressAndAnAdoptedSocketAreServedSideBySide() async throws {
        let sockets = try Sockets()
        defer { sockets.close() }
        let (fd, adoptedPath) = sockets.unixListener("adopted.socket")
        let ownPath = sockets.directory + "/own.socket"
        let server = HTTPServer(responder: TestResponder())
        let bound = try server.start(
            listening: [.unix(path: ownPath, mode: 0o660)], adopting: [InheritedSocket(fd: fd, name: "a")])
        sockets.handOver(fd)
        #expect(bound == [.unix(path: ownPath, mode: 0o660), .unix(path: adoptedPath)])
        for path in [ownPath, adoptedPath] {
            let client = try RawClient(unixPath: path)
            client.send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
        }
        await server.shutdown(gracePeriodMilliseconds: 2_000)
        #expect(!FileManager.default.fileExists(atPath: ownPath))
        #expect(FileManager.default.fileExists(atPath: adoptedPath))
    }
}
