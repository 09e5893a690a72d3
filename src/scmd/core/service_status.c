/* SPDX-License-Identifier: MIT */
/*
 * A service's status object (docs/protocol.md, "Status"), written once:
 * service_status_write() writes its members as text, straight into a
 * reply (query_status answers thousands of times a second, and a tree of
 * jansson values cost more than the rest of the request), and
 * service_status_json() reads that text back for the callers that add to
 * the object or nest it.  One writer, so the two can never disagree.
 *
 * Text from services (status_text, a stop's comment) is written as valid
 * UTF-8 whatever it holds: a byte that begins no valid sequence becomes
 * U+FFFD (json_writer.h), where a tree would refuse the whole status.
 */
#include "service.h"

#include <stdint.h>

#include <jansson.h>
#include <scm/types.h>

#include "json_writer.h"
#include "process.h"

/* {"code":N} or {"signal":N}, or null. */
static void write_exit(struct json_writer *w, enum process_exit_kind kind, int value,
                       long oom_kills) {
        if (kind != EXIT_CODE && kind != EXIT_SIGNAL) {
                json_write_null(w);
                return;
        }
        json_write_object_begin(w);
        json_write_key(w, kind == EXIT_CODE ? "code" : "signal");
        json_write_int(w, value);
        if (oom_kills > 0) { /* its memory limit (resource.c) */
                json_write_key(w, "oom_kills");
                json_write_int(w, oom_kills);
        }
        json_write_object_end(w);
}

/* "last_reload": how the last reload command ended, or null. */
static void write_reload(struct json_writer *w, const struct service *s) {
        if (!s->reload_failed && s->reload_exit_kind == EXIT_NONE) {
                json_write_null(w);
                return;
        }
        json_write_object_begin(w);
        json_write_key(w, "succeeded");
        json_write_bool(w, !s->reload_failed);
        json_write_key(w, "exit");
        write_exit(w, s->reload_exit_kind, s->reload_exit_value, 0);
        json_write_object_end(w);
}

static void write_stop_reason(struct json_writer *w, const struct service *s) {
        json_write_key(w, "stop_reason");
        json_write_object_begin(w);
        json_write_key(w, "reason");
        json_write_int(w, s->stop_reason);
        json_write_key(w, "comment");
        json_write_string(w, s->stop_comment ? s->stop_comment : "");
        json_write_key(w, "time_us");
        json_write_int(w, s->stop_reason_time_us);
        json_write_object_end(w);
}

static void write_u32(struct json_writer *w, const char *key, uint32_t v) {
        json_write_key(w, key);
        json_write_int(w, v);
}

void service_status_write(const struct service *s, struct json_writer *w) {
        const char *names[8];
        int n = scm_accept_names(s->controls_accepted, names, 8);

        json_write_key(w, "name");
        json_write_string(w, s->config.name);
        json_write_key(w, "type");
        json_write_string(w, scm_type_name(s->config.type));
        json_write_key(w, "state");
        json_write_string(w, scm_state_name(s->state));
        json_write_key(w, "controls_accepted");
        json_write_array_begin(w);
        for (int i = 0; i < n && i < 8; i++)
                json_write_string(w, names[i]);
        json_write_array_end(w);
        write_u32(w, "win32_exit_code", s->win32_exit_code);
        write_u32(w, "service_exit_code", s->service_exit_code);
        write_u32(w, "checkpoint", s->checkpoint);
        write_u32(w, "wait_hint", s->wait_hint);
        json_write_key(w, "pid");
        json_write_int(w, service_pid(s));
        json_write_key(w, "desired");
        json_write_string(w, scm_state_name(s->desired));
        json_write_key(w, "marked_for_delete");
        json_write_bool(w, s->marked_for_delete);
        json_write_key(w, "process_exit");
        write_exit(w, s->exit_kind, s->exit_value, s->oom_kills);
        json_write_key(w, "status_text");
        json_write_string(w, service_status_text(s));
        json_write_key(w, "seq");
        json_write_int(w, (int64_t)events_seq(s));
        json_write_key(w, "reloading");
        json_write_bool(w, s->reloading);
        json_write_key(w, "last_reload");
        write_reload(w, s);
        if (s->stop_reason)
                write_stop_reason(w, s);
}

json_t *service_status_object(const struct service *s, service_status_writer *write) {
        struct json_writer w = JSON_WRITER_INIT;
        json_write_object_begin(&w);
        write(s, &w);
        json_write_object_end(&w);
        json_t *o = w.failed ? NULL : json_loadb(w.buf, w.len, 0, NULL);
        json_writer_free(&w);
        return o;
}

json_t *service_status_json(const struct service *s) {
        return service_status_object(s, service_status_write);
}
