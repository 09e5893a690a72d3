/* SPDX-License-Identifier: MIT */
/*
 * Kernel-driver services (type kernel-driver): a driver is a kernel module.
 * It is running when /sys/module/NAME exists; start loads it and stop
 * unloads it; it has no process of its own.  NAME is the first word of the
 * command line (with '-' read as '_', as the kernel names modules); the
 * other words are module parameters ("dummy numdummies=2").
 *
 * Loading runs `modprobe -- NAME PARAMS...` and unloading `modprobe -r --
 * NAME` as children, never in the loop: modprobe resolves the module's
 * dependencies, aliases and compressed files, which a finit_module() of our
 * own would have to redo, and a module's init may take long while the
 * loop must keep answering.  Each job is the driver's pending state: the
 * table's process events stand for it (spawned: loaded; spawn-failed:
 * modprobe failed; exited: unloaded).  Its end comes through the SIGCHLD
 * reaping in supervisor.c (driver_child_exited()), with modprobe's output
 * kept from a pipe for the error message.
 *
 * What can be said before any child runs is said at once, as the start's
 * (or stop's) own error: no CAP_SYS_MODULE (PRIVILEGE_NOT_HELD), no
 * modules for the running kernel or no modprobe (FILE_NOT_FOUND), each
 * naming the module.
 *
 * At boot (boot.c's drivers step) boot, system and auto drivers are
 * loaded unless they are already; demand and disabled ones that are
 * loaded are simply found running.  Boot and system drivers still not
 * loaded after that step are the failed drivers (`query_boot_phase`).
 * At shutdown drivers stay loaded, as on Windows.
 */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "boot.h"
#include "cleanup.h"
#include "cmdline.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "service.h"
#include "spawner.h"

#define OUTPUT_KEPT 512 /* the tail of modprobe's output, for the message */

struct driver_job {
        struct driver_job *next;
        struct manager *manager;
        struct service *service;
        bool unload;
        bool boot; /* the boot's drivers step waits for it */
        bool ran;  /* modprobe ran (else the module already was as asked) */
        pid_t pid; /* 0: no child (already in the state asked for) */
        int out_fd;
        struct loop_io out_io;
        char out[OUTPUT_KEPT + 1];
        size_t out_len;
        struct loop_timer timer; /* settles a job without a child */
};

/* ---- the module's name ---- */

/* The command line as words: the module's name (first) and its
 * parameters.  SCM_ERR(INVALID_PARAMETER) with last_error when empty. */
static int module_words(struct service *s, char ***ret) {
        char **argv = NULL;
        int argc = 0;
        const char *reason = "it is empty";
        int r = cmdline_split(s->config.command_line, &argv, &argc, &reason);
        if (r == -ENOMEM)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (r < 0 || argc < 1) {
                strv_free(argv);
                service_set_last_error(s, "kernel driver %s: its command line names no module: %s",
                                       s->config.name, reason);
                return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        }
        *ret = argv;
        return 0;
}

bool driver_module_name_valid(const char *name) {
        if (!name[0] || strlen(name) > 55) /* MODULE_NAME_LEN - 1 */
                return false;
        for (const char *p = name; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
                        return false;
        return true;
}

static bool module_loaded(const char *module) {
        char path[128];
        int n = snprintf(path, sizeof(path), "/sys/module/%s", module);
        for (char *p = path + strlen("/sys/module/"); n > 0 && *p; p++)
                if (*p == '-')
                        *p = '_';
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- what can be said before a child runs ---- */

static bool has_cap_sys_module(void) {
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2] = {0};
        if (syscall(SYS_capget, &h, d) < 0)
                return false;
        return d[CAP_SYS_MODULE / 32].effective & (1u << (CAP_SYS_MODULE % 32));
}

/* modprobe's path, or an error with last_error set. */
static int precheck(struct service *s, const char *module, bool unload, char **ret_path) {
        const char *what = unload ? "unload" : "load";
        if (!has_cap_sys_module()) {
                service_set_last_error(s,
                                       "kernel driver %s: cannot %s kernel module %s: scmd lacks "
                                       "CAP_SYS_MODULE (it runs as uid %d)",
                                       s->config.name, what, module, (int)geteuid());
                return SCM_ERR(SCM_ERROR_PRIVILEGE_NOT_HELD);
        }
        struct utsname u;
        char dir[300];
        struct stat st;
        if (!unload && uname(&u) == 0 &&
            snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release) < (int)sizeof(dir) &&
            stat(dir, &st) < 0) {
                service_set_last_error(s,
                                       "kernel driver %s: kernel module %s is not loaded and "
                                       "cannot be found: this machine has no modules for its "
                                       "kernel %s (%s does not exist)",
                                       s->config.name, module, u.release, dir);
                return SCM_ERR(SCM_ERROR_FILE_NOT_FOUND);
        }
        char *path = spawn_resolve_program("modprobe");
        if (!path) {
                service_set_last_error(s,
                                       "kernel driver %s: cannot %s kernel module %s: modprobe "
                                       "was not found (it is in the kmod package)",
                                       s->config.name, what, module);
                return SCM_ERR(SCM_ERROR_FILE_NOT_FOUND);
        }
        *ret_path = path;
        return 0;
}

/* ---- jobs ---- */

static void job_free(struct driver_job *j) {
        struct manager *m = j->manager;
        for (struct driver_job **pp = &m->drivers->jobs; *pp; pp = &(*pp)->next)
                if (*pp == j) {
                        *pp = j->next;
                        break;
                }
        loop_timer_disarm(m->loop, &j->timer);
        if (j->out_fd >= 0) {
                loop_io_remove(m->loop, &j->out_io);
                close(j->out_fd);
        }
        if (j->service)
                j->service->driver_job = NULL;
        free(j);
}

static void read_output(struct driver_job *j) {
        char buf[4096];
        ssize_t n;
        while (j->out_fd >= 0 && (n = read(j->out_fd, buf, sizeof(buf))) > 0) {
                /* Keep the tail: the last lines say why. */
                size_t keep = (size_t)n > OUTPUT_KEPT ? OUTPUT_KEPT : (size_t)n;
                if (j->out_len + keep > OUTPUT_KEPT) {
                        size_t drop = j->out_len + keep - OUTPUT_KEPT;
                        memmove(j->out, j->out + drop, j->out_len - drop);
                        j->out_len -= drop;
                }
                memcpy(j->out + j->out_len, buf + (size_t)n - keep, keep);
                j->out_len += keep;
        }
        j->out[j->out_len] = '\0';
}

static void on_output(struct loop_io *io, uint32_t events) {
        struct driver_job *j = container_of(io, struct driver_job, out_io);
        read_output(j);
        if (events & (EPOLLHUP | EPOLLERR)) {
                loop_io_remove(j->manager->loop, &j->out_io);
                close(j->out_fd);
                j->out_fd = -1;
        }
}

/* modprobe's last line, without its "modprobe: FATAL: " prefix. */
static const char *last_line(struct driver_job *j) {
        char *s = j->out;
        size_t len = strlen(s);
        while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
                s[--len] = '\0';
        char *nl = strrchr(s, '\n');
        const char *line = nl ? nl + 1 : s;
        const char *fatal = strstr(line, "FATAL: ");
        return fatal ? fatal + strlen("FATAL: ") : line;
}

static void boot_job_done(struct manager *m);

/* The job is over: tells the table, then lets go of the job. */
static void settle(struct driver_job *j, bool ok, int code) {
        struct service *s = j->service;
        struct manager *m = j->manager;
        bool boot = j->boot;
        if (!s) {
                job_free(j);
                return;
        }
        _cleanup_(strv_free_p) char **words = NULL;
        const char *module = module_words(s, &words) >= 0 ? words[0] : s->config.command_line;
        const char *why = last_line(j);
        if (ok) {
                log_info("kernel driver %s: module %s %s", s->config.name, module,
                         j->ran ? (j->unload ? "unloaded" : "loaded")
                                : (j->unload ? "is not loaded" : "is loaded"));
        } else {
                bool missing = strstr(why, "not found") != NULL;
                service_set_last_error(s, "kernel driver %s: cannot %s kernel module %s: %s",
                                       s->config.name, j->unload ? "unload" : "load", module,
                                       why[0] ? why : "modprobe failed");
                log_warning("%s (modprobe's exit status %d)", s->last_error, code);
                if (!j->unload) {
                        s->win32_exit_code = missing ? SCM_ERROR_FILE_NOT_FOUND
                                                     : SCM_ERROR_SERVICE_SPECIFIC_ERROR;
                        s->service_exit_code = missing ? 0 : (uint32_t)code;
                }
        }
        bool unload = j->unload;
        job_free(j);
        if (ok)
                service_dispatch(s, unload ? EV_EXITED : EV_SPAWNED);
        else
                service_dispatch(s, EV_SPAWN_FAILED);
        if (boot)
                boot_job_done(m);
}

static void on_settle_now(struct loop_timer *t) {
        struct driver_job *j = container_of(t, struct driver_job, timer);
        settle(j, true, 0);
}

static struct driver_job *job_new(struct service *s, bool unload) {
        struct driver_job *j = calloc(1, sizeof(*j));
        if (!j)
                return NULL;
        j->manager = s->manager;
        j->service = s;
        j->unload = unload;
        j->out_fd = -1;
        j->next = s->manager->drivers->jobs;
        s->manager->drivers->jobs = j;
        s->driver_job = j;
        return j;
}

static int run_modprobe(struct driver_job *j, const char *path, char **argv) {
        struct service *s = j->service;
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL};
        struct spawn_request req = {.path = path,
                                    .control_fd = -1,
                                    .argv = argv,
                                    .envp = envp,
                                    .stdout_fd = fds[1],
                                    .cgroup_fd = -1,
                                    /* its end comes through SIGCHLD (driver_child_exited) */
                                    .no_pidfd = true};
        struct spawn_result res;
        int r = spawn_process(&req, &res);
        close(fds[1]);
        if (r < 0) {
                close(fds[0]);
                return r;
        }
        close(res.report_fd);
        j->pid = res.pid;
        j->ran = true;
        j->out_fd = fds[0];
        fcntl(j->out_fd, F_SETFL, O_NONBLOCK);
        if (loop_io_add(s->manager->loop, &j->out_io, j->out_fd, EPOLLIN, on_output) < 0) {
                close(j->out_fd);
                j->out_fd = -1;
        }
        log_debug("kernel driver %s: %s runs as pid %d", s->config.name, argv[1], (int)j->pid);
        return 0;
}

/* Starts a load or an unload: settled at once through the loop when the
 * module already is as asked, else by modprobe. */
static int begin(struct service *s, bool unload) {
        _cleanup_(strv_free_p) char **words = NULL;
        int r = module_words(s, &words);
        if (r < 0)
                return r;
        if (s->driver_job)
                return SCM_ERR(SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        if (module_loaded(words[0]) != unload) {
                struct driver_job *j = job_new(s, unload);
                if (!j)
                        return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
                loop_timer_arm(s->manager->loop, &j->timer, now_usec(), on_settle_now);
                return 0;
        }
        _cleanup_free_ char *path = NULL;
        r = precheck(s, words[0], unload, &path);
        if (r < 0) {
                if (unload) /* a failed load is logged by service.c */
                        log_warning("%s", s->last_error);
                return r;
        }
        /* modprobe [-r] -- MODULE [PARAMS...] */
        size_t n = 0;
        while (words[n])
                n++;
        _cleanup_free_ char **argv = calloc(n + 4, sizeof(char *));
        if (!argv)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        size_t a = 0;
        argv[a++] = "modprobe";
        if (unload)
                argv[a++] = "-r";
        argv[a++] = "--";
        for (size_t i = 0; i < (unload ? 1 : n); i++)
                argv[a++] = words[i];
        struct driver_job *j = job_new(s, unload);
        if (!j)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        r = run_modprobe(j, path, argv);
        if (r < 0) {
                job_free(j);
                service_set_last_error(s, "kernel driver %s: cannot run %s: %s", s->config.name,
                                       path, strerror(-r));
                return SCM_ERR(scm_error_from_errno(-r));
        }
        return 0;
}

int driver_load(struct service *s) {
        return begin(s, false);
}

int driver_unload(struct service *s) {
        return begin(s, true);
}

bool driver_child_exited(struct manager *m, const siginfo_t *si) {
        for (struct driver_job *j = m->drivers->jobs; j; j = j->next) {
                if (j->pid != si->si_pid)
                        continue;
                read_output(j); /* what it wrote before it ended */
                bool ok = si->si_code == CLD_EXITED && si->si_status == 0;
                int code = si->si_code == CLD_EXITED ? si->si_status : 128 + si->si_status;
                j->pid = 0;
                settle(j, ok, code);
                return true;
        }
        return false;
}

void driver_service_gone(struct service *s) {
        if (s->driver_job)
                s->driver_job->service = NULL;
        s->driver_job = NULL;
}

/* ---- the boot's drivers step ---- */

static void on_boot_done(struct loop_timer *t) {
        struct manager *m = container_of(t, struct driver_state, boot_timer)->manager;
        void (*done)(struct manager *) = m->drivers->boot_done;
        m->drivers->boot_done = NULL;
        if (done)
                done(m);
}

static void boot_job_done(struct manager *m) {
        if (m->drivers->boot_pending > 0 && --m->drivers->boot_pending == 0)
                loop_timer_arm(m->loop, &m->drivers->boot_timer, now_usec(), on_boot_done);
}

static bool loads_at_boot(enum scm_start_type t) {
        return t == SCM_START_BOOT || t == SCM_START_SYSTEM || t == SCM_START_AUTO;
}

void driver_boot(struct manager *m, void (*done)(struct manager *m)) {
        m->drivers->boot_done = done;
        m->drivers->boot_pending = 0;
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        for (ssize_t i = 0; i < n; i++) {
                struct service *s = all[i];
                _cleanup_(strv_free_p) char **words = NULL;
                if (s->config.type != SCM_TYPE_KERNEL_DRIVER || s->marked_for_delete ||
                    s->state != SCM_STATE_STOPPED)
                        continue;
                if (!loads_at_boot(s->config.start_type) &&
                    (module_words(s, &words) < 0 || !module_loaded(words[0])))
                        continue; /* demand or disabled, and not loaded: nothing to say */
                _cleanup_free_ char *message = NULL;
                int r = service_start(s, NULL, &message); /* a failure is logged there */
                if (r >= 0 && s->driver_job) {
                        s->driver_job->boot = true;
                        m->drivers->boot_pending++;
                }
        }
        if (m->drivers->boot_pending == 0)
                loop_timer_arm(m->loop, &m->drivers->boot_timer, now_usec(), on_boot_done);
}

json_t *driver_failed_json(struct manager *m) {
        json_t *list = json_array();
        if (m->boot->step == BOOT_STEP_DRIVERS)
                return list; /* not settled yet */
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        for (ssize_t i = 0; list && i < n; i++) {
                const struct service *s = all[i];
                enum scm_start_type t = s->config.start_type;
                if (s->config.type != SCM_TYPE_KERNEL_DRIVER ||
                    (t != SCM_START_BOOT && t != SCM_START_SYSTEM) || s->state == SCM_STATE_RUNNING)
                        continue;
                int win32 = (int)s->win32_exit_code;
                json_array_append_new(
                        list, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "name", s->config.name,
                                        "start_type", scm_start_type_name(t), "state",
                                        scm_state_name(s->state), "win32_exit_code", win32, "error",
                                        win32 ? scm_error_name(win32) ?: "" : "", "message",
                                        s->last_error ? s->last_error : ""));
        }
        return list;
}

void driver_finish(struct manager *m) {
        loop_timer_disarm(m->loop, &m->drivers->boot_timer);
        while (m->drivers->jobs) {
                struct driver_job *j = m->drivers->jobs;
                if (j->pid > 0) {
                        log_warning("kernel driver %s: modprobe (pid %d) still runs at exit; "
                                    "killing it",
                                    j->service ? j->service->config.name : "?", (int)j->pid);
                        kill(j->pid, SIGKILL);
                        waitpid(j->pid, NULL, 0);
                }
                job_free(j);
        }
}
