/* SPDX-License-Identifier: MIT */
/*
 * A service's account: which user a service runs as.
 *
 *   ""  or LocalSystem   scmd's own user (root in system mode)
 *   LocalService         the system user scm-localservice
 *   NetworkService       the system user scm-networkservice
 *   any other name       that passwd user
 *
 * LocalService and NetworkService are made on first use, the way a
 * package makes its system user: useradd --system, a group of the same
 * name, no login shell (/usr/sbin/nologin) and no home (/nonexistent);
 * adduser --system where useradd is missing.  Creating one runs a program
 * and waits for it, which holds scmd's loop for the moment it takes; that
 * happens once per account in the life of a machine.
 *
 * The well-known names are matched without regard to case, as Windows
 * does, and may carry Windows' "NT AUTHORITY\" prefix.
 */
#include "account.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

extern char **environ;

enum well_known { WK_NONE, WK_LOCAL_SYSTEM, WK_LOCAL_SERVICE, WK_NETWORK_SERVICE };

static enum well_known well_known(const char *account) {
        if (!account || !account[0])
                return WK_LOCAL_SYSTEM;
        if (strncasecmp(account, "NT AUTHORITY\\", 13) == 0)
                account += 13;
        if (strcasecmp(account, "LocalSystem") == 0)
                return WK_LOCAL_SYSTEM;
        if (strcasecmp(account, "LocalService") == 0)
                return WK_LOCAL_SERVICE;
        if (strcasecmp(account, "NetworkService") == 0)
                return WK_NETWORK_SERVICE;
        return WK_NONE;
}

bool account_is_local_system(const char *account) {
        return well_known(account) == WK_LOCAL_SYSTEM;
}

bool account_is_well_known(const char *account) {
        return well_known(account) != WK_NONE;
}

static const char *system_user_of(enum well_known wk) {
        return wk == WK_LOCAL_SERVICE     ? ACCOUNT_LOCAL_SERVICE_USER
               : wk == WK_NETWORK_SERVICE ? ACCOUNT_NETWORK_SERVICE_USER
                                          : NULL;
}

char *account_policy_name(const char *account) {
        enum well_known wk = well_known(account);
        if (wk == WK_LOCAL_SERVICE || wk == WK_NETWORK_SERVICE)
                return strdup(system_user_of(wk));
        struct passwd *pw = wk == WK_LOCAL_SYSTEM ? getpwuid(geteuid()) : getpwnam(account);
        if (!pw) {
                errno = ENOENT;
                return NULL;
        }
        return strdup(pw->pw_name);
}

/* A copy of pw in one allocation, so free() releases all of it. */
static struct passwd *passwd_copy(const struct passwd *pw) {
        const char *shell = pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";
        const char *dir = pw->pw_dir ? pw->pw_dir : "/";
        size_t name = strlen(pw->pw_name) + 1, d = strlen(dir) + 1, sh = strlen(shell) + 1;
        struct passwd *c = calloc(1, sizeof(*c) + name + d + sh);
        if (!c)
                return NULL;
        char *p = (char *)(c + 1);
        c->pw_name = memcpy(p, pw->pw_name, name);
        c->pw_dir = memcpy(p + name, dir, d);
        c->pw_shell = memcpy(p + name + d, shell, sh);
        c->pw_passwd = (char *)"x";
        c->pw_gecos = (char *)"";
        c->pw_uid = pw->pw_uid;
        c->pw_gid = pw->pw_gid;
        return c;
}

/* Runs argv with an empty environment and no input, waiting for it; its
 * output (the reason when it fails) goes to scmd's log. */
static int run_tool(char *const argv[], char **ret_error) {
        int out[2];
        if (pipe2(out, O_CLOEXEC) < 0)
                return -errno;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, out[1], STDERR_FILENO);
        /* Not scmd's blocked signals (it takes them through a signalfd). */
        posix_spawnattr_t attr;
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_init(&attr);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        char *const envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
        pid_t pid;
        int r = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        if (r != 0) {
                close(out[0]);
                return -r;
        }
        char text[1024];
        size_t len = 0;
        ssize_t n;
        while ((n = read(out[0], text + len, sizeof(text) - 1 - len)) > 0 ||
               (n < 0 && errno == EINTR))
                if (n > 0 && (len += (size_t)n) == sizeof(text) - 1)
                        break;
        close(out[0]);
        text[len] = '\0';
        text[strcspn(text, "\n")] = '\0';
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (asprintf(ret_error, "%s failed (%s %d)%s%s", argv[0],
                     WIFEXITED(status) ? "exit status" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                     text[0] ? ": " : "", text) < 0)
                *ret_error = NULL;
        return -EIO;
}

/* Makes the system user for LocalService or NetworkService. */
static int create_system_user(const char *user, enum well_known wk, char **ret_error) {
        const char *comment = wk == WK_LOCAL_SERVICE ? "scm LocalService" : "scm NetworkService";
        int r;
        if (access("/usr/sbin/useradd", X_OK) == 0) {
                char *const argv[] = {(char *)"/usr/sbin/useradd",
                                      (char *)"--system",
                                      (char *)"--user-group",
                                      (char *)"--no-create-home",
                                      (char *)"--home-dir",
                                      (char *)"/nonexistent",
                                      (char *)"--shell",
                                      (char *)"/usr/sbin/nologin",
                                      (char *)"--comment",
                                      (char *)comment,
                                      (char *)user,
                                      NULL};
                r = run_tool(argv, ret_error);
        } else if (access("/usr/sbin/adduser", X_OK) == 0) {
                char *const argv[] = {(char *)"/usr/sbin/adduser",
                                      (char *)"--system",
                                      (char *)"--group",
                                      (char *)"--no-create-home",
                                      (char *)"--home",
                                      (char *)"/nonexistent",
                                      (char *)"--shell",
                                      (char *)"/usr/sbin/nologin",
                                      (char *)"--gecos",
                                      (char *)comment,
                                      (char *)user,
                                      NULL};
                r = run_tool(argv, ret_error);
        } else {
                if (asprintf(ret_error, "neither useradd nor adduser is installed") < 0)
                        *ret_error = NULL;
                return -ENOENT;
        }
        if (r >= 0)
                log_info("created the system user %s for %s", user,
                         wk == WK_LOCAL_SERVICE ? "LocalService" : "NetworkService");
        return r;
}

int account_lookup(const char *account, struct passwd **ret, char **ret_error) {
        enum well_known wk = well_known(account);
        const char *user = wk == WK_NONE ? account : system_user_of(wk);
        *ret_error = NULL;

        errno = 0;
        struct passwd *pw = wk == WK_LOCAL_SYSTEM ? getpwuid(geteuid()) : getpwnam(user);
        if (!pw && (wk == WK_LOCAL_SERVICE || wk == WK_NETWORK_SERVICE)) {
                if (geteuid() != 0) {
                        if (asprintf(ret_error,
                                     "its user %s does not exist, and scmd (uid %u) cannot "
                                     "create it",
                                     user, (unsigned)geteuid()) < 0)
                                *ret_error = NULL;
                        return -EPERM;
                }
                _cleanup_free_ char *why = NULL;
                int r = create_system_user(user, wk, &why);
                if (r < 0) {
                        if (asprintf(ret_error, "cannot create its user %s: %s", user,
                                     why ? why : strerror(-r)) < 0)
                                *ret_error = NULL;
                        return r;
                }
                pw = getpwnam(user);
        }
        if (!pw) {
                int e = errno && errno != ENOENT && errno != ESRCH ? errno : ENOENT;
                char uid[32];
                snprintf(uid, sizeof(uid), "uid %u", (unsigned)geteuid());
                const char *who = wk == WK_LOCAL_SYSTEM ? uid : user; /* scmd's own, or named */
                /* Not found, or the look-up itself failed (scmd out of
                 * descriptors, say): the account may well exist. */
                int n = e == ENOENT ? asprintf(ret_error, "the account '%s' does not exist", who)
                                    : asprintf(ret_error,
                                               "the account '%s' could not be looked up (%s)", who,
                                               strerror(e));
                if (n < 0)
                        *ret_error = NULL;
                return -e;
        }
        struct passwd *c = passwd_copy(pw);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

int account_groups(const struct passwd *pw, gid_t extra, gid_t **ret, size_t *ret_n) {
        int n = 32;
        for (;;) {
                gid_t *groups = calloc((size_t)n + 1, sizeof(gid_t));
                if (!groups)
                        return -ENOMEM;
                int have = n;
                if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &have) >= 0) {
                        bool present = extra == 0;
                        for (int i = 0; i < have && !present; i++)
                                present = groups[i] == extra;
                        if (!present)
                                groups[have++] = extra;
                        *ret = groups;
                        *ret_n = (size_t)have;
                        return 0;
                }
                free(groups);
                if (have <= n || have > 65536)
                        return -EINVAL;
                n = have;
        }
}
