/* SPDX-License-Identifier: MIT */
/*
 * The login sessions the utmp file records (utmp.c): what session_watch.c
 * tells handlers of and what wall.c writes to.
 */
#ifndef SCMD_UTMP_H
#define SCMD_UTMP_H

#include <stdbool.h>
#include <sys/types.h>

struct utmp_session {
        pid_t pid;     /* the login program's: the session's number */
        char line[33]; /* its terminal under /dev ("pts/3"), or "" */
        char user[33];
        bool quiet; /* wall.c: its terminal refuses messages (mesg n) */
};

/* scmd's --utmp: another file than the system's (a test's own). */
int utmp_set_path(const char *path);
const char *utmp_path(void);

/* The sessions now recorded (USER_PROCESS records), in file order: a
 * malloc'd array in *ret (NULL when none) and its length, or -errno:
 * -EAGAIN while a writer holds the file (read again in a moment), -EINVAL
 * when it is no regular file. */
ssize_t utmp_sessions(struct utmp_session **ret);

/* Whether a session before v[i] has the same terminal (UTMP_BY_LINE) or
 * user (UTMP_BY_USER): one copy of a message each. */
enum utmp_key { UTMP_BY_LINE, UTMP_BY_USER };
bool utmp_seen_before(const struct utmp_session *v, size_t i, enum utmp_key key);

#endif
