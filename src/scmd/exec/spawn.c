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
 * clone3 we fall back to clone() + CLONE_PIDFD and join the cgroup by
 * writing cgroup.procs from the child.  A caller that watches the child
 * through SIGCHLD (its pid stays scmd's until scmd reaps it) asks for no
 * pidfd (no_pidfd): a running service then costs no descriptor for it.
 *
 * A spawn costs the same whatever scmd's size.  The child borrows scmd's
 * memory (CLONE_VM | CLONE_VFORK, on a stack of its own; scmd waits until
 * it has executed the program or failed) and scmd's descriptor table
 * (CLONE_FILES): nothing is copied that the child would then undo.  The
 * few descriptors it needs are first placed by scmd on reserved numbers
 * below SLOT_END (spawn_reserve_descriptors(), at start-up), and the
 * child's first step, close_range(SLOT_END, ~0, CLOSE_RANGE_UNSHARE),
 * gives it a table of those numbers only.  Everything the child does on
 * that path is a system call or balanced malloc/free in borrowed memory.
 * A logon session (PAM) loads modules, opens files and forks: a service
 * that has one takes the older path, a child with its own copy of
 * memory and descriptors, as do requests that do not fit the slots.
 *
 * scmd is single-threaded, so the child may call async-signal-unsafe
 * functions before exec; scmd blocks every signal around the clone so
 * none of its handlers runs in the borrowed memory.
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
#include <sys/mman.h>
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

/* ---- the reserved numbers ---- */

/* scmd's descriptors [SLOT_FIRST, SLOT_END) are the only ones a child on
 * the borrowed path keeps.  The listen sockets go to 3, 4, ... (4, 5, ...
 * after a native service's control channel), so what is placed for a
 * spawn sits at SLOT_LOW and above, out of their way. */
#define SLOT_FIRST 3
#define SLOT_END 32
#define MAX_FLAT_LISTEN 12
#define SLOT_LOW (SLOT_FIRST + MAX_FLAT_LISTEN)
/* Where the listen sockets start, and the prefix of their variables. */
#define LISTEN_FIRST(req) ((req)->control_fd >= 0 ? SCM_LISTEN_FDS_NATIVE_START : 3)
#define LISTEN_PREFIX(req) ((req)->control_fd >= 0 ? "SCM_LISTEN_" : "LISTEN_")
#define CHILD_STACK_SIZE (512 * 1024)

static uint32_t slots_owned; /* bit i: SLOT_FIRST + i is scmd's to place on */
static int slot_filler = -1; /* what an idle slot holds: /dev/null */
static bool no_clone3;       /* the kernel refused clone3: clone() and cgroup.procs */
static char *child_stack_base;

int spawn_reserve_descriptors(void) {
        /* A kernel without CLOSE_RANGE_UNSHARE: every child copies the table. */
        if (syscall(SYS_close_range, ~0U, ~0U, CLOSE_RANGE_UNSHARE) < 0)
                return -errno;
        int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null_fd < 0)
                return -errno;
        for (int fd = SLOT_LOW; fd < SLOT_END; fd++) {
                if (fd == null_fd || fcntl(fd, F_GETFD) >= 0)
                        continue; /* inherited, or opened before: not ours */
                if (dup3(null_fd, fd, O_CLOEXEC) < 0)
                        return -errno;
                slots_owned |= 1U << (fd - SLOT_FIRST);
        }
        slot_filler = null_fd;
        return 0;
}

/* Puts fd on the highest free slot of *used; the slot, or -1. */
static int place(uint32_t *used, int fd) {
        uint32_t free_slots = slots_owned & ~*used;
        if (fd < 0 || !free_slots)
                return -1;
        int bit = 31 - __builtin_clz(free_slots);
        if (dup3(fd, SLOT_FIRST + bit, O_CLOEXEC) < 0)
                return -1;
        *used |= 1U << bit;
        return SLOT_FIRST + bit;
}

/* Lets go of what the slots held for a spawn (the child has its own). */
static void unplace(uint32_t used) {
        for (int bit = 0; used; bit++, used >>= 1)
                if (used & 1)
                        (void)dup3(slot_filler, SLOT_FIRST + bit, O_CLOEXEC);
}

/* ---- the child ---- */

struct child_args {
        const struct spawn_request *req;
        int report_fd, stdout_fd, control_fd, cgroup_fd;
        const int *listen_fds;
        char **envp;      /* the environment (with LISTEN_*, made by scmd) */
        char *listen_pid; /* LISTEN_PID's digits, written by the child; NULL: none */
        bool join_cgroup; /* write cgroup.procs (no CLONE_INTO_CGROUP) */
        bool own_memory;  /* a copy of scmd's memory: may build LISTEN_* itself */
        bool unshare_fds; /* shares scmd's table: keep only the slots first */
        int listen_copy[MAX_FLAT_LISTEN];
};

/* Socket activation, in the child: the sockets at 3, 4, ... (4, 5, ...
 * for a native service), through copies above them, since a socket may
 * sit where another goes.  -1 on failure. */
static int place_listen_fds(const struct child_args *a) {
        size_t n = a->req->n_listen_fds;
        int first = LISTEN_FIRST(a->req), high = first + (int)n;
        int copies[64];
        if (n > 64)
                return -1;
        for (size_t i = 0; i < n; i++)
                if ((copies[i] = fcntl(a->listen_fds[i], F_DUPFD_CLOEXEC, high)) < 0)
                        return -1;
        for (size_t i = 0; i < n; i++)
                if (dup2(copies[i], first + (int)i) < 0) /* dup2 clears close-on-exec */
                        return -1;
        return 0;
}

/* The environment sd_listen_fds() reads, from *envp (the request's, or its
 * logon session's); LISTEN_PID left blank for the child's pid.  The
 * strings are allocated, in the memory of whoever calls it. */
static int listen_env_build(const struct spawn_request *req, char ***envp, char **ret_pid) {
        char **from = *envp;
        const char *pre = LISTEN_PREFIX(req);
        size_t count = 0, plen = strlen(pre);
        while (from[count])
                count++;
        char **env = calloc(count + 4, sizeof(char *));
        if (!env)
                return -1;
        size_t k = 0;
        for (size_t i = 0; i < count; i++)
                if (strncmp(from[i], pre, plen) != 0)
                        env[k++] = from[i];
        size_t first = k;
        if (asprintf(&env[k++], "%sFDS=%zu", pre, req->n_listen_fds) < 0 ||
            asprintf(&env[k++], "%sPID=%-12s", pre, "") < 0 ||
            asprintf(&env[k++], "%sFDNAMES=%s", pre, req->listen_names ? req->listen_names : "") <
                    0) {
                for (size_t i = first; i < k; i++)
                        free(env[i]);
                free(env);
                return -1;
        }
        *ret_pid = env[first + 1] + plen + strlen("PID=");
        *envp = env;
        return 0;
}

static void listen_env_free(const struct spawn_request *req, char **env, char **base) {
        if (env == base)
                return;
        const char *pre = LISTEN_PREFIX(req);
        size_t k = 0;
        while (env[k] && strncmp(env[k], pre, strlen(pre)) != 0)
                k++;
        for (; env[k]; k++)
                free(env[k]);
        free(env);
}

/* The child's pid in decimal at `at`, without printf. */
static void put_pid(char *at, pid_t pid) {
        char digits[12];
        int n = 0;
        unsigned long v = (unsigned long)pid;
        do
                digits[n++] = (char)('0' + v % 10);
        while ((v /= 10) && n < (int)sizeof(digits));
        while (n)
                *at++ = digits[--n];
        *at = '\0';
}

/* A borrowing child's report, in the memory it shares with scmd; NULL
 * for a child with its own. */
static struct spawn_report *borrowed_report;

static _Noreturn void child_fail(int report_fd, enum spawn_stage stage) {
        struct spawn_report rep = {.stage = stage, .error = errno};
        if (borrowed_report)
                *borrowed_report = rep;
        if (report_fd >= 0)
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

/* Signals as a new program expects them, its standard descriptors, the
 * control channel, and nothing else of scmd's. */
static void child_stdio(const struct child_args *a) {
        const struct spawn_request *req = a->req;
        sigset_t all;
        sigfillset(&all);
        for (int sig = 1; sig < _NSIG; sig++)
                signal(sig, SIG_DFL); /* SIGPIPE was ignored in scmd */
        if (sigprocmask(SIG_UNBLOCK, &all, NULL) < 0)
                child_fail(a->report_fd, SPAWN_STAGE_SIGNALS);

        if (setsid() < 0)
                child_fail(a->report_fd, SPAWN_STAGE_SESSION);

        /* stdin /dev/null, stdout and stderr the log; an inetd-style
         * instance's stdin and stdout its connection. */
        bool on_socket = req->listen_stdio && req->n_listen_fds > 0;
        int null_fd = on_socket ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC);
        int in_fd = on_socket ? a->listen_fds[0] : null_fd;
        int out_fd = on_socket ? a->listen_fds[0] : a->stdout_fd;
        if (in_fd < 0 || dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
            dup2(a->stdout_fd, STDERR_FILENO) < 0)
                child_fail(a->report_fd, SPAWN_STAGE_STDIO);
        /* Whatever scmd inherited without O_CLOEXEC must not reach the service. */
        syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
        /* A native service's control channel, at the number its environment names. */
        if (req->control_fd >= 0) {
                if (a->control_fd == SCM_CONTROL_FD_NUMBER
                            ? fcntl(SCM_CONTROL_FD_NUMBER, F_SETFD, 0) < 0
                            : dup2(a->control_fd, SCM_CONTROL_FD_NUMBER) < 0)
                        child_fail(a->report_fd, SPAWN_STAGE_STDIO);
        }

        if (a->join_cgroup) {
                int fd = openat(a->cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, "0", 1) < 0)
                        child_fail(a->report_fd, SPAWN_STAGE_CGROUP);
        }
}

/* Runs in the child; never returns. */
static _Noreturn void child(const struct child_args *a) {
        const struct spawn_request *req = a->req;
        int report_fd = a->report_fd;
        child_stdio(a);

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

        /* Its logon session (only with its own memory), then the account,
         * its privileges and its confinement (security.c). */
        char **envp = a->envp;
        if (req->security && security_enter_session(req->security, a->cgroup_fd, &envp) < 0)
                child_fail(report_fd, SPAWN_STAGE_LOGON);
        enum spawn_stage stage;
        if (req->security && security_enter(req->security, &stage) < 0)
                child_fail(report_fd, stage);

        /* As the account: a folder it may not enter is the service's error. */
        if (chdir(req->working_directory ? req->working_directory : "/") < 0)
                child_fail(report_fd, SPAWN_STAGE_CHDIR);

        if (req->n_listen_fds) {
                char *pid_at = a->listen_pid;
                if (place_listen_fds(a) < 0 ||
                    (!pid_at && (!a->own_memory || listen_env_build(req, &envp, &pid_at) < 0)))
                        child_fail(report_fd, SPAWN_STAGE_STDIO);
                put_pid(pid_at, getpid());
        }
        /* Last, after every privileged step (syscall_filter.c). */
        int filtered = syscall_filter_enter(req->syscalls);
        if (filtered < 0) {
                errno = -filtered;
                child_fail(report_fd, SPAWN_STAGE_SYSCALLS);
        }
        execve(req->path, req->argv, envp);
        child_fail(report_fd, SPAWN_STAGE_EXEC);
}

/* The borrowed path's entry, on the child's stack. */
static int child_main(void *arg) {
        const struct child_args *a = arg;
        if (a->unshare_fds && syscall(SYS_close_range, SLOT_END, ~0U, CLOSE_RANGE_UNSHARE) < 0)
                child_fail(a->report_fd, SPAWN_STAGE_STDIO);
        child(a);
}

/* ---- the parent ---- */

#if defined(__x86_64__)
/* clone3() with a function to run on the new stack: glibc has no wrapper
 * (and a child on the caller's stack would overwrite the frame its
 * suspended parent returns through).  The child calls fn(arg), then exits. */
__attribute__((visibility("hidden"))) long scm_spawn_clone3(struct clone_args *args, size_t size,
                                                            int (*fn)(void *), void *arg);
__asm__(".text\n"
        ".globl scm_spawn_clone3\n"
        ".hidden scm_spawn_clone3\n"
        ".type scm_spawn_clone3, @function\n"
        "scm_spawn_clone3:\n"
        "  endbr64\n"
        "  mov %rdx, %r9\n"
        "  mov %rcx, %r8\n"
        "  mov $435, %eax\n" /* SYS_clone3 */
        "  syscall\n"
        "  test %rax, %rax\n"
        "  jz 1f\n"
        "  ret\n"
        "1:\n"
        "  xor %ebp, %ebp\n"
        "  mov %r8, %rdi\n"
        "  call *%r9\n"
        "  mov %eax, %edi\n"
        "  mov $60, %eax\n" /* SYS_exit */
        "  syscall\n"
        "  hlt\n"
        ".size scm_spawn_clone3, .-scm_spawn_clone3\n");
#endif

/* One stack for every child: each borrows it until it executes or exits. */
static char *child_stack(void) {
        if (!child_stack_base) {
                size_t page = (size_t)sysconf(_SC_PAGESIZE);
                char *p = mmap(NULL, CHILD_STACK_SIZE + page, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
                if (p == MAP_FAILED)
                        return NULL;
                (void)mprotect(p, page, PROT_NONE); /* a guard below it */
                child_stack_base = p + page;
        }
        return child_stack_base;
}

static pid_t clone_borrowed(struct child_args *a, int *ret_pidfd) {
        char *stack = child_stack();
        if (!stack) {
                errno = ENOMEM;
                return -1;
        }
        uint64_t flags = CLONE_VM | CLONE_VFORK | (a->req->no_pidfd ? 0 : CLONE_PIDFD) |
                         (a->unshare_fds ? CLONE_FILES : 0);
#if defined(__x86_64__)
        if (!a->join_cgroup) {
                struct clone_args args = {
                        .flags = flags | (a->cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
                        .pidfd = (uint64_t)(uintptr_t)ret_pidfd,
                        .exit_signal = SIGCHLD,
                        .stack = (uint64_t)(uintptr_t)stack,
                        .stack_size = CHILD_STACK_SIZE,
                        .cgroup = a->cgroup_fd >= 0 ? (uint64_t)a->cgroup_fd : 0,
                };
                long pid = scm_spawn_clone3(&args, sizeof(args), child_main, a);
                if (pid >= 0)
                        return (pid_t)pid;
                errno = (int)-pid;
                return -1;
        }
#endif
        return clone(child_main, stack + CHILD_STACK_SIZE, (int)flags | SIGCHLD, a, ret_pidfd);
}

/* The borrowed path: scmd's memory and (when it fits the slots) its
 * descriptor table.  Not for a logon session: PAM needs its own memory. */
static bool may_borrow(const struct spawn_request *req) {
#if defined(__SANITIZE_ADDRESS__)
        /* ASan's instrumented child on a stack it does not know, in memory
         * it shares with its suspended parent: the sanitizer builds copy. */
        (void)req;
        return false;
#else
        return !(req->security && req->security->pam_name);
#endif
}

/* Places the child's descriptors on the slots: false when they do not fit
 * (then the child copies scmd's table).  *used: the slots taken. */
static bool place_all(struct child_args *a, uint32_t *used) {
        const struct spawn_request *req = a->req;
        const struct security_plan *p = req->security;
        if (!slots_owned || LISTEN_FIRST(req) + req->n_listen_fds > SLOT_LOW ||
            (p && (p->console_fd >= 0 || p->landlock_fd >= 0)))
                return false;
        struct child_args placed = *a;
        bool ok = (a->report_fd < 0 || (placed.report_fd = place(used, a->report_fd)) >= 0) &&
                  (placed.stdout_fd = place(used, a->stdout_fd)) >= 0 &&
                  (a->control_fd < 0 || (placed.control_fd = place(used, a->control_fd)) >= 0) &&
                  (!a->join_cgroup || (placed.cgroup_fd = place(used, a->cgroup_fd)) >= 0);
        for (size_t i = 0; ok && i < req->n_listen_fds; i++)
                ok = (placed.listen_copy[i] = place(used, req->listen_fds[i])) >= 0;
        if (!ok) {
                unplace(*used);
                *used = 0;
                return false;
        }
        *a = placed;
        if (req->n_listen_fds)
                a->listen_fds = a->listen_copy;
        return true;
}

/* scmd resumes once the child has executed the program (or failed, and
 * then *report says where). */
static int spawn_borrowed(const struct spawn_request *req, int report_fd,
                          struct spawn_report *report, pid_t *ret_pid, int *ret_pidfd) {
        struct child_args a = {
                .req = req,
                .report_fd = report_fd,
                .stdout_fd = req->stdout_fd,
                .control_fd = req->control_fd,
                .cgroup_fd = req->cgroup_fd,
                .listen_fds = req->listen_fds,
                .envp = req->envp,
                .join_cgroup = no_clone3 && req->cgroup_fd >= 0,
        };
        if (req->n_listen_fds && listen_env_build(req, &a.envp, &a.listen_pid) < 0)
                return -ENOMEM;
        uint32_t used = 0;
        a.unshare_fds = place_all(&a, &used);

        sigset_t all, old;
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, &old);
        int pidfd = -1;
        borrowed_report = report;
        pid_t pid = clone_borrowed(&a, &pidfd);
        int r = pid < 0 ? -errno : 0;
        borrowed_report = NULL;
        sigprocmask(SIG_SETMASK, &old, NULL);

        unplace(used);
        listen_env_free(req, a.envp, req->envp);
        if ((r == -ENOSYS || r == -E2BIG) && !no_clone3) {
                no_clone3 = true; /* once: clone() and cgroup.procs from now on */
                return spawn_borrowed(req, report_fd, report, ret_pid, ret_pidfd);
        }
        if (r == -EINVAL && !no_clone3 && !a.join_cgroup) { /* this spawn only */
                no_clone3 = true;
                r = spawn_borrowed(req, report_fd, report, ret_pid, ret_pidfd);
                no_clone3 = false;
                return r;
        }
        if (r < 0)
                return r;
        *ret_pid = pid;
        *ret_pidfd = pidfd;
        return 0;
}

static pid_t clone3_into(int cgroup_fd, bool want_pidfd, int *ret_pidfd) {
        struct clone_args args = {
                .flags = (want_pidfd ? CLONE_PIDFD : 0) | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
                .pidfd = (uint64_t)(uintptr_t)ret_pidfd,
                .exit_signal = SIGCHLD,
                .cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0,
        };
        return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* The path with its own memory and descriptors: a logon session. */
static int spawn_copied(const struct spawn_request *req, int report_fd, int other_end,
                        pid_t *ret_pid, int *ret_pidfd) {
        int pidfd = -1;
        bool join_cgroup = false;
        pid_t pid = clone3_into(req->cgroup_fd, !req->no_pidfd, &pidfd);
        if (pid < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
                join_cgroup = req->cgroup_fd >= 0;
                pid = fork();
        }
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                close(other_end);
                struct child_args a = {
                        .req = req,
                        .report_fd = report_fd,
                        .stdout_fd = req->stdout_fd,
                        .control_fd = req->control_fd,
                        .cgroup_fd = req->cgroup_fd,
                        .listen_fds = req->listen_fds,
                        .envp = req->envp,
                        .join_cgroup = join_cgroup,
                        .own_memory = true,
                };
                child(&a);
        }
        *ret_pid = pid;
        *ret_pidfd = pidfd;
        return 0;
}

int spawn_process(const struct spawn_request *req, struct spawn_result *ret) {
        bool borrow = may_borrow(req);
        bool settled = borrow && req->report_in_result; /* no pipe at all */
        int pipe_fds[2] = {-1, -1};
        if (!settled && pipe2(pipe_fds, O_CLOEXEC) < 0)
                return -errno;

        pid_t pid = -1;
        int pidfd = -1;
        struct spawn_report report = {.stage = -1};
        int r = borrow ? spawn_borrowed(req, pipe_fds[1], &report, &pid, &pidfd)
                       : spawn_copied(req, pipe_fds[1], pipe_fds[0], &pid, &pidfd);
        if (pipe_fds[1] >= 0)
                close(pipe_fds[1]);
        if (r < 0) {
                if (pipe_fds[0] >= 0)
                        close(pipe_fds[0]);
                return r;
        }
        if (pidfd < 0 && !req->no_pidfd) {
                pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
                if (pidfd < 0) {
                        /* Without a pidfd we cannot watch it safely: stop it now. */
                        r = -errno;
                        kill(pid, SIGKILL);
                        if (pipe_fds[0] >= 0)
                                close(pipe_fds[0]);
                        return r;
                }
        }
        if (pipe_fds[0] >= 0)
                fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
        *ret = (struct spawn_result){.pid = pid,
                                     .pidfd = pidfd,
                                     .report_fd = pipe_fds[0],
                                     .settled = settled,
                                     .failed = settled && report.stage >= 0,
                                     .report = report};
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
