/* SPDX-License-Identifier: MIT */
/*
 * The typed service operations of <scm/client.h> (QueryServiceStatusEx,
 * StartService, ControlService, DeleteService, CreateService): C values in,
 * the protocol's JSON params out through scm_call(), and the result read
 * back into C values.  Nothing here knows about sockets.
 *
 * A status is read by status.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <scm/client.h>
#include <scm/raw.h>

#include "cleanup.h"
#include "client-internal.h"

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

static int take_status_reply(const char *line, size_t size, json_int_t id, void *ret) {
        return status_reply_read(line, size, id, ret);
}

/* The request written as text and the reply read without a tree when it
 * is the status it should be (status.c); else as every other call. */
int scm_query_status(struct scm_client *c, const char *name, struct scm_status *ret) {
        if (!name || !ret)
                return -EINVAL;
        struct scm_status s;
        json_t *result = NULL;
        int r = client_call_named(c, "query_status", name, take_status_reply, &s, &result);
        if (r == 0) {
                r = scm_status_from_json(result, &s) < 0 ? -EPROTO : 1;
                json_decref(result);
        }
        if (r < 0)
                return r;
        *ret = s;
        return 0;
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
