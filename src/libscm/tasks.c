/* SPDX-License-Identifier: MIT */
/*
 * Scheduled tasks (<scm/tasks.h>): the task_* methods of the protocol.  A
 * task's security fields travel as a struct scm_change and come back as a
 * struct scm_object, manage.c's (client-internal.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/tasks.h>
#include <scm/raw.h>

#include "client-internal.h"

static int set_str(json_t *p, const char *key, const char *v) {
        return !v || json_object_set_new(p, key, json_string(v)) == 0 ? 0 : -EINVAL;
}

static json_t *settings_json(const char *name, const struct scm_task_settings *s) {
        json_t *p = json_pack("{s:s}", "name", name);
        if (!p || !s)
                return p;
        int r = set_str(p, "command_line", s->command_line);
        if (r >= 0)
                r = set_str(p, "account", s->account);
        if (r >= 0)
                r = set_str(p, "overlap", s->overlap);
        if (r >= 0)
                r = set_str(p, "time_zone", s->time_zone);
        if (r >= 0)
                r = set_str(p, "access", s->access);
        if (r >= 0 && s->enabled >= 0)
                json_object_set_new(p, "enabled", json_boolean(s->enabled));
        if (r >= 0 && s->run_missed >= 0)
                json_object_set_new(p, "run_missed", json_boolean(s->run_missed));
        if (r >= 0 && s->time_limit_s >= 0)
                json_object_set_new(p, "time_limit_s", json_integer(s->time_limit_s));
        if (r >= 0 && s->random_delay_s >= 0)
                json_object_set_new(p, "random_delay_s", json_integer(s->random_delay_s));
        if (r >= 0 && s->triggers) {
                json_t *a = json_array();
                for (const char *const *t = s->triggers; a && *t; t++)
                        if (json_array_append_new(a, json_string(*t)) < 0)
                                r = -EINVAL;
                if (!a || json_object_set_new(p, "triggers", a) < 0)
                        r = -ENOMEM;
        }
        if (r < 0) {
                json_decref(p);
                return NULL;
        }
        return p;
}

static int call_named(struct scm_client *c, const char *method, const char *name,
                      const struct scm_task_settings *s, json_t **ret) {
        if (!name)
                return -EINVAL;
        json_t *params = settings_json(name, s), *res = NULL;
        if (!params)
                return -EINVAL;
        int r = scm_call(c, method, params, &res);
        if (r >= 0 && ret)
                *ret = res;
        else
                json_decref(res);
        return r;
}

int scm_task_create(struct scm_client *c, const char *name, const struct scm_task_settings *s) {
        if (!s || !s->command_line)
                return -EINVAL;
        return call_named(c, "task_create", name, s, NULL);
}

int scm_task_change(struct scm_client *c, const char *name, const struct scm_task_settings *s) {
        return call_named(c, "task_change", name, s, NULL);
}

int scm_task_create_with(struct scm_client *c, const char *name, const struct scm_task_settings *s,
                         const struct scm_change *more, struct scm_object **ret_task) {
        if (!name || !s || !s->command_line)
                return -EINVAL;
        json_t *params = settings_json(name, s);
        if (!params)
                return -EINVAL;
        return manage_call_object(c, "task_create", manage_with_change(params, more), ret_task);
}

int scm_task_change_with(struct scm_client *c, const char *name, const struct scm_task_settings *s,
                         const struct scm_change *more, struct scm_object **ret_task) {
        if (!name)
                return -EINVAL;
        json_t *params = settings_json(name, s);
        if (!params)
                return -EINVAL;
        return manage_call_object(c, "task_change", manage_with_change(params, more), ret_task);
}

int scm_task_query(struct scm_client *c, const char *name, struct scm_object **ret) {
        if (!name || !ret)
                return -EINVAL;
        json_t *params = json_pack("{s:s}", "name", name);
        return params ? manage_call_object(c, "task_query", params, ret) : -EINVAL;
}

int scm_task_delete(struct scm_client *c, const char *name) {
        return call_named(c, "task_delete", name, NULL, NULL);
}

int scm_task_run(struct scm_client *c, const char *name, int *ret_started) {
        json_t *res = NULL;
        int r = call_named(c, "task_run", name, NULL, &res);
        if (r >= 0 && ret_started) {
                const char *o = json_string_value(json_object_get(res, "outcome"));
                *ret_started = o && strcmp(o, "started") == 0;
        }
        json_decref(res);
        return r;
}

int scm_task_end(struct scm_client *c, const char *name) {
        return call_named(c, "task_end", name, NULL, NULL);
}

int scm_task_list(struct scm_client *c, char ***ret_names) {
        json_t *res = NULL;
        int r = scm_call(c, "task_list", json_object(), &res);
        if (r < 0)
                return r;
        json_t *list = json_object_get(res, "tasks");
        size_t n = json_array_size(list), i;
        char **v = calloc(n + 1, sizeof(char *));
        json_t *e;
        json_array_foreach(list, i, e) {
                if (!v || !(v[i] = strdup(json_string_value(json_object_get(e, "name")) ?: ""))) {
                        for (size_t k = 0; v && k < i; k++)
                                free(v[k]);
                        free(v);
                        json_decref(res);
                        return -ENOMEM;
                }
        }
        json_decref(res);
        if (!v)
                return -ENOMEM;
        *ret_names = v;
        return 0;
}

static void copy_text(char *dst, size_t size, const json_t *v) {
        const char *s = json_string_value(v);
        strncpy(dst, s ? s : "", size - 1);
        dst[size - 1] = '\0';
}

int scm_task_history(struct scm_client *c, const char *name, struct scm_task_run **ret,
                     size_t *ret_n) {
        json_t *res = NULL;
        int r = call_named(c, "task_history", name, NULL, &res);
        if (r < 0)
                return r;
        json_t *runs = json_object_get(res, "runs"), *e;
        size_t n = json_array_size(runs), i;
        struct scm_task_run *v = calloc(n ? n : 1, sizeof(*v));
        if (!v) {
                json_decref(res);
                return -ENOMEM;
        }
        json_array_foreach(runs, i, e) {
                json_t *code = json_object_get(e, "exit_code");
                v[i] = (struct scm_task_run){
                        .id = json_integer_value(json_object_get(e, "id")),
                        .started_at_ms = json_integer_value(json_object_get(e, "started_at_ms")),
                        .ended_at_ms = json_integer_value(json_object_get(e, "ended_at_ms")),
                        .pid = (int)json_integer_value(json_object_get(e, "pid")),
                        .exit_code = code ? (int)json_integer_value(code) : -1,
                        .signal = (int)json_integer_value(json_object_get(e, "signal")),
                };
                copy_text(v[i].reason, sizeof(v[i].reason), json_object_get(e, "reason"));
                copy_text(v[i].result, sizeof(v[i].result), json_object_get(e, "result"));
        }
        json_decref(res);
        *ret = v;
        *ret_n = n;
        return 0;
}
