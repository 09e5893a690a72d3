/* SPDX-License-Identifier: MIT */
/*
 * The mapping of a unit's privileges, write restriction, dependencies,
 * installation and restart policy onto scm's fields (unit_map.h):
 * ReadWritePaths=, ProtectSystem=, CapabilityBoundingSet=,
 * AmbientCapabilities=, NoNewPrivileges=, Requires=/Wants=/After=,
 * WantedBy=, Restart= with RestartSec= and the start limit.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "unit_map.h"
#include "validate.h"

/* ---- security ---- */

int map_read_write_paths(struct mapper *m) {
        struct slot *a = map_slot_of(m, "ReadWritePaths"),
                    *b = map_slot_of(m, "ReadWriteDirectories");
        json_t *list = json_array();
        int r = list ? 0 : -ENOMEM;
        for (int pass = 0; pass < 2 && r >= 0; pass++) {
                struct slot *s = pass ? b : a;
                for (size_t i = 0; r >= 0 && i < s->n; i++) {
                        char **w = NULL;
                        const char *reason;
                        int n = unit_split_words(s->items[i].value, &w, &reason);
                        if (n < 0) {
                                r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                                continue;
                        }
                        bool optional = false;
                        for (int j = 0; j < n && r >= 0; j++) {
                                const char *p = w[j];
                                while (*p == '-' || *p == '+')
                                        optional |= *p++ == '-';
                                if (p[0] != '/')
                                        r = REFUSED(m, &s->items[i], "'%s' is not absolute", p);
                                else if (json_array_append_new(list, json_string(p)))
                                        r = -ENOMEM;
                        }
                        strv_free(w);
                        if (r >= 0)
                                r = optional ? MAPPED_NOTE(m, &s->items[i], "writable_paths",
                                                           "'-' dropped: a restricted service's "
                                                           "writable path must exist at start")
                                             : MAPPED(m, &s->items[i], "writable_paths");
                }
        }
        if (r < 0 || json_array_size(list) == 0) {
                json_decref(list);
                return r;
        }
        return map_set(m, "writable_paths", list);
}

int map_protect_system(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        if (strcmp(it->value, "strict") == 0) {
                /* Landlock keeps ReadWritePaths= (writable_paths) writable, which
                 * protect_system strict's read-only mounts would not. */
                int r = map_set(m, "sid_type", json_string("restricted"));
                if (r >= 0)
                        r = map_set(m, "protect_system", json_string("full"));
                return r < 0 ? r
                             : MAPPED_NOTE(m, it, "sid_type",
                                           "restricted: writes only to its folders, "
                                           "writable_paths, /tmp and /dev/shm (Landlock); and "
                                           "protect_system full (/usr, /boot, /etc read-only)");
        }
        int b = unit_parse_boolean(it->value);
        if (b == 0)
                return NOT_NEEDED(m, it, "the default");
        const char *level = b == 1 ? "yes" : !strcmp(it->value, "full") ? "full" : NULL;
        if (!level)
                return REFUSED(m, it, "not yes, no, full or strict");
        int r = map_set(m, "protect_system", json_string(level));
        return r < 0 ? r : MAPPED(m, it, "protect_system");
}

/* Capability names of every item of s, upper case, CAP_ prefixed, into
 * *ret; an item it could not take is reported here, one it took is left
 * for the caller to report ((*ret_taken)[i] true, malloc'd). */
static int capability_list(struct mapper *m, struct slot *s, json_t **ret, bool **ret_taken) {
        json_t *list = json_array();
        bool *taken = calloc(s->n ? s->n : 1, sizeof(bool));
        int r = list && taken ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const char *v = s->items[i].value;
                if (v[0] == '~') {
                        r = NOT_MAPPED(m, &s->items[i],
                                       "an inverted list ('~') cannot be required privileges: "
                                       "list the ones the service needs");
                        continue;
                }
                char **w = NULL;
                const char *reason;
                int n = unit_split_words(v, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                        continue;
                }
                for (int j = 0; j < n && r >= 0; j++) {
                        char name[64];
                        snprintf(name, sizeof(name), "%s%s",
                                 strncasecmp(w[j], "CAP_", 4) == 0 ? "" : "CAP_", w[j]);
                        for (char *p = name; *p; p++)
                                *p = (char)toupper((unsigned char)*p);
                        bool dup = false;
                        size_t k;
                        json_t *e;
                        json_array_foreach(list, k, e)
                                dup |= !strcmp(json_string_value(e), name);
                        if (!dup && json_array_append_new(list, json_string(name)) < 0)
                                r = -ENOMEM;
                }
                strv_free(w);
                taken[i] = r >= 0;
        }
        if (r < 0) {
                json_decref(list);
                free(taken);
                return r;
        }
        *ret = list;
        *ret_taken = taken;
        return 0;
}

/* Reports the items of s that capability_list() took. */
static int report_capabilities(struct mapper *m, struct slot *s, const bool *taken,
                               const char *status, const char *reason) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < s->n; i++)
                if (taken && taken[i])
                        r = map_report(m, &s->items[i], NULL, status,
                                       strcmp(status, "mapped") ? NULL : "required_privileges",
                                       reason ? "%s" : NULL, reason);
        return r;
}

/* AmbientCapabilities= when it names any, else CapabilityBoundingSet=. */
int map_capabilities(struct mapper *m) {
        struct slot *ambient = map_slot_of(m, "AmbientCapabilities"),
                    *bounding = map_slot_of(m, "CapabilityBoundingSet");
        _cleanup_json_ json_t *a = NULL, *b = NULL;
        _cleanup_free_ bool *a_taken = NULL, *b_taken = NULL;
        int r = 0;
        if (ambient->n && (r = capability_list(m, ambient, &a, &a_taken)) < 0)
                return r;
        if (bounding->n && (r = capability_list(m, bounding, &b, &b_taken)) < 0)
                return r;
        bool from_ambient = json_array_size(a) > 0;
        json_t *use = from_ambient ? a : b;
        if (!use)
                return 0;
        const char *user = json_string_value(json_object_get(m->out->config, "account"));
        if (json_array_size(use) == 0 && (!user || !strcmp(user, "root")))
                return report_capabilities(m, bounding, b_taken, "not-mapped",
                                           "an empty list for root: scm's [] keeps root's own "
                                           "privileges");
        r = report_capabilities(m, ambient, a_taken, "mapped", NULL);
        if (r >= 0)
                r = report_capabilities(m, bounding, b_taken,
                                        from_ambient ? "not-needed" : "mapped",
                                        from_ambient ? "the service holds exactly its "
                                                       "required privileges (AmbientCapabilities=)"
                                                     : NULL);
        return r < 0 ? r : map_set(m, "required_privileges", json_incref(use));
}

int map_no_new_privileges(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        int b = unit_parse_boolean(it->value);
        if (b < 0)
                return REFUSED(m, it, "not a boolean");
        int r = map_set(m, "no_new_privileges", json_boolean(b));
        return r < 0 ? r : MAPPED(m, it, "no_new_privileges");
}

/* ---- dependencies and installation ---- */

static bool known_service(struct mapper *m, const char *name) {
        size_t i;
        json_t *v;
        json_array_foreach(m->o->known_services, i, v)
                if (json_is_string(v) && names_equal(json_string_value(v), name))
                        return true;
        return false;
}

static bool has_dependency(struct mapper *m, const char *name) {
        size_t i;
        json_t *v;
        json_array_foreach(m->deps, i, v)
                if (names_equal(json_string_value(v), name))
                        return true;
        return false;
}

static int add_dependency(struct mapper *m, const char *name) {
        size_t i;
        json_t *v;
        json_array_foreach(m->deps, i, v)
                if (names_equal(json_string_value(v), name))
                        return 0;
        return json_array_append_new(m->deps, json_string(name)) < 0 ? -ENOMEM : 0;
}

/* hard: Requires=-like, mapped whether or not the service is known. */
static int map_units(struct mapper *m, struct slot *s, bool hard) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                char **w = NULL;
                const char *reason;
                int n = unit_split_words(s->items[i].value, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                        continue;
                }
                for (int j = 0; j < n && r >= 0; j++) {
                        const char *unit = w[j];
                        size_t len = strlen(unit);
                        if (len > 8 && strcmp(unit + len - 8, ".service") == 0) {
                                _cleanup_free_ char *name = strndup(unit, len - 8);
                                if (!name)
                                        r = -ENOMEM;
                                else if (names_equal(name, m->out->name))
                                        r = map_report(m, &s->items[i], unit, "not-needed", NULL,
                                                       "the service itself");
                                else if (has_dependency(m, name))
                                        r = map_report(m, &s->items[i], unit, "mapped",
                                                       "dependencies", NULL);
                                else if (hard || known_service(m, name))
                                        r = add_dependency(m, name)
                                                    ?: map_report(
                                                               m, &s->items[i], unit, "mapped",
                                                               "dependencies",
                                                               hard ? NULL
                                                                    : "stronger than %s=: it is "
                                                                      "started first and must run",
                                                               s->items[i].a->key);
                                else
                                        r = map_report(m, &s->items[i], unit, "not-mapped", NULL,
                                                       "'%s' is not an scm service (nor imported "
                                                       "with it): the ordering is dropped",
                                                       name);
                        } else if (len > 7 && strcmp(unit + len - 7, ".target") == 0) {
                                r = map_report(m, &s->items[i], unit, "not-needed", NULL,
                                               "scm has no targets: auto-start runs after the "
                                               "system's own start-up");
                        } else {
                                r = map_report(m, &s->items[i], unit, "not-mapped", NULL,
                                               "scm depends only on services");
                        }
                }
                strv_free(w);
        }
        return r;
}

int map_requires(struct mapper *m, struct slot *s) {
        return map_units(m, s, true);
}

int map_soft_dependency(struct mapper *m, struct slot *s) {
        return map_units(m, s, false);
}

int map_wanted_by(struct mapper *m, struct slot *s) {
        int r = 0;
        bool automatic = false;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                char **w = NULL;
                const char *reason;
                int n = unit_split_words(s->items[i].value, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                        continue;
                }
                for (int j = 0; j < n && r >= 0; j++) {
                        if (!strcmp(w[j], "multi-user.target") || !strcmp(w[j], "default.target") ||
                            !strcmp(w[j], "graphical.target")) {
                                automatic = true;
                                r = map_report(m, &s->items[i], w[j], "mapped", "start_type",
                                               "auto");
                        } else {
                                r = map_report(m, &s->items[i], w[j], "not-mapped", NULL,
                                               "only multi-user.target (and default, graphical) "
                                               "mean something to scm: auto start");
                        }
                }
                strv_free(w);
        }
        if (r >= 0 && automatic)
                r = map_set(m, "start_type", json_string("auto"));
        return r;
}

/* ---- failure actions ---- */

int map_restart(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        const char *v = it->value;
        bool restart = !strcmp(v, "on-failure") || !strcmp(v, "always") ||
                       !strcmp(v, "on-abnormal") || !strcmp(v, "on-abort") ||
                       !strcmp(v, "on-watchdog");
        if (!strcmp(v, "no"))
                return NOT_NEEDED(m, it, "the default: no failure actions");
        if (!restart)
                return REFUSED(m, it, "'%s': scm restarts only after a failure", v);

        unsigned long long delay = 100, interval = 10000, burst = 5;
        const char *sec = map_value_of(m, "RestartSec");
        const char *iv =
                map_value_of(m, "StartLimitIntervalSec") ?: map_value_of(m, "StartLimitInterval");
        const char *bu = map_value_of(m, "StartLimitBurst");
        if (sec && unit_parse_timespan_ms(sec, &delay) < 0)
                return REFUSED(m, map_last(map_slot_of(m, "RestartSec")), "not a time span");
        if (iv && unit_parse_timespan_ms(iv, &interval) < 0)
                interval = 10000;
        if (bu)
                burst = strtoull(bu, NULL, 10);
        if (delay > UINT32_MAX)
                delay = UINT32_MAX;
        json_t *actions = json_array();
        if (!actions)
                return -ENOMEM;
        bool limited = interval > 0 && interval != UINT64_MAX && burst > 0 && burst <= 63;
        for (unsigned long long i = 0; i < (limited ? burst : 1); i++)
                json_array_append_new(actions, json_pack("{s:s, s:I}", "type", "restart",
                                                         "delay_ms", (json_int_t)delay));
        if (limited)
                json_array_append_new(actions,
                                      json_pack("{s:s, s:i}", "type", "none", "delay_ms", 0));
        m->out->failure =
                json_pack("{s:o, s:I, s:b}", "actions", actions, "reset_period",
                          (json_int_t)(limited ? (interval + 999) / 1000 : 0), "non_crash_failures",
                          !strcmp(v, "on-failure") || !strcmp(v, "always"));
        if (!m->out->failure)
                return -ENOMEM;
        return MAPPED_NOTE(m, it, "actions",
                           limited ? "restart after %llu ms, up to %llu times until %llu s pass "
                                     "without a failure (StartLimitBurst=, "
                                     "StartLimitIntervalSec=)"
                                   : "restart after %llu ms, every time",
                           delay, burst, (interval + 999) / 1000);
}

int map_restart_parts(struct mapper *m, struct slot *s) {
        const char *restart = map_value_of(m, "Restart");
        if (restart && strcmp(restart, "no") != 0)
                return MAPPED(m, map_last(s), "actions");
        return NOT_NEEDED(m, map_last(s), "without Restart= there is nothing to restart");
}
