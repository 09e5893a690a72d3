/* SPDX-License-Identifier: MIT */
/*
 * Landlock write restriction and a network namespace of the service's own.
 */
#pragma once

/* The Landlock ABI version of this kernel; 0 when it has none. */
int sandbox_landlock_abi(void);
/* A Landlock ruleset that allows writing only beneath paths (NULL-
 * terminated) and to the device files every program writes (/dev/null,
 * ...); reads and execution are not restricted.  Returns the ruleset fd, or
 * -errno with *ret_path the path that failed (-ENOENT: it does not exist). */
int sandbox_ruleset(char *const *paths, const char **ret_path);
/* In the child: a new network namespace with loopback up.  0 or -errno. */
int sandbox_new_netns(void);
