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
#include "privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privilege_names.h"

/* ---- in scmd ---- */

uint64_t privileges_held(void) {
        struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};
        if (syscall(SYS_capget, &header, data) < 0)
                return ~0ULL; /* unknown: the child's capset says */
        uint64_t held = 0;
        for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
                held |= (uint64_t)data[i].permitted << (32 * i);
        for (int i = 0; i <= privilege_last_cap(); i++)
                if (prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) == 0)
                        held &= ~(1ULL << i);
        return held;
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
