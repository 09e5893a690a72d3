/* SPDX-License-Identifier: MIT */
/*
 * Service triggers (Windows' SERVICE_CONFIG_TRIGGER_INFO): events that
 * start or stop a service.  A trigger is a text, "ACTION EVENT":
 *
 *   ACTION  start | stop
 *   EVENT   path:/ABS/PATH            the file appears or is written
 *           address:first             the first IP address arrives
 *           address:last              the last IP address goes
 *           device:SUBSYSTEM[:DEVTYPE[:NAME]]          a device arrives
 *           device-removal:SUBSYSTEM[:DEVTYPE[:NAME]]  a device goes
 *           mount:/ABS/PATH           something is mounted there
 *           unmount:/ABS/PATH         what was mounted there goes
 *           custom:EVENT              a client fires EVENT (fire_trigger)
 *           custom:EVENT data=DATA    ... with exactly DATA (Windows' data
 *                                     item of a custom trigger)
 *
 * DEVTYPE "*" or empty matches any; NAME is a shell pattern (fnmatch) on
 * the device's name (a net device's INTERFACE, else DEVNAME or the last
 * part of DEVPATH).  An address counts when its scope is global or site
 * (not a loopback's or a link-local one), on any interface.  The fifth
 * kind of Windows, a network endpoint, is socket activation
 * (work/activation.c): query_triggers shows a service's sockets as
 * "start network-endpoint:SOCKET", which set_triggers does not take.
 *
 * When an event fires, a start trigger starts its service if it is
 * stopped (as socket activation does: dependencies first, nobody waiting)
 * and, if it runs and its handler accepts SERVICE_ACCEPT_TRIGGEREVENT,
 * sends it SERVICE_CONTROL_TRIGGEREVENT; a stop trigger stops it if it
 * runs and no running service depends on it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <scm/types.h>

#include "trigger_spec.h"

struct manager;
struct service;
struct mount_entry;

/* Loads every service's triggers and watches what they name (main.c,
 * before the boot sequence).  0 or -errno. */
int service_triggers_start(struct manager *m);
void service_triggers_free(struct manager *m);
/* Hooks: s is deleted; the mount table changed (main.c chains it with
 * events.c's broadcast). */
void service_triggers_deleted(struct service *s);
void service_triggers_mount_changed(struct manager *m, const char *action,
                                    const struct mount_entry *e);
/* Replaces s's triggers by texts (NULL-terminated; NULL: none): checked,
 * persisted, then watched.  0, or SCM_ERR(win32) with *ret_error. */
int service_triggers_set(struct service *s, char **texts, char **ret_error);
/* s's trigger texts (borrowed) and, per trigger, why it is not watched
 * (NULL: watched).  0 when it has none. */
size_t service_triggers_query(struct service *s, char ***ret_texts, const char ***ret_errors);

/* What a custom event did to one service (fire_trigger). */
enum trigger_outcome {
        TRIGGER_NOTHING,  /* already in the state asked for */
        TRIGGER_STARTED,  /* a start is under way */
        TRIGGER_STOPPED,  /* a stop is under way */
        TRIGGER_NOTIFIED, /* running: SERVICE_CONTROL_TRIGGEREVENT sent */
        TRIGGER_FAILED,   /* the start or stop failed at once (logged) */
        TRIGGER_DENIED,   /* may() said no */
};

/* Fires custom event `event` (data: the client's text, logged, or NULL):
 * for each service with a matching trigger whose action may(userdata, s,
 * stop) allows, acts, and reports to each(userdata, s, stop, outcome).
 * Returns how many services matched. */
int service_triggers_fire(struct manager *m, const char *event, const char *data,
                          bool (*may)(void *userdata, struct service *s, bool stop),
                          void (*each)(void *userdata, struct service *s, bool stop,
                                       enum trigger_outcome o),
                          void *userdata);
