import Foundation

/// The files of a virtual-machine image, built with the host's tar: a `metadata.yaml`, stand-ins for
/// the kernel and initramfs (the import never boots them), and what each test adds or leaves out.
struct TestMachineImage {
    let directory: String

    /// - Parameters:
    ///   - initrd: whether `boot/initrd.img` is there.
    ///   - disk: whether a `disk.img` is there.
    ///   - rootfs: whether a container's `rootfs/` is there too.
    init(in root: String, initrd: Bool = true, disk: Bool = false, rootfs: Bool = false) throws {
        directory = root + "/machine"
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: directory + "/boot", withIntermediateDirectories: true)
        try "architecture: x86_64\ncreation_date: 1795000000\nproperties:\n  os: busybox\n  release: testvm\n"
            .write(toFile: directory + "/metadata.yaml", atomically: false, encoding: .utf8)
        try Data(Self.kernel).write(to: URL(fileURLWithPath: directory + "/boot/vmlinuz"))
        if initrd { try Data(Self.initrd).write(to: URL(fileURLWithPath: directory + "/boot/initrd.img")) }
        if disk { try Data(Self.disk).write(to: URL(fileURLWithPath: directory + "/disk.img")) }
        if rootfs {
            try fileManager.createDirectory(atPath: directory + "/rootfs/etc", withIntermediateDirectories: true)
            try "vm\n".write(toFile: directory + "/rootfs/etc/hostname", atomically: false, encoding: .utf8)
        }
    }

    /// Bytes that stand for a bzImage ("MZ", then the setup header's "HdrS" at 0x202).
    static let kernel: [UInt8] = [0x4D, 0x5A] + [UInt8](repeating: 0, count: 0x200) + Array("HdrS".utf8)
    /// Bytes that stand for a gzip'd cpio.
    static let initrd: [UInt8] = [0x1F, 0x8B, 0x08, 0x00] + Array("070701".utf8)
    /// Bytes that stand for a qcow2 disk.
    static let disk: [UInt8] = [0x51, 0x46, 0x49, 0xFB] + [UInt8](repeating: 0, count: 4092)

    /// A unified tarball of everything in the image's directory.
    func unifiedTarball(to path: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/tar")
        process.arguments = ["--numeric-owner", "--owner=0", "--group=0", "-C", directory, "-czf", path] + names
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return path
    }
}
