/* SPDX-License-Identifier: MIT */
/*
 * logs: the last lines of a service's log file, and -f to follow it.
 *
 * scmd keeps a service's standard output and error in the file that
 * query_config names as log_file; scctl asks for the name, lets go of the
 * connection, and reads the file itself (so the user needs read access to
 * it).  A file that does not exist yet is not an error: the service has
 * not written anything.
 *
 * Following polls every 200 ms.  inotify was the alternative; polling was
 * kept because it needs no second mechanism for the rotation case, which
 * must be handled by name anyway: scmd renames NAME.log to NAME.log.1 and
 * creates a new NAME.log.  When the name points to a new inode, the old
 * file is read to its end (what was written before the rename) and the new
 * one from its start.  SIGINT and SIGTERM are blocked and taken by
 * sigtimedwait() between polls, so ending is a clean exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "scctl.h"
#include "utf8.h"

#define TAIL_DEFAULT_LINES 100
#define FOLLOW_POLL_MS 200
#define READ_CHUNK 65536

/* Where log bytes go: stdout as they are, or under --json one JSON string
 * per line (the partial last line held back until its newline). */
struct log_output {
        bool json;
        char *partial;
        size_t len;
        size_t cap;
};

/* line as a JSON string, each byte that is not UTF-8 as U+FFFD. */
static json_t *json_line(const char *line, size_t size) {
        json_t *s = json_stringn(line, size);
        if (s)
                return s;
        _cleanup_free_ char *clean = malloc(size * 3 + 1);
        size_t w = 0;
        if (!clean)
                return NULL;
        for (size_t i = 0; i < size;) {
                size_t n = (size_t)utf8_sequence((const unsigned char *)line + i, size - i);
                if (n == 0) {
                        memcpy(clean + w, "\xef\xbf\xbd", 3);
                        w += 3;
                        i++;
                } else {
                        memcpy(clean + w, line + i, n);
                        w += n;
                        i += n;
                }
        }
        return json_stringn(clean, w);
}

static void emit_json_line(const char *line, size_t size) {
        json_t *s = json_line(line, size);
        if (s)
                output_json(s);
        json_decref(s);
}

static int log_write(struct log_output *out, const char *data, size_t size) {
        if (!out->json) {
                fwrite(data, 1, size, stdout);
                return 0;
        }
        if (out->len + size > out->cap) {
                size_t cap = (out->len + size) * 2;
                char *p = realloc(out->partial, cap);
                if (!p)
                        return -ENOMEM;
                out->partial = p;
                out->cap = cap;
        }
        memcpy(out->partial + out->len, data, size);
        out->len += size;

        size_t start = 0;
        for (char *nl; (nl = memchr(out->partial + start, '\n', out->len - start));) {
                emit_json_line(out->partial + start, (size_t)(nl - out->partial) - start);
                start = (size_t)(nl - out->partial) + 1;
        }
        memmove(out->partial, out->partial + start, out->len - start);
        out->len -= start;
        return 0;
}

/* The last line, when the file does not end with a newline. */
static void log_finish(struct log_output *out) {
        if (out->json && out->len > 0)
                emit_json_line(out->partial, out->len);
        out->len = 0;
        fflush(stdout);
}

/* Writes what fd holds from its offset to its end. */
static int copy_to_end(struct log_output *out, int fd) {
        char buf[READ_CHUNK];

        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n == 0)
                        return 0;
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                int r = log_write(out, buf, (size_t)n);
                if (r < 0)
                        return r;
        }
}

/* The offset where the last lines of fd begin.  A newline that ends the
 * file ends the last line; it does not begin another. */
static int tail_start(int fd, long lines, off_t *ret) {
        char buf[READ_CHUNK];
        struct stat st;
        long seen = 0;

        if (fstat(fd, &st) < 0)
                return -errno;
        off_t pos = st.st_size;
        *ret = lines == 0 ? pos : 0;
        while (lines > 0 && pos > 0) {
                size_t chunk = pos < (off_t)sizeof(buf) ? (size_t)pos : sizeof(buf);
                pos -= (off_t)chunk;
                ssize_t n = pread(fd, buf, chunk, pos);
                if (n < 0)
                        return -errno;
                for (size_t i = (size_t)n; i-- > 0;)
                        if (buf[i] == '\n' && pos + (off_t)i != st.st_size - 1 && ++seen == lines) {
                                *ret = pos + (off_t)i + 1;
                                return 0;
                        }
        }
        return 0;
}

static int print_tail(struct log_output *out, int fd, long lines) {
        off_t start;
        int r = tail_start(fd, lines, &start);
        if (r < 0)
                return r;
        if (lseek(fd, start, SEEK_SET) < 0)
                return -errno;
        return copy_to_end(out, fd);
}

/* Reads what was added to fd; a file truncated in place starts over. */
static int copy_new(struct log_output *out, int fd) {
        struct stat st;
        off_t pos = lseek(fd, 0, SEEK_CUR);

        if (fstat(fd, &st) == 0 && pos > st.st_size && lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        return copy_to_end(out, fd);
}

/* When path names another file than *fd (rotated, or created at last),
 * finishes the old one and moves to the new one. */
static int switch_if_rotated(struct log_output *out, const char *path, int *fd) {
        struct stat now, cur;

        if (stat(path, &now) < 0)
                return errno == ENOENT ? 0 : -errno; /* renamed; the new one is not there yet */
        if (*fd >= 0 && fstat(*fd, &cur) == 0 && cur.st_dev == now.st_dev &&
            cur.st_ino == now.st_ino)
                return 0;
        int fresh = open(path, O_RDONLY | O_CLOEXEC);
        if (fresh < 0)
                return errno == ENOENT ? 0 : -errno;
        if (*fd >= 0) {
                int r = copy_to_end(out, *fd);
                close(*fd);
                if (r < 0) {
                        close(fresh);
                        return r;
                }
        }
        *fd = fresh;
        return copy_to_end(out, fresh);
}

/* Follows path until SIGINT or SIGTERM (blocked by the caller).  fd is
 * the file already read to its end, or -1; it is consumed. */
static int follow(struct log_output *out, const char *path, int fd, const sigset_t *stop) {
        _cleanup_close_ int cur = fd;
        struct timespec poll_interval = {.tv_nsec = FOLLOW_POLL_MS * 1000000L};

        for (;;) {
                int r = cur >= 0 ? copy_new(out, cur) : 0;
                if (r == 0)
                        r = switch_if_rotated(out, path, &cur);
                if (r < 0)
                        return r;
                fflush(stdout);
                if (sigtimedwait(stop, NULL, &poll_interval) > 0)
                        return 0;
        }
}

static int parse_lines(struct scctl *ctx, const char *arg, long *ret) {
        char *end;
        errno = 0;
        long n = strtol(arg, &end, 10);
        if (errno || end == arg || *end || n < 0)
                return scctl_usage_error(ctx, "-n '%s' is not a number of lines", arg);
        *ret = n;
        return 0;
}

static int parse_logs(struct scctl *ctx, int argc, char **argv, long *ret_lines, bool *ret_follow) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == 'f')
                        *ret_follow = true;
                else if (opt == 'n' && parse_lines(ctx, optarg, ret_lines) != 0)
                        return SCCTL_EXIT_USAGE;
        }
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        return scctl_set_service(ctx, argv[optind]);
}

/* The service's log file name (malloc'd; "" when it has none). */
static int log_file_of(struct scctl *ctx, char **ret) {
        _cleanup_json_ json_t *config = NULL;

        int r = scctl_call(ctx, "query_config", json_pack("{s:s}", "name", ctx->name), &config);
        if (r != 0)
                return r;
        *ret = strdup(json_string_value(json_object_get(config, "log_file")) ?: "");
        return *ret ? 0 : output_call_error(ctx, -ENOMEM);
}

static int report_file_error(struct scctl *ctx, const char *path, int r) {
        return output_error(ctx, SCCTL_EXIT_REFUSED, scm_error_from_errno(-r), NULL,
                            "cannot read the log file %s: %s", path, strerror(-r));
}

/* ---- through scmd (read_log), for a user who may not read the file ---- */

/* One read_log call: its data written to out, *offset and *file_id
 * moved on.  Returns 0, or an exit status once printed. */
static int read_log_once(struct scctl *ctx, struct log_output *out, long lines, json_int_t *offset,
                         json_int_t *file_id) {
        _cleanup_json_ json_t *result = NULL;
        json_t *params =
                *offset < 0 ? json_pack("{s:s, s:I}", "name", ctx->name, "lines", (json_int_t)lines)
                            : json_pack("{s:s, s:I, s:I}", "name", ctx->name, "offset", *offset,
                                        "file_id", *file_id);
        int r = scctl_call(ctx, "read_log", params, &result);
        if (r != 0)
                return r;
        const char *data = json_string_value(json_object_get(result, "data"));
        if (!data)
                return output_call_error(ctx, -EPROTO);
        size_t size = json_string_length(json_object_get(result, "data"));
        *offset = json_integer_value(json_object_get(result, "offset"));
        *file_id = json_integer_value(json_object_get(result, "file_id"));
        r = size > 0 ? log_write(out, data, size) : 0;
        if (r < 0)
                return output_call_error(ctx, r);
        return size > 0 ? -1 : 0; /* -1: more may be waiting at once */
}

/* logs through scmd: the tail, then with follow the rest as it comes. */
static int logs_through_scmd(struct scctl *ctx, struct log_output *out, long lines, bool follow_on,
                             const sigset_t *stop) {
        json_int_t offset = -1, file_id = 0;
        int r = read_log_once(ctx, out, lines, &offset, &file_id);
        if (r > 0 || !follow_on)
                return r > 0 ? r : 0;
        for (;;) {
                r = read_log_once(ctx, out, lines, &offset, &file_id);
                if (r > 0)
                        return r;
                if (r < 0)
                        continue; /* data came: ask again before sleeping */
                fflush(stdout);
                struct timespec t = {.tv_nsec = FOLLOW_POLL_MS * 1000000L};
                if (sigtimedwait(stop, NULL, &t) >= 0)
                        return 0;
        }
}

static int run_logs(struct scctl *ctx, int argc, char **argv) {
        _cleanup_free_ char *path = NULL;
        struct log_output out = {};
        long lines = TAIL_DEFAULT_LINES;
        bool follow_file = false;
        sigset_t stop;

        int r = parse_logs(ctx, argc, argv, &lines, &follow_file);
        if (r == 0)
                r = log_file_of(ctx, &path);
        if (r != 0)
                return r;
        if (!path[0])
                return 0;
        out.json = ctx->json; /* --json may come after the verb */

        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        if (follow_file)
                sigprocmask(SIG_BLOCK, &stop, NULL);

        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && (errno == EACCES || errno == EPERM)) {
                /* Not ours to read: scmd serves it to a holder of read-log. */
                r = logs_through_scmd(ctx, &out, lines, follow_file, &stop);
                log_finish(&out);
                free(out.partial);
                return r;
        }
        /* The file is read directly; the connection is not needed any more. */
        scm_disconnect(ctx->client);
        ctx->client = NULL;
        r = fd < 0 ? (errno == ENOENT ? 0 : -errno) : print_tail(&out, fd, lines);
        if (r == 0 && follow_file)
                r = follow(&out, path, TAKE_FD(fd), &stop);
        if (fd >= 0)
                close(fd);
        log_finish(&out);
        free(out.partial);
        return r < 0 ? report_file_error(ctx, path, r) : 0;
}

static const struct option logs_options[] = {
        {"lines", required_argument, NULL, 'n'},
        {"follow", no_argument, NULL, 'f'},
        {},
};

const struct scctl_verb verb_logs = {
        .name = "logs",
        .synopsis = "NAME [-n N] [-f]",
        .summary = "Print the end of a service's log (its standard output and error)",
        .help = "  -n, --lines N   print the last N lines (default 100)\n"
                "  -f, --follow    keep printing what is added, across log rotation, until\n"
                "                  interrupted (SIGINT or SIGTERM end it with exit status 0)\n\n"
                "The log file is read directly when you may (its name comes from scmd: scctl\n"
                "qc NAME shows it as LOG_FILE); otherwise scmd serves it (read_log), to a user\n"
                "holding the read-log right on the service (scctl sdset NAME \"allow user:U\n"
                "read-log\"); the file itself stays root's.  With --json, each line is printed\n"
                "as a JSON string.\n",
        .short_options = "n:f",
        .options = logs_options,
        .run = run_logs,
};
