/* SPDX-License-Identifier: MIT */
/*
 * systemd directives onto scm's fields (unit_import.h).  The field names
 * are the protocol's (docs/protocol.md); the table in docs/from-systemd.md
 * says the same for people, and both must change together.
 *
 * Two passes.  The first files each assignment into the slot of its
 * directive: a single value keeps the last assignment (the ones before are
 * reported as replaced), a list keeps every one (an empty assignment
 * resets it, the dropped ones reported as reset).  The second maps each
 * slot, reading others where meanings combine (Restart= with RestartSec=,
 * PIDFile= with Type=), and writes one report entry for every assignment.
 * This file holds the passes, the directive table and what is not mapped;
 * the handlers are in unit_map_process.c and unit_map_security.c
 * (unit_map.h).
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
#include "unit_import.h"
#include "unit_map.h"
#include "validate.h"

struct directive {
        const char *section; /* NULL: any */
        const char *key;
        bool list;
        map_fn *map;
};

/* ---- the report ---- */

static char *where(const struct unit_assignment *a) {
        char *s = NULL;
        return asprintf(&s, "%s:%u", a->file, a->line) < 0 ? NULL : s;
}

int map_report(struct mapper *m, const struct item *it, const char *value, const char *status,
               const char *field, const char *format, ...) {
        _cleanup_free_ char *w = where(it->a);
        json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "directive", it->a->key, "value",
                              value ? value : it->value, "where", w ? w : "?", "status", status);
        if (!e)
                return -ENOMEM;
        if (field)
                json_object_set_new(e, "field", json_string(field));
        if (format) {
                char reason[512];
                va_list ap;
                va_start(ap, format);
                vsnprintf(reason, sizeof(reason), format, ap);
                va_end(ap);
                json_object_set_new(e, "reason", json_string(reason));
        }
        json_object_set_new(e, "_order", json_integer((json_int_t)(it->a - m->u->assignments)));
        if (strcmp(status, "refused") == 0)
                m->out->refused = true;
        return json_array_append_new(m->out->report, e) < 0 ? -ENOMEM : 0;
}

int map_set(struct mapper *m, const char *field, json_t *value) {
        if (!value)
                return -ENOMEM;
        return json_object_set_new(m->out->config, field, value) < 0 ? -ENOMEM : 0;
}

const struct item *map_last(const struct slot *s) {
        return s->n ? &s->items[s->n - 1] : NULL;
}

static const struct directive directives[];
static size_t n_directives(void);

struct slot *map_slot_of(struct mapper *m, const char *key) {
        for (size_t i = 0; i < n_directives(); i++)
                if (strcmp(directives[i].key, key) == 0)
                        return &m->slots[i];
        return NULL;
}

const char *map_value_of(struct mapper *m, const char *key) {
        struct slot *s = map_slot_of(m, key);
        return s && s->n ? s->items[s->n - 1].value : NULL;
}

/* ---- X-Scm- keys ---- */

/* "ControlTimeoutMs" -> "control_timeout_ms". */
static char *snake_case(const char *camel) {
        char *out = malloc(strlen(camel) * 2 + 1), *o = out;
        if (!out)
                return NULL;
        for (const char *p = camel; *p; p++) {
                if (isupper((unsigned char)*p) && p != camel)
                        *o++ = '_';
                *o++ = (char)tolower((unsigned char)*p);
        }
        *o = '\0';
        return out;
}

static int file_scm_key(struct mapper *m, const struct item *it) {
        const char *camel = it->a->key + strlen("X-Scm-");
        bool failure = strncmp(camel, "Failure", 7) == 0 && camel[7];
        _cleanup_free_ char *field = snake_case(failure ? camel + 7 : camel);
        if (!field)
                return -ENOMEM;
        json_error_t error;
        json_t *v = json_loads(it->value, JSON_DECODE_ANY, &error);
        if (!v || !(it->value[0] == '"' || it->value[0] == '[' || it->value[0] == '{' ||
                    isdigit((unsigned char)it->value[0]) || json_is_boolean(v))) {
                json_decref(v);
                v = json_string(it->value); /* plain text */
        }
        if (!v)
                return REFUSED(m, it, "not UTF-8 text");
        json_t *target = failure ? m->scm_keys : m->scm_keys;
        char key[128];
        snprintf(key, sizeof(key), "%s%s", failure ? "failure:" : "", field);
        json_object_set_new(target, key, v);
        return map_report(m, it, NULL, "mapped", field, NULL);
}

/* ---- the directive table ---- */

#define LIMIT(name)                                                                                \
        { "Service", "Limit" name, false, NULL }
#define FOLDER(kind)                                                                               \
        {"Service", kind "Directory", true, NULL}, {                                               \
                "Service", kind "DirectoryMode", false, NULL                                       \
        }

static const struct directive directives[] = {
        {"Unit", "Description", false, map_description},
        {"Unit", "Requires", true, map_requires},
        {"Unit", "BindsTo", true, map_requires},
        {"Unit", "Requisite", true, map_requires},
        {"Unit", "Wants", true, map_soft_dependency},
        {"Unit", "After", true, map_soft_dependency},
        {"Unit", "StartLimitIntervalSec", false, map_restart_parts},
        {"Unit", "StartLimitBurst", false, map_restart_parts},
        {"Service", "StartLimitInterval", false, map_restart_parts},
        {"Install", "WantedBy", true, map_wanted_by},
        {"Install", "RequiredBy", true, map_wanted_by},
        {"Service", "Type", false, map_type},
        {"Service", "ExecStart", true, map_exec_start},
        {"Service", "ExecStartPre", true, map_exec_start_pre},
        {"Service", "ExecStopPost", true, map_exec_stop_post},
        {"Service", "ExecReload", true, map_exec_reload},
        {"Service", "PIDFile", false, map_pid_file},
        {"Service", "User", false, map_user},
        {"Service", "DynamicUser", false, map_dynamic_user},
        {"Service", "Group", false, map_group},
        {"Service", "SupplementaryGroups", true, map_supplementary_groups},
        {"Service", "WorkingDirectory", false, map_working_directory},
        {"Service", "Environment", true, map_environment},
        {"Service", "EnvironmentFile", true, map_environment_file},
        {"Service", "UMask", false, map_umask},
        LIMIT("NOFILE"),
        LIMIT("NPROC"),
        LIMIT("CORE"),
        LIMIT("MEMLOCK"),
        LIMIT("STACK"),
        LIMIT("AS"),
        LIMIT("DATA"),
        LIMIT("FSIZE"),
        LIMIT("RSS"),
        LIMIT("NICE"),
        LIMIT("RTPRIO"),
        LIMIT("MSGQUEUE"),
        LIMIT("SIGPENDING"),
        LIMIT("LOCKS"),
        LIMIT("RTTIME"),
        LIMIT("CPU"),
        {"Service", "Restart", false, map_restart},
        {"Service", "RestartSec", false, map_restart_parts},
        {"Service", "TimeoutSec", false, NULL},
        {"Service", "TimeoutStartSec", false, NULL},
        {"Service", "TimeoutStopSec", false, NULL},
        {"Service", "KillSignal", false, map_kill_signal},
        FOLDER("Runtime"),
        FOLDER("State"),
        FOLDER("Cache"),
        FOLDER("Logs"),
        FOLDER("Configuration"),
        {"Service", "ReadWritePaths", true, NULL},
        {"Service", "ReadWriteDirectories", true, NULL},
        {"Service", "ProtectSystem", false, map_protect_system},
        {"Service", "MemoryMax", false, map_memory},
        {"Service", "MemoryHigh", false, map_memory},
        {"Service", "MemorySwapMax", false, map_memory},
        {"Service", "CPUWeight", false, map_cpu_weight},
        {"Service", "CPUQuota", false, map_cpu_quota},
        {"Service", "TasksMax", false, map_tasks_max},
        {"Service", "IOWeight", false, map_io_weight},
        {"Service", "PrivateTmp", false, map_private_flag},
        {"Service", "PrivateDevices", false, map_private_flag},
        {"Service", "ProtectHome", false, map_protect_home},
        {"Service", "SystemCallFilter", true, map_system_call_filter},
        {"Service", "SystemCallErrorNumber", false, map_system_call_errno},
        {"Service", "RestrictAddressFamilies", true, map_address_families},
        {"Service", "IPAddressAllow", true, map_network_rules},
        {"Service", "IPAddressDeny", true, map_network_rules},
        {"Service", "SocketBindAllow", true, map_network_rules},
        {"Service", "SocketBindDeny", true, map_network_rules},
        {"Service", "NoNewPrivileges", false, map_no_new_privileges},
        {"Service", "CapabilityBoundingSet", true, NULL},
        {"Service", "AmbientCapabilities", true, NULL},
        {"Service", "PAMName", false, map_pam_name},
        {"Service", "RemainAfterExit", false, map_remain_after_exit},
        {"Service", "PrivateNetwork", false, map_private_network},
        {"Service", "WatchdogSec", false, map_watchdog},
};

static size_t n_directives(void) {
        return ELEMENTSOF(directives);
}

/* What the reader saw that scm does not map, and why. */
static const struct {
        const char *key;
        const char *status;
        const char *reason;
} unmapped[] = {
        {"Documentation", "not-needed", "scm keeps no documentation links"},
        {"DefaultDependencies", "not-needed", "scm has no implicit dependencies"},
        {"Alias", "not-needed", "scm services have one name"},
        {"Also", "not-needed", "import each unit by name"},
        {"DefaultInstance", "not-needed", "import an instance by its name"},
        {"StandardOutput", "not-needed", "scm keeps stdout and stderr in the service's log"},
        {"StandardError", "not-needed", "scm keeps stdout and stderr in the service's log"},
        {"StandardInput", "not-needed", "stdin is /dev/null"},
        {"SyslogIdentifier", "not-needed", "the service's log is its own"},
        {"SyslogFacility", "not-needed", "the service's log is its own"},
        {"SyslogLevel", "not-needed", "the service's log is its own"},
        {"NotifyAccess", "not-needed",
         "scm hears the main process and every process of its cgroup"},
        {"GuessMainPID", "not-needed",
         "a forking service's main pid comes from its PID file or "
         "its cgroup"},
        {"SendSIGKILL", "not-needed", "scm always kills after the stop timeout"},
        {"ExecStop", "not-mapped",
         "scm stops with stop_signal (KillSignal=) and kills after "
         "the stop timeout; a stop command is not run"},
        {"ExecStartPost", "not-mapped", "scm has no post-start commands"},
        {"ExecCondition", "not-mapped", "scm starts without conditions"},
        {"KillMode", "not-mapped",
         "scm stops the whole cgroup: no process of the service "
         "outlives its stop"},
        {"RestartPreventExitStatus", "not-mapped",
         "scm's failure actions do not look at the "
         "exit status"},
        {"RestartForceExitStatus", "not-mapped",
         "scm's failure actions do not look at the "
         "exit status"},
        {"SuccessExitStatus", "not-mapped", "only exit 0 is a success"},
        {"Before", "not-mapped",
         "scm orders by the dependent's dependencies: import the "
         "dependent with Requires= or After= on this one"},
        {"Conflicts", "not-mapped", "scm has no conflicts between services"},
        {"PartOf", "not-mapped",
         "scm does not propagate stops to services that are not "
         "dependents"},
        {"OnFailure", "not-mapped",
         "use the failure actions' run command (scctl failure "
         "--command)"},
        {"Nice", "not-mapped", "scheduling comes with the limits-and-fences issue"},
        {"OOMScoreAdjust", "not-mapped", "comes with the limits-and-fences issue"},
        {"CPUSchedulingPolicy", "not-mapped", "scheduling comes with the limits-and-fences issue"},
        {"IOSchedulingClass", "not-mapped", "scheduling comes with the limits-and-fences issue"},
};

/* Resource control and fences: the limits-and-fences issue. */
static const char *const later[] = {
        "MemoryLow",
        "MemoryMin",
        "MemoryLimit",
        "CPUShares",
        "IOReadBandwidthMax",
        "IOWriteBandwidthMax",
        "Slice",
        "ProtectKernelTunables",
        "ProtectKernelModules",
        "ProtectKernelLogs",
        "ProtectControlGroups",
        "ProtectClock",
        "ProtectHostname",
        "ProtectProc",
        "ProcSubset",
        "RestrictNamespaces",
        "RestrictRealtime",
        "RestrictSUIDSGID",
        "LockPersonality",
        "MemoryDenyWriteExecute",
        "SystemCallArchitectures",
        "PrivateUsers",
        "RemoveIPC",
        "ReadOnlyPaths",
        "ReadOnlyDirectories",
        "InaccessiblePaths",
        "InaccessibleDirectories",
        "NoExecPaths",
        "ExecPaths",
        "TemporaryFileSystem",
        "BindPaths",
        "BindReadOnlyPaths",
        "DevicePolicy",
        "DeviceAllow",
        "IPAddressAllow",
        "IPAddressDeny",
        "PrivateIPC",
        "PrivateMounts",
        "KeyringMode",
        "CPUAffinity",
        "AllowedCPUs",
        "Delegate",
};

static int report_unmapped(struct mapper *m, const struct item *it) {
        const char *key = it->a->key;
        for (size_t i = 0; i < ELEMENTSOF(unmapped); i++)
                if (!strcmp(unmapped[i].key, key))
                        return map_report(m, it, NULL, unmapped[i].status, NULL, "%s",
                                          unmapped[i].reason);
        for (size_t i = 0; i < ELEMENTSOF(later); i++)
                if (!strcmp(later[i], key))
                        return NOT_MAPPED(m, it,
                                          "resource control and fences come with a "
                                          "later issue (limits and fences)");
        if (!strncmp(key, "Condition", 9) || !strncmp(key, "Assert", 6))
                return NOT_MAPPED(m, it, "scm starts a service without conditions");
        if (!strncmp(key, "X-", 2))
                return NOT_NEEDED(m, it, "an extension key of another tool");
        return NOT_MAPPED(m, it, "scm has no equivalent of %s= in [%s]", key, it->a->section);
}

/* ---- the passes ---- */

static const struct directive *directive_of(const struct unit_assignment *a, size_t *ret_index) {
        for (size_t i = 0; i < n_directives(); i++) {
                const struct directive *d = &directives[i];
                if (strcmp(a->key, d->key) == 0) {
                        if (d->section && strcmp(d->section, a->section) != 0)
                                continue;
                        *ret_index = i;
                        return d;
                }
        }
        return NULL;
}

static void slot_clear(struct slot *s) {
        for (size_t i = 0; i < s->n; i++)
                free(s->items[i].value);
        s->n = 0;
}

static int file_assignment(struct mapper *m, const struct unit_assignment *a) {
        struct item it = {.a = a};
        char bad = '\0';
        bool scm_key = strncmp(a->key, "X-Scm-", 6) == 0 && a->key[6];
        if (scm_key)
                it.value = strdup(a->value);
        else if (unit_expand_specifiers(m->u, a->value, &it.value, &bad) < 0)
                return -ENOMEM;
        if (!it.value)
                return -ENOMEM;
        if (bad) {
                int r = REFUSED(m, &it, "the specifier %%%c is not supported: write its value",
                                bad);
                free(it.value);
                return r;
        }
        if (scm_key) {
                int r = file_scm_key(m, &it);
                free(it.value);
                return r;
        }
        size_t index;
        const struct directive *d = directive_of(a, &index);
        if (!d) {
                int r = report_unmapped(m, &it);
                free(it.value);
                return r;
        }
        struct slot *s = &m->slots[index];
        int r = 0;
        if (d->list && !it.value[0]) {
                for (size_t i = 0; r >= 0 && i < s->n; i++)
                        r = NOT_NEEDED(m, &s->items[i], "an empty %s= later resets the list",
                                       a->key);
                slot_clear(s);
                /* An empty capability set is a set: it stays for the mapping. */
                if (!strstr(a->key, "Capabilit")) {
                        if (r >= 0)
                                r = NOT_NEEDED(m, &it, "it empties the list");
                        free(it.value);
                        return r;
                }
        } else if (!d->list && s->n) {
                r = NOT_NEEDED(m, &s->items[0], "a later %s= replaces it", a->key);
                slot_clear(s);
        }
        struct item *grown = realloc(s->items, (s->n + 1) * sizeof(*grown));
        if (!grown) {
                free(it.value);
                return -ENOMEM;
        }
        s->items = grown;
        grown[s->n++] = it;
        return r;
}

static int map_slots(struct mapper *m) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < n_directives(); i++)
                if (m->slots[i].n && directives[i].map)
                        r = directives[i].map(m, &m->slots[i]);
        if (r >= 0)
                r = map_limits(m);
        if (r >= 0)
                r = map_timeouts(m);
        if (r >= 0)
                r = map_folders(m);
        if (r >= 0)
                r = map_read_write_paths(m);
        if (r >= 0)
                r = map_capabilities(m);
        if (r >= 0 && json_array_size(m->deps) > 0)
                r = map_set(m, "dependencies", json_incref(m->deps));
        return r;
}

/* The X-Scm- keys win over the directives. */
static int apply_scm_keys(struct mapper *m) {
        const char *key;
        json_t *v;
        json_object_foreach(m->scm_keys, key, v) {
                if (!strncmp(key, "failure:", 8)) {
                        if (!m->out->failure && !(m->out->failure = json_object()))
                                return -ENOMEM;
                        json_object_set(m->out->failure, key + 8, v);
                } else {
                        json_object_set(m->out->config, key, v);
                }
        }
        return 0;
}

static int by_order(const void *a, const void *b) {
        json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "_order"));
        json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "_order"));
        return x < y ? -1 : x > y;
}

/* The report in the order of the assignments (stable: qsort of indexes
 * whose ties keep their order through the second key). */
static int sort_report(json_t *report) {
        size_t n = json_array_size(report);
        json_t **v = calloc(n ? n : 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                v[i] = json_incref(json_array_get(report, i));
                json_int_t order = json_integer_value(json_object_get(v[i], "_order"));
                json_object_set_new(v[i], "_order", json_integer(order * 100000 + (json_int_t)i));
        }
        qsort(v, n, sizeof(*v), by_order);
        json_array_clear(report);
        for (size_t i = 0; i < n; i++) {
                json_object_del(v[i], "_order");
                json_array_append_new(report, v[i]);
        }
        free(v);
        return 0;
}

void unit_import_done(struct unit_import *m) {
        free(m->name);
        json_decref(m->config);
        json_decref(m->failure);
        json_decref(m->report);
        *m = (struct unit_import){0};
}

int unit_import_map(const struct unit_file *u, const struct unit_import_options *o,
                    struct unit_import *ret) {
        *ret = (struct unit_import){0};
        ret->name = o->name ? strdup(o->name) : strndup(u->name, strlen(u->name) - 8);
        ret->config = json_object();
        ret->report = json_array();
        struct mapper m = {.u = u,
                           .o = o,
                           .out = ret,
                           .deps = json_array(),
                           .scm_keys = json_object(),
                           .slots = calloc(n_directives(), sizeof(struct slot))};
        int r = ret->name && ret->config && ret->report && m.deps && m.scm_keys && m.slots
                        ? 0
                        : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < u->n_assignments; i++)
                r = file_assignment(&m, &u->assignments[i]);
        if (r >= 0)
                r = map_slots(&m);
        if (r >= 0)
                r = apply_scm_keys(&m);
        if (r >= 0)
                r = sort_report(ret->report);
        if (r >= 0 && !json_object_get(ret->config, "command_line")) {
                snprintf(ret->error, sizeof(ret->error),
                         "%s has no ExecStart= that scm can run: a service needs a command",
                         u->name);
                r = -EINVAL;
        }
        for (size_t i = 0; m.slots && i < n_directives(); i++) {
                slot_clear(&m.slots[i]);
                free(m.slots[i].items);
        }
        free(m.slots);
        json_decref(m.deps);
        json_decref(m.scm_keys);
        return r;
}
