/* SPDX-License-Identifier: MIT */
/*
 * The machine secret store: the Linux form of DPAPI's LOCAL_MACHINE store
 * and of LSA private data.  scmd holds a service's secrets and hands them
 * to it at start; this file owns the three parts that touch plaintext or
 * the key.
 *
 * The machine key.  SECRET_MACHINE_KEY_BYTES random bytes in
 * DB_DIR/secrets.key (beside the database, in scmd's 0700 state folder),
 * owned by scmd's user, mode 0600, made on the first set_secret: written to
 * a fresh temporary file and renamed into place without replacing, so a
 * crash never leaves half a key.  It is read on first need into locked,
 * guarded memory (sodium_malloc), read-only from then on, and wiped at exit.
 * A key file that is not a regular file, not scmd's, readable by anyone
 * else, or not exactly the key's size is refused, never repaired: a key
 * someone else could read has to be replaced by its owner knowingly.
 *
 * Sealing.  XChaCha20-Poly1305 (libsodium's IETF AEAD) with a random
 * 24-byte nonce per value and the associated data "scm-secret/1", the
 * service's name and the key name, NUL-separated: a row copied to another
 * service or key does not open.  Nothing here is home-made.
 *
 * Delivery.  Before a start, a service with secrets gets a folder
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
 */
#include "secrets.h"

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
#include <sodium.h>

#include "cleanup.h"
#include "log.h"
#include "paths.h"
#include "security.h"
#include "security_config.h"

_Static_assert(SECRET_MACHINE_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
               "the machine key is an XChaCha20-Poly1305 key");
_Static_assert(SECRET_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
               "one XChaCha20 nonce per value");
_Static_assert(SECRET_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES,
               "a Poly1305 tag per value");

#define KEY_FILE "secrets.key"
#define AD_PREFIX "scm-secret/1"
#define CREDENTIALS_FOLDER "credentials"
#define PAGE 4096

static unsigned char *machine_key; /* sodium_malloc'd, read-only; NULL until first need */

int secrets_init(void) {
        return sodium_init() < 0 ? -EIO : 0;
}

void secrets_finish(void) {
        sodium_free(machine_key); /* wipes it */
        machine_key = NULL;
}

int secret_key_name_check(const char *name, const char **ret_reason) {
        size_t n = strlen(name);
        if (n == 0 || n > SECRET_KEY_NAME_MAX) {
                *ret_reason = "it must be 1 to 64 characters long";
                return -EINVAL;
        }
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
                *ret_reason = "'.' and '..' are not file names";
                return -EINVAL;
        }
        if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
            n) {
                *ret_reason = "it may hold only letters A-Z and a-z, digits, '_', '.' and '-'";
                return -EINVAL;
        }
        return 0;
}

/* ---- the machine key ---- */

static int say(char **ret_error, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char **ret_error, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return r;
}

static char *key_path(const struct scm_paths *paths) {
        char *p;
        return asprintf(&p, "%s/%s", paths->db_dir, KEY_FILE) < 0 ? NULL : p;
}

static int read_all(int fd, unsigned char *buf, size_t len) {
        while (len > 0) {
                ssize_t n = read(fd, buf, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
                buf += n;
                len -= (size_t)n;
        }
        return 0;
}

static int write_all(int fd, const void *buf, size_t len) {
        const unsigned char *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Reads the key file at path into key, after checking it is fit to be one. */
static int read_key_file(const char *path, unsigned char *key, char **ret_error) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return -ENOENT;
        if (fd < 0)
                return say(ret_error, -errno, "the machine key %s cannot be opened: %s", path,
                           strerror(errno));
        struct stat st;
        if (fstat(fd, &st) < 0)
                return say(ret_error, -errno, "the machine key %s cannot be examined: %s", path,
                           strerror(errno));
        if (!S_ISREG(st.st_mode))
                return say(ret_error, -EINVAL, "the machine key %s is not a regular file", path);
        if (st.st_uid != geteuid())
                return say(ret_error, -EPERM,
                           "the machine key %s belongs to uid %u, not to scmd's uid %u; refusing "
                           "to use it",
                           path, (unsigned)st.st_uid, (unsigned)geteuid());
        if (st.st_mode & 077)
                return say(ret_error, -EPERM,
                           "the machine key %s has mode %04o: others may read it, so it may "
                           "have leaked; refusing to use it (it must be 0600; replacing it makes "
                           "every stored secret unreadable)",
                           path, (unsigned)(st.st_mode & 07777));
        if (st.st_size != SECRET_MACHINE_KEY_BYTES)
                return say(ret_error, -EINVAL,
                           "the machine key %s is %lld bytes long; a machine key is exactly %d "
                           "bytes",
                           path, (long long)st.st_size, SECRET_MACHINE_KEY_BYTES);
        int r = read_all(fd, key, SECRET_MACHINE_KEY_BYTES);
        if (r < 0)
                return say(ret_error, r, "the machine key %s cannot be read: %s", path,
                           strerror(-r));
        return 0;
}

/* Makes a new key file at path: written aside, then renamed into place
 * unless one appeared meanwhile (then that one wins). */
static int create_key_file(const char *path, char **ret_error) {
        _cleanup_free_ char *tmp = NULL;
        if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
                return -ENOMEM;
        _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC); /* O_EXCL, mode 0600 */
        if (fd < 0)
                return say(ret_error, -errno, "cannot make the machine key beside %s: %s", path,
                           strerror(errno));
        unsigned char *key = sodium_malloc(SECRET_MACHINE_KEY_BYTES);
        int r = key ? 0 : -ENOMEM;
        if (r >= 0) {
                randombytes_buf(key, SECRET_MACHINE_KEY_BYTES);
                r = fchmod(fd, 0600) < 0 ? -errno : 0;
        }
        if (r >= 0)
                r = write_all(fd, key, SECRET_MACHINE_KEY_BYTES);
        sodium_free(key);
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0 &&
            errno != EEXIST)
                r = -errno;
        (void)unlink(tmp); /* gone after a rename; left after EEXIST or a failure */
        if (r < 0)
                return say(ret_error, r, "cannot make the machine key %s: %s", path, strerror(-r));
        log_info("made a new machine key for the secret store in %s", path);
        return 0;
}

int secrets_machine_key(const struct scm_paths *paths, struct db *db, bool create,
                        const unsigned char **ret, char **ret_error) {
        if (machine_key) {
                *ret = machine_key;
                return 0;
        }
        _cleanup_free_ char *path = key_path(paths);
        unsigned char *key = sodium_malloc(SECRET_MACHINE_KEY_BYTES);
        if (!path || !key) {
                sodium_free(key);
                return say(ret_error, -ENOMEM, "out of memory");
        }
        int r = read_key_file(path, key, ret_error);
        int64_t sealed = 0;
        /* A lost key is not replaced behind the secrets sealed with it: a
         * new one would leave them unopenable, mixed with new ones. */
        if (r == -ENOENT && create && db && db_secret_count(db, &sealed) >= 0 && sealed > 0)
                r = say(ret_error, -ENOKEY,
                        "there is no machine key %s, but the database holds %lld secrets sealed "
                        "with one; put the key back from a backup, or delete those secrets, "
                        "before setting new ones",
                        path, (long long)sealed);
        if (r == -ENOENT && create) {
                r = create_key_file(path, ret_error);
                if (r >= 0)
                        r = read_key_file(path, key, ret_error);
        }
        if (r == -ENOENT && ret_error)
                say(ret_error, r, "there is no machine key %s", path);
        if (r < 0) {
                sodium_free(key);
                return r;
        }
        sodium_mprotect_readonly(key);
        machine_key = key;
        *ret = machine_key;
        return 0;
}

/* ---- sealing ---- */

/* "scm-secret/1" NUL service NUL key: what a sealed value is bound to. */
static unsigned char *associated_data(const char *service, const char *key, size_t *ret_len) {
        size_t a = sizeof(AD_PREFIX), b = strlen(service) + 1, c = strlen(key);
        unsigned char *ad = malloc(a + b + c);
        if (!ad)
                return NULL;
        memcpy(ad, AD_PREFIX, a);
        memcpy(ad + a, service, b);
        memcpy(ad + a + b, key, c);
        *ret_len = a + b + c;
        return ad;
}

void sealed_secret_clear(struct sealed_secret *s) {
        free(s->ciphertext);
        *s = (struct sealed_secret){0};
}

int secret_seal(const unsigned char *mkey, const char *service, const char *key, const void *plain,
                size_t len, struct sealed_secret *ret) {
        size_t ad_len;
        _cleanup_free_ unsigned char *ad = associated_data(service, key, &ad_len);
        struct sealed_secret s = {.ciphertext = malloc(len + SECRET_TAG_BYTES),
                                  .plaintext_size = len};
        if (!ad || !s.ciphertext) {
                free(s.ciphertext);
                return -ENOMEM;
        }
        randombytes_buf(s.nonce, sizeof(s.nonce));
        unsigned long long clen = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(s.ciphertext, &clen, plain, len, ad, ad_len,
                                                   NULL, s.nonce, mkey);
        s.ciphertext_size = (size_t)clen;
        *ret = s;
        return 0;
}

void secret_plain_free(void *p, size_t len) {
        if (!p)
                return;
        sodium_memzero(p, len);
        free(p);
}

int secret_open(const unsigned char *mkey, const char *service, const char *key,
                const unsigned char *nonce, size_t nonce_size, const unsigned char *ciphertext,
                size_t ciphertext_size, unsigned char **ret_plain, size_t *ret_len) {
        if (nonce_size != SECRET_NONCE_BYTES || ciphertext_size < SECRET_TAG_BYTES)
                return -EBADMSG;
        size_t ad_len;
        _cleanup_free_ unsigned char *ad = associated_data(service, key, &ad_len);
        size_t cap = ciphertext_size - SECRET_TAG_BYTES;
        unsigned char *plain = malloc(cap + 1); /* never malloc(0) */
        if (!ad || !plain) {
                free(plain);
                return -ENOMEM;
        }
        unsigned long long len = 0;
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                    plain, &len, NULL, ciphertext, ciphertext_size, ad, ad_len, nonce, mkey) != 0) {
                secret_plain_free(plain, cap + 1);
                return -EBADMSG;
        }
        *ret_plain = plain;
        *ret_len = (size_t)len;
        return 0;
}

/* ---- delivery ---- */

char *secrets_folder_root(const struct scm_paths *paths) {
        char *p;
        return asprintf(&p, "%s/" CREDENTIALS_FOLDER, paths->run_dir) < 0 ? NULL : p;
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

void secrets_sweep(const struct scm_paths *paths) {
        _cleanup_free_ char *base = secrets_folder_root(paths);
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

static int open_one(void *userdata, const struct db_secret_row *row) {
        struct delivery *d = userdata;
        const char *name = d->rq->config->name;
        if (d->n >= SECRETS_PER_SERVICE_MAX)
                return delivery_fail(d, SCM_ERROR_INVALID_DATA,
                                     "service %s: it has more than %d secrets", name,
                                     SECRETS_PER_SERVICE_MAX);
        if (!d->mkey) {
                _cleanup_free_ char *why = NULL;
                int r = secrets_machine_key(d->rq->paths, d->rq->db, false, &d->mkey, &why);
                if (r < 0)
                        return delivery_fail(d, SCM_ERROR_INVALID_DATA,
                                             "service %s: its secrets cannot be opened: %s", name,
                                             why ? why : strerror(-r));
        }
        struct opened *o = &d->items[d->n];
        int r = secret_open(d->mkey, name, row->key, row->nonce, row->nonce_size, row->ciphertext,
                            row->ciphertext_size, &o->plain, &o->len);
        if (r == -EBADMSG)
                return delivery_fail(d, SCM_ERROR_INVALID_DATA,
                                     "service %s: its secret '%s' does not open with this "
                                     "machine's key (it was changed, moved, or sealed with "
                                     "another key); set it again",
                                     name, row->key);
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
                int r = write_all(fd, d->items[i].plain, d->items[i].len);
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
        const char *name = rq->config->name;
        secrets_withdraw(rq->credentials_dir);
        int r = db_secret_list(rq->db, name, open_one, &d);
        if (r < 0 && d.win32 == 0) {
                delivery_clear(&d);
                return delivery_fail(&d, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                     "service %s: its secrets cannot be read from the database: "
                                     "%s",
                                     name, strerror(-r));
        }
        if (r < 0 || d.n == 0) {
                delivery_clear(&d);
                return r < 0 ? SCM_ERR(d.win32) : 0;
        }

        _cleanup_free_ char *base = secrets_folder_root(rq->paths);
        _cleanup_free_ char *fname = service_file_name(name);
        char *path = NULL;
        if (!base || !fname || asprintf(&path, "%s/%s", base, fname) < 0) {
                delivery_clear(&d);
                return delivery_fail(&d, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        r = make_base(base);
        if (r >= 0 && geteuid() != 0 && !memory_backed(base)) {
                delivery_clear(&d);
                r = delivery_fail(&d, SCM_ERROR_NOT_SUPPORTED,
                                  "service %s has secrets, but %s is not on a memory-backed file "
                                  "system (tmpfs or ramfs) and scmd, not being root, cannot mount "
                                  "one; secrets are never written to disk (give scmd a run folder "
                                  "on tmpfs, such as $XDG_RUNTIME_DIR, or run it as root)",
                                  name, base);
                free(path);
                return r;
        }
        if (r < 0) {
                delivery_clear(&d);
                r = delivery_fail(&d, scm_error_from_errno(-r),
                                  "service %s: cannot make the folder %s for its secrets: %s", name,
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
                                  "service %s has secrets, but scmd may not mount a tmpfs on %s "
                                  "and %s is not on a memory-backed file system; secrets are "
                                  "never written to disk (give scmd CAP_SYS_ADMIN, or a run "
                                  "folder on tmpfs)",
                                  name, path, base);
                free(path);
                return r;
        }
        if (r < 0) {
                remove_folder(path);
                r = delivery_fail(&d, scm_error_from_errno(-r),
                                  "service %s: cannot %s the folder %s for its secrets: %s", name,
                                  what, path, strerror(-r));
                free(path);
                return r;
        }
        *rq->credentials_dir = path;
        return 0;
}
