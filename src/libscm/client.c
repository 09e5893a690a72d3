/* SPDX-License-Identifier: MIT */
/*
 * One connection to scmd: connecting with a deadline, and one JSON-RPC call
 * at a time over it (docs/protocol.md, "Transport").
 *
 * The socket is non-blocking and every wait is a poll() bounded by the
 * call's deadline, so no call can hang past it.  Received bytes collect in
 * one buffer that grows to the longest line seen (an enumerate of 10,000
 * services is several MiB) and no further than SCM_REPLY_MAX_BYTES; each
 * call reads lines until the one carrying its id.  Lines without an id
 * (notifications) are queued for <scm/notify.h> (notify.c), never dropped;
 * lines with another id (the late reply to a call that timed out) are
 * skipped: ids only grow, so a stale reply never matches.
 *
 * Invariants: buf[0..len) holds received bytes not yet consumed, and
 * buf[0..scanned) holds no newline.  Once the byte stream can no longer be
 * split into lines (EOF, an I/O error, a line over the cap) the client is
 * broken and every later call fails with -ENOTCONN.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <scm/client.h>
#include <scm/raw.h>

#include "cleanup.h"
#include "client-internal.h"
#include "jsonrpc.h"
#include "paths.h"
#include "utf8.h"

#define CONNECT_TIMEOUT_DEFAULT_MS 30000
#define CALL_TIMEOUT_DEFAULT_MS 60000
#define CONNECT_BACKOFF_FIRST_MS 10
#define CONNECT_BACKOFF_MAX_MS 100
#define SCM_REPLY_MAX_BYTES (64u << 20)
#define READ_CHUNK_BYTES (64u << 10)
/* Past a reply this large the buffer is given back once it is empty. */
#define BUFFER_KEEP_BYTES (1u << 20)
/* How long a client reads without sleeping right after a query, and for
 * how many queries at most it does not after replies took longer
 * (reply_spin()). */
#define SPIN_NS 50000
#define SPIN_SKIP_MAX 256

int64_t client_now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline, as poll() takes them (0 once passed). */
static int remaining_ms(int64_t deadline) {
        int64_t left = deadline - client_now_ms();
        if (left <= 0)
                return 0;
        return left > INT32_MAX ? INT32_MAX : (int)left;
}

static void sleep_ms(int ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
        nanosleep(&ts, NULL); /* an early wake-up only means one more try */
}

/* One attempt: a new connected non-blocking socket, or -errno. */
static int connect_once(const struct sockaddr_un *addr) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        /* A non-blocking AF_UNIX connect completes at once or fails with
         * EAGAIN when scmd's backlog is full; it never gives EINPROGRESS. */
        while (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0)
                if (errno != EINTR)
                        return -errno;
        return TAKE_FD(fd);
}

/* Whether a flock() lock is held on the file at path, read from
 * /proc/locks (taking a lock to test it could make a starting scmd fail
 * its own LOCK_EX|LOCK_NB). */
static bool flock_held(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0)
                return false;
        _cleanup_fclose_ FILE *f = fopen("/proc/locks", "re");
        if (!f)
                return false;
        char line[256];
        while (fgets(line, sizeof(line), f)) {
                unsigned maj, min;
                unsigned long ino;
                const char *p = strstr(line, "FLOCK");
                if (!p || !(p = strchr(p, ':')))
                        continue;
                /* "... FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE START END":
                 * back to the start of the MAJ:MIN:INODE word */
                while (p > line && p[-1] != ' ')
                        p--;
                if (sscanf(p, "%x:%x:%lu", &maj, &min, &ino) == 3 && ino == st.st_ino &&
                    maj == major(st.st_dev) && min == minor(st.st_dev))
                        return true;
        }
        return false;
}

/* Whether the scmd of the socket at addr is starting: it holds its instance
 * lock, scmd.lock beside the socket, from its first step; the socket comes
 * last (scmd's main.c).  A socket without a live scmd is stale. */
static bool scmd_starting(const struct sockaddr_un *addr) {
        _cleanup_free_ char *lock = strdup(addr->sun_path);
        if (!lock)
                return false;
        char *slash = strrchr(lock, '/');
        _cleanup_free_ char *path = NULL;
        if (slash)
                *slash = '\0';
        if (asprintf(&path, "%s/scmd.lock", slash ? lock : ".") < 0)
                return false;
        return flock_held(path);
}

/* Whether a failed connect may succeed later.  A full backlog always may
 * (scmd runs).  No socket, or one nobody listens on, may when waiting for
 * scmd to come (wait), or while its scmd is starting; otherwise it fails
 * at once: no scmd runs there. */
static bool connect_retryable(const struct sockaddr_un *addr, int r, bool wait) {
        if (r == -EAGAIN)
                return true;
        if (r != -ENOENT && r != -ECONNREFUSED)
                return false;
        return wait || scmd_starting(addr);
}

static int connect_until(const struct sockaddr_un *addr, int timeout_ms, bool wait) {
        int64_t deadline = client_now_ms() + timeout_ms;
        int backoff = CONNECT_BACKOFF_FIRST_MS;

        for (;;) {
                int r = connect_once(addr);
                if (r >= 0 || !connect_retryable(addr, r, wait))
                        return r;
                int left = remaining_ms(deadline);
                if (left == 0)
                        return -ETIMEDOUT;
                sleep_ms(backoff < left ? backoff : left);
                backoff =
                        backoff * 2 > CONNECT_BACKOFF_MAX_MS ? CONNECT_BACKOFF_MAX_MS : backoff * 2;
        }
}

/* A client on connected stream socket fd, which it owns on success. */
static int client_new(int fd, struct scm_client **ret) {
        struct scm_client *c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->fd = fd;
        c->events_tail = &c->events;
        c->timeout_ms = CALL_TIMEOUT_DEFAULT_MS;
        c->next_id = 1;
        c->message = "";
        *ret = c;
        return 0;
}

static int connect_path(const char *path, int timeout_ms, bool wait, struct scm_client **ret) {
        _cleanup_free_ char *auto_path = NULL;
        struct sockaddr_un addr = {.sun_family = AF_UNIX};

        if (!ret)
                return -EINVAL;
        if (!path) {
                auto_path = scm_client_socket_path(SCM_MODE_AUTO, NULL);
                if (!auto_path)
                        return errno > 0 ? -errno : -ENOMEM;
                path = auto_path;
        }
        if (!path[0])
                return -EINVAL;
        if (strlen(path) >= sizeof(addr.sun_path))
                return -ENAMETOOLONG;
        memcpy(addr.sun_path, path, strlen(path) + 1);

        int fd = connect_until(&addr, timeout_ms < 0 ? CONNECT_TIMEOUT_DEFAULT_MS : timeout_ms,
                               wait);
        if (fd < 0)
                return fd;
        int r = client_new(fd, ret);
        if (r < 0)
                close(fd);
        else
                (*ret)->addr = addr; /* to connect again after a re-exec */
        return r;
}

int scm_connect(const char *path, int timeout_ms, struct scm_client **ret) {
        return connect_path(path, timeout_ms, false, ret);
}

int scm_connect_wait(const char *path, int timeout_ms, struct scm_client **ret) {
        return connect_path(path, timeout_ms, true, ret);
}

int scm_connect_fd(int fd, struct scm_client **ret) {
        if (fd < 0 || !ret)
                return -EINVAL;
        int type;
        socklen_t len = sizeof(type);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
                return -ENOTSOCK;
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
            fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                return -errno;
        return client_new(fd, ret);
}

void scm_disconnect(struct scm_client *c) {
        if (!c)
                return;
        if (c->fd >= 0)
                close(c->fd);
        json_decref(c->error);
        notify_queue_clear(c);
        json_writer_free(&c->request);
        free(c->buf);
        free(c);
}

void scm_client_set_timeout(struct scm_client *c, int timeout_ms) {
        c->timeout_ms = timeout_ms < 0 ? CALL_TIMEOUT_DEFAULT_MS : timeout_ms;
}

const char *scm_client_error_message(const struct scm_client *c) {
        return c ? c->message : "";
}

const json_t *scm_client_error_object(const struct scm_client *c) {
        return c ? c->error : NULL;
}

/* Waits until fd is ready for events or deadline passes. */
static int wait_fd(int fd, short events, int64_t deadline) {
        struct pollfd p = {.fd = fd, .events = events};

        for (;;) {
                int r = poll(&p, 1, remaining_ms(deadline));
                if (r > 0)
                        return 0;
                if (r == 0)
                        return -ETIMEDOUT;
                if (errno != EINTR)
                        return -errno;
        }
}

static int send_all(struct scm_client *c, const char *data, size_t size, int64_t deadline) {
        while (size > 0) {
                ssize_t n = send(c->fd, data, size, MSG_NOSIGNAL);
                if (n >= 0) {
                        data += n;
                        size -= (size_t)n;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return -errno;
                int r = wait_fd(c->fd, POLLOUT, deadline);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Makes room for one more read: the buffer doubles, up to the cap. */
static int buffer_reserve(struct scm_client *c) {
        if (c->cap - c->len >= READ_CHUNK_BYTES || c->cap >= SCM_REPLY_MAX_BYTES)
                return c->len < c->cap ? 0 : -EMSGSIZE;

        size_t cap = c->cap ? c->cap * 2 : READ_CHUNK_BYTES;
        if (cap < c->len + READ_CHUNK_BYTES)
                cap = c->len + READ_CHUNK_BYTES;
        if (cap > SCM_REPLY_MAX_BYTES)
                cap = SCM_REPLY_MAX_BYTES;
        char *buf = realloc(c->buf, cap);
        if (!buf)
                return -ENOMEM;
        c->buf = buf;
        c->cap = cap;
        return 0;
}

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Reads the reply to the query just sent without going to sleep, for up
 * to SPIN_NS: 1 when bytes came, 0 when poll() is to wait for them, or
 * -errno.  scmd answers a query at once, in about 20 microseconds from
 * another CPU, and falling asleep in poll() to be woken for the reply
 * costs as much again (bench/README.md: a bare round trip over a unix
 * socket between two CPUs of a KVM guest is 3x slower when the caller
 * sleeps).  Only for the calls with a fast path (client_call_named()),
 * which scmd never defers.  A reply that takes longer all the same (a busy
 * scmd; scmd waiting for this CPU) is not spun for in the next call, nor
 * after a second one in the next two, then four..., up to SPIN_SKIP_MAX,
 * until a spin succeeds again: where spinning does not pay, it costs
 * SPIN_NS every SPIN_SKIP_MAX calls.  Each empty read yields the CPU, so a
 * spin never keeps a process that waits for this CPU from running (scmd,
 * when the scheduler put both on one CPU: 47,000 queries/s spinning
 * without yielding there, 67,000 with).  A process that may run on one
 * CPU only (its affinity: a machine of one CPU, taskset, a cpuset) never
 * spins. */
static int reply_spin(struct scm_client *c) {
        if (!c->spin_wanted)
                return 0;
        if (!c->spin_checked) { /* the CPUs this process may run on, not the machine's */
                cpu_set_t set;
                c->spin_checked = true;
                c->spin_off = sched_getaffinity(0, sizeof(set), &set) < 0 || CPU_COUNT(&set) < 2;
        }
        if (c->spin_off)
                return 0;
        if (c->spin_skip > 0) {
                c->spin_skip--;
                return 0;
        }
        int64_t until = now_ns() + SPIN_NS;
        do {
                ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, MSG_DONTWAIT);
                if (n > 0) {
                        c->len += (size_t)n;
                        c->spin_misses = 0;
                        return 1;
                }
                if (n == 0)
                        return -ECONNRESET;
                if (errno != EAGAIN && errno != EINTR)
                        return -errno;
                /* Whatever waits for this CPU (scmd itself, when the two
                 * share it) runs first. */
                sched_yield();
        } while (now_ns() < until);
        c->spin_skip = 1u << c->spin_misses;
        if (c->spin_skip < SPIN_SKIP_MAX)
                c->spin_misses++;
        return 0;
}

/* Reads once from the socket into the buffer, waiting up to deadline.
 * -ECONNRESET when scmd closed the connection. */
static int buffer_fill(struct scm_client *c, int64_t deadline) {
        int r = buffer_reserve(c);
        if (r < 0)
                return r;
        /* Right after a request its reply is hardly ever there yet: after
         * the spin, poll() first spares a recv() that would say EAGAIN. */
        if (c->sent) {
                c->sent = false;
                r = reply_spin(c);
                if (r != 0)
                        return r < 0 ? r : 0;
                r = wait_fd(c->fd, POLLIN, deadline);
                if (r < 0)
                        return r;
        }
        for (;;) {
                ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
                if (n > 0) {
                        c->len += (size_t)n;
                        return 0;
                }
                if (n == 0)
                        return -ECONNRESET;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return -errno;
                r = wait_fd(c->fd, POLLIN, deadline);
                if (r < 0)
                        return r;
        }
}

/* The next complete line, without its newline, NUL-terminated in place;
 * valid until buffer_consume().  *ret_size is its length. */
static int read_line(struct scm_client *c, int64_t deadline, char **ret_line, size_t *ret_size) {
        for (;;) {
                char *nl = c->len > c->scanned
                                   ? memchr(c->buf + c->scanned, '\n', c->len - c->scanned)
                                   : NULL;
                if (nl) {
                        *nl = '\0';
                        *ret_line = c->buf;
                        *ret_size = (size_t)(nl - c->buf);
                        return 0;
                }
                c->scanned = c->len;
                int r = buffer_fill(c, deadline);
                if (r < 0)
                        return r;
        }
}

/* Drops the line read_line() returned, and its newline. */
static void buffer_consume(struct scm_client *c, size_t line_size) {
        size_t used = line_size + 1;

        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
        c->scanned = 0;
        if (c->len == 0 && c->cap > BUFFER_KEEP_BYTES) {
                free(c->buf);
                c->buf = NULL;
                c->cap = 0;
        }
}

/* Keeps an error reply for scm_client_error_message() and turns it into
 * SCM_ERR(data.win32).  A JSON-RPC error without data.win32 is taken by
 * its code when that is a Win32 number. */
static int reply_error(struct scm_client *c, json_t *error) {
        json_t *code = json_object_get(error, "code");
        json_t *message = json_object_get(error, "message");
        json_t *win32 = json_object_get(json_object_get(error, "data"), "win32");

        if (!json_is_integer(code) || !json_is_string(message))
                return -EPROTO;
        json_int_t w = json_integer_value(json_is_integer(win32) ? win32 : code);
        if (w <= 0 || w > 0xffff)
                return -EPROTO;

        json_decref(c->error);
        c->error = json_incref(error);
        c->message = json_string_value(message);
        return SCM_ERR(w);
}

/* Whether reply answers our request id; other lines are skipped. */
static bool reply_is_ours(const json_t *reply, json_int_t id) {
        json_t *reply_id = json_object_get(reply, "id");

        if (!reply_id)
                return false; /* a notification */
        /* "id": null answers a request scmd could not read.  Only one request
         * of ours is ever outstanding, so it is ours; it is also how scmd
         * refuses a connection over its limit. */
        if (json_is_null(reply_id))
                return json_object_get(reply, "error") != NULL;
        return json_is_integer(reply_id) && json_integer_value(reply_id) == id;
}

/* Returns 0 with *ret_result from our reply, an SCM_ERR(), or -EPROTO. */
static int reply_take(struct scm_client *c, const json_t *reply, json_t **ret_result) {
        json_t *result = json_object_get(reply, "result");
        json_t *error = json_object_get(reply, "error");

        if (!result == !error)
                return -EPROTO;
        if (error)
                return reply_error(c, error);
        *ret_result = json_incref(result);
        return 0;
}

/* client_receive(), offering reader (may be NULL) every line first: 1
 * when it took the reply. */
static int receive(struct scm_client *c, json_int_t id, int64_t deadline,
                   client_reply_reader_fn *reader, void *ctx, json_t **ret_result) {
        for (;;) {
                char *line;
                size_t size;
                int r = read_line(c, deadline, &line, &size);
                if (r < 0) {
                        if (r != -ETIMEDOUT)
                                c->broken = true;
                        return r;
                }
                if (reader && id > 0 && reader(line, size, id, ctx) > 0) {
                        buffer_consume(c, size);
                        return 1;
                }
                json_t *reply = json_loadb(line, size, 0, NULL);
                buffer_consume(c, size);
                if (!json_is_object(reply)) {
                        json_decref(reply);
                        return -EPROTO;
                }
                if (!json_object_get(reply, "id")) {
                        const char *m = json_string_value(json_object_get(reply, "method"));
                        if (m && strcmp(m, "daemon_reexec") == 0)
                                c->reexec_seen = true; /* what follows is its end */
                        notify_queue_push(c, reply, size);
                        if (id == 0)
                                return 0;
                        continue;
                }
                if (!reply_is_ours(reply, id)) {
                        json_decref(reply);
                        continue;
                }
                if (id == 0) {
                        /* Between calls only an id-null error can be ours:
                         * the last line of a connection scmd cut off. */
                        c->broken = true;
                        r = reply_error(c, json_object_get(reply, "error"));
                } else {
                        r = reply_take(c, reply, ret_result);
                }
                json_decref(reply);
                return r;
        }
}

int client_receive(struct scm_client *c, json_int_t id, int64_t deadline, json_t **ret_result) {
        return receive(c, id, deadline, NULL, NULL, ret_result);
}

/* The request line for method, newline-terminated; consumes params. */
static char *request_line(json_int_t id, const char *method, json_t *params) {
        json_t *req = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", id, "method", method);
        if (!req || (params && json_object_set_new(req, "params", params) < 0)) {
                if (!req)
                        json_decref(params);
                json_decref(req);
                return NULL;
        }
        char *body = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        if (!body)
                return NULL;
        size_t size = strlen(body);
        char *line = realloc(body, size + 2);
        if (!line) {
                free(body);
                return NULL;
        }
        memcpy(line + size, "\n", 2);
        return line;
}

/* One call: the request line, and how its reply may be read. */
struct call {
        const char *line;
        size_t size;
        json_int_t id;
        client_reply_reader_fn *reader; /* may be NULL */
        void *ctx;
};

static int reconnect(struct scm_client *c, int64_t deadline);
static int call_once(struct scm_client *c, const struct call *call, int64_t deadline,
                     json_t **ret_result);

/* Sends call and reads its reply, again on a new connection when scmd
 * re-executed before reading it. */
static int call_run(struct scm_client *c, const struct call *call, int64_t deadline,
                    json_t **ret_result) {
        int r = call_once(c, call, deadline, ret_result);
        if ((r == -ECONNRESET || r == -EPIPE) && c->reexec_seen && reconnect(c, deadline) >= 0)
                r = call_once(c, call, deadline, ret_result); /* it was never read */
        return r;
}

int scm_call(struct scm_client *c, const char *method, json_t *params, json_t **ret_result) {
        if (!c || !method || !ret_result || (params && !json_is_object(params))) {
                json_decref(params);
                return -EINVAL;
        }
        if (c->broken) {
                json_decref(params);
                return -ENOTCONN;
        }

        int64_t deadline = client_now_ms() + c->timeout_ms;
        json_int_t id = c->next_id++;
        _cleanup_free_ char *line = request_line(id, method, params);
        if (!line)
                return -ENOMEM;
        struct call call = {.line = line, .size = strlen(line), .id = id};
        return call_run(c, &call, deadline, ret_result);
}

int client_call_named(struct scm_client *c, const char *method, const char *name,
                      client_reply_reader_fn *reader, void *ctx, json_t **ret_result) {
        if (!c || !method || !name || !ret_result)
                return -EINVAL;
        if (c->broken)
                return -ENOTCONN;
        if (!utf8_valid(name))
                return -EINVAL;
        int64_t deadline = client_now_ms() + c->timeout_ms;
        json_int_t id = c->next_id++;
        struct json_writer *w = &c->request;
        json_writer_reset(w);
        jsonrpc_write_request_head(w, id, method);
        json_write_object_begin(w);
        json_write_key(w, "name");
        json_write_string(w, name);
        json_write_object_end(w);
        jsonrpc_write_tail(w);
        if (w->failed)
                return -ENOMEM;
        struct call call = {.line = w->buf, .size = w->len, .id = id, .reader = reader, .ctx = ctx};
        int r = call_run(c, &call, deadline, ret_result);
        json_writer_shrink(w); /* a caller's name of many MiB, refused by scmd */
        return r;
}

/* scmd said daemon_reexec and closed the connection: everything it had
 * read was answered before, so the request that got no answer was never
 * read; it goes again on a new connection to the new scmd. */
static int reconnect(struct scm_client *c, int64_t deadline) {
        int left = remaining_ms(deadline);
        int fd = connect_until(&c->addr, left > 0 ? left : 1, true);
        if (fd < 0)
                return fd;
        close(c->fd);
        c->fd = fd;
        c->len = c->scanned = 0;
        c->broken = false;
        c->reexec_seen = false;
        return 0;
}

static int call_once(struct scm_client *c, const struct call *call, int64_t deadline,
                     json_t **ret_result) {
        int sent = send_all(c, call->line, call->size, deadline);
        if (sent < 0 && sent != -EPIPE && sent != -ECONNRESET) {
                c->broken = true; /* part of a request may have gone out */
                return sent;
        }
        c->sent = sent == 0;
        c->spin_wanted = call->reader != NULL;
        /* Even when scmd has closed the connection, the line saying why
         * may still be waiting to be read. */
        int r = receive(c, call->id, deadline, call->reader, call->ctx, ret_result);
        if (sent < 0 && r == -ECONNRESET)
                return sent;
        return r;
}
