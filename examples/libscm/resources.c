/* SPDX-License-Identifier: MIT */
/*
 * resources: <scm/resources.h>.  Caps NAME at 64 MiB of memory and 32
 * tasks, and prints the limits scmd holds back.
 *   cc resources.c $(pkg-config --cflags --libs scm) -o resources
 *   ./resources SOCKET NAME
 */
#include <inttypes.h>
#include <stdio.h>

#include <scm/resources.h>

int main(int argc, char **argv) {
        struct scm_client *c;
        struct scm_resource_limits limits = SCM_RESOURCE_LIMITS_INIT, now;
        if (argc != 3)
                return 2;
        limits.memory_max = 64 << 20;
        limits.tasks_max = 32;
        int r = scm_connect(argv[1], -1, &c);
        if (r >= 0)
                r = scm_set_resource_limits(c, argv[2], &limits);
        if (r >= 0)
                r = scm_query_resources(c, argv[2], &now, NULL);
        if (r < 0) {
                int e = scm_error_win32(r);
                fprintf(stderr, "resources: %s %s\n", e ? scm_error_name(e) : "error",
                        e ? scm_client_error_message(c) : "");
                return 1;
        }
        printf("memory_max %" PRId64 "\ntasks_max %" PRId64 "\n", now.memory_max, now.tasks_max);
        scm_disconnect(c);
        return 0;
}
