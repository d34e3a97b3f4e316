#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H

#include <malloc.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

/* Linux calls that Swift's Glibc module leaves out (epoll, eventfd and accept4 need headers or
 * _GNU_SOURCE it does not use), for `checkup serve`'s event loop. `struct epoll_event` is packed
 * on x86-64, so Swift never touches one: these wrappers take and give its two fields. */

/// accept4(2), declared here because glibc declares it only under _GNU_SOURCE.
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

static inline int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int nonblocking_cloexec) {
    return accept4(fd, addr, len, nonblocking_cloexec ? (SOCK_NONBLOCK | SOCK_CLOEXEC) : 0);
}

/// epoll_create1(EPOLL_CLOEXEC).
static inline int clinux_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// epoll_ctl with `events` (EPOLLIN, EPOLLOUT…) and `token` as the event's data.u64; op 0 adds,
/// 1 modifies, 2 deletes.
static inline int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = { .events = events, .data = { .u64 = token } };
    int ops[3] = { EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL };
    return epoll_ctl(epfd, ops[op < 0 || op > 2 ? 2 : op], fd, &event);
}

/// epoll_wait into a private buffer of up to 256 events, copied out as parallel arrays of
/// tokens and event masks (at most `max`). Returns the count, or -1 with errno.
static inline int clinux_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event ready[256];
    int n = epoll_wait(epfd, ready, max > 256 ? 256 : max, timeout_ms);
    for (int i = 0; i < n; i++) {
        tokens[i] = ready[i].data.u64;
        events[i] = ready[i].events;
    }
    return n;
}

static inline uint32_t clinux_epollin(void) { return EPOLLIN; }
static inline uint32_t clinux_epollout(void) { return EPOLLOUT; }
static inline uint32_t clinux_epollerr(void) { return EPOLLERR; }
static inline uint32_t clinux_epollhup(void) { return EPOLLHUP; }

/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC): the loop's wake-up counter.
static inline int clinux_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

/// sendfile(2) from `in_fd` at `*offset`, which it advances.
static inline ssize_t clinux_sendfile(int out_fd, int in_fd, off_t *offset, size_t count) {
    return sendfile(out_fd, in_fd, offset, count);
}

/// mallopt(M_ARENA_MAX, n): at most n malloc arenas for the whole process.
static inline void clinux_limit_malloc_arenas(int n) { mallopt(M_ARENA_MAX, n); }

/// malloc_trim(0): gives the pages of freed memory back to the system, also inside the heap.
static inline void clinux_trim_malloc(void) { malloc_trim(0); }

#endif
