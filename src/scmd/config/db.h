/* SPDX-License-Identifier: MIT */
/*
 * The configuration database (SQLite): one connection, one file per group
 * of tables (db.c the services and their status, db_*.c the rest).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <scm/types.h>

#include "acl.h"
#include "failure_config.h"
#include "service_config.h"

struct db;
struct sqlite3;

struct db_status {
        enum scm_state state;
        uint32_t win32_exit_code;
        uint32_t service_exit_code;
        pid_t pid;
        bool marked_for_delete;
        /* The last stop's reason (ControlServiceEx); the comment is
         * borrowed for the call of db_load_fn only. */
        uint32_t stop_reason;
        const char *stop_comment;
        int64_t stop_reason_time_us;
};

typedef int db_load_fn(void *userdata, int64_t id, struct service_config *config,
                       const struct db_status *status);

/* Opens (creating if needed) and migrates the database.  -errno, or
 * -EPROTO when the file's schema is newer than this scmd knows. */
int db_open(const char *path, struct db **ret);
void db_close(struct db *db);
int db_schema_version(struct db *db);
/* A change's transaction, for the db*.c files: BEGIN IMMEDIATE, COMMIT and
 * ROLLBACK, or inside a batch a savepoint of it.  0 or -errno. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* A batch: every change until db_batch_end() is a savepoint of one
 * IMMEDIATE transaction, committed (commit true) or rolled back whole by
 * db_batch_end(); a crash before its commit leaves none of it.  -EBUSY when
 * a batch is open already.  0 or -errno (the commit's). */
int db_batch_begin(struct db *db);
int db_batch_end(struct db *db, bool commit);
/* Calls fn for every service; fn takes ownership of the config strings. */
int db_load(struct db *db, db_load_fn *fn, void *userdata);
int db_insert_service(struct db *db, const struct service_config *c, int64_t *ret_id);
int db_update_service(struct db *db, int64_t id, const struct service_config *c);
int db_delete_service(struct db *db, int64_t id);
int db_mark_for_delete(struct db *db, int64_t id);
/* 0, -ENOENT when the service's row has gone, or -errno. */
int db_save_status(struct db *db, int64_t id, const struct db_status *st);
/* Records the reason a stop was asked with (migration 15); one statement. */
int db_save_stop_reason(struct db *db, int64_t id, uint32_t reason, const char *comment,
                        int64_t time_us);

/* db_acl.c: the tables of the access-list migration, on db.c's connection.
 * Each stores the canonical text form. */

/* Service id's stored list, or *ret NULL when it has none (the default).
 * A stored text that no longer parses is logged and read as the empty
 * list (admins only): fail closed.  0 or -errno. */
int db_acl_load_service(struct db *db, int64_t id, const char *name, struct acl **ret);
/* Stores acl as service id's list (NULL: back to the default), in one
 * transaction. */
int db_acl_save_service(struct db *db, int64_t id, const struct acl *acl);
int db_acl_load_scm(struct db *db, struct acl **ret);
int db_acl_save_scm(struct db *db, const struct acl *acl);

/* db_security.c: the tables of migration 3, on db.c's connection. */

struct sqlite3 *db_sqlite(struct db *db);
/* In db.c's transaction of an insert or update: saves c->security. */
int db_security_save(struct db *db, int64_t id, const struct service_config *c);
/* Loads the settings of service id (named name) into *ret (NULL when all are defaults). */
int db_security_load(struct db *db, int64_t id, const char *name, struct service_security **ret);
/* The same for scheduled task id (migration 19), its identity kept under
 * key (task_identity_key()): in db_task.c's transaction of a save. */
int db_task_security_save(struct db *db, int64_t id, const char *key,
                          const struct service_security *sec);
int db_task_security_load(struct db *db, int64_t id, const char *key,
                          struct service_security **ret);
/* db_process_settings.c: process settings (migration 9), in db.c's transaction of
 * an insert or update; NULL: every default (no row). */
int db_process_settings_save(struct db *db, int64_t id, const struct service_process *p);
/* Loads them into *ret (NULL when all are defaults).  A stored value that
 * no longer passes the checks is logged and dropped: the defaults. */
int db_process_settings_load(struct db *db, int64_t id, const char *name,
                             struct service_process **ret);
/* db_resource.c: resource limits (migration 13), the same way. */
int db_resource_save(struct db *db, int64_t id, const struct service_resources *r);
int db_resource_load(struct db *db, int64_t id, const char *name, struct service_resources **ret);
int db_fence_save(struct db *db, int64_t id, const struct service_fences *f);
int db_fence_load(struct db *db, int64_t id, const char *name, struct service_fences **ret);
int db_syscall_save(struct db *db, int64_t id, const struct service_syscalls *s);
int db_syscall_load(struct db *db, int64_t id, const char *name, struct service_syscalls **ret);
/* The same for scheduled task id (named name), in db_task.c's transaction. */
int db_task_fence_save(struct db *db, int64_t id, const struct service_fences *f);
int db_task_fence_load(struct db *db, int64_t id, const char *name, struct service_fences **ret);
int db_task_syscall_save(struct db *db, int64_t id, const struct service_syscalls *s);
int db_task_syscall_load(struct db *db, int64_t id, const char *name,
                         struct service_syscalls **ret);

/* The gid recorded for service name: 1 with *ret, 0 when none. */
int db_security_gid_of(struct db *db, const char *name, gid_t *ret);
/* 1 when gid was ever given to any service. */
int db_security_gid_used(struct db *db, gid_t gid);
/* The capabilities granted to the account user (a user name). */
int db_account_privileges(struct db *db, const char *user, uint64_t *ret);
/* Grants add and revokes remove for user, in one transaction. */
int db_account_privileges_change(struct db *db, const char *user, uint64_t add, uint64_t remove);

/* db_failure.c: the failure tables of migration 4, on db.c's connection. */

/* A service's failure actions; the defaults (none, reset 0) when it has
 * none saved.  0 or -errno. */
int db_failure_load(struct db *db, int64_t id, struct failure_config *ret);
/* Saves c as service id's failure actions, in one transaction. */
int db_failure_save(struct db *db, int64_t id, const struct failure_config *c);

/* db_lkg.c: the last known good copy, in the same database. */

struct db_lkg_info {
        int64_t saved_at; /* unix time */
        int64_t services;
};
/* Copies the configuration tables into the last known good copy, in one
 * transaction.  0 or -errno. */
int db_lkg_save(struct db *db, struct db_lkg_info *ret);
/* 1 with *ret when a copy exists, 0 when none, or -errno. */
int db_lkg_info(struct db *db, struct db_lkg_info *ret);
/* Replaces the configuration tables with the copy, in one transaction;
 * the status records of services that stay are kept.  -ENOENT when there
 * is no copy. */
int db_lkg_restore(struct db *db);

/* db_param.c: service parameters (migration 10), on db.c's connection.
 * key is the path below the service's key ("Parameters", "Parameters\Sub"),
 * value_name "" the key's default value; both compared ignoring case.  Each
 * call is one statement, so one transaction. */
struct db_param_row {
        const char *key, *value_name, *type;
        const void *data;
        size_t size;
};
typedef int db_param_fn(void *userdata, const struct db_param_row *row);
/* Adds or replaces a value; *ret_replaced says which. */
int db_param_set(struct db *db, int64_t id, const struct db_param_row *row, bool *ret_replaced);
/* Deletes a value: 0, or -ENOENT when there is none. */
int db_param_delete(struct db *db, int64_t id, const char *key, const char *value_name);
/* Deletes a key's values (RegDeleteKey): 0; -ENOTEMPTY when the key has a
 * subkey (nothing is deleted); -ENOENT when it held no value. */
int db_param_delete_key(struct db *db, int64_t id, const char *key);
/* Every value of service id, by key then name; of key and its subkeys
 * when key is not NULL.  fn's negative return stops and is returned. */
int db_param_list(struct db *db, int64_t id, const char *key, db_param_fn *fn, void *userdata);
/* How many values service id has, under every key. */
int db_param_count(struct db *db, int64_t id, int64_t *ret);

#define SECRET_MACHINE_KEY_BYTES 32 /* crypto_aead_xchacha20poly1305_ietf_KEYBYTES */
#define SECRET_NONCE_BYTES 24       /* ..._NPUBBYTES: random, one per value */
#define SECRET_TAG_BYTES 16         /* ..._ABYTES */
#define SECRET_VALUE_MAX_BYTES 32768
#define SECRET_KEY_NAME_MAX 64
#define SECRETS_PER_SERVICE_MAX 64

/* A value sealed for (service, key): what the database holds. */
struct sealed_secret {
        unsigned char nonce[SECRET_NONCE_BYTES];
        unsigned char *ciphertext; /* plaintext_size + SECRET_TAG_BYTES bytes, malloc'd */
        size_t ciphertext_size;
        size_t plaintext_size;
};

/* db_secret.c: the table of migration 5, on db.c's connection. */

struct db_secret_row {
        const char *key;
        size_t size;
        int64_t created_at, updated_at; /* unix time */
        const unsigned char *nonce;
        size_t nonce_size;
        const unsigned char *ciphertext;
        size_t ciphertext_size;
};
/* Called per row, in key order; the row is valid during the call only.
 * A negative return stops the walk and is returned. */
typedef int db_secret_fn(void *userdata, const struct db_secret_row *row);

/* Sets (adds or replaces) service's key, in one transaction. */
int db_secret_put(struct db *db, const char *service, const char *key,
                  const struct sealed_secret *sealed, bool *ret_replaced);
/* -ENOENT when service has no such key. */
int db_secret_delete(struct db *db, const char *service, const char *key);
/* Every secret of service id; inside db.c's transaction of the delete. */
int db_secret_delete_service(struct db *db, int64_t id);
/* How many secrets the table holds, of every service. */
int db_secret_count(struct db *db, int64_t *ret);
/* Drops the secrets of names that have no service or task (after a roll
 * back, at start-up). */
int db_secret_drop_orphans(struct db *db);
int db_secret_list(struct db *db, const char *service, db_secret_fn *fn, void *userdata);

/* db_group.c: the group order list (migration 7), on db.c's connection. */

/* The list, NULL-terminated, malloc'd.  0 or -errno. */
int db_group_order_load(struct db *db, char ***ret);
/* Replaces the list, in one transaction.  0 or -errno. */
int db_group_order_save(struct db *db, char *const *groups);

/* db_process.c: the tables of migration 11, on db.c's connection. */

/* The process a service runs in, as the next scmd must find it. */
struct db_process {
        pid_t pid;
        uint64_t start_time; /* field 22 of /proc/PID/stat */
        const char *cgroup;  /* its folder's name below the instance; "" none */
        enum scm_state state;
        uint32_t controls_accepted;
};
typedef int db_process_fn(void *userdata, int64_t id, const struct db_process *p);

int db_process_save(struct db *db, int64_t id, const struct db_process *p);
int db_process_delete(struct db *db, int64_t id);
/* 1 when service id has a recorded process, 0 when not, or -errno. */
int db_process_recorded(struct db *db, int64_t id);
/* Calls fn for every recorded process (the strings valid during the call). */
int db_process_load(struct db *db, db_process_fn *fn, void *userdata);
/* failure.c's count and the start of its reset period (unix seconds):
 * 1 with the values, 0 (and zeros) when none was saved, or -errno. */
int db_recovery_load(struct db *db, int64_t id, uint32_t *ret_count, int64_t *ret_started_at);
/* A failure: the count and the start of its reset period, and the action
 * waiting on its delay (as db_recovery_save_pending), in one statement. */
int db_recovery_save_failure(struct db *db, int64_t id, uint32_t failure_count, int64_t started_at,
                             const char *action, uint32_t count, int64_t due_ms);
/* The failure action waiting on its delay (migration 17): action a
 * failure_config action name, NULL for none; due in wall-clock ms. */
int db_recovery_save_pending(struct db *db, int64_t id, const char *action, uint32_t count,
                             int64_t due_ms);
/* 1 with *ret_action (malloc'd), 0 when none waits, or -errno. */
int db_recovery_load_pending(struct db *db, int64_t id, char **ret_action, uint32_t *ret_count,
                             int64_t *ret_due_ms);
/* How far this boot's delayed-auto step got (migration 18): the kernel's
 * boot id, the step's wall-clock due time (ms) and its state. */
struct db_boot_progress {
        char boot_id[40];
        int64_t delayed_due_ms;
        int delayed_state; /* 0 waiting, 1 begun, 2 finished */
};
int db_boot_progress_save(struct db *db, const struct db_boot_progress *p);
/* 1 with *ret, 0 when none was saved, or -errno. */
int db_boot_progress_load(struct db *db, struct db_boot_progress *ret);
int db_boot_progress_delete(struct db *db);
