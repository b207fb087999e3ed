import Foundation

/// What an image is for, decided by what it unpacked into (LXD's image `type`): a root filesystem
/// to run as a container, or the files of a virtual machine that QEMU boots directly.
public enum ImageType: String, Sendable, Equatable {
    /// `rootfs/`, with `templates/`.
    case container
    /// `boot/vmlinuz` and `boot/initrd.img`, and optionally `disk.img` (a raw or qcow2 root disk).
    /// Berth boots VMs from their kernel and initramfs, with no firmware: an image with only a disk
    /// (LXD's VM images) could not start, so it is refused at import.
    case virtualMachine = "virtual-machine"

    /// The paths of a virtual-machine image, relative to its directory.
    public static let kernelPath = "boot/vmlinuz"
    public static let initrdPath = "boot/initrd.img"
    public static let diskPath = "disk.img"

    /// The type of the image unpacked in `directory`, or why it is neither. An image with both a
    /// `rootfs/` and `boot/` (or `disk.img`) is refused rather than guessed at: which one a client
    /// meant to run is not Berth's to choose, and an instance of the other type could not use it.
    public init(unpacked directory: String) throws(ImageError) {
        let hasRootfs = Self.kind(of: directory + "/rootfs") == .directory
        let machinePaths = ["boot", Self.diskPath].filter { Self.kind(of: "\(directory)/\($0)") != nil }
        switch (hasRootfs, machinePaths.isEmpty) {
        case (true, true):
            self = .container
        case (true, false):
            throw .invalidTarball(
                "both a rootfs/ directory (a container image) and \(machinePaths.joined(separator: " and ")) (a"
                    + " virtual-machine image)")
        case (false, true):
            throw .invalidTarball(
                "no rootfs/ directory (a container image) nor \(Self.kernelPath) and \(Self.initrdPath) (a"
                    + " virtual-machine image)")
        case (false, false):
            for path in [Self.kernelPath, Self.initrdPath] where Self.kind(of: "\(directory)/\(path)") != .regular {
                throw .invalidTarball(
                    "a virtual-machine image needs \(Self.kernelPath) and \(Self.initrdPath) (Berth boots VMs from"
                        + " their kernel and initramfs); \(path) is missing or not a regular file")
            }
            if let kind = Self.kind(of: "\(directory)/\(Self.diskPath)"), kind != .regular {
                throw .invalidTarball("\(Self.diskPath) is not a regular file")
            }
            self = .virtualMachine
        }
    }

    private enum FileKind { case regular, directory, other }

    /// What is at `path` itself, never following a symbolic link; nil if nothing is.
    private static func kind(of path: String) -> FileKind? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }
}
