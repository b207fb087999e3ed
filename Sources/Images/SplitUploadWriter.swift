/// Writes a split image upload's two `multipart/form-data` parts to the files of `upload`, checking
/// them as LXD's `getImgPostInfo` does: `metadata` first, then `rootfs` (`rootfs.img` is a
/// virtual-machine disk, which Berth cannot run). Blocking: it runs on `OffPool`.
struct SplitUploadWriter {
    let upload: StagedUpload
    /// Whether this host can unpack a squashfs rootfs; without squashfs-tools one is refused at once.
    var canUnpackSquashfs = Squashfs.unsquashfs() != nil
    /// How much of the body the parser takes at a time: its buffer stays this small.
    static let chunkBytes = 1 << 20

    func write(_ body: [UInt8], boundary: String) throws -> StagedUpload {
        var offset = 0
        return try write(boundary: boundary) {
            guard offset < body.count else { return nil }
            let end = min(body.count, offset + Self.chunkBytes)
            defer { offset = end }
            return body[offset..<end]
        }
    }

    /// Writes the parts of the body that `nextChunk` yields, a chunk at a time, until it yields nil.
    func write(boundary: String, nextChunk: () throws -> ArraySlice<UInt8>?) throws -> StagedUpload {
        var parser = try MultipartParser(boundary: boundary)
        var current: UploadFile?
        var parts: [MultipartPart] = []
        var sizes: [Int64] = []
        var rootfsHeader: [UInt8] = []
        while let chunk = try nextChunk() {
            parser.append(chunk)
            while let event = try parser.next() {
                switch event {
                case .partStart(let part):
                    try Self.check(part, index: parts.count)
                    parts.append(part)
                    current = try UploadFile(path: upload.files[parts.count - 1])
                case .data(let bytes):
                    try current?.write(bytes)
                    if parts.count == 2 && rootfsHeader.count < 8 {
                        rootfsHeader += bytes.prefix(8 - rootfsHeader.count)
                    }
                case .partEnd:
                    try current?.sync()
                    sizes.append(current?.size ?? 0)
                    current = nil
                }
            }
        }
        try parser.finish()
        guard parts.count == 2 else {
            throw ImageError.invalidTarball("a split image upload needs two parts, metadata and rootfs")
        }
        for (part, size) in zip(parts, sizes) where size == 0 {
            throw ImageError.invalidTarball("the \(part.name) part is empty")
        }
        if ArchiveFormat.detect(rootfsHeader) == .squashfs && !canUnpackSquashfs {
            throw Squashfs.missingTools
        }
        return StagedUpload(metadata: upload.metadata, rootfs: upload.rootfs, filename: parts[1].filename)
    }

    private static func check(_ part: MultipartPart, index: Int) throws {
        switch (index, part.name) {
        case (0, "metadata"), (1, "rootfs"): return
        case (1, "rootfs.img"):
            throw ImageError.invalidTarball("virtual-machine images (a rootfs.img part) are not supported")
        case (0, _):
            throw ImageError.invalidTarball(
                "Invalid multipart image: the first part must be \"metadata\", not \"\(part.name)\"")
        case (1, _):
            throw ImageError.invalidTarball(
                "Invalid multipart image: the second part must be \"rootfs\", not \"\(part.name)\"")
        default:
            throw ImageError.invalidTarball("Invalid multipart image: a third part (\"\(part.name)\")")
        }
    }
}
