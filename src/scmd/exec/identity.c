/* SPDX-License-Identifier: MIT */
/*
 * The service identity: the Linux form of a Windows service SID.
 *
 * A service whose sid type is unrestricted or restricted has a group of
 * its own, added to its process's supplementary groups, whatever account
 * it runs as.  The group id comes from a range (--service-gid-range,
 * 810000-819999 by default) and is recorded in the database for the
 * service's name when the service first gets an identity.  It is kept for
 * that name for good: a service created again under the same name gets it
 * back (Windows derives a service SID from the name, so the same holds
 * there), and no other name is ever given it, not even after a delete.  A
 * gid some group of the system already uses is skipped.
 *
 * The identity owns three folders, named after the service:
 *
 *   state     <db folder>-services/NAME    (/var/lib/scm-services/NAME)
 *   runtime   <run folder>/services/NAME   (/run/scm/services/NAME)
 *   logs      <log folder>-services/NAME   (/var/log/scm-services/NAME)
 *
 * A scheduled task with an identity has the same three under "tasks"
 * (<db folder>-tasks/NAME, <run folder>/tasks/NAME, <log folder>-tasks/NAME),
 * and its group is recorded under "task/NAME" (task_config.h): a service
 * and a task of the same name never share a group or a folder.
 *
 * They sit beside scmd's own folders, not inside them, because those are
 * closed to everyone but scmd (the database folder is 0700).  Each is owned
 * by root and the service's group with mode 2770: the service reaches it
 * through its group, not through its account, so two services sharing an
 * account (nobody, LocalService) cannot enter each other's folders, and
 * files made inside belong to the service's group.  They are made or
 * repaired before each start and kept after a stop and a delete, like the
 * service's data on Windows.
 */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "db.h"
#include "paths.h"
#include "security.h"

#define GID_MIN_DEFAULT 810000
#define GID_MAX_DEFAULT 819999
#define FOLDER_MODE (S_ISGID | 0770)

static gid_t gid_min = GID_MIN_DEFAULT, gid_max = GID_MAX_DEFAULT;

void identity_gid_range(gid_t *ret_min, gid_t *ret_max) {
        *ret_min = gid_min;
        *ret_max = gid_max;
}

int identity_set_gid_range(gid_t min, gid_t max) {
        /* Below 1000 are the system's own groups; (gid_t)-1 means "none". */
        if (min < 1000 || max < min || max >= (gid_t)-1)
                return -EINVAL;
        gid_min = min;
        gid_max = max;
        return 0;
}

int identity_allocate_gid(struct db *db, const char *name, gid_t *ret) {
        gid_t gid;
        int r = db_security_gid_of(db, name, &gid);
        if (r < 0)
                return r;
        if (r > 0) {
                *ret = gid;
                return 0;
        }
        for (gid = gid_min; gid <= gid_max && gid != 0; gid++) {
                r = db_security_gid_used(db, gid);
                if (r < 0)
                        return r;
                if (r == 0 && !getgrgid(gid)) {
                        *ret = gid;
                        return 0;
                }
        }
        return -ENOSPC;
}

/* Removes trailing slashes from a copy of path. */
static char *trimmed(const char *path) {
        char *p = strdup(path);
        size_t n = p ? strlen(p) : 0;
        while (n > 1 && p[n - 1] == '/')
                p[--n] = '\0';
        return p;
}

int identity_folders(const struct scm_paths *paths, enum owner_kind owner, const char *name,
                     char **ret_state, char **ret_runtime, char **ret_logs) {
        _cleanup_free_ char *db_dir = trimmed(paths->db_dir), *run_dir = trimmed(paths->run_dir),
                            *log_dir = trimmed(paths->log_dir);
        const char *word = owner_kind_folder(owner);
        char *state = NULL, *runtime = NULL, *logs = NULL;
        if (!db_dir || !run_dir || !log_dir ||
            asprintf(&state, "%s-%s/%s", db_dir, word, name) < 0 ||
            asprintf(&runtime, "%s/%s/%s", run_dir, word, name) < 0 ||
            asprintf(&logs, "%s-%s/%s", log_dir, word, name) < 0) {
                free(state);
                free(runtime);
                return -ENOMEM;
        }
        *ret_state = state;
        *ret_runtime = runtime;
        *ret_logs = logs;
        return 0;
}

/* Makes the parent folders of path, 0755 and root's, so any account can
 * pass through to its own folder. */
static int make_parents(const char *path) {
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        return 0;
}

/* The base folder (the parent of a service's folder) must let the account
 * through: it is made 0755 when scmd made it, and opened up to o+x when an
 * existing one is not. */
static int open_base(const char *path) {
        _cleanup_free_ char *base = strdup(path);
        if (!base)
                return -ENOMEM;
        char *slash = strrchr(base, '/');
        if (!slash || slash == base)
                return -EINVAL;
        *slash = '\0';
        struct stat st;
        if (stat(base, &st) < 0)
                return -errno;
        if ((st.st_mode & 0111) != 0111 && chmod(base, (st.st_mode & 07777) | 0111) < 0)
                return -errno;
        return 0;
}

static int make_folder(const char *path, gid_t gid) {
        int r = make_parents(path);
        if (r < 0)
                return r;
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return -errno;
        r = open_base(path);
        if (r < 0)
                return r;
        /* The folder itself, never a symlink someone put in its place. */
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        bool chown_needed = st.st_uid != 0 || st.st_gid != gid;
        if (chown_needed && fchown(fd, 0, gid) < 0)
                return -errno;
        /* chown() clears the setgid bit: set the mode after it. */
        if ((chown_needed || (st.st_mode & 07777) != FOLDER_MODE) && fchmod(fd, FOLDER_MODE) < 0)
                return -errno;
        return 0;
}

int identity_make_folders(const struct security_plan *p, gid_t gid, const char **ret_path) {
        const char *const folders[] = {p->state_dir, p->runtime_dir, p->logs_dir};
        for (size_t i = 0; i < ELEMENTSOF(folders); i++) {
                if (!folders[i])
                        continue;
                int r = make_folder(folders[i], gid);
                if (r < 0) {
                        *ret_path = folders[i];
                        return r;
                }
        }
        return 0;
}
