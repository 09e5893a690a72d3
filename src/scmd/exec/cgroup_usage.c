/* SPDX-License-Identifier: MIT */
/*
 * A service cgroup's usage (cgroup_usage.h), from the files the kernel keeps
 * in the cgroup's folder: memory.current (bytes, memory controller),
 * cpu.stat's usage_usec (always there in cgroup v2) and pids.current (pids
 * controller).  Each read is one small read of a kernel file, cheap enough
 * to make for every query.
 */
#include "cgroup_usage.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resource_config.h"

/* The three files, in struct cgroup_usage_files' order: the controller
 * that provides each (0: always there), and the key of its number (NULL:
 * the file's first number). */
static const struct {
        const char *name;
        unsigned controller;
        const char *key;
} files[3] = {
        {"memory.current", RESOURCE_CTL_MEMORY, NULL},
        {"cpu.stat", 0, "usage_usec"},
        {"pids.current", RESOURCE_CTL_PIDS, NULL},
};

/* Whether file i is there with these controllers enabled. */
static bool enabled(unsigned controllers, size_t i) {
        return !files[i].controller || (controllers & files[i].controller);
}

/* File i of the folder folder under dir_fd (NULL: dir_fd) opened for
 * reading, or -1 when its controller is not enabled or it cannot be
 * (errno then says why). */
static int open_file(int dir_fd, const char *folder, unsigned controllers, size_t i) {
        char path[PATH_MAX];
        if (!enabled(controllers, i))
                return -1;
        if (folder &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", folder, files[i].name) >= sizeof(path)) {
                errno = ENAMETOOLONG;
                return -1;
        }
        return openat(dir_fd, folder ? path : files[i].name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

/* The number of file i read at its start through fd: the first one (key
 * NULL), or the one after "key " at the start of a line; -1 when there is
 * none. */
static int64_t read_number(int fd, size_t i) {
        char buf[1024];
        ssize_t len = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
        if (len <= 0)
                return -1;
        buf[len] = '\0';
        const char *key = files[i].key, *p = buf;
        size_t n = key ? strlen(key) : 0;
        while (key && p && (strncmp(p, key, n) != 0 || p[n] != ' ')) {
                p = strchr(p, '\n');
                p = p ? p + 1 : NULL;
        }
        if (!p)
                return -1;
        p += key ? n + 1 : 0;
        char *end;
        long long v = strtoll(p, &end, 10);
        return end == p || v < 0 ? -1 : (int64_t)v;
}

static void fill(struct cgroup_usage *ret, const int64_t v[3]) {
        ret->memory_bytes = v[0];
        ret->cpu_usec = v[1];
        ret->tasks = v[2];
}

void cgroup_usage_read(int dir_fd, const char *folder, unsigned controllers,
                       struct cgroup_usage *ret) {
        int64_t v[3];
        for (size_t i = 0; i < 3; i++) {
                int fd = open_file(dir_fd, folder, controllers, i);
                v[i] = read_number(fd, i);
                if (fd >= 0)
                        close(fd);
        }
        fill(ret, v);
}

int cgroup_usage_open(int dir_fd, const char *folder, unsigned controllers,
                      struct cgroup_usage_files *ret) {
        struct cgroup_usage_files f;
        for (size_t i = 0; i < 3; i++) {
                f.fd[i] = open_file(dir_fd, folder, controllers, i);
                if (f.fd[i] < 0 && enabled(controllers, i)) {
                        /* All or none: a file held as missing would read
                         * as null until the process ends. */
                        int r = -errno;
                        for (size_t j = 0; j < i; j++)
                                if (f.fd[j] >= 0)
                                        close(f.fd[j]);
                        return r < 0 ? r : -EIO;
                }
        }
        *ret = f;
        return 0;
}

void cgroup_usage_read_open(const struct cgroup_usage_files *f, struct cgroup_usage *ret) {
        int64_t v[3];
        for (size_t i = 0; i < 3; i++)
                v[i] = read_number(f->fd[i], i);
        fill(ret, v);
}

void cgroup_usage_close(struct cgroup_usage_files *f) {
        for (size_t i = 0; i < 3; i++) {
                if (f->fd[i] >= 0)
                        close(f->fd[i]);
                f->fd[i] = -1;
        }
}
