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
 */
#include "utmp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
        copy_field(s->line, sizeof(s->line), u->ut_line, sizeof(u->ut_line));
        copy_field(s->user, sizeof(s->user), u->ut_user, sizeof(u->ut_user));
        return 0;
}

ssize_t utmp_sessions(struct utmp_session **ret) {
        *ret = NULL;
        int fd = open(utmp_path(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        struct utmp_session *v = NULL;
        size_t n = 0;
        struct utmpx u;
        int r = 0;
        for (int i = 0; i < RECORDS_MAX && r >= 0; i++) {
                ssize_t got = read(fd, &u, sizeof(u));
                if (got < (ssize_t)sizeof(u))
                        break; /* the end, or a record being written: the next change reads it */
                if (u.ut_type == USER_PROCESS && u.ut_pid > 0 && u.ut_user[0])
                        r = add(&v, &n, &u);
        }
        close(fd);
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
