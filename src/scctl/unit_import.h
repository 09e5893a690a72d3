/* SPDX-License-Identifier: MIT */
/*
 * The meaning of a systemd service unit in scm's vocabulary, for scctl
 * import and export (docs/from-systemd.md is the table for people).
 *
 * unit_import_map() turns a read unit (unit_file.h) into the parameters of
 * create / change_config and of change_failure_actions, and a report with
 * one entry per assignment the reader saw: mapped (to which field), not
 * mapped (why), not needed (why), or refused: a directive whose loss would
 * change what the service does materially, which makes import refuse
 * unless --force.  Keys X-Scm-FIELD= (FIELD in CamelCase) set a protocol
 * field directly and win over what the systemd directives gave: export
 * writes them for what systemd has no words for.
 *
 * Pure but for the account and group look-ups, which the caller passes.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "unit_file.h"

#ifndef _cleanup_json_
#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))
#endif

struct unit_import_options {
        const char *name; /* the service's name; NULL: the unit's, without .service */
        const json_t
                *known_services; /* names (a JSON list) After=/Wants= may point to; NULL: none */
        bool (*user_exists)(const char *name);  /* NULL: every user exists */
        bool (*group_exists)(const char *name); /* NULL: every group exists */
};

struct unit_import {
        char *name;      /* the service's name */
        json_t *config;  /* create / change_config params, without "name" */
        json_t *failure; /* change_failure_actions params without "name", or NULL */
        json_t *report;  /* [{"directive","value","where","status","field"?,"reason"?}] */
        bool refused;    /* a directive was refused (material): import needs --force */
        char error[256]; /* why the unit cannot be imported at all (no ExecStart=, ...) */
};

/* Maps u.  Returns 0 (see *ret->refused), -EINVAL when the unit cannot
 * become a service at all (ret->error says why), or -ENOMEM.  ret is set
 * up from scratch; unit_import_done() it in any case. */
int unit_import_map(const struct unit_file *u, const struct unit_import_options *options,
                    struct unit_import *ret);

void unit_import_done(struct unit_import *m);

/* The default of a create/change_config field (display_name: the name) or
 * of a change_failure_actions one (failure true), borrowed; NULL when scctl
 * does not know the field. */
const json_t *unit_field_default(const char *field, bool failure);

/* True when value is what the field holds by default (or null). */
bool unit_field_is_default(const char *field, bool failure, const json_t *value);

/* "X-Scm-ControlTimeoutMs" for "control_timeout_ms" (prefix "Failure" for
 * a failure field); malloc'd. */
char *unit_scm_key(const char *field, bool failure);

/* Writes the unit document of a service: config is query_config's result
 * merged with query_security's, failure query_failure_actions' (may be
 * NULL).  Every field that the systemd directives written would not give
 * back exactly gets an X-Scm- key, so import takes the document back
 * unchanged.  Returns the text (malloc'd) or NULL when memory ran out. */
char *unit_export(const json_t *config, const json_t *failure);
