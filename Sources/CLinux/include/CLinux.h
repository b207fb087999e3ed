#ifndef CLINUX_H
#define CLINUX_H
// Linux calls Swift's Glibc module does not expose (epoll, eventfd, accept4, SO_PEERCRED).
// Wrappers only: no logic lives here.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/file.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include "CLinuxFiles.h"

int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int clinux_peercred(int fd, uint32_t *uid, uint32_t *gid, int32_t *pid);
int clinux_epoll_create(void);
int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Waits and copies up to `max` ready events into parallel arrays (epoll_event is packed on x86_64).
int clinux_epoll_wait(int epfd, uint64_t *datas, uint32_t *events, int max, int timeout_ms);
int clinux_eventfd(void);
int clinux_eventfd_signal(int fd);
int clinux_eventfd_drain(int fd);
/// Binds and listens on a unix socket path; returns the fd or -errno.
int clinux_listen_unix(const char *path, int backlog);
/// Connects to a unix socket path (blocking); returns the fd or -errno.
int clinux_connect_unix(const char *path);

#define CLINUX_EPOLLIN EPOLLIN
#define CLINUX_EPOLLOUT EPOLLOUT
#define CLINUX_EPOLLERR EPOLLERR
#define CLINUX_EPOLLHUP EPOLLHUP
#define CLINUX_EPOLLRDHUP EPOLLRDHUP
#define CLINUX_EPOLLEXCLUSIVE EPOLLEXCLUSIVE

static const uint32_t clinux_epollin = EPOLLIN;
static const uint32_t clinux_epollout = EPOLLOUT;
static const uint32_t clinux_epollerr = EPOLLERR;
static const uint32_t clinux_epollhup = EPOLLHUP;
static const uint32_t clinux_epollrdhup = EPOLLRDHUP;
static const uint32_t clinux_epollexclusive = EPOLLEXCLUSIVE;
static const int clinux_epoll_ctl_add = EPOLL_CTL_ADD;
static const int clinux_epoll_ctl_mod = EPOLL_CTL_MOD;
static const int clinux_epoll_ctl_del = EPOLL_CTL_DEL;
static const int clinux_sock_nonblock_cloexec = SOCK_NONBLOCK | SOCK_CLOEXEC;
static const int clinux_msg_nosignal = MSG_NOSIGNAL;

/* glibc's malloc_trim(0): gives the heap's free pages back to the kernel. Returns 1 if any were. */
int clinux_malloc_trim(void);

#endif
