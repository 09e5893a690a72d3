/* SPDX-License-Identifier: MIT */
/*
 * The client socket: accepting connections, framing lines, enforcing the
 * limits of docs/protocol.md at the door, and writing replies without ever
 * blocking on a client.
 *
 * Each connection has an input buffer (at most one request line plus what
 * follows it in the same read) and an output queue of replies and events.
 * A line longer than SCM_REQUEST_MAX_BYTES gets a parse error and is
 * skipped up to its newline.  A connection whose peer shut down its
 * writing side is kept until its last deferred reply (a start waiting for
 * exec) has been written.
 *
 * A client that does not read is cut off, one way for both kinds of
 * output: when its unread output would pass OUTPUT_MAX, or its unread
 * events EVENTS_MAX (smaller: events come whether asked or not), scmd
 * stops reading it, drops what it has not sent (finishing the line under
 * way), and queues one last error line saying why; the connection closes
 * once that line is out, or when the client closes.  Memory held for it
 * falls to that line at once; until the client reads, it costs what an
 * idle connection costs.
 *
 * Fairness: a connection is served at most one request per turn of the
 * loop.  The rest of what it sent stays in its buffer (its "backlog"),
 * and scmd stops reading its socket until that is used up, so the kernel
 * holds the client back; a timer due at once gives each backlogged
 * connection its next request in the following turn.  A request waits
 * for at most one request of every other connection, however much they
 * send.
 *
 * Connections have a 64-bit id that is never reused, so a deferred reply
 * for a connection that has gone is simply dropped.
 *
 * The socket is open to every local user, so connections are shared out
 * by who holds them: a user who is not an admin holds at most
 * CONNECTIONS_PER_USER_MAX at once, and non-admins together at most
 * CONNECTIONS_MAX - CONNECTIONS_ADMIN_RESERVE, so that no user can take
 * every slot (and with each its output allowance) and lock root out.  A
 * connection is identified before it is counted for that reason.
 *
 * Why one file of over 600 lines: a connection's life (accepted, read and
 * framed within its bounds, answered now or later, cut off when it lags,
 * closed once its output is out) is one state machine over one private
 * struct conn; the methods, the access check and the events are in files
 * of their own.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>

#include "acl.h"
#include "cleanup.h"
#include "counters.h"
#include "events.h"
#include "json_writer.h"
#include "fdio.h"
#include "jsonrpc.h"
#include "lock.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"

#define CONNECTIONS_MAX 1024
#define CONNECTIONS_ADMIN_RESERVE 64 /* of CONNECTIONS_MAX, for admins alone */
#define CONNECTIONS_PER_USER_MAX 64  /* a user who is not an admin */
#define OUTPUT_MAX (16u * 1024 * 1024)
#define EVENTS_MAX (4u * 1024 * 1024)
#define READ_CHUNK 16384
#define REQUESTS_PER_TURN 1 /* of one connection, in one turn of the loop */

struct conn {
        struct server *server;
        uint64_t id;
        int fd;
        struct loop_io io;
        uint32_t watching; /* the events the loop watches for now */
        struct ucred peer;
        struct acl_caller caller; /* who the peer is to access lists */
        char *in;
        size_t in_len, in_cap;
        bool skipping;    /* inside an oversized line: drop up to the newline */
        bool read_closed; /* the peer will send nothing more */
        bool cut_off;     /* does not read: its last line queued, to be closed */
        char *out;
        size_t out_len, out_cap, out_off;
        /* Unread event bytes, counted down by every byte written: never
         * more than the truth, exact for a client that reads nothing. */
        size_t out_events;
        bool out_mid_line; /* the last write ended inside a line */
        unsigned deferred; /* replies owed */
        bool backlog;      /* a whole request waits in `in` for its turn */
        struct conn *prev, *next;
        struct conn_handles *handles; /* rpc_config.c */
        struct conn_events *events;   /* events.c */
        json_t *batch;                /* rpc_batch.c: calls sent ahead of the run */
};

struct server {
        struct manager *manager;
        char *path;
        int fd;
        struct loop_io io;
        struct conn *conns;
        unsigned count;
        uint64_t next_id;
        bool keep_path; /* daemon_reexec: the socket lives on in the holder */
        /* A descriptor held in reserve (/dev/null): when accept() fails
         * for lack of descriptors, it is given up to accept and close the
         * waiting client, so the readable listener cannot spin the loop.
         * refused counts those clients; one line reports them. */
        int reserve_fd;
        uint64_t refused;
        struct loop_timer backlog_timer; /* due now while a connection has a backlog */
        struct json_writer reply;        /* handle_fast()'s, its buffer kept */
};

static void conn_free(struct conn *c) {
        struct server *srv = c->server;
        loop_io_remove(srv->manager->loop, &c->io);
        close(c->fd);
        conn_handles_release(srv->manager, c);
        rpc_batch_conn_closed(c);
        events_conn_closed(srv->manager, c);
        lock_conn_closed(srv->manager, c->id);
        if (c->prev)
                c->prev->next = c->next;
        else
                srv->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        srv->count--;
        free(c->caller.groups);
        free(c->in);
        free(c->out);
        free(c);
}

static struct conn *conn_find(struct server *srv, uint64_t id) {
        for (struct conn *c = srv->conns; c; c = c->next)
                if (c->id == id)
                        return c;
        return NULL;
}

static void conn_update_events(struct conn *c) {
        uint32_t ev = 0;
        /* Bounded reads: nothing more from a client with a backlog. */
        if (!c->read_closed && !c->cut_off && !c->backlog)
                ev |= EPOLLIN;
        if (c->out_len > c->out_off)
                ev |= EPOLLOUT;
        /* One system call less per request when nothing changed. */
        if (ev != c->watching && loop_io_modify(c->server->manager->loop, &c->io, ev) == 0)
                c->watching = ev;
}

/* Writes what the socket takes now; false on an error of the socket. */
static bool conn_write(struct conn *c) {
        while (c->out_off < c->out_len) {
                ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                break;
                        return false;
                }
                c->out_off += (size_t)n;
                c->out_events -= (size_t)n < c->out_events ? (size_t)n : c->out_events;
                c->out_mid_line = c->out[c->out_off - 1] != '\n';
        }
        if (c->out_off == c->out_len)
                c->out_off = c->out_len = 0;
        return true;
}

/* Writes what the socket takes now.  Returns false when the connection
 * is finished with (error, or nothing more will come or go). */
static bool conn_flush(struct conn *c) {
        if (!conn_write(c))
                return false;
        /* A subscription is a standing request: it keeps a half-closed
         * connection open, as a deferred reply does. */
        if (c->out_len == 0 && (c->cut_off || (c->read_closed && c->deferred == 0 && !c->events)))
                return false;
        conn_update_events(c);
        return true;
}

/* Makes room for len more bytes of output; false when out of memory. */
static bool out_reserve(struct conn *c, size_t len) {
        if (c->out_len + len <= c->out_cap)
                return true;
        if (c->out_off > 0) {
                memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
                c->out_len -= c->out_off;
                c->out_off = 0;
        }
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + len)
                cap *= 2;
        char *out = realloc(c->out, cap);
        if (!out)
                return false;
        c->out = out;
        c->out_cap = cap;
        return true;
}

void conn_cut_off(struct conn *c, int win32, const char *message) {
        api_counters.cut_off++;
        api_counters.lagging += win32 == SCM_ERROR_SERVICE_NOTIFY_CLIENT_LAGGING;
        if (c->cut_off)
                return;
        log_warning("client pid %d: %s; disconnecting it", (int)c->peer.pid, message);
        c->cut_off = true;
        /* Its writes fail from now on (EPIPE): it learns at once that
         * nothing more is read, and still reads what is sent. */
        shutdown(c->fd, SHUT_RD);
        c->out_events = 0;

        /* Keep the rest of a line already begun, so that the client can
         * still split what it gets into lines; drop everything after it,
         * and give its memory back. */
        size_t rest = 0;
        if (c->out_mid_line && c->out_off < c->out_len) {
                char *nl = memchr(c->out + c->out_off, '\n', c->out_len - c->out_off);
                rest = nl ? (size_t)(nl - (c->out + c->out_off)) + 1 : c->out_len - c->out_off;
        }
        size_t len = 0;
        json_t *msg = jsonrpc_error(NULL, win32, win32, message);
        _cleanup_free_ char *line = msg ? jsonrpc_line(msg, &len) : NULL;
        json_decref(msg);
        char *out = malloc(rest + len);
        if (out) {
                memcpy(out, c->out + c->out_off, rest);
                if (line)
                        memcpy(out + rest, line, len);
                free(c->out);
                c->out = out;
                c->out_off = 0;
                c->out_len = c->out_cap = rest + (line ? len : 0);
        } else {
                c->out_len = c->out_off + rest; /* at least nothing more */
        }
        conn_update_events(c);
}

/* Queues one reply's line (len bytes with its newline). */
static void conn_queue_line(struct conn *c, const char *line, size_t len) {
        if (c->cut_off)
                return;
        if (c->out_len - c->out_off + len > OUTPUT_MAX) {
                conn_cut_off(c, SCM_ERROR_NOT_ENOUGH_MEMORY,
                             "the client does not read its replies (16 MiB unread)");
                return;
        }
        if (out_reserve(c, len)) {
                memcpy(c->out + c->out_len, line, len);
                c->out_len += len;
        }
}

/* Queues one reply. */
static void conn_queue(struct conn *c, json_t *msg) {
        size_t len;
        _cleanup_free_ char *line = msg && !c->cut_off ? jsonrpc_line(msg, &len) : NULL;
        json_decref(msg);
        if (line) /* else cut off; or out of memory: the reply is lost, not the daemon */
                conn_queue_line(c, line, len);
}

/* Sends parts straight from the caller's buffers, with nothing else
 * queued before them: the fan-out's common case, no copy.  Returns how
 * many bytes the socket took, 0 when it took none (full, or an error the
 * loop sees: EPOLLERR, EPOLLHUP). */
static size_t conn_send_direct(struct conn *c, const struct iovec *parts, size_t n_parts) {
        struct msghdr msg = {.msg_iov = (struct iovec *)parts, .msg_iovlen = n_parts};
        ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        return n > 0 ? (size_t)n : 0;
}

void conn_send_event(struct conn *c, const struct iovec *parts, size_t n_parts, bool counted) {
        if (c->cut_off)
                return;
        size_t len = 0, pending = c->out_len - c->out_off;
        for (size_t i = 0; i < n_parts; i++)
                len += parts[i].iov_len;
        if (pending + len > OUTPUT_MAX || (counted && c->out_events + len > EVENTS_MAX)) {
                conn_cut_off(c, SCM_ERROR_SERVICE_NOTIFY_CLIENT_LAGGING,
                             "the client does not read its events (over 4 MiB of events, or "
                             "16 MiB in all, unread)");
                return;
        }
        /* With output already waiting, EPOLLOUT is set and the loop writes
         * it in turn, after what waits.  Otherwise write now; an error is
         * the loop's to see (EPOLLERR, EPOLLHUP): the caller may be walking
         * connections. */
        size_t sent = pending == 0 ? conn_send_direct(c, parts, n_parts) : 0;
        if (sent == len)
                return;
        if (!out_reserve(c, len - sent)) {
                conn_cut_off(c, SCM_ERROR_NOT_ENOUGH_MEMORY,
                             "scmd ran out of memory for the client's events");
                return;
        }
        /* The rest, past what the socket took, as if written from here. */
        c->out_len += iov_copy_tail(c->out + c->out_len, parts, n_parts, sent);
        if (sent > 0)
                c->out_mid_line = true; /* the line goes on in c->out */
        if (counted)
                c->out_events += len - sent;
        if (pending == 0)
                conn_update_events(c);
}

static void send_error(struct conn *c, json_t *id, int code, int win32, const char *message) {
        conn_queue(c, jsonrpc_error(id, code, win32, message));
}

/* ---- requests ---- */

static void send_too_long(struct conn *c) {
        send_error(c, NULL, JSONRPC_PARSE_ERROR, SCM_ERROR_INVALID_DATA,
                   "the request line is longer than 65536 bytes; it was skipped");
}

/* The fast path of a request naming one service (query_status): read in
 * place, its reply written as text into the server's one writer, no tree
 * of values either way.  False, having sent nothing, for every request it
 * does not take and every one that would fail: handle_line() reads those
 * again and answers them. */
static bool handle_fast(struct conn *c, const char *line, size_t len) {
        struct jsonrpc_named_call req;
        if (jsonrpc_read_named_call(line, len, &req) < 0)
                return false;
        const struct rpc_method *method = rpc_find_method(req.method);
        if (!method || !method->fast)
                return false;
        struct rpc_call call = {.manager = c->server->manager, .conn = c, .conn_id = c->id};
        struct json_writer *w = &c->server->reply;
        json_writer_reset(w);
        jsonrpc_write_result_head(w, req.id);
        if (!rpc_dispatch_fast(method, &call, req.name, w))
                return false;
        jsonrpc_write_tail(w);
        if (w->failed)
                return false;
        conn_queue_line(c, w->buf, w->len);
        return true;
}

static void handle_line(struct conn *c, const char *line, size_t len) {
        if (handle_fast(c, line, len))
                return;
        struct jsonrpc_request req;
        const char *reason;
        int code = jsonrpc_parse(line, len, &req, &reason);
        if (code != 0) {
                send_error(c, req.id, code, SCM_ERROR_INVALID_DATA, reason);
                jsonrpc_request_clear(&req);
                return;
        }
        const struct rpc_method *method = rpc_find_method(req.method);
        if (!method) {
                _cleanup_free_ char *msg = NULL;
                if (asprintf(&msg, "scmd has no method '%.64s' (see docs/protocol.md)",
                             req.method) < 0)
                        msg = NULL;
                send_error(c, req.id, JSONRPC_METHOD_NOT_FOUND, SCM_ERROR_INVALID_FUNCTION, msg);
                jsonrpc_request_clear(&req);
                return;
        }

        /* A handler that writes its result as text writes it after this. */
        struct json_writer *w = &c->server->reply;
        json_writer_reset(w);
        jsonrpc_write_result_head_for(w, req.id);
        struct rpc_call call = {
                .manager = c->server->manager,
                .conn = c,
                .conn_id = c->id,
                .id = req.id,
                .params = req.params,
                .text = w,
        };
        json_t *result = NULL;
        int r = rpc_dispatch(method, &call, &result);
        if (r == RPC_DEFERRED) {
                c->deferred++;
        } else if (r == RPC_TEXT) {
                jsonrpc_write_tail(w);
                if (w->failed)
                        send_error(c, req.id, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                   SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
                else
                        conn_queue_line(c, w->buf, w->len);
        } else if (r >= 0) {
                conn_queue(c, jsonrpc_result(req.id, result));
        } else {
                int win32 = scm_error_win32(r);
                if (!win32)
                        win32 = scm_error_from_errno(-r);
                int wire = call.jsonrpc_code ? call.jsonrpc_code : win32;
                send_error(c, req.id, wire, win32, call.error);
        }
        json_writer_shrink(w); /* an enumerate of 10,000 services: many MiB */
        free(call.error);
        jsonrpc_request_clear(&req);
}

static void on_backlog(struct loop_timer *t);

/* Handles the first complete line in the input buffer (one request per
 * turn); a further complete line is left there as the connection's
 * backlog, for the next turn. */
static void handle_input(struct conn *c) {
        size_t start = 0;
        unsigned handled = 0;
        c->backlog = false;
        while (!c->cut_off) {
                char *nl = memchr(c->in + start, '\n', c->in_len - start);
                if (!nl)
                        break;
                if (handled == REQUESTS_PER_TURN) {
                        c->backlog = true;
                        break;
                }
                size_t len = (size_t)(nl - (c->in + start));
                if (c->skipping)
                        c->skipping = false; /* the end of an oversized line */
                else if (len > SCM_REQUEST_MAX_BYTES)
                        send_too_long(c); /* it arrived whole, in one read */
                else if (len > 0) {
                        handle_line(c, c->in + start, len);
                        handled++;
                }
                start += len + 1;
        }
        if (c->backlog && !c->cut_off) {
                struct server *srv = c->server;
                if (!loop_timer_armed(&srv->backlog_timer))
                        loop_timer_arm(srv->manager->loop, &srv->backlog_timer, now_usec(),
                                       on_backlog);
        } else {
                c->backlog = false;
        }
        memmove(c->in, c->in + start, c->in_len - start);
        c->in_len -= start;

        /* Past the limit with no newline: an oversized line (whole lines
         * of a backlog are not one). */
        if (!c->backlog && c->in_len > SCM_REQUEST_MAX_BYTES) {
                if (!c->skipping)
                        send_too_long(c);
                c->skipping = true;
                c->in_len = 0;
        }
}

static bool conn_read(struct conn *c) {
        if (c->in_cap - c->in_len < READ_CHUNK) {
                size_t cap = c->in_len + READ_CHUNK * 2;
                char *in = realloc(c->in, cap);
                if (!in)
                        return false;
                c->in = in;
                c->in_cap = cap;
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR;
        if (n == 0) {
                /* A last line without its newline still counts as a request. */
                c->read_closed = true;
                if (c->in_len > 0 && !c->skipping)
                        handle_line(c, c->in, c->in_len);
                c->in_len = 0;
                return true;
        }
        c->in_len += (size_t)n;
        handle_input(c);
        return true;
}

/* Frees a connection whose client has gone; what it sent before it went
 * and scmd had read is still done, backlog and all (nobody reads the
 * replies), as when every request of a read was handled at once. */
static void conn_drop(struct conn *c) {
        while (c->backlog && !c->cut_off)
                handle_input(c);
        conn_free(c);
}

/* A turn for every connection with a backlog: its next request each. */
static void on_backlog(struct loop_timer *t) {
        struct server *srv = container_of(t, struct server, backlog_timer);
        struct conn *next;
        for (struct conn *c = srv->conns; c; c = next) {
                next = c->next;
                if (!c->backlog)
                        continue;
                handle_input(c);
                if (!conn_flush(c))
                        conn_drop(c);
        }
}

static void on_conn(struct loop_io *io, uint32_t events) {
        struct conn *c = container_of(io, struct conn, io);
        bool ok = true;
        if ((events & EPOLLIN) && !c->read_closed && !c->cut_off)
                ok = conn_read(c);
        /* Gone both ways: nobody is left to read a reply. */
        if (events & (EPOLLERR | EPOLLHUP))
                ok = false;
        if (ok)
                ok = conn_flush(c);
        if (!ok)
                conn_drop(c);
}

/* The peer's supplementary groups: SO_PEERGROUPS (Linux 4.13), else those
 * of its uid's user, else none.  malloc'd into *ret; 0 or -errno. */
static int peer_groups(int fd, uid_t uid, gid_t gid, gid_t **ret, size_t *ret_n) {
        socklen_t len = 64 * sizeof(gid_t);
        for (int tries = 0; tries < 3; tries++) {
                gid_t *groups = malloc(len ? len : sizeof(gid_t));
                if (!groups)
                        return -ENOMEM;
                socklen_t got = len;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &got) == 0) {
                        *ret = groups;
                        *ret_n = got / sizeof(gid_t);
                        return 0;
                }
                free(groups);
                if (errno != ERANGE)
                        break;
                len = got; /* the kernel said how much it needs */
        }
        struct passwd *pw = getpwuid(uid);
        if (!pw)
                return -ENOENT;
        int n = 64;
        for (int tries = 0; tries < 3; tries++) {
                gid_t *groups = malloc((size_t)n * sizeof(gid_t));
                if (!groups)
                        return -ENOMEM;
                int want = n;
                if (getgrouplist(pw->pw_name, gid, groups, &want) >= 0) {
                        *ret = groups;
                        *ret_n = (size_t)want;
                        return 0;
                }
                free(groups);
                n = want > n ? want : n * 2;
        }
        return -E2BIG;
}

/* Reads who the peer is, once: access lists check every request of it
 * against this (rpc_acl.c). */
static void conn_identify(struct conn *c) {
        socklen_t len = sizeof(c->peer);
        if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &c->peer, &len) < 0)
                c->peer = (struct ucred){.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
        c->caller.uid = c->peer.uid;
        c->caller.gid = c->peer.gid;
        if (peer_groups(c->fd, c->peer.uid, c->peer.gid, &c->caller.groups, &c->caller.n_groups) <
            0) {
                c->caller.groups = NULL;
                c->caller.n_groups = 0;
        }
        c->caller.admin = acl_caller_is_admin(c->caller.uid, c->caller.gid, c->caller.groups,
                                              c->caller.n_groups);
}

/* Sends a refused connection its one error line (best effort: the
 * socket is new, so the line fits in its buffer). */
static void refuse(int fd, const char *message) {
        json_t *msg = jsonrpc_error(NULL, SCM_ERROR_NOT_ENOUGH_MEMORY, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                    message);
        size_t len = 0;
        _cleanup_free_ char *line = msg ? jsonrpc_line(msg, &len) : NULL;
        json_decref(msg);
        if (line)
                (void)!send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static unsigned connections_of(const struct server *srv, uid_t uid) {
        unsigned n = 0;
        for (const struct conn *c = srv->conns; c; c = c->next)
                n += c->caller.uid == uid;
        return n;
}

/* Whether c, identified, may have a slot; else it has been told why. */
static bool admit(struct server *srv, const struct conn *c) {
        char message[256];
        if (srv->count >= CONNECTIONS_MAX ||
            (!c->caller.admin && srv->count >= CONNECTIONS_MAX - CONNECTIONS_ADMIN_RESERVE)) {
                snprintf(message, sizeof(message),
                         "scmd has too many connections (%d); try again later", CONNECTIONS_MAX);
                refuse(c->fd, message);
                return false;
        }
        if (!c->caller.admin && connections_of(srv, c->caller.uid) >= CONNECTIONS_PER_USER_MAX) {
                snprintf(message, sizeof(message),
                         "uid %u already holds %d connections to scmd, the most a user who is "
                         "not an administrator may hold; close some and try again",
                         (unsigned)c->caller.uid, CONNECTIONS_PER_USER_MAX);
                refuse(c->fd, message);
                return false;
        }
        return true;
}

/* Out of descriptors: give up the reserve to accept the waiting client
 * and close it at once (it sees its connection end and may retry), then
 * take the reserve back. Logged once per shortage, with a count at its end. */
static void refuse_for_lack_of_fds(struct server *srv, int err) {
        if (srv->refused++ == 0)
                log_warning("cannot accept a client: %s; refusing clients until descriptors free",
                            strerror(err));
        if (srv->reserve_fd >= 0) {
                close(srv->reserve_fd);
                srv->reserve_fd = -1;
        }
        int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0)
                close(fd);
        srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void on_listen(struct loop_io *io, uint32_t events) {
        struct server *srv = container_of(io, struct server, io);
        (void)events;
        for (int i = 0; i < 64; i++) {
                int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0) {
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                            errno == ENOMEM) {
                                refuse_for_lack_of_fds(srv, errno);
                                continue;
                        }
                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                log_warning("cannot accept a client: %m");
                        return;
                }
                if (srv->refused) {
                        log_info("descriptors free again: %llu client(s) were refused",
                                 (unsigned long long)srv->refused);
                        srv->refused = 0;
                }
                struct conn *c = calloc(1, sizeof(*c));
                if (!c) {
                        close(fd);
                        continue;
                }
                c->server = srv;
                c->fd = fd;
                conn_identify(c);
                if (!admit(srv, c)) {
                        free(c->caller.groups);
                        free(c);
                        close(fd);
                        continue;
                }
                c->id = ++srv->next_id;
                c->watching = EPOLLIN;
                if (loop_io_add(srv->manager->loop, &c->io, fd, c->watching, on_conn) < 0) {
                        close(fd);
                        free(c->caller.groups);
                        free(c);
                        continue;
                }
                c->next = srv->conns;
                if (c->next)
                        c->next->prev = c;
                srv->conns = c;
                srv->count++;
                api_counters.accepted++;
        }
}

/* ---- deferred replies ---- */

static void deliver(struct server *srv, uint64_t conn_id, json_t *msg) {
        struct conn *c = conn_find(srv, conn_id);
        if (!c) {
                json_decref(msg);
                return;
        }
        if (c->deferred > 0)
                c->deferred--;
        conn_queue(c, msg);
        if (!conn_flush(c))
                conn_free(c);
}

void server_reply(struct server *srv, uint64_t conn_id, json_t *id, json_t *result) {
        deliver(srv, conn_id, jsonrpc_result(id, result));
}

void server_reply_error(struct server *srv, uint64_t conn_id, json_t *id, int code, int win32,
                        const char *message) {
        deliver(srv, conn_id, jsonrpc_error(id, code, win32, message));
}

/* ---- lifecycle ---- */

int server_new(struct manager *m, const char *path, struct server **ret) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(addr.sun_path)) {
                log_error("socket path %s is too long for AF_UNIX", path);
                return -ENAMETOOLONG;
        }
        strcpy(addr.sun_path, path);

        struct server *srv = calloc(1, sizeof(*srv));
        if (!srv)
                return -ENOMEM;
        srv->manager = m;
        srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (srv->fd < 0)
                goto fail;
        /* The instance lock (main.c) guarantees a socket here is stale. */
        unlink(path);
        /* Every request is checked against access lists (rpc_acl.c), so
         * root's scmd lets every local user connect: its socket is 0666.
         * Any other scmd is one user's own (user mode) and keeps its
         * socket 0600: other users have no business there. */
        mode_t old = umask(geteuid() == 0 ? 0111 : 0177);
        int r = bind(srv->fd, (struct sockaddr *)&addr, sizeof(addr));
        umask(old);
        if (r < 0 || listen(srv->fd, 128) < 0)
                goto fail;
        if (loop_io_add(m->loop, &srv->io, srv->fd, EPOLLIN, on_listen) < 0)
                goto fail;
        srv->path = strdup(path);
        *ret = srv;
        return 0;
fail:
        r = -errno;
        log_error("cannot listen on %s: %m", path);
        if (srv->fd >= 0)
                close(srv->fd);
        if (srv->reserve_fd >= 0)
                close(srv->reserve_fd);
        free(srv);
        return r;
}

int server_adopt(struct manager *m, const char *path, int fd, struct server **ret) {
        struct server *srv = calloc(1, sizeof(*srv));
        if (!srv || !(srv->path = strdup(path))) {
                free(srv);
                close(fd);
                return -ENOMEM;
        }
        srv->manager = m;
        srv->fd = fd;
        srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC); /* as server_new() */
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        int r = loop_io_add(m->loop, &srv->io, srv->fd, EPOLLIN, on_listen);
        if (r < 0) {
                close(fd);
                if (srv->reserve_fd >= 0)
                        close(srv->reserve_fd);
                free(srv->path);
                free(srv);
                return r;
        }
        *ret = srv;
        return 0;
}

int server_fd(const struct server *srv) {
        return srv ? srv->fd : -1;
}

void server_say_reexec(struct server *srv) {
        static const char line[] = "{\"jsonrpc\":\"2.0\",\"method\":\"daemon_reexec\","
                                   "\"params\":{\"resubscribe\":true}}\n";
        struct iovec part = {.iov_base = (void *)line, .iov_len = sizeof(line) - 1};
        char drain[4096];
        if (srv)
                srv->keep_path = true;
        for (struct conn *c = srv ? srv->conns : NULL; c; c = c->next) {
                conn_send_event(c, &part, 1, false);
                /* What it sent and we did not read is dropped here (the
                 * client sends it again): closed with unread input, the
                 * connection would be reset and the notification lost. */
                while (recv(c->fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
                        ;
        }
}

void server_free(struct server *srv) {
        if (!srv)
                return;
        while (srv->conns) {
                conn_flush(srv->conns);
                conn_free(srv->conns);
        }
        loop_timer_disarm(srv->manager->loop, &srv->backlog_timer);
        json_writer_free(&srv->reply);
        loop_io_remove(srv->manager->loop, &srv->io);
        close(srv->fd);
        if (srv->reserve_fd >= 0)
                close(srv->reserve_fd);
        /* Gone with us: a client now waits for the next scmd instead of
         * connecting to a dead socket. */
        if (srv->path && !srv->keep_path)
                unlink(srv->path);
        free(srv->path);
        free(srv);
}

const struct ucred *conn_peer(const struct conn *c) {
        return &c->peer;
}

const struct acl_caller *conn_caller(const struct conn *c) {
        return &c->caller;
}

struct conn_handles **conn_handles_slot(struct conn *c) {
        return &c->handles;
}

struct conn_events **conn_events_slot(struct conn *c) {
        return &c->events;
}

json_t **conn_batch_slot(struct conn *c) {
        return &c->batch;
}

unsigned server_connections(const struct server *srv) {
        return srv ? srv->count : 0;
}
