/* SPDX-License-Identifier: MIT */
/*
 * manage: <scm/manage.h>.  Creates the service NAME running COMMAND with a
 * description and a dependency, changes its start type, reads its config
 * back field by field, sets failure actions and reads its log.
 * `scctl delete NAME` removes it again.
 *   cc manage.c $(pkg-config --cflags --libs scm) -o manage
 *   ./manage SOCKET NAME COMMAND
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <scm/manage.h>

static int fail(struct scm_client *c, const char *what, int r) {
        int e = scm_error_win32(r);
        fprintf(stderr, "manage: %s: %s %s\n", what, e ? scm_error_name(e) : "error",
                e ? scm_client_error_message(c) : "");
        return 1;
}

static int create(struct scm_client *c, const char *name, const char *command) {
        static const char *const deps[] = {"+Network", NULL};
        struct scm_change *ch = scm_change_new();
        int r = ch ? 0 : -1;
        if (r >= 0)
                r = scm_change_set_string(ch, "description", "made by examples/libscm/manage.c");
        if (r >= 0)
                r = scm_change_set_strings(ch, "dependencies", deps);
        if (r >= 0)
                r = scm_create_service_with(c, name, command, ch, NULL);
        scm_change_free(ch);
        return r;
}

static int show(struct scm_client *c, const char *name) {
        struct scm_object *cfg;
        const char **deps;
        int64_t timeout;
        int r = scm_query_config(c, name, &cfg);
        if (r < 0)
                return r;
        printf("start_type %s\n", scm_object_string(cfg, "start_type"));
        printf("description %s\n", scm_object_string(cfg, "description"));
        if (scm_object_strings(cfg, "dependencies", &deps) >= 0) {
                for (size_t i = 0; deps[i]; i++)
                        printf("dependency %s\n", deps[i]);
                free(deps);
        }
        if (scm_object_int(cfg, "control_timeout_ms", &timeout) >= 0)
                printf("control_timeout_ms %" PRId64 "\n", timeout);
        scm_object_free(cfg);
        return 0;
}

static int failure(struct scm_client *c, const char *name) {
        struct scm_failure_action actions[] = {{SCM_ACTION_RESTART, 5000}, {SCM_ACTION_NONE, 0}};
        struct scm_failure_actions_change ch = SCM_FAILURE_ACTIONS_CHANGE_INIT;
        struct scm_failure_actions fa;
        ch.reset_period = 3600;
        ch.set_actions = true;
        ch.actions = actions;
        ch.n_actions = 2;
        int r = scm_change_failure_actions(c, name, &ch, &fa);
        if (r < 0)
                return r;
        printf("reset_period %" PRId64 "\n", fa.reset_period);
        for (size_t i = 0; i < fa.n_actions; i++)
                printf("action %s %" PRIu32 "\n", scm_action_type_name(fa.actions[i].type),
                       fa.actions[i].delay_ms);
        scm_failure_actions_clear(&fa);
        return 0;
}

int main(int argc, char **argv) {
        struct scm_client *c;
        struct scm_change *ch = scm_change_new();
        struct scm_log_chunk log;
        if (argc != 4 || !ch)
                return 2;
        int r = scm_connect(argv[1], -1, &c);
        if (r < 0)
                return fail(NULL, "connect", r);
        if ((r = create(c, argv[2], argv[3])) < 0)
                return fail(c, "create", r);
        if ((r = scm_change_set_string(ch, "start_type", "disabled")) < 0 ||
            (r = scm_change_config(c, argv[2], ch, NULL)) < 0)
                return fail(c, "change_config", r);
        if ((r = show(c, argv[2])) < 0)
                return fail(c, "query_config", r);
        if ((r = failure(c, argv[2])) < 0)
                return fail(c, "failure actions", r);
        if ((r = scm_read_log_tail(c, argv[2], 10, &log)) < 0)
                return fail(c, "read_log", r);
        printf("log %zu bytes\n", log.size);
        scm_log_chunk_clear(&log);
        scm_change_free(ch);
        scm_disconnect(c);
        return 0;
}
