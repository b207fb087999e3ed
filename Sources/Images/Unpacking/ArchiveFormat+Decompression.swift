extension ArchiveFormat.Compression {
    /// The program that decompresses to standard output, and its arguments. Berth runs it itself
    /// rather than letting tar do so, because `TarHeaderReader` must see the tar stream that tar
    /// extracts, not the compressed bytes.
    var decompressor: (executable: String, arguments: [String])? {
        switch self {
        case .none: nil
        case .gzip: ("/usr/bin/gzip", ["-dc"])
        case .bzip2: ("/usr/bin/bzip2", ["-dc"])
        case .xz: ("/usr/bin/xz", ["-dc"])
        case .zstd: ("/usr/bin/zstd", ["-dcq"])
        }
    }
}
