/* SPDX-License-Identifier: MIT */
/*
 * read_log: a service's log, served by scmd to a caller who holds the
 * read-log right on it, so the log files themselves stay root's (0600 in
 * a root-only folder).  One call gives the last lines, or the bytes after
 * an offset; a client follows the log by asking again from the offset it
 * was given (scctl logs -f).
 *
 * A reply carries the file's identity (its inode) with the offset.  When
 * the log has been rotated since (NAME.log renamed to NAME.log.1, a new
 * NAME.log made), a call with the old identity gets the rest of the old
 * file first, then the new one from its start: nothing is lost across a
 * rotation.  Bytes that are not UTF-8 are sent as U+FFFD, as JSON needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scm/error.h>

#include "cleanup.h"
#include "rpc.h"
#include "service.h"

#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))

#define READ_LOG_MAX_BYTES (1u << 20)
#define READ_LOG_DEFAULT_LINES 100
#define READ_LOG_MAX_LINES 100000

/* Length of the valid UTF-8 sequence at p (left bytes there), or 0. */
static size_t utf8_len(const unsigned char *p, size_t left) {
        size_t n = p[0] < 0x80             ? 1
                   : (p[0] & 0xe0) == 0xc0 ? 2
                   : (p[0] & 0xf0) == 0xe0 ? 3
                   : (p[0] & 0xf8) == 0xf0 ? 4
                                           : 0;
        if (n == 0 || n > left || (n == 2 && p[0] < 0xc2) || (n == 4 && p[0] > 0xf4))
                return 0;
        for (size_t i = 1; i < n; i++)
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
        if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) || (n == 3 && p[0] == 0xed && p[1] > 0x9f) ||
            (n == 4 && p[0] == 0xf0 && p[1] < 0x90) || (n == 4 && p[0] == 0xf4 && p[1] > 0x8f))
                return 0;
        return n;
}

/* buf[0..len) as a JSON string, invalid bytes as U+FFFD. */
static json_t *text_json(const char *buf, size_t len) {
        _cleanup_free_ char *out = malloc(len * 3 + 1);
        if (!out)
                return NULL;
        size_t o = 0;
        for (size_t i = 0; i < len;) {
                size_t n = utf8_len((const unsigned char *)buf + i, len - i);
                if (n == 0 || (n == 1 && buf[i] == '\0')) {
                        memcpy(out + o, "\xef\xbf\xbd", 3);
                        o += 3;
                        i++;
                        continue;
                }
                memcpy(out + o, buf + i, n);
                o += n;
                i += n;
        }
        return json_stringn(out, o);
}

/* The offset where the last `lines` lines of fd (size bytes) start, at
 * most READ_LOG_MAX_BYTES before the end. */
static off_t tail_start(int fd, off_t size, long lines) {
        off_t floor = size > READ_LOG_MAX_BYTES ? size - READ_LOG_MAX_BYTES : 0;
        char buf[4096];
        long seen = 0;
        off_t pos = size;
        /* A last line without its newline counts as a line. */
        while (pos > floor) {
                off_t from = pos - (off_t)sizeof(buf) > floor ? pos - (off_t)sizeof(buf) : floor;
                ssize_t n = pread(fd, buf, (size_t)(pos - from), from);
                if (n <= 0)
                        return floor;
                for (ssize_t i = n - 1; i >= 0; i--) {
                        if (buf[i] != '\n' || from + i == size - 1)
                                continue;
                        if (++seen == lines)
                                return from + i + 1;
                }
                pos = from;
        }
        return floor;
}

/* Reads [from, from + READ_LOG_MAX_BYTES) of fd into result's data and
 * sets its offset. */
static int read_from(struct rpc_call *call, int fd, off_t from, off_t size, json_t *result) {
        size_t want = size > from ? (size_t)(size - from) : 0;
        if (want > READ_LOG_MAX_BYTES)
                want = READ_LOG_MAX_BYTES;
        _cleanup_free_ char *buf = malloc(want + 1);
        if (!buf)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        ssize_t n = want ? pread(fd, buf, want, from) : 0;
        if (n < 0)
                return rpc_fail(call, scm_error_from_errno(errno), "cannot read the log: %s",
                                strerror(errno));
        json_t *text = text_json(buf, (size_t)n);
        if (!text || json_object_set_new(result, "data", text) < 0 ||
            json_object_set_new(result, "offset", json_integer(from + n)) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        return 0;
}

static int get_count(struct rpc_call *call, const char *key, json_int_t max, json_int_t *ret) {
        json_t *v = json_object_get(call->params, key);
        if (!v)
                return 0;
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "'%s' must be an integer from 0 to %lld", key, (long long)max);
        *ret = json_integer_value(v);
        return 0;
}

/* The rest of the rotated file, when file_id names NAME.log.1: 1 when it
 * was read into result, 0 when there is none. */
static int rest_of_rotated(struct rpc_call *call, const char *path, json_int_t file_id,
                           json_int_t offset, ino_t current, json_t *result) {
        _cleanup_free_ char *old = NULL;
        if (asprintf(&old, "%s.1", path) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        _cleanup_close_ int fd = open(old, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || (json_int_t)st.st_ino != file_id ||
            offset >= st.st_size)
                return 0;
        int r = read_from(call, fd, (off_t)offset, st.st_size, result);
        if (r < 0)
                return r;
        /* All of the old file read: the next call starts the new one. */
        if (json_integer_value(json_object_get(result, "offset")) >= st.st_size) {
                json_object_set_new(result, "offset", json_integer(0));
                json_object_set_new(result, "file_id", json_integer((json_int_t)current));
        } else {
                json_object_set_new(result, "file_id", json_integer(file_id));
        }
        return 1;
}

int rpc_read_log(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "lines", "offset", "file_id", NULL};
        struct service *s;
        json_int_t lines = READ_LOG_DEFAULT_LINES, offset = -1, file_id = -1;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = get_count(call, "lines", READ_LOG_MAX_LINES, &lines);
        if (r >= 0)
                r = get_count(call, "offset", INT64_MAX, &offset);
        if (r >= 0)
                r = get_count(call, "file_id", INT64_MAX, &file_id);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *result = json_object();
        if (!result)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        _cleanup_close_ int fd = open(s->log_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st = {0};
        if (fd < 0 && errno != ENOENT)
                return rpc_fail(call, scm_error_from_errno(errno), "cannot open the log %s: %s",
                                s->log_path, strerror(errno));
        if (fd >= 0 && fstat(fd, &st) < 0)
                return rpc_fail(call, scm_error_from_errno(errno), "cannot read the log: %s",
                                strerror(errno));
        if (fd < 0) { /* nothing written yet */
                json_object_set_new(result, "data", json_string(""));
                json_object_set_new(result, "offset", json_integer(0));
                json_object_set_new(result, "file_id", json_integer(0));
                *ret = TAKE_PTR(result);
                return 0;
        }
        if (offset >= 0 && file_id >= 0 && file_id != (json_int_t)st.st_ino) {
                r = rest_of_rotated(call, s->log_path, file_id, offset, st.st_ino, result);
                if (r < 0)
                        return r;
                if (r > 0) {
                        *ret = TAKE_PTR(result);
                        return 0;
                }
                offset = 0; /* the old file is gone: the new one from its start */
        }
        if (offset > st.st_size)
                offset = 0; /* truncated */
        off_t from = offset >= 0 ? (off_t)offset : tail_start(fd, st.st_size, (long)lines);
        if (offset < 0 && lines == 0)
                from = st.st_size;
        r = read_from(call, fd, from, st.st_size, result);
        if (r < 0)
                return r;
        json_object_set_new(result, "file_id", json_integer((json_int_t)st.st_ino));
        *ret = TAKE_PTR(result);
        return 0;
}
