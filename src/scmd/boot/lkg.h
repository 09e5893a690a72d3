/* SPDX-License-Identifier: MIT */
/*
 * The last known good configuration: boot acceptance and roll back.
 */
#pragma once

#include <jansson.h>
#include <scm/types.h>

struct manager;
struct service;

/* supervisor.c's manager_autostart(), once every auto-start service has
 * reached RUNNING or failed (depend_start_all()'s done): judges them; the
 * boot waits for any one still pending. */
void lkg_autostart_done(struct manager *m);
/* From failure_service_entered() and failure_service_free(). */
void lkg_service_entered(struct service *s, enum scm_state old);
void lkg_service_gone(struct service *s);
int lkg_set_boot_accept(const char *value);
void lkg_finish(void);
/* The methods' work: each returns 0, or SCM_ERR(win32) with *ret_error
 * (malloc'd) saying why. */
int lkg_accept_boot(struct manager *m, char **ret_error);
int lkg_reject_boot(struct manager *m, char **ret_error);
int lkg_restore_by_hand(struct manager *m, json_t **ret_result, char **ret_error);
/* Makes memory follow the configuration tables after they were replaced
 * (a restore) or rolled back (a batch): every service's configuration (one
 * only in memory is deleted, one only in the tables created: their names
 * go into added and removed), the group order and the SCM's access list.
 * A running process keeps the settings it started with.  0 or -errno
 * (memory then only partly follows; a restart of scmd finishes it). */
int lkg_memory_follow(struct manager *m, json_t *added, json_t *removed);
json_t *lkg_boot_status_json(struct manager *m);
/* The service the boot status's reason names (a roll back at boot), or
 * NULL; rpc_failure.c words the reason without it for whoever may not
 * query that service. */
const char *lkg_reason_service(void);
