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
#include "cmdline.h"
#include "net_rules.h"
#include "process_config.h"

const char *const fence_config_keys[] = {
        "private_tmp",       "protect_system",   "protect_home",
        "private_devices",   "ip_address_allow", "ip_address_deny",
        "socket_bind_allow", "socket_bind_deny", NULL,
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

static void lists_free(struct service_fences *f) {
        strv_free(f->ip_allow);
        strv_free(f->ip_deny);
        strv_free(f->bind_allow);
        strv_free(f->bind_deny);
}

void service_fences_free(struct service_fences *f) {
        if (f)
                lists_free(f);
        free(f);
}

/* c's lists (f's pointers, as copied with the struct) made copies of
 * f's, or -ENOMEM with none left in c. */
static int lists_copy(struct service_fences *c, const struct service_fences *f) {
        char **const *from[] = {&f->ip_allow, &f->ip_deny, &f->bind_allow, &f->bind_deny};
        char ***to[] = {&c->ip_allow, &c->ip_deny, &c->bind_allow, &c->bind_deny};
        char **copies[4];
        for (size_t i = 0; i < 4; i++) {
                copies[i] = *from[i] ? strv_copy(*from[i]) : NULL;
                if (*from[i] && !copies[i]) {
                        for (size_t k = 0; k < i; k++)
                                strv_free(copies[k]);
                        for (size_t k = 0; k < 4; k++)
                                *to[k] = NULL;
                        return -ENOMEM;
                }
        }
        for (size_t i = 0; i < 4; i++)
                *to[i] = copies[i];
        return 0;
}

struct service_fences *service_fences_dup(const struct service_fences *f) {
        if (!f)
                return NULL;
        struct service_fences *c = malloc(sizeof(*c));
        if (c)
                *c = *f;
        if (c && lists_copy(c, f) < 0) {
                free(c);
                return NULL;
        }
        return c;
}

bool service_fences_network(const struct service_fences *f) {
        return f && (f->ip_allow || f->ip_deny || f->bind_allow || f->bind_deny);
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

#define RULES_MAX 64

static bool ip_ok(const char *text, const char **why) {
        struct ip_rule r[2];
        char *reason = NULL;
        int n = ip_rule_parse(text, r, &reason);
        free(reason);
        *why = "not an address rule: an IPv4 or IPv6 address with an optional /PREFIX, or any, "
               "localhost, link-local, multicast";
        return n >= 0;
}

static bool bind_ok(const char *text, const char **why) {
        struct bind_rule b;
        char *reason = NULL;
        int r = bind_rule_parse(text, &b, &reason);
        free(reason);
        *why = "not a bind rule: [ipv4:|ipv6:][tcp:|udp:]PORT[-PORT] or any, ports 0 to 65535, "
               "the first not above the last";
        return r >= 0;
}

/* o's list key into *field (a new list; null or [] clears it). */
static int read_rules(const json_t *o, const char *key, char ***field, char **ret_error) {
        const json_t *v = json_object_get(o, key);
        char **list = NULL;
        if (!v)
                return 0;
        int r = config_read_list(v, key, RULES_MAX, strstr(key, "bind") ? bind_ok : ip_ok, &list,
                                 ret_error);
        if (r < 0)
                return r;
        strv_free(*field);
        *field = list;
        return 0;
}

static int read_all_rules(const json_t *o, struct service_fences *next, char **ret_error) {
        int r = read_rules(o, "ip_address_allow", &next->ip_allow, ret_error);
        if (r >= 0)
                r = read_rules(o, "ip_address_deny", &next->ip_deny, ret_error);
        if (r >= 0)
                r = read_rules(o, "socket_bind_allow", &next->bind_allow, ret_error);
        if (r >= 0)
                r = read_rules(o, "socket_bind_deny", &next->bind_deny, ret_error);
        return r;
}

int service_fences_apply_json(struct service_fences **f, const json_t *o, char **ret_error) {
        struct service_fences next = *f ? **f : (struct service_fences){0};
        /* next's lists become copies: *f keeps its own until the end. */
        if (lists_copy(&next, &next) < 0)
                return -ENOMEM;
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
        if (r >= 0)
                r = read_all_rules(o, &next, ret_error);
        if (r < 0) {
                lists_free(&next);
                return r;
        }
        next.protect_system = (enum protect_system)system;
        next.protect_home = (enum protect_home)home;
        if (!service_fences_any(&next) && !service_fences_network(&next)) {
                lists_free(&next);
                service_fences_free(*f);
                *f = NULL;
                return 0;
        }
        if (!*f && !(*f = calloc(1, sizeof(**f)))) {
                lists_free(&next);
                return -ENOMEM;
        }
        lists_free(*f);
        **f = next;
        return 0;
}

json_t *service_fences_json(const struct service_fences *f) {
        struct service_fences none = {0};
        if (!f)
                f = &none;
        return json_pack("{s:b, s:s, s:s, s:b, s:o, s:o, s:o, s:o}", "private_tmp", f->private_tmp,
                         "protect_system", protect_system_name(f->protect_system), "protect_home",
                         protect_home_name(f->protect_home), "private_devices", f->private_devices,
                         "ip_address_allow", process_strv_json(f->ip_allow), "ip_address_deny",
                         process_strv_json(f->ip_deny), "socket_bind_allow",
                         process_strv_json(f->bind_allow), "socket_bind_deny",
                         process_strv_json(f->bind_deny));
}
