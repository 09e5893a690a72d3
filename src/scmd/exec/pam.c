/* SPDX-License-Identifier: MIT */
/*
 * A service's logon session (pam.h), opened as systemd's PAMName= does.
 *
 * Everything happens in the service's own process between fork and exec,
 * as root and before the account switch, so that the session modules act
 * on that process: pam_loginuid sets its login uid (audit attributes what
 * it does to its account), pam_limits its resource limits, pam_env and
 * the others the variables put into its environment.  The order is
 * pam_start -> pam_acct_mgmt -> pam_setcred(ESTABLISH) ->
 * pam_open_session, with a conversation that answers no prompt (a
 * service has nobody to ask).
 *
 * The session must be closed by a process that outlives the service's: so
 * the process forks a keeper before it execs.  The keeper leaves the
 * service's cgroup (for its parent, the instance folder, which holds no
 * controllers) and process group, so the kill that ends a service misses
 * it; it becomes the account (the kernel sends the parent-death signal of
 * a parent that switched to the account only to a child of the same
 * account, as systemd found), asks for SIGTERM when its parent dies
 * (PR_SET_PDEATHSIG), waits for it, then closes the session and exits,
 * and scmd, the subreaper, reaps it.  As in systemd, the session modules
 * close as the account, without privilege.  For a daemon that forks, that is when the program scmd
 * started exits, as with systemd.
 */
#include "pam.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <linux/close_range.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A service has nobody to answer a prompt: every question fails. */
static int no_conversation(int n, const struct pam_message **msg, struct pam_response **resp,
                           void *data) {
        (void)n;
        (void)msg;
        (void)data;
        *resp = NULL;
        return PAM_CONV_ERR;
}

static int say(pam_handle_t *h, const char *pam_name, const char *step, int r) {
        fprintf(stderr, "scm: the PAM session of service '%s': %s: %s\n", pam_name, step,
                pam_strerror(h, r));
        errno = r == PAM_PERM_DENIED || r == PAM_AUTH_ERR || r == PAM_ACCT_EXPIRED ||
                                r == PAM_NEW_AUTHTOK_REQD
                        ? EACCES
                        : EPERM;
        return -1;
}

/* *envp with PAM's variables on top (a later one replaces a KEY). */
static int merge_env(pam_handle_t *h, char ***envp) {
        char **pam_env = pam_getenvlist(h);
        size_t n = 0, m = 0;
        while ((*envp)[n])
                n++;
        while (pam_env && pam_env[m])
                m++;
        char **v = calloc(n + m + 1, sizeof(char *));
        if (!v)
                return -1;
        memcpy(v, *envp, n * sizeof(char *));
        for (size_t i = 0; i < m; i++) {
                size_t key = strcspn(pam_env[i], "=") + 1, j = 0;
                while (j < n && strncmp(v[j], pam_env[i], key) != 0)
                        j++;
                v[j] = pam_env[i];
                if (j == n)
                        n++;
        }
        *envp = v;
        return 0;
}

/* The keeper: closes the session once its parent, the service's process,
 * has gone.  Never returns. */
static _Noreturn void keeper(pam_handle_t *h, pid_t parent, int cgroup_fd, uid_t uid, gid_t gid) {
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        sigprocmask(SIG_BLOCK, &term, NULL);
        if (cgroup_fd >= 0) {
                int fd = openat(cgroup_fd, "../cgroup.procs", O_WRONLY | O_CLOEXEC);
                if (fd >= 0) {
                        (void)!write(fd, "0", 1);
                        close(fd);
                }
        }
        (void)setpgid(0, 0);
        int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int fd = 0; null_fd >= 0 && fd <= 2; fd++)
                dup2(null_fd, fd);
        syscall(SYS_close_range, 3, ~0U, 0);
        /* As the account: the kernel sends a parent-death signal from a
         * parent that switched to the account only to a child of the same
         * account.  Closing the session needs no privilege. */
        if (getuid() != uid) {
                (void)!setgroups(0, NULL);
                (void)!setresgid(gid, gid, gid);
                (void)!setresuid(uid, uid, uid);
        }
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) == 0 && getppid() == parent)
                while (sigwaitinfo(&term, NULL) < 0 && errno == EINTR)
                        ;
        int r = pam_close_session(h, PAM_SILENT);
        pam_setcred(h, PAM_DELETE_CRED | PAM_SILENT);
        pam_end(h, r);
        _exit(r == PAM_SUCCESS ? 0 : 1);
}

int pam_session_enter(const char *pam_name, const struct passwd *pw, int cgroup_fd, char ***envp) {
        const char *user = pw->pw_name;
        const struct pam_conv conv = {.conv = no_conversation};
        pam_handle_t *h = NULL;
        int r = pam_start(pam_name, user, &conv, &h);
        if (r != PAM_SUCCESS)
                return say(h, pam_name, "pam_start", r);
        r = pam_acct_mgmt(h, PAM_SILENT);
        if (r != PAM_SUCCESS) {
                say(h, pam_name, "account", r);
                pam_end(h, r);
                return -1;
        }
        r = pam_setcred(h, PAM_ESTABLISH_CRED | PAM_SILENT);
        if (r != PAM_SUCCESS) {
                say(h, pam_name, "credentials", r);
                pam_end(h, r);
                return -1;
        }
        r = pam_open_session(h, PAM_SILENT);
        if (r != PAM_SUCCESS) {
                say(h, pam_name, "open session", r);
                pam_setcred(h, PAM_DELETE_CRED | PAM_SILENT);
                pam_end(h, r);
                return -1;
        }
        if (merge_env(h, envp) < 0) {
                pam_close_session(h, PAM_SILENT);
                pam_end(h, PAM_BUF_ERR);
                errno = ENOMEM;
                return -1;
        }
        pid_t parent = getpid();
        pid_t pid = fork();
        if (pid == 0)
                keeper(h, parent, cgroup_fd, pw->pw_uid, pw->pw_gid);
        if (pid < 0) {
                int e = errno;
                pam_close_session(h, PAM_SILENT);
                pam_end(h, PAM_SYSTEM_ERR);
                errno = e;
                return -1;
        }
        /* The keeper owns the session: let go of the handle only. */
        pam_end(h, PAM_SUCCESS | PAM_DATA_SILENT);
        return 0;
}
