#ifndef WEAR_LINUX_H
#define WEAR_LINUX_H
// Small C shims for what Swift cannot express directly on Linux: async-signal-safe
// signal handling (self-pipe), fcntl commands behind _GNU_SOURCE, errno access.
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    WEAR_SIGNAL_TERMINATE = 1u << 0, // SIGTERM or SIGINT
    WEAR_SIGNAL_RELOAD = 1u << 1,    // SIGHUP
};

/// Installs handlers for SIGTERM, SIGINT and SIGHUP (with SA_RESTART: other
/// threads' blocking calls are restarted; poll(2) still returns, and the
/// self-pipe wakes it), unblocks them in the calling thread (a parent may
/// have blocked them), and ignores SIGPIPE (writes then fail with EPIPE).
/// Returns the read end of a non-blocking self-pipe that becomes readable when a
/// signal arrives, or -1 with errno set. Idempotent.
int wear_signals_install(void);

/// Returns and clears the WEAR_SIGNAL_* bits received since the last call,
/// and drains the self-pipe.
uint32_t wear_signals_take(void);

/// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (pthread_sigmask),
/// so that only the runner thread takes them. Call first thing in every
/// worker thread (a thread inherits its creator's mask: blocking before
/// creating threads works too). Returns 0 or -1.
int wear_signals_block_in_thread(void);
/// 1 if all three are blocked in the calling thread, 0 if not, -1 on error.
int wear_signals_blocked_in_thread(void);

/// Raises the pipe's capacity (F_SETPIPE_SZ) to at most `bytes`; returns the
/// new capacity, or -1 when fd is not a pipe or the kernel refuses.
int wear_pipe_set_size(int fd, int bytes);
/// The pipe's capacity (F_GETPIPE_SZ), or -1 when fd is not a pipe.
int wear_pipe_get_size(int fd);

/// Sets or clears O_NONBLOCK; returns 0 or -1.
int wear_fd_set_nonblocking(int fd, int on);
/// 1 if O_NONBLOCK is set, 0 if not, -1 on error.
int wear_fd_is_nonblocking(int fd);

#ifdef __cplusplus
}
#endif
#endif
