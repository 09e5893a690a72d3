/* SPDX-License-Identifier: MIT */
/*
 * Failure actions as C values (<scm/manage.h>): ChangeServiceConfig2's
 * FAILURE_ACTIONS and FAILURE_ACTIONS_FLAG out as change_failure_actions'
 * params, and the failure actions object of docs/protocol.md read back
 * into a struct scm_failure_actions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <scm/manage.h>
#include <scm/raw.h>

static const char *const action_names[] = {
        [SCM_ACTION_NONE] = "none",
        [SCM_ACTION_RESTART] = "restart",
        [SCM_ACTION_REBOOT] = "reboot",
        [SCM_ACTION_RUN] = "run",
};

#define N_ACTION_NAMES (sizeof(action_names) / sizeof(action_names[0]))

const char *scm_action_type_name(enum scm_action_type t) {
        return t >= 0 && (size_t)t < N_ACTION_NAMES ? action_names[t] : NULL;
}

enum scm_action_type scm_action_type_from_name(const char *name) {
        for (size_t i = 0; name && i < N_ACTION_NAMES; i++)
                if (strcasecmp(name, action_names[i]) == 0)
                        return (enum scm_action_type)i;
        return SCM_ACTION_INVALID;
}

void scm_failure_actions_clear(struct scm_failure_actions *fa) {
        if (!fa)
                return;
        free(fa->actions);
        free(fa->command);
        free(fa->reboot_message);
        *fa = (struct scm_failure_actions){0};
}

static int action_from_json(const json_t *o, struct scm_failure_action *ret) {
        json_t *delay = json_object_get(o, "delay_ms");
        ret->type = scm_action_type_from_name(json_string_value(json_object_get(o, "type")));
        if (ret->type == SCM_ACTION_INVALID || !json_is_integer(delay) ||
            json_integer_value(delay) < 0 || json_integer_value(delay) > UINT32_MAX)
                return -EPROTO;
        ret->delay_ms = (uint32_t)json_integer_value(delay);
        return 0;
}

static int actions_from_json(const json_t *list, struct scm_failure_actions *fa) {
        if (!json_is_array(list))
                return -EPROTO;
        fa->n_actions = json_array_size(list);
        fa->actions = calloc(fa->n_actions ? fa->n_actions : 1, sizeof(*fa->actions));
        if (!fa->actions)
                return -ENOMEM;
        for (size_t i = 0; i < fa->n_actions; i++)
                if (action_from_json(json_array_get(list, i), &fa->actions[i]) < 0)
                        return -EPROTO;
        return 0;
}

static int pending_from_json(const json_t *p, struct scm_failure_actions *fa) {
        if (!p || json_is_null(p))
                return 0;
        json_t *type = json_object_get(p, "type");
        fa->pending = true;
        fa->pending_action.type = scm_action_type_from_name(json_string_value(type));
        fa->pending_failure = (uint32_t)json_integer_value(json_object_get(p, "failure"));
        fa->pending_in_ms = json_integer_value(json_object_get(p, "in_ms"));
        return fa->pending_action.type == SCM_ACTION_INVALID ? -EPROTO : 0;
}

static int failure_from_json(const json_t *o, struct scm_failure_actions *fa) {
        json_t *reset = json_object_get(o, "reset_period");
        const char *command = json_string_value(json_object_get(o, "command"));
        const char *message = json_string_value(json_object_get(o, "reboot_message"));

        if (json_is_string(reset) && strcmp(json_string_value(reset), "infinite") == 0)
                fa->reset_period = SCM_RESET_INFINITE;
        else if (json_is_integer(reset) && json_integer_value(reset) >= 0)
                fa->reset_period = json_integer_value(reset);
        else
                return -EPROTO;
        if (!command || !message)
                return -EPROTO;
        fa->non_crash_failures = json_is_true(json_object_get(o, "non_crash_failures"));
        fa->failure_count = (uint32_t)json_integer_value(json_object_get(o, "failure_count"));
        int r = actions_from_json(json_object_get(o, "actions"), fa);
        if (r >= 0)
                r = pending_from_json(json_object_get(o, "pending_action"), fa);
        if (r < 0)
                return r;
        fa->command = strdup(command);
        fa->reboot_message = strdup(message);
        return fa->command && fa->reboot_message ? 0 : -ENOMEM;
}

/* Calls method and reads its failure actions object into *ret (may be NULL). */
static int call_failure(struct scm_client *c, const char *method, json_t *params,
                        struct scm_failure_actions *ret) {
        json_t *result = NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, method, params, &result);
        if (r < 0 || !ret) {
                json_decref(result);
                return r;
        }
        struct scm_failure_actions fa = {0};
        r = failure_from_json(result, &fa);
        json_decref(result);
        if (r < 0) {
                scm_failure_actions_clear(&fa);
                return r;
        }
        *ret = fa;
        return 0;
}

int scm_query_failure_actions(struct scm_client *c, const char *name,
                              struct scm_failure_actions *ret) {
        if (!name || !ret)
                return -EINVAL;
        return call_failure(c, "query_failure_actions", json_pack("{s:s}", "name", name), ret);
}

static json_t *actions_json(const struct scm_failure_action *v, size_t n) {
        json_t *list = json_array();
        for (size_t i = 0; list && i < n; i++) {
                const char *type = scm_action_type_name(v[i].type);
                if (!type ||
                    json_array_append_new(list, json_pack("{s:s, s:I}", "type", type, "delay_ms",
                                                          (json_int_t)v[i].delay_ms)) < 0) {
                        json_decref(list);
                        return NULL;
                }
        }
        return list;
}

/* Adds the fields ch changes to params; -EINVAL for a value out of range. */
static int change_params(json_t *params, const struct scm_failure_actions_change *ch) {
        int r = 0;
        if (ch->reset_period == SCM_RESET_INFINITE)
                r |= json_object_set_new(params, "reset_period", json_string("infinite"));
        else if (ch->reset_period >= 0)
                r |= json_object_set_new(params, "reset_period", json_integer(ch->reset_period));
        else if (ch->reset_period != SCM_KEEP)
                return -EINVAL;
        if (ch->set_actions) {
                json_t *list = actions_json(ch->actions, ch->n_actions);
                if (!list)
                        return -EINVAL;
                r |= json_object_set_new(params, "actions", list);
        }
        if (ch->command)
                r |= json_object_set_new(params, "command", json_string(ch->command));
        if (ch->reboot_message)
                r |= json_object_set_new(params, "reboot_message", json_string(ch->reboot_message));
        if (ch->non_crash_failures >= 0)
                r |= json_object_set_new(params, "non_crash_failures",
                                         json_boolean(ch->non_crash_failures));
        return r ? -ENOMEM : 0;
}

int scm_change_failure_actions(struct scm_client *c, const char *name,
                               const struct scm_failure_actions_change *ch,
                               struct scm_failure_actions *ret) {
        if (!name || !ch)
                return -EINVAL;
        json_t *params = json_pack("{s:s}", "name", name);
        if (!params)
                return -ENOMEM;
        int r = change_params(params, ch);
        if (r < 0) {
                json_decref(params);
                return r;
        }
        return call_failure(c, "change_failure_actions", params, ret);
}
