/* SPDX-License-Identifier: MIT */
/*
 * Required privileges: the Windows Se* privileges of a service become Linux
 * capabilities, named as the kernel names them (CAP_NET_BIND_SERVICE).
 *
 * A service with a list of required privileges runs with exactly those in
 * every set the kernel keeps: bounding, permitted, effective, inheritable,
 * and ambient when its account is not root (so that they survive execve()
 * without file capabilities), with no_new_privs set so that nothing it
 * executes can gain more.  An empty list keeps the account's default: all
 * for root, none for any other account.
 *
 * The order in the child is fixed, because each step needs what the next
 * one takes away: the bounding set is cut while the process still has
 * CAP_SETPCAP; SECBIT_KEEP_CAPS (PR_SET_KEEPCAPS) keeps the permitted set
 * across setresuid() to a non-root account; capset() then sets permitted,
 * effective and inheritable; the ambient set can only be raised from
 * capabilities that are permitted and inheritable.  Raw system calls
 * (capget/capset, prctl) keep libcap out of scmd.
 *
 * Which account may hold which capability is the account privilege policy,
 * kept by db_security.c and checked by security.c before a start.
 */
#include "scmd.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* The names of <linux/capability.h>, by number. */
static const char *const cap_names[] = {
        [0] = "CAP_CHOWN",
        [1] = "CAP_DAC_OVERRIDE",
        [2] = "CAP_DAC_READ_SEARCH",
        [3] = "CAP_FOWNER",
        [4] = "CAP_FSETID",
        [5] = "CAP_KILL",
        [6] = "CAP_SETGID",
        [7] = "CAP_SETUID",
        [8] = "CAP_SETPCAP",
        [9] = "CAP_LINUX_IMMUTABLE",
        [10] = "CAP_NET_BIND_SERVICE",
        [11] = "CAP_NET_BROADCAST",
        [12] = "CAP_NET_ADMIN",
        [13] = "CAP_NET_RAW",
        [14] = "CAP_IPC_LOCK",
        [15] = "CAP_IPC_OWNER",
        [16] = "CAP_SYS_MODULE",
        [17] = "CAP_SYS_RAWIO",
        [18] = "CAP_SYS_CHROOT",
        [19] = "CAP_SYS_PTRACE",
        [20] = "CAP_SYS_PACCT",
        [21] = "CAP_SYS_ADMIN",
        [22] = "CAP_SYS_BOOT",
        [23] = "CAP_SYS_NICE",
        [24] = "CAP_SYS_RESOURCE",
        [25] = "CAP_SYS_TIME",
        [26] = "CAP_SYS_TTY_CONFIG",
        [27] = "CAP_MKNOD",
        [28] = "CAP_LEASE",
        [29] = "CAP_AUDIT_WRITE",
        [30] = "CAP_AUDIT_CONTROL",
        [31] = "CAP_SETFCAP",
        [32] = "CAP_MAC_OVERRIDE",
        [33] = "CAP_MAC_ADMIN",
        [34] = "CAP_SYSLOG",
        [35] = "CAP_WAKE_ALARM",
        [36] = "CAP_BLOCK_SUSPEND",
        [37] = "CAP_AUDIT_READ",
        [38] = "CAP_PERFMON",
        [39] = "CAP_BPF",
        [40] = "CAP_CHECKPOINT_RESTORE",
};
_Static_assert(ELEMENTSOF(cap_names) <= 64, "a capability set fits in 64 bits");

int privilege_from_name(const char *name) {
        if (!name)
                return -1;
        const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
        for (size_t i = 0; i < ELEMENTSOF(cap_names); i++)
                if (strcasecmp(cap_names[i] + 4, bare) == 0)
                        return (int)i;
        return -1;
}

const char *privilege_name(int cap) {
        return cap >= 0 && (size_t)cap < ELEMENTSOF(cap_names) ? cap_names[cap] : NULL;
}

int privilege_last_cap(void) {
        static int last = -1;
        if (last >= 0)
                return last;
        last = (int)ELEMENTSOF(cap_names) - 1;
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        int v;
        if (f && fscanf(f, "%d", &v) == 1 && v >= 0 && v < last)
                last = v;
        return last;
}

json_t *privileges_to_json(uint64_t caps) {
        json_t *list = json_array();
        for (int i = 0; list && i < 64; i++)
                if ((caps & (1ULL << i)) && privilege_name(i) &&
                    json_array_append_new(list, json_string(privilege_name(i))) < 0) {
                        json_decref(list);
                        return NULL;
                }
        return list;
}

char *privileges_to_text(uint64_t caps) {
        char *text = strdup("");
        for (int i = 0; text && i < 64; i++) {
                if (!(caps & (1ULL << i)))
                        continue;
                char *next;
                if (asprintf(&next, "%s%s%s", text, text[0] ? ", " : "",
                             privilege_name(i) ? privilege_name(i) : "?") < 0)
                        next = NULL;
                free(text);
                text = next;
        }
        return text;
}

/* ---- in the child ---- */

int privileges_drop_bounding(uint64_t caps) {
        for (int i = 0; i <= privilege_last_cap(); i++) {
                if (caps & (1ULL << i))
                        continue;
                if (prctl(PR_CAPBSET_DROP, (unsigned long)i, 0, 0, 0) < 0 && errno != EINVAL)
                        return -errno;
        }
        return 0;
}

int privileges_keep_across_setuid(bool keep) {
        return prctl(PR_SET_KEEPCAPS, keep ? 1UL : 0UL, 0, 0, 0) < 0 ? -errno : 0;
}

int privileges_apply(uint64_t caps, bool ambient) {
        struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};
        for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
                uint32_t word = (uint32_t)(caps >> (32 * i));
                data[i].permitted = data[i].effective = data[i].inheritable = word;
        }
        if (syscall(SYS_capset, &header, data) < 0)
                return -errno;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return -errno;
        for (int i = 0; ambient && i <= privilege_last_cap(); i++)
                if ((caps & (1ULL << i)) &&
                    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)i, 0, 0) < 0)
                        return -errno;
        return 0;
}
