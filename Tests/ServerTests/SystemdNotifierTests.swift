import CLinux
import Foundation
import Testing

@testable import Server

@Suite struct SystemdNotifierTests {
    /// A datagram socket standing in for systemd's notify socket.
    final class Listener {
        let fd: Int32
        let path: String
        /// A file under the temporary directory, removed with the listener; nil for an abstract name.
        private var file: String?

        /// On a new file under the temporary directory named `prefix`-something.
        convenience init(temporaryNamed prefix: String) {
            self.init(
                path: FileManager.default.temporaryDirectory.appendingPathComponent(
                    "\(prefix)-\(UUID().uuidString.prefix(8))"
                ).path)
            file = path
        }

        init(path: String) {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var bytes = Array(path.utf8)
            if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
        }
        deinit {
            close(fd)
            if let file { unlink(file) }
        }
        func receive(timeoutMilliseconds: Int = 2_000) -> String? {
            var timeout = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
        }
    }

    @Test func sendsToAPathSocket() {
        let listener = Listener(temporaryNamed: "notify")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path])
        #expect(notifier?.notify("READY=1") == true)
        #expect(listener.receive() == "READY=1")
    }

    @Test func sendsToAnAbstractSocket() {
        let name = "@berth-notify-test-\(UUID().uuidString.prefix(8))"
        let listener = Listener(path: name)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": name])
        #expect(notifier?.notify("STOPPING=1") == true)
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test func isAbsentWithoutAUsableVariable() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative"]) == nil)
    }
}
