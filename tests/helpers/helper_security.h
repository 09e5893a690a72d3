/* SPDX-License-Identifier: MIT */
/*
 * scm-test-helper's least-privilege modes (helper_security.c), called by
 * its main().
 */
#pragma once

typedef void report_fn(const char *fmt, ...);

/* Takes the least-privilege options out of argv (before the first operand)
 * and returns the new argc; --exec-without-landlock does not return. */
int security_modes_take(int argc, char **argv);

/* Reports the facts the options asked for, through report. */
void security_modes_run(report_fn *report);
