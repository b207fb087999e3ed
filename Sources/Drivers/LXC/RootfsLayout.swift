/// How a container's root filesystem is stored; its config's `lxc.rootfs.path` says which.
enum RootfsLayout: Equatable, Sendable {
    /// An overlay of the container's own changes (`<directory>/delta`, with the overlay's work
    /// directory `<directory>/work`) on a base shared by every container of the same image and id
    /// map, reached through the symlink `<directory>/base`. Making one copies nothing.
    case overlay
    /// A tree of its own in `<directory>/rootfs`: an empty rootfs, or a copy where overlayfs is
    /// not available.
    case directory

    /// The value of `lxc.rootfs.path` for a container in `directory`. Only the container's own
    /// directory appears, never the base's, so a rename rewrites it like any name-bound setting.
    /// LXC mounts an overlay with its work directory at `<directory of the upper>/work`.
    func lxcValue(directory: String) -> String {
        switch self {
        case .overlay: "overlay:\(directory)/base:\(directory)/delta"
        case .directory: "dir:\(directory)/rootfs"
        }
    }

    /// The layout of an existing `lxc.rootfs.path` value.
    init?(lxcValue: some StringProtocol) {
        if lxcValue.hasPrefix("overlay:") {
            self = .overlay
        } else if lxcValue.hasPrefix("dir:") {
            self = .directory
        } else {
            return nil
        }
    }

    /// Settings LXC needs besides the path. The overlay keeps its metadata (whiteouts of
    /// directories, opaque markers) in `user.overlay.*` attributes: an unprivileged container's
    /// root may not write `trusted.*` ones, and without them removing a directory of the base
    /// fails with EIO. One namespace for both kinds also lets a delta move between them.
    var extraLines: [String] {
        switch self {
        case .overlay: ["lxc.rootfs.options = userxattr"]
        case .directory: []
        }
    }
}
