/* SPDX-License-Identifier: MIT */
/*
 * Watching the mount table (mounts.h).
 *
 * /proc/self/mountinfo is a seq_file whose poll() reports POLLPRI and
 * POLLERR once per change of the mount namespace's table (and always
 * POLLIN): so the loop watches EPOLLPRI only, level-triggered, and the
 * kernel's own poll() resets the flag, so a change wakes scmd once.  Then
 * the whole table is read again and compared with the last one by mount
 * id (a mount id is unique while mounted; field 1), which gives what was
 * mounted, unmounted, or remounted with other options.  The table is a
 * few hundred lines on a busy host: read whole, no heap per event beyond
 * the new table.
 */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "loop.h"
#include "manager.h"

struct mount_table {
        struct mount_entry *v;
        size_t n;
};

struct mounts_watch {
        struct manager *manager;
        int fd;
        struct loop_io io;
        struct mount_table table;
        mounts_changed_fn *fn;
};

/* The one watcher of scmd (one mount namespace, one table). */
static struct mounts_watch *watch;

static void table_clear(struct mount_table *t) {
        for (size_t i = 0; i < t->n; i++) {
                free(t->v[i].mount_point);
                free(t->v[i].fstype);
                free(t->v[i].source);
                free(t->v[i].options);
        }
        free(t->v);
        *t = (struct mount_table){0};
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s) {
        char *out = malloc(strlen(s) + 1), *p = out;
        if (!out)
                return NULL;
        while (*s) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *p++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 4;
                } else {
                        *p++ = *s++;
                }
        }
        *p = '\0';
        return out;
}

/* "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
static int parse_line(char *line, struct mount_entry *e) {
        char *field[6], *save = NULL, *w;
        int n = 0;
        for (w = strtok_r(line, " ", &save); w && n < 6; w = strtok_r(NULL, " ", &save))
                field[n++] = w;
        if (n < 6)
                return -EINVAL;
        while (w && strcmp(w, "-") != 0) /* the optional fields */
                w = strtok_r(NULL, " ", &save);
        char *fstype = w ? strtok_r(NULL, " ", &save) : NULL;
        char *source = fstype ? strtok_r(NULL, " ", &save) : NULL;
        if (!source)
                return -EINVAL;
        *e = (struct mount_entry){
                .id = atoi(field[0]),
                .mount_point = unescape(field[4]),
                .fstype = strdup(fstype),
                .source = unescape(source),
                .options = strdup(field[5]),
        };
        return e->mount_point && e->fstype && e->source && e->options ? 0 : -ENOMEM;
}

static int read_table(int fd, struct mount_table *ret) {
        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        size_t size = 0, cap = 65536;
        _cleanup_free_ char *buf = malloc(cap + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (size == cap) {
                        char *bigger = realloc(buf, cap * 2 + 1);
                        if (!bigger)
                                return -ENOMEM;
                        buf = bigger;
                        cap *= 2;
                }
                ssize_t k = read(fd, buf + size, cap - size);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                size += (size_t)k;
        }
        buf[size] = '\0';
        struct mount_table t = {0};
        char *save = NULL;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct mount_entry *v = realloc(t.v, (t.n + 1) * sizeof(*v));
                if (!v) {
                        table_clear(&t);
                        return -ENOMEM;
                }
                t.v = v;
                if (parse_line(line, &t.v[t.n]) == 0)
                        t.n++;
        }
        *ret = t;
        return 0;
}

static const struct mount_entry *find(const struct mount_table *t, int id) {
        for (size_t i = 0; i < t->n; i++)
                if (t->v[i].id == id)
                        return &t->v[i];
        return NULL;
}

static void compare(struct mounts_watch *w, const struct mount_table *old,
                    const struct mount_table *now) {
        for (size_t i = 0; i < old->n; i++)
                if (!find(now, old->v[i].id))
                        w->fn(w->manager, "unmounted", &old->v[i]);
        for (size_t i = 0; i < now->n; i++) {
                const struct mount_entry *before = find(old, now->v[i].id);
                if (!before)
                        w->fn(w->manager, "mounted", &now->v[i]);
                else if (strcmp(before->options, now->v[i].options) != 0)
                        w->fn(w->manager, "changed", &now->v[i]);
        }
}

static void on_change(struct loop_io *io, uint32_t events) {
        struct mounts_watch *w = container_of(io, struct mounts_watch, io);
        (void)events;
        struct mount_table now;
        int r = read_table(w->fd, &now);
        if (r < 0) {
                log_warning("cannot read the mount table: %s; a change is not broadcast",
                            strerror(-r));
                return;
        }
        compare(w, &w->table, &now);
        table_clear(&w->table);
        w->table = now;
}

int mounts_watch_start(struct manager *m, mounts_changed_fn *fn) {
        struct mounts_watch *w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->manager = m;
        w->fn = fn;
        w->io.fd = -1;
        w->fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
        int r = w->fd < 0 ? -errno : read_table(w->fd, &w->table);
        if (r >= 0)
                r = loop_io_add(m->loop, &w->io, w->fd, EPOLLPRI, on_change);
        if (r < 0) {
                log_warning("cannot watch the mount table (%s): its changes are not broadcast",
                            strerror(-r));
                if (w->fd >= 0)
                        close(w->fd);
                table_clear(&w->table);
                free(w);
                return r;
        }
        watch = w;
        return 0;
}

void mounts_watch_free(struct manager *m) {
        struct mounts_watch *w = watch;
        if (!w)
                return;
        loop_io_remove(m->loop, &w->io);
        close(w->fd);
        table_clear(&w->table);
        free(w);
        watch = NULL;
}
