/* SPDX-License-Identifier: MIT */
/*
 * Confinement beyond the account: the write restriction of a restricted
 * service (the Linux form of a write-restricted token) and the network
 * namespace of a service that may not reach the network.
 *
 * Write restriction is Landlock, through its raw system calls.  The
 * ruleset handles only the rights that change the file system (writing,
 * truncating, making, removing, linking and renaming), never reading or
 * executing, so reads are as the account's permissions allow.  The rights
 * handled follow the kernel's ABI version: 1 has writing, making and
 * removing; 2 adds linking and renaming across folders (REFER); 3 adds
 * truncate.  A restricted service may write beneath its own folders, the
 * paths it is granted (--writable), the world-writable temporary folders
 * (/tmp, /dev/shm), and to the device files every program writes
 * (/dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom).
 * Descriptors it already holds, such as the log pipe on stdout and
 * stderr, are not affected: Landlock checks when a file is opened.
 *
 * scmd builds the ruleset before the fork, where a failure can name the
 * path; the child only enforces it (landlock_restrict_self), after
 * no_new_privs.
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* Rights newer than the kernel headers this may be built with. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

#define WRITE_RIGHTS_V1                                                                            \
        (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                           \
         LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                           \
         LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                               \
         LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |                             \
         LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

/* The rights that apply to a file (not a folder) among those handled. */
#define FILE_RIGHTS (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

static const char *const temporary_folders[] = {"/tmp", "/dev/shm"};
static const char *const device_files[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                           "/dev/urandom"};

int sandbox_landlock_abi(void) {
        long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
        return v < 0 ? 0 : (int)v;
}

static uint64_t handled_rights(int abi) {
        uint64_t rights = WRITE_RIGHTS_V1;
        if (abi >= 2)
                rights |= LANDLOCK_ACCESS_FS_REFER;
        if (abi >= 3)
                rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
        return rights;
}

/* Allows the handled rights beneath path (or on it, for a file).
 * -ENOENT when it does not exist. */
static int allow(int ruleset_fd, const char *path, uint64_t handled) {
        _cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        struct landlock_path_beneath_attr rule = {
                .allowed_access = S_ISDIR(st.st_mode) ? handled : handled & FILE_RIGHTS,
                .parent_fd = fd,
        };
        if (syscall(SYS_landlock_add_rule, ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) < 0)
                return -errno;
        return 0;
}

int sandbox_ruleset(char *const *paths, const char **ret_path) {
        int abi = sandbox_landlock_abi();
        if (abi <= 0)
                return -EOPNOTSUPP;
        uint64_t handled = handled_rights(abi);
        struct landlock_ruleset_attr attr = {.handled_access_fs = handled};
        _cleanup_close_ int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
        if (fd < 0)
                return -errno;
        for (char *const *p = paths; p && *p; p++) {
                int r = allow(fd, *p, handled);
                if (r < 0) {
                        *ret_path = *p;
                        return r;
                }
        }
        /* The shared places: missing ones are simply not granted. */
        for (size_t i = 0; i < ELEMENTSOF(temporary_folders); i++)
                allow(fd, temporary_folders[i], handled);
        for (size_t i = 0; i < ELEMENTSOF(device_files); i++)
                allow(fd, device_files[i], handled);
        return TAKE_FD(fd);
}

int sandbox_new_netns(void) {
        if (unshare(CLONE_NEWNET) < 0)
                return -errno;
        _cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
                return -errno;
        struct ifreq ifr = {0};
        strncpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name) - 1);
        if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
                return -errno;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
                return -errno;
        return 0;
}
