import Drivers

/// Unpacks image tarballs with the host's GNU tar (gzip, xz and zstd by their magic), keeping
/// numeric owners and modes: a rootfs is root's tree with setuid bits and device nodes.
enum Tar {
    static func extract(archive: String, into directory: String) async throws {
        do {
            // Dies with berthd: a re-run of the import unpacks into the same staging directory.
            try await HostCommand(
                "/bin/tar", ["--numeric-owner", "-xpf", archive, "-C", directory], timeout: .seconds(1800),
                diesWithBerthd: true
            ).run()
        } catch HostCommandError.failed(_, let termination, let stderr) {
            throw ImageError.invalidTarball(
                "tar -xpf failed (\(termination)): " + stderr.split(separator: "\n").suffix(3).joined(separator: "; "))
        }
    }
}
