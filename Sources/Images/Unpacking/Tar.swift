import Drivers
import Foundation

/// Unpacks image tarballs with the host's GNU tar, keeping numeric owners and modes: a rootfs is
/// root's tree with setuid bits and device nodes.
///
/// Berth reads the file itself and feeds tar through a FIFO, so the bytes tar has consumed are
/// known while it runs; that is the import's unpack progress, the way LXD's unpacker wraps its
/// reader in a progress tracker.
enum Tar {
    static func extract(
        archive: String, into directory: String, compression: ArchiveFormat.Compression, counter: ByteCounter
    ) async throws {
        let fifo = archive + ".fifo"
        unlink(fifo)
        guard mkfifo(fifo, 0o600) == 0 else {
            throw ImageError.invalidTarball("cannot create \(fifo): \(String(cString: strerror(errno)))")
        }
        defer { unlink(fifo) }
        let tarEnded = EndFlag()
        let feeder = Task {
            try await OffPool.run {
                try TarFeeder(archive: archive, fifo: fifo, counter: counter, tarEnded: tarEnded).run()
            }
        }
        let arguments =
            ["--numeric-owner"] + (compression.tarFlag.map { [$0] } ?? []) + ["-xpf", fifo, "-C", directory]
        var tarError: (any Error)?
        do {
            // Dies with berthd: a re-run of the import unpacks into the same staging directory.
            try await HostCommand("/bin/tar", arguments, timeout: .seconds(1800), diesWithBerthd: true).run()
        } catch {
            tarError = error
        }
        tarEnded.set()
        // The feeder's own failure (the file could not be read) is the cause of tar's, if any.
        if case .failure(let error) = await feeder.result { throw error }
        switch tarError {
        case HostCommandError.failed(_, let termination, let stderr)?:
            throw ImageError.invalidTarball(
                "tar -xpf failed (\(termination)): " + stderr.split(separator: "\n").suffix(3).joined(separator: "; "))
        case let error?: throw error
        case nil: return
        }
    }
}
