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
 * written only when it is one: the record's line names a character
 * device under /dev (no ".."), of a terminal's major number, checked
 * before it is opened (without following a link) and again after, whose
 * owner allows messages (group write, which `mesg n` clears: a service's
 * message is not an emergency).  utmp is written by programs of the utmp
 * group, not only root: a record must not make scmd open /dev/watchdog.  Each
 * terminal gets one non-blocking write: a terminal that is not being
 * read does not hold scmd up, and misses the message.
 */
#include "wall.h"

#include <errno.h>
#include <fcntl.h>
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
        size_t at = put_clean(out, 0, WALL_MAX, "\r\n\a");
        at = put_clean(out, at, WALL_MAX, "Message from service ");
        at = put_clean(out, at, WALL_MAX, service);
        at = put_clean(out, at, WALL_MAX, " (scm) at ");
        at = put_clean(out, at, WALL_MAX, when);
        at = put_clean(out, at, WALL_MAX, ":\n\n");
        at = put_clean(out, at, WALL_MAX, text);
        return put_clean(out, at, WALL_MAX, "\n\n");
}

/* A terminal that allows messages: a character device of a terminal's
 * major number (virtual consoles and serial lines 4, pseudo-terminals
 * 136-143) with group write.  Checked before the open too, since opening
 * some devices does something (a watchdog starts counting). */
static bool may_write(const struct stat *st) {
        unsigned maj = major(st->st_rdev);
        return S_ISCHR(st->st_mode) && (st->st_mode & S_IWGRP) &&
               (maj == 4 || (maj >= 136 && maj <= 143));
}

/* 1 when the terminal took all of it, 0 when it was skipped or refused. */
static int write_one(const char *line, const char *buf, size_t len) {
        char path[64];
        struct stat before, st;
        if (!line_ok(line) || snprintf(path, sizeof(path), "/dev/%s", line) >= (int)sizeof(path) ||
            lstat(path, &before) < 0 || !may_write(&before))
                return 0;
        int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return 0;
        int ok = fstat(fd, &st) == 0 && may_write(&st) && st.st_rdev == before.st_rdev &&
                 isatty(fd) && write(fd, buf, len) == (ssize_t)len;
        close(fd);
        return ok;
}

int wall_write(const char *service, const char *text) {
        struct utmp_session *v;
        ssize_t n = utmp_sessions(&v);
        if (n < 0)
                return (int)n;
        char *buf = malloc(WALL_MAX);
        if (!buf) {
                free(v);
                return -ENOMEM;
        }
        size_t len = compose(buf, service, text);
        int told = 0;
        for (ssize_t i = 0; i < n; i++)
                if (!utmp_seen_before(v, (size_t)i, UTMP_BY_LINE))
                        told += write_one(v[i].line, buf, len);
        free(buf);
        free(v);
        return told;
}
