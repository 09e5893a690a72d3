/* SPDX-License-Identifier: MIT */
/*
 * tasks: <scm/tasks.h>.  Creates a task NAME that runs COMMAND every day at
 * 03:00 in a network namespace of its own (a service's restrict_network,
 * through a struct scm_change), reads that back, runs it now, lists the
 * tasks and deletes it again.
 *   cc tasks.c $(pkg-config --cflags --libs scm) -o tasks
 *   ./tasks SOCKET NAME COMMAND
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <scm/tasks.h>

int main(int argc, char **argv) {
        struct scm_client *c;
        struct scm_task_settings s = SCM_TASK_SETTINGS_INIT;
        const char *triggers[] = {"daily 03:00", NULL};
        char **names = NULL;
        int started = 0;
        bool restricted = false;
        struct scm_object *task = NULL;
        struct scm_change *more = scm_change_new();
        if (argc != 4 || !more || scm_change_set_bool(more, "restrict_network", true) < 0)
                return 2;
        s.command_line = argv[3];
        s.triggers = triggers;
        int r = scm_connect(argv[1], -1, &c);
        if (r >= 0)
                r = scm_task_create_with(c, argv[2], &s, more, NULL);
        scm_change_free(more);
        if (r >= 0)
                r = scm_task_query(c, argv[2], &task);
        if (r >= 0)
                r = scm_object_bool(task, "restrict_network", &restricted);
        scm_object_free(task);
        if (r >= 0)
                r = scm_task_run(c, argv[2], &started);
        if (r >= 0)
                r = scm_task_list(c, &names);
        if (r < 0) {
                fprintf(stderr, "tasks: %s: %s\n", scm_error_name(scm_error_win32(r)),
                        scm_error_win32(r) ? scm_client_error_message(c) : "");
                return 1;
        }
        printf("restrict_network %d\n", restricted);
        printf("started %d\n", started);
        for (size_t i = 0; names[i]; i++) {
                printf("task %s\n", names[i]);
                free(names[i]);
        }
        free(names);
        scm_task_end(c, argv[2]);
        r = scm_task_delete(c, argv[2]);
        scm_disconnect(c);
        return r < 0;
}
