/* SPDX-License-Identifier: MIT */
/* TAP output for the integration tests' C programs: see tap.h. */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>

static int tap_count, tap_failures;

bool tap(bool ok, const char *fmt, ...) {
        va_list ap;
        printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        fflush(stdout);
        tap_failures += !ok;
        return ok;
}

void tap_skip(const char *what, const char *reason) {
        printf("ok %d - %s # SKIP %s\n", ++tap_count, what, reason);
        fflush(stdout);
}

void diag(const char *fmt, ...) {
        va_list ap;
        fputs("# ", stdout);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        fflush(stdout);
}

void tap_bail_out(const char *why) {
        printf("Bail out! %s\n1..%d\n", why, tap_count);
        fflush(stdout);
}

int tap_finish(void) {
        printf("1..%d\n", tap_count);
        fflush(stdout);
        return tap_failures ? 1 : 0;
}
