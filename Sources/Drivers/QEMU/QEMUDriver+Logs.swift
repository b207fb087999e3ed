/// A VM's logs: its serial console (`console.log`, what `lxc console --show-log` shows) and what
/// QEMU itself said at its last start (`qemu.log`). There is no file access into a VM.
extension QEMUDriver: InstanceFileDriver {
    static let logFileNames = ["console.log", "qemu.log"]

    public func openRootfs(of name: String) async throws -> InstanceRootfs {
        guard try await exists(name: name) else { throw InstanceDriverError.notFound(name) }
        throw QEMUDriverError.fileAccessUnsupported
    }

    public func logFiles(of name: String) async throws -> [String] {
        try Self.validate(name: name)
        let vm = files(name)
        return try await OffPool.run {
            guard FileStatus.isDirectory(vm.directory) else { throw InstanceDriverError.notFound(name) }
            return Self.logFileNames.filter { FileStatus.isRegularFile("\(vm.directory)/\($0)") }.sorted()
        }
    }

    public func logPath(of name: String, file: String) throws -> String {
        try Self.validate(name: name)
        guard Self.logFileNames.contains(file) else { throw InstanceDriverError.notFound(file) }
        return "\(files(name).directory)/\(file)"
    }
}
