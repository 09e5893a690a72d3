/* SPDX-License-Identifier: MIT */
/*
 * Service parameters, the registry way: query_parameters, set_parameter,
 * delete_parameter (RegQueryValueEx, RegEnumValue, RegSetValueEx,
 * RegDeleteValue on HKLM\SYSTEM\CurrentControlSet\Services\NAME).
 *
 * A key is named by its path below the service's key: "Parameters" or
 * "Parameters\Sub\..." holds the service's own values (db_param.c stores
 * them); "" is the service's key itself, which shows its configuration as
 * Windows' standard values (ImagePath, Start, Type, ...) and is read-only:
 * change_config changes those.  Here the protocol's JSON becomes the
 * registry's bytes and back: REG_SZ and REG_EXPAND_SZ a string, REG_MULTI_SZ
 * a list of non-empty strings, REG_DWORD and REG_QWORD a number, REG_BINARY
 * hex digits.  Reading needs query-config, writing change-config (rpc.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <scm/error.h>

#include "cleanup.h"
#include "db.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"
#include "service.h"
#include "validate.h"

#define PARAM_KEY_MAX_BYTES 512
#define PARAM_NAME_MAX_BYTES 1024
#define PARAM_DATA_MAX_BYTES 32768
#define PARAM_VALUES_MAX 1024

static const char *const types[] = {"sz", "expand_sz", "multi_sz", "dword", "qword", "binary"};

static bool known_type(const char *t) {
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (strcmp(types[i], t) == 0)
                        return true;
        return false;
}

/* ---- key paths ---- */

/* Checks key: "" (the service's key), or "Parameters" followed by
 * "\Sub" parts, each 1-255 bytes without control characters.  Writes the
 * canonical spelling ("Parameters" so cased) into buf. */
static int check_key(struct rpc_call *call, const char *key, char *buf, size_t size) {
        if (!key[0]) {
                buf[0] = 0;
                return 0;
        }
        size_t len = strlen(key);
        if (strncasecmp(key, "Parameters", 10) != 0 || (key[10] && key[10] != '\\') || len >= size)
                return rpc_fail(call, SCM_ERROR_FILE_NOT_FOUND,
                                "no key '%.64s' under the service's key: parameters live under "
                                "'Parameters' and its subkeys",
                                key);
        for (const char *p = key + 10; *p; p++) {
                size_t part = strcspn(p + 1, "\\");
                if (*p == '\\' && (part == 0 || part > 255))
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "the key '%.64s' has an empty part or one longer than "
                                        "255 bytes",
                                        key);
        }
        memcpy(buf, "Parameters", 10);
        memcpy(buf + 10, key + 10, len - 10 + 1);
        return 0;
}

static int get_key(struct rpc_call *call, bool writing, char *buf, size_t size) {
        const char *key;
        int r = rpc_get_string(call, "key", false, PARAM_KEY_MAX_BYTES, &key);
        if (r < 0)
                return r;
        r = check_key(call, key ? key : "Parameters", buf, size);
        if (r >= 0 && writing && !buf[0])
                return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                                "the service's own key shows its configuration and is read-only: "
                                "change it with change_config (scctl config)");
        return r;
}

/* ---- JSON <-> the registry's bytes ---- */

struct bytes {
        unsigned char *p;
        size_t n;
};

static int put(struct bytes *b, const void *p, size_t n) {
        unsigned char *q = realloc(b->p, b->n + n + 1);
        if (!q)
                return -ENOMEM;
        memcpy(q + b->n, p, n);
        b->p = q;
        b->n += n;
        return 0;
}

static int encode_multi(struct rpc_call *call, json_t *data, struct bytes *b) {
        size_t i;
        json_t *e;
        if (!json_is_array(data))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "a multi_sz value is a list of strings");
        json_array_foreach(data, i, e) {
                if (!json_is_string(e) || json_string_length(e) == 0 ||
                    strlen(json_string_value(e)) != json_string_length(e))
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "entry %zu of a multi_sz value must be a non-empty "
                                        "string without NUL",
                                        i);
                if (put(b, json_string_value(e), json_string_length(e) + 1) < 0)
                        return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        return 0;
}

static int encode_number(struct rpc_call *call, const char *type, json_t *data, struct bytes *b) {
        bool dword = strcmp(type, "dword") == 0;
        json_int_t v = json_integer_value(data);
        if (!json_is_integer(data) || v < 0 || (dword && v > UINT32_MAX))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "a %s value is a whole number from 0 to %s", type,
                                dword ? "4294967295" : "9223372036854775807");
        unsigned char le[8];
        for (int i = 0; i < 8; i++)
                le[i] = (unsigned char)((uint64_t)v >> (8 * i));
        return put(b, le, dword ? 4 : 8) < 0
                       ? rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory")
                       : 0;
}

static int hex_digit(char c) {
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
}

static int encode_binary(struct rpc_call *call, json_t *data, struct bytes *b) {
        const char *s = json_string_value(data);
        size_t n = s ? strlen(s) : 0;
        if (!s || n % 2)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "a binary value is a string of hex digits, two per byte");
        for (size_t i = 0; i < n; i += 2) {
                int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
                if (hi < 0 || lo < 0)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "'%c%c' in a binary value is not two hex digits", s[i],
                                        s[i + 1]);
                unsigned char byte = (unsigned char)(hi << 4 | lo);
                if (put(b, &byte, 1) < 0)
                        return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        return 0;
}

static int encode(struct rpc_call *call, const char *type, json_t *data, struct bytes *b) {
        int r;
        if (!data)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'data' is required");
        if (strcmp(type, "sz") == 0 || strcmp(type, "expand_sz") == 0) {
                if (!json_is_string(data) ||
                    strlen(json_string_value(data)) != json_string_length(data))
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "a %s value is a string without NUL", type);
                r = put(b, json_string_value(data), json_string_length(data)) < 0
                            ? rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory")
                            : 0;
        } else if (strcmp(type, "multi_sz") == 0)
                r = encode_multi(call, data, b);
        else if (strcmp(type, "binary") == 0)
                r = encode_binary(call, data, b);
        else
                r = encode_number(call, type, data, b);
        if (r >= 0 && b->n > PARAM_DATA_MAX_BYTES)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the value's data is %zu bytes, more than %d", b->n,
                                PARAM_DATA_MAX_BYTES);
        return r;
}

static json_t *decode(const char *type, const unsigned char *p, size_t n) {
        if (strcmp(type, "sz") == 0 || strcmp(type, "expand_sz") == 0)
                return json_stringn_nocheck((const char *)p, n);
        if (strcmp(type, "multi_sz") == 0) {
                json_t *a = json_array();
                for (size_t i = 0; a && i < n;) {
                        size_t len = strnlen((const char *)p + i, n - i);
                        json_array_append_new(a, json_stringn_nocheck((const char *)p + i, len));
                        i += len + 1;
                }
                return a;
        }
        if (strcmp(type, "dword") == 0 || strcmp(type, "qword") == 0) {
                uint64_t v = 0;
                for (size_t i = 0; i < n && i < 8; i++)
                        v |= (uint64_t)p[i] << (8 * i);
                return json_integer((json_int_t)v);
        }
        char *hex = malloc(2 * n + 1);
        for (size_t i = 0; hex && i < n; i++)
                snprintf(hex + 2 * i, 3, "%02x", p[i]);
        if (hex)
                hex[2 * n] = 0;
        json_t *s = hex ? json_string(hex) : NULL;
        free(hex);
        return s;
}

/* ---- query_parameters ---- */

struct listing {
        const char *key;        /* the key asked for */
        const char *value_name; /* NULL: every value */
        json_t *values, *subkeys;
};

static void add_subkey(json_t *subkeys, const char *name, size_t len) {
        size_t i;
        json_t *e;
        json_array_foreach(subkeys, i, e) {
                if (strlen(json_string_value(e)) == len &&
                    strncasecmp(json_string_value(e), name, len) == 0)
                        return;
        }
        json_array_append_new(subkeys, json_stringn(name, len));
}

static json_t *value_json(const char *name, const char *type, json_t *data) {
        return json_pack("{s:s, s:s, s:o}", "name", name, "type", type, "data", data);
}

static int on_row(void *userdata, const struct db_param_row *row) {
        struct listing *l = userdata;
        if (strcasecmp(row->key, l->key) != 0) {
                if (l->value_name)
                        return 0;
                const char *below = row->key + strlen(l->key) + 1;
                add_subkey(l->subkeys, below, strcspn(below, "\\"));
                return 0;
        }
        if (l->value_name && strcasecmp(row->value_name, l->value_name) != 0)
                return 0;
        json_t *data = decode(row->type, row->data, row->size);
        return data && json_array_append_new(l->values,
                                             value_json(row->value_name, row->type, data)) == 0
                       ? 0
                       : -ENOMEM;
}

static json_t *multi(char **v, bool groups) {
        json_t *a = json_array();
        for (; a && v && *v; v++)
                if ((**v == '+') == groups)
                        json_array_append_new(a, json_string(*v + groups));
        return a;
}

/* The service's own key: its configuration as Windows' standard values. */
static void standard_values(const struct service *s, struct listing *l) {
        const struct service_config *c = &s->config;
        bool delayed = c->start_type == SCM_START_DELAYED_AUTO;
        struct {
                const char *name, *type;
                json_t *data;
        } v[] = {
                {"DependOnGroup", "multi_sz", multi(c->dependencies, true)},
                {"DependOnService", "multi_sz", multi(c->dependencies, false)},
                {"Description", "sz", json_string(c->description ? c->description : "")},
                {"DisplayName", "sz", json_string(c->display_name)},
                {"ErrorControl", "dword", json_integer(c->error_control)},
                {"Group", "sz", json_string(c->group ? c->group : "")},
                {"ImagePath", "expand_sz", json_string(c->command_line)},
                {"ObjectName", "sz",
                 json_string(c->account && c->account[0] ? c->account : "LocalSystem")},
                {"Start", "dword", json_integer(delayed ? SCM_START_AUTO : (int)c->start_type)},
                {"Type", "dword", json_integer(c->type)},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                /* As Windows, an empty list or text is no value at all. */
                bool empty = json_array_size(v[i].data) == 0 && json_is_array(v[i].data);
                empty = empty || (json_is_string(v[i].data) && !json_string_value(v[i].data)[0]);
                if (empty || (l->value_name && strcasecmp(l->value_name, v[i].name) != 0))
                        json_decref(v[i].data);
                else
                        json_array_append_new(l->values,
                                              value_json(v[i].name, v[i].type, v[i].data));
        }
        if (delayed && (!l->value_name || strcasecmp(l->value_name, "DelayedAutostart") == 0))
                json_array_append_new(l->values,
                                      value_json("DelayedAutostart", "dword", json_integer(1)));
        if (!l->value_name)
                json_array_append_new(l->subkeys, json_string("Parameters"));
}

static int listing_result(struct rpc_call *call, const struct service *s, struct listing *l,
                          json_t **ret) {
        bool found = !l->value_name ? json_array_size(l->values) + json_array_size(l->subkeys) ||
                                              strcmp(l->key, "Parameters") == 0
                                    : json_array_size(l->values) > 0;
        if (!found)
                return rpc_fail(call, SCM_ERROR_FILE_NOT_FOUND,
                                l->value_name ? "service %s has no value '%.64s' under '%s'"
                                              : "service %s has no key '%s'%.0s",
                                s->config.name, l->value_name ? l->value_name : l->key, l->key);
        *ret = json_pack("{s:s, s:s, s:O, s:O}", "name", s->config.name, "key", l->key, "values",
                         l->values, "subkeys", l->subkeys);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int rpc_query_parameters(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "key", "value", NULL};
        struct service *s;
        char key[PARAM_KEY_MAX_BYTES + 1];
        const char *value_name = NULL;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = get_key(call, false, key, sizeof(key));
        if (r >= 0)
                r = rpc_get_string(call, "value", false, PARAM_NAME_MAX_BYTES, &value_name);
        if (r < 0)
                return r;
        struct listing l = {key, value_name, json_array(), json_array()};
        if (!l.values || !l.subkeys)
                r = -ENOMEM;
        else if (!key[0])
                standard_values(s, &l);
        else
                r = db_param_list(call->manager->db, s->id, key, on_row, &l);
        if (r >= 0)
                r = listing_result(call, s, &l, ret);
        else
                r = rpc_fail(call,
                             r == -ENOMEM ? SCM_ERROR_NOT_ENOUGH_MEMORY
                                          : SCM_ERROR_SERVICE_DATABASE_LOCKED,
                             "the parameters could not be read: %s", strerror(-r));
        json_decref(l.values);
        json_decref(l.subkeys);
        return r;
}

/* ---- set_parameter, delete_parameter ---- */

static int get_write_target(struct rpc_call *call, const char *const *keys, struct service **s,
                            char *key, size_t size, const char **value_name) {
        int r = rpc_get_service_checked(call, keys, s);
        if (r >= 0 && (*s)->marked_for_delete)
                r = rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                             "service %s is marked for delete", (*s)->config.name);
        if (r >= 0)
                r = get_key(call, true, key, size);
        if (r >= 0)
                r = rpc_get_string(call, "value", true, PARAM_NAME_MAX_BYTES, value_name);
        return r;
}

static int check_room(struct rpc_call *call, const struct service *s) {
        int64_t n = 0;
        int r = db_param_count(call->manager->db, s->id, &n);
        if (r < 0)
                return rpc_database_failed(call, r);
        if (n >= PARAM_VALUES_MAX)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s already has %d parameter values", s->config.name,
                                PARAM_VALUES_MAX);
        return 0;
}

int rpc_set_parameter(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "key", "value", "type", "data", NULL};
        struct service *s;
        char key[PARAM_KEY_MAX_BYTES + 1];
        const char *value_name, *type;
        struct bytes b = {0};
        bool replaced = false;
        int r = get_write_target(call, keys, &s, key, sizeof(key), &value_name);
        if (r >= 0)
                r = rpc_get_string(call, "type", true, 16, &type);
        if (r >= 0 && !known_type(type))
                r = rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                             "unknown value type '%s': sz, expand_sz, multi_sz, dword, qword or "
                             "binary",
                             type);
        if (r >= 0)
                r = encode(call, type, json_object_get(call->params, "data"), &b);
        if (r >= 0)
                r = check_room(call, s);
        if (r >= 0) {
                struct db_param_row row = {key, value_name, type, b.p, b.n};
                int d = db_param_set(call->manager->db, s->id, &row, &replaced);
                if (d < 0)
                        r = rpc_database_failed(call, d);
        }
        free(b.p);
        if (r < 0)
                return r;
        log_info("service %s: parameter %s\\%s %s", s->config.name, key, value_name,
                 replaced ? "replaced" : "added");
        *ret = json_pack("{s:s, s:s, s:s, s:b}", "name", s->config.name, "key", key, "value",
                         value_name, "replaced", replaced);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int rpc_delete_parameter(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "key", "value", NULL};
        struct service *s;
        char key[PARAM_KEY_MAX_BYTES + 1];
        const char *value_name;
        int r = get_write_target(call, keys, &s, key, sizeof(key), &value_name);
        if (r < 0)
                return r;
        r = db_param_delete(call->manager->db, s->id, key, value_name);
        if (r == -ENOENT)
                return rpc_fail(call, SCM_ERROR_FILE_NOT_FOUND,
                                "service %s has no value '%.64s' under '%s'", s->config.name,
                                value_name, key);
        if (r < 0)
                return rpc_database_failed(call, r);
        log_info("service %s: parameter %s\\%s deleted", s->config.name, key, value_name);
        *ret = json_object();
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

/* delete_parameter_key (RegDeleteKey): a key's values, in one statement;
 * a key with subkeys stays, as on Windows. */
int rpc_delete_parameter_key(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "key", NULL};
        struct service *s;
        char key[PARAM_KEY_MAX_BYTES + 1];
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0 && s->marked_for_delete)
                r = rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                             "service %s is marked for delete", s->config.name);
        if (r >= 0 && !json_object_get(call->params, "key"))
                r = rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                             "missing parameter 'key': the key to delete, such as "
                             "Parameters\\Sub");
        if (r >= 0)
                r = get_key(call, true, key, sizeof(key));
        if (r < 0)
                return r;
        r = db_param_delete_key(call->manager->db, s->id, key);
        if (r == -ENOTEMPTY)
                return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                                "key '%s' of service %s has subkeys: delete them first", key,
                                s->config.name);
        /* Parameters always exists, empty or not. */
        if (r == -ENOENT && strcasecmp(key, "Parameters") != 0)
                return rpc_fail(call, SCM_ERROR_FILE_NOT_FOUND, "service %s has no key '%s'",
                                s->config.name, key);
        if (r < 0 && r != -ENOENT)
                return rpc_database_failed(call, r);
        log_info("service %s: parameter key %s deleted", s->config.name, key);
        *ret = json_object();
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}
