/* SPDX-License-Identifier: MIT */
/*
 * Least privilege, put together: a service's security settings (part of
 * its configuration), the checks made when they change, and the plan that
 * turns them into a process.
 *
 * Before the fork, security_plan_build() works out everything that can
 * fail in a way worth explaining: the account (made on first use for
 * LocalService and NetworkService; gone since it was configured is
 * SERVICE_LOGON_FAILED), the account privilege policy (PRIVILEGE_NOT_HELD),
 * the service's group and folders, the Landlock ruleset (NOT_SUPPORTED
 * without Landlock unless weak isolation is allowed; PATH_NOT_FOUND for a
 * writable path that is not there), the console.  In the child,
 * security_enter() only makes system calls, in a fixed order:
 *
 *   console -> network namespace -> bounding set -> groups -> gid -> uid
 *   (keeping capabilities across it) -> capability sets and ambient ->
 *   new session keyring -> no_new_privs -> Landlock
 *
 * The order is forced: a network namespace and the bounding set need
 * privileges the account does not have; the keyring is joined after the
 * switch so that it belongs to the account; Landlock comes last, after
 * no_new_privs, which it requires of an unprivileged process.
 */
#include "security.h"

#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <scm/error.h>

#include "account.h"
#include "cleanup.h"
#include "db.h"
#include "fence_config.h"
#include "folders.h"
#include "identity.h"
#include "log.h"
#include "pam.h"
#include "privilege_names.h"
#include "privileges.h"
#include "process_config.h"
#include "sandbox.h"
#include "security_config.h"
#include "service_config.h"

static char *console_path; /* scmd --console */

/* ---- scmd's options ---- */

const char security_options_help[] =
        "  --console PATH        the terminal interactive services use (e.g. /dev/tty9)\n"
        "  --service-gid-range MIN-MAX\n"
        "                        the group ids given to services with an identity (default\n"
        "                        810000-819999)\n";

int security_set_option(const char *name, const char *value) {
        if (strcmp(name, "console") == 0) {
                if (value[0] != '/') {
                        fprintf(stderr, "scmd: --console takes an absolute path, not '%s'\n",
                                value);
                        return -EINVAL;
                }
                free(console_path);
                console_path = strdup(value);
                return console_path ? 0 : -ENOMEM;
        }
        unsigned long min, max;
        int end = 0;
        if (value[0] == '-' || sscanf(value, "%lu-%lu%n", &min, &max, &end) != 2 ||
            value[end] != '\0' || min > UINT32_MAX || max > UINT32_MAX ||
            identity_set_gid_range((gid_t)min, (gid_t)max) < 0) {
                fprintf(stderr,
                        "scmd: --service-gid-range takes MIN-MAX with 1000 <= MIN <= MAX, not "
                        "'%s'\n",
                        value);
                return -EINVAL;
        }
        return 0;
}

/* ---- the plan ---- */

/* Who a sentence is about: "service NAME" or "task NAME" (two arguments,
 * for "%s %s"). */
#define WHO(rq) owner_kind_name((rq)->owner), (rq)->config->name

static int plan_fail(struct security_request *rq, int win32, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int plan_fail(struct security_request *rq, int win32, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(rq->error);
        if (vasprintf(&rq->error, fmt, ap) < 0)
                rq->error = NULL;
        va_end(ap);
        return SCM_ERR(win32);
}

void security_plan_free(struct security_plan *p) {
        if (!p)
                return;
        free(p->pw);
        free(p->groups);
        free(p->extra_groups);
        if (p->console_fd >= 0)
                close(p->console_fd);
        if (p->landlock_fd >= 0)
                close(p->landlock_fd);
        free(p->state_dir);
        free(p->runtime_dir);
        free(p->logs_dir);
        for (size_t k = 0; k < _FOLDER_KIND_MAX; k++)
                free(p->named_folders[k]);
        free(p->pam_name);
        free(p);
}

static int plan_account(struct security_request *rq, struct security_plan *p) {
        const char *account = rq->config->account ? rq->config->account : "";
        _cleanup_free_ char *why = NULL;
        int r = account_lookup(account, &p->pw, &why);
        if (r == -ENOMEM)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (r < 0)
                return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                                 "%s %s: cannot log on as '%s': %s", WHO(rq),
                                 account[0] ? account : "LocalSystem", why ? why : strerror(-r));
        p->switch_ids = p->pw->pw_uid != geteuid();
        if (p->switch_ids && geteuid() != 0)
                return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                                 "%s %s: scmd runs as uid %u and cannot start a service as "
                                 "'%s'; run scmd as root, or clear the account",
                                 WHO(rq), (unsigned)geteuid(), account);
        return 0;
}

static int plan_privileges(struct security_request *rq, struct security_plan *p) {
        /* A shared process's: the union of its members' (share.c). */
        uint64_t want = p->pw->pw_uid == 0 ? rq->caps_as_root : rq->caps_as_user;
        if (!want && p->pw->pw_uid != 0) {
                /* An unprivileged account that asks for nothing gets nothing,
                 * not even through a setuid-root program: an empty bounding
                 * set and no_new_privs, unless no_new_privileges is false. */
                const struct service_process *settings = rq->config->process;
                if (settings && settings->setuid_allowed)
                        return 0;
                /* Emptying the bounding set needs CAP_SETPCAP, which a
                 * scmd that is not root lacks: no_new_privs alone then. */
                p->set_caps = privileges_held() & (1ULL << CAP_SETPCAP);
                p->caps = 0;
                p->no_new_privs = true;
                privilege_last_cap(); /* read /proc now, not in the child */
                return 0;
        }
        if (!want)
                return 0; /* root's default: everything */
        if (p->pw->pw_uid != 0) {
                uint64_t granted = 0;
                int r = db_account_privileges(rq->db, p->pw->pw_name, &granted);
                if (r < 0)
                        return plan_fail(rq, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                         "%s %s: cannot read the account privilege policy: "
                                         "%s",
                                         WHO(rq), strerror(-r));
                uint64_t missing = want & ~granted;
                if (missing) {
                        _cleanup_free_ char *names = privileges_to_text(missing);
                        return plan_fail(rq, SCM_ERROR_PRIVILEGE_NOT_HELD,
                                         "%s %s: its account %s is not granted %s %s, "
                                         "which it requires",
                                         WHO(rq), p->pw->pw_name,
                                         __builtin_popcountll(missing) > 1 ? "the privileges"
                                                                           : "the privilege",
                                         names ? names : "?");
                }
        }
        /* A machine or container may withhold some from scmd itself: the
         * service starts with less (never more), and the log says so. */
        uint64_t withheld = want & ~privileges_held();
        if (withheld) {
                _cleanup_free_ char *names = privileges_to_text(withheld);
                log_warning("%s %s: scmd itself does not hold %s (this machine or container "
                            "withholds it); the service starts without",
                            WHO(rq), names ? names : "some privileges");
                want &= ~withheld;
        }
        p->set_caps = true;
        p->caps = want;
        p->ambient = p->pw->pw_uid != 0;
        p->no_new_privs = true;
        privilege_last_cap(); /* read /proc now, not in the child */
        return 0;
}

/* What a fence takes away, from the set the service is given or from
 * root's whole one.  A private /dev means no devices of its own: without
 * CAP_MKNOD it makes none, without CAP_SYS_RAWIO it reaches none behind the
 * kernel's back (ioperm, /dev/mem).  Network rules hold only if the
 * service cannot detach them: no CAP_NET_ADMIN, CAP_SYS_ADMIN or CAP_BPF.
 * An account of its own that keeps its default (a setuid helper allowed)
 * is left as it is: it holds none of them. */
static void plan_fence_caps(struct security_request *rq, struct security_plan *p) {
        const struct service_fences *f = rq->config->fences;
        uint64_t cut = 0;
        if (f && f->private_devices)
                cut |= (1ULL << CAP_MKNOD) | (1ULL << CAP_SYS_RAWIO);
        if (service_fences_network(f))
                cut |= (1ULL << CAP_NET_ADMIN) | (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_BPF);
        if (!cut)
                return;
        if (p->set_caps && (p->caps & cut) && p->pw->pw_uid != 0) {
                _cleanup_free_ char *names = privileges_to_text(p->caps & cut);
                log_warning("%s %s: its fences take away %s, which it requires (a private "
                            "/dev, or network rules it must not be able to lift)",
                            WHO(rq), names ? names : "privileges");
        }
        if (!p->set_caps) {
                if (p->pw->pw_uid != 0)
                        return;
                p->set_caps = true;
                p->caps = privileges_held();
                privilege_last_cap(); /* read /proc now, not in the child */
        }
        p->caps &= ~cut;
}

static int plan_identity(struct security_request *rq, const struct service_security *sec,
                         struct security_plan *p) {
        gid_t gid = 0;
        if (sec && sec->sid_type != SID_TYPE_NONE) {
                if (geteuid() != 0)
                        return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                                         "%s %s: a service identity (sid type %s) needs "
                                         "scmd to run as root",
                                         WHO(rq), sid_type_name(sec->sid_type));
                gid = sec->gid;
                if (gid == 0)
                        return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                                         "%s %s: it has no group id recorded", WHO(rq));
                if (identity_folders(rq->paths, rq->owner, rq->config->name, &p->state_dir,
                                     &p->runtime_dir, &p->logs_dir) < 0)
                        return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
                const char *path = NULL;
                int r = identity_make_folders(p, gid, &path);
                if (r < 0)
                        return plan_fail(rq, scm_error_from_errno(-r),
                                         "%s %s: cannot make its folder %s: %s", WHO(rq), path,
                                         strerror(-r));
        }
        const struct service_process *settings = rq->config->process;
        /* Not root, they were checked to be scmd's own (plan_groups()). */
        bool own_groups = geteuid() == 0 && settings &&
                          (settings->primary_group || settings->supplementary_groups);
        if (!p->switch_ids && gid == 0 && !own_groups)
                return 0; /* scmd's own groups */
        int r = account_groups(p->pw, gid, &p->groups, &p->n_groups);
        if (r < 0)
                return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                                 "%s %s: cannot find the groups of %s: %s", WHO(rq), p->pw->pw_name,
                                 strerror(-r));
        p->set_groups = true;
        return 0;
}

/* A group setting's gid: a number as it is, a name looked up. */
static int resolve_group(struct security_request *rq, const char *group, const char *setting,
                         gid_t *ret) {
        char *end;
        unsigned long long v = strtoull(group, &end, 10);
        if (group[0] >= '0' && group[0] <= '9' && !*end) {
                *ret = (gid_t)v;
                return 0;
        }
        errno = 0;
        const struct group *gr = getgrnam(group);
        if (!gr)
                return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                                 "%s %s: the group '%s' (%s) %s", WHO(rq), group, setting,
                                 errno && errno != ENOENT ? strerror(errno)
                                                          : "does not exist on this machine");
        *ret = gr->gr_gid;
        return 0;
}

static bool has_group(const gid_t *groups, size_t n, gid_t gid) {
        for (size_t i = 0; i < n; i++)
                if (groups[i] == gid)
                        return true;
        return false;
}

/* scmd not root: the group settings may only name what it has already. */
static int check_unprivileged_groups(struct security_request *rq, struct security_plan *p) {
        gid_t have[PROCESS_GROUPS_MAX * 4];
        int n = getgroups((int)ELEMENTSOF(have), have);
        bool ok = p->gid == getegid() && n >= 0;
        for (size_t i = 0; ok && i < p->n_extra_groups; i++)
                ok = p->extra_groups[i] == getegid() ||
                     has_group(have, (size_t)n, p->extra_groups[i]);
        if (ok)
                return 0;
        return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                         "%s %s: scmd runs as uid %u and cannot give the service groups it "
                         "has not itself; run scmd as root, or clear primary_group and "
                         "supplementary_groups",
                         WHO(rq), (unsigned)geteuid());
}

/* primary_group and supplementary_groups (process_config.h): the gid
 * becomes the account's for the whole plan (its groups are looked up with
 * it, as initgroups() would), the supplementary ones are added. */
static int plan_groups(struct security_request *rq, struct security_plan *p) {
        const struct service_process *settings = rq->config->process;
        p->gid = p->pw->pw_gid;
        if (!settings || (!settings->primary_group && !settings->supplementary_groups))
                return 0;
        int r = 0;
        if (settings->primary_group)
                r = resolve_group(rq, settings->primary_group, "primary_group", &p->gid);
        size_t n = 0;
        while (settings->supplementary_groups && settings->supplementary_groups[n])
                n++;
        p->extra_groups = calloc(n + 1, sizeof(gid_t));
        if (!p->extra_groups)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                gid_t g;
                r = resolve_group(rq, settings->supplementary_groups[i], "supplementary_groups",
                                  &g);
                if (r >= 0 && !has_group(p->extra_groups, p->n_extra_groups, g))
                        p->extra_groups[p->n_extra_groups++] = g;
        }
        if (r < 0)
                return r;
        if (geteuid() != 0)
                return check_unprivileged_groups(rq, p);
        p->pw->pw_gid = p->gid;
        p->switch_gid = true;
        return 0;
}

/* The supplementary groups are added after the account's. */
static int plan_extra_groups(struct security_plan *p) {
        if (!p->set_groups || p->n_extra_groups == 0)
                return 0;
        gid_t *all = realloc(p->groups, (p->n_groups + p->n_extra_groups) * sizeof(gid_t));
        if (!all)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        p->groups = all;
        for (size_t i = 0; i < p->n_extra_groups; i++)
                if (!has_group(all, p->n_groups, p->extra_groups[i]))
                        all[p->n_groups++] = p->extra_groups[i];
        return 0;
}

/* The folders the process settings name (folders.c), made now so that
 * the Landlock ruleset can grant them. */
static int plan_folders(struct security_request *rq, struct security_plan *p) {
        struct folders_request fq = {
                .config = rq->config,
                .paths = rq->paths,
                .uid = p->pw->pw_uid,
                .gid = p->gid,
                .error = &rq->error,
        };
        int r = service_folders_make(&fq);
        for (size_t k = 0; k < _FOLDER_KIND_MAX; k++)
                p->named_folders[k] = fq.joined[k];
        return r;
}

/* A logon session (pam_name): its PAM service must be there, and only
 * root may open one for another account. */
static int plan_session(struct security_request *rq, struct security_plan *p) {
        const struct service_process *settings = rq->config->process;
        if (!settings || !settings->pam_name)
                return 0;
        if (geteuid() != 0)
                return plan_fail(rq, SCM_ERROR_SERVICE_LOGON_FAILED,
                                 "%s %s: a logon session (pam_name %s) needs scmd to run "
                                 "as root",
                                 WHO(rq), settings->pam_name);
        char etc[PATH_MAX], usr[PATH_MAX];
        snprintf(etc, sizeof(etc), "/etc/pam.d/%s", settings->pam_name);
        snprintf(usr, sizeof(usr), "/usr/lib/pam.d/%s", settings->pam_name);
        if (access(etc, R_OK) < 0 && access(usr, R_OK) < 0)
                return plan_fail(rq, SCM_ERROR_FILE_NOT_FOUND,
                                 "%s %s: there is no PAM service '%s' (%s does not exist)", WHO(rq),
                                 settings->pam_name, etc);
        p->pam_name = strdup(settings->pam_name);
        return p->pam_name ? 0 : SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
}

static int plan_console(struct security_request *rq, const struct service_security *sec,
                        struct security_plan *p) {
        if (!sec || !sec->interactive)
                return 0;
        if (!account_is_local_system(rq->config->account))
                return plan_fail(rq, SCM_ERROR_INVALID_PARAMETER,
                                 "%s %s: an interactive service must run as LocalSystem", WHO(rq));
        if (!console_path) {
                log_warning("%s %s is interactive, but scmd has no console: its output goes "
                            "to its log",
                            WHO(rq));
                return 0;
        }
        p->console_fd = open(console_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (p->console_fd < 0)
                return plan_fail(rq, scm_error_from_errno(errno),
                                 "%s %s: cannot open the console %s: %s", WHO(rq), console_path,
                                 strerror(errno));
        return 0;
}

static int plan_sandbox(struct security_request *rq, const struct service_security *sec,
                        struct security_plan *p) {
        if (!sec)
                return 0;
        p->new_netns = sec->restrict_network;
        if (sec->sid_type != SID_TYPE_RESTRICTED)
                return 0;
        if (sandbox_landlock_abi() <= 0) {
                if (!sec->allow_weak_isolation)
                        return plan_fail(
                                rq, SCM_ERROR_NOT_SUPPORTED,
                                "%s %s is restricted, but this kernel has no Landlock, so "
                                "its writes cannot be restricted; it was not started (allow weak "
                                "isolation to run it with its account and group only)",
                                WHO(rq));
                log_warning("%s %s: this kernel has no Landlock; it runs without write "
                            "restriction (weak isolation is allowed for it)",
                            WHO(rq));
                return 0;
        }
        size_t n = 0;
        while (sec->writable_paths && sec->writable_paths[n])
                n++;
        /* The named folders it writes (not its configuration), ':' split. */
        _cleanup_free_ char *named = NULL;
        size_t n_named = 0, len = 0;
        for (size_t kind = 0; kind < FOLDER_CONFIGURATION; kind++)
                if (p->named_folders[kind])
                        len += strlen(p->named_folders[kind]) + 1;
        if (len > 0 && !(named = calloc(len + 1, 1)))
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        for (size_t kind = 0; kind < FOLDER_CONFIGURATION; kind++)
                if (p->named_folders[kind])
                        strcat(strcat(named, named[0] ? ":" : ""), p->named_folders[kind]);
        for (size_t i = 0; named && named[i]; i++)
                n_named += named[i] == ':' || i == 0;
        _cleanup_free_ char **paths = calloc(n + n_named + 4, sizeof(char *));
        if (!paths)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        size_t k = 0;
        paths[k++] = p->state_dir;
        paths[k++] = p->runtime_dir;
        paths[k++] = p->logs_dir;
        char *save = NULL;
        for (char *f = named ? strtok_r(named, ":", &save) : NULL; f;
             f = strtok_r(NULL, ":", &save))
                paths[k++] = f;
        for (size_t i = 0; i < n; i++)
                paths[k++] = sec->writable_paths[i];
        const char *path = NULL;
        int fd = sandbox_ruleset(paths, &path);
        if (fd == -ENOENT)
                return plan_fail(rq, SCM_ERROR_PATH_NOT_FOUND,
                                 "%s %s: the writable path %s does not exist", WHO(rq), path);
        if (fd < 0)
                return plan_fail(rq, scm_error_from_errno(-fd),
                                 "%s %s: cannot build its write restriction%s%s: %s", WHO(rq),
                                 path ? " at " : "", path ? path : "", strerror(-fd));
        p->landlock_fd = fd;
        p->no_new_privs = true;
        return 0;
}

int security_plan_build(struct security_request *rq, struct security_plan **ret) {
        struct security_plan *p = calloc(1, sizeof(*p));
        if (!p)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        p->console_fd = p->landlock_fd = -1;
        const struct service_security *sec = rq->config->security;
        int r = plan_account(rq, p);
        if (r >= 0)
                r = plan_privileges(rq, p);
        if (r >= 0)
                plan_fence_caps(rq, p);
        if (r >= 0)
                r = plan_groups(rq, p);
        if (r >= 0)
                r = plan_identity(rq, sec, p);
        if (r >= 0)
                r = plan_extra_groups(p);
        if (r >= 0)
                r = plan_folders(rq, p);
        if (r >= 0)
                r = plan_session(rq, p);
        if (r >= 0)
                r = plan_console(rq, sec, p);
        if (r >= 0)
                r = plan_sandbox(rq, sec, p);
        if (r < 0) {
                security_plan_free(p);
                return r;
        }
        *ret = p;
        return 0;
}

/* KEY=value in *envp, replacing an entry of the same KEY. */
static int env_set(char ***envp, const char *key, const char *value) {
        char *entry;
        if (asprintf(&entry, "%s=%s", key, value) < 0)
                return -ENOMEM;
        size_t n = 0, klen = strlen(key);
        for (; (*envp)[n]; n++)
                if (strncmp((*envp)[n], key, klen) == 0 && (*envp)[n][klen] == '=') {
                        free((*envp)[n]);
                        (*envp)[n] = entry;
                        return 0;
                }
        char **v = realloc(*envp, (n + 2) * sizeof(char *));
        if (!v) {
                free(entry);
                return -ENOMEM;
        }
        v[n] = entry;
        v[n + 1] = NULL;
        *envp = v;
        return 0;
}

int security_plan_env(const struct security_plan *p, char ***envp) {
        const struct {
                const char *key, *value;
        } vars[] = {
                {"STATE_DIRECTORY", p->state_dir},
                {"RUNTIME_DIRECTORY", p->runtime_dir},
                {"LOGS_DIRECTORY", p->logs_dir},
        };
        for (size_t i = 0; i < ELEMENTSOF(vars); i++)
                if (vars[i].value && env_set(envp, vars[i].key, vars[i].value) < 0)
                        return -ENOMEM;
        for (size_t k = 0; k < _FOLDER_KIND_MAX; k++)
                if (p->named_folders[k] &&
                    env_set(envp, service_folders_env_names[k], p->named_folders[k]) < 0)
                        return -ENOMEM;
        return 0;
}

/* ---- in the child ---- */

static int fail_at(enum spawn_stage stage, int r, enum spawn_stage *ret_stage) {
        *ret_stage = stage;
        errno = r < 0 ? -r : errno;
        return -1;
}

int security_enter_session(const struct security_plan *p, int cgroup_fd, char ***envp) {
        return p->pam_name ? pam_session_enter(p->pam_name, p->pw, cgroup_fd, envp) : 0;
}

int security_enter(const struct security_plan *p, enum spawn_stage *ret_stage) {
        int r;
        if (p->console_fd >= 0) {
                for (int fd = 0; fd <= 2; fd++)
                        if (dup2(p->console_fd, fd) < 0)
                                return fail_at(SPAWN_STAGE_CONSOLE, 0, ret_stage);
                (void)ioctl(STDIN_FILENO, TIOCSCTTY, 0); /* a terminal not taken by another */
        }
        if (p->new_netns && (r = sandbox_new_netns()) < 0)
                return fail_at(SPAWN_STAGE_NETWORK, r, ret_stage);
        if (p->set_caps && (r = privileges_drop_bounding(p->caps)) < 0)
                return fail_at(SPAWN_STAGE_PRIVILEGES, r, ret_stage);
        if (p->set_groups && setgroups(p->n_groups, p->groups) < 0)
                return fail_at(SPAWN_STAGE_ACCOUNT, 0, ret_stage);
        if ((p->switch_ids || p->switch_gid) && setresgid(p->gid, p->gid, p->gid) < 0)
                return fail_at(SPAWN_STAGE_ACCOUNT, 0, ret_stage);
        if (p->switch_ids) {
                if (p->set_caps && (r = privileges_keep_across_setuid(true)) < 0)
                        return fail_at(SPAWN_STAGE_PRIVILEGES, r, ret_stage);
                if (setresuid(p->pw->pw_uid, p->pw->pw_uid, p->pw->pw_uid) < 0)
                        return fail_at(SPAWN_STAGE_ACCOUNT, 0, ret_stage);
                if (p->set_caps && (r = privileges_keep_across_setuid(false)) < 0)
                        return fail_at(SPAWN_STAGE_PRIVILEGES, r, ret_stage);
        }
        if (p->set_caps && (r = privileges_apply(p->caps, p->ambient)) < 0)
                return fail_at(SPAWN_STAGE_PRIVILEGES, r, ret_stage);
        /* A logon session of its own.  Where keyrings are unavailable (no
         * CONFIG_KEYS, or a seccomp filter of a container) there is none to
         * share either. */
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
            errno != EPERM)
                return fail_at(SPAWN_STAGE_KEYRING, 0, ret_stage);
        if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) < 0)
                return fail_at(SPAWN_STAGE_PRIVILEGES, 0, ret_stage);
        if (p->landlock_fd >= 0 && syscall(SYS_landlock_restrict_self, p->landlock_fd, 0) < 0)
                return fail_at(SPAWN_STAGE_SANDBOX, 0, ret_stage);
        return 0;
}
