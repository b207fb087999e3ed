import Foundation
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// How VM directories are made, filled and removed without a crash ever leaving a partial one
/// under a VM's name: each is built as `.create-<uuid>-<name>` and renamed into place, and goes
/// away by a rename to `.delete-<uuid>-<name>` first. Dot entries are never listed; the next
/// delete of that name removes them.
extension QEMUDriver {
    enum Staging: String {
        case create
        case delete
    }

    /// LXD's instance names, as the LXC driver checks them: they become directory names.
    static func validate(name: String) throws {
        try LXCDriver.validate(name: name)
    }

    func stagingPath(_ kind: Staging, _ name: String) -> String {
        "\(directory)/.\(kind.rawValue)-\(UUID().uuidString.lowercased())-\(name)"
    }

    /// Entries a crashed create or delete of `name` left. Blocking.
    func leftovers(of name: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return entries.filter { entry in
            [Staging.create, .delete].contains { kind in
                let prefix = ".\(kind.rawValue)-"
                // The uuid is 36 characters, then a dash, then the name exactly.
                return entry.hasPrefix(prefix) && entry.dropFirst(prefix.count + 37) == name
                    && entry.count == prefix.count + 37 + name.count
            }
        }.map { "\(directory)/\($0)" }
    }

    /// Makes the VM `spec.name`: a staging directory that `fill` puts the boot files into, the
    /// config, then the rename that makes it exist. Whatever fails leaves nothing behind.
    func make(_ spec: InstanceSpec, log: @escaping DriverLog, fill: (String) async throws -> Void) async throws {
        let target = files(spec.name).directory
        let staging = stagingPath(.create, spec.name)
        try await OffPool.run { [directory] in
            if mkdir(directory, 0o711) != 0 && errno != EEXIST {
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: directory, errno: errno)
            }
            if FileStatus.exists(target) { throw InstanceDriverError.alreadyExists(spec.name) }
            guard mkdir(staging, 0o750) == 0 else {
                throw InstanceDriverError.fileSystem(operation: "mkdir", path: staging, errno: errno)
            }
        }
        do {
            try await fill(staging)
            try await OffPool.run {
                try LXCDriver.writeAtomically(Self.configText(spec.config), to: "\(staging)/config")
                if FileStatus.exists(target) { throw InstanceDriverError.alreadyExists(spec.name) }
                guard Glibc.rename(staging, target) == 0 else {
                    throw InstanceDriverError.fileSystem(operation: "rename", path: staging, errno: errno)
                }
            }
        } catch {
            _ = try? await OffPool.run { try FileManager.default.removeItem(atPath: staging) }
            throw error
        }
        log("made \(target)")
    }

    /// Puts each source file (by its name in a VM's directory: `kernel`, `initrd`, `disk.img`)
    /// into `target`. The kernel and initrd are never written, so a hard link does where the
    /// file system allows; the disk is the VM's own and always copied (sparse, reflinked where it
    /// can be).
    func installBootFiles(from sources: [String: String], into target: String, log: @escaping DriverLog)
        async throws
    {
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            let destination = "\(target)/\(name)"
            let linked = try await OffPool.run {
                guard FileStatus.isRegularFile(source) else { throw QEMUDriverError.missingBootFile(source) }
                return name != "disk.img" && link(source, destination) == 0
            }
            if linked { continue }
            try await HostCommand(
                "/bin/cp", ["--reflink=auto", "--sparse=always", "--", source, destination], timeout: .seconds(3600),
                diesWithBerthd: true
            )
            .run(log: log)
        }
    }

    /// The boot files in a VM's (or a snapshot's) directory, by name. Blocking until awaited.
    func existingBootFiles(in directory: String) async throws -> [String: String] {
        try await OffPool.run {
            var found: [String: String] = [:]
            for name in VMFiles.bootFileNames where FileStatus.isRegularFile("\(directory)/\(name)") {
                found[name] = "\(directory)/\(name)"
            }
            return found
        }
    }

    /// The config file: the spec's config keys as a JSON object.
    static func configText(_ config: [String: String]) -> String {
        String(decoding: JSONValue.object([("config", .sortedObject(config))]).encoded, as: UTF8.self) + "\n"
    }

    /// The config keys from a config file; empty when it is missing or unreadable. Blocking.
    static func readConfig(_ path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path),
            let value = try? JSONValue.parse([UInt8](data))
        else { return [:] }
        return value["config"]?.dictionaryOfStrings ?? [:]
    }
}
