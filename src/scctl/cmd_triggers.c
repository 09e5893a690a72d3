/* SPDX-License-Identifier: MIT */
/*
 * triggers, triggerinfo (qtriggerinfo) and trigger: a service's triggers
 * (set_triggers, query_triggers) and firing a custom event (fire_trigger).
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "scctl.h"

enum {
        OPT_START_ON = 256,
        OPT_STOP_ON,
        OPT_CLEAR,
};

static const struct option triggers_options[] = {
        {"start-on", required_argument, NULL, OPT_START_ON},
        {"stop-on", required_argument, NULL, OPT_STOP_ON},
        {"clear", no_argument, NULL, OPT_CLEAR},
        {},
};

/* As sc.exe qtriggerinfo: one block per trigger, its action and event. */
static void print_triggers(const json_t *result) {
        json_t *list = json_object_get(result, "triggers"), *e;
        size_t i;
        printf("[SC] QueryServiceConfig2 SUCCESS\n\n");
        printf("SERVICE_NAME: %s\n\n", json_string_value(json_object_get(result, "name")));
        if (json_array_size(list) == 0)
                printf("        (no triggers)\n");
        json_array_foreach(list, i, e) {
                const char *text = json_string_value(json_object_get(e, "trigger"));
                const char *error = json_string_value(json_object_get(e, "error"));
                const char *space = text ? strchr(text, ' ') : NULL;
                if (!space)
                        continue;
                printf("        %s SERVICE\n", strncmp(text, "stop", 4) == 0 ? "STOP" : "START");
                printf("          %-40s%s%s\n", space + 1, error ? " NOT WATCHED: " : "",
                       error ? error : "");
        }
}

static int run_triggers(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *list = json_array();
        bool set = false;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                set = true;
                if (opt == OPT_START_ON || opt == OPT_STOP_ON) {
                        _cleanup_free_ char *text = NULL;
                        if (asprintf(&text, "%s %s", opt == OPT_START_ON ? "start" : "stop",
                                     optarg) < 0)
                                return scctl_usage_error(ctx, "out of memory");
                        json_t *s = json_string(text);
                        if (!s)
                                return scctl_usage_error(ctx, "an event is not valid UTF-8");
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
        r = set ? scctl_call(ctx, "set_triggers",
                             json_pack("{s:s, s:O}", "name", ctx->name, "triggers", list), &result)
                : scctl_call(ctx, "query_triggers", json_pack("{s:s}", "name", ctx->name), &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                print_triggers(result);
        return 0;
}

#define EVENTS_HELP                                                                                \
        "EVENT: path:/PATH (the file appears or is written), address:first,\n"                     \
        "address:last (the first IP address of global or site scope arrives, the\n"                \
        "last goes), device:SUBSYSTEM[:DEVTYPE[:NAME]] (a device arrives; NAME a\n"                \
        "pattern), device-removal:..., mount:/PATH, unmount:/PATH, custom:EVENT\n"                 \
        "(scctl trigger fire EVENT).  Sockets (scctl sockets) show as\n"                           \
        "network-endpoint triggers.\n"

const struct scctl_verb verb_triggers = {
        .name = "triggers",
        .synopsis = "NAME [--start-on EVENT]... [--stop-on EVENT]... [--clear]",
        .summary = "Show or set the events that start or stop a service",
        .help = "Without options: the service's triggers (as triggerinfo).\n"
                "  --start-on EVENT  (repeatable) start it when EVENT happens; a running\n"
                "                    service that accepts TRIGGEREVENT is sent it\n"
                "  --stop-on EVENT   (repeatable) stop it when EVENT happens\n"
                "  --clear           no triggers\n"
                "The options replace every trigger it had.\n" EVENTS_HELP,
        .options = triggers_options,
        .run = run_triggers,
};

static const struct option no_options[] = {{}};

static int run_triggerinfo(struct scctl *ctx, int argc, char **argv) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                ;
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        return run_triggers(ctx, argc, argv);
}

const struct scctl_verb verb_triggerinfo = {
        .name = "triggerinfo",
        .synopsis = "NAME",
        .summary = "Show a service's triggers, as sc.exe qtriggerinfo",
        .help = EVENTS_HELP,
        .options = no_options,
        .run = run_triggerinfo,
};

const struct scctl_verb verb_qtriggerinfo = {
        .name = "qtriggerinfo",
        .synopsis = "NAME",
        .summary = "The same as triggerinfo (sc.exe's name)",
        .help = EVENTS_HELP,
        .options = no_options,
        .run = run_triggerinfo,
};

static int run_trigger(struct scctl *ctx, int argc, char **argv) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                ;
        if (opt < 0)
                return ctx->exit_status;
        int n = argc - optind;
        if (n < 2 || n > 3 || strcmp(argv[optind], "fire") != 0)
                return scctl_usage_error(ctx, "expects: fire EVENT [DATA]");
        json_t *params = json_pack("{s:s}", "event", argv[optind + 1]);
        if (n == 3)
                json_object_set_new(params, "data", json_string(argv[optind + 2]));
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, "fire_trigger", params, &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        json_t *list = json_object_get(result, "services"), *e;
        size_t i;
        if (json_array_size(list) == 0)
                printf("no service has a trigger on custom:%s\n", argv[optind + 1]);
        json_array_foreach(list, i, e)
                printf("%-30s %-5s %s\n", json_string_value(json_object_get(e, "name")),
                       json_string_value(json_object_get(e, "action")),
                       json_string_value(json_object_get(e, "outcome")));
        return 0;
}

const struct scctl_verb verb_trigger = {
        .name = "trigger",
        .synopsis = "fire EVENT [DATA]",
        .summary = "Fire a custom event: start or stop the services triggered by it",
        .help = "Acts on each service with a trigger on custom:EVENT that you may start\n"
                "(a start trigger) or stop (a stop trigger); prints what it did to each:\n"
                "started, stopped, notified (it runs and was sent TRIGGEREVENT), nothing,\n"
                "failed, denied.\n",
        .options = no_options,
        .run = run_trigger,
};
