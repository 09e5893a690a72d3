/* SPDX-License-Identifier: MIT */
/*
 * Service triggers' methods (docs/protocol.md, "Service triggers"):
 * set_triggers, query_triggers and fire_trigger, over
 * work/service_trigger.c.  A custom event acts on a service only when the
 * caller may start it (a start trigger) or stop it (a stop trigger).
 */
#include <stdlib.h>

#include <jansson.h>
#include <scm/error.h>

#include "acl.h"
#include "activation.h"
#include "cleanup.h"
#include "cmdline.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "service.h"
#include "service_trigger.h"

/* The triggers of s, each with whether it is watched and, if not, why;
 * then its sockets as network endpoints (socket activation). */
static json_t *triggers_json(struct service *s) {
        json_t *list = json_array();
        char **texts = NULL;
        const char **errors = NULL;
        size_t n = service_triggers_query(s, &texts, &errors);
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_pack("{s:s, s:b}", "trigger", texts[i], "watched", !errors[i]);
                if (errors[i])
                        json_object_set_new(e, "error", json_string(errors[i]));
                json_array_append_new(list, e);
        }
        char **specs = NULL;
        n = activation_query(s, &specs, &errors);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *text = NULL;
                if (asprintf(&text, "start network-endpoint:%s", specs[i]) < 0)
                        continue;
                json_array_append_new(list, json_pack("{s:s, s:b, s:s}", "trigger", text, "watched",
                                                      !errors[i], "from", "sockets"));
        }
        return json_pack("{s:s, s:o}", "name", s->config.name, "triggers", list);
}

int rpc_set_triggers(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "triggers", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        _cleanup_(strv_free_p) char **texts = NULL;
        r = rpc_get_required_list(call, "triggers", TRIGGERS_MAX, &texts);
        if (r < 0)
                return r;
        _cleanup_free_ char *why = NULL;
        r = service_triggers_set(s, texts, &why);
        if (r < 0)
                return rpc_fail(call, scm_error_win32(r), "%s",
                                why ? why : "the triggers could not be set");
        *ret = triggers_json(s);
        return 0;
}

int rpc_query_triggers(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        *ret = triggers_json(s);
        return 0;
}

static const char *const outcome_names[] = {
        [TRIGGER_NOTHING] = "nothing", [TRIGGER_STARTED] = "started",
        [TRIGGER_STOPPED] = "stopped", [TRIGGER_NOTIFIED] = "notified",
        [TRIGGER_FAILED] = "failed",   [TRIGGER_DENIED] = "denied",
};

struct fire_ctx {
        struct rpc_call *call;
        json_t *list;
};

static bool fire_may(void *userdata, struct service *s, bool stop) {
        struct fire_ctx *f = userdata;
        return rpc_may(f->call, s, ACL_BIT(stop ? ACL_STOP : ACL_START));
}

static void fire_each(void *userdata, struct service *s, bool stop, enum trigger_outcome o) {
        struct fire_ctx *f = userdata;
        /* A service the caller may not query is not named. */
        if (o == TRIGGER_DENIED && !rpc_may(f->call, s, ACL_BIT(ACL_QUERY_STATUS)))
                return;
        json_array_append_new(f->list,
                              json_pack("{s:s, s:s, s:s}", "name", s->config.name, "action",
                                        stop ? "stop" : "start", "outcome", outcome_names[o]));
}

int rpc_fire_trigger(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"event", "data", NULL};
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        const char *event = NULL, *data = NULL;
        r = rpc_get_string(call, "event", true, TRIGGER_EVENT_MAX, &event);
        if (r >= 0)
                r = rpc_get_string(call, "data", false, 4096, &data);
        if (r < 0)
                return r;
        struct trigger_spec t;
        _cleanup_free_ char *why = NULL, *text = NULL;
        if (asprintf(&text, "start custom:%s", event) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (trigger_spec_parse(text, &t, &why) < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "%s",
                                why ? why : "out of memory");
        trigger_spec_done(&t);
        struct fire_ctx f = {.call = call, .list = json_array()};
        service_triggers_fire(call->manager, event, data, fire_may, fire_each, &f);
        *ret = json_pack("{s:s, s:o}", "event", event, "services", f.list);
        return 0;
}
