import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waiting for a guest to come up, and telling why it did not.
extension QEMUDriver {
    /// How many console lines a failed start's error carries.
    static let consoleLinesKept = 20

    /// Polls `console.log` for the ready line every 20 ms, on a thread off the cooperative pool,
    /// until it is there, QEMU is gone, `timeout` passed or the calling task is cancelled.
    func waitForReady(_ vm: VMFiles, pid: Int32, timeout: Duration) async -> VMBootOutcome {
        let cancellation = VMBootCancellation()
        return await withTaskCancellationHandler {
            (try? await OffPool.run { Self.pollReady(vm, pid: pid, timeout: timeout, cancellation: cancellation) })
                ?? .cancelled
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Blocking.
    private static func pollReady(_ vm: VMFiles, pid: Int32, timeout: Duration, cancellation: VMBootCancellation)
        -> VMBootOutcome
    {
        let deadline = ContinuousClock.now + timeout
        let fd = open(vm.consoleLog, O_RDONLY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        // What was read and not yet ruled out: from a possible start of the marker onwards.
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            while fd >= 0 {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                pending += chunk[..<count]
            }
            if let line = readyLine(in: &pending) { return .ready(line) }
            if !isQEMU(pid, of: vm) { return .exited }
            if cancellation.isCancelled { return .cancelled }
            if ContinuousClock.now >= deadline { return .timedOut }
            usleep(20_000)
        }
    }

    /// The complete line holding the marker, if `text` has one; otherwise drops what can no
    /// longer be part of one.
    static func readyLine(in text: inout [UInt8]) -> String? {
        let marker = readyMarker
        var start = 0
        while start + marker.count <= text.count {
            if text[start] == marker[0] && Array(text[start..<(start + marker.count)]) == marker {
                guard let end = text[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                    text.removeFirst(start)
                    return nil
                }
                let line = String(decoding: text[start..<end], as: UTF8.self)
                return line.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            start += 1
        }
        text.removeFirst(max(0, text.count - marker.count + 1))
        return nil
    }

    /// The last lines the guest wrote on its console, without carriage returns and blank lines.
    /// Blocking.
    static func consoleTail(_ vm: VMFiles, lines count: Int = consoleLinesKept) -> [String] {
        tail(of: vm.consoleLog, lines: count)
    }

    /// The last `count` non-blank lines of a file, reading at most its last 64 KiB. Blocking.
    static func tail(of path: String, lines count: Int) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 65536 ? size - 65536 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        return Array(lines.filter { !$0.isEmpty }.suffix(count))
    }
}
