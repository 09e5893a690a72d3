/* SPDX-License-Identifier: MIT */
/*
 * Service parameters for C callers (<scm/params.h>): the registry's bytes
 * turned into the protocol's JSON (query_parameters, set_parameter,
 * delete_parameter) and back.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scm/params.h>
#include <scm/raw.h>

static const struct {
        enum scm_param_type type;
        const char *name;
} type_names[] = {
        {SCM_PARAM_SZ, "sz"},
        {SCM_PARAM_EXPAND_SZ, "expand_sz"},
        {SCM_PARAM_MULTI_SZ, "multi_sz"},
        {SCM_PARAM_DWORD, "dword"},
        {SCM_PARAM_QWORD, "qword"},
        {SCM_PARAM_BINARY, "binary"},
};
#define N_TYPES (sizeof(type_names) / sizeof(type_names[0]))

static const char *type_name(enum scm_param_type t) {
        for (size_t i = 0; i < N_TYPES; i++)
                if (type_names[i].type == t)
                        return type_names[i].name;
        return NULL;
}

static int type_of(const char *name, enum scm_param_type *ret) {
        for (size_t i = 0; name && i < N_TYPES; i++)
                if (strcmp(type_names[i].name, name) == 0) {
                        *ret = type_names[i].type;
                        return 0;
                }
        return -EPROTO;
}

/* ---- bytes -> JSON ---- */

static json_t *multi_json(const char *p, size_t size) {
        json_t *a = json_array();
        size_t i = 0;
        while (a && i < size && p[i]) {
                size_t len = strnlen(p + i, size - i);
                if (i + len >= size || json_array_append_new(a, json_stringn(p + i, len)) < 0) {
                        json_decref(a);
                        return NULL;
                }
                i += len + 1;
        }
        return a;
}

static json_t *data_json(enum scm_param_type t, const unsigned char *p, size_t size) {
        const char *s = (const char *)p;
        switch (t) {
        case SCM_PARAM_SZ:
        case SCM_PARAM_EXPAND_SZ: /* without its NUL; none is accepted too */
                return json_stringn(s, size && !s[size - 1] ? size - 1 : size);
        case SCM_PARAM_MULTI_SZ:
                return multi_json(s, size);
        case SCM_PARAM_DWORD:
        case SCM_PARAM_QWORD: {
                if (size != (t == SCM_PARAM_DWORD ? 4u : 8u))
                        return NULL;
                uint64_t v = 0;
                for (size_t i = 0; i < size; i++)
                        v |= (uint64_t)p[i] << (8 * i);
                return v > INT64_MAX ? NULL : json_integer((json_int_t)v);
        }
        case SCM_PARAM_BINARY: {
                char *hex = malloc(2 * size + 1);
                for (size_t i = 0; hex && i < size; i++)
                        snprintf(hex + 2 * i, 3, "%02x", p[i]);
                if (hex)
                        hex[2 * size] = 0;
                json_t *j = hex ? json_string(hex) : NULL;
                free(hex);
                return j;
        }
        }
        return NULL;
}

/* ---- JSON -> bytes ---- */

static int text_bytes(const char *s, size_t len, unsigned char **ret, size_t *ret_size) {
        unsigned char *p = malloc(len + 1);
        if (!p)
                return -ENOMEM;
        memcpy(p, s, len);
        p[len] = 0;
        *ret = p;
        *ret_size = len + 1;
        return 0;
}

static int multi_bytes(const json_t *a, unsigned char **ret, size_t *ret_size) {
        size_t total = 1, i, at = 0;
        const json_t *e;
        json_array_foreach(a, i, e)
                total += json_string_length(e) + 1;
        unsigned char *p = malloc(total);
        if (!p)
                return -ENOMEM;
        json_array_foreach(a, i, e) {
                memcpy(p + at, json_string_value(e), json_string_length(e) + 1);
                at += json_string_length(e) + 1;
        }
        p[at] = 0;
        *ret = p;
        *ret_size = total;
        return 0;
}

static int hex_bytes(const char *s, unsigned char **ret, size_t *ret_size) {
        size_t n = strlen(s) / 2;
        unsigned char *p = malloc(n ? n : 1);
        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                unsigned x;
                if (sscanf(s + 2 * i, "%2x", &x) != 1) {
                        free(p);
                        return -EPROTO;
                }
                p[i] = (unsigned char)x;
        }
        *ret = p;
        *ret_size = n;
        return 0;
}

static int json_bytes(enum scm_param_type t, const json_t *d, unsigned char **ret,
                      size_t *ret_size) {
        if ((t == SCM_PARAM_SZ || t == SCM_PARAM_EXPAND_SZ) && json_is_string(d))
                return text_bytes(json_string_value(d), json_string_length(d), ret, ret_size);
        if (t == SCM_PARAM_MULTI_SZ && json_is_array(d))
                return multi_bytes(d, ret, ret_size);
        if (t == SCM_PARAM_BINARY && json_is_string(d))
                return hex_bytes(json_string_value(d), ret, ret_size);
        if ((t == SCM_PARAM_DWORD || t == SCM_PARAM_QWORD) && json_is_integer(d)) {
                size_t n = t == SCM_PARAM_DWORD ? 4 : 8;
                unsigned char *p = malloc(n);
                if (!p)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++)
                        p[i] = (unsigned char)((uint64_t)json_integer_value(d) >> (8 * i));
                *ret = p;
                *ret_size = n;
                return 0;
        }
        return -EPROTO;
}

static int value_of(const json_t *v, struct scm_param_value *ret) {
        const char *name = json_string_value(json_object_get(v, "name"));
        struct scm_param_value out = {0};
        int r = name ? type_of(json_string_value(json_object_get(v, "type")), &out.type) : -EPROTO;
        if (r >= 0)
                r = json_bytes(out.type, json_object_get(v, "data"), &out.data, &out.size);
        if (r >= 0 && !(out.name = strdup(name))) {
                free(out.data);
                r = -ENOMEM;
        }
        if (r >= 0)
                *ret = out;
        return r;
}

/* ---- the calls ---- */

static json_t *target(const char *service, const char *key, const char *value_name) {
        json_t *p = json_pack("{ss}", "name", service);
        if (p && key && json_object_set_new(p, "key", json_string(key)) < 0)
                goto fail;
        if (p && value_name && json_object_set_new(p, "value", json_string(value_name)) < 0)
                goto fail;
        return p;
fail:
        json_decref(p);
        return NULL;
}

static int subkeys_of(const json_t *a, char ***ret) {
        size_t n = json_array_size(a), i;
        const json_t *e;
        char **v = calloc(n + 1, sizeof(char *));
        if (!v)
                return -ENOMEM;
        json_array_foreach(a, i, e) {
                if (!(v[i] = strdup(json_string_value(e) ? json_string_value(e) : ""))) {
                        scm_param_subkeys_free(v);
                        return -ENOMEM;
                }
        }
        *ret = v;
        return 0;
}

static int values_of(const json_t *a, struct scm_param_value **ret, size_t *ret_n) {
        size_t n = json_array_size(a), i;
        const json_t *e;
        struct scm_param_value *v = calloc(n ? n : 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        json_array_foreach(a, i, e) {
                int r = value_of(e, &v[i]);
                if (r < 0) {
                        scm_param_values_free(v, i);
                        return r;
                }
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

int scm_enum_parameters(struct scm_client *c, const char *service, const char *key,
                        struct scm_param_value **ret_values, size_t *ret_n, char ***ret_subkeys) {
        if (!service || !ret_values || !ret_n)
                return -EINVAL;
        json_t *params = target(service, key, NULL), *res = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, "query_parameters", params, &res);
        if (r >= 0)
                r = values_of(json_object_get(res, "values"), ret_values, ret_n);
        if (r >= 0 && ret_subkeys &&
            (r = subkeys_of(json_object_get(res, "subkeys"), ret_subkeys)) < 0)
                scm_param_values_free(*ret_values, *ret_n);
        json_decref(res);
        return r;
}

int scm_query_parameter(struct scm_client *c, const char *service, const char *key,
                        const char *value_name, struct scm_param_value *ret) {
        if (!service || !value_name || !ret)
                return -EINVAL;
        json_t *params = target(service, key, value_name), *res = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, "query_parameters", params, &res);
        json_t *values = json_object_get(res, "values");
        if (r >= 0)
                r = json_array_size(values) == 1 ? value_of(json_array_get(values, 0), ret)
                                                 : -EPROTO;
        json_decref(res);
        return r;
}

/* Checks data against its type's form and makes the protocol's data. */
static int data_for(enum scm_param_type t, const void *data, size_t size, json_t **ret) {
        const unsigned char *p = data;
        bool text = t == SCM_PARAM_SZ || t == SCM_PARAM_EXPAND_SZ;
        if ((size && !data) || (text && (!size || p[size - 1] || strlen(data) != size - 1)))
                return -EINVAL;
        if (t == SCM_PARAM_MULTI_SZ && (size < 1 || p[size - 1] || (size >= 2 && p[size - 2])))
                return -EINVAL;
        if ((t == SCM_PARAM_DWORD && size != 4) || (t == SCM_PARAM_QWORD && size != 8))
                return -EINVAL;
        *ret = data_json(t, p, size);
        return *ret ? 0 : -EINVAL;
}

int scm_set_parameter(struct scm_client *c, const char *service, const char *key,
                      const char *value_name, enum scm_param_type type, const void *data,
                      size_t size) {
        const char *tname = type_name(type);
        json_t *d = NULL, *res = NULL;
        if (!service || !value_name || !tname)
                return -EINVAL;
        int r = data_for(type, data, size, &d);
        if (r < 0)
                return r;
        json_t *params = target(service, key ? key : "Parameters", value_name);
        if (!params || json_object_set_new(params, "type", json_string(tname)) < 0 ||
            json_object_set_new(params, "data", d) < 0) {
                json_decref(params);
                return -ENOMEM;
        }
        r = scm_call(c, "set_parameter", params, &res);
        json_decref(res);
        return r;
}

int scm_delete_parameter(struct scm_client *c, const char *service, const char *key,
                         const char *value_name) {
        if (!service || !value_name)
                return -EINVAL;
        json_t *params = target(service, key ? key : "Parameters", value_name), *res = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, "delete_parameter", params, &res);
        json_decref(res);
        return r;
}

int scm_delete_parameter_key(struct scm_client *c, const char *service, const char *key) {
        if (!service || !key)
                return -EINVAL;
        json_t *params = target(service, key, NULL), *res = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, "delete_parameter_key", params, &res);
        json_decref(res);
        return r;
}

void scm_param_values_free(struct scm_param_value *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].name);
                free(v[i].data);
        }
        free(v);
}

void scm_param_subkeys_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}
