/* SPDX-License-Identifier: MIT */
/*
 * A service's message for people, shown on their desktops: the Linux form
 * of MessageBox with MB_SERVICE_NOTIFICATION.  A desktop shows
 * notifications sent to the org.freedesktop.Notifications service of the
 * user's session bus, whose socket is /run/user/UID/bus.
 *
 * The bus takes a connection only from its own user, so for each user
 * with a login session in utmp and a session bus, the messenger
 * (messenger.c, itself a child of scmd) forks a child that becomes that
 * user (groups, gid and uid), connects, authenticates as itself
 * (EXTERNAL), says Hello and calls Notify, waits for the answers, and
 * exits 0 when Notify was answered.  Each child has ANSWER_SECONDS in
 * all, held by an alarm.  A user who refuses messages on every terminal
 * of theirs (mesg n, found by wall.c) gets none on the desktop either.
 * The text goes as the body, with the characters of the notification
 * markup (& < >) written as entities, so it shows as it was sent: no
 * link, image or style of the service's.  The child speaks the few
 * messages it needs of the D-Bus wire format itself: scm does not link a
 * D-Bus library for one call.
 */
#include "desktop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utmp.h"

#define MSG_MAX 8192
#define ANSWER_SECONDS 3

/* ---- the D-Bus wire format, little-endian, what Hello and Notify need ---- */

struct wire {
        uint8_t b[MSG_MAX];
        size_t n;
        bool full;
};

static void pad(struct wire *w, size_t align) {
        while (w->n % align && w->n < MSG_MAX)
                w->b[w->n++] = 0;
}

static void put(struct wire *w, const void *p, size_t len) {
        if (w->n + len > MSG_MAX) {
                w->full = true;
                return;
        }
        memcpy(w->b + w->n, p, len);
        w->n += len;
}

static void put_u8(struct wire *w, uint8_t v) {
        put(w, &v, 1);
}

static void put_u32(struct wire *w, uint32_t v) {
        pad(w, 4);
        uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        put(w, le, 4);
}

static void put_str(struct wire *w, const char *s) { /* s and o */
        put_u32(w, (uint32_t)strlen(s));
        put(w, s, strlen(s) + 1);
}

static void put_sig(struct wire *w, const char *s) { /* g */
        put_u8(w, (uint8_t)strlen(s));
        put(w, s, strlen(s) + 1);
}

/* One header field: (code, variant of type sig holding s). */
static void put_field(struct wire *w, uint8_t code, const char *sig, const char *s) {
        pad(w, 8);
        put_u8(w, code);
        put_sig(w, sig);
        if (sig[0] == 'g')
                put_sig(w, s);
        else
                put_str(w, s);
}

/* A method call with body (already marshalled, starting 8-aligned). */
static void method_call(struct wire *w, uint32_t serial, const char *dest, const char *path,
                        const char *iface, const char *member, const char *sig,
                        const struct wire *body) {
        put_u8(w, 'l');
        put_u8(w, 1); /* METHOD_CALL */
        put_u8(w, 0);
        put_u8(w, 1);
        put_u32(w, (uint32_t)body->n);
        put_u32(w, serial);
        size_t len_at = w->n;
        put_u32(w, 0); /* the fields' length, below */
        size_t start = w->n;
        put_field(w, 1, "o", path);
        put_field(w, 2, "s", iface);
        put_field(w, 3, "s", member);
        put_field(w, 6, "s", dest);
        if (sig[0])
                put_field(w, 8, "g", sig);
        uint32_t fields = (uint32_t)(w->n - start);
        memcpy(w->b + len_at,
               (uint8_t[]){(uint8_t)fields, (uint8_t)(fields >> 8), (uint8_t)(fields >> 16),
                           (uint8_t)(fields >> 24)},
               4);
        pad(w, 8);
        put(w, body->b, body->n);
}

static void notify_body(struct wire *w, const char *summary, const char *text) {
        put_str(w, "scm"); /* app_name */
        put_u32(w, 0);     /* replaces_id */
        put_str(w, "");    /* app_icon */
        put_str(w, summary);
        put_str(w, text);
        put_u32(w, 0);            /* actions: as, empty */
        put_u32(w, 0);            /* hints: a{sv}, empty ... */
        pad(w, 8);                /* ... its entries' alignment, even when none */
        put_u32(w, (uint32_t)-1); /* expire_timeout: the server's default */
}

/* ---- the child ---------------------------------------------------------- */

static bool send_all(int fd, const void *p, size_t len) {
        return send(fd, p, len, MSG_NOSIGNAL) == (ssize_t)len;
}

static uint32_t get_u32(const uint8_t *p, bool big) {
        return big ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]
                   : p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads until the answers to both calls came (any two messages back of
 * type return or error: the bus sends nothing else first).  The alarm
 * ends a wait that lasts. */
static int await_answers(int fd) {
        uint8_t buf[4096];
        size_t have = 0;
        int answers = 0, ok = 0;
        while (answers < 2) {
                ssize_t got = recv(fd, buf + have, sizeof(buf) - have, 0);
                if (got <= 0)
                        return -1;
                have += (size_t)got;
                while (have >= 16) {
                        if (buf[0] != 'l' && buf[0] != 'B')
                                return -1;
                        bool big = buf[0] == 'B';
                        uint32_t body = get_u32(buf + 4, big), fields = get_u32(buf + 12, big);
                        if (body > sizeof(buf) || fields > sizeof(buf))
                                return -1;
                        size_t len = ((16 + (size_t)fields + 7) & ~(size_t)7) + body;
                        if (len > sizeof(buf))
                                return -1;
                        if (have < len)
                                break;
                        if (buf[1] == 2 || buf[1] == 3) {
                                answers++;
                                ok += buf[1] == 2;
                        }
                        memmove(buf, buf + len, have - len);
                        have -= len;
                }
        }
        return ok == 2 ? 0 : -1;
}

/* text with the markup's & < > as entities, in out (of size). */
static void escape_markup(char *out, size_t size, const char *text) {
        size_t at = 0;
        for (const char *p = text; *p && at + 6 < size; p++) {
                const char *e = *p == '&'   ? "&amp;"
                                : *p == '<' ? "&lt;"
                                : *p == '>' ? "&gt;"
                                            : NULL;
                if (e) {
                        memcpy(out + at, e, strlen(e));
                        at += strlen(e);
                } else {
                        out[at++] = *p;
                }
        }
        out[at] = '\0';
}

static int speak(int fd, uid_t uid, const char *summary, const char *text) {
        char auth[64], line[256];
        int n = snprintf(auth, sizeof(auth), "%u", (unsigned)uid);
        char hex[32] = "";
        for (int i = 0; i < n; i++)
                sprintf(hex + 2 * i, "%02x", (unsigned char)auth[i]);
        n = snprintf(line, sizeof(line), "AUTH EXTERNAL %s\r\n", hex);
        if (!send_all(fd, "", 1) || !send_all(fd, line, (size_t)n))
                return -1;
        ssize_t got = recv(fd, line, sizeof(line) - 1, 0);
        if (got < 3 || strncmp(line, "OK ", 3) != 0 || !send_all(fd, "BEGIN\r\n", 7))
                return -1;
        static struct wire msg, body;
        static char shown[MSG_MAX];
        escape_markup(shown, sizeof(shown), text);
        msg.n = body.n = 0;
        method_call(&msg, 1, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus", "Hello", "", &body);
        notify_body(&body, summary, shown);
        method_call(&msg, 2, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                    "org.freedesktop.Notifications", "Notify", "susssasa{sv}i", &body);
        if (msg.full || body.full || !send_all(fd, msg.b, msg.n))
                return -1;
        return await_answers(fd);
}

static int child(const char *bus, const struct passwd *pw, const char *summary, const char *text) {
        alarm(ANSWER_SECONDS);
        /* It holds a copy of scmd's memory: the user it becomes must not
         * read it (ptrace, /proc/PID/mem).  After the change of uid, which
         * sets it to fs.suid_dumpable (1 on some hosts). */
        if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
            setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
                return 1;
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        memcpy(a.sun_path, bus, sizeof(a.sun_path));
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
                return 1;
        return speak(fd, pw->pw_uid, summary, text) < 0;
}

/* ---- who gets it -------------------------------------------------------- */

/* The user's session bus, when it runs: a socket the user owns. */
static bool bus_of(uid_t uid, char *path, size_t size) {
        struct stat st;
        snprintf(path, size, "/run/user/%u/bus", (unsigned)uid);
        return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_uid == uid;
}

/* Whether every session of v[i]'s user refuses messages on its terminal. */
static bool all_quiet(const struct utmp_session *v, size_t n, size_t i) {
        for (size_t j = 0; j < n; j++)
                if (strcmp(v[j].user, v[i].user) == 0 && !v[j].quiet)
                        return false;
        return true;
}

/* The child for v[i]'s user, when that user has a bus: its pid, or 0. */
static pid_t notify_user(const struct utmp_session *s, const char *summary, const char *text) {
        struct passwd *pw = getpwnam(s->user);
        char bus[sizeof(((struct sockaddr_un *)0)->sun_path)];
        if (!pw || !bus_of(pw->pw_uid, bus, sizeof(bus)))
                return 0;
        pid_t pid = fork();
        if (pid == 0)
                _exit(child(bus, pw, summary, text));
        return pid < 0 ? 0 : pid;
}

int desktop_notify(const char *service, const char *text, const struct utmp_session *v, size_t n) {
        char *summary = NULL;
        if (asprintf(&summary, "Message from service %s", service) < 0)
                return -ENOMEM;
        int sent = 0, told = 0;
        for (size_t i = 0; i < n; i++)
                if (!utmp_seen_before(v, i, UTMP_BY_USER) && !all_quiet(v, n, i))
                        sent += notify_user(&v[i], summary, text) > 0;
        free(summary);
        /* Each child ends within ANSWER_SECONDS: its alarm. */
        for (int status; sent > 0 && wait(&status) > 0; sent--)
                told += WIFEXITED(status) && WEXITSTATUS(status) == 0;
        return told;
}
