#if canImport(Glibc)
    import Glibc
#endif

/// Copies an archive into the FIFO tar reads, counting the bytes. Blocking: it runs on `OffPool`.
///
/// Every way out closes the FIFO's write end, so tar always sees end of input and exits rather
/// than waiting for ever; and if tar exits without opening the FIFO (it failed to start), the
/// `tarEnded` flag ends the wait for a reader.
struct TarFeeder {
    let archive: String
    let fifo: String
    let counter: ByteCounter
    let tarEnded: EndFlag

    func run() throws {
        // tar may stop reading early (a bad archive); the write then fails with EPIPE, which must not
        // become a SIGPIPE for the whole daemon. Blocked on this thread, the signal stays pending here.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        guard let output = try openWriteEnd() else { return }
        defer { close(output) }
        let input = open(archive, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.failure("cannot read \(archive)") }
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure("cannot read \(archive)") }
            if count == 0 { return }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(output, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                // tar stopped reading: its exit status says whether that was an error.
                if written < 0 && errno == EPIPE { return }
                guard written > 0 else { throw Self.failure("cannot write to tar") }
                offset += written
            }
            counter.add(count)
        }
    }

    /// Opens the FIFO for writing once tar has opened it for reading; nil if tar ended first.
    private func openWriteEnd() throws -> Int32? {
        while true {
            let descriptor = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if descriptor >= 0 {
                let flags = fcntl(descriptor, F_GETFL)
                _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
                return descriptor
            }
            // ENXIO: no reader yet.
            guard errno == ENXIO || errno == EINTR else { throw Self.failure("cannot open \(fifo)") }
            if tarEnded.isSet { return nil }
            usleep(2_000)
        }
    }

    private static func failure(_ what: String) -> ImageError {
        .invalidTarball("\(what): \(String(cString: strerror(errno)))")
    }
}
