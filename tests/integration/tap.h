/* SPDX-License-Identifier: MIT */
/*
 * TAP output for the C programs of the integration tests (wire_abuse,
 * events_check, acl_check): one numbered point per check, diagnostics as
 * "# " lines, the plan at the end.  Everything is flushed at once, so the
 * lines interleave rightly with those of the shell script around it.
 */
#pragma once

#include <stdbool.h>

/* Prints "ok N - ..." or "not ok N - ..."; returns ok. */
bool tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "ok N - what # SKIP reason". */
void tap_skip(const char *what, const char *reason);
/* Prints "# ..." */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "Bail out! why" and the plan so far; the caller exits. */
void tap_bail_out(const char *why);
/* Prints the plan "1..N"; returns the exit status: 1 when a point failed. */
int tap_finish(void);
