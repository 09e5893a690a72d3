/* SPDX-License-Identifier: MIT */
/*
 * bench-scm-restarter: "restart after a crash" for scm before scm has
 * failure actions.  This is a client, not the SCM: it polls
 * scm_query_status() in a tight loop (no sleep: the fastest a client can
 * notice) and calls scm_start_service() as soon as the service is
 * STOPPED.  bench/run.sh labels the row it measures as such.
 *
 * >>> When the failure-actions issue lands ("restart with delay 0"),
 * >>> bench/run.sh configures that action instead and stops running this
 * >>> program: see SCM_RESTART_BY in bench/run.sh.
 *
 *   bench-scm-restarter SOCKET NAME
 *
 * Runs until SIGTERM; prints how many starts it made.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <scm/client.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) {
        (void)sig;
        stop = 1;
}

int main(int argc, char **argv) {
        if (argc != 3) {
                fprintf(stderr, "usage: bench-scm-restarter SOCKET NAME\n");
                return 2;
        }
        struct sigaction sa = {.sa_handler = on_term};
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        struct scm_client *c;
        int r = scm_connect(argv[1], 30000, &c);
        if (r < 0) {
                fprintf(stderr, "bench-scm-restarter: cannot connect to %s: %s\n", argv[1],
                        strerror(-r));
                return 1;
        }
        unsigned long starts = 0;
        while (!stop) {
                struct scm_status st;
                r = scm_query_status(c, argv[2], &st);
                if (r < 0) {
                        if (stop)
                                break;
                        fprintf(stderr, "bench-scm-restarter: query: %d %s\n", r,
                                scm_client_error_message(c));
                        return 1;
                }
                if (st.state != SCM_STATE_STOPPED)
                        continue;
                r = scm_start_service(c, argv[2], NULL, NULL);
                if (r < 0 && r != SCM_ERR(SCM_ERROR_SERVICE_ALREADY_RUNNING)) {
                        fprintf(stderr, "bench-scm-restarter: start: %s\n",
                                scm_client_error_message(c));
                        return 1;
                }
                starts++;
        }
        printf("%lu\n", starts);
        scm_disconnect(c);
        return 0;
}
