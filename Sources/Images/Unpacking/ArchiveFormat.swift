#if canImport(Glibc)
    import Glibc
#endif

/// What an image file is, told by its first bytes as LXD's `shared.DetectCompression` tells it:
/// a tarball (compressed or not) or a squashfs filesystem. GNU tar can only guess the compression
/// of a file it can seek in; Berth feeds it through a pipe, so it passes the flag itself.
enum ArchiveFormat: Equatable {
    enum Compression: Equatable {
        case none, gzip, bzip2, xz, zstd

        /// GNU tar's option for it.
        var tarFlag: String? {
            switch self {
            case .none: nil
            case .gzip: "--gzip"
            case .bzip2: "--bzip2"
            case .xz: "--xz"
            case .zstd: "--zstd"
            }
        }
    }

    case tarball(Compression)
    case squashfs

    /// Anything without a known signature is handed to tar as a plain tarball, which is then what
    /// says why it is not one.
    static func detect(_ header: some Collection<UInt8>) -> ArchiveFormat {
        let bytes = Array(header.prefix(6))
        func starts(with magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts(with: [0x1F, 0x8B]) { return .tarball(.gzip) }
        if starts(with: Array("BZh".utf8)) { return .tarball(.bzip2) }
        if starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .tarball(.xz) }
        if starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .tarball(.zstd) }
        if starts(with: Array("hsqs".utf8)) { return .squashfs }
        return .tarball(.none)
    }

    static func detect(path: String) throws -> ArchiveFormat {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ImageError.invalidTarball("cannot read \(path): errno \(errno)") }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 6)
        let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw ImageError.invalidTarball("cannot read \(path): errno \(errno)") }
        return detect(header.prefix(count))
    }
}
