/* SPDX-License-Identifier: MIT */
/*
 * The machine secret store: the machine key, sealing, and delivery to a
 * service's private folder.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

struct scm_paths;

/* sodium_init(); at start-up, before anything else here.  0 or -EIO. */
int secrets_init(void);
/* Wipes and frees the machine key held in memory (at exit). */
void secrets_finish(void);
/* A key name is a safe file name: 1..64 of [A-Za-z0-9_.-], not "." or "..".
 * Returns 0, or -EINVAL with *ret_reason saying why. */
int secret_key_name_check(const char *name, const char **ret_reason);
/* The machine key (SECRET_MACHINE_KEY_BYTES), read from DB_DIR/secrets.key
 * on first need and kept in locked memory; created (random, 0600, written
 * aside and renamed into place) when create is set and there is none.
 * Returns 0 with *ret (owned by secrets.c), -ENOENT when there is none and
 * create is not set, -ENOKEY when there is none but the database holds
 * secrets (sealed with the lost one: never replaced behind them), or
 * -errno with *ret_error (malloc'd) saying what is wrong with the file
 * (too open, wrong size, another owner, ...). */
int secrets_machine_key(const struct scm_paths *paths, struct db *db, bool create,
                        const unsigned char **ret, char **ret_error);
/* Seals len bytes of plain for (service, key) under machine_key with a
 * fresh random nonce; the pair is bound as associated data, so the row
 * opens only for the same service and key.  0 or -ENOMEM. */
int secret_seal(const unsigned char *machine_key, const char *service, const char *key,
                const void *plain, size_t len, struct sealed_secret *ret);
void sealed_secret_clear(struct sealed_secret *s);
/* Opens a sealed value: 0 with *ret_plain (malloc'd; wipe with
 * secret_plain_free()) and *ret_len, -EBADMSG when it does not
 * authenticate (another key, another service or key name, a changed
 * byte), -ENOMEM. */
int secret_open(const unsigned char *machine_key, const char *service, const char *key,
                const unsigned char *nonce, size_t nonce_size, const unsigned char *ciphertext,
                size_t ciphertext_size, unsigned char **ret_plain, size_t *ret_len);
/* Wipes len bytes at p and frees it; NULL is fine. */
void secret_plain_free(void *p, size_t len);
