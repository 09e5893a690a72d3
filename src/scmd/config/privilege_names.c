/* SPDX-License-Identifier: MIT */
/*
 * The names of the capabilities, which are the names of required
 * privileges in the configuration, the protocol and the account privilege
 * policy.  What they make a process hold is exec/privileges.c's.
 */
#include "privilege_names.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

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
