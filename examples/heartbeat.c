/* SPDX-License-Identifier: MIT */
/*
 * heartbeat: the smallest useful service.  Every second it prints one line
 * with a counter and the wall-clock time to stdout, which scmd keeps in the
 * service's log (scctl logs NAME).  SIGTERM (scctl stop NAME) ends it with a
 * goodbye line and exit status 0.
 *
 *   scctl create heartbeat --exec "/path/to/heartbeat [INTERVAL_MS]"
 *
 * Signals are taken synchronously with sigtimedwait(), so there is no
 * handler and no race between "check the flag" and "go to sleep".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
        long interval_ms = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
        struct timespec interval;
        sigset_t stop_signals;
        unsigned long beats = 0;

        if (interval_ms <= 0)
                interval_ms = 1000;
        interval = (struct timespec){.tv_sec = interval_ms / 1000,
                                     .tv_nsec = (interval_ms % 1000) * 1000000L};

        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGINT);
        sigprocmask(SIG_BLOCK, &stop_signals, NULL);

        /* stdout is a pipe to the log: line-buffer it so each beat shows at once. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        printf("heartbeat: started, one beat every %ld ms\n", interval_ms);

        for (;;) {
                char stamp[32];
                time_t now = time(NULL);
                strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
                printf("heartbeat %lu at %s\n", ++beats, stamp);

                int sig = sigtimedwait(&stop_signals, NULL, &interval);
                if (sig > 0) {
                        printf("heartbeat: got signal %d after %lu beats, goodbye\n", sig, beats);
                        return 0;
                }
                if (errno != EAGAIN && errno != EINTR) {
                        perror("heartbeat: sigtimedwait");
                        return 1;
                }
        }
}
