/* SPDX-License-Identifier: MIT */
/*
 * Groups and dependencies: the graph, its checks, and the orders of start
 * and stop that follow from it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <scm/types.h>

struct manager;
struct service;
struct service_config;
struct start_waiter;

struct start_target;

/* Starts every service of start type `type` (SCM_START_AUTO or
 * SCM_START_DELAYED_AUTO) that is stopped and not marked for delete: group
 * by group in the group order list (groups not in the list and ungrouped
 * services after), each after its dependencies (cascading into dependencies
 * of any start type), all that are independent in parallel.  Calls done(m)
 * once every one has reached RUNNING or failed (also at once when there are
 * none; done may be NULL).  A stop of every service (depend_stop_all() with
 * services NULL) cancels it: done is then not called. */
void depend_start_all(struct manager *m, enum scm_start_type type, void (*done)(struct manager *m));
/* Stops every service in services (n of them; NULL: every service that has
 * a process), each only after every running dependent of it has stopped;
 * independent ones in parallel.  stop(s) is what "stop" means for one
 * service (NULL: service_stop(), and service_kill() if it cannot take a
 * stop now); done(m) once all have stopped.  With services NULL it first
 * cancels every start still waiting for its dependencies (their clients get
 * SHUTDOWN_IN_PROGRESS). */
void depend_stop_all(struct manager *m, struct service **services, size_t n,
                     void (*stop)(struct service *s), void (*done)(struct manager *m));

/* Answers every start still waiting for its dependencies with win32 and
 * message (their dependents the same, no exit code recorded) and drops the
 * boot's start_all jobs (their done is not called): shutdown_begin()
 * (SHUTDOWN_IN_PROGRESS), a roll back (ALREADY_RUNNING_LKG). */
void depend_cancel_starts(struct manager *m, int win32, const char *message);

/* A client's start of s: after its dependencies (rpc_start).  Returns what
 * service_start() returns when s can start now (every dependency running,
 * or none): the caller answers as it would without dependencies, and w is
 * not used.  Returns 1 when w will be called: with 0 once s's own start is
 * under way (s's start waiters' rule: the caller gets the status then), or
 * with the error.  Returns SCM_ERR(win32) with *ret_message when it fails
 * at once: SERVICE_DEPENDENCY_DELETED (a dependency does not exist or is
 * marked for delete), SERVICE_DEPENDENCY_FAIL (one is disabled, stopping,
 * or failed to start). */
int depend_start(struct service *s, char **args, struct start_waiter *w, char **ret_message);

/* Whether s is to start once its dependencies run (query_boot_phase). */
bool depend_start_waiting(const struct service *s);

/* scmd's own start of s (a failure action's restart): after its stopped
 * dependencies, as depend_start() but with nobody waiting.  Returns 0 when
 * the start is under way (now, or once the dependencies run), or
 * SCM_ERR(win32) with *ret_message (may be NULL) when it failed at once. */
int depend_start_service(struct service *s, char **ret_message);

/* A client's stop of s with its dependents (rpc_control): stops every
 * running service that depends on s, directly or not, dependents first.
 * Returns 0 when none is running (nothing to do), 1 when done(userdata, 0,
 * NULL) will be called once all have stopped (or done(userdata, win32,
 * message) when one refused its stop), or -ENOMEM. */
int depend_stop_dependents(struct service *s,
                           void (*done)(void *userdata, int win32, const char *message),
                           void *userdata);

/* Every service that depends on s, directly or through others (by name, or
 * on s's group), in stop order: each before every service it depends on.
 * Returns the count with *ret (a malloc'd array; services borrowed), or
 * -ENOMEM. */
ssize_t depend_dependents(struct manager *m, struct service *s, struct service ***ret);
/* Whether a service that depends on s is not stopped (so s may not be
 * stopped by a trigger or an idle stop); true when memory runs out. */
bool depend_dependents_running(struct service *s);

/* Whether the dependencies make a cycle, with c in place of the service of
 * its name (added when there is none; NULL: no change) and order as the
 * group order list (NULL: the current one).  A group dependency reaches
 * every member of the group, and a group in the order list comes after the
 * group before it.  Returns 0 when there is none, 1 with *ret_cycle
 * ("a -> b -> +G -> a", malloc'd), or -ENOMEM. */
int depend_find_cycle(struct manager *m, const struct service_config *c, char *const *order,
                      char **ret_cycle);

/* The boot phase of group: its index in the group order list, or the
 * list's length for a group not in it and for "" (no group). */
size_t depend_group_rank(const struct manager *m, const char *group);

/* Loads the group order list into m (manager_load()).  0 or -errno. */
int depend_load(struct manager *m);
/* Replaces the group order list: persisted, then in memory.  0 or -errno. */
int depend_set_group_order(struct manager *m, char **groups);

/* The hooks: service.c calls the first after s entered a new state, the
 * second when s is freed; supervisor.c calls the last at exit. */
void depend_service_entered(struct service *s, enum scm_state old);
void depend_service_gone(struct service *s);
void depend_free(struct manager *m);
