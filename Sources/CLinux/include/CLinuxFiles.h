#ifndef CLINUX_FILES_H
#define CLINUX_FILES_H
// File access inside an instance's root filesystem: openat2(2) and the new mount API, which
// glibc 2.36 wraps only partly and Swift's Glibc module does not import. Wrappers only; the
// constants are defined in files.c, which sees them under _GNU_SOURCE.
#include <stdint.h>

/// openat2(2) with `resolve` flags (RESOLVE_*); returns the fd or -errno.
int clinux_openat2(int dirfd, const char *path, int flags, unsigned int mode, uint64_t resolve);
/// An overlay mount that is never attached anywhere (fsopen, fsconfig, fsmount): the returned
/// O_PATH fd of its root is the only way to reach it, and closing it releases the mount.
/// Returns the fd or -errno.
int clinux_overlay_detached(const char *lowerdir, const char *upperdir, const char *workdir, int userxattr);
/// Opens the file an O_PATH fd refers to again, with `flags`, through /proc/self/fd; returns
/// the fd or -errno.
int clinux_reopen(int fd, int flags);
/// Makes this thread create files as host `uid`:`gid` (setfsuid, setfsgid) and keeps its
/// capabilities effective, which the kernel clears when the filesystem uid leaves 0: a file system
/// mounted in a container's user namespace refuses to create inodes for an id it does not map
/// (host root), with EOVERFLOW. `0, 0` restores. Returns 0 or -errno.
int clinux_set_fs_ids(uint32_t uid, uint32_t gid);

extern const int clinux_o_path;
extern const int clinux_o_nofollow;
extern const int clinux_o_directory;
extern const int clinux_o_cloexec;
extern const int clinux_o_nonblock;
extern const int clinux_o_noctty;
extern const int clinux_at_empty_path;
extern const int clinux_at_symlink_nofollow;
extern const int clinux_at_removedir;
/// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV: `..` and absolute symlinks stay
/// in the root, /proc magic links are refused, and no mount inside the root is crossed.
extern const uint64_t clinux_resolve_contained;

#endif
