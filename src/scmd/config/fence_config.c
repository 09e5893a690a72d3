/* SPDX-License-Identifier: MIT */
/*
 * A service's filesystem fences (fence_config.h): their names, checks,
 * protocol form, copying and freeing; one function applies a request's
 * keys for create, change_config and the database's load alike.
 */
#include "fence_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

const char *const fence_config_keys[] = {
        "private_tmp", "protect_system", "protect_home", "private_devices", NULL,
};

static const char *const system_names[_PROTECT_SYSTEM_MAX] = {
        [PROTECT_SYSTEM_NO] = "no",
        [PROTECT_SYSTEM_YES] = "yes",
        [PROTECT_SYSTEM_FULL] = "full",
        [PROTECT_SYSTEM_STRICT] = "strict",
};

static const char *const home_names[_PROTECT_HOME_MAX] = {
        [PROTECT_HOME_NO] = "no",
        [PROTECT_HOME_YES] = "yes",
        [PROTECT_HOME_READ_ONLY] = "read-only",
        [PROTECT_HOME_TMPFS] = "tmpfs",
};

const char *protect_system_name(enum protect_system p) {
        return p >= 0 && p < _PROTECT_SYSTEM_MAX ? system_names[p] : "?";
}

const char *protect_home_name(enum protect_home p) {
        return p >= 0 && p < _PROTECT_HOME_MAX ? home_names[p] : "?";
}

static int name_index(const char *const *names, int n, const char *s) {
        for (int i = 0; s && i < n; i++)
                if (strcmp(names[i], s) == 0)
                        return i;
        return -1;
}

void service_fences_free(struct service_fences *f) {
        free(f);
}

struct service_fences *service_fences_dup(const struct service_fences *f) {
        if (!f)
                return NULL;
        struct service_fences *c = malloc(sizeof(*c));
        if (c)
                *c = *f;
        return c;
}

bool service_fences_any(const struct service_fences *f) {
        return f && (f->private_tmp || f->private_devices ||
                     f->protect_system != PROTECT_SYSTEM_NO || f->protect_home != PROTECT_HOME_NO);
}

static int say(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(char **ret_error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return *ret_error ? -EINVAL : -ENOMEM;
}

static int read_bool(const json_t *o, const char *key, bool *field, char **ret_error) {
        const json_t *v = json_object_get(o, key);
        if (!v)
                return 0;
        if (!json_is_boolean(v))
                return say(ret_error, "the parameter '%s' must be true or false", key);
        *field = json_is_true(v);
        return 0;
}

static int read_level(const json_t *o, const char *key, const char *const *names, int n,
                      const char *values, int *field, char **ret_error) {
        const json_t *v = json_object_get(o, key);
        if (!v)
                return 0;
        int i = name_index(names, n, json_string_value(v));
        if (i < 0)
                return say(ret_error, "the parameter '%s' must be one of: %s", key, values);
        *field = i;
        return 0;
}

int service_fences_apply_json(struct service_fences **f, const json_t *o, char **ret_error) {
        struct service_fences next = *f ? **f : (struct service_fences){0};
        int system = (int)next.protect_system, home = (int)next.protect_home;
        int r = read_bool(o, "private_tmp", &next.private_tmp, ret_error);
        if (r >= 0)
                r = read_bool(o, "private_devices", &next.private_devices, ret_error);
        if (r >= 0)
                r = read_level(o, "protect_system", system_names, _PROTECT_SYSTEM_MAX,
                               "no, yes, full, strict", &system, ret_error);
        if (r >= 0)
                r = read_level(o, "protect_home", home_names, _PROTECT_HOME_MAX,
                               "no, yes, read-only, tmpfs", &home, ret_error);
        if (r < 0)
                return r;
        next.protect_system = (enum protect_system)system;
        next.protect_home = (enum protect_home)home;
        if (!service_fences_any(&next)) {
                service_fences_free(*f);
                *f = NULL;
                return 0;
        }
        if (!*f && !(*f = malloc(sizeof(**f))))
                return -ENOMEM;
        **f = next;
        return 0;
}

json_t *service_fences_json(const struct service_fences *f) {
        struct service_fences none = {0};
        if (!f)
                f = &none;
        return json_pack("{s:b, s:s, s:s, s:b}", "private_tmp", f->private_tmp, "protect_system",
                         protect_system_name(f->protect_system), "protect_home",
                         protect_home_name(f->protect_home), "private_devices", f->private_devices);
}
