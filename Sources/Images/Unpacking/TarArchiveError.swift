/// Why `TarHeaderReader` refused a tarball before GNU tar could extract it. Each case is a way an
/// image could write outside its root or make the reader and tar disagree on where members start;
/// `ImageError.invalidTarball` carries the description to the client.
enum TarArchiveError: Error, Equatable, CustomStringConvertible {
    /// The header at `offset` does not sum to its checksum field (or that field is not octal): not
    /// a tar header, and GNU tar would skip ahead to the next block that looks like one.
    case badChecksum(offset: Int64)
    /// A numeric field (`size`) that is neither octal nor base-256, or out of range.
    case malformedNumber(field: String, offset: Int64)
    /// A GNU long name/link or pax header whose data is larger than `limit` bytes.
    case extendedHeaderTooLarge(size: Int64, limit: Int)
    /// A pax record that is not `<length> <key>=<value>\n`, or a value that cannot be used.
    case malformedPaxHeader(offset: Int64, reason: String)
    /// Two GNU long names, long links or pax headers for one member, which tar resolves its own way.
    case duplicateExtendedHeader(offset: Int64)
    /// A member type this reader does not follow (sparse, multi-volume, incremental dumps, …).
    case unsupportedType(type: UInt8, offset: Int64)
    /// A link, directory, device or FIFO with data: GNU tar extracts it without skipping that data,
    /// so it would read the data as the next header while a lister would not.
    case dataOnNonFile(path: String, size: Int64)
    /// A member path that starts with `/`.
    case absolutePath(String)
    /// A member or hard-link path with a `..` component.
    case parentComponent(String)
    /// A member other than a directory whose path is the root itself.
    case emptyPath(offset: Int64)
    /// A member (or hard-link target) below a path an earlier member made a symbolic link, so it
    /// would be written wherever that link points.
    case throughSymlink(path: String, symlink: String)
    /// A character or block device outside the image's `dev/` directory.
    case deviceOutsideDev(path: String, allowed: String)
    /// `rootfs`, `templates`, `metadata.yaml` or a virtual machine's `boot`, `boot/vmlinuz`,
    /// `boot/initrd.img` or `disk.img` as another kind of member than Berth reads there.
    case reservedPath(path: String, expected: TarMember.Kind, found: TarMember.Kind)

    var description: String {
        switch self {
        case .badChecksum(let offset): "not a tar archive: bad header checksum at byte \(offset)"
        case .malformedNumber(let field, let offset): "malformed \(field) field in the tar header at byte \(offset)"
        case .extendedHeaderTooLarge(let size, let limit):
            "a tar extended header of \(size) bytes is over the \(limit)-byte limit"
        case .malformedPaxHeader(let offset, let reason): "malformed pax header at byte \(offset): \(reason)"
        case .duplicateExtendedHeader(let offset):
            "two extended headers of the same kind for one member at byte \(offset)"
        case .unsupportedType(let type, let offset):
            "unsupported tar member type \(Self.describe(type)) at byte \(offset)"
        case .dataOnNonFile(let path, let size):
            "member \"\(path)\" is not a regular file but has \(size) bytes of data"
        case .absolutePath(let path): "member path \"\(path)\" is absolute"
        case .parentComponent(let path): "member path \"\(path)\" contains \"..\""
        case .emptyPath(let offset): "the member at byte \(offset) has an empty path"
        case .throughSymlink(let path, let symlink):
            "member \"\(path)\" would be written through the symbolic link \"\(symlink)\""
        case .deviceOutsideDev(let path, let allowed): "device node \"\(path)\" is outside \(allowed)/"
        case .reservedPath(let path, let expected, let found):
            "member \"\(path)\" must be a \(expected.name), not a \(found.name)"
        }
    }

    private static func describe(_ type: UInt8) -> String {
        (0x21..<0x7F).contains(type) ? "'\(Character(Unicode.Scalar(type)))'" : "0x\(String(type, radix: 16))"
    }
}
