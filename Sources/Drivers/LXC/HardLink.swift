#if canImport(Glibc)
    import Glibc
#endif

/// A file's identity, so that a file reached through several hard links is changed once.
struct HardLink: Hashable {
    var device: dev_t
    var inode: ino_t
}
