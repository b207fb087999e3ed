import CLinux
import Foundation

/// `berthd waitready` (like `lxd waitready`): succeeds once `GET /1.0` answers 200 on the unix socket.
enum WaitReady {
    static func run(stateDirectory: String, timeoutSeconds: Double) async -> Bool {
        let socketPath = stateDirectory + "/unix.socket"
        let deadline = timeoutSeconds > 0 ? ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000)) : nil
        while true {
            if probe(socketPath: socketPath) { return true }
            if let deadline, ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// One attempt: connect, send the request, read the status line.
    static func probe(socketPath: String) -> Bool {
        let fd = clinux_connect_unix(socketPath)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET /1.0 HTTP/1.1\r\nHost: unix.socket\r\nConnection: close\r\n\r\n".utf8)
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        var received = 0
        while received < 12 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, $0.count - received, 0) }
            guard count > 0 else { return false }
            received += count
        }
        return buffer[0..<12].elementsEqual("HTTP/1.1 200".utf8)
    }
}
