/* SPDX-License-Identifier: MIT */
/*
 * wire_abuse: a hostile client for scmd's socket.  It speaks to the socket
 * given as argv[1] the way a broken or malicious client would — garbage,
 * JSON that is not a request, unknown methods, an over-long line, half-closed
 * and abandoned connections, more connections than the limit, a client that
 * never reads — and checks each time that scmd answers as docs/protocol.md
 * says ("Errors", "Limits") and that a fresh connection's `ping` is still
 * answered afterwards.
 *
 * "flood N" checks that scmd's loop is fair: see flood() below.
 *
 * Output is TAP on stdout (tests/integration/test_wire.sh renumbers it into
 * the harness's stream).  Every wait has a deadline: nothing here can hang
 * longer than the deadlines below, whatever scmd does.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <scm/types.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define REPLY_DEADLINE_MS 20000
#define PING "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}\n"

static const char *socket_path;

/* ---- time and sockets --------------------------------------------------- */

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining(int64_t deadline) {
        int64_t left = deadline - now_ms();
        return left < 0 ? 0 : (int)left;
}

static void sleep_ms(int ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
}

/* A new non-blocking connection to scmd, or -errno.  Retries a full backlog
 * (EAGAIN) until deadline. */
static int connect_scmd(int64_t deadline) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (strlen(socket_path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, socket_path);

        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        for (;;) {
                if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
                        return fd;
                int e = errno;
                if ((e != EAGAIN && e != EINTR) || now_ms() >= deadline) {
                        close(fd);
                        return -e;
                }
                sleep_ms(5);
        }
}

/* Sends all of buf before deadline; -errno on failure (-EPIPE: peer closed). */
static int send_all(int fd, const void *buf, size_t len, int64_t deadline) {
        const char *p = buf;
        while (len > 0) {
                ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
                if (n > 0) {
                        p += n;
                        len -= (size_t)n;
                        continue;
                }
                if (n < 0 && errno != EAGAIN && errno != EINTR)
                        return -errno;
                struct pollfd pfd = {.fd = fd, .events = POLLOUT};
                if (poll(&pfd, 1, remaining(deadline)) == 0)
                        return -ETIMEDOUT;
        }
        return 0;
}

/* What a connection has read and not yet consumed as lines. */
struct reader {
        int fd;
        char *buf;
        size_t len, cap;
        bool eof;
};

static void reader_init(struct reader *r, int fd) {
        *r = (struct reader){.fd = fd};
}

static void reader_free(struct reader *r) {
        free(r->buf);
        r->buf = NULL;
        r->len = r->cap = 0;
}

/* Reads what is there without waiting: 1 got bytes, 0 nothing, -errno. */
static int reader_fill(struct reader *r) {
        if (r->cap - r->len < 65536) {
                size_t cap = r->cap ? r->cap * 2 : 131072;
                char *b = realloc(r->buf, cap);
                if (!b)
                        return -ENOMEM;
                r->buf = b;
                r->cap = cap;
        }
        ssize_t n = recv(r->fd, r->buf + r->len, r->cap - r->len - 1, MSG_DONTWAIT);
        if (n > 0) {
                r->len += (size_t)n;
                return 1;
        }
        if (n == 0) {
                r->eof = true;
                return 1;
        }
        if (errno == EAGAIN || errno == EINTR)
                return 0;
        if (errno == ECONNRESET) {
                r->eof = true;
                return 1;
        }
        return -errno;
}

/* Takes one complete line out of r (malloc'd, no newline), or NULL. */
static char *reader_take_line(struct reader *r) {
        char *nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
        if (!nl)
                return NULL;
        size_t n = (size_t)(nl - r->buf);
        char *line = strndup(r->buf, n);
        memmove(r->buf, nl + 1, r->len - n - 1);
        r->len -= n + 1;
        return line;
}

/* The next line before deadline: 1 and *ret_line, 0 at EOF, -ETIMEDOUT. */
static int read_line(struct reader *r, int64_t deadline, char **ret_line) {
        for (;;) {
                char *line = reader_take_line(r);
                if (line) {
                        *ret_line = line;
                        return 1;
                }
                if (r->eof)
                        return 0;
                int k = reader_fill(r);
                if (k < 0)
                        return k;
                if (k > 0)
                        continue;
                struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
                if (poll(&pfd, 1, remaining(deadline)) == 0)
                        return -ETIMEDOUT;
        }
}

/* ---- replies ------------------------------------------------------------ */

/* The error code of a reply line, or 0 when it is not an error reply.
 * *ret_name (may be NULL) gets a malloc'd data.error. */
static long reply_error(const char *line, char **ret_name) {
        json_t *j = json_loads(line, 0, NULL);
        long code = 0;
        json_t *err = j ? json_object_get(j, "error") : NULL;
        if (json_is_object(err)) {
                code = (long)json_integer_value(json_object_get(err, "code"));
                if (ret_name) {
                        const char *name = json_string_value(
                                json_object_get(json_object_get(err, "data"), "error"));
                        *ret_name = name ? strdup(name) : NULL;
                }
        }
        json_decref(j);
        return code;
}

/* True when line is a successful JSON-RPC reply whose id equals id. */
static bool reply_is_result(const char *line, json_int_t id) {
        json_t *j = json_loads(line, 0, NULL);
        bool ok = j && json_is_object(json_object_get(j, "result")) &&
                  json_integer_value(json_object_get(j, "id")) == id;
        json_decref(j);
        return ok;
}

/* Checks that line is an error reply with code and symbolic name; says why
 * not in a diagnostic. */
static bool is_error(const char *line, long code, const char *name) {
        char *got_name = NULL;
        if (!line) {
                diag("expected error %ld %s, got no reply", code, name);
                return false;
        }
        long got = reply_error(line, &got_name);
        bool ok = got == code && got_name && strcmp(got_name, name) == 0;
        if (!ok)
                diag("expected error %ld %s, got: %.300s", code, name, line);
        free(got_name);
        return ok;
}

/* Sends request (one line) on a new connection and returns its reply line
 * (malloc'd) or NULL, with a diagnostic. */
static char *roundtrip(const char *request) {
        int64_t deadline = now_ms() + REPLY_DEADLINE_MS;
        int fd = connect_scmd(deadline);
        char *line = NULL;
        if (fd < 0) {
                diag("connect %s: %s", socket_path, strerror(-fd));
                return NULL;
        }
        struct reader r;
        reader_init(&r, fd);
        int k = send_all(fd, request, strlen(request), deadline);
        if (k == 0)
                k = read_line(&r, deadline, &line);
        if (k <= 0)
                diag("no reply to %.80s: %s", request, k == 0 ? "connection closed" : strerror(-k));
        reader_free(&r);
        close(fd);
        return k > 0 ? line : NULL;
}

/* A fresh connection's ping is answered. */
static bool ping_works(void) {
        char req[128];
        snprintf(req, sizeof(req), PING, 4242);
        char *line = roundtrip(req);
        bool ok = line && reply_is_result(line, 4242);
        if (line && !ok)
                diag("ping reply: %.300s", line);
        free(line);
        return ok;
}

/* ping_works(), retried until deadline: for after cases whose connections
 * scmd has to notice closing first. */
static bool ping_works_within(int ms) {
        int64_t deadline = now_ms() + ms;
        do {
                if (ping_works())
                        return true;
                sleep_ms(50);
        } while (now_ms() < deadline);
        return false;
}

static void check_alive(const char *after) {
        tap(ping_works_within(REPLY_DEADLINE_MS), "after %s: a fresh connection's ping is answered",
            after);
}

/* ---- the cases ---------------------------------------------------------- */

/* Sends bytes then a ping on one connection: the bytes get error code,
 * and the connection still answers the ping. */
static void case_bad_line(const char *what, const char *bytes, size_t len, long code,
                          const char *name) {
        int64_t deadline = now_ms() + REPLY_DEADLINE_MS;
        int fd = connect_scmd(deadline);
        char *line = NULL, *ping_line = NULL;
        char ping[128];

        if (!tap(fd >= 0, "%s: connect", what))
                return;
        struct reader r;
        reader_init(&r, fd);
        snprintf(ping, sizeof(ping), PING, 31);
        if (send_all(fd, bytes, len, deadline) == 0 && read_line(&r, deadline, &line) > 0 &&
            send_all(fd, ping, strlen(ping), deadline) == 0)
                read_line(&r, deadline, &ping_line);
        tap(is_error(line, code, name), "%s: error %ld %s", what, code, name);
        bool ping_ok = ping_line && reply_is_result(ping_line, 31);
        if (!ping_ok)
                diag("ping on the same connection: %.300s", ping_line ? ping_line : "(no reply)");
        tap(ping_ok, "%s: the same connection still answers ping", what);
        free(line);
        free(ping_line);
        reader_free(&r);
        close(fd);
}

static void case_garbage(void) {
        static const char garbage[] = "\x01\x02\xff\xfe garbage }{ ][ \x7f\x00 \xc3\x28\n";
        case_bad_line("garbage bytes", garbage, sizeof(garbage) - 1, -32700, "INVALID_DATA");
        check_alive("garbage bytes");
}

static void case_invalid_json(void) {
        static const char *const lines[] = {
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n",
                "{'jsonrpc':'2.0'}\n",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",}\n",
        };
        for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
                char what[64];
                snprintf(what, sizeof(what), "invalid JSON #%zu", i + 1);
                case_bad_line(what, lines[i], strlen(lines[i]), -32700, "INVALID_DATA");
        }
        check_alive("invalid JSON");
}

static void case_not_a_request(void) {
        static const char *const requests[] = {
                "[1,2,3]",
                "\"hello\"",
                "42",
                "null",
                "{}",
                "{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":5}",
                "{\"id\":5,\"method\":\"ping\"}",
        };
        for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
                char what[96], line[96];
                int n = snprintf(line, sizeof(line), "%s\n", requests[i]);
                snprintf(what, sizeof(what), "not a request: %s", requests[i]);
                case_bad_line(what, line, (size_t)n, -32600, "INVALID_DATA");
        }
        check_alive("JSON that is not a request");
}

static void case_unknown_method(void) {
        char *line =
                roundtrip("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"no_such_method\"}\n");
        tap(is_error(line, -32601, "INVALID_FUNCTION"),
            "unknown method: error -32601 INVALID_FUNCTION");
        json_t *j = line ? json_loads(line, 0, NULL) : NULL;
        const char *id = json_string_value(json_object_get(j, "id"));
        json_t *win32 =
                json_object_get(json_object_get(json_object_get(j, "error"), "data"), "win32");
        tap(id && strcmp(id, "abc") == 0, "unknown method: the reply carries the request's id");
        tap(json_integer_value(win32) == 1, "unknown method: data.win32 is 1");
        json_decref(j);
        free(line);
        check_alive("an unknown method");
}

/* An over-long line (len bytes: garbage, or a well-formed request padded
 * past the limit, which scmd must refuse for its length and not its
 * content), then a newline and a ping.  Written and read at once, so
 * neither side can block the other. */
static void case_long_line(size_t line_len, bool well_formed, const char *label) {
        int64_t deadline = now_ms() + 60000;
        int fd = connect_scmd(deadline);
        if (!tap(fd >= 0, "%s: connect", label))
                return;

        char ping[128];
        int plen = snprintf(ping, sizeof(ping), "\n" PING, 77);
        size_t total = line_len + (size_t)plen;
        char *out = malloc(total);
        memset(out, 'a', line_len);
        if (well_formed) {
                static const char head[] =
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"pad\":\"";
                memcpy(out, head, sizeof(head) - 1);
                memcpy(out + line_len - 3, "\"}}", 3);
        }
        memcpy(out + line_len, ping, (size_t)plen);

        struct reader r;
        reader_init(&r, fd);
        size_t sent = 0;
        bool got_error = false, got_ping = false, closed = false;
        char *first_line = NULL;

        while (!got_ping && !closed && now_ms() < deadline) {
                struct pollfd pfd = {.fd = fd, .events = POLLIN | (sent < total ? POLLOUT : 0)};
                if (poll(&pfd, 1, remaining(deadline)) <= 0)
                        break;
                if (pfd.revents & POLLOUT) {
                        ssize_t n = send(fd, out + sent, total - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
                        if (n > 0)
                                sent += (size_t)n;
                        else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                                diag("send after %zu bytes: %s", sent, strerror(errno));
                                closed = true;
                        }
                }
                if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
                        if (reader_fill(&r) < 0)
                                closed = true;
                        char *line;
                        while ((line = reader_take_line(&r))) {
                                if (reply_is_result(line, 77))
                                        got_ping = true;
                                else if (reply_error(line, NULL) == -32700)
                                        got_error = true;
                                else
                                        diag("unexpected line: %.200s", line);
                                if (!first_line)
                                        first_line = strdup(line);
                                free(line);
                        }
                        if (r.eof)
                                closed = true;
                }
        }
        if (!got_error)
                diag("sent %zu of %zu bytes; first reply: %.200s%s", sent, total,
                     first_line ? first_line : "(none)", closed ? "; connection closed" : "");
        tap(got_error, "%s: error -32700 INVALID_DATA", label);
        tap(got_ping, "%s: the connection answers the ping after the next newline", label);
        free(first_line);
        free(out);
        reader_free(&r);
        close(fd);
        check_alive(label);
}

/* Partial requests followed by shutdown(SHUT_WR): each is a final request,
 * answered (here: not JSON, so -32700) before scmd closes. */
static void case_half_closed(void) {
        enum { N = 64 };
        static const char partial[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"meth";
        int64_t deadline = now_ms() + 60000;
        struct reader r[N];
        int answered = 0, closed_after = 0, opened = 0;

        for (int i = 0; i < N; i++) {
                int fd = connect_scmd(deadline);
                reader_init(&r[i], fd);
                if (fd < 0)
                        continue;
                opened++;
                if (send_all(fd, partial, sizeof(partial) - 1, deadline) == 0)
                        shutdown(fd, SHUT_WR);
        }
        tap(opened == N, "half-closed: %d connections opened", N);
        for (int i = 0; i < N; i++) {
                char *line = NULL;
                if (r[i].fd < 0)
                        continue;
                if (read_line(&r[i], deadline, &line) > 0 && reply_error(line, NULL) == -32700)
                        answered++;
                else if (i == 0)
                        diag("first connection's reply: %.200s", line ? line : "(none)");
                free(line);
                char *extra = NULL;
                if (read_line(&r[i], deadline, &extra) == 0)
                        closed_after++;
                free(extra);
                reader_free(&r[i]);
                close(r[i].fd);
        }
        tap(answered == opened,
            "half-closed partial request: each got an error -32700 reply (%d/%d)", answered,
            opened);
        tap(closed_after == opened, "half-closed: scmd closed each afterwards (%d/%d)",
            closed_after, opened);

        /* A complete request without its newline is still a request. */
        deadline = now_ms() + REPLY_DEADLINE_MS;
        static const char complete[] = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}";
        int fd = connect_scmd(deadline);
        char *line = NULL;
        struct reader one;
        reader_init(&one, fd);
        if (fd >= 0 && send_all(fd, complete, strlen(complete), deadline) == 0 &&
            shutdown(fd, SHUT_WR) == 0)
                read_line(&one, deadline, &line);
        if (!(line && reply_is_result(line, 9)))
                diag("reply: %.200s", line ? line : "(none)");
        tap(line && reply_is_result(line, 9),
            "half-closed complete request without newline: answered");
        free(line);
        reader_free(&one);
        if (fd >= 0)
                close(fd);
        check_alive("half-closed connections");
}

/* Connections that go away in the middle of a request, or right after
 * sending requests whose replies nobody will read. */
static void case_abandoned(void) {
        enum { N = 64 };
        static const char partial[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi";
        int64_t deadline = now_ms() + 60000;
        char pings[64 * 50];
        size_t plen = 0;
        for (int i = 0; i < 50; i++)
                plen += (size_t)snprintf(pings + plen, sizeof(pings) - plen, PING, i);

        for (int i = 0; i < N; i++) {
                int fd = connect_scmd(deadline);
                if (fd < 0)
                        continue;
                if (i % 2 == 0)
                        send_all(fd, partial, strlen(partial), deadline);
                else
                        send_all(fd, pings, plen, deadline);
                /* Unread data on close makes the kernel reset the peer. */
                close(fd);
        }
        check_alive("connections closed mid-request");
}

/* More connections than the limit (1,024): the excess gets one error line
 * and is closed, the rest are served. */
static void case_too_many_connections(void) {
        enum { N = 1100, LIMIT = 1024 };
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < N + 64) {
                rl.rlim_cur = rl.rlim_max < N + 64 ? rl.rlim_max : N + 64;
                setrlimit(RLIMIT_NOFILE, &rl);
                getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur < N + 64) {
                tap_skip("1,100 connections", "RLIMIT_NOFILE too low for 1,100 sockets");
                return;
        }

        int64_t deadline = now_ms() + 60000;
        struct reader *r = calloc(N, sizeof(*r));
        struct pollfd *pfd = calloc(N, sizeof(*pfd));
        enum { OPEN, SERVED, REJECTED, BROKEN } *st = calloc(N, sizeof(*st));
        int opened = 0, served = 0, rejected = 0, broken = 0, pending;
        char ping[128];
        snprintf(ping, sizeof(ping), PING, 55);

        for (int i = 0; i < N; i++) {
                int fd = connect_scmd(deadline);
                reader_init(&r[i], fd);
                if (fd < 0) {
                        if (opened == i)
                                diag("connection %d: %s", i, strerror(-fd));
                        st[i] = BROKEN;
                        continue;
                }
                opened++;
                send(fd, ping, strlen(ping), MSG_NOSIGNAL | MSG_DONTWAIT);
        }
        tap(opened == N, "1,100 connections: all %d opened (%d)", N, opened);

        /* Each connection ends up served (ping answered) or rejected (one
         * error line, then closed). */
        do {
                pending = 0;
                for (int i = 0; i < N; i++) {
                        pfd[i] = (struct pollfd){.fd = st[i] == OPEN ? r[i].fd : -1,
                                                 .events = POLLIN};
                        pending += st[i] == OPEN;
                }
                if (!pending || poll(pfd, N, remaining(deadline)) <= 0)
                        break;
                for (int i = 0; i < N; i++) {
                        if (pfd[i].fd < 0 || !pfd[i].revents)
                                continue;
                        reader_fill(&r[i]);
                        char *line = reader_take_line(&r[i]);
                        if (line && reply_is_result(line, 55)) {
                                st[i] = SERVED;
                        } else if (line) {
                                char *name = NULL;
                                long code = reply_error(line, &name);
                                /* The error line must be followed by EOF. */
                                char *more = NULL;
                                int k = read_line(&r[i], now_ms() + 10000, &more);
                                if (code == 8 && name && strcmp(name, "NOT_ENOUGH_MEMORY") == 0 &&
                                    k == 0) {
                                        st[i] = REJECTED;
                                } else {
                                        if (broken++ < 3)
                                                diag("connection %d: %.200s then %s", i, line,
                                                     k == 0  ? "EOF"
                                                     : k > 0 ? more
                                                             : "no EOF");
                                        st[i] = BROKEN;
                                }
                                free(name);
                                free(more);
                        } else if (r[i].eof) {
                                if (broken++ < 3)
                                        diag("connection %d closed without a line", i);
                                st[i] = BROKEN;
                        }
                        free(line);
                }
        } while (now_ms() < deadline);

        for (int i = 0; i < N; i++) {
                served += st[i] == SERVED;
                rejected += st[i] == REJECTED;
                pending += st[i] == OPEN;
        }
        diag("served %d, rejected %d, broken %d, unanswered %d", served, rejected, broken, pending);
        tap(served + rejected == opened,
            "1,100 connections: every one served or rejected with NOT_ENOUGH_MEMORY");
        tap(rejected >= N - LIMIT, "1,100 connections: at least %d rejected (%d)", N - LIMIT,
            rejected);
        tap(served >= LIMIT - 32 && served <= LIMIT, "1,100 connections: about %d served (%d)",
            LIMIT, served);

        for (int i = 0; i < N; i++) {
                if (r[i].fd >= 0)
                        close(r[i].fd);
                reader_free(&r[i]);
        }
        free(r);
        free(pfd);
        free(st);
        check_alive("1,100 connections");
}

/* A client that sends requests and never reads the replies must cost
 * scmd bounded memory and never stall other clients.  scmd cuts it off
 * after about 8 MB of pings (1 s on an idle machine); the budget, 60 s
 * and 512 MB, is for ASan on a busy machine, where scmd reads slowly. */
static void case_never_reads(void) {
        int64_t start = now_ms(), deadline = start + 60000, next_probe = start;
        int fd = connect_scmd(deadline);
        if (!tap(fd >= 0, "non-reading client: connect"))
                return;

        /* One buffer of many pings, sent again and again. */
        enum { BUF = 65536 };
        char *buf = malloc(BUF);
        size_t len = 0;
        char one[128];
        int olen = snprintf(one, sizeof(one), PING, 1);
        while (len + (size_t)olen <= BUF) {
                memcpy(buf + len, one, (size_t)olen);
                len += (size_t)olen;
        }

        long long total = 0;
        int64_t stalled_since = -1;
        bool closed = false, others_ok = true, stalled = false;
        size_t off = 0;
        int probes = 0;

        while (now_ms() < deadline && total < (512LL << 20)) {
                if (now_ms() >= next_probe) {
                        probes++;
                        if (!ping_works()) {
                                others_ok = false;
                                diag("ping on a fresh connection failed after %lld bytes sent",
                                     total);
                                break;
                        }
                        next_probe = now_ms() + 500;
                }
                ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n > 0) {
                        total += n;
                        off = (off + (size_t)n) % len;
                        stalled_since = -1;
                        continue;
                }
                if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
                        closed = true;
                        break;
                }
                if (stalled_since < 0)
                        stalled_since = now_ms();
                else if (now_ms() - stalled_since > 5000) {
                        stalled = true;
                        break;
                }
                struct pollfd pfd = {.fd = fd, .events = POLLOUT};
                poll(&pfd, 1, 100);
                if (pfd.revents & (POLLHUP | POLLERR)) {
                        closed = true;
                        break;
                }
        }
        diag("sent %lld bytes of pings in %lld ms; %s", total, (long long)(now_ms() - start),
             closed    ? "scmd closed the connection"
             : stalled ? "scmd stopped reading (no close within 5 s)"
                       : "neither closed nor throttled before the test's budget");
        tap(others_ok && probes > 0,
            "non-reading client: other clients are answered meanwhile (%d probes)", probes);
        tap(closed || stalled,
            "non-reading client: scmd bounds it (closes it, or stops reading from it)");
        free(buf);
        close(fd);
        check_alive("a client that never reads");
}

/* "wire_abuse SOCKET hold N": opens N connections, each answered one
 * ping, and holds them until its standard input ends.  It prints "held N"
 * once all are open, or the first refusal's line ("refused K: LINE", K
 * the connections it held before) and exits 1.  For test_acl.sh, which
 * runs it as a user who is not an admin to fill that user's share. */
static int hold(int n) {
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)n + 16 && rl.rlim_max >= (rlim_t)n + 16) {
                rl.rlim_cur = (rlim_t)n + 16;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
        for (int i = 0; i < n; i++) {
                int64_t deadline = now_ms() + 4 * REPLY_DEADLINE_MS;
                int fd = connect_scmd(deadline);
                char request[128], *line = NULL;
                snprintf(request, sizeof(request), PING, i + 1);
                struct reader r;
                reader_init(&r, fd);
                if (fd < 0 || send_all(fd, request, strlen(request), deadline) < 0 ||
                    read_line(&r, deadline, &line) <= 0 || !reply_is_result(line, i + 1)) {
                        printf("refused %d: %s\n", i, line ? line : "(no reply)");
                        fflush(stdout);
                        return 1;
                }
                free(line);
                reader_free(&r); /* keeps fd open: the point is to hold it */
        }
        printf("held %d\n", n);
        fflush(stdout);
        char c;
        while (read(STDIN_FILENO, &c, 1) > 0)
                ;
        return 0;
}

/* "wire_abuse SOCKET flood N": fairness under a flood.  N connections send
 * pings back to back without pause (each keeps its socket full, and reads
 * and drops its replies); once they have flooded for a moment, one more
 * connection sends one ping.  It prints "answered" when that ping's reply
 * came within FLOOD_ANSWER_MS while the flood went on, else "unanswered"
 * (then exits 1).  A loop that drains each connection before the next
 * makes the lone client wait for every flooder's whole buffer, and it
 * misses the deadline; one request per connection per turn does not. */
#define FLOOD_WARMUP_MS 500
#define FLOOD_ANSWER_MS 2000
#define FLOOD_ID 424242

/* Writes as much of the endless stream of pings as the socket takes. */
static void flood_feed(int fd, const char *pings, size_t len) {
        while (send(fd, pings, len, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
                ;
}

/* What flood() allocates, freed by flood_free() whichever way it ends. */
static struct {
        char *pings;
        struct pollfd *pfd;
        struct reader lone;
} F = {.lone = {.fd = -1}};

static void flood_free(void) {
        free(F.pings);
        free(F.pfd);
        reader_free(&F.lone);
}

static int flood(int n) {
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)n + 64 && rl.rlim_max >= (rlim_t)n + 64) {
                rl.rlim_cur = (rlim_t)n + 64;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
        size_t one = strlen(PING) - 1, len = 0; /* "%d" becomes "1" */
        char *pings = F.pings = malloc(one * 400 + 1);
        struct pollfd *pfd = F.pfd = calloc((size_t)n + 1, sizeof(*pfd));
        if (!pings || !pfd)
                return 1;
        while (len < one * 399)
                len += (size_t)sprintf(pings + len, PING, 1);
        for (int i = 0; i < n; i++) {
                pfd[i].fd = connect_scmd(now_ms() + REPLY_DEADLINE_MS);
                if (pfd[i].fd < 0) {
                        printf("unanswered: connection %d refused: %s\n", i, strerror(-pfd[i].fd));
                        return 1;
                }
                pfd[i].events = POLLIN | POLLOUT;
                flood_feed(pfd[i].fd, pings, len);
        }
        /* WIRE_FLOOD_ANSWER_MS: another deadline, to see how long an
         * unfair loop makes the client wait. */
        const char *env = getenv("WIRE_FLOOD_ANSWER_MS");
        int answer_ms = env ? atoi(env) : FLOOD_ANSWER_MS;
        char drop[65536], request[128];
        struct reader *lone = &F.lone;
        int64_t start = now_ms(), asked = 0;
        for (;;) {
                int64_t now = now_ms();
                if (!asked && now - start >= FLOOD_WARMUP_MS) {
                        int fd = connect_scmd(now + answer_ms);
                        snprintf(request, sizeof(request), PING, FLOOD_ID);
                        if (fd < 0 || send_all(fd, request, strlen(request), now + answer_ms) < 0) {
                                printf("unanswered: the lone client could not connect or send\n");
                                return 1;
                        }
                        reader_init(lone, fd);
                        pfd[n] = (struct pollfd){.fd = fd, .events = POLLIN};
                        asked = now;
                }
                if (asked && now - asked > answer_ms) {
                        printf("unanswered: no reply within %d ms while %d clients flooded\n",
                               answer_ms, n);
                        return 1;
                }
                if (poll(pfd, (nfds_t)n + (asked ? 1 : 0), 50) < 0 && errno != EINTR)
                        return 1;
                for (int i = 0; i < n; i++) {
                        if (pfd[i].revents & POLLIN)
                                while (recv(pfd[i].fd, drop, sizeof(drop), MSG_DONTWAIT) > 0)
                                        ;
                        if (pfd[i].revents & POLLOUT)
                                flood_feed(pfd[i].fd, pings, len);
                        if (pfd[i].revents & (POLLERR | POLLHUP)) {
                                printf("unanswered: scmd closed flooding connection %d\n", i);
                                return 1;
                        }
                }
                if (asked && (pfd[n].revents & POLLIN)) {
                        char *line = NULL;
                        if (read_line(lone, now_ms() + 10, &line) > 0 &&
                            reply_is_result(line, FLOOD_ID)) {
                                printf("answered in %lld ms while %d clients flooded\n",
                                       (long long)(now_ms() - asked), n);
                                free(line);
                                return 0;
                        }
                        free(line);
                }
        }
}

int main(int argc, char **argv) {
        if (argc == 4 && strcmp(argv[2], "hold") == 0) {
                socket_path = argv[1];
                signal(SIGPIPE, SIG_IGN);
                return hold(atoi(argv[3]));
        }
        if (argc == 4 && strcmp(argv[2], "flood") == 0) {
                socket_path = argv[1];
                signal(SIGPIPE, SIG_IGN);
                int r = flood(atoi(argv[3]));
                flood_free();
                return r;
        }
        if (argc != 2) {
                fprintf(stderr, "usage: wire_abuse SOCKET [hold N | flood N]\n");
                return 2;
        }
        socket_path = argv[1];
        signal(SIGPIPE, SIG_IGN);

        if (!tap(ping_works_within(10000), "scmd answers ping on %s", socket_path)) {
                tap_bail_out("scmd is not answering");
                return 1;
        }
        case_garbage();
        case_invalid_json();
        case_not_a_request();
        case_unknown_method();
        case_long_line(1 << 20, false, "1 MiB line");
        case_long_line(SCM_REQUEST_MAX_BYTES + 4096, true, "a well-formed request over 64 KiB");
        case_half_closed();
        case_abandoned();
        case_too_many_connections();
        case_never_reads();

        return tap_finish();
}
