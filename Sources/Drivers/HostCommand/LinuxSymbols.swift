#if canImport(Glibc)
    import Glibc
#endif

/// glibc functions that Swift's Glibc module does not import (behind `_GNU_SOURCE`, or in headers
/// it leaves out such as <sys/xattr.h>), looked up at run time so this target needs no C shim.
/// Any may be missing on an old libc; callers fall back.
enum LinuxSymbols {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias AddChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias SetAttribute =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32
        ) -> Int32
    typealias RemoveAttribute = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32

    /// pipe2(2): both ends O_CLOEXEC from birth, so a child spawned by another thread at the same
    /// moment never inherits them.
    static let pipe2: Pipe2? = symbol("pipe2").map { unsafeBitCast($0, to: Pipe2.self) }

    /// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): the child closes every descriptor
    /// from the given one up.
    static let closeFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    /// posix_spawn_file_actions_addchdir_np (glibc 2.29): the child's working directory.
    static let changeDirectory: AddChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChangeDirectory.self)
    }

    /// lsetxattr(2) and lremovexattr(2): extended attributes of a path, symlinks not followed.
    static let lsetxattr: SetAttribute? = symbol("lsetxattr").map { unsafeBitCast($0, to: SetAttribute.self) }
    static let lremovexattr: RemoveAttribute? = symbol("lremovexattr").map {
        unsafeBitCast($0, to: RemoveAttribute.self)
    }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(dlopen(nil, RTLD_NOW), name)
    }
}
