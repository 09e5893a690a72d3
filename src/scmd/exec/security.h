/* SPDX-License-Identifier: MIT */
/*
 * Least privilege put together: the plan that turns a service's account,
 * privileges, identity and restrictions into what its process does
 * between fork and exec.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "process_config.h"
#include "security_config.h"
#include "spawner.h"

struct db;
struct passwd;
struct scm_paths;
struct service_config;

/* What a service's process does between fork and exec to become the
 * service (built by security_plan_build() in scmd, carried out by
 * security_enter() in the child). */
struct security_plan {
        struct passwd *pw; /* the account: name, uid, gid, home, shell (owned) */
        bool switch_ids;   /* setresgid/setresuid to pw's ids */
        bool switch_gid;   /* setresgid to gid even when the uid stays (primary_group) */
        gid_t gid;         /* the primary group: pw's, or primary_group's (then pw_gid too) */
        bool set_groups;   /* setgroups(groups) */
        gid_t *groups;
        size_t n_groups;
        gid_t *extra_groups; /* supplementary_groups' gids, part of groups when set_groups */
        size_t n_extra_groups;
        bool set_caps; /* bounding, permitted, effective, inheritable (and ambient) := caps */
        bool ambient;  /* raise caps into the ambient set (the account is not root) */
        uint64_t caps;
        bool no_new_privs;
        int console_fd;  /* interactive: becomes stdin, stdout and stderr; -1 none */
        bool new_netns;  /* a network namespace with only loopback up */
        int landlock_fd; /* restricted: the ruleset to enforce; -1 none */
        char *state_dir; /* the service's folders (sid type other than none), else NULL */
        char *runtime_dir;
        char *logs_dir;
        /* The folders the process settings name (folders.c), each kind's
         * full paths joined by ':', or NULL. */
        char *named_folders[_FOLDER_KIND_MAX];
        char *pam_name; /* its logon session's PAM service (pam.c), or NULL */
};

/* Sets scmd's --console or --service-gid-range (name without dashes) from
 * the command line; prints why on stderr and returns -EINVAL when refused. */
int security_set_option(const char *name, const char *value);
/* The help lines of those options, for scmd --help. */
extern const char security_options_help[];

/* What security_plan_build() is told of the service it plans for. */
struct security_request {
        const struct service_config *config;
        /* A service (the default), or a scheduled task standing in as a
         * service of its name (work/task_run.c): its identity's folders are
         * the tasks' (identity.c), and a sentence says "task NAME". */
        enum owner_kind owner;
        struct db *db;                 /* the account privilege policy */
        const struct scm_paths *paths; /* where the service's folders are */
        /* The capabilities its process needs when its account is root, and
         * when it is not (a shared process's are the union of its members'). */
        uint64_t caps_as_root, caps_as_user;
        char *error; /* out: the sentence of a failure (malloc'd), or NULL */
};

/* Works out everything the service's process must do to run as its
 * account, with its privileges, identity and restrictions, and prepares
 * what must be made before the fork (the account on first use, folders,
 * the Landlock ruleset, the console).  Returns 0 with *ret, or
 * SCM_ERR(win32), with rq->error set when there is a sentence:
 * SERVICE_LOGON_FAILED, PRIVILEGE_NOT_HELD, NOT_SUPPORTED (no Landlock),
 * PATH_NOT_FOUND (a writable path), ... */
int security_plan_build(struct security_request *rq, struct security_plan **ret);
/* Adds STATE_DIRECTORY, RUNTIME_DIRECTORY and LOGS_DIRECTORY when the
 * service has an identity's folders, then RUNTIME_DIRECTORY,
 * STATE_DIRECTORY, CACHE_DIRECTORY, LOGS_DIRECTORY and
 * CONFIGURATION_DIRECTORY for the folders its process settings name
 * (replacing the identity's of the same name).  0 or -ENOMEM. */
int security_plan_env(const struct security_plan *p, char ***envp);
void security_plan_free(struct security_plan *p);
static inline void security_plan_freep(struct security_plan **p) {
        security_plan_free(*p);
}
/* In the child, before security_enter(): the logon session when the plan
 * has a PAM service (pam.c), its variables put into *envp.  0, or -1 with
 * errno set. */
int security_enter_session(const struct security_plan *p, int cgroup_fd, char ***envp);
/* In the child, at the account stage: console, network namespace, groups,
 * ids, capabilities, session keyring, no_new_privs, Landlock, in that
 * order.  Returns 0, or -1 with errno set and *ret_stage the step. */
int security_enter(const struct security_plan *p, enum spawn_stage *ret_stage);
