/* SPDX-License-Identifier: MIT */
/*
 * The machine secret store: the Linux form of DPAPI's LOCAL_MACHINE store
 * and of LSA private data.  scmd holds a service's secrets and hands them
 * to it at start; this file owns the machine key and sealing; delivery
 * to the service is credentials.c's.
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
 * Delivery to a service is credentials.c's.
 */
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scm/error.h>
#include <sodium.h>

#include "cleanup.h"
#include "fdio.h"
#include "log.h"
#include "paths.h"

_Static_assert(SECRET_MACHINE_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
               "the machine key is an XChaCha20-Poly1305 key");
_Static_assert(SECRET_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
               "one XChaCha20 nonce per value");
_Static_assert(SECRET_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES,
               "a Poly1305 tag per value");

#define KEY_FILE "secrets.key"
#define AD_PREFIX "scm-secret/1"

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
                r = fd_write_all(fd, key, SECRET_MACHINE_KEY_BYTES);
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
