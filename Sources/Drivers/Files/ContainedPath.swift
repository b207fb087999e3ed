/// A path inside an instance split for `*at` calls: the directory part, resolved by the kernel
/// inside the root, and the last component, which is created, linked or removed relative to that
/// directory and so cannot be redirected by a symlink swapped in afterwards.
struct ContainedPath: Equatable {
    /// The components before the last, joined; `.` for the root itself.
    let parent: String
    /// The last component; nil when the path names the root or ends in `..`, which cannot be
    /// created or removed.
    let leaf: String?
    /// The whole path relative to the root; `.` for the root.
    let relative: String

    /// Throws `invalidPath` for an empty path or one holding a NUL byte (which would cut it short
    /// in C).
    init(_ path: String) throws(InstanceFileError) {
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw .invalidPath(path: path, reason: "it is empty or holds a NUL byte")
        }
        let components = path.split(separator: "/").filter { $0 != "." }.map(String.init)
        relative = components.isEmpty ? "." : components.joined(separator: "/")
        if let last = components.last, last != ".." {
            leaf = last
            parent = components.count == 1 ? "." : components.dropLast().joined(separator: "/")
        } else {
            leaf = nil
            parent = relative
        }
    }

    /// The absolute form of a symlink's `target` found at `path`, with `.` and `..` taken out as
    /// they would resolve inside the root (LXD answers a symlink's GET with where it leads).
    static func resolvedTarget(_ target: String, of path: String) -> String {
        var stack: [Substring] = []
        let base = target.hasPrefix("/") ? "" : path.split(separator: "/").dropLast().joined(separator: "/")
        for component in (base + "/" + target).split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = stack.popLast()
            default: stack.append(component)
            }
        }
        return "/" + stack.joined(separator: "/")
    }
}
