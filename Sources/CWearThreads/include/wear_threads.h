#ifndef WEAR_THREADS_H
#define WEAR_THREADS_H
// Threads, CPU affinity and eventfd wake-ups for WearCore's Concurrency/
// folder (the only Swift code that imports this module). Every function
// returns 0 or a positive errno value unless it says otherwise; none keeps a
// pointer it is given past its return, except `context` (see below).
#include <pthread.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The body of a thread started by wear_thread_start.
typedef void (*wear_thread_body)(void *context);

/// Starts a joinable thread running body(context).
///
/// The thread is born with SIGTERM, SIGINT and SIGHUP blocked (the caller's
/// mask is blocked around pthread_create and restored, so no signal can be
/// delivered to the new thread even before its first instruction): those
/// signals always reach the thread that waits for them with poll(2).
/// With cpu_count > 0 the thread is born pinned to `cpus` (its first
/// allocation already happens on that CPU set); EINVAL when none of them
/// is usable. `context` must stay valid until the thread has finished.
int wear_thread_start(wear_thread_body body, void *context, const int *cpus, int cpu_count,
                      pthread_t *thread);

/// Waits for a thread started by wear_thread_start to finish.
int wear_thread_join(pthread_t thread);

/// The CPUs the calling thread may run on (sched_getaffinity), written to
/// `cpus` in increasing order; returns how many there are (may exceed
/// `capacity`: then only the first `capacity` are written), or -1 with errno.
int wear_thread_allowed_cpus(int *cpus, int capacity);

/// The CPU the calling thread runs on now (sched_getcpu), or -1.
int wear_thread_current_cpu(void);

/// 1 if `signo` is blocked in the calling thread, 0 if not, -1 on error.
int wear_thread_signal_is_blocked(int signo);

/// A new eventfd (counter 0, close-on-exec), non-blocking if asked; -1 with errno.
int wear_eventfd_open(int nonblocking);

/// Adds 1 to the counter, waking a reader. Retries EINTR; a saturated
/// counter (EAGAIN) already means "wake up" and is success.
int wear_eventfd_post(int fd);

/// Reads and resets the counter: for a blocking eventfd, waits until it is
/// non-zero (retrying EINTR). Returns the count read, 0 when a
/// non-blocking eventfd had nothing, or -1 with errno.
int64_t wear_eventfd_take(int fd);

#ifdef __cplusplus
}
#endif
#endif
