#define _GNU_SOURCE
#include "wear_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static atomic_uint pending_signals;
static int pipe_fds[2] = {-1, -1};

static void handled_signals(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

static void on_signal(int signo) {
    int saved = errno;
    unsigned bit = (signo == SIGHUP) ? WEAR_SIGNAL_RELOAD : WEAR_SIGNAL_TERMINATE;
    atomic_fetch_or(&pending_signals, bit);
    if (pipe_fds[1] >= 0) {
        char byte = (char)signo;
        ssize_t ignored = write(pipe_fds[1], &byte, 1); // full pipe: a wake-up is already pending
        (void)ignored;
    }
    errno = saved;
}

int wear_signals_install(void) {
    if (pipe_fds[0] >= 0) return pipe_fds[0];
    if (pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) return -1;

    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    // SA_RESTART: a worker thread's or a library's read, write or futex wait
    // is restarted instead of failing with EINTR. The runner never blocks in
    // such a call: it blocks only in poll(2), which the kernel never restarts
    // (signal(7)), and the self-pipe makes it return at once anyway.
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGTERM, &action, NULL) != 0) return -1;
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    if (sigaction(SIGHUP, &action, NULL) != 0) return -1;

    // A parent may start us with these blocked (Foundation's Process on Linux
    // does): unblock them, or SIGTERM and SIGHUP would never arrive.
    sigset_t wanted;
    handled_signals(&wanted);
    if (pthread_sigmask(SIG_UNBLOCK, &wanted, NULL) != 0) return -1;

    struct sigaction ignore;
    memset(&ignore, 0, sizeof(ignore));
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGPIPE, &ignore, NULL) != 0) return -1;
    return pipe_fds[0];
}

uint32_t wear_signals_take(void) {
    if (pipe_fds[0] >= 0) {
        char drain[64];
        while (read(pipe_fds[0], drain, sizeof(drain)) > 0) {
        }
    }
    return atomic_exchange(&pending_signals, 0u);
}

int wear_pipe_set_size(int fd, int bytes) { return fcntl(fd, F_SETPIPE_SZ, bytes); }

int wear_pipe_get_size(int fd) { return fcntl(fd, F_GETPIPE_SZ); }

int wear_fd_set_nonblocking(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

int wear_fd_is_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return (flags & O_NONBLOCK) ? 1 : 0;
}

int wear_signals_block_in_thread(void) {
    sigset_t handled;
    handled_signals(&handled);
    return pthread_sigmask(SIG_BLOCK, &handled, NULL) == 0 ? 0 : -1;
}

int wear_signals_blocked_in_thread(void) {
    sigset_t current;
    if (pthread_sigmask(SIG_BLOCK, NULL, &current) != 0) return -1;
    return sigismember(&current, SIGTERM) && sigismember(&current, SIGINT) && sigismember(&current, SIGHUP);
}

