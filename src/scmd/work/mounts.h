/* SPDX-License-Identifier: MIT */
/*
 * The mount table watched: scmd's own /proc/self/mountinfo, polled for
 * POLLPRI, which the kernel raises when a mount is made, removed or
 * changed in scmd's mount namespace.  No periodic wake-up: the loop sleeps
 * on the descriptor.  Each change is told to one listener (main.c wires
 * api/events.c's broadcast), entry by entry.
 */
#pragma once

struct manager;

struct mount_entry {
        int id;            /* the mount id, field 1: unique while mounted */
        char *mount_point; /* unescaped (\040 is a space) */
        char *fstype;
        char *source;
        char *options; /* the mount's own options (field 6) */
};

/* "mounted", "unmounted" or "changed" (the same mount id, other options). */
typedef void mounts_changed_fn(struct manager *m, const char *action, const struct mount_entry *e);

/* Reads the table and watches it, calling fn for each change from now
 * on.  0 or -errno (then nothing is watched; logged). */
int mounts_watch_start(struct manager *m, mounts_changed_fn *fn);
void mounts_watch_free(struct manager *m);
