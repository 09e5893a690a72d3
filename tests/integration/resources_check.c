/* SPDX-License-Identifier: MIT */
/*
 * resources_check: libscm's resource-limit calls (<scm/resources.h>,
 * scm_set_resource_limits, scm_query_resources) against a real scmd.  Run
 * by tests/integration/test_resources.sh as
 *
 *   resources_check SOCKET SERVICE HAVE_CPU
 *
 * with SERVICE a running service with no limit set, and HAVE_CPU 1 when
 * scmd gives its services the cpu controller (then a CPU weight is set and
 * read back; else it must be refused with NOT_SUPPORTED).  TAP on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scm/resources.h>

#include "tap.h"

static void limits_are(struct scm_client *c, const char *name, int64_t cpu_weight,
                       int64_t tasks_max, const char *what) {
        struct scm_resource_limits l;
        struct scm_resource_usage u;
        int r = scm_query_resources(c, name, &l, &u);
        tap(r == 0 && l.cpu_weight == cpu_weight && l.tasks_max == tasks_max &&
                    l.memory_max == SCM_LIMIT_UNSET,
            "%s", what);
        if (r < 0)
                diag("error %d: %s", r, scm_client_error_message(c));
        else
                diag("cpu_weight %lld, tasks_max %lld, memory_max %lld", (long long)l.cpu_weight,
                     (long long)l.tasks_max, (long long)l.memory_max);
}

int main(int argc, char **argv) {
        if (argc != 4) {
                fprintf(stderr, "usage: resources_check SOCKET SERVICE HAVE_CPU\n");
                return 2;
        }
        const char *name = argv[2];
        bool have_cpu = strcmp(argv[3], "1") == 0;
        struct scm_client *c;
        int r = scm_connect(argv[1], 10000, &c);
        tap(r == 0, "connect");
        if (r < 0)
                return tap_finish();

        limits_are(c, name, SCM_LIMIT_UNSET, SCM_LIMIT_UNSET, "scm_query_resources: none set");
        struct scm_resource_usage u;
        struct scm_resource_limits l = SCM_RESOURCE_LIMITS_INIT;
        r = scm_query_resources(c, name, &l, &u);
        tap(r == 0 && u.cpu_usage_usec >= 0, "usage: the running service's CPU time (%lld us)",
            (long long)u.cpu_usage_usec);

        l.tasks_max = SCM_LIMIT_INFINITY;
        r = scm_set_resource_limits(c, name, &l);
        tap(r == 0, "scm_set_resource_limits: tasks_max infinity");
        limits_are(c, name, SCM_LIMIT_UNSET, SCM_LIMIT_INFINITY, "...read back");

        l.cpu_weight = 0;
        r = scm_set_resource_limits(c, name, &l);
        tap(r == SCM_ERR(SCM_ERROR_INVALID_PARAMETER) &&
                    strstr(scm_client_error_message(c), "cpu_weight"),
            "a CPU weight of 0: INVALID_PARAMETER naming cpu_weight");

        l.cpu_weight = 300;
        r = scm_set_resource_limits(c, name, &l);
        if (have_cpu) {
                tap(r == 0, "a CPU weight of 300 with the cpu controller");
                limits_are(c, name, 300, SCM_LIMIT_INFINITY, "...read back");
        } else {
                tap(r == SCM_ERR(SCM_ERROR_NOT_SUPPORTED) &&
                            strstr(scm_client_error_message(c), "cpu_weight"),
                    "a CPU weight without the cpu controller: NOT_SUPPORTED naming cpu_weight");
                limits_are(c, name, SCM_LIMIT_UNSET, SCM_LIMIT_INFINITY, "...nothing changed");
        }
        scm_disconnect(c);
        return tap_finish();
}
