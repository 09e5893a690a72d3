/* SPDX-License-Identifier: MIT */
/*
 * The descriptor holder: a small process that keeps a copy of the
 * descriptors a service's life depends on (the read end of its log pipe,
 * scmd's end of its control channel, the sd_notify socket), so that they
 * stay open while scmd is down (crashed, or re-executing itself), and
 * gives them back to the next scmd.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define FDHOLDER_KEY_MAX 96
#define FDHOLDER_FDS_MAX 4

struct fdholder;

/* One entry handed back: its key and its descriptors (owned by the caller). */
struct fdholder_entry {
        char key[FDHOLDER_KEY_MAX];
        int fds[FDHOLDER_FDS_MAX];
        size_t n_fds;
};

/* Connects to the holder at path, making one (a child process) when none
 * answers there.  *ret_entries (malloc'd) is what an earlier scmd left
 * with it; NULL and 0 from a new holder.  0 or -errno. */
int fdholder_open(const char *path, struct fdholder **ret, struct fdholder_entry **ret_entries,
                  size_t *ret_n);
/* Gives the holder a copy of fds under key (replacing one of that key). */
int fdholder_put(struct fdholder *h, const char *key, const int *fds, size_t n);
/* The holder closes its copies of key's descriptors. */
int fdholder_drop(struct fdholder *h, const char *key);
/* The same, and waits (up to a second) until the holder has done it: an
 * address its copy held is free again.  0 or -errno. */
int fdholder_drop_wait(struct fdholder *h, const char *key);
/* Closes the link; with bye the holder ends too (scmd's clean exit). */
void fdholder_close(struct fdholder *h, bool bye);
/* The holder's pid (0 when unknown). */
int fdholder_pid(const struct fdholder *h);
