#define _GNU_SOURCE
#include "wear_threads.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct start_args {
    wear_thread_body body;
    void *context;
};

static void *trampoline(void *raw) {
    struct start_args args = *(struct start_args *)raw;
    free(raw);
    args.body(args.context);
    return NULL;
}

static void handled_signals(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

int wear_thread_start(wear_thread_body body, void *context, const int *cpus, int cpu_count,
                      pthread_t *thread) {
    if (body == NULL || thread == NULL || cpu_count < 0) return EINVAL;
    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc != 0) return rc;
    if (cpu_count > 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        for (int i = 0; i < cpu_count; i++) {
            if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) {
                pthread_attr_destroy(&attr);
                return EINVAL;
            }
            CPU_SET(cpus[i], &set);
        }
        rc = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
        if (rc != 0) {
            pthread_attr_destroy(&attr);
            return rc;
        }
    }
    struct start_args *args = malloc(sizeof(*args));
    if (args == NULL) {
        pthread_attr_destroy(&attr);
        return ENOMEM;
    }
    args->body = body;
    args->context = context;

    sigset_t blocked, saved;
    handled_signals(&blocked);
    rc = pthread_sigmask(SIG_BLOCK, &blocked, &saved);
    if (rc == 0) {
        rc = pthread_create(thread, &attr, trampoline, args);
        pthread_sigmask(SIG_SETMASK, &saved, NULL);
    }
    pthread_attr_destroy(&attr);
    if (rc != 0) free(args);
    return rc;
}

int wear_thread_join(pthread_t thread) { return pthread_join(thread, NULL); }

int wear_thread_allowed_cpus(int *cpus, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set)) continue;
        if (count < capacity) cpus[count] = cpu;
        count++;
    }
    return count;
}

int wear_thread_current_cpu(void) { return sched_getcpu(); }

int wear_thread_signal_is_blocked(int signo) {
    sigset_t current;
    if (pthread_sigmask(SIG_BLOCK, NULL, &current) != 0) return -1;
    return sigismember(&current, signo);
}
