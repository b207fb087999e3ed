/// Owner and mode for something created inside an instance, in the instance's ids (LXD's
/// `X-LXD-uid`, `X-LXD-gid`, `X-LXD-mode`); nil means LXD's default (root, 0644 for files,
/// 0750 for directories). They apply to new entries only: an existing file keeps its own, as in LXD.
public struct InstanceFileAttributes: Sendable, Equatable {
    public var uid: UInt32?
    public var gid: UInt32?
    public var mode: UInt32?

    public init(uid: UInt32? = nil, gid: UInt32? = nil, mode: UInt32? = nil) {
        self.uid = uid
        self.gid = gid
        self.mode = mode
    }
}
