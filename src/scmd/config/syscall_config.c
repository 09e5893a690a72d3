/* SPDX-License-Identifier: MIT */
/*
 * A service's system-call filter (syscall_config.h): the named groups, the
 * checks (every name must be a group or a system call libseccomp knows on
 * this architecture, every errno a known name), the protocol form, copying
 * and freeing.
 *
 * The groups, each a kind of privileged act a service rarely needs:
 *   @mount       mounting and the new mount API
 *   @reboot      rebooting, loading a kernel to boot
 *   @swap        turning swap on and off
 *   @module      loading and removing kernel modules
 *   @raw-io      raw port and PCI access
 *   @clock       setting the system clock
 *   @debug       tracing and reading other processes' memory, perf
 *   @privileged  all of the above, and chroot, acct, quotactl, the host
 *                and domain names, vhangup
 */
#include "syscall_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "cmdline.h"

const char *const syscall_config_keys[] = {
        "system_call_allow",      "system_call_deny",      "system_call_action",
        "address_families_allow", "address_families_deny", NULL,
};

static const struct {
        const char *name;
        int family;
} families[] = {
        {"AF_UNIX", AF_UNIX},
        {"AF_INET", AF_INET},
        {"AF_INET6", AF_INET6},
        {"AF_NETLINK", AF_NETLINK},
        {"AF_PACKET", AF_PACKET},
        {"AF_BLUETOOTH", AF_BLUETOOTH},
        {"AF_VSOCK", AF_VSOCK},
        {"AF_CAN", AF_CAN},
        {"AF_ALG", AF_ALG},
        {"AF_XDP", AF_XDP},
        {"AF_KEY", AF_KEY},
        {"AF_TIPC", AF_TIPC},
        {"AF_APPLETALK", AF_APPLETALK},
        {"AF_X25", AF_X25},
        {"AF_AX25", AF_AX25},
        {"AF_RDS", AF_RDS},
        {"AF_QIPCRTR", AF_QIPCRTR},
};

int address_family_from_name(const char *name) {
        if (!strcmp(name, "AF_LOCAL"))
                return AF_UNIX;
        for (size_t i = 0; i < ELEMENTSOF(families); i++)
                if (!strcmp(families[i].name, name))
                        return families[i].family;
        return -1;
}

#define MOUNT_CALLS                                                                                \
        "mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",     \
                "move_mount", "open_tree", "mount_setattr"
#define REBOOT_CALLS "reboot", "kexec_load", "kexec_file_load"
#define SWAP_CALLS "swapon", "swapoff"
#define MODULE_CALLS "init_module", "finit_module", "delete_module"
#define RAW_IO_CALLS "ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write"
#define CLOCK_CALLS "adjtimex", "clock_adjtime", "clock_settime", "settimeofday", "stime"
#define DEBUG_CALLS                                                                                \
        "ptrace", "process_vm_readv", "process_vm_writev", "perf_event_open", "lookup_dcookie"

static const char *const group_mount[] = {MOUNT_CALLS, NULL};
static const char *const group_reboot[] = {REBOOT_CALLS, NULL};
static const char *const group_swap[] = {SWAP_CALLS, NULL};
static const char *const group_module[] = {MODULE_CALLS, NULL};
static const char *const group_raw_io[] = {RAW_IO_CALLS, NULL};
static const char *const group_clock[] = {CLOCK_CALLS, NULL};
static const char *const group_debug[] = {DEBUG_CALLS, NULL};
static const char *const group_privileged[] = {
        MOUNT_CALLS,   REBOOT_CALLS,    SWAP_CALLS, MODULE_CALLS, RAW_IO_CALLS,
        CLOCK_CALLS,   DEBUG_CALLS,     "chroot",   "acct",       "quotactl",
        "sethostname", "setdomainname", "vhangup",  NULL,
};

static const struct {
        const char *name;
        const char *const *calls;
} groups[] = {
        {"@mount", group_mount},   {"@reboot", group_reboot},         {"@swap", group_swap},
        {"@module", group_module}, {"@raw-io", group_raw_io},         {"@clock", group_clock},
        {"@debug", group_debug},   {"@privileged", group_privileged},
};

const char *const syscall_group_names[] = {
        "@mount", "@reboot", "@swap", "@module", "@raw-io", "@clock", "@debug", "@privileged", NULL,
};

const char *const *syscall_group(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(groups); i++)
                if (strcmp(groups[i].name, name) == 0)
                        return groups[i].calls;
        return NULL;
}

void service_syscalls_free(struct service_syscalls *s) {
        if (!s)
                return;
        strv_free(s->allow);
        strv_free(s->deny);
        strv_free(s->families_allow);
        strv_free(s->families_deny);
        free(s);
}

struct service_syscalls *service_syscalls_dup(const struct service_syscalls *s) {
        if (!s)
                return NULL;
        struct service_syscalls *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        c->action_errno = s->action_errno;
        c->allow = s->allow ? strv_copy(s->allow) : NULL;
        c->deny = s->deny ? strv_copy(s->deny) : NULL;
        c->families_allow = s->families_allow ? strv_copy(s->families_allow) : NULL;
        c->families_deny = s->families_deny ? strv_copy(s->families_deny) : NULL;
        if ((s->allow && !c->allow) || (s->deny && !c->deny) ||
            (s->families_allow && !c->families_allow) || (s->families_deny && !c->families_deny)) {
                service_syscalls_free(c);
                return NULL;
        }
        return c;
}

static int say(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(char **ret_error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return *ret_error ? -EINVAL : -ENOMEM;
}

static bool known_name(const char *s) {
        return s[0] == '@' ? syscall_group(s) != NULL
                           : seccomp_syscall_resolve_name(s) != __NR_SCMP_ERROR;
}

static bool known_family(const char *s) {
        return address_family_from_name(s) >= 0;
}

/* A list of names known, or null / [] for none. */
static int read_list(const json_t *o, const char *key, bool (*known)(const char *), char ***field,
                     char **ret_error) {
        const json_t *v = json_object_get(o, key);
        if (!v)
                return 0;
        if (json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0)) {
                strv_free(*field);
                *field = NULL;
                return 0;
        }
        if (!json_is_array(v) || json_array_size(v) > SYSCALL_LIST_MAX)
                return say(ret_error, "the parameter '%s' must be a list of at most %d names", key,
                           SYSCALL_LIST_MAX);
        char **list = calloc(json_array_size(v) + 1, sizeof(char *));
        if (!list)
                return -ENOMEM;
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e) {
                const char *s = json_string_value(e);
                if (!s || !known(s)) {
                        strv_free(list);
                        return say(ret_error,
                                   known == known_name
                                           ? "'%s' entry %zu: '%s' is neither a system call of "
                                             "this machine nor a group (@mount, @reboot, @swap, "
                                             "@module, @raw-io, @clock, @debug, @privileged)"
                                           : "'%s' entry %zu: '%s' is not an address family "
                                             "(AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, "
                                             "...)",
                                   key, i + 1, s ? s : "(not a string)");
                }
                if (!(list[i] = strdup(s))) {
                        strv_free(list);
                        return -ENOMEM;
                }
        }
        strv_free(*field);
        *field = list;
        return 0;
}

static int errno_from_name(const char *s) {
        for (int e = 1; e < 134; e++) {
                const char *name = strerrorname_np(e);
                if (name && strcmp(name, s) == 0)
                        return e;
        }
        return -1;
}

static int read_action(const json_t *o, int *field, char **ret_error) {
        const json_t *v = json_object_get(o, "system_call_action");
        if (!v)
                return 0;
        const char *s = json_string_value(v);
        int e = s && strcmp(s, "kill") != 0 ? errno_from_name(s) : SYSCALL_ACTION_KILL;
        if (!s || e < 0)
                return say(ret_error, "the parameter 'system_call_action' must be \"kill\" or an "
                                      "errno name such as \"EPERM\"");
        *field = e;
        return 0;
}

int service_syscalls_apply_json(struct service_syscalls **s, const json_t *o, char **ret_error) {
        struct service_syscalls *next =
                *s ? service_syscalls_dup(*s) : calloc(1, sizeof(struct service_syscalls));
        if (!next)
                return -ENOMEM;
        if (!*s)
                next->action_errno = EPERM;
        int r = read_list(o, "system_call_allow", known_name, &next->allow, ret_error);
        if (r >= 0)
                r = read_list(o, "system_call_deny", known_name, &next->deny, ret_error);
        if (r >= 0)
                r = read_list(o, "address_families_allow", known_family, &next->families_allow,
                              ret_error);
        if (r >= 0)
                r = read_list(o, "address_families_deny", known_family, &next->families_deny,
                              ret_error);
        if (r >= 0)
                r = read_action(o, &next->action_errno, ret_error);
        if (r < 0) {
                service_syscalls_free(next);
                return r;
        }
        service_syscalls_free(*s);
        *s = next;
        if (!next->allow && !next->deny && !next->families_allow && !next->families_deny &&
            next->action_errno == EPERM) {
                service_syscalls_free(next);
                *s = NULL;
        }
        return 0;
}

static json_t *list_json(char **list) {
        json_t *a = json_array();
        for (char **p = list; a && p && *p; p++)
                if (json_array_append_new(a, json_string(*p)) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

json_t *service_syscalls_json(const struct service_syscalls *s) {
        const char *action = "EPERM";
        if (s)
                action = s->action_errno == SYSCALL_ACTION_KILL
                                 ? "kill"
                                 : (strerrorname_np(s->action_errno) ?: "EPERM");
        return json_pack("{s:o, s:o, s:s, s:o, s:o}", "system_call_allow",
                         list_json(s ? s->allow : NULL), "system_call_deny",
                         list_json(s ? s->deny : NULL), "system_call_action", action,
                         "address_families_allow", list_json(s ? s->families_allow : NULL),
                         "address_families_deny", list_json(s ? s->families_deny : NULL));
}
