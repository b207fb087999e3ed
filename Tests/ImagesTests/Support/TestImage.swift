import Foundation

/// Split and unified images built with the host's tar (and mksquashfs when installed): a
/// `metadata.yaml`, a template, and a rootfs with a file, a directory and a symlink.
struct TestImage {
    let directory: String

    init(in root: String) throws {
        directory = root + "/source"
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: directory + "/rootfs/etc", withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: directory + "/templates", withIntermediateDirectories: true)
        try "architecture: x86_64\ncreation_date: 1795000000\nproperties:\n  os: busybox\n  release: \"1.35\"\n"
            .write(toFile: directory + "/metadata.yaml", atomically: false, encoding: .utf8)
        try "{{ container.name }}\n".write(
            toFile: directory + "/templates/hostname.tpl", atomically: false, encoding: .utf8)
        try "split\n".write(toFile: directory + "/rootfs/etc/hostname", atomically: false, encoding: .utf8)
        try fileManager.createSymbolicLink(atPath: directory + "/rootfs/init", withDestinationPath: "etc/hostname")
    }

    /// `tar ARGS` in the image's directory.
    func tar(_ arguments: [String]) throws {
        try run("/bin/tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", directory] + arguments)
    }

    func metadataTarball(to path: String) throws -> String {
        try tar(["-cJf", path, "metadata.yaml", "templates"])
        return path
    }

    func rootfsTarball(to path: String) throws -> String {
        try run(
            "/bin/tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", directory + "/rootfs", "-czf", path, "."])
        return path
    }

    func unifiedTarball(to path: String) throws -> String {
        try tar(["-czf", path, "metadata.yaml", "templates", "rootfs"])
        return path
    }

    /// A squashfs of the rootfs, or nil without squashfs-tools.
    func rootfsSquashfs(to path: String) throws -> String? {
        let tools: [String] = ["/usr/bin/mksquashfs", "/usr/sbin/mksquashfs"]
        guard let tool = tools.first(where: { access($0, X_OK) == 0 }) else { return nil }
        try run(tool, [directory + "/rootfs", path, "-noappend", "-quiet", "-all-root", "-no-progress"])
        return path
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }
}
