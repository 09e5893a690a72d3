/* SPDX-License-Identifier: MIT */
/*
 * The typed management calls of <scm/manage.h>: enumerate and its filters,
 * the reply objects read by field name (struct scm_object), the changes
 * built by field name (struct scm_change), the group order, account
 * privileges and a service's log.  Each is C values in, the protocol's
 * params out through scm_call(), and the result read back; a struct
 * scm_object and a struct scm_change are a JSON object underneath, which
 * no caller sees, so the protocol may grow fields without breaking them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scm/manage.h>
#include <scm/raw.h>

#include "client-internal.h"

struct scm_object {
        json_t *json;
};

struct scm_change {
        json_t *json;
};

/* ---- Helpers ---- */

static json_t *name_params(const char *name) {
        return name ? json_pack("{s:s}", "name", name) : NULL;
}

/* A JSON list of the strings of v (NULL-terminated; NULL: empty). */
static json_t *strings_json(const char *const *v) {
        json_t *list = json_array();
        for (size_t i = 0; list && v && v[i]; i++)
                if (json_array_append_new(list, json_string(v[i])) < 0) {
                        json_decref(list);
                        return NULL;
                }
        return list;
}

/* A malloc'd NULL-terminated copy of the strings of list. */
static int strings_copy(const json_t *list, char ***ret) {
        size_t n = json_array_size(list), i;
        json_t *v;

        if (!json_is_array(list))
                return -EPROTO;
        char **out = calloc(n + 1, sizeof(*out));
        if (!out)
                return -ENOMEM;
        json_array_foreach(list, i, v) {
                if (!json_is_string(v) || !(out[i] = strdup(json_string_value(v)))) {
                        int r = json_is_string(v) ? -ENOMEM : -EPROTO;
                        scm_strings_free(out);
                        return r;
                }
        }
        *ret = out;
        return 0;
}

void scm_strings_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

static int object_wrap(json_t *json, struct scm_object **ret) {
        if (!json_is_object(json)) {
                json_decref(json);
                return -EPROTO;
        }
        if (!ret) {
                json_decref(json);
                return 0;
        }
        struct scm_object *o = malloc(sizeof(*o));
        if (!o) {
                json_decref(json);
                return -ENOMEM;
        }
        o->json = json;
        *ret = o;
        return 0;
}

int manage_call_object(struct scm_client *c, const char *method, json_t *params,
                       struct scm_object **ret) {
        json_t *result = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, method, params, &result);
        if (r < 0)
                return r;
        return object_wrap(result, ret);
}

/* ---- Listing services ---- */

static const char *enum_state_name(enum scm_enum_state s) {
        return s == SCM_ENUM_ACTIVE ? "active" : s == SCM_ENUM_INACTIVE ? "inactive" : "all";
}

void scm_service_entries_free(struct scm_service_entry *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].name);
                free(v[i].display_name);
        }
        free(v);
}

static int entry_from_json(const json_t *o, struct scm_service_entry *e) {
        const char *name = json_string_value(json_object_get(o, "name"));
        const char *display = json_string_value(json_object_get(o, "display_name"));
        const char *start = json_string_value(json_object_get(o, "start_type"));

        if (!name || !display)
                return -EPROTO;
        e->start_type = start ? scm_start_type_from_name(start) : SCM_START_INVALID;
        int r = scm_status_from_json(json_object_get(o, "status"), &e->status);
        if (r < 0)
                return r == -EINVAL ? -EPROTO : r;
        e->name = strdup(name);
        e->display_name = strdup(display);
        return e->name && e->display_name ? 0 : -ENOMEM;
}

/* Calls method and reads its {"services":[...]} into entries. */
static int call_entries(struct scm_client *c, const char *method, json_t *params,
                        struct scm_service_entry **ret, size_t *ret_n) {
        json_t *result = NULL;
        if (!params)
                return -ENOMEM;
        if (!ret || !ret_n) {
                json_decref(params);
                return -EINVAL;
        }
        int r = scm_call(c, method, params, &result);
        if (r < 0)
                return r;
        json_t *list = json_object_get(result, "services");
        size_t n = json_array_size(list);
        struct scm_service_entry *v = calloc(n ? n : 1, sizeof(*v));
        r = !json_is_array(list) ? -EPROTO : v ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = entry_from_json(json_array_get(list, i), &v[i]);
        json_decref(result);
        if (r < 0) {
                scm_service_entries_free(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

int scm_enumerate(struct scm_client *c, const struct scm_enum_filter *filter,
                  struct scm_service_entry **ret, size_t *ret_n) {
        json_t *params = json_pack("{s:s}", "state", enum_state_name(filter ? filter->state : 0));
        if (params && filter && filter->type) {
                const char *type = scm_type_name(filter->type);
                if (!type) {
                        json_decref(params);
                        return -EINVAL;
                }
                json_object_set_new(params, "type", json_string(type));
        }
        if (params && filter && filter->group)
                json_object_set_new(params, "group", json_string(filter->group));
        return call_entries(c, "enumerate", params, ret, ret_n);
}

int scm_enumerate_dependents(struct scm_client *c, const char *name, enum scm_enum_state state,
                             struct scm_service_entry **ret, size_t *ret_n) {
        if (!name)
                return -EINVAL;
        json_t *params = json_pack("{s:s, s:s}", "name", name, "state", enum_state_name(state));
        return call_entries(c, "enumerate_dependents", params, ret, ret_n);
}

/* ---- Reply objects ---- */

const char *scm_object_string(const struct scm_object *o, const char *field) {
        return o && field ? json_string_value(json_object_get(o->json, field)) : NULL;
}

int scm_object_int(const struct scm_object *o, const char *field, int64_t *ret) {
        json_t *v = o && field ? json_object_get(o->json, field) : NULL;
        if (!v || json_is_null(v))
                return -ENOENT;
        if (json_is_boolean(v))
                *ret = json_is_true(v);
        else if (json_is_integer(v))
                *ret = json_integer_value(v);
        else
                return -EPROTO;
        return 0;
}

int scm_object_bool(const struct scm_object *o, const char *field, bool *ret) {
        int64_t v;
        int r = scm_object_int(o, field, &v);
        if (r < 0)
                return r;
        *ret = v != 0;
        return 0;
}

int scm_object_strings(const struct scm_object *o, const char *field, const char ***ret) {
        json_t *list = o && field ? json_object_get(o->json, field) : NULL;
        size_t i;
        json_t *v;

        if (!list || json_is_null(list))
                return -ENOENT;
        if (!json_is_array(list))
                return -EPROTO;
        const char **out = calloc(json_array_size(list) + 1, sizeof(*out));
        if (!out)
                return -ENOMEM;
        json_array_foreach(list, i, v) {
                if (!(out[i] = json_string_value(v))) {
                        free(out);
                        return -EPROTO;
                }
        }
        *ret = out;
        return 0;
}

char *scm_object_text(const struct scm_object *o, const char *field) {
        json_t *v = o && field ? json_object_get(o->json, field) : NULL;
        return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

const char *scm_object_field(const struct scm_object *o, size_t i) {
        const char *key;
        json_t *v;

        if (!o)
                return NULL;
        json_object_foreach(o->json, key, v) {
                if (i-- == 0)
                        return key;
        }
        return NULL;
}

void scm_object_free(struct scm_object *o) {
        if (!o)
                return;
        json_decref(o->json);
        free(o);
}

/* ---- Configuration ---- */

int scm_query_config(struct scm_client *c, const char *name, struct scm_object **ret) {
        return name && ret ? manage_call_object(c, "query_config", name_params(name), ret)
                           : -EINVAL;
}

int scm_query_security(struct scm_client *c, const char *name, struct scm_object **ret) {
        return name && ret ? manage_call_object(c, "query_security", name_params(name), ret)
                           : -EINVAL;
}

struct scm_change *scm_change_new(void) {
        struct scm_change *ch = malloc(sizeof(*ch));
        if (ch && !(ch->json = json_object())) {
                free(ch);
                return NULL;
        }
        return ch;
}

void scm_change_free(struct scm_change *ch) {
        if (!ch)
                return;
        json_decref(ch->json);
        free(ch);
}

/* Sets field to v (consumed). */
static int change_set(struct scm_change *ch, const char *field, json_t *v) {
        if (!ch || !field) {
                json_decref(v);
                return -EINVAL;
        }
        return v && json_object_set_new(ch->json, field, v) == 0 ? 0 : -ENOMEM;
}

int scm_change_set_string(struct scm_change *ch, const char *field, const char *value) {
        if (!value)
                return -EINVAL;
        return change_set(ch, field, json_string(value));
}

int scm_change_set_int(struct scm_change *ch, const char *field, int64_t value) {
        return change_set(ch, field, json_integer(value));
}

int scm_change_set_bool(struct scm_change *ch, const char *field, bool value) {
        return change_set(ch, field, json_boolean(value));
}

int scm_change_set_strings(struct scm_change *ch, const char *field, const char *const *values) {
        return change_set(ch, field, strings_json(values));
}

int scm_change_set_null(struct scm_change *ch, const char *field) {
        return change_set(ch, field, json_null());
}

int scm_change_set_text(struct scm_change *ch, const char *field, const char *json_text) {
        if (!json_text)
                return -EINVAL;
        json_t *v = json_loads(json_text, JSON_DECODE_ANY, NULL);
        return v ? change_set(ch, field, v) : -EINVAL;
}

json_t *manage_with_change(json_t *params, const struct scm_change *ch) {
        if (params && ch && json_object_update_missing(params, ch->json) < 0) {
                json_decref(params);
                return NULL;
        }
        return params;
}

int scm_change_config(struct scm_client *c, const char *name, const struct scm_change *ch,
                      struct scm_object **ret_config) {
        if (!name || !ch)
                return -EINVAL;
        return manage_call_object(c, "change_config", manage_with_change(name_params(name), ch),
                                  ret_config);
}

int scm_create_service_with(struct scm_client *c, const char *name, const char *command_line,
                            const struct scm_change *ch, struct scm_object **ret_config) {
        if (!name || !command_line)
                return -EINVAL;
        json_t *params = json_pack("{s:s, s:s}", "name", name, "command_line", command_line);
        return manage_call_object(c, "create", manage_with_change(params, ch), ret_config);
}

/* ---- Groups and account privileges ---- */

/* Calls method and copies the string list result[key] to *ret (may be NULL). */
static int call_strings(struct scm_client *c, const char *method, json_t *params, const char *key,
                        char ***ret, bool *ret_all) {
        json_t *result = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, method, params, &result);
        if (r < 0)
                return r;
        if (ret_all)
                *ret_all = json_is_true(json_object_get(result, "all"));
        r = ret ? strings_copy(json_object_get(result, key), ret) : 0;
        json_decref(result);
        return r;
}

int scm_query_group_order(struct scm_client *c, char ***ret) {
        return ret ? call_strings(c, "query_group_order", json_object(), "groups", ret, NULL)
                   : -EINVAL;
}

int scm_set_group_order(struct scm_client *c, const char *const *groups) {
        json_t *list = strings_json(groups);
        json_t *params = list ? json_pack("{s:o}", "groups", list) : NULL;
        return call_strings(c, "set_group_order", params, "groups", NULL, NULL);
}

static int account_rights(struct scm_client *c, const char *method, const char *account,
                          const char *const *privileges, char ***ret, bool *ret_all) {
        if (!account)
                return -EINVAL;
        json_t *params = json_pack("{s:s}", "account", account);
        if (params && privileges &&
            json_object_set_new(params, "privileges", strings_json(privileges)) < 0) {
                json_decref(params);
                params = NULL;
        }
        return call_strings(c, method, params, "privileges", ret, ret_all);
}

int scm_add_account_rights(struct scm_client *c, const char *account, const char *const *privileges,
                           char ***ret) {
        if (!privileges)
                return -EINVAL;
        return account_rights(c, "add_account_rights", account, privileges, ret, NULL);
}

int scm_remove_account_rights(struct scm_client *c, const char *account,
                              const char *const *privileges, char ***ret) {
        if (!privileges)
                return -EINVAL;
        return account_rights(c, "remove_account_rights", account, privileges, ret, NULL);
}

int scm_query_account_rights(struct scm_client *c, const char *account, char ***ret,
                             bool *ret_all) {
        return account_rights(c, "query_account_rights", account, NULL, ret, ret_all);
}

/* ---- Logs ---- */

void scm_log_chunk_clear(struct scm_log_chunk *chunk) {
        if (!chunk)
                return;
        free(chunk->data);
        *chunk = (struct scm_log_chunk){0};
}

static int read_log(struct scm_client *c, json_t *params, struct scm_log_chunk *ret) {
        json_t *result = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, "read_log", params, &result);
        if (r < 0)
                return r;
        json_t *data = json_object_get(result, "data");
        json_t *offset = json_object_get(result, "offset");
        json_t *file_id = json_object_get(result, "file_id");
        if (!json_is_string(data) || !json_is_integer(offset) || !json_is_integer(file_id) ||
            json_integer_value(offset) < 0) {
                json_decref(result);
                return -EPROTO;
        }
        struct scm_log_chunk chunk = {
                .size = json_string_length(data),
                .offset = (uint64_t)json_integer_value(offset),
                .file_id = (uint64_t)json_integer_value(file_id),
        };
        chunk.data = malloc(chunk.size + 1);
        if (chunk.data) {
                memcpy(chunk.data, json_string_value(data), chunk.size);
                chunk.data[chunk.size] = '\0';
        }
        json_decref(result);
        if (!chunk.data)
                return -ENOMEM;
        *ret = chunk;
        return 0;
}

int scm_read_log_tail(struct scm_client *c, const char *name, unsigned lines,
                      struct scm_log_chunk *ret) {
        if (!name || !ret)
                return -EINVAL;
        return read_log(c, json_pack("{s:s, s:I}", "name", name, "lines", (json_int_t)lines), ret);
}

int scm_read_log_from(struct scm_client *c, const char *name, uint64_t file_id, uint64_t offset,
                      struct scm_log_chunk *ret) {
        if (!name || !ret || offset > INT64_MAX || file_id > INT64_MAX)
                return -EINVAL;
        return read_log(c,
                        json_pack("{s:s, s:I, s:I}", "name", name, "offset", (json_int_t)offset,
                                  "file_id", (json_int_t)file_id),
                        ret);
}
