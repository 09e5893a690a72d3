/* SPDX-License-Identifier: MIT */
/*
 * A service's message for people, written to their terminals as wall(1)
 * writes a broadcast: the Linux form of MessageBox with
 * MB_SERVICE_NOTIFICATION, which shows a service's message on the
 * interactive desktop.  The terminals are those of the login sessions
 * utmp records (utmp.c).
 *
 * What is written to a terminal is never what the service chose alone: a
 * header naming the service and the time, then the text with every
 * control character (C0, DEL and C1, which a terminal could take as a
 * command) as a space, its lines ended with CR LF.  A terminal is
 * written only when it is one and the session's: the record's line names
 * a character device under /dev (no ".."), a pseudo-terminal or a virtual
 * console (not a serial line, whose major number they share), owned by
 * the session's user and of the tty group, checked before it is opened
 * (without following a link) and again after, whose owner allows
 * messages (group write, which `mesg n` clears: a service's message is
 * not an emergency).  utmp is written by programs of the utmp group, not
 * only root: a record must not make root open /dev/watchdog or a serial
 * port.  Each terminal gets one non-blocking write: a terminal that is
 * not being read misses the message.  This runs in the messenger
 * (messenger.c), a child of scmd, never in scmd's loop.
 */
#include "wall.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "utmp.h"

#define WALL_MAX 4096

static bool line_ok(const char *line) {
        if (!line[0] || line[0] == '/' || strstr(line, ".."))
                return false;
        for (const char *p = line; *p; p++)
                if (!(*p == '/' || *p == '-' || *p == '_' || *p == '.' ||
                      (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                      (*p >= 'A' && *p <= 'Z')))
                        return false;
        return true;
}

/* Appends text with control characters as spaces and "\n" as CR LF. */
static size_t put_clean(char *out, size_t at, size_t max, const char *text) {
        const unsigned char *p = (const unsigned char *)text;
        for (; *p && at + 2 < max; p++) {
                if (*p == '\n') {
                        out[at++] = '\r';
                        out[at++] = '\n';
                } else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
                        out[at++] = ' '; /* a C1 control in UTF-8 */
                        p++;
                } else {
                        out[at++] = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
                }
        }
        return at;
}

static size_t compose(char *out, const char *service, const char *text) {
        char when[32];
        time_t now = time(NULL);
        struct tm tm;
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
        memcpy(out, "\r\n\a", 3); /* a new line, and the bell, as wall(1) rings it */
        size_t at = put_clean(out, 3, WALL_MAX, "Message from service ");
        at = put_clean(out, at, WALL_MAX, service);
        at = put_clean(out, at, WALL_MAX, " (scm) at ");
        at = put_clean(out, at, WALL_MAX, when);
        at = put_clean(out, at, WALL_MAX, ":\n\n");
        at = put_clean(out, at, WALL_MAX, text);
        return put_clean(out, at, WALL_MAX, "\n\n");
}

/* The terminals a message may be written to, as a session's user owns
 * them: the tty group's (gid), of that user (uid). */
struct owner {
        uid_t uid;
        gid_t tty_gid;
};

/* A terminal of the session's: a character device that is a
 * pseudo-terminal (majors 136-143) or a virtual console (major 4, minors
 * below 64; serial lines are the same major's 64 and up), owned by the
 * session's user and the tty group.  Checked before the open too, since
 * opening some devices does something (a watchdog starts counting). */
static bool is_session_terminal(const struct stat *st, const struct owner *o) {
        unsigned maj = major(st->st_rdev), min = minor(st->st_rdev);
        return S_ISCHR(st->st_mode) && st->st_uid == o->uid && st->st_gid == o->tty_gid &&
               ((maj >= 136 && maj <= 143) || (maj == 4 && min < 64));
}

/* 1 when the terminal took all of it, 0 when it was skipped or refused;
 * s->quiet is set when it is the session's terminal but refuses messages. */
static int write_one(struct utmp_session *s, const struct owner *o, const char *buf, size_t len) {
        char path[64];
        struct stat before, st;
        if (!line_ok(s->line) ||
            snprintf(path, sizeof(path), "/dev/%s", s->line) >= (int)sizeof(path) ||
            lstat(path, &before) < 0 || !is_session_terminal(&before, o))
                return 0;
        if (!(before.st_mode & S_IWGRP)) {
                s->quiet = true; /* mesg n */
                return 0;
        }
        int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return 0;
        int ok = fstat(fd, &st) == 0 && is_session_terminal(&st, o) && (st.st_mode & S_IWGRP) &&
                 st.st_rdev == before.st_rdev && isatty(fd) && write(fd, buf, len) == (ssize_t)len;
        close(fd);
        return ok;
}

int wall_write(const char *service, const char *text, struct utmp_session *v, size_t n) {
        struct group *tty = getgrnam("tty");
        gid_t tty_gid = tty ? tty->gr_gid : 0;
        char *buf = malloc(WALL_MAX);
        if (!buf)
                return -ENOMEM;
        size_t len = compose(buf, service, text);
        int told = 0;
        for (size_t i = 0; i < n; i++) {
                struct passwd *pw = getpwnam(v[i].user);
                if (!pw || !tty || utmp_seen_before(v, i, UTMP_BY_LINE))
                        continue;
                struct owner o = {pw->pw_uid, tty_gid};
                told += write_one(&v[i], &o, buf, len);
        }
        free(buf);
        return told;
}
