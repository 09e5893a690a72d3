/* SPDX-License-Identifier: MIT */
/*
 * bench-floor: the least a manager can do, the floor every manager is
 * measured against.  It spawns N copies of the trivial service directly
 * (posix_spawn, which glibc runs as clone(CLONE_VM | CLONE_VFORK): no page
 * tables copied, no session, no cgroup, no log pipe) and waits for them.
 *
 *   bench-floor [--restart] SERVICE STAMPS N
 *
 * With --restart a service that ends is spawned again at once (the floor of
 * "restart after a crash").  SIGTERM or SIGINT: every service is sent
 * SIGTERM, and bench-floor exits once the last one has been reaped (the
 * floor of "stop all").  Signals are taken synchronously (sigwaitinfo), so
 * there is no handler and no race.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pid_t *pids;   /* slot -> pid, 0 when the slot's service has ended */
static long *slot_of; /* pid -> slot + 1, so reaping is O(1) at any N */
static long count;
static long pid_max;

static posix_spawnattr_t attr; /* the services get an empty signal mask */

static int spawn_one(char *const argv[], pid_t *ret) {
        int r = posix_spawn(ret, argv[0], NULL, &attr, argv, environ);
        if (r != 0)
                fprintf(stderr, "bench-floor: cannot spawn %s: %s\n", argv[0], strerror(r));
        return -r;
}

static long read_pid_max(void) {
        long v = 4194304; /* the kernel's upper bound, if /proc cannot say */
        FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
        if (f) {
                if (fscanf(f, "%ld", &v) != 1)
                        v = 4194304;
                fclose(f);
        }
        return v + 1;
}

static int spawn_slot(char *const argv[], long i) {
        int r = spawn_one(argv, &pids[i]);
        if (r == 0 && pids[i] < pid_max)
                slot_of[pids[i]] = i + 1;
        return r;
}

int main(int argc, char **argv) {
        bool restart = argc > 1 && strcmp(argv[1], "--restart") == 0;
        if (restart) {
                argv++;
                argc--;
        }
        if (argc != 4 || (count = atol(argv[3])) <= 0) {
                fprintf(stderr, "usage: bench-floor [--restart] SERVICE STAMPS N\n");
                return 2;
        }
        pid_max = read_pid_max();
        pids = calloc((size_t)count, sizeof(*pids));
        slot_of = calloc((size_t)pid_max, sizeof(*slot_of));
        if (!pids || !slot_of)
                return 1;

        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, NULL);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_init(&attr);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

        char *svc_argv[] = {argv[1], argv[2], NULL};
        long alive = 0;
        for (long i = 0; i < count; i++)
                if (spawn_slot(svc_argv, i) == 0)
                        alive++;

        bool stopping = false;
        while (alive > 0) {
                siginfo_t si;
                int sig = sigwaitinfo(&set, &si);
                if (sig < 0) {
                        if (errno == EINTR)
                                continue;
                        return 1;
                }
                if ((sig == SIGTERM || sig == SIGINT) && !stopping) {
                        stopping = true;
                        for (long i = 0; i < count; i++)
                                if (pids[i] > 0)
                                        kill(pids[i], SIGTERM);
                        continue;
                }
                if (sig != SIGCHLD)
                        continue;
                pid_t pid;
                while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
                        long i = pid < pid_max ? slot_of[pid] - 1 : -1;
                        if (i < 0)
                                continue;
                        slot_of[pid] = 0;
                        pids[i] = 0;
                        alive--;
                        if (restart && !stopping && spawn_slot(svc_argv, i) == 0)
                                alive++;
                }
        }
        return 0;
}
