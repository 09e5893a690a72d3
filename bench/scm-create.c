/* SPDX-License-Identifier: MIT */
/*
 * bench-scm-create: creates N services through libscm (scm_create_service,
 * one connection, one request at a time, as an installer would) and
 * prints how many it created per second.  scctl would pay a process and a
 * connection per service; this is the API's own rate.
 *
 *   bench-scm-create SOCKET N auto|demand COMMAND_LINE
 *
 * The services are named svc00000, svc00001, ...  Prints "<per second>
 * <seconds>" on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scm/client.h>

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
        if (argc != 5) {
                fprintf(stderr, "usage: bench-scm-create SOCKET N auto|demand COMMAND_LINE\n");
                return 2;
        }
        long n = atol(argv[2]);
        struct scm_client *c;
        int r = scm_connect(argv[1], 30000, &c);
        if (r < 0) {
                fprintf(stderr, "bench-scm-create: cannot connect to %s: %s\n", argv[1],
                        strerror(-r));
                return 1;
        }
        struct scm_service_config config = SCM_SERVICE_CONFIG_INIT;
        config.start_type = strcmp(argv[3], "auto") == 0 ? SCM_START_AUTO : SCM_START_DEMAND;
        config.command_line = argv[4];

        double t0 = now_s();
        for (long i = 0; i < n; i++) {
                char name[32];
                snprintf(name, sizeof(name), "svc%05ld", i);
                config.name = name;
                r = scm_create_service(c, &config);
                if (r < 0) {
                        fprintf(stderr, "bench-scm-create: create %s: %s (%d)\n", name,
                                scm_client_error_message(c), r);
                        scm_disconnect(c);
                        return 1;
                }
        }
        double dt = now_s() - t0;
        printf("%.1f %.3f\n", (double)n / dt, dt);
        scm_disconnect(c);
        return 0;
}
