/* SPDX-License-Identifier: MIT */
/*
 * Shared-process services (type share, svchost): the rules that decide
 * which process a share service runs in, and what that process may do.
 *
 * Services of type share with the same command line (the same string) and
 * the same account run in one process: the first one started spawns it,
 * the next ones join it (a START on its channel, no new process) while it
 * takes members.  A process stops taking members once its last member has
 * reported STOPPED (it is about to end), once a member was cut loose (a
 * hung member given up on while the others run) or once it is killed; a
 * start then spawns a new one.  The same command line with another account
 * is refused at start (DIFFERENT_SERVICE_ACCOUNT), as Windows refuses it.
 *
 * A share service must be native: stopping one member is a control on the
 * channel, never a signal, which would end the others too.  A service
 * identity (sid type) and a console belong to a whole process, so a share
 * service has neither.  The process's privileges are the union of the
 * required privileges of every configured member (the process is spawned
 * once, for members that may start later).  A member that requires none
 * has the account's own: for root that is every capability, so the
 * process is unrestricted; for any other account it is none, so it adds
 * nothing (and must not take away what the others require).  The network
 * restriction must be the same for every member of a process.
 */
#include "share.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "account.h"
#include "cleanup.h"
#include "fence_config.h"
#include "manager.h"
#include "privilege_names.h"
#include "process.h"
#include "registry.h"
#include "resource_config.h"
#include "security_config.h"
#include "syscall_config.h"

/* INVALID_PARAMETER, with the sentence in *ret_message (NULL when out of
 * memory). */
static int refuse(char **ret_message, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(char **ret_message, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_message, fmt, ap) < 0)
                *ret_message = NULL;
        va_end(ap);
        return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
}

int share_check_config(const struct service_config *c, char **ret_message) {
        if (c->type != SCM_TYPE_SHARE_PROCESS)
                return 0;
        if (c->kind != SCM_KIND_NATIVE)
                return refuse(ret_message,
                              "a shared-process service must be native (kind native), not %s: "
                              "its stop is a control to its own handler, while a signal would "
                              "end every service of the process",
                              scm_kind_name(c->kind));
        const struct service_security *sec = c->security;
        if (sec && sec->sid_type != SID_TYPE_NONE)
                return refuse(ret_message,
                              "a shared-process service cannot have a service identity (sid "
                              "type %s): the group and folders would be the whole process's; "
                              "use type own",
                              sid_type_name(sec->sid_type));
        if (sec && sec->interactive)
                return refuse(ret_message,
                              "a shared-process service cannot be interactive: the console "
                              "would be the whole process's; use type own");
        return 0;
}

bool share_accounts_equal(const char *a, const char *b) {
        if (account_is_local_system(a) || account_is_local_system(b))
                return account_is_local_system(a) && account_is_local_system(b);
        return strcmp(a, b) == 0;
}

static bool same_process_config(const struct service *s, const struct service *t) {
        return t->config.type == SCM_TYPE_SHARE_PROCESS && t->config.kind == SCM_KIND_NATIVE &&
               strcmp(t->config.command_line, s->config.command_line) == 0 &&
               share_accounts_equal(t->config.account, s->config.account);
}

static uint64_t privileges_of(const struct service *s) {
        return s->config.security ? s->config.security->privileges : 0;
}

uint64_t share_required_privileges(const struct service *s, bool root) {
        uint64_t own = privileges_of(s);
        if (s->config.type != SCM_TYPE_SHARE_PROCESS || (!own && root))
                return own;
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(s->manager->registry, &all);
        if (n < 0)
                return own; /* out of memory: the starting member's own */
        uint64_t caps = own;
        for (ssize_t i = 0; i < n; i++) {
                if (!same_process_config(s, all[i]))
                        continue;
                if (!privileges_of(all[i]) && root)
                        return 0; /* one member has all of root's: so has the process */
                caps |= privileges_of(all[i]);
        }
        return caps;
}

/* The running process that takes members, whose command line is s's. */
static struct process *find_process(struct service *s) {
        for (struct service *t = s->manager->active; t; t = t->active_next) {
                struct process *p = t->process;
                if (p && p->shared && !p->closed && !p->main_exited && p->channel_fd >= 0 &&
                    strcmp(p->command_line, s->config.command_line) == 0)
                        return p;
        }
        return NULL;
}

static bool restricts_network(const struct service *s) {
        return s->config.security && s->config.security->restrict_network;
}

char *share_fence_key(const struct service *s) {
        json_t *o = json_pack("{s:o, s:o, s:o}", "fences", service_fences_json(s->config.fences),
                              "syscalls", service_syscalls_json(s->config.syscalls), "limits",
                              service_resources_json(s->config.resources));
        char *key = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(o);
        return key;
}

/* s's fences, filter and limits are those p was started with. */
static int check_fences(struct service *s, struct process *p) {
        _cleanup_free_ char *mine = share_fence_key(s);
        if (!mine)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (!p->fence_key || strcmp(mine, p->fence_key) == 0)
                return 0;
        service_set_last_error(s,
                               "service %s has other fences, system-call filter or resource "
                               "limits than the process it would join (pid %d, service %s): "
                               "one process has one view of the filesystem, one filter and one "
                               "set of limits; give its members the same ones (scctl qc shows "
                               "them)",
                               s->config.name, (int)p->pid, process_name(p));
        return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
}

/* Whether s may run in p; else s->last_error says why. */
static int check_join(struct service *s, struct process *p) {
        const char *account = s->config.account[0] ? s->config.account : "LocalSystem";
        const char *theirs = p->account[0] ? p->account : "LocalSystem";
        if (!share_accounts_equal(p->account, s->config.account)) {
                service_set_last_error(
                        s,
                        "service %s runs as '%s', but the process of its command line (pid %d, "
                        "service %s) runs as '%s': services of one process share one account",
                        s->config.name, account, (int)p->pid, process_name(p), theirs);
                return SCM_ERR(SCM_ERROR_DIFFERENT_SERVICE_ACCOUNT);
        }
        if (restricts_network(s) != p->restrict_network) {
                service_set_last_error(s,
                                       "service %s %s its network, but the process it would join "
                                       "(pid %d, service %s) %s: the members of a process must "
                                       "agree",
                                       s->config.name, restricts_network(s) ? "restricts" : "keeps",
                                       (int)p->pid, process_name(p),
                                       p->restrict_network ? "restricts it" : "does not");
                return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        }
        /* What the process holds: its set, else its account's own. */
        uint64_t want = privileges_of(s), have = p->caps ? p->caps : p->root ? UINT64_MAX : 0;
        if (want ? (want & ~have) != 0 : p->root && p->caps != 0) {
                _cleanup_free_ char *names = privileges_to_text(want & ~have);
                service_set_last_error(
                        s,
                        "service %s requires %s, which its process (pid %d, service %s) was "
                        "started without; stop every service of that process and start again",
                        s->config.name,
                        want ? (names ? names : "?") : "every privilege of its account",
                        (int)p->pid, process_name(p));
                return SCM_ERR(SCM_ERROR_PRIVILEGE_NOT_HELD);
        }
        return check_fences(s, p);
}

int share_find_process(struct service *s, struct process **ret) {
        if (s->config.kind != SCM_KIND_NATIVE) {
                service_set_last_error(s,
                                       "service %s is a shared-process service of kind %s; "
                                       "change its kind to native or its type to own",
                                       s->config.name, scm_kind_name(s->config.kind));
                return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        }
        struct process *p = find_process(s);
        if (!p)
                return 0;
        int r = check_join(s, p);
        if (r < 0)
                return r;
        *ret = p;
        return 1;
}
