/* SPDX-License-Identifier: MIT */
/*
 * scctl message: an administrator speaks for a service, as the service
 * itself does through scm_service_message() (MessageBox with
 * MB_SERVICE_NOTIFICATION): to the watchers of messages and, with
 * --users, to every logged-in user's terminal.
 */
#include <getopt.h>
#include <stdio.h>

#include "cleanup.h"
#include "scctl.h"

enum { OPT_USERS = 0x100 };

static const struct option message_options[] = {
        {"users", no_argument, NULL, OPT_USERS},
        {},
};

static int run_message(struct scctl *ctx, int argc, char **argv) {
        bool users = false;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == OPT_USERS)
                        users = true;
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 2)
                return scctl_usage_error(ctx, "expects a service NAME and the TEXT");
        ctx->name = argv[optind];
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, "service_message",
                           json_pack("{s:s, s:s, s:b}", "name", argv[optind], "text",
                                     argv[optind + 1], "users", users),
                           &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] message SUCCESS\n");
        return 0;
}

const struct scctl_verb verb_message = {
        .name = "message",
        .synopsis = "NAME TEXT [--users]",
        .summary = "Send a message for the interactive user on a service's behalf",
        .help = "For administrators.  The message (1,024 bytes at most) goes to scmd's\n"
                "log and to whoever watches messages (scctl watch), as the service's own\n"
                "scm_service_message() does.\n"
                "  --users  also write it to the terminal of every logged-in user who\n"
                "           allows messages (mesg y), as wall(1) does, and as a desktop\n"
                "           notification to those whose session bus runs\n",
        .options = message_options,
        .run = run_message,
};
