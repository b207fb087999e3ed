/// A streaming reader of tar headers (ustar, GNU long names and links, pax extended headers) that
/// sees every byte GNU tar is about to extract, one chunk at a time, and refuses the archive before
/// tar gets a member that would land outside the directory it extracts into.
///
/// It looks only at the 512-byte headers and the extended headers that rename the next member;
/// member data is counted and passed over, so it costs next to nothing per byte. Where GNU tar's
/// reading is subtle it does not guess: what tar would resolve its own way (a checksum that does
/// not match, a directory with data, two long names for one member, sparse files) is refused.
///
/// Refused (`TarArchiveError`): absolute paths and `..` components, members (and hard-link targets)
/// below an earlier symbolic link, hard links whose target escapes, character and block devices
/// outside the layout's `dev/`, `rootfs`, `templates`, `metadata.yaml` or a virtual machine's files
/// (`boot/`, `boot/vmlinuz`, `boot/initrd.img`, `disk.img`) as anything but what they are, extended
/// headers over `extendedHeaderLimit`, bad checksums. Symbolic links themselves may point anywhere:
/// LXD root filesystems hold absolute ones (`/bin/busybox`).
///
/// GNU tar stops at the first all-zero block (without `--ignore-zeros`), and so does this reader:
/// what follows is never extracted.
struct TarHeaderReader {
    static let blockSize = 512
    /// Long names and pax headers in real images are a few hundred bytes.
    static let defaultExtendedHeaderLimit = 1 << 20

    enum State: Equatable {
        /// Collecting the next header block.
        case header
        /// Passing over this many more bytes of member data (padding included).
        case skipping(Int64)
        /// Collecting an extended header's data: its size and its size padded to whole blocks.
        case extended(ExtendedKind, size: Int, padded: Int)
        /// After the end-of-archive block: nothing more is read.
        case end
    }

    enum ExtendedKind: Equatable {
        case longName, longLink, pax, globalPax
    }

    /// Path components under which character and block devices may be created.
    let deviceDirectory: [[UInt8]]
    /// Paths (components joined by `/`) that may only be members of one kind.
    let reservedKinds: [[UInt8]: TarMember.Kind]
    let extendedHeaderLimit: Int
    private(set) var state = State.header
    /// Bytes read so far.
    private(set) var offset: Int64 = 0
    private(set) var memberCount = 0
    /// A header block, or an extended header's data, as far as it has arrived.
    private var pending: [UInt8] = []
    private var pendingOffset: Int64 = 0
    private var longName: [UInt8]?
    private var longLink: [UInt8]?
    private var pax: TarPaxRecords?
    /// Paths (components joined by `/`) that earlier members made symbolic links.
    private var symlinks: Set<[UInt8]> = []

    init(layout: Layout = .image, extendedHeaderLimit: Int = Self.defaultExtendedHeaderLimit) {
        deviceDirectory = layout.deviceDirectory.utf8.split(separator: UInt8(ascii: "/")).map(Array.init)
        reservedKinds = layout.reservedKinds
        self.extendedHeaderLimit = extendedHeaderLimit
        pending.reserveCapacity(Self.blockSize)
    }

    /// Whether the bytes so far end between members (or after the end of the archive), as a whole
    /// archive does; false in the middle of a header or of a member's data.
    var isAtMemberBoundary: Bool {
        switch state {
        case .end: true
        case .header: pending.isEmpty
        case .skipping, .extended: false
        }
    }

    /// Reads the next bytes of the archive; returns the members whose headers completed in them.
    @discardableResult
    mutating func append(_ bytes: UnsafeRawBufferPointer) throws(TarArchiveError) -> [TarMember] {
        var members: [TarMember] = []
        var index = 0
        while index < bytes.count {
            let available = bytes.count - index
            switch state {
            case .end:
                offset += Int64(available)
                return members
            case .skipping(let remaining):
                let step = Int(min(remaining, Int64(available)))
                index += step
                offset += Int64(step)
                state = remaining == Int64(step) ? .header : .skipping(remaining - Int64(step))
            case .header:
                if pending.isEmpty { pendingOffset = offset }
                let step = min(Self.blockSize - pending.count, available)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + step)]))
                index += step
                offset += Int64(step)
                if pending.count == Self.blockSize {
                    let header = pending
                    pending.removeAll(keepingCapacity: true)
                    if let member = try read(header: header, at: pendingOffset) { members.append(member) }
                }
            case .extended(let kind, let size, let padded):
                let step = min(padded - pending.count, available)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + step)]))
                index += step
                offset += Int64(step)
                if pending.count == padded {
                    let data = pending[..<size]
                    state = .header
                    try finishExtended(kind, data: data)
                    pending = []
                    pending.reserveCapacity(Self.blockSize)
                }
            }
        }
        return members
    }

    @discardableResult
    mutating func append(_ bytes: [UInt8]) throws(TarArchiveError) -> [TarMember] {
        try bytes.withUnsafeBytes { buffer in Result { () throws(TarArchiveError) in try append(buffer) } }.get()
    }

    private mutating func read(header: [UInt8], at headerOffset: Int64) throws(TarArchiveError) -> TarMember? {
        if header.allSatisfy({ $0 == 0 }) {
            state = .end
            return nil
        }
        guard Self.checksumMatches(header) else { throw .badChecksum(offset: headerOffset) }
        guard let size = Self.number(header[124..<136]), size <= Int64.max - Int64(Self.blockSize) else {
            throw .malformedNumber(field: "size", offset: headerOffset)
        }
        let type = header[156]
        switch type {
        case UInt8(ascii: "L"): try beginExtended(.longName, size: size, at: headerOffset, duplicate: longName != nil)
        case UInt8(ascii: "K"): try beginExtended(.longLink, size: size, at: headerOffset, duplicate: longLink != nil)
        // 'X' is Solaris' name for the pax header, which GNU tar reads as 'x'.
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            try beginExtended(.pax, size: size, at: headerOffset, duplicate: pax != nil)
        case UInt8(ascii: "g"): try beginExtended(.globalPax, size: size, at: headerOffset, duplicate: false)
        default:
            guard let kind = Self.kind(of: type) else { throw .unsupportedType(type: type, offset: headerOffset) }
            return try member(header, kind: kind, headerSize: size, at: headerOffset)
        }
        return nil
    }

    private mutating func beginExtended(
        _ kind: ExtendedKind, size: Int64, at headerOffset: Int64, duplicate: Bool
    ) throws(TarArchiveError) {
        guard size <= Int64(extendedHeaderLimit) else {
            throw .extendedHeaderTooLarge(size: size, limit: extendedHeaderLimit)
        }
        guard !duplicate else { throw .duplicateExtendedHeader(offset: headerOffset) }
        pendingOffset = headerOffset
        let padded = Int(Self.padded(size))
        state = .extended(kind, size: Int(size), padded: padded)
        if padded == 0 {
            state = .header
            try finishExtended(kind, data: [][...])
        }
    }

    private mutating func finishExtended(_ kind: ExtendedKind, data: ArraySlice<UInt8>) throws(TarArchiveError) {
        switch kind {
        // tar reads long names as C strings: the name ends at the first NUL.
        case .longName: longName = Array(data.prefix { $0 != 0 })
        case .longLink: longLink = Array(data.prefix { $0 != 0 })
        case .pax: pax = try TarPaxRecords(parsing: data, global: false, offset: pendingOffset)
        case .globalPax: _ = try TarPaxRecords(parsing: data, global: true, offset: pendingOffset)
        }
    }

    private mutating func member(
        _ header: [UInt8], kind: TarMember.Kind, headerSize: Int64, at headerOffset: Int64
    ) throws(TarArchiveError) -> TarMember {
        // GNU tar's precedence: a pax header's value, then a GNU long name, then the ustar fields.
        let name = pax?.path ?? longName ?? Self.ustarName(header)
        let link = pax?.linkPath ?? longLink ?? Self.cString(header[157..<257])
        let size = pax?.size ?? headerSize
        (longName, longLink, pax) = (nil, nil, nil)

        let components = try Self.components(of: name, allowingRoot: kind == .directory, at: headerOffset)
        let path = Self.joined(components)
        let display = String(decoding: path, as: UTF8.self)
        guard kind == .file || size == 0 else { throw .dataOnNonFile(path: display, size: size) }
        try checkNotThroughSymlink(components, display: display)
        if let reserved = reservedKinds[path], reserved != kind {
            throw .reservedPath(path: display, expected: reserved, found: kind)
        }
        var linkTarget: String?
        switch kind {
        case .hardLink:
            let target = try Self.components(of: link, allowingRoot: false, at: headerOffset)
            let targetPath = Self.joined(target)
            linkTarget = String(decoding: targetPath, as: UTF8.self)
            try checkNotThroughSymlink(target, display: linkTarget ?? "")
            // A hard link to a symbolic link is one more symbolic link.
            if symlinks.contains(targetPath) { symlinks.insert(path) }
        case .symbolicLink:
            linkTarget = String(decoding: link, as: UTF8.self)
            symlinks.insert(path)
        case .characterDevice, .blockDevice:
            guard components.count > deviceDirectory.count, components.starts(with: deviceDirectory) else {
                throw .deviceOutsideDev(
                    path: display, allowed: String(decoding: Self.joined(deviceDirectory), as: UTF8.self))
            }
        case .file, .directory, .fifo:
            break
        }
        state = size > 0 ? .skipping(Self.padded(size)) : .header
        memberCount += 1
        return TarMember(path: display, kind: kind, linkTarget: linkTarget, size: size)
    }

    private func checkNotThroughSymlink(_ components: [[UInt8]], display: String) throws(TarArchiveError) {
        guard !symlinks.isEmpty, components.count > 1 else { return }
        var prefix: [UInt8] = []
        for component in components.dropLast() {
            if !prefix.isEmpty { prefix.append(UInt8(ascii: "/")) }
            prefix.append(contentsOf: component)
            if symlinks.contains(prefix) {
                throw .throughSymlink(path: display, symlink: String(decoding: prefix, as: UTF8.self))
            }
        }
    }
}
