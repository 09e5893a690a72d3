/* SPDX-License-Identifier: MIT */
/*
 * Configuration as code: `scctl export --document [NAME...]` prints services
 * as one declarative JSON document (apply_document.c), and `scctl apply
 * FILE` makes scmd match such a document (docs/config-as-code.md has the
 * format and the rules).
 *
 * apply first plans every service of the document (reads what is there,
 * compares field by field, and turns each difference into a call of the
 * protocol), and changes nothing when the document is refused or
 * --dry-run is given.  Then it sends every call
 * but the prune's as one `batch` of scmd's, one transaction: the whole
 * document is made, or (a call failed, the connection broke before scmd
 * had all of it) none of it.  --prune's stops and deletes follow, since
 * no transaction takes a stop back.
 *
 * A service is marked as managed by the value `managed` (dword 1) under its
 * key Parameters\scctl, which export shows as "managed": true, and not
 * among its parameters.  --prune deletes only services so marked that the
 * document does not name.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_document.h"
#include "cleanup.h"
#include "validate.h"

/* ---- planning ---- */

/* One call of the plan. */
struct step {
        const char *method;
        json_t *params;
};

struct plan {
        struct step *steps;
        size_t n_steps, size;
        json_t *changes; /* what the steps change, for the report */
};

static void plan_free(struct plan *p) {
        for (size_t i = 0; i < p->n_steps; i++)
                json_decref(p->steps[i].params);
        free(p->steps);
        json_decref(p->changes);
        *p = (struct plan){0};
}

/* Adds a step; params is consumed. */
static int add_step(struct plan *p, const char *method, json_t *params) {
        if (p->n_steps == p->size) {
                size_t n = p->size ? p->size * 2 : 8;
                struct step *s = realloc(p->steps, n * sizeof(*s));
                if (!s) {
                        json_decref(params);
                        return -ENOMEM;
                }
                p->steps = s;
                p->size = n;
        }
        p->steps[p->n_steps++] = (struct step){method, params};
        return 0;
}

/* One change for the report: of a service (kind "service") or a task
 * ("task"), with the field's old and new values when a field changed. */
static void add_change_of(struct plan *p, const char *kind, const char *name, const char *action,
                          const char *field, json_t *old, json_t *new) {
        json_t *c = json_pack("{s:s, s:s}", kind, name, "action", action);
        if (field) {
                json_object_set_new(c, "field", json_string(field));
                json_object_set(c, "old", old ? old : json_null());
                json_object_set(c, "new", new ? new : json_null());
        }
        json_array_append_new(p->changes, c);
}

static void add_change(struct plan *p, const char *service, const char *action, const char *field,
                       json_t *old, json_t *new) {
        add_change_of(p, "service", service, action, field, old, new);
}

static bool is_nested(const char *key) {
        return !strcmp(key, "failure_actions") || !strcmp(key, "access_list") ||
               !strcmp(key, "parameters") || !strcmp(key, "managed") || !strcmp(key, "sockets") ||
               !strcmp(key, "triggers");
}

/* create or change_config: every differing field in one call. */
static int plan_config(struct plan *p, const char *name, json_t *want, json_t *have) {
        json_t *set = json_pack("{s:s}", "name", name);
        const char *key;
        json_t *v;
        json_object_foreach(want, key, v) {
                if (is_nested(key))
                        continue;
                json_t *was = have ? json_object_get(have, key) : NULL;
                if (was && json_equal(was, v))
                        continue;
                json_object_set(set, key, v);
                if (have)
                        add_change(p, name, "change", key, was, v);
        }
        if (!have)
                return add_step(p, "create", set);
        if (json_object_size(set) == 1) {
                json_decref(set);
                return 0;
        }
        return add_step(p, "change_config", set);
}

static int plan_failure(struct plan *p, const char *name, json_t *want, json_t *have) {
        json_t *set = json_pack("{s:s}", "name", name);
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(want, "failure_actions"), key, v) {
                json_t *was = json_object_get(json_object_get(have, "failure_actions"), key);
                if (was && json_equal(was, v))
                        continue;
                char field[64];
                snprintf(field, sizeof(field), "failure_actions.%s", key);
                json_object_set(set, key, v);
                if (have)
                        add_change(p, name, "change", field, was, v);
        }
        if (json_object_size(set) == 1) {
                json_decref(set);
                return 0;
        }
        return add_step(p, "change_failure_actions", set);
}

static json_t *acl_params(const char *name, const json_t *acl) {
        return json_is_string(acl) ? json_pack("{s:s, s:O}", "name", name, "access_list", acl)
                                   : json_pack("{s:s, s:b}", "name", name, "default", 1);
}

static int plan_acl(struct plan *p, const char *name, json_t *want, json_t *have) {
        json_t *acl = json_object_get(want, "access_list");
        if (!acl)
                return 0;
        json_t *was = have ? json_object_get(have, "access_list") : json_null();
        if (json_equal(acl, was))
                return 0;
        if (have)
                add_change(p, name, "change", "access_list", was, acl);
        return add_step(p, "set_object_security", acl_params(name, acl));
}

static json_t *set_param(const char *name, const char *key, const char *value, const json_t *v) {
        return json_pack("{s:s, s:s, s:s, s:O, s:O}", "name", name, "key", key, "value", value,
                         "type", json_object_get(v, "type"), "data", json_object_get(v, "data"));
}

static json_t *delete_param(const char *name, const char *key, const char *value) {
        return json_pack("{s:s, s:s, s:s}", "name", name, "key", key, "value", value);
}

/* Sets what differs, deletes what the document leaves out. */
static int plan_parameters(struct plan *p, const char *name, json_t *want, json_t *have) {
        json_t *wp = json_object_get(want, "parameters");
        json_t *hp = have ? json_object_get(have, "parameters") : NULL;
        if (!wp)
                return 0;
        const char *key, *vname;
        json_t *values, *v;
        int r = 0;
        json_object_foreach(wp, key, values) {
                json_object_foreach(values, vname, v) {
                        json_t *was = json_object_get(json_object_get(hp, key), vname);
                        if (was && json_equal(was, v))
                                continue;
                        char field[1100];
                        snprintf(field, sizeof(field), "parameters.%s\\%s", key, vname);
                        if (have)
                                add_change(p, name, "change", field, was, v);
                        if ((r = add_step(p, "set_parameter", set_param(name, key, vname, v))) < 0)
                                return r;
                }
        }
        json_object_foreach(hp, key, values) {
                json_object_foreach(values, vname, v) {
                        if (json_object_get(json_object_get(wp, key), vname))
                                continue;
                        char field[1100];
                        snprintf(field, sizeof(field), "parameters.%s\\%s", key, vname);
                        add_change(p, name, "change", field, v, NULL);
                        if ((r = add_step(p, "delete_parameter", delete_param(name, key, vname))) <
                            0)
                                return r;
                }
        }
        return 0;
}

static json_t *marker_set(const char *name) {
        return json_pack("{s:s, s:s, s:s, s:s, s:i}", "name", name, "key", APPLY_MARKER_KEY,
                         "value", APPLY_MARKER_VALUE, "type", "dword", "data", 1);
}

/* A service named in a document is managed unless it says "managed": false. */
static int plan_marker(struct plan *p, const char *name, json_t *want, json_t *have) {
        json_t *m = json_object_get(want, "managed");
        bool managed = !m || json_is_true(m);
        bool was = have && json_is_true(json_object_get(have, "managed"));
        if (managed == was)
                return 0;
        if (have)
                add_change(p, name, "change", "managed", json_boolean(was), json_boolean(managed));
        if (managed)
                return add_step(p, "set_parameter", marker_set(name));
        return add_step(p, "delete_parameter",
                        delete_param(name, APPLY_MARKER_KEY, APPLY_MARKER_VALUE));
}

/* sockets or triggers (list): the whole list, after the batch, since
 * scmd binds sockets and arms watches as it takes them. */
static int plan_list(struct plan *after, const char *name, const char *list, json_t *want,
                     json_t *have) {
        json_t *w = json_object_get(want, list);
        json_t *was = have ? json_object_get(have, list) : NULL;
        if (!w || (was ? json_equal(w, was) : json_array_size(w) == 0))
                return 0;
        if (have)
                add_change(after, name, "change", list, was, w);
        return add_step(after, !strcmp(list, "sockets") ? "set_sockets" : "set_triggers",
                        json_pack("{s:s, s:O}", "name", name, list, w));
}

/* The calls that make name what want says; none when it already is.  The
 * calls that cannot be in the batch go to after. */
static int plan_service(struct scctl *ctx, const char *name, json_t *want, struct plan *p,
                        struct plan *after) {
        _cleanup_json_ json_t *have = NULL;
        ctx->name = name;
        int r = apply_fetch_service(ctx, name, &have);
        if (r != 0)
                return apply_report_call(ctx, r);
        if (!have && !json_object_get(want, "command_line"))
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "service '%s' does not exist, and the document gives no "
                                    "\"command_line\" to create it with",
                                    name);
        const char *key;
        json_t *v;
        json_object_foreach(want, key, v) {
                if (have && !is_nested(key) && !json_object_get(have, key))
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL,
                                            "service '%s': unknown field \"%s\" (scmd reports "
                                            "no such setting; see scctl export --document %s)",
                                            name, key, name);
        }
        if (!have)
                add_change(p, name, "create", NULL, NULL, NULL);
        if ((r = plan_config(p, name, want, have)) < 0 ||
            (r = plan_failure(p, name, want, have)) < 0 ||
            (r = plan_acl(p, name, want, have)) < 0 ||
            (r = plan_parameters(p, name, want, have)) < 0 ||
            (r = plan_marker(p, name, want, have)) < 0 ||
            (r = plan_list(after, name, "sockets", want, have)) < 0 ||
            (r = plan_list(after, name, "triggers", want, have)) < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                    "out of memory");
        return 0;
}

/* --prune: a stop (when it runs) and a delete for every managed service
 * the document does not name. */
static int plan_prune(struct scctl *ctx, json_t *services, struct plan *p) {
        _cleanup_json_ json_t *names = json_array();
        int r = apply_all_names(ctx, names);
        if (r != 0)
                return r;
        size_t i;
        json_t *n;
        json_array_foreach(names, i, n) {
                const char *name = json_string_value(n), *other;
                json_t *w;
                bool named = false;
                json_object_foreach(services, other, w)
                        named |= names_equal(other, name);
                if (named)
                        continue;
                ctx->name = name;
                r = apply_call_quiet(ctx, "query_parameters",
                                     json_pack("{s:s, s:s, s:s}", "name", name, "key",
                                               APPLY_MARKER_KEY, "value", APPLY_MARKER_VALUE),
                                     NULL);
                if (r == SCM_ERR(SCM_ERROR_FILE_NOT_FOUND) ||
                    r == SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST))
                        continue;
                if (r != 0)
                        return apply_report_call(ctx, r);
                add_change(p, name, "delete", NULL, NULL, NULL);
                if (add_step(p, "control",
                             json_pack("{s:s, s:s}", "name", name, "control", "stop")) < 0 ||
                    add_step(p, "delete", json_pack("{s:s}", "name", name)) < 0)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                            NULL, "out of memory");
        }
        return 0;
}

static int plan_group_order(struct scctl *ctx, json_t *doc, struct plan *p) {
        json_t *want = json_object_get(doc, "group_order");
        _cleanup_json_ json_t *have = NULL;
        if (!want)
                return 0;
        int r = scctl_call(ctx, "query_group_order", NULL, &have);
        if (r != 0)
                return r;
        json_t *was = json_object_get(have, "groups");
        if (json_equal(was, want))
                return 0;
        json_t *c = json_pack("{s:s, s:O, s:O}", "action", "group_order", "old", was, "new", want);
        json_array_append_new(p->changes, c);
        return add_step(p, "set_group_order", json_pack("{s:O}", "groups", want)) < 0
                       ? output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                      "out of memory")
                       : 0;
}

static void add_task_change(struct plan *p, const char *task, const char *action, const char *field,
                            json_t *old, json_t *new) {
        add_change_of(p, "task", task, action, field, old, new);
}

/* A task: task_create when missing, else task_change of what differs. */
static int plan_task(struct plan *p, const char *name, json_t *want, json_t *have) {
        json_t *set = json_pack("{s:s}", "name", name);
        const char *key;
        json_t *v;
        json_object_foreach(want, key, v) {
                json_t *was = have ? json_object_get(have, key) : NULL;
                if (have && json_equal(was, v))
                        continue;
                if (!json_is_null(v))
                        json_object_set(set, key, v);
                if (have)
                        add_task_change(p, name, "change", key, was, v);
        }
        if (!have)
                add_task_change(p, name, "create", NULL, NULL, NULL);
        if (have && json_object_size(set) == 1) {
                json_decref(set);
                return 0;
        }
        return add_step(p, have ? "task_change" : "task_create", set);
}

/* The document's tasks, after the batch (scmd's scheduler arms their
 * timers as it takes them); with --prune, the tasks it does not name go,
 * when it has "tasks" at all. */
static int plan_tasks(struct scctl *ctx, json_t *doc, bool prune, struct plan *p) {
        json_t *want = json_object_get(doc, "tasks");
        if (!want)
                return 0;
        _cleanup_json_ json_t *have = NULL;
        int r = apply_fetch_tasks(ctx, &have);
        if (r != 0)
                return apply_report_call(ctx, r);
        const char *name;
        json_t *t;
        json_object_foreach(want, name, t) {
                if (plan_task(p, name, t, json_object_get(have, name)) < 0)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                            NULL, "out of memory");
        }
        json_object_foreach(have, name, t) {
                if (!prune || json_object_get(want, name))
                        continue;
                add_task_change(p, name, "delete", NULL, NULL, NULL);
                if (add_step(p, "task_delete", json_pack("{s:s}", "name", name)) < 0)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                            NULL, "out of memory");
        }
        return 0;
}

static json_t *scm_acl_params(const json_t *acl) {
        return json_is_string(acl) ? json_pack("{s:b, s:O}", "scm", 1, "access_list", acl)
                                   : json_pack("{s:b, s:b}", "scm", 1, "default", 1);
}

static int plan_scm_acl(struct scctl *ctx, json_t *doc, struct plan *p) {
        json_t *want = json_object_get(doc, "scm_access_list");
        _cleanup_json_ json_t *have = NULL;
        if (!want)
                return 0;
        int r = scctl_call(ctx, "query_object_security", json_pack("{s:b}", "scm", 1), &have);
        if (r != 0)
                return r;
        json_t *was = json_is_true(json_object_get(have, "default"))
                              ? json_null()
                              : json_object_get(have, "access_list");
        if (json_equal(was, want))
                return 0;
        json_array_append_new(p->changes, json_pack("{s:s, s:O, s:O}", "action", "scm_access_list",
                                                    "old", was, "new", want));
        return add_step(p, "set_object_security", scm_acl_params(want)) < 0
                       ? output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                      "out of memory")
                       : 0;
}

/* ---- running a plan ---- */

static void print_change(const json_t *c) {
        const char *action = json_string_value(json_object_get(c, "action"));
        const char *service = json_string_value(json_object_get(c, "service"));
        const char *field = json_string_value(json_object_get(c, "field"));
        const char *task = json_string_value(json_object_get(c, "task"));
        const char *what = task ? "task " : "", *name = task ? task : service;
        if (name && !field) {
                printf("%s %s%s\n", action, what, name);
                return;
        }
        char *old = json_dumps(json_object_get(c, "old"), JSON_ENCODE_ANY | JSON_COMPACT);
        char *new = json_dumps(json_object_get(c, "new"), JSON_ENCODE_ANY | JSON_COMPACT);
        if (field)
                printf("change %s%s %s: %s -> %s\n", what, name, field, old, new);
        else
                printf("change %s: %s -> %s\n", action, old, new);
        free(old);
        free(new);
}

/* Without --json: a service's changes as soon as they are made. */
static void print_changes(const struct scctl *ctx, const json_t *changes) {
        size_t i;
        const json_t *c;
        if (ctx->json)
                return;
        json_array_foreach(changes, i, c)
                print_change(c);
}

static void warn_kept(const char *name, const char *field, const json_t *kept,
                      const json_t *written) {
        char *k = json_dumps(kept, JSON_ENCODE_ANY | JSON_COMPACT);
        char *w = json_dumps(written, JSON_ENCODE_ANY | JSON_COMPACT);
        fprintf(stderr,
                "scctl: apply: %s: scmd keeps %s as %s, not %s as written: write it so, or "
                "every apply will change it again\n",
                name, field, k ? k : "?", w ? w : "?");
        free(k);
        free(w);
}

/* After a service's change: warns of each field the document writes in
 * another form than scmd keeps it in (the next apply would see a change). */
static void check_kept(struct scctl *ctx, const char *name, json_t *want) {
        _cleanup_json_ json_t *have = NULL;
        if (apply_fetch_service(ctx, name, &have) != 0 || !have)
                return;
        const char *key;
        json_t *v;
        json_object_foreach(want, key, v) {
                json_t *h = json_object_get(have, key);
                if (!strcmp(key, "managed") || !strcmp(key, "parameters") || json_equal(h, v))
                        continue;
                if (strcmp(key, "failure_actions") != 0) {
                        warn_kept(name, key, h, v);
                        continue;
                }
                const char *f;
                json_t *fv;
                json_object_foreach(v, f, fv) {
                        json_t *hv = json_object_get(h, f);
                        if (!json_equal(hv, fv))
                                warn_kept(name, f, hv, fv);
                }
        }
}

/* Runs the calls outside the batch in order; stops at the first that
 * fails (a stop of a service that is not running is no failure). */
static int run_steps(struct scctl *ctx, struct plan *p) {
        for (size_t i = 0; i < p->n_steps; i++) {
                const struct step *s = &p->steps[i];
                ctx->name = json_string_value(json_object_get(s->params, "name"));
                int r = apply_call_quiet(ctx, s->method, json_incref(s->params), NULL);
                if (r == SCM_ERR(SCM_ERROR_SERVICE_NOT_ACTIVE) && !strcmp(s->method, "control"))
                        r = 0;
                if (r != 0)
                        return apply_report_call(ctx, r);
        }
        return 0;
}

/* SIGINT, SIGTERM and SIGHUP held while calls run (the old mask in old). */
static void hold_interrupts(sigset_t *old) {
        sigset_t hold;
        sigemptyset(&hold);
        sigaddset(&hold, SIGINT);
        sigaddset(&hold, SIGTERM);
        sigaddset(&hold, SIGHUP);
        sigprocmask(SIG_BLOCK, &hold, old);
}

/* run_steps() of the calls outside the batch, with interrupts held until
 * they are done. */
static int run_outside(struct scctl *ctx, struct plan *p) {
        sigset_t old;
        hold_interrupts(&old);
        int r = run_steps(ctx, p);
        if (r == 0)
                print_changes(ctx, p->changes);
        fflush(stdout);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return r;
}

/* The batch's calls: every step of every plan before plans[skip], the
 * prune and the calls after the batch (a stop, a socket bound: no
 * transaction takes those back), and of the two after it (the group order,
 * the SCM's list). *ret_owner[k] is the index of the plan of call k. */
static bool in_batch(size_t i, size_t skip) {
        return i != skip && i != skip + 3;
}

static json_t *batch_calls(const struct plan *plans, size_t n, size_t skip, size_t **ret_owner) {
        size_t total = 0, k = 0;
        for (size_t i = 0; i < n; i++)
                total += in_batch(i, skip) ? plans[i].n_steps : 0;
        json_t *calls = json_array();
        *ret_owner = calloc(total ? total : 1, sizeof(**ret_owner));
        if (!calls || !*ret_owner) {
                json_decref(calls);
                return NULL;
        }
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; in_batch(i, skip) && j < plans[i].n_steps; j++) {
                        const struct step *s = &plans[i].steps[j];
                        json_array_append_new(calls, json_pack("{s:s, s:O}", "method", s->method,
                                                               "params", s->params));
                        (*ret_owner)[k++] = i;
                }
        return calls;
}

/* A part of a batch stays well under a request line's 64 KiB. */
#define BATCH_PART_BYTES (32 * 1024)

/* Sends calls (consumed) as one batch, in parts of BATCH_PART_BYTES each
 * but the last marked "more": scmd runs them once the last is there. */
static int send_batch(struct scctl *ctx, json_t *calls) {
        size_t i, bytes = 0;
        json_t *c, *part = json_array();
        int r = 0;
        json_array_foreach(calls, i, c) {
                char *text = json_dumps(c, JSON_COMPACT);
                bytes += text ? strlen(text) : 0;
                free(text);
                json_array_append(part, c);
                bool last = i + 1 == json_array_size(calls);
                if (!last && bytes < BATCH_PART_BYTES)
                        continue;
                r = apply_call_quiet(ctx, "batch",
                                     json_pack("{s:o, s:b}", "calls", part, "more", !last), NULL);
                part = json_array();
                bytes = 0;
                if (r != 0)
                        break;
        }
        json_decref(part);
        json_decref(calls);
        return r;
}

/* Runs the document's changes but the prune as one batch of scmd's: all
 * made, or none.  0, or the error's exit status with *ret_failed the plan
 * whose call failed (n when not known). */
static int run_batch(struct scctl *ctx, struct plan *plans, size_t n, size_t skip,
                     size_t *ret_failed) {
        _cleanup_free_ size_t *owner = NULL;
        json_t *calls = batch_calls(plans, n, skip, &owner);
        if (!calls)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                    "out of memory");
        size_t count = json_array_size(calls);
        if (count == 0) {
                json_decref(calls);
                return 0;
        }
        sigset_t old;
        hold_interrupts(&old);
        ctx->name = NULL;
        int r = send_batch(ctx, calls);
        for (size_t i = 0; i < n && r == 0; i++) /* printed before an interrupt can end us */
                if (in_batch(i, skip))
                        print_changes(ctx, plans[i].changes);
        fflush(stdout);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (r == 0)
                return 0;
        size_t at = 0;
        const char *msg = r < 0 ? scm_client_error_message(ctx->client) : NULL;
        if (msg && sscanf(msg, "call %zu of the batch", &at) == 1 && at < count)
                *ret_failed = owner[at];
        int status = apply_report_call(ctx, r);
        if (ctx->json)
                return status;
        if (r == SCM_ERR(SCM_ERROR_INVALID_FUNCTION))
                fprintf(stderr, "scctl: apply: this scmd has no batch: upgrade it to apply a "
                                "document, which goes as one transaction\n");
        else if (r < 0 && scm_error_win32(r) > 0)
                fprintf(stderr, "scctl: apply: nothing was changed: the document is applied as "
                                "one transaction\n");
        else
                fprintf(stderr, "scctl: apply: the connection to scmd broke: the document was "
                                "applied whole or not at all (scctl apply --dry-run tells "
                                "which)\n");
        return status;
}

struct apply_options {
        bool dry_run, prune;
};

/* --json: everything changed (or, --dry-run, to change), at the end. */
static void report_json(json_t *changes, bool dry_run, const char *failed) {
        _cleanup_json_ json_t *out =
                json_pack("{s:b, s:b, s:O, s:s?}", "changed", json_array_size(changes) > 0,
                          "dry_run", dry_run, "changes", changes, "failed", failed);
        output_json(out);
}

static int apply(struct scctl *ctx, const char *file, const struct apply_options *o) {
        _cleanup_json_ json_t *doc = NULL;
        int r = apply_load_document(ctx, file, &doc);
        if (r != 0)
                return r;
        json_t *services = json_object_get(doc, "services");
        /* The services', then the prune, the group order, the SCM's list,
         * and after: sockets, triggers and tasks. */
        size_t n = json_object_size(services) + 4;
        struct plan *plans = calloc(n, sizeof(*plans));
        const char **names = calloc(n, sizeof(*names));
        _cleanup_json_ json_t *done = json_array();
        if (!plans || !names) {
                free(plans);
                free(names);
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                    "out of memory");
        }
        size_t k = 0, prune = json_object_size(services), after = prune + 3;
        const char *name;
        json_t *want;
        for (size_t i = 0; i < n; i++)
                plans[i].changes = json_array();
        json_object_foreach(services, name, want) {
                names[k] = name;
                if ((r = plan_service(ctx, name, want, &plans[k++], &plans[after])) != 0)
                        goto out;
        }
        names[k] = "(prune)";
        if (o->prune && (r = plan_prune(ctx, services, &plans[k])) != 0)
                goto out;
        names[++k] = "(group order)";
        if ((r = plan_group_order(ctx, doc, &plans[k])) != 0)
                goto out;
        names[++k] = "(the SCM's access list)";
        if ((r = plan_scm_acl(ctx, doc, &plans[k])) != 0)
                goto out;
        names[++k] = "(sockets, triggers and tasks)";
        if ((r = plan_tasks(ctx, doc, o->prune, &plans[k])) != 0)
                goto out;
        const char *failed = NULL;
        size_t at = n;
        if (!o->dry_run && (r = run_batch(ctx, plans, n, prune, &at)) != 0)
                failed = at < n ? names[at] : "(batch)";
        for (size_t i = 0; i < n && !failed; i++) {
                if (o->dry_run)
                        print_changes(ctx, plans[i].changes);
                else if (!in_batch(i, prune) && (r = run_outside(ctx, &plans[i])) != 0) {
                        failed = names[i];
                        break;
                }
                json_array_extend(done, plans[i].changes);
        }
        for (size_t i = 0; i < prune && !o->dry_run && !failed; i++) /* once all is made */
                if (plans[i].n_steps > 0 || plans[after].n_steps > 0)
                        check_kept(ctx, names[i], json_object_get(services, names[i]));
        if (ctx->json)
                report_json(done, o->dry_run, failed);
out:
        for (size_t i = 0; i < n; i++)
                plan_free(&plans[i]);
        free(plans);
        free(names);
        return r;
}

enum { OPT_DRY_RUN = 0x100, OPT_PRUNE };

static const struct option apply_options[] = {
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"prune", no_argument, NULL, OPT_PRUNE},
        {},
};

static int run_apply(struct scctl *ctx, int argc, char **argv) {
        struct apply_options o = {0};
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == OPT_DRY_RUN)
                        o.dry_run = true;
                else if (opt == OPT_PRUNE)
                        o.prune = true;
        }
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one FILE (- for standard input)");
        return apply(ctx, argv[optind], &o);
}

const struct scctl_verb verb_apply = {
        .name = "apply",
        .synopsis = "[--dry-run] [--prune] FILE",
        .summary = "Make the services match a configuration document (scctl export --document)",
        .help = "FILE (- for standard input) is a JSON document as scctl export --document\n"
                "prints it.  Each service is created when missing and changed where it\n"
                "differs; a field the document leaves out is left as it is.  Every change\n"
                "is printed (nothing when there is none); --json prints\n"
                "{\"changed\":..,\"dry_run\":..,\"changes\":[..]}.  The document's changes\n"
                "are one transaction of scmd's: all made, or (a failure) none.\n"
                "  --dry-run  print what would change, and change nothing\n"
                "  --prune    also delete (after stopping) the services marked managed\n"
                "             that the document does not name; apply marks every service\n"
                "             it names unless it says \"managed\": false\n"
                "docs/config-as-code.md describes the document.\n",
        .options = apply_options,
        .run = run_apply,
};
