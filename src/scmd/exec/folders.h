/* SPDX-License-Identifier: MIT */
/*
 * folders.c: the folders a service asks for by name (runtime, state,
 * cache, logs, configuration: systemd's RuntimeDirectory= and its
 * kin), made for its account before each start, announced in its
 * environment, and the runtime ones removed after it stops.
 */
#pragma once

#include <stdbool.h>

struct scm_paths;
struct security_plan;
struct service_config;

/* What service_folders_make() is told of the service it makes folders for. */
struct folders_request {
        const struct service_config *config; /* its name and process settings */
        const struct scm_paths *paths;       /* scmd's mode: where each kind's base is */
        const struct security_plan *plan;    /* the owner: the account and its primary group */
        char **error; /* out: replaced by the sentence of a failure (malloc'd) */
};

/* Makes (or repairs) every folder the service's process settings name,
 * each component opened with O_NOFOLLOW so a symbolic link put in a
 * folder's place is refused, never followed; owned by the account
 * (configuration folders stay root's) with the kind's mode.  Then sets
 * RUNTIME_DIRECTORY, STATE_DIRECTORY, CACHE_DIRECTORY, LOGS_DIRECTORY and
 * CONFIGURATION_DIRECTORY in *envp (a malloc'd NULL-terminated list it may
 * grow) for each kind that has folders: their full paths joined by ':'.
 * Returns 0, or SCM_ERR(win32) with *rq->error naming the folder. */
int service_folders_make(struct folders_request *rq, char ***envp);

/* Removes the service's runtime folders (the innermost component of each
 * name, with all it holds, never following a symbolic link).  Called when
 * the service lets go of its process; a folder already gone is no error,
 * and a failure is only logged. */
void service_folders_remove(const struct service_config *config, const struct scm_paths *paths);

/* The base folder of kind (enum process_folder_kind) in scmd's mode, malloc'd; NULL
 * with errno on failure. */
char *service_folders_base(const struct scm_paths *paths, int kind);
