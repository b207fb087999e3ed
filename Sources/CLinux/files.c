#include "CLinuxFiles.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

const int clinux_o_path = O_PATH;
const int clinux_o_nofollow = O_NOFOLLOW;
const int clinux_o_directory = O_DIRECTORY;
const int clinux_o_cloexec = O_CLOEXEC;
const int clinux_o_nonblock = O_NONBLOCK;
const int clinux_o_noctty = O_NOCTTY;
const int clinux_at_empty_path = AT_EMPTY_PATH;
const int clinux_at_symlink_nofollow = AT_SYMLINK_NOFOLLOW;
const int clinux_at_removedir = AT_REMOVEDIR;
const uint64_t clinux_resolve_contained = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;

int clinux_openat2(int dirfd, const char *path, int flags, unsigned int mode, uint64_t resolve) {
    /* openat2 does not add O_LARGEFILE as open(2) does for 64-bit callers; without it a file
       over 2 GiB cannot be opened or grown. glibc defines it as 0 on x86_64: use the kernel's. */
#if defined(__x86_64__)
    const uint64_t largefile = 0100000;
#else
    const uint64_t largefile = O_LARGEFILE;
#endif
    uint64_t all = (uint64_t)(unsigned int)flags;
    if (!(all & O_PATH)) all |= largefile;
    struct open_how how = {.flags = all, .mode = mode, .resolve = resolve};
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    return fd < 0 ? -errno : (int)fd;
}

int clinux_overlay_detached(const char *lowerdir, const char *upperdir, const char *workdir, int userxattr) {
    int context = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (context < 0) return -errno;
    int failed = syscall(SYS_fsconfig, context, FSCONFIG_SET_STRING, "lowerdir", lowerdir, 0) < 0
        || syscall(SYS_fsconfig, context, FSCONFIG_SET_STRING, "upperdir", upperdir, 0) < 0
        || syscall(SYS_fsconfig, context, FSCONFIG_SET_STRING, "workdir", workdir, 0) < 0
        || (userxattr && syscall(SYS_fsconfig, context, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
        || syscall(SYS_fsconfig, context, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0;
    if (failed) {
        int code = errno;
        close(context);
        return -code;
    }
    int mount = (int)syscall(SYS_fsmount, context, FSMOUNT_CLOEXEC, 0);
    int code = errno;
    close(context);
    return mount < 0 ? -code : mount;
}

int clinux_reopen(int fd, int flags) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    int reopened = open(path, flags | O_CLOEXEC);
    return reopened < 0 ? -errno : reopened;
}

int clinux_set_fs_ids(uint32_t uid, uint32_t gid) {
    setfsgid(gid);
    setfsuid(uid);
    // setfsuid reports the previous id, never an error: asking again tells whether it took.
    if ((uint32_t)setfsuid((uid_t)-1) != uid || (uint32_t)setfsgid((gid_t)-1) != gid) return -EPERM;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    if (syscall(SYS_capget, &header, data) != 0) return -errno;
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) data[i].effective = data[i].permitted;
    return syscall(SYS_capset, &header, data) == 0 ? 0 : -errno;
}
