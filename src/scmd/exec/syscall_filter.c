/* SPDX-License-Identifier: MIT */
/*
 * A service's system-call filter, through libseccomp.  It is loaded last
 * in the child, after the account switch, the privileges, Landlock and the
 * working folder, just before exec: every privileged step of the start
 * has been taken, so the filter needs not allow any of them.
 *
 * With an allow list, every call not on it gets the action and the calls
 * on the deny list are left off it; without one, only the denied calls
 * get it.  An allow list always has execve and execveat (the exec that
 * follows), exit, exit_group, rt_sigreturn and write (the spawn report of a
 * failed exec).  A name a group holds that this architecture lacks is
 * skipped.  libseccomp sets no_new_privs, as an unprivileged filter must:
 * a setuid program the service runs does not gain privileges.
 *
 * The address families are rules on socket()'s first argument (as
 * systemd's RestrictAddressFamilies=): with an allow list, socket() of
 * every other family below AF_MAX, and of any at or above it, fails with
 * EAFNOSUPPORT; with a deny list, of each denied one.  socketpair() is
 * left alone (AF_UNIX in practice).
 */
#include "syscall_filter.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <seccomp.h>

#include "cleanup.h"
#include "syscall_config.h"

static const char *const always_allowed[] = {
        "execve", "execveat", "exit", "exit_group", "rt_sigreturn", "write", NULL,
};

/* name (a call or a group) holds call. */
static bool names(const char *name, const char *call) {
        if (name[0] != '@')
                return strcmp(name, call) == 0;
        for (const char *const *c = syscall_group(name); c && *c; c++)
                if (strcmp(*c, call) == 0)
                        return true;
        return false;
}

static bool listed(char **list, const char *call) {
        for (char **p = list; p && *p; p++)
                if (names(*p, call))
                        return true;
        return false;
}

static int add_call(scmp_filter_ctx ctx, uint32_t action, const char *call) {
        int nr = seccomp_syscall_resolve_name(call);
        if (nr == __NR_SCMP_ERROR)
                return 0; /* not on this architecture */
        int r = seccomp_rule_add(ctx, action, nr, 0);
        return r == -EEXIST ? 0 : r;
}

/* Adds the rule for every call of name (a call or a group), but those
 * listed in except. */
static int add_name(scmp_filter_ctx ctx, uint32_t action, const char *name, char **except) {
        if (name[0] != '@')
                return listed(except, name) ? 0 : add_call(ctx, action, name);
        for (const char *const *c = syscall_group(name); c && *c; c++) {
                int r = listed(except, *c) ? 0 : add_call(ctx, action, *c);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct service_syscalls *s, uint32_t action) {
        int r = 0;
        if (s->allow) {
                for (char **p = s->allow; r >= 0 && *p; p++)
                        r = add_name(ctx, SCMP_ACT_ALLOW, *p, s->deny);
                for (const char *const *p = always_allowed; r >= 0 && *p; p++)
                        r = add_call(ctx, SCMP_ACT_ALLOW, *p);
                return r;
        }
        for (char **p = s->deny; r >= 0 && p && *p; p++)
                r = add_name(ctx, action, *p, NULL);
        return r;
}

static bool family_listed(char **list, int family) {
        for (char **p = list; p && *p; p++)
                if (address_family_from_name(*p) == family)
                        return true;
        return false;
}

static int refuse_family(scmp_filter_ctx ctx, enum scmp_compare op, int family) {
        int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                                 SCMP_A0(op, (scmp_datum_t)family));
        return r == -EEXIST ? 0 : r;
}

static int add_family_rules(scmp_filter_ctx ctx, const struct service_syscalls *s) {
        int r = 0;
        if (s->families_allow) {
                for (int f = 0; r >= 0 && f < AF_MAX; f++)
                        if (!family_listed(s->families_allow, f))
                                r = refuse_family(ctx, SCMP_CMP_EQ, f);
                if (r >= 0)
                        r = refuse_family(ctx, SCMP_CMP_GE, AF_MAX);
        }
        for (char **p = s->families_deny; r >= 0 && p && *p; p++)
                r = refuse_family(ctx, SCMP_CMP_EQ, address_family_from_name(*p));
        return r;
}

int syscall_filter_enter(const struct service_syscalls *s) {
        if (!s || (!s->allow && !s->deny && !s->families_allow && !s->families_deny))
                return 0;
        uint32_t action = s->action_errno == SYSCALL_ACTION_KILL
                                  ? SCMP_ACT_KILL_PROCESS
                                  : SCMP_ACT_ERRNO((uint32_t)s->action_errno);
        scmp_filter_ctx ctx = seccomp_init(s->allow ? action : SCMP_ACT_ALLOW);
        if (!ctx)
                return -ENOMEM;
        int r = add_rules(ctx, s, action);
        if (r >= 0)
                r = add_family_rules(ctx, s);
        if (r >= 0)
                r = seccomp_load(ctx);
        seccomp_release(ctx);
        return r < 0 ? r : 0;
}
