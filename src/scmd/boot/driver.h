/* SPDX-License-Identifier: MIT */
/*
 * Kernel-driver services: modules loaded and unloaded with modprobe.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "loop.h"

struct manager;
struct service;

/* driver.c: the kernel drivers' loads and unloads under way. */
struct driver_state {
        struct manager *manager;
        struct driver_job *jobs; /* modprobe runs, or a settle is due */
        size_t boot_pending;     /* the boot's drivers step waits for these */
        void (*boot_done)(struct manager *m);
        struct loop_timer boot_timer;
};

/* The EFF_SPAWN effect of a kernel driver: RUNNING (through the loop) when
 * its module is loaded, else `modprobe` in a child.  The EFF_UNLOAD effect:
 * `modprobe -r`.  0, or SCM_ERR(win32) with s->last_error naming the
 * module: PRIVILEGE_NOT_HELD (no CAP_SYS_MODULE), FILE_NOT_FOUND (no
 * modules for this kernel, no modprobe), INVALID_PARAMETER (no module
 * named). */
int driver_load(struct service *s);
int driver_unload(struct service *s);
/* A module name as the kernel takes it: letters, digits, '_', '-'. */
bool driver_module_name_valid(const char *name);
/* supervisor.c's reaping, for a child that is no service's: true when it
 * was a modprobe of driver.c (si from a WNOWAIT peek; the caller reaps). */
bool driver_child_exited(struct manager *m, const siginfo_t *si);
/* service_free(): s goes; its job (if any) finishes without it. */
void driver_service_gone(struct service *s);
/* boot.c's drivers step: boot, system and auto drivers are loaded, demand
 * and disabled ones found loaded are running; done(m), through the loop,
 * once no load of the step is under way. */
void driver_boot(struct manager *m, void (*done)(struct manager *m));
/* The boot and system drivers that are not loaded (after the drivers step). */
json_t *driver_failed_json(struct manager *m);
/* At exit (manager_free()): kills what modprobe still runs. */
void driver_finish(struct manager *m);
