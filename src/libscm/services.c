/* SPDX-License-Identifier: MIT */
/*
 * The typed service operations of <scm/client.h> (QueryServiceStatusEx,
 * StartService, ControlService, DeleteService, CreateService): C values in,
 * the protocol's JSON params out through scm_call(), and the result read
 * back into C values.  Nothing here knows about sockets.
 *
 * Readers are strict about what the protocol promises (a missing or
 * mistyped field is -EPROTO) and lenient about what it may grow: unknown
 * fields and unknown names of accepted controls are ignored.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <scm/client.h>
#include <scm/raw.h>

#include "cleanup.h"

static int get_u32(const json_t *obj, const char *key, uint32_t *ret) {
        json_t *v = json_object_get(obj, key);
        if (!json_is_integer(v))
                return -EPROTO;
        json_int_t i = json_integer_value(v);
        /* Exit codes may come signed; the Win32 fields are DWORDs. */
        if (i < INT32_MIN || i > (json_int_t)UINT32_MAX)
                return -EPROTO;
        *ret = (uint32_t)i;
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

/* Calls method and reads its status result into *ret (may be NULL). */
static int call_for_status(struct scm_client *c, const char *method, json_t *params,
                           struct scm_status *ret) {
        json_t *result = NULL;
        int r = scm_call(c, method, params, &result);
        if (r < 0)
                return r;
        struct scm_status s;
        r = scm_status_from_json(result, &s);
        json_decref(result);
        if (r < 0)
                return -EPROTO;
        if (ret)
                *ret = s;
        return 0;
}

/* {"name": name}, or NULL when out of memory or name is not UTF-8. */
static json_t *name_params(const char *name) {
        return name ? json_pack("{s:s}", "name", name) : NULL;
}

int scm_query_status(struct scm_client *c, const char *name, struct scm_status *ret) {
        if (!name || !ret)
                return -EINVAL;
        json_t *params = name_params(name);
        if (!params)
                return -ENOMEM;
        return call_for_status(c, "query_status", params, ret);
}

static int strv_to_json(const char *const *v, json_t **ret) {
        json_t *list = json_array();
        if (!list)
                return -ENOMEM;
        for (; v && *v; v++)
                if (json_array_append_new(list, json_string(*v)) < 0) {
                        json_decref(list);
                        return -EINVAL; /* not UTF-8, or out of memory */
                }
        *ret = list;
        return 0;
}

int scm_start_service(struct scm_client *c, const char *name, const char *const *args,
                      struct scm_status *ret) {
        if (!name)
                return -EINVAL;
        json_t *params = name_params(name);
        if (!params)
                return -ENOMEM;
        if (args && args[0]) {
                json_t *list;
                int r = strv_to_json(args, &list);
                if (r < 0 || json_object_set_new(params, "args", list) < 0) {
                        json_decref(params);
                        return r < 0 ? r : -ENOMEM;
                }
        }
        return call_for_status(c, "start", params, ret);
}

/* The wire form of a control: its name, or its number for a service's own
 * control.  Shutdown and preshutdown are scmd's to send, not a client's. */
static int control_to_json(int control, json_t **ret) {
        static const char *const names[] = {
                [SCM_CONTROL_STOP] = "stop",
                [SCM_CONTROL_PAUSE] = "pause",
                [SCM_CONTROL_CONTINUE] = "continue",
                [SCM_CONTROL_INTERROGATE] = "interrogate",
                [SCM_CONTROL_PARAMCHANGE] = "paramchange",
        };
        json_t *v;

        if (control >= 0 && (size_t)control < ELEMENTSOF(names) && names[control])
                v = json_string(names[control]);
        else if (control >= SCM_CONTROL_CUSTOM_FIRST && control <= SCM_CONTROL_CUSTOM_LAST)
                v = json_integer(control);
        else
                return -EINVAL;
        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}

int scm_control_service(struct scm_client *c, const char *name, int control,
                        struct scm_status *ret) {
        return scm_control_service_reason(c, name, control, 0, NULL, ret);
}

int scm_control_service_reason(struct scm_client *c, const char *name, int control, uint32_t reason,
                               const char *comment, struct scm_status *ret) {
        json_t *v;
        int r = control_to_json(control, &v);
        if (r < 0)
                return r;
        json_t *params = name_params(name);
        if (!params || json_object_set_new(params, "control", v) < 0) {
                if (!params)
                        json_decref(v);
                json_decref(params);
                return name ? -ENOMEM : -EINVAL;
        }
        if ((reason && json_object_set_new(params, "reason", json_integer(reason)) < 0) ||
            (comment && json_object_set_new(params, "comment", json_string(comment)) < 0)) {
                json_decref(params);
                return -ENOMEM;
        }
        return call_for_status(c, "control", params, ret);
}

int scm_delete_service(struct scm_client *c, const char *name, bool *ret_marked) {
        if (!name)
                return -EINVAL;
        json_t *params = name_params(name);
        if (!params)
                return -ENOMEM;
        json_t *result = NULL;
        int r = scm_call(c, "delete", params, &result);
        if (r < 0)
                return r;
        json_t *deleted = json_object_get(result, "deleted");
        bool ok = json_is_boolean(deleted);
        bool marked = !json_is_true(deleted);
        json_decref(result);
        if (!ok)
                return -EPROTO;
        if (ret_marked)
                *ret_marked = marked;
        return 0;
}

/* The object of an access-list call: {"name": name}, or {"scm": true}. */
static json_t *object_params(const char *name) {
        return name ? name_params(name) : json_pack("{s:b}", "scm", true);
}

int scm_query_object_security(struct scm_client *c, const char *name, char **ret) {
        json_t *params = object_params(name);
        if (!params)
                return -ENOMEM;
        json_t *result = NULL;
        int r = scm_call(c, "query_object_security", params, &result);
        if (r < 0)
                return r;
        const char *text = json_string_value(json_object_get(result, "access_list"));
        char *copy = text ? strdup(text) : NULL;
        json_decref(result);
        if (!text)
                return -EPROTO;
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

int scm_set_object_security(struct scm_client *c, const char *name, const char *text) {
        json_t *params = object_params(name);
        if (!params)
                return -ENOMEM;
        int r = text ? json_object_set_new(params, "access_list", json_string(text))
                     : json_object_set_new(params, "default", json_true());
        if (r < 0) {
                json_decref(params);
                return -EINVAL; /* text is not UTF-8 */
        }
        json_t *result = NULL;
        r = scm_call(c, "set_object_security", params, &result);
        json_decref(result);
        return r < 0 ? r : 0;
}

/* Adds key: value when value is not NULL. */
static int set_string(json_t *params, const char *key, const char *value) {
        if (!value)
                return 0;
        return json_object_set_new(params, key, json_string(value)) < 0 ? -EINVAL : 0;
}

static json_t *create_params(const struct scm_service_config *config) {
        const char *type = scm_type_name(config->type);
        const char *start = scm_start_type_name(config->start_type);
        const char *error_control = scm_error_control_name(config->error_control);

        if (!type || !start || !error_control)
                return NULL;
        json_t *params = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", config->name,
                                   "command_line", config->command_line, "type", type, "start_type",
                                   start, "error_control", error_control);
        if (!params)
                return NULL;
        json_t *deps = NULL;
        if (set_string(params, "display_name", config->display_name) < 0 ||
            set_string(params, "description", config->description) < 0 ||
            set_string(params, "account", config->account) < 0 ||
            set_string(params, "group", config->group) < 0 ||
            (config->dependencies && (strv_to_json(config->dependencies, &deps) < 0 ||
                                      json_object_set_new(params, "dependencies", deps) < 0))) {
                json_decref(params);
                return NULL;
        }
        return params;
}

int scm_create_service(struct scm_client *c, const struct scm_service_config *config) {
        if (!config || !config->name || !config->command_line)
                return -EINVAL;
        /* A value out of range or text that is not UTF-8 is the caller's
         * mistake far more often than memory running out. */
        json_t *params = create_params(config);
        if (!params)
                return -EINVAL;
        json_t *result = NULL;
        int r = scm_call(c, "create", params, &result);
        json_decref(result);
        return r;
}

/* Calls method with {key: value} and copies the string field of its result. */
static int call_for_string(struct scm_client *c, const char *method, const char *key,
                           const char *value, const char *field, char **ret) {
        if (!value)
                return -EINVAL;
        json_t *params = json_pack("{ss}", key, value);
        if (!params)
                return -ENOMEM;
        json_t *result = NULL;
        int r = scm_call(c, method, params, &result);
        if (r < 0)
                return r;
        const char *text = json_string_value(json_object_get(result, field));
        char *copy = text ? strdup(text) : NULL;
        json_decref(result);
        if (!text)
                return -EPROTO;
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

int scm_get_key_name(struct scm_client *c, const char *display_name, char **ret) {
        return call_for_string(c, "get_key_name", "display_name", display_name, "name", ret);
}

int scm_get_display_name(struct scm_client *c, const char *name, char **ret) {
        return call_for_string(c, "get_display_name", "name", name, "display_name", ret);
}
