/* SPDX-License-Identifier: MIT */
/*
 * The messenger: a short-lived child of scmd that delivers one service's
 * message to people.  Reading utmp, asking NSS who a user is, opening
 * terminals and speaking to session buses can each block, and none of
 * them belongs in scmd's loop, so scmd forks once per message and goes
 * on; ps shows the child as scm-messenger.  The child first sheds what it
 * got of scmd: every descriptor but the standard three (scmd's log is
 * moved onto standard error), scmd's blocked signals and its handlers; so
 * a daemon-reexec, which needs scmd's lock and sockets back, never finds
 * one held by a messenger.  An alarm ends it after MESSENGER_SECONDS
 * whatever it waits on.  scmd's reaper takes it as any stray child.  scmd
 * keeps a pidfd of each one at work, so a flood of messages cannot fill
 * the process table: at most MESSENGERS_MAX run at once.
 */
#include "messenger.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/close_range.h>

#include "desktop.h"
#include "log.h"
#include "utmp.h"
#include "wall.h"

#define MESSENGER_SECONDS 10

static int at_work[MESSENGERS_MAX] = {-1, -1, -1, -1}; /* pidfds; -1 free */

/* A slot whose messenger has ended (its pidfd is readable), or -1. */
static int free_slot(void) {
        for (int i = 0; i < MESSENGERS_MAX; i++) {
                struct pollfd p = {at_work[i], POLLIN, 0};
                if (at_work[i] >= 0 && poll(&p, 1, 0) == 0)
                        continue;
                if (at_work[i] >= 0)
                        close(at_work[i]);
                at_work[i] = -1;
                return i;
        }
        return -1;
}

static void shed_scmd(void) {
        sigset_t none;
        sigemptyset(&none);
        for (int sig = 1; sig < _NSIG; sig++)
                signal(sig, SIG_DFL);
        signal(SIGPIPE, SIG_IGN);
        sigprocmask(SIG_SETMASK, &none, NULL);
        log_to_stderr();
        syscall(SYS_close_range, 3, ~0U, 0);
        alarm(MESSENGER_SECONDS);
        prctl(PR_SET_NAME, "scm-messenger");
}

static void deliver(const char *service, const char *text) {
        struct utmp_session *v;
        ssize_t n = utmp_sessions(&v);
        for (int i = 0; n == -EAGAIN && i < 50; i++) { /* a writer's lock: it is brief */
                usleep(20 * 1000);
                n = utmp_sessions(&v);
        }
        if (n < 0) {
                log_warning("service %s: cannot read the login sessions in %s for its message: %s",
                            service, utmp_path(), strerror((int)-n));
                return;
        }
        int t = wall_write(service, text, v, (size_t)n);
        int d = t < 0 ? 0 : desktop_notify(service, text, v, (size_t)n);
        free(v);
        if (t < 0 || d < 0)
                log_warning("service %s: its message was not sent: %s", service,
                            strerror(t < 0 ? -t : -d));
        else
                log_info("service %s: its message went to %d terminal%s and %d desktop%s", service,
                         t, t == 1 ? "" : "s", d, d == 1 ? "" : "s");
}

int messenger_send(const char *service, const char *text) {
        int slot = free_slot();
        if (slot < 0)
                return -EBUSY;
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                shed_scmd();
                deliver(service, text);
                _exit(0);
        }
        at_work[slot] = (int)syscall(SYS_pidfd_open, pid, 0); /* close-on-exec */
        return 0;
}
