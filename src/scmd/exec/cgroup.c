/* SPDX-License-Identifier: MIT */
/*
 * cgroup v2: each service in a folder of its own, so that stopping it can
 * kill every process it ever made.  The folders live in one instance
 * folder below scmd's own cgroup ("scm" in system mode, "scm-<hash of the
 * root>" for --root and user mode, so several scmds never share one).
 * Service folders are named "<name>.service": no kernel interface file
 * ends in ".service", so no service name can collide with one.
 *
 * This file uses cgroup.procs, cgroup.kill, cgroup.freeze and
 * cgroup.events; the controllers that bound what a service consumes are
 * resources.c's.  To enable them scmd may have moved itself into a leaf
 * of its own cgroup (CGROUP_SCMD_LEAF): its own cgroup is then that
 * leaf's parent, so a re-executed scmd finds the same instance folder.
 *
 * Where cgroups cannot be had (no cgroup2 mount, no write access) every
 * function here reports it, and scmd holds services by process group
 * instead (see docs/architecture.md).
 */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

/* The mount point of the cgroup2 file system, from mountinfo. */
static char *cgroup2_mount(void) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return NULL;
        char *line = NULL;
        size_t cap = 0;
        char *found = NULL;
        while (!found && getline(&line, &cap, f) > 0) {
                char mnt[4096], fstype[64];
                /* id parent major:minor root mountpoint options [optional...] - fstype */
                const char *dash = strstr(line, " - ");
                if (!dash || sscanf(dash, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
                        continue;
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
                        found = strdup(mnt);
        }
        free(line);
        return found;
}

/* scmd's own cgroup v2 path, from the "0::" line of /proc/self/cgroup
 * (the parent of CGROUP_SCMD_LEAF when scmd is in that leaf). */
static char *own_cgroup(void) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
        if (!f)
                return NULL;
        char *line = NULL;
        size_t cap = 0;
        char *found = NULL;
        while (!found && getline(&line, &cap, f) > 0)
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = '\0';
                        size_t len = strlen(line), leaf = strlen("/" CGROUP_SCMD_LEAF);
                        if (len >= 3 + leaf && strcmp(line + len - leaf, "/" CGROUP_SCMD_LEAF) == 0)
                                line[len - leaf] = '\0';
                        found = strdup(line[3] ? line + 3 : "/");
                }
        free(line);
        return found;
}

int cgroup_setup(const char *instance, char **ret_path, char **ret_rel) {
        _cleanup_free_ char *mnt = cgroup2_mount();
        _cleanup_free_ char *own = own_cgroup();
        if (!mnt || !own)
                return -ENOENT;

        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s%s/%s", mnt, strcmp(own, "/") == 0 ? "" : own, instance) < 0)
                return -ENOMEM;
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                return -errno;
        int fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* Writing cgroup.procs needs write access to it, not just the folder. */
        if (faccessat(fd, "cgroup.procs", W_OK, 0) < 0) {
                int r = -errno;
                close(fd);
                rmdir(path);
                return r;
        }
        char *rel;
        if (asprintf(&rel, "%s/%s", strcmp(own, "/") == 0 ? "" : own, instance) < 0) {
                close(fd);
                return -ENOMEM;
        }
        *ret_path = TAKE_PTR(path);
        *ret_rel = rel;
        return fd;
}

int cgroup_service_open(int base_fd, const char *dirname) {
        /* Open first: a folder kept for a restart, or one opened again,
         * costs no mkdir, which takes the kernel's cgroup lock. */
        int fd = openat(base_fd, dirname, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT)
                return fd < 0 ? -errno : fd;
        if (mkdirat(base_fd, dirname, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(base_fd, dirname, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

static int write_file_at(int dir_fd, const char *file, const char *text) {
        _cleanup_close_ int fd = openat(dir_fd, file, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return write(fd, text, strlen(text)) < 0 ? -errno : 0;
}

/* Kernels before 5.14 have no cgroup.kill: signal each member instead,
 * until a pass finds none (members may fork meanwhile). */
static int kill_members(int cgroup_fd) {
        for (int pass = 0; pass < 16; pass++) {
                _cleanup_close_ int fd = openat(cgroup_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                _cleanup_fclose_ FILE *f = fdopen(TAKE_FD(fd), "re");
                if (!f)
                        return -errno;
                int pid, n = 0;
                while (fscanf(f, "%d", &pid) == 1) {
                        kill(pid, SIGKILL);
                        n++;
                }
                if (n == 0)
                        return 0;
        }
        return 0;
}

int cgroup_kill(int cgroup_fd) {
        int r = write_file_at(cgroup_fd, "cgroup.kill", "1");
        if (r == -ENOENT)
                r = kill_members(cgroup_fd);
        return r;
}

int cgroup_freeze(int cgroup_fd, bool frozen) {
        return write_file_at(cgroup_fd, "cgroup.freeze", frozen ? "1" : "0");
}

int cgroup_populated(int cgroup_fd) {
        _cleanup_close_ int fd = openat(cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        char buf[256];
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        const char *p = strstr(buf, "populated ");
        return p ? p[strlen("populated ")] == '1' : -EIO;
}

int cgroup_events_open(int cgroup_fd) {
        int fd = openat(cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        return fd < 0 ? -errno : fd;
}

void cgroup_teardown(const char *path) {
        if (rmdir(path) < 0 && errno != ENOENT)
                log_debug("cannot remove cgroup %s: %m", path);
}

void cgroup_service_remove(int base_fd, const char *dirname) {
        if (unlinkat(base_fd, dirname, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != EBUSY)
                log_debug("cannot remove cgroup %s: %m", dirname);
}

/* Waits up to 5 s for a killed cgroup to empty; start-up only. */
static void wait_empty(int fd) {
        for (int i = 0; i < 500 && cgroup_populated(fd) == 1; i++)
                usleep(10000);
}

void cgroup_sweep(int base_fd, bool (*keep)(void *userdata, const char *name), void *userdata) {
        _cleanup_close_ int dup_fd = dup(base_fd);
        if (dup_fd < 0)
                return;
        DIR *d = fdopendir(TAKE_FD(dup_fd));
        if (!d)
                return;
        rewinddir(d);
        for (struct dirent *e; (e = readdir(d));) {
                size_t len = strlen(e->d_name);
                if (e->d_type != DT_DIR || len <= 8 || strcmp(e->d_name + len - 8, ".service"))
                        continue;
                if (keep && keep(userdata, e->d_name))
                        continue; /* a service's, taken back */
                _cleanup_close_ int fd =
                        openat(base_fd, e->d_name, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                if (cgroup_populated(fd) == 1) {
                        log_warning("killing processes left in %s by an earlier scmd (no "
                                    "service was taken back in it)",
                                    e->d_name);
                        cgroup_kill(fd);
                        wait_empty(fd);
                }
                cgroup_service_remove(base_fd, e->d_name);
        }
        closedir(d);
}
