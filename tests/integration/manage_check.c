/* SPDX-License-Identifier: MIT */
/*
 * manage_check: each typed call of <scm/manage.h> and scm_enumerate() as a
 * command, printing what the call returned one fact a line, so that
 * test_manage_api.sh can hold it against what scctl and the service
 * itself show.  Every failure prints the Win32 name (or errno) and exits 1.
 *
 *   manage_check SOCKET enumerate [all|active|inactive] [GROUP]
 *   manage_check SOCKET dependents NAME
 *   manage_check SOCKET config NAME FIELD...     FIELD=JSON text of each
 *   manage_check SOCKET fields NAME              every field name
 *   manage_check SOCKET strings NAME FIELD       one line per string
 *   manage_check SOCKET change NAME FIELD JSON   (JSON null: set_null)
 *   manage_check SOCKET security NAME FIELD
 *   manage_check SOCKET failure NAME RESET|infinite|keep COMMAND [TYPE:DELAY...]
 *   manage_check SOCKET qfailure NAME            failure count, waiting action
 *   manage_check SOCKET group-order [GROUP...]   sets when given, then prints
 *   manage_check SOCKET rights add|remove|query ACCOUNT [PRIVILEGE...]
 *   manage_check SOCKET log NAME LINES           then follows once from there
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scm/client.h>
#include <scm/manage.h>

static struct scm_client *client;

static int fail(const char *what, int r) {
        int e = scm_error_win32(r);
        if (e)
                fprintf(stderr, "%s: %s: %s\n", what, scm_error_name(e),
                        scm_client_error_message(client));
        else
                fprintf(stderr, "%s: %s\n", what, strerror(-r));
        return 1;
}

static int print_entries(int r, struct scm_service_entry *v, size_t n) {
        if (r < 0)
                return fail("enumerate", r);
        for (size_t i = 0; i < n; i++)
                printf("%s %s %s\n", v[i].name, scm_state_name(v[i].status.state),
                       v[i].start_type == SCM_START_INVALID ? "-"
                                                            : scm_start_type_name(v[i].start_type));
        scm_service_entries_free(v, n);
        return 0;
}

static int cmd_enumerate(int argc, char **argv) {
        struct scm_enum_filter f = {0};
        struct scm_service_entry *v = NULL;
        size_t n = 0;
        if (argc > 0)
                f.state = strcmp(argv[0], "active") == 0     ? SCM_ENUM_ACTIVE
                          : strcmp(argv[0], "inactive") == 0 ? SCM_ENUM_INACTIVE
                                                             : SCM_ENUM_ALL;
        f.group = argc > 1 ? argv[1] : NULL;
        int r = scm_enumerate(client, &f, &v, &n);
        return print_entries(r, v, n);
}

static int cmd_dependents(int argc, char **argv) {
        struct scm_service_entry *v = NULL;
        size_t n = 0;
        if (argc < 1)
                return 2;
        int r = scm_enumerate_dependents(client, argv[0], SCM_ENUM_ALL, &v, &n);
        return print_entries(r, v, n);
}

static int cmd_object(int argc, char **argv, bool security) {
        struct scm_object *o;
        if (argc < 1)
                return 2;
        int r = security ? scm_query_security(client, argv[0], &o)
                         : scm_query_config(client, argv[0], &o);
        if (r < 0)
                return fail("query", r);
        for (int i = 1; i < argc; i++) {
                char *text = scm_object_text(o, argv[i]);
                printf("%s=%s\n", argv[i], text ? text : "(absent)");
                free(text);
        }
        scm_object_free(o);
        return 0;
}

static int cmd_fields(int argc, char **argv) {
        struct scm_object *o;
        if (argc < 1)
                return 2;
        int r = scm_query_config(client, argv[0], &o);
        if (r < 0)
                return fail("query_config", r);
        for (size_t i = 0; scm_object_field(o, i); i++)
                puts(scm_object_field(o, i));
        scm_object_free(o);
        return 0;
}

static int cmd_strings(int argc, char **argv) {
        struct scm_object *o;
        const char **v;
        if (argc < 2)
                return 2;
        int r = scm_query_config(client, argv[0], &o);
        if (r >= 0)
                r = scm_object_strings(o, argv[1], &v);
        if (r < 0)
                return fail("strings", r);
        for (size_t i = 0; v[i]; i++)
                puts(v[i]);
        free(v);
        scm_object_free(o);
        return 0;
}

static int cmd_change(int argc, char **argv) {
        struct scm_change *ch = scm_change_new();
        struct scm_object *after;
        if (argc < 3 || !ch)
                return 2;
        int r = strcmp(argv[2], "null") == 0 ? scm_change_set_null(ch, argv[1])
                                             : scm_change_set_text(ch, argv[1], argv[2]);
        if (r >= 0)
                r = scm_change_config(client, argv[0], ch, &after);
        scm_change_free(ch);
        if (r < 0)
                return fail("change_config", r);
        char *text = scm_object_text(after, argv[1]);
        printf("%s=%s\n", argv[1], text ? text : "(absent)");
        free(text);
        scm_object_free(after);
        return 0;
}

static int cmd_failure(int argc, char **argv) {
        struct scm_failure_actions_change ch = SCM_FAILURE_ACTIONS_CHANGE_INIT;
        struct scm_failure_action actions[16];
        struct scm_failure_actions fa;
        if (argc < 3 || argc - 3 > 16)
                return 2;
        ch.reset_period = strcmp(argv[1], "infinite") == 0 ? SCM_RESET_INFINITE
                          : strcmp(argv[1], "keep") == 0   ? SCM_KEEP
                                                           : strtoll(argv[1], NULL, 10);
        ch.command = argv[2];
        ch.set_actions = argc > 3;
        for (int i = 3; i < argc; i++) {
                char *colon = strchr(argv[i], ':');
                if (!colon)
                        return 2;
                *colon = '\0';
                actions[i - 3].type = scm_action_type_from_name(argv[i]);
                actions[i - 3].delay_ms = (uint32_t)strtoul(colon + 1, NULL, 10);
        }
        ch.actions = actions;
        ch.n_actions = (size_t)(argc - 3);
        int r = scm_change_failure_actions(client, argv[0], &ch, NULL);
        if (r >= 0)
                r = scm_query_failure_actions(client, argv[0], &fa);
        if (r < 0)
                return fail("failure actions", r);
        printf("reset_period %" PRId64 "\ncommand %s\n", fa.reset_period, fa.command);
        for (size_t i = 0; i < fa.n_actions; i++)
                printf("action %s %" PRIu32 "\n", scm_action_type_name(fa.actions[i].type),
                       fa.actions[i].delay_ms);
        scm_failure_actions_clear(&fa);
        return 0;
}

/* The failure actions as they are now: the count and the waiting action. */
static int cmd_qfailure(int argc, char **argv) {
        struct scm_failure_actions fa;
        if (argc < 1)
                return 2;
        int r = scm_query_failure_actions(client, argv[0], &fa);
        if (r < 0)
                return fail("query_failure_actions", r);
        printf("failure_count %" PRIu32 "\n", fa.failure_count);
        if (fa.pending)
                printf("pending %s failure %" PRIu32 " in_ms>0 %d\n",
                       scm_action_type_name(fa.pending_action.type), fa.pending_failure,
                       fa.pending_in_ms > 0);
        else
                puts("pending none");
        scm_failure_actions_clear(&fa);
        return 0;
}

static int print_strings(const char *what, int r, char **v) {
        if (r < 0)
                return fail(what, r);
        for (size_t i = 0; v[i]; i++)
                puts(v[i]);
        scm_strings_free(v);
        return 0;
}

static int cmd_group_order(int argc, char **argv) {
        char **v = NULL;
        if (argc > 0) {
                int r = scm_set_group_order(client, (const char *const *)argv);
                if (r < 0)
                        return fail("set_group_order", r);
        }
        int r = scm_query_group_order(client, &v);
        return print_strings("query_group_order", r, v);
}

static int cmd_rights(int argc, char **argv) {
        char **v = NULL;
        bool all = false;
        int r;
        if (argc < 2)
                return 2;
        const char *const *privs = (const char *const *)argv + 2;
        if (strcmp(argv[0], "add") == 0)
                r = scm_add_account_rights(client, argv[1], privs, &v);
        else if (strcmp(argv[0], "remove") == 0)
                r = scm_remove_account_rights(client, argv[1], privs, &v);
        else
                r = scm_query_account_rights(client, argv[1], &v, &all);
        if (r >= 0 && all)
                puts("(all)");
        return print_strings("account rights", r, v);
}

static int cmd_log(int argc, char **argv) {
        struct scm_log_chunk a, b;
        if (argc < 2)
                return 2;
        int r = scm_read_log_tail(client, argv[0], (unsigned)atoi(argv[1]), &a);
        if (r < 0)
                return fail("read_log", r);
        r = scm_read_log_from(client, argv[0], a.file_id, a.offset, &b);
        if (r < 0)
                return fail("read_log from", r);
        printf("%s--- then %zu bytes from %" PRIu64 "\n", a.data, b.size, a.offset);
        scm_log_chunk_clear(&a);
        scm_log_chunk_clear(&b);
        return 0;
}

int main(int argc, char **argv) {
        if (argc < 3)
                return 2;
        int r = scm_connect(argv[1], -1, &client);
        if (r < 0)
                return fail("connect", r);
        const char *cmd = argv[2];
        argc -= 3;
        argv += 3;
        if (strcmp(cmd, "enumerate") == 0)
                r = cmd_enumerate(argc, argv);
        else if (strcmp(cmd, "dependents") == 0)
                r = cmd_dependents(argc, argv);
        else if (strcmp(cmd, "config") == 0 || strcmp(cmd, "security") == 0)
                r = cmd_object(argc, argv, strcmp(cmd, "security") == 0);
        else if (strcmp(cmd, "fields") == 0)
                r = cmd_fields(argc, argv);
        else if (strcmp(cmd, "strings") == 0)
                r = cmd_strings(argc, argv);
        else if (strcmp(cmd, "change") == 0)
                r = cmd_change(argc, argv);
        else if (strcmp(cmd, "failure") == 0)
                r = cmd_failure(argc, argv);
        else if (strcmp(cmd, "qfailure") == 0)
                r = cmd_qfailure(argc, argv);
        else if (strcmp(cmd, "group-order") == 0)
                r = cmd_group_order(argc, argv);
        else if (strcmp(cmd, "rights") == 0)
                r = cmd_rights(argc, argv);
        else if (strcmp(cmd, "log") == 0)
                r = cmd_log(argc, argv);
        else
                r = 2;
        scm_disconnect(client);
        return r;
}
