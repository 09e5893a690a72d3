/* SPDX-License-Identifier: MIT */
/*
 * credentials.c: the machine secret store's delivery, each service's
 * secrets as files in a private memory-backed folder.
 */
#pragma once

#include <stdbool.h>

#include "security_config.h"

struct db;
struct scm_paths;
struct security_plan;
struct service_config;

/* What secrets_deliver() is told of the service it delivers to. */
struct secrets_request {
        const struct service_config *config;
        /* A service (the default), or a scheduled task's run standing in as
         * a service of its name (work/task_run.c): its secrets are kept
         * and sealed under key, its folder is RUN_DIR/task-credentials/FOLDER,
         * and a sentence says "task NAME". */
        enum owner_kind owner;
        const char *key;    /* NULL: config->name */
        const char *folder; /* NULL: service_file_name(config->name) */
        struct db *db;
        const struct scm_paths *paths;
        char **credentials_dir; /* in: the service's folder or NULL; out: the new one */
        char **error;           /* out: the sentence of a failure (malloc'd) */
};

/* Before a start: when the service has secrets, makes its private
 * memory-backed folder RUN_DIR/credentials/NAME (a tmpfs mount as root; a
 * folder on a tmpfs RUN_DIR otherwise), readable only by the account of
 * plan (or the service's group), and writes each secret into it as a
 * read-only file.  Withdraws the folder it had, then sets
 * *rq->credentials_dir (NULL when it has no secrets).  Returns 0, or
 * SCM_ERR(win32) with *rq->error set; nothing is left on failure. */
int secrets_deliver(const struct secrets_request *rq, const struct security_plan *plan);
/* RUN_DIR/credentials, where each service's folder is, by its file name
 * (service_file_name()); malloc'd, NULL on out-of-memory. */
char *secrets_folder_root(const struct scm_paths *paths);
/* Removes the folder *credentials_dir (unmount, remove) when there is one,
 * and sets it to NULL. */
void secrets_withdraw(char **credentials_dir);
/* At start-up: removes every folder an earlier scmd left in RUN_DIR/credentials
 * (owner OWNER_SERVICE) or RUN_DIR/task-credentials (OWNER_TASK) but those for
 * which keep (if set) says true (services taken back). */
void secrets_sweep(const struct scm_paths *paths, enum owner_kind owner,
                   bool (*keep)(void *userdata, const char *path), void *userdata);
