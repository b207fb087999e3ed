/// One member of a tarball as `TarHeaderReader` resolved it: the path GNU tar will write, after
/// pax and GNU long-name headers, relative to the directory tar extracts into.
struct TarMember: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case file, hardLink, symbolicLink, characterDevice, blockDevice, directory, fifo

        /// As an error message names it.
        var name: String {
            switch self {
            case .file: "regular file"
            case .hardLink: "hard link"
            case .symbolicLink: "symbolic link"
            case .characterDevice: "character device"
            case .blockDevice: "block device"
            case .directory: "directory"
            case .fifo: "FIFO"
            }
        }
    }

    /// Normalised: no leading `./`, no empty or `.` components; empty only for the root directory.
    let path: String
    let kind: Kind
    /// A hard link's target (normalised as `path`) or a symbolic link's (as written).
    let linkTarget: String?
    /// Bytes of data that follow the header in the archive.
    let size: Int64
}
