/* SPDX-License-Identifier: MIT */
/*
 * The machine secret store's delivery: secrets handed to a service as
 * files in a private memory-backed folder ($CREDENTIALS_DIRECTORY).
 *
 * Before a start, a service with secrets gets a folder
 * RUN_DIR/credentials/NAME: as root a tmpfs of its own mounted there
 * (nosuid, nodev, noexec, noswap where the kernel has it, its size bounded
 * by what it holds) and remounted read-only once filled; without root a
 * plain folder, allowed only where RUN_DIR is itself on tmpfs or ramfs.
 * Each secret is a file named after its key, mode 0400 (0440 with a service
 * group), in a folder of mode 0500 (0550), owned by the service's account
 * (or by root and the service's group when the service has an identity, so
 * two services sharing an account cannot read each other's).  Plaintext is
 * wiped from scmd's memory as soon as it is written.  The folder goes when
 * the service's process is released, and start-up sweeps what a crashed
 * scmd left.
 *
 * A scheduled task's run gets the same, in a folder of its own per run
 * under RUN_DIR/task-credentials (a task's runs may overlap, and a
 * service name may be anything a file name is), its secrets read from the
 * store under the task's identity key; it goes when the run ends.
 */
#include "credentials.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <scm/error.h>

#include "cleanup.h"
#include "fdio.h"
#include "log.h"
#include "paths.h"
#include "secrets.h"
#include "security.h"
#include "security_config.h"

#define CREDENTIALS_FOLDER "credentials"
#define TASK_CREDENTIALS_FOLDER "task-credentials"
#define PAGE 4096

/* Where the folders of owner's kind are: RUN_DIR/credentials, or
 * RUN_DIR/task-credentials. */
static char *root_of(const struct scm_paths *paths, enum owner_kind owner) {
        char *p;
        return asprintf(&p, "%s/%s", paths->run_dir,
                        owner == OWNER_TASK ? TASK_CREDENTIALS_FOLDER : CREDENTIALS_FOLDER) < 0
                       ? NULL
                       : p;
}

char *secrets_folder_root(const struct scm_paths *paths) {
        return root_of(paths, OWNER_SERVICE);
}

/* Empties and removes a folder of delivered secrets, unmounting it first
 * when it is a mount point.  Errors are logged, never fatal. */
static void remove_folder(const char *path) {
        if (geteuid() == 0 && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
            errno != ENOENT)
                log_warning("cannot unmount the secrets folder %s: %m", path);
        /* Without a mount of its own (user mode, or a failed start) the
         * files are in the folder itself. */
        (void)chmod(path, 0700);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (d) {
                fd = -1; /* the DIR owns it */
                struct dirent *e;
                while ((e = readdir(d)))
                        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                                (void)unlinkat(dirfd(d), e->d_name, 0);
                closedir(d);
        }
        if (rmdir(path) < 0 && errno != ENOENT)
                log_warning("cannot remove the secrets folder %s: %m", path);
}

void secrets_withdraw(char **credentials_dir) {
        if (!*credentials_dir)
                return;
        remove_folder(*credentials_dir);
        free(*credentials_dir);
        *credentials_dir = NULL;
}

void secrets_sweep(const struct scm_paths *paths, enum owner_kind owner,
                   bool (*keep)(void *userdata, const char *path), void *userdata) {
        _cleanup_free_ char *base = root_of(paths, owner);
        DIR *d = base ? opendir(base) : NULL;
        if (!d)
                return;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", base, e->d_name) < 0)
                        break;
                if (keep && keep(userdata, path))
                        continue; /* a service's taken back: its process reads it */
                log_info("removing the secrets folder %s left by an earlier scmd", path);
                remove_folder(path);
        }
        closedir(d);
}

/* One secret opened from the database, on its way to a file. */
struct opened {
        char *key;
        unsigned char *plain;
        size_t len;
};

struct delivery {
        const struct secrets_request *rq;
        const unsigned char *mkey;
        struct opened items[SECRETS_PER_SERVICE_MAX];
        size_t n;
        int win32; /* the failure, with rq->error set */
};

static void delivery_clear(struct delivery *d) {
        for (size_t i = 0; i < d->n; i++) {
                free(d->items[i].key);
                secret_plain_free(d->items[i].plain, d->items[i].len);
        }
        d->n = 0;
}

static int delivery_fail(struct delivery *d, int win32, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int delivery_fail(struct delivery *d, int win32, const char *fmt, ...) {
        char **error = d->rq->error;
        va_list ap;
        va_start(ap, fmt);
        free(*error);
        if (vasprintf(error, fmt, ap) < 0)
                *error = NULL;
        va_end(ap);
        d->win32 = win32;
        return SCM_ERR(win32);
}

/* Who a sentence is about: "service NAME" or "task NAME" (two arguments,
 * for "%s %s"). */
#define WHO(rq) owner_kind_name((rq)->owner), (rq)->config->name

/* The name the owner's secrets are kept and sealed under. */
static const char *store_key(const struct secrets_request *rq) {
        return rq->key ? rq->key : rq->config->name;
}

static int open_one(void *userdata, const struct db_secret_row *row) {
        struct delivery *d = userdata;
        if (d->n >= SECRETS_PER_SERVICE_MAX)
                return delivery_fail(d, SCM_ERROR_INVALID_DATA,
                                     "%s %s: it has more than %d secrets", WHO(d->rq),
                                     SECRETS_PER_SERVICE_MAX);
        if (!d->mkey) {
                _cleanup_free_ char *why = NULL;
                int r = secrets_machine_key(d->rq->paths, d->rq->db, false, &d->mkey, &why);
                if (r < 0)
                        return delivery_fail(d, SCM_ERROR_INVALID_DATA,
                                             "%s %s: its secrets cannot be opened: %s", WHO(d->rq),
                                             why ? why : strerror(-r));
        }
        struct opened *o = &d->items[d->n];
        int r = secret_open(d->mkey, store_key(d->rq), row->key, row->nonce, row->nonce_size,
                            row->ciphertext, row->ciphertext_size, &o->plain, &o->len);
        if (r == -EBADMSG)
                return delivery_fail(d, SCM_ERROR_INVALID_DATA,
                                     "%s %s: its secret '%s' does not open with this "
                                     "machine's key (it was changed, moved, or sealed with "
                                     "another key); set it again",
                                     WHO(d->rq), row->key);
        if (r < 0 || !(o->key = strdup(row->key))) {
                if (r >= 0)
                        secret_plain_free(o->plain, o->len);
                return delivery_fail(d, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        d->n++;
        return 0;
}

/* Who may read the folder: the account, or root and the service's group
 * when the service has an identity of its own. */
struct owner {
        uid_t uid;
        gid_t gid;
        mode_t dir_mode, file_mode;
};

static struct owner owner_of(const struct service_config *c, const struct security_plan *p) {
        const struct service_security *sec = c->security;
        if (sec && sec->sid_type != SID_TYPE_NONE && sec->gid != 0 && geteuid() == 0)
                return (struct owner){0, sec->gid, 0550, 0440};
        return (struct owner){p->pw->pw_uid, p->pw->pw_gid, 0500, 0400};
}

/* The tmpfs that holds the files, bounded by what they need: a page per
 * started page of each file, and a few to spare. */
static int mount_tmpfs(const char *path, const struct delivery *d) {
        size_t pages = 4;
        for (size_t i = 0; i < d->n; i++)
                pages += (d->items[i].len + PAGE - 1) / PAGE;
        unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
        char opts[128];
        snprintf(opts, sizeof(opts), "mode=0700,uid=0,gid=0,size=%zu,nr_inodes=%zu,noswap",
                 pages * PAGE, d->n + 8);
        if (mount("tmpfs", path, "tmpfs", flags, opts) == 0)
                return 0;
        if (errno != EINVAL)
                return -errno;
        /* A kernel before 6.4 has no noswap: the pages may reach swap. */
        *strrchr(opts, ',') = '\0';
        return mount("tmpfs", path, "tmpfs", flags, opts) < 0 ? -errno : 0;
}

static bool memory_backed(const char *path) {
        struct statfs st;
        return statfs(path, &st) == 0 && (st.f_type == TMPFS_MAGIC || st.f_type == RAMFS_MAGIC);
}

static int write_files(int dir_fd, const struct delivery *d, const struct owner *o,
                       const char **ret_key) {
        bool root = geteuid() == 0;
        for (size_t i = 0; i < d->n; i++) {
                *ret_key = d->items[i].key;
                _cleanup_close_ int fd =
                        openat(dir_fd, d->items[i].key,
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, o->file_mode);
                if (fd < 0)
                        return -errno;
                int r = fd_write_all(fd, d->items[i].plain, d->items[i].len);
                if (r >= 0 && root && fchown(fd, o->uid, o->gid) < 0)
                        r = -errno;
                if (r >= 0 && fchmod(fd, o->file_mode) < 0)
                        r = -errno;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Makes path (a mount as root) and fills it. */
static int fill_folder(const char *path, const struct delivery *d, const struct owner *o,
                       const char **ret_what) {
        bool root = geteuid() == 0;
        *ret_what = "make";
        if (mkdir(path, 0700) < 0)
                return -errno;
        int r = 0;
        *ret_what = "mount a tmpfs on";
        if (root)
                r = mount_tmpfs(path, d);
        bool mounted = root && r >= 0;
        /* Root without CAP_SYS_ADMIN (a container): a folder will do where
         * it is in memory anyway. */
        if (r == -EPERM && memory_backed(path))
                r = 0;
        if (r < 0)
                return r;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        const char *key = NULL;
        *ret_what = "write a secret into";
        r = write_files(fd, d, o, &key);
        if (r < 0)
                return r;
        *ret_what = "hand over";
        if (root && fchown(fd, o->uid, o->gid) < 0)
                return -errno;
        if (fchmod(fd, o->dir_mode) < 0)
                return -errno;
        /* Filled: nobody, not even its owner, changes it from now on. */
        if (mounted && mount(NULL, path, NULL,
                             MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                log_warning("cannot make the secrets folder %s read-only: %m", path);
        return 0;
}

/* RUN_DIR/credentials, which every account may pass through (0711). */
static int make_base(const char *base) {
        if (mkdir(base, 0711) < 0 && errno != EEXIST)
                return -errno;
        struct stat st;
        if (lstat(base, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
                return -ENOTDIR;
        if ((st.st_mode & 07777) != 0711 && chmod(base, 0711) < 0)
                return -errno;
        return 0;
}

int secrets_deliver(const struct secrets_request *rq, const struct security_plan *plan) {
        struct delivery d = {.rq = rq};
        secrets_withdraw(rq->credentials_dir);
        int r = db_secret_list(rq->db, store_key(rq), open_one, &d);
        if (r < 0 && d.win32 == 0) {
                delivery_clear(&d);
                return delivery_fail(&d, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                     "%s %s: its secrets cannot be read from the database: %s",
                                     WHO(rq), strerror(-r));
        }
        if (r < 0 || d.n == 0) {
                delivery_clear(&d);
                return r < 0 ? SCM_ERR(d.win32) : 0;
        }

        _cleanup_free_ char *base = root_of(rq->paths, rq->owner);
        _cleanup_free_ char *fname =
                rq->folder ? strdup(rq->folder) : service_file_name(rq->config->name);
        char *path = NULL;
        if (!base || !fname || asprintf(&path, "%s/%s", base, fname) < 0) {
                delivery_clear(&d);
                return delivery_fail(&d, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        r = make_base(base);
        if (r >= 0 && geteuid() != 0 && !memory_backed(base)) {
                delivery_clear(&d);
                r = delivery_fail(&d, SCM_ERROR_NOT_SUPPORTED,
                                  "%s %s has secrets, but %s is not on a memory-backed file "
                                  "system (tmpfs or ramfs) and scmd, not being root, cannot mount "
                                  "one; secrets are never written to disk (give scmd a run folder "
                                  "on tmpfs, such as $XDG_RUNTIME_DIR, or run it as root)",
                                  WHO(rq), base);
                free(path);
                return r;
        }
        if (r < 0) {
                delivery_clear(&d);
                r = delivery_fail(&d, scm_error_from_errno(-r),
                                  "%s %s: cannot make the folder %s for its secrets: %s", WHO(rq),
                                  base, strerror(-r));
                free(path);
                return r;
        }
        remove_folder(path); /* a leftover of a run that never released it */
        struct owner o = owner_of(rq->config, plan);
        const char *what = NULL;
        r = fill_folder(path, &d, &o, &what);
        delivery_clear(&d); /* the plaintext is wiped here, whatever happened */
        if (r == -EPERM && strcmp(what, "mount a tmpfs on") == 0) {
                remove_folder(path);
                r = delivery_fail(&d, SCM_ERROR_NOT_SUPPORTED,
                                  "%s %s has secrets, but scmd may not mount a tmpfs on %s "
                                  "and %s is not on a memory-backed file system; secrets are "
                                  "never written to disk (give scmd CAP_SYS_ADMIN, or a run "
                                  "folder on tmpfs)",
                                  WHO(rq), path, base);
                free(path);
                return r;
        }
        if (r < 0) {
                remove_folder(path);
                r = delivery_fail(&d, scm_error_from_errno(-r),
                                  "%s %s: cannot %s the folder %s for its secrets: %s", WHO(rq),
                                  what, path, strerror(-r));
                free(path);
                return r;
        }
        *rq->credentials_dir = path;
        return 0;
}
