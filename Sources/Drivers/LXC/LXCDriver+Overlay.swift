import Foundation

extension LXCDriver {
    /// Why containers made now cannot have an overlay rootfs, or nil when they can: the kernel
    /// must have overlayfs (loaded on demand, as `mount` would), and the lxcpath's file system
    /// must be able to hold an upper layer: not overlayfs itself, and with `user.*` attributes.
    func overlayUnavailableReason(log: @escaping DriverLog) async -> String? {
        if !usesOverlay { return "the driver is set to copy root filesystems" }
        if !((try? await OffPool.run(Self.kernelHasOverlay)) ?? false) {
            _ = try? await HostCommand("/sbin/modprobe", ["overlay"], timeout: .seconds(30)).output(log: log)
            if !((try? await OffPool.run(Self.kernelHasOverlay)) ?? false) {
                return "the kernel has no overlay file system"
            }
        }
        return (try? await OffPool.run { [lxcPath] in Self.upperLayerProblem(lxcPath) }) ?? nil
    }

    /// Blocking.
    private static func kernelHasOverlay() -> Bool {
        let text = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").contains { $0.split(separator: "\t").last == "overlay" }
    }

    /// Blocking.
    private static func upperLayerProblem(_ lxcPath: String) -> String? {
        if fileSystemType(of: lxcPath) == "overlay" { return "\(lxcPath) is itself on overlayfs" }
        guard let set = LinuxSymbols.lsetxattr, let remove = LinuxSymbols.lremovexattr else {
            return "the C library has no lsetxattr"
        }
        let name = "user.berth.probe"
        guard set(lxcPath, name, "1", 1, 0) == 0 else {
            return "\(lxcPath) does not take user.* attributes: \(String(cString: strerror(errno)))"
        }
        _ = remove(lxcPath, name)
        return nil
    }

    /// The type of the file system `path` is on, from the mount with the longest matching mount
    /// point in /proc/self/mounts. Blocking.
    static func fileSystemType(of path: String) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return nil }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var best: (length: Int, type: String)?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Spaces and other bytes in mount points are written as octal escapes.
            let point = fields[1].replacingOccurrences(of: "\\040", with: " ")
            let matches = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if matches && point.count >= (best?.length ?? -1) { best = (point.count, String(fields[2])) }
        }
        return best?.type
    }
}
