import CLinux
import Foundation

extension LXCDriver: InstanceFileDriver {
    /// A running (or frozen) container's root is its init's, `/proc/PID/root`: the merged view its
    /// processes see. A stopped overlay container has no merged view, so one is made for the
    /// request with the new mount API as a *detached* mount (`fsmount` without `move_mount`): it
    /// is in no mount table, nothing can find or leak it, and it goes away when the descriptor
    /// closes, also when berthd dies, so no unmount is ever needed. It uses the same layers and
    /// `userxattr` as LXC. A stopped directory container is its `rootfs` directory.
    ///
    /// A container that starts or stops while the root is opened is caught by checking its state
    /// again afterwards (a reused pid, or a start racing the overlay mount); the check is then
    /// redone with the new state.
    public func openRootfs(of name: String) async throws -> InstanceRootfs {
        try Self.validate(name: name)
        for _ in 0..<3 {
            let state = try await state(name: name)
            let directory = containerDirectory(name)
            let opened: (root: Int32, idmap: IDMap?) = try await OffPool.run { [self] in
                guard let text = try? String(contentsOfFile: configPath(name), encoding: .utf8) else {
                    throw InstanceDriverError.notFound(name)
                }
                let idmap = Self.idmap(inConfiguration: text)
                if state.status != .stopped && state.pid > 0 {
                    return (Self.openDirectory("/proc/\(state.pid)/root", follow: true), idmap)
                }
                switch Self.setting("lxc.rootfs.path", in: text).flatMap(RootfsLayout.init(lxcValue:)) {
                case .overlay:
                    let fd = clinux_overlay_detached(
                        "\(directory)/base", "\(directory)/delta", "\(directory)/work", 1)
                    guard fd >= 0 else {
                        throw InstanceDriverError.fileSystem(operation: "mount overlay", path: directory, errno: -fd)
                    }
                    return (fd, idmap)
                case .directory, nil:
                    return (Self.openDirectory("\(directory)/rootfs", follow: false), idmap)
                }
            }
            let rootfs = opened.root >= 0 ? InstanceRootfs(root: opened.root, idmap: opened.idmap) : nil
            let now = try await self.state(name: name)
            if let rootfs, now.status == .stopped ? state.status == .stopped : now.pid == state.pid {
                return rootfs
            }
        }
        throw InstanceDriverError.fileSystem(operation: "open root of", path: containerDirectory(name), errno: EAGAIN)
    }

    /// An `O_PATH` descriptor of the directory, or -1. Blocking.
    private static func openDirectory(_ path: String, follow: Bool) -> Int32 {
        open(path, clinux_o_path | clinux_o_directory | clinux_o_cloexec | (follow ? 0 : clinux_o_nofollow))
    }

    /// LXD keeps `lxc.log`, `lxc.conf` and `console.log` in the instance's log directory; here
    /// they are LXC's own files in the container's directory (`config` is `lxc.conf`), and the
    /// others (exec output, `*.log` of Berth's own) are in its `logs` directory.
    public func logFiles(of name: String) async throws -> [String] {
        try Self.validate(name: name)
        return try await OffPool.run { [self] in
            let directory = containerDirectory(name)
            guard FileStatus.isDirectory(directory) else { throw InstanceDriverError.notFound(name) }
            let own = ["lxc.log", "lxc.conf", "console.log"].filter {
                FileStatus.isRegularFile($0 == "lxc.conf" ? configPath(name) : "\(directory)/\($0)")
            }
            let others = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/logs")) ?? []
            return (own + others.filter { !own.contains($0) && FileStatus.isRegularFile("\(directory)/logs/\($0)") })
                .sorted()
        }
    }

    public func logPath(of name: String, file: String) throws -> String {
        try Self.validate(name: name)
        guard !file.isEmpty, !file.contains("/"), file != ".", file != ".." else {
            throw InstanceDriverError.fileSystem(operation: "open log", path: file, errno: EINVAL)
        }
        switch file {
        case "lxc.conf": return configPath(name)
        case "lxc.log", "console.log": return "\(containerDirectory(name))/\(file)"
        default: return "\(containerDirectory(name))/logs/\(file)"
        }
    }
}
