/* SPDX-License-Identifier: MIT */
/*
 * The login sessions as the utmp file records them.  Every login program
 * writes a USER_PROCESS record when a session begins and turns it into a
 * DEAD_PROCESS record when it ends: login, sshd, a display manager, su -l
 * through PAM.  That holds on a host with logind and on one without, in a
 * container as on a machine, so scmd reads utmp and depends on nothing
 * else for sessions.  The file is an array of struct utmpx, a few hundred
 * bytes each, read whole with plain reads (glibc's getutxent keeps a
 * descriptor and a position of its own; scmd wants neither).
 *
 * The file is written by programs of the utmp group, not only root, so
 * it is opened without blocking and read only when it is a regular file
 * (a FIFO there must not hold scmd up), and under a shared lock: the
 * writers lock the file while they write a record, so a reading never
 * holds half of one.  When a writer holds the lock, the reading says
 * -EAGAIN and the caller reads again a moment later.
 */
#include "utmp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmpx.h>

#define RECORDS_MAX 4096
/* glibc's _PATH_UTMP (its <paths.h> is shadowed here by src/common/paths.h). */
#define SYSTEM_UTMP "/var/run/utmp"

static char *path_override;

int utmp_set_path(const char *path) {
        char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        free(path_override);
        path_override = p;
        return 0;
}

const char *utmp_path(void) {
        return path_override ? path_override : SYSTEM_UTMP;
}

static void copy_field(char *dst, size_t dst_size, const char *src, size_t src_size) {
        size_t n = strnlen(src, src_size);
        if (n >= dst_size)
                n = dst_size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
}

static int add(struct utmp_session **v, size_t *n, const struct utmpx *u) {
        struct utmp_session *nv = realloc(*v, (*n + 1) * sizeof(**v));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        struct utmp_session *s = &nv[(*n)++];
        s->pid = u->ut_pid;
        s->quiet = false;
        copy_field(s->line, sizeof(s->line), u->ut_line, sizeof(u->ut_line));
        copy_field(s->user, sizeof(s->user), u->ut_user, sizeof(u->ut_user));
        return 0;
}

/* Opens the file for a reading: a regular file, locked for reading. */
static int open_locked(void) {
        int fd = open(utmp_path(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        struct stat st;
        struct flock lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
        int r = 0;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else if (!S_ISREG(st.st_mode))
                r = -EINVAL;
        else if (fcntl(fd, F_OFD_SETLK, &lock) < 0)
                r = errno == EACCES ? -EAGAIN : -errno;
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

/* The whole file in one buffer of whole records (a tail shorter than a
 * record, which a writer is still adding, is left for the next time). */
static ssize_t read_records(int fd, struct utmpx **ret) {
        size_t size = RECORDS_MAX * sizeof(struct utmpx), have = 0;
        struct utmpx *buf = malloc(size);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t got = read(fd, (char *)buf + have, size - have);
                if (got < 0 && errno == EINTR)
                        continue;
                if (got < 0) {
                        free(buf);
                        return -errno;
                }
                if (got == 0 || (have += (size_t)got) == size)
                        break;
        }
        *ret = buf;
        return (ssize_t)(have / sizeof(struct utmpx));
}

ssize_t utmp_sessions(struct utmp_session **ret) {
        *ret = NULL;
        int fd = open_locked();
        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return fd;
        struct utmpx *rec = NULL;
        ssize_t count = read_records(fd, &rec);
        close(fd);
        if (count < 0)
                return count;
        struct utmp_session *v = NULL;
        size_t n = 0;
        int r = 0;
        for (ssize_t i = 0; i < count && r >= 0; i++)
                if (rec[i].ut_type == USER_PROCESS && rec[i].ut_pid > 0 && rec[i].ut_user[0])
                        r = add(&v, &n, &rec[i]);
        free(rec);
        if (r < 0) {
                free(v);
                return r;
        }
        *ret = v;
        return (ssize_t)n;
}

bool utmp_seen_before(const struct utmp_session *v, size_t i, enum utmp_key key) {
        for (size_t j = 0; j < i; j++)
                if (strcmp(key == UTMP_BY_LINE ? v[i].line : v[i].user,
                           key == UTMP_BY_LINE ? v[j].line : v[j].user) == 0)
                        return true;
        return false;
}
