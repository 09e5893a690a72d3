/* SPDX-License-Identifier: MIT */
/*
 * folders.c: the folders a service asks for by name (runtime, state,
 * cache, logs, configuration: systemd's RuntimeDirectory= and its
 * kin), made for its account before each start, announced in its
 * environment, and the runtime ones removed after it stops.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "process_config.h"

struct scm_paths;
struct service_config;

/* What service_folders_make() is told of the service it makes folders for. */
struct folders_request {
        const struct service_config *config; /* its name and process settings */
        const struct scm_paths *paths;       /* scmd's mode: where each kind's base is */
        uid_t uid;                           /* the owner: the account */
        gid_t gid;                           /* and its primary group */
        char **error; /* out: replaced by the sentence of a failure (malloc'd) */
        /* out: each kind's folders, full paths joined by ':' (malloc'd; the
         * caller frees them, also after a failure), NULL for none. */
        char *joined[_FOLDER_KIND_MAX];
};

/* The variable that names kind's folders: RUNTIME_DIRECTORY, ... */
extern const char *const service_folders_env_names[_FOLDER_KIND_MAX];

/* Makes (or repairs) every folder the service's process settings name,
 * each component opened with O_NOFOLLOW so a symbolic link put in a
 * folder's place is refused, never followed; owned by the account
 * (configuration folders stay root's) with the kind's mode, and fills
 * rq->joined.  Returns 0, or SCM_ERR(win32) with *rq->error naming the
 * folder. */
int service_folders_make(struct folders_request *rq);

/* Removes the service's runtime folders (the innermost component of each
 * name, with all it holds, never following a symbolic link).  Called when
 * the service lets go of its process; a folder already gone is no error,
 * and a failure is only logged. */
void service_folders_remove(const struct service_config *config, const struct scm_paths *paths);

/* The base folder of kind (enum process_folder_kind) in scmd's mode, malloc'd; NULL
 * with errno on failure. */
char *service_folders_base(const struct scm_paths *paths, int kind);
