/* SPDX-License-Identifier: MIT */
/* The control channel's messages; see control.h. */
#include "control.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <scm/types.h>

#include "cleanup.h"

static const char *const type_names[_CTL_MAX] = {
        [CTL_HELLO] = "hello",   [CTL_START] = "start",   [CTL_CONTROL] = "control",
        [CTL_STATUS] = "status", [CTL_RESULT] = "result", [CTL_MESSAGE] = "message",
};
_Static_assert(ELEMENTSOF(type_names) == _CTL_MAX, "every message type has a name");

#define KNOWN_ACCEPT_BITS                                                                          \
        (SCM_ACCEPT_STOP | SCM_ACCEPT_PAUSE_CONTINUE | SCM_ACCEPT_SHUTDOWN |                       \
         SCM_ACCEPT_PARAMCHANGE | SCM_ACCEPT_NETBINDCHANGE | SCM_ACCEPT_HARDWAREPROFILECHANGE |    \
         SCM_ACCEPT_POWEREVENT | SCM_ACCEPT_SESSIONCHANGE | SCM_ACCEPT_PRESHUTDOWN |               \
         SCM_ACCEPT_TIMECHANGE | SCM_ACCEPT_TRIGGEREVENT)

void control_msg_clear(struct control_msg *m) {
        json_decref(m->root);
        *m = (struct control_msg){0};
}

/* A signed 64-bit member, optional: false only when present and not one. */
static bool get_i64(json_t *o, const char *key, int64_t *ret) {
        json_t *v = json_object_get(o, key);
        if (v && !json_is_integer(v))
                return false;
        *ret = v ? (int64_t)json_integer_value(v) : 0;
        return true;
}

/* An unsigned 32-bit member, required. */
static bool get_u32(json_t *o, const char *key, uint32_t *ret) {
        json_t *v = json_object_get(o, key);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > (json_int_t)UINT32_MAX)
                return false;
        *ret = (uint32_t)json_integer_value(v);
        return true;
}

int control_status_check(const struct control_status *st, const char **ret_reason) {
        if (st->state < SCM_STATE_STOPPED || st->state >= _SCM_STATE_MAX) {
                *ret_reason = "the state is not one of the seven service states";
                return -EINVAL;
        }
        if (st->controls_accepted & ~(uint32_t)KNOWN_ACCEPT_BITS) {
                *ret_reason = "controls_accepted holds an unknown bit";
                return -EINVAL;
        }
        return 0;
}

static int parse_body(struct control_msg *m, const char **why) {
        json_t *o = m->root;
        if (m->type != CTL_HELLO) {
                m->service = json_string_value(json_object_get(o, "service"));
                if (!m->service) {
                        *why = "the message names no service";
                        return -EBADMSG;
                }
        }
        switch (m->type) {
        case CTL_HELLO:
                if (!get_u32(o, "version", &m->version))
                        return *why = "hello without a version", -EBADMSG;
                return 0;
        case CTL_START:
                m->args = json_object_get(o, "args");
                if (!json_is_array(m->args) || json_array_size(m->args) < 1)
                        return *why = "start without args", -EBADMSG;
                for (size_t i = 0; i < json_array_size(m->args); i++)
                        if (!json_is_string(json_array_get(m->args, i)))
                                return *why = "start args must be strings", -EBADMSG;
                return 0;
        case CTL_CONTROL:
                if (!get_u32(o, "id", &m->id) || !get_u32(o, "control", &m->control))
                        return *why = "control without id or code", -EBADMSG;
                if (json_object_get(o, "event_type") && !get_u32(o, "event_type", &m->event_type))
                        return *why = "control with a malformed event_type", -EBADMSG;
                if (!get_i64(o, "new_time", &m->new_time) || !get_i64(o, "old_time", &m->old_time))
                        return *why = "control with a malformed new_time or old_time", -EBADMSG;
                if (json_object_get(o, "session_id") && !get_u32(o, "session_id", &m->session_id))
                        return *why = "control with a malformed session_id", -EBADMSG;
                return 0;
        case CTL_RESULT:
                if (!get_u32(o, "id", &m->id) || !get_u32(o, "result", &m->result))
                        return *why = "result without id or value", -EBADMSG;
                return 0;
        case CTL_STATUS: {
                struct control_status *st = &m->status;
                if (!get_u32(o, "state", &st->state) ||
                    !get_u32(o, "controls_accepted", &st->controls_accepted) ||
                    !get_u32(o, "win32_exit_code", &st->win32_exit_code) ||
                    !get_u32(o, "service_exit_code", &st->service_exit_code) ||
                    !get_u32(o, "checkpoint", &st->checkpoint) ||
                    !get_u32(o, "wait_hint", &st->wait_hint))
                        return *why = "status with a missing or malformed field", -EBADMSG;
                return control_status_check(st, why) < 0 ? -EBADMSG : 0;
        }
        case CTL_MESSAGE:
                m->text = json_string_value(json_object_get(o, "text"));
                if (!m->text || strlen(m->text) > 1024)
                        return *why = "message without text, or longer than 1024 bytes", -EBADMSG;
                if (json_object_get(o, "users") && !json_is_boolean(json_object_get(o, "users")))
                        return *why = "message whose users is not true or false", -EBADMSG;
                m->users = json_is_true(json_object_get(o, "users"));
                return 0;
        default:
                return *why = "unknown message type", -EBADMSG;
        }
}

int control_msg_parse(const char *buf, size_t len, struct control_msg *ret,
                      const char **ret_reason) {
        struct control_msg m = {0};
        m.root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(m.root)) {
                *ret_reason = "the packet is not a JSON object";
                control_msg_clear(&m);
                return -EBADMSG;
        }
        const char *type = json_string_value(json_object_get(m.root, "type"));
        int t = -1;
        for (int i = 0; type && i < _CTL_MAX; i++)
                if (strcmp(type, type_names[i]) == 0)
                        t = i;
        if (t < 0) {
                *ret_reason = "the packet has no known type";
                control_msg_clear(&m);
                return -EBADMSG;
        }
        m.type = (enum control_type)t;
        int r = parse_body(&m, ret_reason);
        if (r < 0) {
                control_msg_clear(&m);
                return r;
        }
        *ret = m;
        return 0;
}

json_t *control_hello(void) {
        return json_pack("{s:s, s:i}", "type", "hello", "version", CONTROL_PROTOCOL_VERSION);
}

json_t *control_start(const char *service, char *const *args) {
        json_t *a = json_array();
        json_array_append_new(a, json_string(service));
        for (char *const *p = args; a && p && *p; p++)
                json_array_append_new(a, json_string(*p));
        return json_pack("{s:s, s:s, s:o}", "type", "start", "service", service, "args", a);
}

json_t *control_control(const char *service, uint32_t id, const struct control_event *ev) {
        json_t *o = json_pack("{s:s, s:s, s:I, s:I}", "type", "control", "service", service, "id",
                              (json_int_t)id, "control", (json_int_t)ev->control);
        if (o && ev->event_type &&
            json_object_set_new(o, "event_type", json_integer(ev->event_type)) < 0)
                goto fail;
        if (o && ev->control == SCM_CONTROL_TIMECHANGE &&
            (json_object_set_new(o, "new_time", json_integer(ev->new_time)) < 0 ||
             json_object_set_new(o, "old_time", json_integer(ev->old_time)) < 0))
                goto fail;
        if (o && ev->control == SCM_CONTROL_SESSIONCHANGE &&
            json_object_set_new(o, "session_id", json_integer(ev->session_id)) < 0)
                goto fail;
        return o;
fail:
        json_decref(o);
        return NULL;
}

json_t *control_status_msg(const char *service, const struct control_status *st) {
        return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "type", "status", "service",
                         service, "state", (json_int_t)st->state, "controls_accepted",
                         (json_int_t)st->controls_accepted, "win32_exit_code",
                         (json_int_t)st->win32_exit_code, "service_exit_code",
                         (json_int_t)st->service_exit_code, "checkpoint",
                         (json_int_t)st->checkpoint, "wait_hint", (json_int_t)st->wait_hint);
}

json_t *control_result(const char *service, uint32_t id, uint32_t result) {
        return json_pack("{s:s, s:s, s:I, s:I}", "type", "result", "service", service, "id",
                         (json_int_t)id, "result", (json_int_t)result);
}

json_t *control_message(const char *service, const char *text, bool users) {
        json_t *o =
                json_pack("{s:s, s:s, s:s}", "type", "message", "service", service, "text", text);
        if (o && users && json_object_set_new(o, "users", json_true()) < 0) {
                json_decref(o);
                return NULL;
        }
        return o;
}

int control_send(int fd, json_t *msg, int flags) {
        if (!msg)
                return -ENOMEM;
        _cleanup_free_ char *s = json_dumps(msg, JSON_COMPACT);
        json_decref(msg);
        if (!s)
                return -ENOMEM;
        size_t len = strlen(s);
        if (len > CONTROL_PACKET_MAX)
                return -EMSGSIZE;
        for (;;) {
                ssize_t n = send(fd, s, len, MSG_NOSIGNAL | flags);
                if (n >= 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}
