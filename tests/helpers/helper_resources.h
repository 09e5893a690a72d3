/* SPDX-License-Identifier: MIT */
/*
 * scm-test-helper's resource modes (helper_resources.c), called by its
 * main(): consume memory, tasks or CPU so that a test can watch the
 * service's cgroup limits bite.
 */
#pragma once

typedef void resource_report_fn(const char *fmt, ...);

/* Takes the resource options out of argv (before the first operand) and
 * returns the new argc. */
int resource_modes_take(int argc, char **argv);

/* Runs what the options asked for, reporting through report. */
void resource_modes_run(resource_report_fn *report);
