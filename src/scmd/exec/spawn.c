/* SPDX-License-Identifier: MIT */
/*
 * Starting a service process.  The parent does everything that can fail
 * slowly or needs to explain itself (finding the program, building argv
 * and the environment); the child only runs system calls, in a fixed
 * order, and reports the first one that fails as {stage, errno} on a
 * close-on-exec pipe.  EOF on that pipe means exec succeeded.  The parent
 * never waits for the child: the pipe is watched by the loop.
 *
 * clone3() with CLONE_PIDFD | CLONE_INTO_CGROUP gives the pidfd and the
 * cgroup membership atomically, so the process is never outside its
 * cgroup and its pid can never be recycled under us.  On kernels without
 * clone3 we fall back to fork() + pidfd_open() and join the cgroup by
 * writing cgroup.procs from the child.
 *
 * scmd is single-threaded, so the child may call async-signal-unsafe
 * functions such as initgroups() before exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "control.h"
#include "fences.h"
#include "syscall_filter.h"
#include "process_config.h"
#include "security.h"
#include "spawner.h"

#define SERVICE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *const stage_names[_SPAWN_STAGE_MAX] = {
        [SPAWN_STAGE_SIGNALS] = "reset signals",
        [SPAWN_STAGE_SESSION] = "create a session",
        [SPAWN_STAGE_STDIO] = "set up standard input and output",
        [SPAWN_STAGE_CGROUP] = "join the service's cgroup",
        [SPAWN_STAGE_PRIORITY] = "lower its CPU priority",
        [SPAWN_STAGE_ACCOUNT] = "switch to the service's account",
        [SPAWN_STAGE_CONSOLE] = "attach the console",
        [SPAWN_STAGE_NETWORK] = "make the service's network namespace",
        [SPAWN_STAGE_PRIVILEGES] = "set the service's privileges",
        [SPAWN_STAGE_KEYRING] = "join a new session keyring",
        [SPAWN_STAGE_SANDBOX] = "restrict the service's writes (Landlock)",
        [SPAWN_STAGE_CHDIR] = "change to the working folder",
        [SPAWN_STAGE_EXEC] = "execute the program",
        [SPAWN_STAGE_LIMITS] = "set the service's resource limits",
        [SPAWN_STAGE_LOGON] = "open its logon session (PAM; the reason is in its log)",
        [SPAWN_STAGE_FENCES] = "make the service's private view of the filesystem",
        [SPAWN_STAGE_SYSCALLS] = "load the service's system-call filter",
};
_Static_assert(ELEMENTSOF(stage_names) == _SPAWN_STAGE_MAX, "every stage has a name");

const char *spawn_stage_name(enum spawn_stage stage) {
        return stage >= 0 && stage < _SPAWN_STAGE_MAX ? stage_names[stage] : "start";
}

static int check_executable(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EACCES;
        if (access(path, X_OK) < 0)
                return -errno;
        return 0;
}

char *spawn_resolve_program(const char *program) {
        if (strchr(program, '/')) {
                int r = check_executable(program);
                if (r < 0) {
                        errno = -r;
                        return NULL;
                }
                return strdup(program);
        }
        int first_error = ENOENT;
        _cleanup_free_ char *path = strdup(SERVICE_PATH);
        if (!path)
                return NULL;
        char *save = NULL;
        for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                char *candidate;
                if (asprintf(&candidate, "%s/%s", dir, program) < 0)
                        return NULL;
                int r = check_executable(candidate);
                if (r == 0)
                        return candidate;
                if (r != -ENOENT && first_error == ENOENT)
                        first_error = -r;
                free(candidate);
        }
        errno = first_error;
        return NULL;
}

/* Socket activation, in the child: the sockets at 3, 4, ... (through
 * copies above them, since a socket may sit where another goes), and the
 * environment sd_listen_fds() reads, LISTEN_PID being the child's own
 * pid.  scmd is single-threaded, so malloc is safe here.  -1 on failure. */
static int pass_listen_fds(const struct spawn_request *req, char ***envp) {
        size_t n = req->n_listen_fds;
        int high = 3 + (int)n;
        int copies[64];
        if (n > 64)
                return -1;
        for (size_t i = 0; i < n; i++)
                if ((copies[i] = fcntl(req->listen_fds[i], F_DUPFD_CLOEXEC, high)) < 0)
                        return -1;
        for (size_t i = 0; i < n; i++)
                if (dup2(copies[i], 3 + (int)i) < 0) /* dup2 clears close-on-exec */
                        return -1;
        char **from = *envp; /* the request's, or its logon session's */
        size_t count = 0;
        while (from[count])
                count++;
        char **env = calloc(count + 4, sizeof(char *));
        if (!env)
                return -1;
        size_t k = 0;
        for (size_t i = 0; i < count; i++)
                if (strncmp(from[i], "LISTEN_", 7) != 0)
                        env[k++] = from[i];
        if (asprintf(&env[k++], "LISTEN_FDS=%zu", n) < 0 ||
            asprintf(&env[k++], "LISTEN_PID=%d", (int)getpid()) < 0 ||
            asprintf(&env[k++], "LISTEN_FDNAMES=%s", req->listen_names ? req->listen_names : "") <
                    0)
                return -1;
        *envp = env;
        return 0;
}

static _Noreturn void child_fail(int report_fd, enum spawn_stage stage) {
        struct spawn_report rep = {.stage = stage, .error = errno};
        (void)!write(report_fd, &rep, sizeof(rep));
        _exit(127);
}

/* A hard limit scmd may not raise (a machine or container withholds
 * CAP_SYS_RESOURCE from it): as high as it can go instead, said in the
 * service's log, as a privilege scmd does not hold is left out
 * (security.c).  0, or -1 with errno. */
static int hold_limit(int resource, struct rlimit *rl) {
        struct rlimit have;
        if (errno != EPERM || getrlimit(resource, &have) < 0 || rl->rlim_max <= have.rlim_max)
                return -1;
        unsigned long long asked = rl->rlim_max;
        rl->rlim_max = have.rlim_max;
        if (rl->rlim_cur > rl->rlim_max)
                rl->rlim_cur = rl->rlim_max;
        if (setrlimit(resource, rl) < 0)
                return -1;
        dprintf(STDERR_FILENO,
                "scm: limit %s: %llu asked, held at %llu: scmd itself may not raise it on this "
                "machine (no CAP_SYS_RESOURCE)\n",
                process_limit_name(resource) ?: "?", asked, (unsigned long long)rl->rlim_max);
        return 0;
}

/* Runs in the child; never returns. */
static _Noreturn void child(const struct spawn_request *req, int report_fd, bool join_cgroup) {
        sigset_t all;
        sigfillset(&all);
        for (int sig = 1; sig < _NSIG; sig++)
                signal(sig, SIG_DFL); /* SIGPIPE was ignored in scmd */
        if (sigprocmask(SIG_UNBLOCK, &all, NULL) < 0)
                child_fail(report_fd, SPAWN_STAGE_SIGNALS);

        if (setsid() < 0)
                child_fail(report_fd, SPAWN_STAGE_SESSION);

        int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
            dup2(req->stdout_fd, STDOUT_FILENO) < 0 || dup2(req->stdout_fd, STDERR_FILENO) < 0)
                child_fail(report_fd, SPAWN_STAGE_STDIO);
        /* Whatever scmd inherited without O_CLOEXEC must not reach the service. */
        syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
        /* A native service's control channel, at the number its environment names. */
        if (req->control_fd >= 0) {
                if (req->control_fd == SCM_CONTROL_FD_NUMBER
                            ? fcntl(SCM_CONTROL_FD_NUMBER, F_SETFD, 0) < 0
                            : dup2(req->control_fd, SCM_CONTROL_FD_NUMBER) < 0)
                        child_fail(report_fd, SPAWN_STAGE_STDIO);
        }

        if (join_cgroup) {
                int fd = openat(req->cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, "0", 1) < 0)
                        child_fail(report_fd, SPAWN_STAGE_CGROUP);
        }

        /* A delayed-auto start runs at the lowest CPU priority until it
         * reports RUNNING (boot.c); any process may lower its own. */
        if (req->low_priority) {
                struct sched_param idle = {0};
                if (setpriority(PRIO_PROCESS, 0, 19) < 0 ||
                    sched_setscheduler(0, SCHED_IDLE, &idle) < 0)
                        child_fail(report_fd, SPAWN_STAGE_PRIORITY);
        }

        /* Limits before the account: raising a hard one needs a privilege
         * the account may not have. */
        for (size_t i = 0; i < req->n_limits; i++) {
                struct rlimit rl = {req->limits[i].soft, req->limits[i].hard};
                if (setrlimit(req->limits[i].resource, &rl) < 0 &&
                    hold_limit(req->limits[i].resource, &rl) < 0)
                        child_fail(report_fd, SPAWN_STAGE_LIMITS);
        }
        umask(req->umask >= 0 ? (mode_t)req->umask : 022);

        /* Its own mount namespace, while it may still mount (fences.c). */
        int fenced = fences_enter(req->fences, req->fences_keep);
        if (fenced < 0) {
                errno = -fenced;
                child_fail(report_fd, SPAWN_STAGE_FENCES);
        }

        /* Its logon session, then the account, its privileges and its
         * confinement (security.c). */
        char **envp = req->envp;
        if (req->security && security_enter_session(req->security, req->cgroup_fd, &envp) < 0)
                child_fail(report_fd, SPAWN_STAGE_LOGON);
        enum spawn_stage stage;
        if (req->security && security_enter(req->security, &stage) < 0)
                child_fail(report_fd, stage);

        /* As the account: a folder it may not enter is the service's error. */
        if (chdir(req->working_directory ? req->working_directory : "/") < 0)
                child_fail(report_fd, SPAWN_STAGE_CHDIR);

        if (req->n_listen_fds && pass_listen_fds(req, &envp) < 0)
                child_fail(report_fd, SPAWN_STAGE_STDIO);
        /* Last, after every privileged step (syscall_filter.c). */
        int filtered = syscall_filter_enter(req->syscalls);
        if (filtered < 0) {
                errno = -filtered;
                child_fail(report_fd, SPAWN_STAGE_SYSCALLS);
        }
        execve(req->path, req->argv, envp);
        child_fail(report_fd, SPAWN_STAGE_EXEC);
}

static pid_t clone3_into(int cgroup_fd, int *ret_pidfd) {
        struct clone_args args = {
                .flags = CLONE_PIDFD | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
                .pidfd = (uint64_t)(uintptr_t)ret_pidfd,
                .exit_signal = SIGCHLD,
                .cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0,
        };
        return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int spawn_process(const struct spawn_request *req, struct spawn_result *ret) {
        int pipe_fds[2];
        if (pipe2(pipe_fds, O_CLOEXEC) < 0)
                return -errno;

        int pidfd = -1;
        bool join_cgroup = false;
        pid_t pid = clone3_into(req->cgroup_fd, &pidfd);
        if (pid < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
                join_cgroup = req->cgroup_fd >= 0;
                pid = fork();
        }
        if (pid < 0) {
                int r = -errno;
                close(pipe_fds[0]);
                close(pipe_fds[1]);
                return r;
        }
        if (pid == 0) {
                close(pipe_fds[0]);
                child(req, pipe_fds[1], join_cgroup);
        }

        close(pipe_fds[1]);
        if (pidfd < 0) {
                pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
                if (pidfd < 0) {
                        /* Without a pidfd we cannot watch it safely: stop it now. */
                        int r = -errno;
                        kill(pid, SIGKILL);
                        close(pipe_fds[0]);
                        return r;
                }
        }
        fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
        *ret = (struct spawn_result){.pid = pid, .pidfd = pidfd, .report_fd = pipe_fds[0]};
        return 0;
}

int spawn_read_report(int report_fd, struct spawn_report *ret) {
        struct spawn_report rep;
        ssize_t n = read(report_fd, &rep, sizeof(rep));
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? -EAGAIN : 0;
        if (n == 0)
                return 0;
        if (n != sizeof(rep)) {
                /* A short report cannot come from our child: treat as exec failure. */
                rep = (struct spawn_report){.stage = SPAWN_STAGE_EXEC, .error = EIO};
        }
        *ret = rep;
        return 1;
}
