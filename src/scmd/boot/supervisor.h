/* SPDX-License-Identifier: MIT */
/*
 * scmd as a whole: loading the database, reaping children, signals, and
 * the tear-down at exit.
 */
#pragma once

struct manager;
struct service;

/* Loads the database into memory and sweeps leftovers of an earlier run. */
int manager_load(struct manager *m);
/* Hooks up signals (SIGCHLD reaping, SIGTERM/SIGINT/SIGPWR shutdown). */
int manager_setup_signals(struct manager *m);
/* Begins the shutdown sequence (shutdown.c); the loop quits when done. */
void manager_begin_shutdown(struct manager *m);
/* The hook of a service that reached STOPPED (struct service_hooks). */
void manager_service_stopped(struct service *s);
/* Frees everything the manager holds but the dependency state and the
 * server (main.c frees those first). */
void manager_free(struct manager *m);
