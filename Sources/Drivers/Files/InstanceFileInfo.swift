/// What LXD's `X-LXD-*` headers say about a file inside an instance: owner in the instance's own
/// ids (unshifted from the host's through its map), permission bits, and type.
public struct InstanceFileInfo: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case file
        case directory
        case symlink
        /// A FIFO, socket or device: never read or written through the API, which could block on
        /// it or reach hardware.
        case special
    }

    public var kind: Kind
    public var uid: UInt32
    public var gid: UInt32
    /// Permission bits, setuid, setgid and sticky (`0o7777`).
    public var mode: UInt32
    public var size: Int64

    public init(kind: Kind, uid: UInt32, gid: UInt32, mode: UInt32, size: Int64) {
        self.kind = kind
        self.uid = uid
        self.gid = gid
        self.mode = mode
        self.size = size
    }
}
