/* SPDX-License-Identifier: MIT */
/*
 * The configuration document of scctl apply and export --document
 * (docs/config-as-code.md): reading a service from scmd in the document's
 * form, and reading and checking a document from a file.  Planning and
 * making the changes is cmd_apply.c's.
 */
#pragma once

#include <jansson.h>

#include "scctl.h"

/* The managed mark: this value (dword 1) under this key of a service. */
#define APPLY_MARKER_KEY "Parameters\\scctl"
#define APPLY_MARKER_VALUE "managed"

/* A call that prints nothing: 0, or its error (SCM_ERR() or -errno); > 0
 * an exit status when connecting failed (printed).  params is consumed;
 * ret may be NULL. */
int apply_call_quiet(struct scctl *ctx, const char *method, json_t *params, json_t **ret);
/* Reports r of apply_call_quiet() (unless printed already); returns the
 * exit status. */
int apply_report_call(struct scctl *ctx, int r);

/* Service name in the document's form (*ret, new), or *ret NULL when there
 * is no such service.  0, or an error as apply_call_quiet()'s. */
int apply_fetch_service(struct scctl *ctx, const char *name, json_t **ret);
/* The document's "tasks" as scmd has them (*ret, new): each task's
 * settings by name; NULL when scmd runs no scheduler.  0, or an error as
 * apply_call_quiet()'s. */
int apply_fetch_tasks(struct scctl *ctx, json_t **ret);
/* Appends every service's name (enumerate) to names; 0 or an exit status. */
int apply_all_names(struct scctl *ctx, json_t *names);

/* Reads file ("-": standard input) into *ret and checks it: its fields, its
 * services' names and nested objects, each service's spellings written as
 * scmd reports them.  0, or an exit status once the problem is printed
 * (*ret may then be set: the caller frees it). */
int apply_load_document(struct scctl *ctx, const char *file, json_t **ret);
