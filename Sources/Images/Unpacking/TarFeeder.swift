#if canImport(Glibc)
    import Glibc
#endif

/// Copies a tar stream into the FIFO tar reads, running `TarHeaderReader` over every chunk before
/// tar gets it and counting progress. Blocking: it runs on `OffPool`.
///
/// The stream is the archive itself, or the output of the decompressor reading it; progress is in
/// archive bytes either way (with a decompressor, the offset it has read up to in `progress`, an
/// open file description it shares). A chunk with a refused header is never written: tar sees end
/// of input after the last accepted chunk, and the import fails with the reader's reason.
///
/// Every way out closes the FIFO's write end and `source`, so tar always sees end of input and a
/// decompressor writing into `source` gets EPIPE rather than waiting for ever; and if tar exits
/// without opening the FIFO (it failed to start), the `tarEnded` flag ends the wait for a reader.
struct TarFeeder {
    /// The tar stream; owned: closed by `run`.
    let source: Int32
    let fifo: String
    /// With a decompressor: the archive, whose offset says how far it has read.
    let progress: Int32?
    let counter: ByteCounter
    let tarEnded: EndFlag
    var reader: TarHeaderReader

    func run() throws {
        defer { close(source) }
        // tar may stop reading early (a bad archive); the write then fails with EPIPE, which must not
        // become a SIGPIPE for the whole daemon. Blocked on this thread, the signal stays pending here.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        guard let output = try openWriteEnd() else { return }
        defer { close(output) }
        var reader = reader
        var counted = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure("cannot read the archive") }
            if count == 0 { return }
            do throws(TarArchiveError) {
                _ = try buffer.withUnsafeBytes { bytes in
                    Result { () throws(TarArchiveError) in
                        try reader.append(UnsafeRawBufferPointer(rebasing: bytes[..<count]))
                    }
                }.get()
            } catch {
                throw ImageError.invalidTarball(error.description)
            }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(output, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                // tar stopped reading: its exit status says whether that was an error.
                if written < 0 && errno == EPIPE { return }
                guard written > 0 else { throw Self.failure("cannot write to tar") }
                offset += written
            }
            if let progress {
                let position = lseek(progress, 0, SEEK_CUR)
                if position > counted {
                    counter.add(Int(position - counted))
                    counted = position
                }
            } else {
                counter.add(count)
            }
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
