/* SPDX-License-Identifier: MIT */
/*
 * sockets: a service's listening sockets for socket activation (the
 * methods set_sockets and query_sockets).
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "scctl.h"

enum {
        OPT_LISTEN = 256,
        OPT_CLEAR,
};

static const struct option sockets_options[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"clear", no_argument, NULL, OPT_CLEAR},
        {},
};

static void print_sockets(const json_t *result) {
        json_t *list = json_object_get(result, "sockets"), *e;
        size_t i;
        printf("SERVICE_NAME: %s\n", json_string_value(json_object_get(result, "name")));
        if (json_array_size(list) == 0)
                printf("        (no sockets)\n");
        json_array_foreach(list, i, e) {
                const char *error = json_string_value(json_object_get(e, "error"));
                printf("        %-40s %s%s\n", json_string_value(json_object_get(e, "socket")),
                       error ? "NOT LISTENING: " : "LISTENING", error ? error : "");
        }
        json_t *cap = json_object_get(result, "accept_connections");
        if (!json_is_integer(cap))
                return;
        list = json_object_get(result, "instances");
        printf("        scmd accepts each connection: %zu of %lld instances at most run\n",
               json_array_size(list), (long long)json_integer_value(cap));
        json_array_foreach(list, i, e)
                printf("        instance pid %lld  for %s\n",
                       (long long)json_integer_value(json_object_get(e, "pid")),
                       json_string_value(json_object_get(e, "peer")));
}

static int run_sockets(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *list = json_array();
        bool set = false;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                set = true;
                if (opt == OPT_LISTEN) {
                        json_t *s = json_string(optarg);
                        if (!s)
                                return scctl_usage_error(ctx, "--listen is not valid UTF-8");
                        json_array_append_new(list, s);
                }
        }
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        _cleanup_json_ json_t *result = NULL;
        r = set ? scctl_call(ctx, "set_sockets",
                             json_pack("{s:s, s:O}", "name", ctx->name, "sockets", list), &result)
                : scctl_call(ctx, "query_sockets", json_pack("{s:s}", "name", ctx->name), &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                print_sockets(result);
        return 0;
}

const struct scctl_verb verb_sockets = {
        .name = "sockets",
        .synopsis = "NAME [--listen SOCKET]... [--clear]",
        .summary = "Show or set a service's listening sockets (socket activation)",
        .help = "Without options: the service's sockets and whether each listens.\n"
                "  --listen SOCKET  (repeatable) the sockets, replacing those it had:\n"
                "                   tcp:HOST:PORT, udp:HOST:PORT, unix:PATH, unix-dgram:PATH;\n"
                "                   HOST an IPv4 address, [IPv6] or *; then options name=NAME\n"
                "                   (its LISTEN_FDNAMES entry), backlog=N, and for a path\n"
                "                   mode=0660 and owner=USER[:GROUP]\n"
                "  --clear          no sockets\n"
                "scmd binds them at once and at each start, and holds them: the first\n"
                "connection or datagram while the service is stopped starts it, and the\n"
                "service gets them from descriptor 3 on with LISTEN_FDS, LISTEN_PID and\n"
                "LISTEN_FDNAMES, as sd_listen_fds() expects (a native service from 4 on,\n"
                "with SCM_LISTEN_FDS...).  With scctl config NAME --accept N, scmd accepts\n"
                "each connection itself and starts an instance of the service for it, the\n"
                "connection as its descriptor 3 (LISTEN_FDNAMES=connection), at most N at once;\n"
                "the instances are listed here.\n",
        .options = sockets_options,
        .run = run_sockets,
};
