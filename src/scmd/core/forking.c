/* SPDX-License-Identifier: MIT */
/*
 * Which process a forking daemon became.  When the program scmd started has
 * exited 0, the daemon it left behind is found:
 *   - from the PID file the service names, read safely: opened without
 *     following a symbolic link, a regular file owned by root or by the
 *     service's account, holding one decimal pid, and that pid must be in
 *     the service's cgroup, so a service cannot make scmd watch (or signal)
 *     another's process;
 *   - without a PID file, the one process of its cgroup whose parent is
 *     outside the cgroup (the daemon itself, re-parented to scmd; its own
 *     children, such as nginx's workers, have it as their parent).
 * A PID file that is not there yet is not an error: the daemon may write
 * it a moment after its parent exits, and process.c looks again until the
 * start's deadline.
 */
#include "forking.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "procinfo.h"

static int why(char **ret_why, int error, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int why(char **ret_why, int error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_why, fmt, ap) < 0)
                *ret_why = NULL;
        va_end(ap);
        return -error;
}

bool forking_in_cgroup(const struct forking_search *q, pid_t pid) {
        if (q->cgroup_fd < 0)
                return true;
        char cgroup[4096];
        if (proc_cgroup(pid, cgroup, sizeof(cgroup)) < 0)
                return false;
        size_t base = strlen(q->cgroup_base);
        return strncmp(cgroup, q->cgroup_base, base) == 0 && cgroup[base] == '/' &&
               strcmp(cgroup + base + 1, q->cgroup_name) == 0;
}

static int read_pid_file(const struct forking_search *q, pid_t *ret, char **ret_why) {
        _cleanup_close_ int fd = open(q->pid_file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return 0;
        if (fd < 0)
                return why(ret_why, errno, "its PID file %s cannot be opened: %s%s", q->pid_file,
                           strerror(errno),
                           errno == ELOOP ? " (it is a symbolic link, which scmd does not follow)"
                                          : "");
        struct stat st;
        if (fstat(fd, &st) < 0)
                return why(ret_why, errno, "its PID file %s: %s", q->pid_file, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return why(ret_why, EINVAL, "its PID file %s is not a regular file", q->pid_file);
        if (st.st_uid != 0 && st.st_uid != q->owner)
                return why(ret_why, EPERM,
                           "its PID file %s belongs to uid %u, neither root nor the service's "
                           "account",
                           q->pid_file, (unsigned)st.st_uid);
        char buf[32];
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n == 0)
                return 0; /* made, not yet written */
        if (n < 0)
                return why(ret_why, errno, "its PID file %s: %s", q->pid_file, strerror(errno));
        buf[n] = '\0';
        char *end;
        long pid = strtol(buf, &end, 10);
        while (*end == '\n' || *end == ' ' || *end == '\r')
                end++;
        if (end == buf || *end || pid <= 1 || pid > 4194304)
                return why(ret_why, EINVAL, "its PID file %s does not hold a process id",
                           q->pid_file);
        if (!forking_in_cgroup(q, (pid_t)pid))
                return why(ret_why, EPERM,
                           "its PID file %s names pid %ld, which is not one of the service's "
                           "processes",
                           q->pid_file, pid);
        *ret = (pid_t)pid;
        return 1;
}

/* The processes of the cgroup whose parent is not among them. */
static int one_left(const struct forking_search *q, pid_t *ret, char **ret_why) {
        if (q->cgroup_fd < 0)
                return why(ret_why, EINVAL,
                           "without cgroups, a forking service must name its PID file");
        _cleanup_close_ int fd = openat(q->cgroup_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
        _cleanup_fclose_ FILE *f = fd >= 0 ? fdopen(TAKE_FD(fd), "re") : NULL;
        if (!f)
                return why(ret_why, errno, "cannot read its cgroup: %s", strerror(errno));
        pid_t pids[64];
        size_t n = 0;
        int pid;
        while (n < 64 && fscanf(f, "%d", &pid) == 1)
                pids[n++] = pid;
        size_t found = 0;
        for (size_t i = 0; i < n; i++) {
                pid_t parent = 0;
                if (proc_parent(pids[i], &parent) < 0)
                        continue;
                bool inside = false;
                for (size_t j = 0; j < n && !inside; j++)
                        inside = pids[j] == parent;
                if (!inside && found++ == 0)
                        *ret = pids[i];
        }
        if (found == 1)
                return 1;
        if (found)
                return why(ret_why, EINVAL,
                           "it left %zu processes of its own; name its PID file so that scmd "
                           "knows which is the daemon",
                           found);
        return why(ret_why, ESRCH,
                   "nothing of it was left running after its first process exited 0");
}

int forking_main_pid(const struct forking_search *q, pid_t *ret, char **ret_why) {
        *ret_why = NULL;
        if (q->pid_file)
                return read_pid_file(q, ret, ret_why);
        return one_left(q, ret, ret_why);
}
