/* SPDX-License-Identifier: MIT */
/*
 * scm-test-helper's resource modes, run at start before ready=1:
 *   --alloc-mb N    allocate N MiB one MiB at a time, touching every page,
 *                   reporting alloc-mb=K after each 4 MiB and alloc-done=N
 *                   at the end (a memory limit below N kills it first)
 *   --fork-loop     fork children that sleep, until fork fails or 20000 run:
 *                   reports fork-failed=ERRNO-NAME (or fork-stopped=limit)
 *                   and children=N; the children stay until the cgroup goes
 *   --spin          fork one child that burns CPU until it is killed
 *                   (spinner=PID)
 *   --keep-file PATH  create PATH and leave it there (keep:PATH=ok or the
 *                   errno's name), for a fence test to look for it later
 *   --try-syscall NAME  make one harmless call, reporting syscall:NAME=ok or
 *                   its errno's name: swapoff or umount2 of a path that does
 *                   not exist, or uname
 *   --try-socket FAMILY  socket(AF_UNIX|AF_INET|AF_INET6|AF_PACKET, ...),
 *                   reporting socket:FAMILY=ok or its errno's name
 */
#include "helper_resources.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static long alloc_mb = -1;
static bool fork_loop;
static bool spin;
static const char *keep_file;
static const char *try_syscall[8];
static int n_try_syscall;
static const char *try_socket[8];
static int n_try_socket;

int resource_modes_take(int argc, char **argv) {
        int out = 1, i = 1;
        for (; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "--") == 0)
                        break;
                if (strcmp(a, "--alloc-mb") == 0 && i + 1 < argc)
                        alloc_mb = strtol(argv[++i], NULL, 10);
                else if (strcmp(a, "--fork-loop") == 0)
                        fork_loop = true;
                else if (strcmp(a, "--spin") == 0)
                        spin = true;
                else if (strcmp(a, "--keep-file") == 0 && i + 1 < argc)
                        keep_file = argv[++i];
                else if (strcmp(a, "--try-syscall") == 0 && i + 1 < argc && n_try_syscall < 8)
                        try_syscall[n_try_syscall++] = argv[++i];
                else if (strcmp(a, "--try-socket") == 0 && i + 1 < argc && n_try_socket < 8)
                        try_socket[n_try_socket++] = argv[++i];
                else
                        argv[out++] = argv[i];
        }
        for (; i < argc; i++)
                argv[out++] = argv[i];
        argv[out] = NULL;
        return out;
}

static void allocate(resource_report_fn *report) {
        const size_t mib = 1024 * 1024;
        for (long i = 1; i <= alloc_mb; i++) {
                char *p =
                        mmap(NULL, mib, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED) {
                        report("alloc-failed=%s", strerrorname_np(errno) ?: "?");
                        return;
                }
                memset(p, (int)i, mib); /* touched: really resident */
                if (i % 4 == 0)
                        report("alloc-mb=%ld", i);
        }
        report("alloc-done=%ld", alloc_mb);
}

/* A child that waits for its end (the cgroup's kill, or its parent's). */
static void sleeper(void) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
                pause();
}

static void forks(resource_report_fn *report) {
        long n = 0;
        for (; n < 20000; n++) {
                pid_t pid = fork();
                if (pid == 0)
                        sleeper();
                if (pid < 0) {
                        report("fork-failed=%s", strerrorname_np(errno) ?: "?");
                        break;
                }
        }
        if (n == 20000)
                report("fork-stopped=limit");
        report("children=%ld", n);
}

static void spinner(resource_report_fn *report) {
        pid_t pid = fork();
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                for (volatile unsigned long x = 0;; x++)
                        ;
        }
        report("spinner=%d", (int)pid);
}

static void keep(resource_report_fn *report) {
        int fd = open(keep_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
                report("keep:%s=%s", keep_file, strerrorname_np(errno) ?: "?");
                return;
        }
        close(fd);
        report("keep:%s=ok", keep_file);
}

static void call(resource_report_fn *report, const char *name) {
        struct utsname u;
        long r;
        if (strcmp(name, "swapoff") == 0)
                r = syscall(SYS_swapoff, "/nonexistent-scm-test");
        else if (strcmp(name, "umount2") == 0)
                r = syscall(SYS_umount2, "/nonexistent-scm-test", 0);
        else if (strcmp(name, "uname") == 0)
                r = uname(&u);
        else
                r = (errno = EINVAL, -1);
        report("syscall:%s=%s", name, r == 0 ? "ok" : strerrorname_np(errno) ?: "?");
}

static void open_socket(resource_report_fn *report, const char *name) {
        int family = !strcmp(name, "AF_UNIX")     ? AF_UNIX
                     : !strcmp(name, "AF_INET")   ? AF_INET
                     : !strcmp(name, "AF_INET6")  ? AF_INET6
                     : !strcmp(name, "AF_PACKET") ? AF_PACKET
                                                  : -1;
        int fd = family < 0 ? (errno = EINVAL, -1) : socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        report("socket:%s=%s", name, fd >= 0 ? "ok" : strerrorname_np(errno) ?: "?");
        if (fd >= 0)
                close(fd);
}

void resource_modes_run(resource_report_fn *report) {
        for (int i = 0; i < n_try_socket; i++)
                open_socket(report, try_socket[i]);
        for (int i = 0; i < n_try_syscall; i++)
                call(report, try_syscall[i]);
        if (keep_file)
                keep(report);
        if (alloc_mb >= 0)
                allocate(report);
        if (fork_loop)
                forks(report);
        if (spin)
                spinner(report);
}
