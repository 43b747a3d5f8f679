#define _GNU_SOURCE
#include "wear_threads.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

int wear_eventfd_open(int nonblocking) {
    return eventfd(0, EFD_CLOEXEC | (nonblocking ? EFD_NONBLOCK : 0));
}

int wear_eventfd_post(int fd) {
    uint64_t one = 1;
    for (;;) {
        ssize_t n = write(fd, &one, sizeof(one));
        if (n == (ssize_t)sizeof(one)) return 0;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0; // saturated: a wake-up is pending
        return n < 0 ? errno : EIO;
    }
}

int64_t wear_eventfd_take(int fd) {
    uint64_t count = 0;
    for (;;) {
        ssize_t n = read(fd, &count, sizeof(count));
        if (n == (ssize_t)sizeof(count)) return (int64_t)count;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        if (n >= 0) errno = EIO;
        return -1;
    }
}
