import Drivers
import Foundation

/// Unpacks image tarballs with the host's GNU tar, keeping numeric owners and modes: a rootfs is
/// root's tree with setuid bits and device nodes.
///
/// Berth feeds tar through a FIFO, so the bytes tar has consumed are known while it runs (the
/// import's unpack progress, the way LXD's unpacker wraps its reader in a progress tracker), and
/// so `TarHeaderReader` sees every header before tar does and can refuse a member that would land
/// outside the image. For that a compressed archive is decompressed by Berth's own child process
/// rather than by tar.
enum Tar {
    /// - Parameter layout: an image (or metadata) tarball, or a split image's rootfs tarball.
    static func extract(
        archive: String, into directory: String, compression: ArchiveFormat.Compression, counter: ByteCounter,
        layout: TarHeaderReader.Layout = .image
    ) async throws {
        let fifo = archive + ".fifo"
        unlink(fifo)
        guard mkfifo(fifo, 0o600) == 0 else {
            throw ImageError.invalidTarball("cannot create \(fifo): \(String(cString: strerror(errno)))")
        }
        defer { unlink(fifo) }
        let input = try Self.open(archive)
        defer { close(input) }
        var decompressor: Task<HostCommandOutput, any Error>?
        var source = input
        var progress: Int32?
        if let (executable, arguments) = compression.decompressor {
            let (stream, childInput, childOutput) = try Self.decompressorDescriptors(archive: input)
            let command = HostCommand(
                executable, arguments, timeout: .seconds(1800), diesWithBerthd: true, standardInput: childInput,
                standardOutput: childOutput)
            decompressor = Task { try await command.output() }
            (source, progress) = (stream, input)
        } else {
            // The feeder closes its source; the archive's descriptor stays this function's.
            source = fcntl(input, F_DUPFD_CLOEXEC, 0)
            guard source >= 0 else { throw Self.failure("cannot read \(archive)") }
        }
        let tarEnded = EndFlag()
        let feeder = TarFeeder(
            source: source, fifo: fifo, progress: progress, counter: counter, tarEnded: tarEnded,
            reader: TarHeaderReader(layout: layout))
        let feeding = Task { try await OffPool.run { try feeder.run() } }
        var tarError: (any Error)?
        do {
            // Dies with berthd: a re-run of the import unpacks into the same staging directory.
            try await HostCommand(
                "/bin/tar", ["--numeric-owner", "-xpf", fifo, "-C", directory], timeout: .seconds(1800),
                diesWithBerthd: true
            ).run()
        } catch {
            tarError = error
        }
        tarEnded.set()
        // The feeder's failure (a refused header, an unreadable file) is the cause of tar's, if any;
        // then the decompressor's (corrupt data ends tar's input early), unless tar went first and
        // the decompressor only died writing into the closed stream.
        if case .failure(let error) = await feeding.result { throw error }
        switch await decompressor?.result {
        case .success(let output)? where output.termination != .exited(0) && output.termination != .signalled(SIGPIPE):
            let name = compression.decompressor.map { ($0.executable as NSString).lastPathComponent } ?? "decompressor"
            throw ImageError.invalidTarball(
                "\(name) failed (\(output.termination)): "
                    + output.stderrText.split(separator: "\n").suffix(3).joined(separator: "; "))
        case .failure(let error)?: throw error
        default: break
        }
        switch tarError {
        case HostCommandError.failed(_, let termination, let stderr)?:
            throw ImageError.invalidTarball(
                "tar -xpf failed (\(termination)): " + stderr.split(separator: "\n").suffix(3).joined(separator: "; "))
        case let error?: throw error
        case nil: return
        }
    }

    private static func open(_ path: String) throws -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot read \(path)") }
        return descriptor
    }

    /// A pipe for the decompressed stream (our read end, the child's write end) and the child's
    /// own descriptor of the archive: a duplicate, so its reads move the offset `archive` reports.
    private static func decompressorDescriptors(archive: Int32) throws -> (stream: Int32, input: Int32, output: Int32) {
        let input = fcntl(archive, F_DUPFD_CLOEXEC, 0)
        guard input >= 0 else { throw failure("cannot duplicate the archive descriptor") }
        guard let pipe = ClosingPipe.make() else {
            let error = failure("cannot create a pipe")
            close(input)
            throw error
        }
        return (pipe.read, input, pipe.write)
    }

    private static func failure(_ what: String) -> ImageError {
        .invalidTarball("\(what): \(String(cString: strerror(errno)))")
    }
}
