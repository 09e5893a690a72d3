/* SPDX-License-Identifier: MIT */
/*
 * A service cgroup's usage (cgroup_usage.h), from the files the kernel keeps
 * in the cgroup's folder: memory.current (bytes, memory controller),
 * cpu.stat's usage_usec (always there in cgroup v2) and pids.current (pids
 * controller).  Each read is one small read of a kernel file, cheap enough
 * to make for every query.
 */
#include "cgroup_usage.h"

#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resource_config.h"

/* The file name of the folder folder under dir_fd (NULL: dir_fd), up to
 * size - 1 bytes, into buf (NUL terminated); false when it cannot be read. */
static bool read_small(int dir_fd, const char *folder, const char *name, char *buf, size_t size) {
        char path[PATH_MAX];
        if (folder && (size_t)snprintf(path, sizeof(path), "%s/%s", folder, name) >= sizeof(path))
                return false;
        int fd = openat(dir_fd, folder ? path : name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return false;
        ssize_t n = read(fd, buf, size - 1);
        close(fd);
        if (n <= 0)
                return false;
        buf[n] = '\0';
        return true;
}

/* The first number of the file (key NULL), or the number after "key " at
 * the start of a line; -1 when there is none. */
static int64_t read_number(int dir_fd, const char *folder, const char *name, const char *key) {
        char buf[1024];
        if (!read_small(dir_fd, folder, name, buf, sizeof(buf)))
                return -1;
        const char *p = buf;
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

void cgroup_usage_read(int dir_fd, const char *folder, unsigned controllers,
                       struct cgroup_usage *ret) {
        ret->memory_bytes = controllers & RESOURCE_CTL_MEMORY
                                    ? read_number(dir_fd, folder, "memory.current", NULL)
                                    : -1;
        ret->cpu_usec = read_number(dir_fd, folder, "cpu.stat", "usage_usec");
        ret->tasks = controllers & RESOURCE_CTL_PIDS
                             ? read_number(dir_fd, folder, "pids.current", NULL)
                             : -1;
}
