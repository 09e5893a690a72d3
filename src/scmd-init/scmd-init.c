/* SPDX-License-Identifier: MIT */
/*
 * scmd-init: a minimal PID 1 for a container whose services scm runs.
 *
 * As PID 1 of a container scmd would take the container with it when it
 * crashes.  scmd-init is PID 1 instead, and does only what PID 1 must and
 * what scmd cannot do for itself: it reaps every process that ends (the
 * services' orphans, and a service whose scmd has crashed: its parent is
 * PID 1 then), and runs scmd again when scmd ends without being asked to,
 * so that the next scmd takes the running services back (scmd's adoption,
 * docs/architecture.md "Surviving a crash of scmd").  SIGTERM, SIGINT and
 * SIGPWR go to scmd, whose shutdown sequence stops the services; when
 * scmd then exits, scmd-init exits with its status and the container ends.
 *
 *   scmd-init [SCMD [ARGS...]]      default: scmd --system --foreground
 *
 * A scmd that keeps failing at once is run again at most once a second.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;
static volatile pid_t scmd_pid;

static void on_stop(int sig) {
        stop_requested = 1;
        if (scmd_pid > 0)
                kill(scmd_pid, sig == SIGPWR ? SIGTERM : sig);
}

static pid_t run_scmd(char **argv) {
        pid_t pid = fork();
        if (pid == 0) {
                sigset_t none;
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                execvp(argv[0], argv);
                fprintf(stderr, "scmd-init: cannot run %s: %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        if (pid < 0)
                fprintf(stderr, "scmd-init: cannot fork: %s\n", strerror(errno));
        return pid;
}

static void describe(pid_t pid, int status) {
        if (WIFEXITED(status))
                fprintf(stderr, "scmd-init: scmd (pid %d) exited with status %d\n", (int)pid,
                        WEXITSTATUS(status));
        else
                fprintf(stderr, "scmd-init: scmd (pid %d) was killed by signal %d\n", (int)pid,
                        WTERMSIG(status));
}

int main(int argc, char **argv) {
        static char *default_argv[] = {"scmd", "--system", "--foreground", NULL};
        char **scmd_argv = argc > 1 ? argv + 1 : default_argv;
        struct sigaction sa = {.sa_handler = on_stop};
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGPWR, &sa, NULL);
        signal(SIGHUP, SIG_IGN);
        if (getpid() != 1)
                fprintf(stderr, "scmd-init: not PID 1 (pid %d): orphans go to the real PID 1\n",
                        (int)getpid());

        time_t last_start = 0;
        scmd_pid = run_scmd(scmd_argv);
        last_start = time(NULL);
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, 0);
                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == ECHILD && stop_requested)
                                return 0;
                        sleep(1); /* no child: scmd could not be forked */
                } else if (pid != scmd_pid) {
                        continue; /* an orphan, reaped */
                } else {
                        describe(pid, status);
                        scmd_pid = 0;
                        if (stop_requested)
                                return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
                }
                if (scmd_pid <= 0 && !stop_requested) {
                        if (time(NULL) - last_start < 1)
                                sleep(1);
                        fprintf(stderr, "scmd-init: running scmd again; it takes the services "
                                        "back\n");
                        scmd_pid = run_scmd(scmd_argv);
                        last_start = time(NULL);
                }
        }
}
