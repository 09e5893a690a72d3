/* SPDX-License-Identifier: MIT */
/*
 * Reading /proc to know a process again.  A pid alone names a process
 * only while it runs: once it ends the kernel may give the number to
 * another.  The pair (pid, start time) does not repeat while the machine
 * is up, so scmd records both when it makes a process and, after a
 * restart, takes back only a process whose pair matches.
 */
#include "procinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* Field n (3 or later) of /proc/PID/stat, a number: 0 with *ret, -ESRCH
 * when there is no such process (or only its zombie), or -errno. */
static int stat_field(pid_t pid, int n, uint64_t *ret) {
        char path[64], buf[1024];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        ssize_t len = read(fd, buf, sizeof(buf) - 1);
        if (len <= 0)
                return len < 0 ? -errno : -ESRCH;
        buf[len] = '\0';
        /* The command name (field 2) may hold spaces and parentheses: the
         * fields after it start after its last ')'. */
        char *p = strrchr(buf, ')');
        if (!p)
                return -EIO;
        p++;
        if (p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X'))
                return -ESRCH; /* it has ended: only its parent's wait is left */
        /* field 3 (state) is the first after it. */
        for (int field = 3; field < n; field++) {
                p = strchr(p + 1, ' ');
                if (!p)
                        return -EIO;
        }
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p + 1, &end, 10);
        if (errno || end == p + 1)
                return -EIO;
        *ret = v;
        return 0;
}

int proc_start_time(pid_t pid, uint64_t *ret) {
        return stat_field(pid, 22, ret);
}

int proc_parent(pid_t pid, pid_t *ret) {
        uint64_t v;
        int r = stat_field(pid, 4, &v);
        if (r >= 0)
                *ret = (pid_t)v;
        return r;
}

int proc_cgroup(pid_t pid, char *buf, size_t size) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
        buf[0] = '\0';
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        char line[4096];
        while (fgets(line, sizeof(line), f))
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = '\0';
                        snprintf(buf, size, "%s", line + 3);
                        return 0;
                }
        return -ENOENT;
}

int proc_pidfd_open(pid_t pid) {
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return -errno;
        /* pidfd_open sets O_CLOEXEC itself. */
        return fd;
}

int proc_pidfd_exited(int pidfd) {
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        return poll(&p, 1, 0) > 0 ? 1 : 0;
}
