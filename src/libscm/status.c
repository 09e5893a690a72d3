/* SPDX-License-Identifier: MIT */
/*
 * A service's status (docs/protocol.md, "Status") read into struct
 * scm_status, two ways that agree: from a jansson object
 * (scm_status_from_json(), for every reply and event that carries one), and
 * straight from the text of a query_status reply line
 * (status_reply_read(), for the call a client makes thousands of times a
 * second, where building the tree was most of its cost).
 *
 * Both are strict about what the protocol promises (a missing or mistyped
 * field is an error) and lenient about what it may grow: unknown fields
 * and unknown names of accepted controls are ignored.  The text reader
 * takes only what it is sure of (json_scan.h): any line it does not take
 * goes to the general path, which reads it or says what is wrong with it,
 * so the two cannot give different answers (tests/fuzz/fuzz_status_reply.c
 * compares them).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <scm/client.h>
#include <scm/raw.h>

#include "client-internal.h"
#include "json_scan.h"

/* Exit codes may come signed; the Win32 fields are DWORDs. */
static bool u32_in_range(json_int_t i) {
        return i >= INT32_MIN && i <= (json_int_t)UINT32_MAX;
}

static int get_u32(const json_t *obj, const char *key, uint32_t *ret) {
        json_t *v = json_object_get(obj, key);
        if (!json_is_integer(v) || !u32_in_range(json_integer_value(v)))
                return -EPROTO;
        *ret = (uint32_t)json_integer_value(v);
        return 0;
}

/* The SCM_ACCEPT_* bit named name, or 0 for a name this library does not
 * know. */
static uint32_t accept_bit(const char *name) {
        for (unsigned i = 0; i < 32; i++) {
                const char *bit_name;
                if (scm_accept_names(1u << i, &bit_name, 1) == 1 && strcmp(bit_name, name) == 0)
                        return 1u << i;
        }
        return 0;
}

static int get_accepted(const json_t *obj, uint32_t *ret) {
        json_t *list = json_object_get(obj, "controls_accepted");
        uint32_t mask = 0;
        size_t i;
        json_t *v;

        if (!json_is_array(list))
                return -EPROTO;
        json_array_foreach(list, i, v) {
                if (!json_is_string(v))
                        return -EPROTO;
                mask |= accept_bit(json_string_value(v));
        }
        *ret = mask;
        return 0;
}

int scm_status_from_json(const json_t *obj, struct scm_status *ret) {
        struct scm_status s = {0};
        json_t *pid = json_object_get(obj, "pid");
        json_t *marked = json_object_get(obj, "marked_for_delete");

        if (!json_is_object(obj) || !ret)
                return -EINVAL;
        s.state = scm_state_from_name(json_string_value(json_object_get(obj, "state")));
        s.type = scm_type_from_name(json_string_value(json_object_get(obj, "type")));
        if (s.state == SCM_STATE_INVALID || s.type == SCM_TYPE_INVALID)
                return -EPROTO;
        if (get_accepted(obj, &s.controls_accepted) < 0 ||
            get_u32(obj, "win32_exit_code", &s.win32_exit_code) < 0 ||
            get_u32(obj, "service_exit_code", &s.service_exit_code) < 0 ||
            get_u32(obj, "checkpoint", &s.checkpoint) < 0 ||
            get_u32(obj, "wait_hint", &s.wait_hint) < 0)
                return -EPROTO;
        if (!json_is_integer(pid) || json_integer_value(pid) < 0 ||
            json_integer_value(pid) > INT_MAX)
                return -EPROTO;
        s.pid = (pid_t)json_integer_value(pid);
        if (!json_is_boolean(marked))
                return -EPROTO;
        s.marked_for_delete = json_is_true(marked);
        json_t *seq = json_object_get(obj, "seq");
        if (!json_is_integer(seq) || json_integer_value(seq) < 1)
                return -EPROTO;
        s.seq = (uint64_t)json_integer_value(seq);
        *ret = s;
        return 0;
}

/* ---- from the text of a reply ---- */

/* The fields the text reader must see, each once. */
enum {
        FIELD_STATE = 1 << 0,
        FIELD_TYPE = 1 << 1,
        FIELD_ACCEPTED = 1 << 2,
        FIELD_WIN32 = 1 << 3,
        FIELD_SERVICE = 1 << 4,
        FIELD_CHECKPOINT = 1 << 5,
        FIELD_WAIT_HINT = 1 << 6,
        FIELD_PID = 1 << 7,
        FIELD_MARKED = 1 << 8,
        FIELD_SEQ = 1 << 9,
        FIELDS_ALL = (1 << 10) - 1,
};

/* A short string (a name of the protocol's); "" when it is longer than
 * any such name, which then matches none. */
static int read_name(struct json_scan *s, char *buf, size_t size) {
        size_t len;
        return json_scan_string(s, buf, size, &len);
}

static int read_u32(struct json_scan *s, uint32_t *ret) {
        int64_t v;
        if (json_scan_int(s, &v) < 0 || !u32_in_range(v))
                return -1;
        *ret = (uint32_t)v;
        return 0;
}

static int read_accepted(struct json_scan *s, uint32_t *ret) {
        char name[32];
        bool first = true;
        int r;
        *ret = 0;
        if (!json_scan_take(s, '['))
                return -1;
        while ((r = json_scan_next_item(s, &first)) > 0) {
                if (read_name(s, name, sizeof(name)) < 0)
                        return -1;
                *ret |= name[0] ? accept_bit(name) : 0;
        }
        return r;
}

static int read_int_in(struct json_scan *s, int64_t min, int64_t max, int64_t *ret) {
        return json_scan_int(s, ret) < 0 || *ret < min || *ret > max ? -1 : 0;
}

/* One member of the status, its key key; *field says which it was (0: one
 * the reader passes over). */
static int read_status_member(struct json_scan *s, const char *key, struct scm_status *st,
                              unsigned *field) {
        char name[32];
        int64_t v;
        *field = 0;
        if (strcmp(key, "state") == 0) {
                *field = FIELD_STATE;
                if (read_name(s, name, sizeof(name)) < 0)
                        return -1;
                st->state = scm_state_from_name(name);
                return st->state == SCM_STATE_INVALID ? -1 : 0;
        }
        if (strcmp(key, "type") == 0) {
                *field = FIELD_TYPE;
                if (read_name(s, name, sizeof(name)) < 0)
                        return -1;
                st->type = scm_type_from_name(name);
                return st->type == SCM_TYPE_INVALID ? -1 : 0;
        }
        if (strcmp(key, "controls_accepted") == 0) {
                *field = FIELD_ACCEPTED;
                return read_accepted(s, &st->controls_accepted);
        }
        if (strcmp(key, "win32_exit_code") == 0) {
                *field = FIELD_WIN32;
                return read_u32(s, &st->win32_exit_code);
        }
        if (strcmp(key, "service_exit_code") == 0) {
                *field = FIELD_SERVICE;
                return read_u32(s, &st->service_exit_code);
        }
        if (strcmp(key, "checkpoint") == 0) {
                *field = FIELD_CHECKPOINT;
                return read_u32(s, &st->checkpoint);
        }
        if (strcmp(key, "wait_hint") == 0) {
                *field = FIELD_WAIT_HINT;
                return read_u32(s, &st->wait_hint);
        }
        if (strcmp(key, "pid") == 0) {
                *field = FIELD_PID;
                if (read_int_in(s, 0, INT_MAX, &v) < 0)
                        return -1;
                st->pid = (pid_t)v;
                return 0;
        }
        if (strcmp(key, "marked_for_delete") == 0) {
                *field = FIELD_MARKED;
                return json_scan_bool(s, &st->marked_for_delete);
        }
        if (strcmp(key, "seq") == 0) {
                *field = FIELD_SEQ;
                if (read_int_in(s, 1, INT64_MAX, &v) < 0)
                        return -1;
                st->seq = (uint64_t)v;
                return 0;
        }
        return json_scan_skip(s);
}

/* A status object, every field it must have there once. */
static int read_status(struct json_scan *s, struct scm_status *ret) {
        struct scm_status st = {0};
        char key[32];
        bool first = true;
        unsigned seen = 0;
        int r;
        if (!json_scan_take(s, '{'))
                return -1;
        while ((r = json_scan_next_key(s, &first, key, sizeof(key))) > 0) {
                unsigned field;
                /* A field twice: jansson keeps the last; leave it to it. */
                if (read_status_member(s, key, &st, &field) < 0 || (seen & field))
                        return -1;
                seen |= field;
        }
        if (r < 0 || seen != FIELDS_ALL)
                return -1;
        *ret = st;
        return 0;
}

int status_reply_read(const char *line, size_t size, int64_t id, struct scm_status *ret) {
        struct json_scan s;
        struct scm_status st;
        char key[8];
        bool first = true, have_id = false, have_result = false;
        int r;
        json_scan_init(&s, line, size);
        if (!json_scan_take(&s, '{'))
                return 0;
        while ((r = json_scan_next_key(&s, &first, key, sizeof(key))) > 0) {
                int64_t v;
                if (strcmp(key, "id") == 0) {
                        /* Another id (a late reply), or a null one: the general path's. */
                        if (have_id || json_scan_int(&s, &v) < 0 || v != id)
                                return 0;
                        have_id = true;
                } else if (strcmp(key, "result") == 0) {
                        if (have_result || read_status(&s, &st) < 0)
                                return 0;
                        have_result = true;
                } else if (strcmp(key, "error") == 0 || json_scan_skip(&s) < 0) {
                        return 0;
                }
        }
        if (r < 0 || !have_id || !have_result || !json_scan_at_end(&s))
                return 0;
        *ret = st;
        return 1;
}
