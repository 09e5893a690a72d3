/* SPDX-License-Identifier: MIT */
/*
 * The inside of scctl import's mapping (unit_import.h), shared by its
 * files: unit_import.c owns the passes, the directive table and the
 * report; unit_map_process.c maps the Exec lines and the process settings;
 * unit_map_security.c the privileges, sandbox, dependencies, installation
 * and failure actions; unit_map_resources.c the resource limits, the
 * private view of the filesystem and the system-call filter.  Private to
 * src/scctl/.
 *
 * A handler gets the slot of its directive (every assignment that still
 * counts, specifiers expanded) and writes one report entry per assignment:
 * MAPPED (with the field), NOT_MAPPED, NOT_NEEDED or REFUSED (with a
 * reason).  It returns >= 0, or -ENOMEM; a refusal is a report, not an
 * error.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "unit_file.h"
#include "unit_import.h"

struct item {
        const struct unit_assignment *a;
        char *value; /* specifiers expanded */
};

struct slot {
        struct item *items;
        size_t n;
};

struct mapper;
typedef int map_fn(struct mapper *m, struct slot *s);

struct mapper {
        const struct unit_file *u;
        const struct unit_import_options *o;
        struct unit_import *out;
        struct slot *slots; /* one per directives[] entry */
        json_t *deps;       /* dependencies, in the order first named */
        json_t *scm_keys;   /* X-Scm- fields, applied last */
};

/* Appends a report entry for it (value: its own when NULL; field and
 * format may be NULL).  Returns 0 or -ENOMEM. */
int map_report(struct mapper *m, const struct item *it, const char *value, const char *status,
               const char *field, const char *format, ...) __attribute__((format(printf, 6, 7)));

#define MAPPED(m, it, field) map_report(m, it, NULL, "mapped", field, NULL)
#define MAPPED_NOTE(m, it, field, ...) map_report(m, it, NULL, "mapped", field, __VA_ARGS__)
#define NOT_MAPPED(m, it, ...) map_report(m, it, NULL, "not-mapped", NULL, __VA_ARGS__)
#define NOT_NEEDED(m, it, ...) map_report(m, it, NULL, "not-needed", NULL, __VA_ARGS__)
#define REFUSED(m, it, ...) map_report(m, it, NULL, "refused", NULL, __VA_ARGS__)

/* Sets field of the create/change_config params to value (taken; NULL is
 * out of memory).  Returns 0 or -ENOMEM. */
int map_set(struct mapper *m, const char *field, json_t *value);
/* The last item of s, or NULL when it has none. */
const struct item *map_last(const struct slot *s);
/* The slot of directive key (never NULL for a key of the table). */
struct slot *map_slot_of(struct mapper *m, const char *key);
/* The last value of directive key, or NULL. */
const char *map_value_of(struct mapper *m, const char *key);

/* unit_map_process.c and unit_map_security.c: one per directive (or group
 * of directives read together). */
int map_exec_start(struct mapper *m, struct slot *s);
int map_exec_start_pre(struct mapper *m, struct slot *s);
int map_exec_stop_post(struct mapper *m, struct slot *s);
int map_exec_reload(struct mapper *m, struct slot *s);
int map_type(struct mapper *m, struct slot *s);
int map_pid_file(struct mapper *m, struct slot *s);
int map_user(struct mapper *m, struct slot *s);
int map_dynamic_user(struct mapper *m, struct slot *s);
int map_group(struct mapper *m, struct slot *s);
int map_supplementary_groups(struct mapper *m, struct slot *s);
int map_working_directory(struct mapper *m, struct slot *s);
int map_environment(struct mapper *m, struct slot *s);
int map_environment_file(struct mapper *m, struct slot *s);
int map_umask(struct mapper *m, struct slot *s);
int map_limits(struct mapper *m);
int map_timeouts(struct mapper *m);
int map_kill_signal(struct mapper *m, struct slot *s);
int map_folders(struct mapper *m);
int map_pam_name(struct mapper *m, struct slot *s);
int map_remain_after_exit(struct mapper *m, struct slot *s);
int map_private_network(struct mapper *m, struct slot *s);
int map_watchdog(struct mapper *m, struct slot *s);
int map_description(struct mapper *m, struct slot *s);
int map_read_write_paths(struct mapper *m);
int map_protect_system(struct mapper *m, struct slot *s);
/* unit_map_resources.c: limits, fences, the system-call filter. */
int map_memory(struct mapper *m, struct slot *s);
int map_cpu_weight(struct mapper *m, struct slot *s);
int map_cpu_quota(struct mapper *m, struct slot *s);
int map_tasks_max(struct mapper *m, struct slot *s);
int map_io_weight(struct mapper *m, struct slot *s);
int map_private_flag(struct mapper *m, struct slot *s);
int map_protect_home(struct mapper *m, struct slot *s);
int map_system_call_filter(struct mapper *m, struct slot *s);
int map_system_call_errno(struct mapper *m, struct slot *s);
int map_address_families(struct mapper *m, struct slot *s);
int map_network_rules(struct mapper *m, struct slot *s);
int map_capabilities(struct mapper *m);
int map_no_new_privileges(struct mapper *m, struct slot *s);
int map_requires(struct mapper *m, struct slot *s);
int map_soft_dependency(struct mapper *m, struct slot *s);
int map_wanted_by(struct mapper *m, struct slot *s);
int map_restart(struct mapper *m, struct slot *s);
int map_restart_parts(struct mapper *m, struct slot *s);
