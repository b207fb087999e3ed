import Drivers
import Foundation

/// Unpacks squashfs root filesystems with `unsquashfs` (squashfs-tools), which LXD also uses.
/// The tools are optional: without them a squashfs rootfs is refused with a message that says what
/// to install.
enum Squashfs {
    static let candidates = ["/usr/bin/unsquashfs", "/usr/sbin/unsquashfs", "/bin/unsquashfs", "/sbin/unsquashfs"]

    static let missingTools = ImageError.invalidTarball(
        "squashfs rootfs needs squashfs-tools (unsquashfs is not installed on the host)")

    /// The first executable `unsquashfs` among `candidates`.
    static func unsquashfs(among candidates: [String] = candidates) -> String? {
        candidates.first { access($0, X_OK) == 0 }
    }

    /// Unpacks `image` into `directory`, which must not exist yet.
    static func extract(image: String, into directory: String) async throws {
        guard let tool = unsquashfs() else { throw missingTools }
        do {
            // -n: no progress bar on stderr, which would end up in the operation's error.
            try await HostCommand(tool, ["-n", "-d", directory, image], timeout: .seconds(1800), diesWithBerthd: true)
                .run()
        } catch HostCommandError.failed(_, let termination, let stderr) {
            throw ImageError.invalidTarball(
                "unsquashfs failed (\(termination)): " + stderr.split(separator: "\n").suffix(3).joined(separator: "; ")
            )
        }
    }
}
