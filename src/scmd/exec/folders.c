/* SPDX-License-Identifier: MIT */
/*
 * A service's named folders (folders.h): the runtime, state, cache, logs
 * and configuration folders its process settings name, as systemd's
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and
 * ConfigurationDirectory= do.  Each name is relative to its kind's base:
 *
 *   kind            system, and --root as root   user (as systemd's user manager)
 *   runtime         /run                         $XDG_RUNTIME_DIR (else <run>/runtime)
 *   state           /var/lib                     $XDG_STATE_HOME (~/.local/state)
 *   cache           /var/cache                   $XDG_CACHE_HOME (~/.cache)
 *   logs            /var/log                     $XDG_STATE_HOME/log
 *   configuration   /etc                         $XDG_CONFIG_HOME (~/.config)
 *
 * --root DIR relocates scmd's own files, not the machine's: run as root,
 * its services get the system's folders, so a daemon finds /run/redis
 * where its own configuration says; run as another user it cannot write
 * those, and its services get DIR/folders/KIND.
 *
 * A base is trusted (root's, or the user's own); everything below it is
 * walked one component at a time with openat(O_NOFOLLOW | O_DIRECTORY), so
 * a symbolic link someone put where a folder belongs is refused, never
 * followed, and nothing outside the base is ever changed.  The names were
 * checked when configured (process_config.c: no '..', no leading '/').
 * Components above the innermost are made root's (the caller's) with mode
 * 0755 when missing and left as they are otherwise; the innermost one is
 * made or repaired before each start: owned by the account and its primary
 * group (a configuration folder stays its owner's: the service reads it,
 * it does not write it) with the kind's mode.  An existing configuration
 * folder is left as it is, as systemd does.  Only the folder itself is
 * given to the account, not what it holds.
 *
 * The runtime folders go when the service lets go of its process
 * (core/process.c's process_release()); the others stay, like a service's
 * data on Windows.
 */
#include "folders.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scm/error.h>

#include "cleanup.h"
#include "cmdline.h"
#include "log.h"
#include "paths.h"
#include "process_config.h"
#include "service_config.h"

#define REMOVE_DEPTH_MAX 64

const char *const service_folders_env_names[_FOLDER_KIND_MAX] = {
        [FOLDER_RUNTIME] = "RUNTIME_DIRECTORY",
        [FOLDER_STATE] = "STATE_DIRECTORY",
        [FOLDER_CACHE] = "CACHE_DIRECTORY",
        [FOLDER_LOGS] = "LOGS_DIRECTORY",
        [FOLDER_CONFIGURATION] = "CONFIGURATION_DIRECTORY",
};

/* ---- where ---- */

static char *join(const char *a, const char *b) {
        char *s;
        return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

/* $VAR when it is an absolute path, else $HOME/fallback. */
static char *xdg(const char *var, const char *fallback) {
        const char *v = getenv(var), *home = getenv("HOME");
        if (v && v[0] == '/')
                return strdup(v);
        if (!home || home[0] != '/') {
                errno = EINVAL;
                return NULL;
        }
        return join(home, fallback);
}

static char *user_base(const struct scm_paths *paths, int kind) {
        switch (kind) {
        case FOLDER_RUNTIME: {
                const char *v = getenv("XDG_RUNTIME_DIR");
                return v && v[0] == '/' ? strdup(v) : join(paths->run_dir, "/runtime");
        }
        case FOLDER_STATE:
                return xdg("XDG_STATE_HOME", "/.local/state");
        case FOLDER_CACHE:
                return xdg("XDG_CACHE_HOME", "/.cache");
        case FOLDER_LOGS: {
                _cleanup_free_ char *state = xdg("XDG_STATE_HOME", "/.local/state");
                return state ? join(state, "/log") : NULL;
        }
        default:
                return xdg("XDG_CONFIG_HOME", "/.config");
        }
}

char *service_folders_base(const struct scm_paths *paths, int kind) {
        static const char *const system[_FOLDER_KIND_MAX] = {
                [FOLDER_RUNTIME] = "/run",       [FOLDER_STATE] = "/var/lib",
                [FOLDER_CACHE] = "/var/cache",   [FOLDER_LOGS] = "/var/log",
                [FOLDER_CONFIGURATION] = "/etc",
        };
        if (kind < 0 || kind >= _FOLDER_KIND_MAX) {
                errno = EINVAL;
                return NULL;
        }
        /* --root relocates scmd's own files, not the machine's: as root its
         * services find /run/NAME as their units say; otherwise they play
         * in DIR/folders. */
        if (paths->mode == SCM_MODE_SYSTEM || (paths->mode == SCM_MODE_ROOT && geteuid() == 0))
                return strdup(system[kind]);
        if (paths->mode == SCM_MODE_USER)
                return user_base(paths, kind);
        char *s;
        return asprintf(&s, "%s/folders/%s", paths->root, process_folder_kind_names[kind]) < 0
                       ? NULL
                       : s;
}

/* ---- making ---- */

static int fail(struct folders_request *rq, int e, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int fail(struct folders_request *rq, int e, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(*rq->error);
        if (vasprintf(rq->error, fmt, ap) < 0)
                *rq->error = NULL;
        va_end(ap);
        return SCM_ERR(e == ENOMEM ? SCM_ERROR_NOT_ENOUGH_MEMORY : scm_error_from_errno(e));
}

/* mkdir -p of a trusted base, 0755. */
static int make_base(const char *base) {
        _cleanup_free_ char *p = strdup(base);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1;; s++) {
                if (*s && *s != '/')
                        continue;
                char c = *s;
                *s = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (!(*s = c))
                        return 0;
        }
}

/* Opens component c under dir_fd, making it first when make is set; a
 * symbolic link or anything but a folder in its place is -ELOOP or
 * -ENOTDIR.  Returns the fd, or -errno. */
static int step(int dir_fd, const char *c, bool make, mode_t mode, bool *ret_made) {
        *ret_made = make && mkdirat(dir_fd, c, mode) == 0;
        if (make && !*ret_made && errno != EEXIST)
                return -errno;
        int fd = openat(dir_fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
                return fd;
        int e = errno;
        struct stat st;
        if ((e == ELOOP || e == ENOTDIR) && fstatat(dir_fd, c, &st, AT_SYMLINK_NOFOLLOW) == 0)
                return S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
        return -e;
}

/* Walks name (components split at '/') from base_fd; the innermost
 * folder's fd, or -errno.  make: missing components are made. */
static int walk(int base_fd, const char *name, bool make, mode_t leaf_mode, bool *ret_made) {
        _cleanup_free_ char *copy = strdup(name);
        if (!copy)
                return -ENOMEM;
        int fd = fcntl(base_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); fd >= 0 && c;) {
                char *next = strtok_r(NULL, "/", &save);
                int sub = step(fd, c, make, next ? 0755 : leaf_mode, ret_made);
                close(fd);
                fd = sub;
                c = next;
        }
        return fd;
}

static const char *why_of(int e) {
        switch (e) {
        case ELOOP:
                return "a symbolic link is in its place (it is not followed; remove it)";
        case ENOTDIR:
                return "something that is not a folder is in its place";
        default:
                return strerror(e);
        }
}

/* Makes one folder; its owner and mode set unless it is a configuration
 * folder that was there already. */
static int make_one(struct folders_request *rq, int kind, int base_fd, const char *base,
                    const char *name, mode_t mode) {
        bool made = false;
        _cleanup_close_ int fd = walk(base_fd, name, true, 0700, &made);
        int r = fd < 0 ? fd : 0;
        if (r >= 0 && kind == FOLDER_CONFIGURATION && !made)
                return 0;
        struct stat st;
        if (r >= 0 && fstat(fd, &st) < 0)
                r = -errno;
        uid_t uid = kind == FOLDER_CONFIGURATION ? geteuid() : rq->uid;
        gid_t gid = kind == FOLDER_CONFIGURATION ? getegid() : rq->gid;
        bool chown_needed = r >= 0 && geteuid() == 0 && (st.st_uid != uid || st.st_gid != gid);
        if (chown_needed && fchown(fd, uid, gid) < 0)
                r = -errno;
        /* chown() clears the set-id bits: the mode after it. */
        if (r >= 0 && (chown_needed || (st.st_mode & 07777) != mode) && fchmod(fd, mode) < 0)
                r = -errno;
        if (r < 0)
                return fail(rq, -r, "service %s: cannot make its %s folder %s/%s: %s",
                            rq->config->name, process_folder_kind_names[kind], base, name,
                            why_of(-r));
        return 0;
}

/* ':' joined full paths of kind's folders, for its variable. */
static char *joined_paths(const char *base, char *const *names) {
        size_t n = 0;
        for (size_t i = 0; names[i]; i++)
                n += strlen(base) + 1 + strlen(names[i]) + 1;
        char *s = malloc(n + 1), *o = s;
        for (size_t i = 0; s && names[i]; i++)
                o += sprintf(o, "%s%s/%s", i ? ":" : "", base, names[i]);
        return s;
}

static int make_kind(struct folders_request *rq, int kind, const struct process_folders *f) {
        _cleanup_free_ char *base = service_folders_base(rq->paths, kind);
        if (!base)
                return fail(rq, errno, "service %s: no base folder for its %s folders: %s",
                            rq->config->name, process_folder_kind_names[kind],
                            errno == EINVAL ? "HOME is not set" : strerror(errno));
        int r = make_base(base);
        _cleanup_close_ int base_fd = r < 0 ? r : open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (base_fd < 0)
                return fail(rq, r < 0 ? -r : errno,
                            "service %s: cannot open the base folder %s: %s", rq->config->name,
                            base, strerror(r < 0 ? -r : errno));
        mode_t mode = f->mode >= 0 ? (mode_t)f->mode : PROCESS_FOLDER_MODE_DEFAULT;
        for (size_t i = 0; f->names[i]; i++)
                if ((r = make_one(rq, kind, base_fd, base, f->names[i], mode)) < 0)
                        return r;
        if (!(rq->joined[kind] = joined_paths(base, f->names)))
                return fail(rq, ENOMEM, "out of memory");
        return 0;
}

int service_folders_make(struct folders_request *rq) {
        const struct service_process *p = rq->config->process;
        for (int kind = 0; p && kind < _FOLDER_KIND_MAX; kind++) {
                if (!p->folders[kind].names)
                        continue;
                int r = make_kind(rq, kind, &p->folders[kind]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- removing ---- */

/* Empties the folder fd (consumed), never following a link. */
static int empty_folder(int fd, unsigned depth) {
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        int r = 0;
        for (struct dirent *e; (e = readdir(d));) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                        continue;
                struct stat st;
                if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        int sub = depth < REMOVE_DEPTH_MAX
                                          ? openat(dirfd(d), e->d_name,
                                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                          : -1;
                        if (sub < 0 || empty_folder(sub, depth + 1) < 0) {
                                r = -ENOTEMPTY;
                                continue;
                        }
                }
                if (unlinkat(dirfd(d), e->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
                        r = -errno;
        }
        closedir(d);
        return r;
}

/* Removes base/name's innermost folder and what it holds. */
static int remove_one(int base_fd, const char *name) {
        _cleanup_free_ char *parent = strdup(name);
        if (!parent)
                return -ENOMEM;
        char *slash = strrchr(parent, '/');
        const char *leaf = slash ? slash + 1 : name;
        if (slash)
                *slash = '\0';
        bool made;
        _cleanup_close_ int dir_fd =
                slash ? walk(base_fd, parent, false, 0, &made) : fcntl(base_fd, F_DUPFD_CLOEXEC, 3);
        if (dir_fd < 0)
                return dir_fd == -ENOENT ? 0 : dir_fd;
        int fd = step(dir_fd, leaf, false, 0, &made);
        if (fd < 0)
                return fd == -ENOENT ? 0 : fd;
        int r = empty_folder(fd, 0);
        if (r >= 0 && unlinkat(dir_fd, leaf, AT_REMOVEDIR) < 0 && errno != ENOENT)
                r = -errno;
        return r;
}

void service_folders_remove(const struct service_config *config, const struct scm_paths *paths) {
        const struct service_process *p = config->process;
        char *const *names = p ? p->folders[FOLDER_RUNTIME].names : NULL;
        if (!names)
                return;
        _cleanup_free_ char *base = service_folders_base(paths, FOLDER_RUNTIME);
        _cleanup_close_ int base_fd = base ? open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        for (size_t i = 0; base_fd >= 0 && names[i]; i++) {
                int r = remove_one(base_fd, names[i]);
                if (r < 0)
                        log_warning("service %s: cannot remove its runtime folder %s/%s: %s",
                                    config->name, base, names[i], why_of(-r));
        }
}
