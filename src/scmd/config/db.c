/* SPDX-License-Identifier: MIT */
/*
 * The service configuration database: one SQLite file in WAL mode, the
 * Linux form of HKLM\SYSTEM\CurrentControlSet\Services.
 *
 * Every change is one IMMEDIATE transaction, committed before the caller
 * touches memory (persist, then publish).  The schema is versioned with
 * PRAGMA user_version; migrations[i] takes version i to i + 1 and runs in
 * the same transaction as the version bump, so a crash leaves either the
 * old schema or the new one.  A database from a newer scmd is refused,
 * never guessed at.
 *
 * Workload: read whole at start-up, then a few small writes per client
 * change and per service start/stop (the status-tracking record).  WAL
 * with synchronous=NORMAL keeps those writes off fsync's path while a
 * committed change survives a crash of scmd (not a power loss mid-write
 * of the last transaction, which WAL then rolls back whole).
 */
#include "db.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scm/error.h>
#include <scm/types.h>
#include <sqlite3.h>

#include "cmdline.h"
#include "db_kept.h"
#include "db_util.h"
#include "log.h"

static const char *const migrations[] = {
        /* 0 -> 1: the first schema. */
        "CREATE TABLE services ("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        "  display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        "  description TEXT NOT NULL DEFAULT '',"
        "  type TEXT NOT NULL CHECK (type IN ('own','share','kernel-driver')),"
        "  start_type TEXT NOT NULL CHECK (start_type IN"
        "    ('boot','system','auto','delayed-auto','demand','disabled')),"
        "  error_control TEXT NOT NULL CHECK (error_control IN"
        "    ('ignore','normal','severe','critical')),"
        "  command_line TEXT NOT NULL,"
        "  account TEXT NOT NULL DEFAULT '',"
        "  load_group TEXT NOT NULL DEFAULT '',"
        "  marked_for_delete INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE TABLE dependencies ("
        "  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  target TEXT NOT NULL,"
        "  PRIMARY KEY (service_id, position)"
        ");"
        "CREATE TABLE service_status ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  state TEXT NOT NULL,"
        "  win32_exit_code INTEGER NOT NULL DEFAULT 0,"
        "  service_exit_code INTEGER NOT NULL DEFAULT 0,"
        "  pid INTEGER NOT NULL DEFAULT 0,"
        "  updated_at INTEGER NOT NULL DEFAULT (strftime('%s','now'))"
        ");",
        /* 1 -> 2: how a service talks to scmd (native services, sd_notify). */
        "ALTER TABLE services ADD COLUMN kind TEXT NOT NULL DEFAULT 'plain'"
        "  CHECK (kind IN ('plain','native','notify'));"
        "ALTER TABLE services ADD COLUMN control_timeout_ms INTEGER NOT NULL DEFAULT 30000;"
        "ALTER TABLE services ADD COLUMN watchdog_ms INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE services ADD COLUMN pause_by_freeze INTEGER NOT NULL DEFAULT 0;",
        /* 2 -> 3: least privilege (db_security.c). */
        "CREATE TABLE service_security ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  required_privileges TEXT NOT NULL DEFAULT '',"
        "  sid_type TEXT NOT NULL DEFAULT 'none'"
        "    CHECK (sid_type IN ('none','unrestricted','restricted')),"
        "  allow_weak_isolation INTEGER NOT NULL DEFAULT 0,"
        "  restrict_network INTEGER NOT NULL DEFAULT 0,"
        "  interactive INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE TABLE service_writable_paths ("
        "  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  path TEXT NOT NULL,"
        "  PRIMARY KEY (service_id, position)"
        ");"
        "CREATE TABLE service_groups ("
        "  gid INTEGER PRIMARY KEY,"
        "  service_name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        "  allocated_at INTEGER NOT NULL DEFAULT (strftime('%s','now'))"
        ");"
        "CREATE TABLE account_privileges ("
        "  account TEXT NOT NULL,"
        "  privilege TEXT NOT NULL,"
        "  PRIMARY KEY (account, privilege)"
        ");",
        /* 3 -> 4: failure actions (db_failure.c) and the last known good copy (db_lkg.c). */
        "CREATE TABLE service_failure_actions ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  reset_period INTEGER CHECK (reset_period IS NULL OR reset_period >= 0),"
        "  command TEXT NOT NULL DEFAULT '',"
        "  reboot_message TEXT NOT NULL DEFAULT '',"
        "  non_crash_failures INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE TABLE service_failure_steps ("
        "  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  action TEXT NOT NULL CHECK (action IN ('none','restart','run','reboot')),"
        "  delay_ms INTEGER NOT NULL CHECK (delay_ms >= 0),"
        "  PRIMARY KEY (service_id, position)"
        ");"
        "CREATE TABLE last_known_good ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  saved_at INTEGER NOT NULL,"
        "  services INTEGER NOT NULL"
        ");",
        /* 4 -> 5: the machine secret store (db_secret.c): sealed values only.
         * Keyed by name, without a foreign key, so a roll back to last known
         * good (which re-inserts every service row) does not take them. */
        "CREATE TABLE service_secrets ("
        "  service_name TEXT NOT NULL COLLATE NOCASE,"
        "  key TEXT NOT NULL,"
        "  scheme INTEGER NOT NULL DEFAULT 1,"
        "  nonce BLOB NOT NULL,"
        "  ciphertext BLOB NOT NULL,"
        "  size INTEGER NOT NULL CHECK (size >= 0),"
        "  created_at INTEGER NOT NULL DEFAULT (strftime('%s','now')),"
        "  updated_at INTEGER NOT NULL DEFAULT (strftime('%s','now')),"
        "  PRIMARY KEY (service_name, key)"
        ");",
        /* 5 -> 6: how long a preshutdown may take (SERVICE_PRESHUTDOWN_INFO). */
        "ALTER TABLE services ADD COLUMN preshutdown_timeout_ms INTEGER NOT NULL DEFAULT 180000"
        "  CHECK (preshutdown_timeout_ms >= 0 AND preshutdown_timeout_ms <= 4294967295);",
        /* 6 -> 7: the group order list (db_group.c). */
        "CREATE TABLE group_order ("
        "  position INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE COLLATE NOCASE"
        ");",
        /* 7 -> 8: access lists (db_acl.c), in their canonical text form. */
        "CREATE TABLE service_access ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  access_list TEXT NOT NULL"
        ");"
        "CREATE TABLE scm_access ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  access_list TEXT NOT NULL"
        ");",
        /* 8 -> 9: process settings (db_process_settings.c), in their protocol form:
         * a JSON object of the fields that are not at their default. */
        "CREATE TABLE service_process_settings ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  settings TEXT NOT NULL"
        ");",
        /* 9 -> 10: service parameters, the registry way (db_param.c): the
         * values under HKLM\SYSTEM\CurrentControlSet\Services\NAME\Parameters
         * and its subkeys.  They go with their service (ON DELETE CASCADE)
         * and are part of the last known good copy (db_lkg.c). */
        "CREATE TABLE service_parameters ("
        "  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
        "  key TEXT NOT NULL COLLATE NOCASE,"
        "  value_name TEXT NOT NULL COLLATE NOCASE,"
        "  type TEXT NOT NULL CHECK (type IN"
        "    ('sz','expand_sz','multi_sz','dword','qword','binary')),"
        "  data BLOB NOT NULL,"
        "  PRIMARY KEY (service_id, key, value_name)"
        ");",
        /* 10 -> 11: what a crash of scmd must not lose (db_process.c): the
         * process each service runs in, by pid and start time (field 22 of
         * /proc/PID/stat, so a reused pid is never taken for it), and the
         * failure count and reset-period clock of failure.c. */
        "CREATE TABLE service_process ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  pid INTEGER NOT NULL,"
        "  start_time INTEGER NOT NULL,"
        "  cgroup TEXT NOT NULL DEFAULT '',"
        "  state TEXT NOT NULL,"
        "  controls_accepted INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE TABLE service_recovery ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  failure_count INTEGER NOT NULL DEFAULT 0,"
        "  period_started_at INTEGER NOT NULL DEFAULT 0"
        ");",
        /* 11 -> 12: two more kinds, forking daemons and one-shot jobs.  A
         * column's CHECK cannot be altered, so the table is made again and
         * its rows copied, in SQLite's documented way: migrate() runs with
         * foreign keys off and checks them before each commit. */
        "CREATE TABLE services_new ("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        "  display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        "  description TEXT NOT NULL DEFAULT '',"
        "  type TEXT NOT NULL CHECK (type IN ('own','share','kernel-driver')),"
        "  start_type TEXT NOT NULL CHECK (start_type IN"
        "    ('boot','system','auto','delayed-auto','demand','disabled')),"
        "  error_control TEXT NOT NULL CHECK (error_control IN"
        "    ('ignore','normal','severe','critical')),"
        "  command_line TEXT NOT NULL,"
        "  account TEXT NOT NULL DEFAULT '',"
        "  load_group TEXT NOT NULL DEFAULT '',"
        "  marked_for_delete INTEGER NOT NULL DEFAULT 0,"
        "  kind TEXT NOT NULL DEFAULT 'plain'"
        "    CHECK (kind IN ('plain','native','notify','forking','oneshot')),"
        "  control_timeout_ms INTEGER NOT NULL DEFAULT 30000,"
        "  watchdog_ms INTEGER NOT NULL DEFAULT 0,"
        "  pause_by_freeze INTEGER NOT NULL DEFAULT 0,"
        "  preshutdown_timeout_ms INTEGER NOT NULL DEFAULT 180000"
        "    CHECK (preshutdown_timeout_ms >= 0 AND preshutdown_timeout_ms <= 4294967295)"
        ");"
        "INSERT INTO services_new (id, name, display_name, description, type, start_type,"
        "  error_control, command_line, account, load_group, marked_for_delete, kind,"
        "  control_timeout_ms, watchdog_ms, pause_by_freeze, preshutdown_timeout_ms)"
        " SELECT id, name, display_name, description, type, start_type, error_control,"
        "  command_line, account, load_group, marked_for_delete, kind, control_timeout_ms,"
        "  watchdog_ms, pause_by_freeze, preshutdown_timeout_ms FROM services;"
        "DROP TABLE services;"
        "ALTER TABLE services_new RENAME TO services;",
        /* 12 -> 13: resource limits (db_resource.c), in their protocol form:
         * a JSON object of the cgroup limits a service sets. */
        "CREATE TABLE service_resource_limits ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  limits TEXT NOT NULL"
        ");"
        /* and its private view of the filesystem (fence_config.c). */
        "CREATE TABLE service_fences ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  fences TEXT NOT NULL"
        ");"
        /* and its system-call filter (syscall_config.c). */
        "CREATE TABLE service_syscall_filter ("
        "  service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,"
        "  filter TEXT NOT NULL"
        ");",
        /* 13 -> 14: scheduled tasks (db_task.c, work/scheduler.c), and the
         * sockets of socket activation (at the end).  A task
         * is a program, an account and its triggers (their text form,
         * work/trigger.c); checked_until is the wall-clock second up to
         * which its due runs have been handled, so a run missed while
         * scmd was down is seen at the next start.  task_runs is the
         * bounded history (the newest TASK_HISTORY_MAX per task). */
        "CREATE TABLE tasks ("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        "  command_line TEXT NOT NULL,"
        "  account TEXT NOT NULL DEFAULT '',"
        "  enabled INTEGER NOT NULL DEFAULT 1,"
        "  time_limit_s INTEGER NOT NULL DEFAULT 0,"
        "  overlap TEXT NOT NULL DEFAULT 'skip'"
        "    CHECK (overlap IN ('skip','queue','parallel','stop_old')),"
        "  run_missed INTEGER NOT NULL DEFAULT 1,"
        "  random_delay_s INTEGER NOT NULL DEFAULT 0,"
        "  time_zone TEXT NOT NULL DEFAULT '',"
        "  access TEXT,"
        "  checked_until INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE TABLE task_triggers ("
        "  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  spec TEXT NOT NULL,"
        "  PRIMARY KEY (task_id, position)"
        ");"
        "CREATE TABLE task_runs ("
        "  id INTEGER PRIMARY KEY,"
        "  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
        "  reason TEXT NOT NULL,"
        "  started_at_ms INTEGER NOT NULL,"
        "  ended_at_ms INTEGER,"
        "  pid INTEGER NOT NULL DEFAULT 0,"
        "  result TEXT NOT NULL DEFAULT 'running',"
        "  exit_code INTEGER,"
        "  signal INTEGER,"
        "  error TEXT"
        ");"
        "CREATE INDEX task_runs_by_task ON task_runs (task_id, id);"
        /* and socket activation (db_text_list.c, work/activation.c): the
         * listening sockets a service declares, in their text form. */
        "CREATE TABLE service_sockets ("
        "  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  spec TEXT NOT NULL,"
        "  PRIMARY KEY (service_id, position)"
        ");",
        /* 14 -> 15: the reason the last stop was asked with
         * (ControlServiceEx), kept across a restart of scmd beside the
         * status it led to (db_save_stop_reason). */
        "ALTER TABLE service_status ADD COLUMN stop_reason INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE service_status ADD COLUMN stop_comment TEXT;"
        "ALTER TABLE service_status ADD COLUMN stop_reason_time_us INTEGER NOT NULL DEFAULT 0;",
        /* 15 -> 16: service triggers (db_text_list.c, work/service_trigger.c):
         * the events that start or stop a service, in their text form. */
        "CREATE TABLE service_triggers ("
        "  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  spec TEXT NOT NULL,"
        "  PRIMARY KEY (service_id, position)"
        ");",
        /* 16 -> 17: the failure action waiting on its delay (boot/failure.c),
         * so a crash or re-exec of scmd neither loses nor repeats it:
         * pending_action one of failure_config's action names, or NULL;
         * pending_due the wall-clock millisecond it is due. */
        "ALTER TABLE service_recovery ADD COLUMN pending_action TEXT;"
        "ALTER TABLE service_recovery ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE service_recovery ADD COLUMN pending_due INTEGER NOT NULL DEFAULT 0;",
        /* 17 -> 18: how far the boot's delayed-auto step got (boot/boot.c),
         * so a crash or re-exec of scmd neither repeats it nor restarts
         * its delay: boot_id the kernel's boot it belongs to, delayed_due
         * the wall-clock millisecond it is due, delayed_state 0 waiting,
         * 1 begun, 2 finished.  One row; an orderly shutdown deletes it. */
        "CREATE TABLE boot_progress ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  boot_id TEXT NOT NULL,"
        "  delayed_due INTEGER NOT NULL DEFAULT 0,"
        "  delayed_state INTEGER NOT NULL DEFAULT 0"
        ");",
        /* 18 -> 19: a scheduled task's least privilege and sandbox, a
         * service's settings in tables of the same shape, each going with
         * its task: task_security and task_writable_paths (db_security.c),
         * task_fences and task_syscall_filter (db_resource.c).
         * interactive is never set for a task (a run has no console); the
         * column keeps the two shapes one, so one code writes both.
         * setuid_allowed is the process setting no_new_privileges, false.
         * The task's group (service_groups) and secrets (service_secrets)
         * are kept under the key "task/NAME" (task_identity_key()), which
         * no service name can be: those tables need no change. */
        "CREATE TABLE task_security ("
        "  task_id INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,"
        "  required_privileges TEXT NOT NULL DEFAULT '',"
        "  sid_type TEXT NOT NULL DEFAULT 'none'"
        "    CHECK (sid_type IN ('none','unrestricted','restricted')),"
        "  allow_weak_isolation INTEGER NOT NULL DEFAULT 0,"
        "  restrict_network INTEGER NOT NULL DEFAULT 0,"
        "  interactive INTEGER NOT NULL DEFAULT 0 CHECK (interactive = 0)"
        ");"
        "CREATE TABLE task_writable_paths ("
        "  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
        "  position INTEGER NOT NULL,"
        "  path TEXT NOT NULL,"
        "  PRIMARY KEY (task_id, position)"
        ");"
        "CREATE TABLE task_fences ("
        "  task_id INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,"
        "  fences TEXT NOT NULL"
        ");"
        "CREATE TABLE task_syscall_filter ("
        "  task_id INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,"
        "  filter TEXT NOT NULL"
        ");"
        "ALTER TABLE tasks ADD COLUMN setuid_allowed INTEGER NOT NULL DEFAULT 0;",
        /* 19 -> 20: the Win32 error of a run that could not be made (a
         * step of its security plan: PRIVILEGE_NOT_HELD, PATH_NOT_FOUND,
         * ...; an exec that failed), beside its sentence in error; 0 for
         * none, which every run recorded before has. */
        "ALTER TABLE task_runs ADD COLUMN win32_exit_code INTEGER NOT NULL DEFAULT 0;",
};
#define SCHEMA_VERSION ((int)ELEMENTSOF(migrations))

enum stmt {
        STMT_BEGIN,
        STMT_COMMIT,
        STMT_ROLLBACK,
        STMT_INSERT,
        STMT_UPDATE,
        STMT_DELETE,
        STMT_MARK,
        STMT_DEPS_CLEAR,
        STMT_DEPS_ADD,
        STMT_STATUS,
        _STMT_MAX
};

static const char *const stmt_sql[_STMT_MAX] = {
        [STMT_BEGIN] = "BEGIN IMMEDIATE",
        [STMT_COMMIT] = "COMMIT",
        [STMT_ROLLBACK] = "ROLLBACK",
        [STMT_INSERT] = "INSERT INTO services (name, display_name, description, type, start_type,"
                        " error_control, command_line, account, load_group, kind,"
                        " control_timeout_ms, watchdog_ms, pause_by_freeze, preshutdown_timeout_ms)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11, ?12, ?13, ?14, ?15)",
        [STMT_UPDATE] = "UPDATE services SET name = ?1, display_name = ?2, description = ?3,"
                        " type = ?4, start_type = ?5, error_control = ?6, command_line = ?7,"
                        " account = ?8, load_group = ?9, kind = ?11, control_timeout_ms = ?12,"
                        " watchdog_ms = ?13, pause_by_freeze = ?14, preshutdown_timeout_ms = ?15"
                        " WHERE id = ?10",
        [STMT_DELETE] = "DELETE FROM services WHERE id = ?1",
        [STMT_MARK] = "UPDATE services SET marked_for_delete = 1 WHERE id = ?1",
        [STMT_DEPS_CLEAR] = "DELETE FROM dependencies WHERE service_id = ?1",
        [STMT_DEPS_ADD] =
                "INSERT INTO dependencies (service_id, position, target) VALUES (?1, ?2, ?3)",
        [STMT_STATUS] = "INSERT INTO service_status (service_id, state, win32_exit_code,"
                        " service_exit_code, pid, updated_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s','now'))"
                        " ON CONFLICT (service_id) DO UPDATE SET state = excluded.state,"
                        " win32_exit_code = excluded.win32_exit_code,"
                        " service_exit_code = excluded.service_exit_code, pid = excluded.pid,"
                        " updated_at = excluded.updated_at",
};

struct db {
        sqlite3 *sql;
        struct db_kept *kept; /* db_prepare()'s */
        sqlite3_stmt *stmt[_STMT_MAX];
        bool batch; /* db_batch_begin(): each change is a savepoint in it */
};

int db_errno(int rc) {
        switch (rc & 0xff) {
        case SQLITE_OK:
        case SQLITE_DONE:
        case SQLITE_ROW:
                return 0;
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return -EBUSY;
        case SQLITE_CONSTRAINT:
                return -EEXIST;
        case SQLITE_READONLY:
        case SQLITE_PERM:
                return -EROFS;
        case SQLITE_FULL:
                return -ENOSPC;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
                return -EBADMSG;
        default:
                return -EIO;
        }
}

static int step_done(sqlite3_stmt *st) {
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_errno(rc);
}

static int exec_stmt(struct db *db, enum stmt which) {
        return step_done(db->stmt[which]);
}

/* A change's transaction: its own IMMEDIATE transaction, or inside a
 * batch (db_batch_begin()) a savepoint of the batch's, so that a failed
 * change is undone alone and the batch commits or rolls back whole. */
int db_begin(struct db *db) {
        return db->batch ? db_exec(db, "SAVEPOINT change") : exec_stmt(db, STMT_BEGIN);
}

int db_commit(struct db *db) {
        return db->batch ? db_exec(db, "RELEASE change") : exec_stmt(db, STMT_COMMIT);
}

void db_rollback(struct db *db) {
        if (db->batch)
                db_exec(db, "ROLLBACK TO change; RELEASE change");
        else
                exec_stmt(db, STMT_ROLLBACK);
}

int db_batch_begin(struct db *db) {
        if (db->batch)
                return -EBUSY;
        int r = exec_stmt(db, STMT_BEGIN);
        if (r >= 0)
                db->batch = true;
        return r;
}

int db_batch_end(struct db *db, bool commit) {
        int r = -EINVAL;
        if (!db->batch)
                return r;
        db->batch = false;
        if (commit && (r = exec_stmt(db, STMT_COMMIT)) >= 0)
                return 0;
        exec_stmt(db, STMT_ROLLBACK);
        return commit ? r : 0;
}

static int begin(struct db *db) {
        return db_begin(db);
}

/* Commits when r >= 0, else rolls back; returns r or the commit's error. */
static int end(struct db *db, int r) {
        if (r >= 0) {
                r = db_commit(db);
                if (r >= 0)
                        return 0;
        }
        db_rollback(db);
        return r;
}

static int schema_version(sqlite3 *sql) {
        sqlite3_stmt *st;
        int v = -1;
        if (sqlite3_prepare_v2(sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        if (sqlite3_step(st) == SQLITE_ROW)
                v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        return v;
}

/* After a migration, with foreign keys off: every reference still holds. */
static int foreign_keys_hold(sqlite3 *sql, char **err) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(sql, "PRAGMA foreign_key_check", -1, &st, NULL);
        if (rc != SQLITE_OK)
                return rc;
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW) {
                *err = sqlite3_mprintf("a reference between tables no longer holds");
                return SQLITE_CONSTRAINT;
        }
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Runs with foreign keys off (a migration may make a table again, which
 * must not cascade), as SQLite's documentation for altering a table says;
 * db_open() turns them on after. */
static int migrate(sqlite3 *sql) {
        int v = schema_version(sql);
        if (v < 0)
                return -EIO;
        if (v > SCHEMA_VERSION) {
                log_error("database schema version %d is newer than this scmd knows (%d); "
                          "refusing to touch it",
                          v, SCHEMA_VERSION);
                return -EPROTO;
        }
        for (; v < SCHEMA_VERSION; v++) {
                char bump[64];
                snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
                char *err = NULL;
                int rc = sqlite3_exec(sql, "BEGIN IMMEDIATE", NULL, NULL, &err);
                if (rc == SQLITE_OK)
                        rc = sqlite3_exec(sql, migrations[v], NULL, NULL, &err);
                if (rc == SQLITE_OK)
                        rc = foreign_keys_hold(sql, &err);
                if (rc == SQLITE_OK)
                        rc = sqlite3_exec(sql, bump, NULL, NULL, &err);
                if (rc == SQLITE_OK)
                        rc = sqlite3_exec(sql, "COMMIT", NULL, NULL, &err);
                if (rc != SQLITE_OK) {
                        log_error("database migration %d -> %d failed: %s", v, v + 1,
                                  err ? err : sqlite3_errstr(rc));
                        sqlite3_free(err);
                        sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
                        return db_errno(rc);
                }
                log_info("database migrated to schema version %d", v + 1);
        }
        return 0;
}

int db_open(const char *path, struct db **ret) {
        struct db *db = calloc(1, sizeof(*db));
        if (!db)
                return -ENOMEM;

        int rc = sqlite3_open_v2(path, &db->sql,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 NULL);
        int r = 0;
        if (rc != SQLITE_OK) {
                log_error("cannot open database %s: %s", path, sqlite3_errstr(rc));
                r = db_errno(rc);
                goto fail;
        }
        sqlite3_busy_timeout(db->sql, 5000);
        char *err = NULL;
        /* The page cache is held to 512 KiB: SQLite's default (2 MiB) fills
         * while the configuration is read once at start-up, and then costs
         * 200 bytes a service at 10,000; a page not held is one pread of
         * the operating system's own cache away. */
        rc = sqlite3_exec(db->sql,
                          "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                          " PRAGMA foreign_keys = OFF; PRAGMA cache_size = -512;",
                          NULL, NULL, &err);
        if (rc != SQLITE_OK) {
                log_error("cannot set up database %s: %s", path, err ? err : sqlite3_errstr(rc));
                sqlite3_free(err);
                r = db_errno(rc);
                goto fail;
        }
        r = migrate(db->sql);
        if (r < 0)
                goto fail;
        rc = sqlite3_exec(db->sql, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
                r = db_errno(rc);
                goto fail;
        }
        if (!(db->kept = db_kept_new(db->sql))) {
                r = -ENOMEM;
                goto fail;
        }
        for (int i = 0; i < _STMT_MAX; i++) {
                rc = sqlite3_prepare_v3(db->sql, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                        &db->stmt[i], NULL);
                if (rc != SQLITE_OK) {
                        log_error("cannot prepare statement: %s", sqlite3_errmsg(db->sql));
                        r = db_errno(rc);
                        goto fail;
                }
        }
        *ret = db;
        return 0;
fail:
        db_close(db);
        return r;
}

void db_close(struct db *db) {
        if (!db)
                return;
        for (int i = 0; i < _STMT_MAX; i++)
                sqlite3_finalize(db->stmt[i]);
        db_kept_free(db->kept);
        sqlite3_close(db->sql);
        free(db);
}

int db_schema_version(struct db *db) {
        return schema_version(db->sql);
}

struct sqlite3 *db_sqlite(struct db *db) {
        return db->sql;
}

int db_prepare(struct db *db, const char *sql, sqlite3_stmt **ret) {
        return db_kept_prepare(db->kept, sql, ret);
}

int db_exec(struct db *db, const char *sql) {
        return db_errno(sqlite3_exec(db->sql, sql, NULL, NULL, NULL));
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
        sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

static void bind_config(sqlite3_stmt *st, const struct service_config *c) {
        bind_text(st, 1, c->name);
        bind_text(st, 2, c->display_name);
        bind_text(st, 3, c->description);
        bind_text(st, 4, scm_type_name(c->type));
        bind_text(st, 5, scm_start_type_name(c->start_type));
        bind_text(st, 6, scm_error_control_name(c->error_control));
        bind_text(st, 7, c->command_line);
        bind_text(st, 8, c->account);
        bind_text(st, 9, c->group);
        bind_text(st, 11, scm_kind_name(c->kind));
        sqlite3_bind_int64(st, 12, c->control_timeout_ms);
        sqlite3_bind_int64(st, 13, c->watchdog_ms);
        sqlite3_bind_int(st, 14, c->pause_by_freeze);
        sqlite3_bind_int64(st, 15, c->preshutdown_timeout_ms);
}

static int write_dependencies(struct db *db, int64_t id, char **deps) {
        sqlite3_bind_int64(db->stmt[STMT_DEPS_CLEAR], 1, id);
        int r = exec_stmt(db, STMT_DEPS_CLEAR);
        for (int i = 0; r >= 0 && deps && deps[i]; i++) {
                sqlite3_stmt *st = db->stmt[STMT_DEPS_ADD];
                sqlite3_bind_int64(st, 1, id);
                sqlite3_bind_int(st, 2, i);
                bind_text(st, 3, deps[i]);
                r = step_done(st);
        }
        return r;
}

int db_insert_service(struct db *db, const struct service_config *c, int64_t *ret_id) {
        int r = begin(db);
        if (r < 0)
                return r;
        bind_config(db->stmt[STMT_INSERT], c);
        r = exec_stmt(db, STMT_INSERT);
        int64_t id = sqlite3_last_insert_rowid(db->sql);
        if (r >= 0)
                r = write_dependencies(db, id, c->dependencies);
        if (r >= 0)
                r = db_security_save(db, id, c);
        if (r >= 0)
                r = db_process_settings_save(db, id, c->process);
        if (r >= 0)
                r = db_resource_save(db, id, c->resources);
        if (r >= 0)
                r = db_fence_save(db, id, c->fences);
        if (r >= 0)
                r = db_syscall_save(db, id, c->syscalls);
        r = end(db, r);
        if (r >= 0)
                *ret_id = id;
        return r;
}

int db_update_service(struct db *db, int64_t id, const struct service_config *c) {
        int r = begin(db);
        if (r < 0)
                return r;
        sqlite3_stmt *st = db->stmt[STMT_UPDATE];
        bind_config(st, c);
        sqlite3_bind_int64(st, 10, id);
        r = step_done(st);
        if (r >= 0)
                r = write_dependencies(db, id, c->dependencies);
        if (r >= 0)
                r = db_security_save(db, id, c);
        if (r >= 0)
                r = db_process_settings_save(db, id, c->process);
        if (r >= 0)
                r = db_resource_save(db, id, c->resources);
        if (r >= 0)
                r = db_fence_save(db, id, c->fences);
        if (r >= 0)
                r = db_syscall_save(db, id, c->syscalls);
        return end(db, r);
}

static int exec_with_id(struct db *db, enum stmt which, int64_t id) {
        int r = begin(db);
        if (r < 0)
                return r;
        sqlite3_bind_int64(db->stmt[which], 1, id);
        return end(db, exec_stmt(db, which));
}

int db_delete_service(struct db *db, int64_t id) {
        int r = begin(db);
        if (r < 0)
                return r;
        /* Its secrets have no foreign key (db_secret.c): they go here, in
         * the same transaction. */
        r = db_secret_delete_service(db, id);
        if (r >= 0) {
                sqlite3_bind_int64(db->stmt[STMT_DELETE], 1, id);
                r = exec_stmt(db, STMT_DELETE);
        }
        return end(db, r);
}

int db_mark_for_delete(struct db *db, int64_t id) {
        return exec_with_id(db, STMT_MARK, id);
}

int db_save_status(struct db *db, int64_t id, const struct db_status *st) {
        sqlite3_stmt *s = db->stmt[STMT_STATUS];
        sqlite3_bind_int64(s, 1, id);
        bind_text(s, 2, scm_state_name(st->state));
        sqlite3_bind_int64(s, 3, st->win32_exit_code);
        sqlite3_bind_int64(s, 4, st->service_exit_code);
        sqlite3_bind_int64(s, 5, st->pid);
        /* A single statement is its own transaction. */
        int rc = sqlite3_step(s);
        int extended = sqlite3_extended_errcode(db->sql);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (rc == SQLITE_DONE)
                return 0;
        /* Its row has gone (a restore of the last known good configuration
         * that had no such service): there is nothing to record it on. */
        return extended == SQLITE_CONSTRAINT_FOREIGNKEY ? -ENOENT : db_errno(rc);
}

int db_save_stop_reason(struct db *db, int64_t id, uint32_t reason, const char *comment,
                        int64_t time_us) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(
                db->sql,
                "INSERT INTO service_status (service_id, state, stop_reason, stop_comment,"
                " stop_reason_time_us) VALUES (?1, 'stopped', ?2, ?3, ?4)"
                " ON CONFLICT (service_id) DO UPDATE SET stop_reason = excluded.stop_reason,"
                " stop_comment = excluded.stop_comment,"
                " stop_reason_time_us = excluded.stop_reason_time_us",
                -1, &st, NULL);
        if (rc != SQLITE_OK)
                return db_errno(rc);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, reason);
        if (comment)
                sqlite3_bind_text(st, 3, comment, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, time_us);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? 0 : db_errno(rc);
}

/* ---- loading ---- */

char *db_column_strdup(sqlite3_stmt *st, int i) {
        const unsigned char *t = sqlite3_column_text(st, i);
        return strdup(t ? (const char *)t : "");
}

static int load_dependencies(struct db *db, int64_t id, char ***ret) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db->sql,
                               "SELECT target FROM dependencies WHERE service_id = ?1"
                               " ORDER BY position",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_int64(st, 1, id);
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = v ? 0 : -ENOMEM;
        while (r == 0 && sqlite3_step(st) == SQLITE_ROW) {
                char **nv = realloc(v, (n + 2) * sizeof(char *));
                if (!nv) {
                        r = -ENOMEM;
                        break;
                }
                v = nv;
                v[n] = db_column_strdup(st, 0);
                v[++n] = NULL;
                if (!v[n - 1])
                        r = -ENOMEM;
        }
        sqlite3_finalize(st);
        if (r < 0) {
                strv_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

static int row_to_config(struct db *db, sqlite3_stmt *st, struct service_config *c) {
        c->name = db_column_strdup(st, 1);
        c->display_name = db_column_strdup(st, 2);
        c->description = db_column_strdup(st, 3);
        c->type = scm_type_from_name((const char *)sqlite3_column_text(st, 4));
        c->start_type = scm_start_type_from_name((const char *)sqlite3_column_text(st, 5));
        c->error_control = scm_error_control_from_name((const char *)sqlite3_column_text(st, 6));
        c->command_line = db_column_strdup(st, 7);
        c->account = db_column_strdup(st, 8);
        c->group = db_column_strdup(st, 9);
        c->kind = scm_kind_from_name((const char *)sqlite3_column_text(st, 15));
        c->control_timeout_ms = (uint32_t)sqlite3_column_int64(st, 16);
        c->watchdog_ms = (uint32_t)sqlite3_column_int64(st, 17);
        c->pause_by_freeze = sqlite3_column_int(st, 18) != 0;
        c->preshutdown_timeout_ms = (uint32_t)sqlite3_column_int64(st, 19);
        if (!c->name || !c->display_name || !c->description || !c->command_line || !c->account ||
            !c->group)
                return -ENOMEM;
        int64_t id = sqlite3_column_int64(st, 0);
        int r = load_dependencies(db, id, &c->dependencies);
        if (r >= 0)
                r = db_security_load(db, id, c->name, &c->security);
        if (r >= 0)
                r = db_process_settings_load(db, id, c->name, &c->process);
        if (r >= 0)
                r = db_resource_load(db, id, c->name, &c->resources);
        if (r >= 0)
                r = db_fence_load(db, id, c->name, &c->fences);
        if (r >= 0)
                r = db_syscall_load(db, id, c->name, &c->syscalls);
        return r < 0 ? r : db_acl_load_service(db, id, c->name, &c->access);
}

int db_load(struct db *db, db_load_fn *fn, void *userdata) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(
                db->sql,
                "SELECT s.id, s.name, s.display_name, s.description, s.type, s.start_type,"
                " s.error_control, s.command_line, s.account, s.load_group, s.marked_for_delete,"
                " t.state, t.win32_exit_code, t.service_exit_code, t.pid,"
                " s.kind, s.control_timeout_ms, s.watchdog_ms, s.pause_by_freeze,"
                " s.preshutdown_timeout_ms, t.stop_reason, t.stop_comment, t.stop_reason_time_us"
                " FROM services s LEFT JOIN service_status t ON "
                "t.service_id = s.id ORDER BY s.id",
                -1, &st, NULL);
        if (rc != SQLITE_OK)
                return db_errno(rc);

        int r = 0;
        while (r >= 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct service_config c = {0};
                struct db_status status = {
                        .state = sqlite3_column_type(st, 11) == SQLITE_NULL
                                         ? SCM_STATE_STOPPED
                                         : scm_state_from_name(
                                                   (const char *)sqlite3_column_text(st, 11)),
                        .win32_exit_code = (uint32_t)sqlite3_column_int64(st, 12),
                        .service_exit_code = (uint32_t)sqlite3_column_int64(st, 13),
                        .pid = (pid_t)sqlite3_column_int64(st, 14),
                        .marked_for_delete = sqlite3_column_int(st, 10) != 0,
                        .stop_reason = (uint32_t)sqlite3_column_int64(st, 20),
                        .stop_comment = (const char *)sqlite3_column_text(st, 21),
                        .stop_reason_time_us = sqlite3_column_int64(st, 22),
                };
                r = row_to_config(db, st, &c);
                if (r >= 0)
                        r = fn(userdata, sqlite3_column_int64(st, 0), &c, &status);
                service_config_clear(&c);
        }
        if (r >= 0 && rc != SQLITE_DONE)
                r = db_errno(rc);
        sqlite3_finalize(st);
        return r;
}
