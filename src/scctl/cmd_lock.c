/* SPDX-License-Identifier: MIT */
/*
 * The verbs of the service database lock, named after sc.exe's: lock
 * takes the lock (LockServiceDatabase) and holds it until its standard
 * input gives a line or ends, then lets it go; querylock prints who holds
 * it (QueryServiceLockStatus).  As on Windows since Vista the lock changes
 * nothing else; docs/protocol.md, "lock_service_database".
 */
#include <stdio.h>

#include "cleanup.h"
#include "scctl.h"

static int no_operands(struct scctl *ctx, int argc, char **argv) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (opt > 0 || optind != argc)
                return scctl_usage_error(ctx, "takes no operands");
        return 0;
}

static int run_lock(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL, *after = NULL;
        int r = no_operands(ctx, argc, argv);
        if (r == 0)
                r = scctl_call(ctx, "lock_service_database", NULL, &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] LockServiceDatabase SUCCESS: held until a line or the end of "
                       "standard input\n");
        fflush(stdout);
        int c;
        while ((c = getchar()) != EOF && c != '\n')
                ;
        r = scctl_call(ctx, "unlock_service_database", NULL, &after);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(after);
        else
                printf("[SC] UnlockServiceDatabase SUCCESS\n");
        return 0;
}

static int run_querylock(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = no_operands(ctx, argc, argv);
        if (r == 0)
                r = scctl_call(ctx, "query_lock_status", NULL, &result);
        if (r != 0 || ctx->json) {
                if (r == 0)
                        output_json(result);
                return r;
        }
        printf("[SC] QueryServiceLockStatus - Success\n");
        printf("        IsLocked      : %s\n",
               json_is_true(json_object_get(result, "locked")) ? "TRUE" : "FALSE");
        printf("        LockOwner     : %s\n",
               json_string_value(json_object_get(result, "owner")) ?: "");
        printf("        LockDuration  : %lld (seconds since acquired)\n",
               (long long)json_integer_value(json_object_get(result, "duration_s")));
        return 0;
}

const struct scctl_verb verb_lock = {
        .name = "lock",
        .synopsis = "",
        .summary = "Lock the service database until standard input gives a line or ends "
                   "(LockServiceDatabase)",
        .help = "As on Windows since Vista, the lock changes nothing else: services still\n"
                "start.  Needs the right lock on the SCM.\n",
        .run = run_lock,
};

const struct scctl_verb verb_querylock = {
        .name = "querylock",
        .synopsis = "",
        .summary = "Show whether the service database is locked, and by whom "
                   "(QueryServiceLockStatus)",
        .help = "Needs the right query-lock-status on the SCM.\n",
        .run = run_querylock,
};
