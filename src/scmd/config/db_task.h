/* SPDX-License-Identifier: MIT */
/*
 * The tables of scheduled tasks (migration 14): tasks, task_triggers and
 * task_runs, on db.c's connection.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "task_config.h"

struct db;

/* Called for every task by db_task_load(); fn takes ownership of the
 * config's contents. */
typedef int db_task_load_fn(void *userdata, int64_t id, struct task_config *config,
                            int64_t checked_until);

int db_task_load(struct db *db, db_task_load_fn *fn, void *userdata);
/* Inserts (or, with id > 0, replaces) the task and its triggers in one
 * transaction.  0 (with *ret_id on insert), -EEXIST (the name is taken),
 * or -errno. */
int db_task_save(struct db *db, int64_t id, const struct task_config *c, int64_t *ret_id);
/* Deletes the task with its triggers, history, least-privilege settings
 * and secrets, in one transaction; its group stays recorded for its key. */
int db_task_delete(struct db *db, int64_t id);
/* Records that the task's due runs up to the wall-clock second t have been
 * handled (run, skipped, or found missed). */
int db_task_set_checked(struct db *db, int64_t id, int64_t t);

/* A run begins: its row, and the history cut to the newest
 * TASK_HISTORY_MAX of the task.  0 with *ret_run_id, or -errno. */
int db_task_run_begin(struct db *db, int64_t task_id, const char *reason, int64_t started_at_ms,
                      int pid, int64_t *ret_run_id);
/* A run ended (result, exit code or -1, signal or 0, the Win32 error of a
 * run that could not be made or 0, its sentence or NULL). */
int db_task_run_end(struct db *db, int64_t run_id, int64_t ended_at_ms, const char *result,
                    int exit_code, int signal, int win32, const char *error);
/* Runs still marked running by an earlier scmd become "interrupted". */
int db_task_runs_interrupted(struct db *db, int64_t now_ms);
/* The task's history, newest first, malloc'd (task_run_records_free()). */
int db_task_history(struct db *db, int64_t task_id, struct task_run_record **ret, size_t *ret_n);
