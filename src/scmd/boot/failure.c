/* SPDX-License-Identifier: MIT */
/*
 * Failure actions: what scmd does when a service fails.
 *
 * A failure is decided once, when a service enters STOPPED (service.c's
 * enter() calls failure_service_entered()): a process that ended without
 * reporting STOPPED (PROCESS_ABORTED), a hang (SERVICE_START_HANG, or
 * SERVICE_REQUEST_TIMEOUT after a pending state or a watchdog made no
 * progress), and, when the service's non-crash flag is set, any other
 * non-zero Win32 exit code.  Never a failure: a stop that a client or the
 * shutdown asked for (s->stop_requested), a start that failed before exec,
 * anything while scmd shuts down.
 *
 * The Nth failure takes the Nth action, any later one the last; the count
 * goes back to 0 once the reset period passes without a failure.  Each
 * service has at most one action waiting (its action timer): a later
 * failure replaces it.  The actions:
 *   - restart: when the delay has passed, start the service if it is still
 *     stopped and neither disabled nor deleted meanwhile (a restart already
 *     waiting happens also after a manual start and stop, as on Windows);
 *   - run: the failure command, "%1%" replaced by the count, as the
 *     service's account with its privileges and confinement (security.c's
 *     plan), its output into the service's log;
 *   - reboot: broadcast the message, stop every service in order, then run
 *     the reboot hook (recovery_finish(), after the loop).
 * Each failure and each action is logged, in scmd's log and as an "scm:"
 * line in the service's own log, both with timestamps.
 *
 * No fixed throttle: restart with delay 0 starts the service on the next
 * turn of the loop.  What holds a crash loop back is what the
 * administrator configured, the delays and the reset period, nothing
 * hidden.
 *
 * The configuration is read from the database when a failure needs it:
 * failures are rare, and a copy in memory could drift from the database
 * (a roll back to last known good replaces the tables under us).  The
 * state of the whole section (options, the reboot asked for, the commands
 * running) is kept in statics: there is one scmd per process.
 *
 * Why one file of about 700 lines: the count, its reset period, the
 * pending action and its timer, the failure commands still running and the
 * reboot they may lead to are one per-service state that each part reads
 * and writes; the pure arithmetic is apart in its functions (tested on
 * its own) and the configuration's objects in config/failure_config.c.
 * The failure commands (a list of their own, reaped by pid) are the first
 * part to move out should it grow.
 */
#include "failure.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "depend.h"
#include "lkg.h"
#include "log.h"
#include "manager.h"
#include "process.h"
#include "registry.h"
#include "security.h"
#include "supervisor.h"

#define SERVICE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* How long scmd waits for the reboot hook before it exits anyway. */
#define REBOOT_HOOK_TIMEOUT_MS 60000

/* ---- the arithmetic ---- */

unsigned failure_count_current(unsigned count, usec_t last_failure, usec_t now,
                               uint32_t reset_period_s) {
        if (count == 0 || reset_period_s == FAILURE_RESET_INFINITE)
                return count;
        usec_t quiet = now > last_failure ? now - last_failure : 0;
        return quiet >= (usec_t)reset_period_s * USEC_PER_SEC ? 0 : count;
}

const struct failure_action *failure_action_for(const struct failure_config *c, unsigned count) {
        if (count == 0 || c->n_actions == 0)
                return NULL;
        return &c->actions[(count < c->n_actions ? count : c->n_actions) - 1];
}

enum failure_kind failure_classify(uint32_t win32, bool desired_running, bool stop_requested,
                                   bool exec_failed, bool non_crash_failures) {
        if (win32 == 0 || stop_requested || exec_failed)
                return FAILURE_NOT;
        if (desired_running && win32 == SCM_ERROR_PROCESS_ABORTED)
                return FAILURE_CRASH;
        if (desired_running &&
            (win32 == SCM_ERROR_SERVICE_START_HANG || win32 == SCM_ERROR_SERVICE_REQUEST_TIMEOUT))
                return FAILURE_HANG;
        return non_crash_failures ? FAILURE_NON_CRASH : FAILURE_NOT;
}

char *failure_expand_command(const char *cmd, unsigned count) {
        char num[16];
        int numlen = snprintf(num, sizeof(num), "%u", count);
        size_t n = 0;
        for (const char *p = cmd; (p = strstr(p, "%1%")); p += 3)
                n++;
        char *out = malloc(strlen(cmd) + n * (size_t)numlen + 1), *o = out;
        if (!out)
                return NULL;
        for (const char *p = cmd; *p;) {
                if (strncmp(p, "%1%", 3) == 0) {
                        memcpy(o, num, (size_t)numlen);
                        o += numlen;
                        p += 3;
                } else {
                        *o++ = *p++;
                }
        }
        *o = '\0';
        return out;
}

/* ---- options ---- */

static char *reboot_command; /* --reboot-command; NULL: the mode's default */
static bool reboot_command_set;

const char recovery_options_help[] =
        "  --reboot-command CMD  what the reboot failure action runs once every service has\n"
        "                        stopped (default: systemctl reboot, or /sbin/reboot, in\n"
        "                        system mode; nothing in user and --root mode; \"\": nothing)\n"
        "  --boot-accept MODE    auto (default): the boot is accepted, and the configuration\n"
        "                        saved as last known good, once the auto-start services have\n"
        "                        started; manual: only by scctl boot accept\n";

int recovery_set_option(const char *name, const char *value) {
        if (strcmp(name, "boot-accept") == 0)
                return lkg_set_boot_accept(value);
        if (strcmp(name, "reboot-command") != 0)
                return -EINVAL;
        const char *reason;
        char **argv;
        int argc;
        if (value[0] && cmdline_split(value, &argv, &argc, &reason) < 0) {
                fprintf(stderr, "scmd: --reboot-command: %s\n", reason ? reason : "out of memory");
                return -EINVAL;
        }
        if (value[0])
                strv_free(argv);
        free(reboot_command);
        reboot_command = strdup(value);
        reboot_command_set = true;
        return reboot_command ? 0 : -ENOMEM;
}

/* ---- the service's log ---- */

/* Appends "TIMESTAMP scm: TEXT" to the service's log, the way its own
 * lines are stamped, so scctl logs shows what scmd did to it. */
static void note(const struct service *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void note(const struct service *s, const char *fmt, ...) {
        char line[1024];
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
        n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ scm: ", ts.tv_nsec / 1000000);
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
        va_end(ap);
        n = m < 0 ? n : n + (size_t)m;
        if (n > sizeof(line) - 2)
                n = sizeof(line) - 2;
        line[n++] = '\n';
        _cleanup_close_ int fd = open(s->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd >= 0)
                (void)!write(fd, line, n);
}

/* ---- per service ---- */

/* The count and clock saved by an earlier scmd (db_process.c): a crash or
 * a re-exec does not start a service's failures from zero.  The clock is
 * saved as wall time and turned back into this boot's monotonic time. */
static void recovery_restore(const struct service *s, struct service_recovery *rec) {
        uint32_t count = 0;
        int64_t at = 0;
        if (!s->manager->db || db_recovery_load(s->manager->db, s->id, &count, &at) <= 0 || !count)
                return;
        int64_t age = (int64_t)time(NULL) - at;
        usec_t now = now_usec(), ago = age > 0 ? (usec_t)age * USEC_PER_SEC : 0;
        rec->failure_count = count;
        rec->last_failure = now > ago ? now - ago : 0;
}

/* The action waiting on its delay, in the database (migration 17): a
 * crash or re-exec of scmd carries it over (failure_resume_pending). */
static void pending_save(const struct service *s, const char *action, unsigned count,
                         int64_t due_ms) {
        if (s->manager->db &&
            db_recovery_save_pending(s->manager->db, s->id, action, count, due_ms) < 0)
                log_warning("service %s: cannot record its waiting failure action", s->config.name);
}

static int64_t wall_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A failure, in the database: its count and the action waiting on its
 * delay (action NULL: none), one statement, so a restart costs one write
 * before it and one (the record cleared) after. */
static void failure_save(const struct service *s, const struct service_recovery *rec,
                         const char *action, unsigned count, int64_t due_ms) {
        if (s->manager->db &&
            db_recovery_save_failure(s->manager->db, s->id, rec->failure_count, (int64_t)time(NULL),
                                     action, count, due_ms) < 0)
                log_warning("service %s: cannot save its failure count and action", s->config.name);
}

struct service_recovery *failure_recovery_of(struct service *s) {
        if (!s->recovery) {
                s->recovery = calloc(1, sizeof(*s->recovery));
                if (s->recovery) {
                        s->recovery->service = s;
                        recovery_restore(s, s->recovery);
                }
        }
        return s->recovery;
}

void failure_service_free(struct service *s) {
        struct service_recovery *rec = s->recovery;
        if (!rec)
                return;
        loop_timer_disarm(s->manager->loop, &rec->action_timer);
        if (rec->boot_pending)
                lkg_service_gone(s);
        free(rec);
        s->recovery = NULL;
}

void failure_cancel_all(struct manager *m) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        for (ssize_t i = 0; i < n; i++) {
                struct service_recovery *rec = all[i]->recovery;
                if (rec && loop_timer_armed(&rec->action_timer)) {
                        loop_timer_disarm(m->loop, &rec->action_timer);
                        pending_save(all[i], NULL, 0, 0);
                        log_info("service %s: the %s waiting after failure %u is cancelled",
                                 all[i]->config.name, failure_action_name(rec->pending),
                                 rec->pending_count);
                }
        }
}

int failure_runtime_json(const struct service *s, const struct failure_config *c, json_t *o) {
        const struct service_recovery *rec = s->recovery;
        struct service_recovery saved = {0};
        if (!rec)
                recovery_restore(s, &saved); /* none in memory yet: what was saved */
        const struct service_recovery *counts = rec ? rec : &saved;
        usec_t now = now_usec();
        unsigned count = failure_count_current(counts->failure_count, counts->last_failure, now,
                                               c->reset_period_s);
        json_t *pending = json_null();
        if (rec && loop_timer_armed(&rec->action_timer)) {
                usec_t left = rec->action_timer.when > now ? rec->action_timer.when - now : 0;
                pending = json_pack("{s:s, s:I, s:I}", "type", failure_action_name(rec->pending),
                                    "failure", (json_int_t)rec->pending_count, "in_ms",
                                    (json_int_t)(left / USEC_PER_MSEC));
        }
        if (!pending || json_object_set_new(o, "failure_count", json_integer(count)) < 0 ||
            json_object_set_new(o, "pending_action", pending) < 0)
                return -ENOMEM;
        return 0;
}

/* ---- the failure commands ---- */

/* A failure command still running: reaped through failure_command_reap(). */
struct failure_command {
        struct failure_command *next;
        pid_t pid;
        int report_fd; /* EOF: exec succeeded */
        unsigned count;
        char *service;  /* its name, for the log: the service may go first */
        char *log_path; /* the service's log, where its output goes */
        struct log_capture log;
};

static struct failure_command *commands;

static void command_free(struct failure_command *cmd) {
        if (cmd->report_fd >= 0)
                close(cmd->report_fd);
        log_capture_close(&cmd->log);
        free(cmd->service);
        free(cmd->log_path);
        free(cmd);
}

void failure_command_reap(struct manager *m, pid_t pid) {
        (void)m;
        for (struct failure_command **p = &commands; *p; p = &(*p)->next) {
                struct failure_command *cmd = *p;
                if (cmd->pid != pid)
                        continue;
                *p = cmd->next;
                siginfo_t si = {0};
                waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
                struct spawn_report rep;
                if (spawn_read_report(cmd->report_fd, &rep) == 1)
                        log_warning("service %s: failure %u: the command could not %s: %s",
                                    cmd->service, cmd->count,
                                    spawn_stage_name((enum spawn_stage)rep.stage),
                                    strerror(rep.error));
                else if (si.si_code == CLD_EXITED)
                        log_info("service %s: failure %u: the command (pid %d) exited with code %d",
                                 cmd->service, cmd->count, (int)pid, si.si_status);
                else
                        log_info("service %s: failure %u: the command (pid %d) was killed by "
                                 "signal %d",
                                 cmd->service, cmd->count, (int)pid, si.si_status);
                command_free(cmd);
                return;
        }
}

static int env_add(char ***env, size_t *n, const char *key, const char *value) {
        char **v = realloc(*env, (*n + 2) * sizeof(char *));
        if (!v)
                return -ENOMEM;
        *env = v;
        if (asprintf(&v[*n], "%s=%s", key, value) < 0)
                return -ENOMEM;
        v[++*n] = NULL;
        return 0;
}

/* The command's environment: the account's, as a service gets it (never
 * a copy of scmd's), plus the failure count. */
static char **command_env(const struct service *s, const struct security_plan *p, unsigned count) {
        const struct passwd *pw = p->pw;
        char num[16];
        snprintf(num, sizeof(num), "%u", count);
        const char *vars[][2] = {
                {"PATH", SERVICE_PATH},
                {"HOME", pw->pw_dir},
                {"USER", pw->pw_name},
                {"LOGNAME", pw->pw_name},
                {"SHELL", pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh"},
                {"LANG", getenv("LANG")},
                {"LC_ALL", getenv("LC_ALL")},
                {"TZ", getenv("TZ")},
                {"SCM_SERVICE_NAME", s->config.name},
                {"SCM_FAILURE_COUNT", num},
        };
        char **env = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = env ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(vars); i++)
                if (vars[i][1])
                        r = env_add(&env, &n, vars[i][0], vars[i][1]);
        if (r >= 0)
                r = security_plan_env(p, &env);
        if (r < 0) {
                strv_free(env);
                return NULL;
        }
        return env;
}

static void run_command(struct service *s, unsigned count) {
        struct manager *m = s->manager;
        _cleanup_(failure_config_clear) struct failure_config c = {0};
        int r = db_failure_load(m->db, s->id, &c);
        if (r < 0 || !c.command[0]) {
                log_warning("service %s: failure %u: no command to run%s%s", s->config.name, count,
                            r < 0 ? ": " : " (set one with scctl failure --command)",
                            r < 0 ? strerror(-r) : "");
                return;
        }
        _cleanup_free_ char *line = failure_expand_command(c.command, count);
        _cleanup_(strv_free_p) char **argv = NULL;
        int argc;
        const char *reason = "out of memory";
        if (!line || cmdline_split(line, &argv, &argc, &reason) < 0) {
                log_warning("service %s: failure %u: bad command line: %s", s->config.name, count,
                            reason);
                return;
        }
        _cleanup_(security_plan_freep) struct security_plan *plan = NULL;
        _cleanup_free_ char *error = NULL;
        if (process_security_plan(s, &plan, &error) < 0) {
                log_warning("service %s: failure %u: cannot run the command as the service: %s",
                            s->config.name, count, error ? error : "out of memory");
                return;
        }
        _cleanup_free_ char *path = spawn_resolve_program(argv[0]);
        if (!path) {
                log_warning("service %s: failure %u: cannot run '%s': %m", s->config.name, count,
                            argv[0]);
                return;
        }
        _cleanup_(strv_free_p) char **envp = command_env(s, plan, count);
        struct failure_command *cmd = calloc(1, sizeof(*cmd));
        if (!envp || !cmd || !(cmd->service = strdup(s->config.name)) ||
            !(cmd->log_path = strdup(s->log_path))) {
                if (cmd)
                        free(cmd->service);
                free(cmd);
                log_error("service %s: failure %u: out of memory for the command", s->config.name,
                          count);
                return;
        }
        cmd->report_fd = -1;
        cmd->count = count;
        log_capture_init(&cmd->log);
        _cleanup_close_ int out_fd = -1;
        r = log_capture_open(&cmd->log, m->loop, cmd->log_path, &out_fd);
        if (r < 0)
                out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        struct spawn_request req = {
                .path = path,
                .control_fd = -1,
                .argv = argv,
                .envp = envp,
                .stdout_fd = out_fd,
                .cgroup_fd = -1, /* not the service: it must not hold the service up */
                .security = plan,
                .no_pidfd = true, /* our child: its pid stays ours until reaped */
        };
        struct spawn_result res;
        r = out_fd < 0 ? -errno : spawn_process(&req, &res);
        if (r < 0) {
                log_warning("service %s: failure %u: cannot start the command: %s", s->config.name,
                            count, strerror(-r));
                command_free(cmd);
                return;
        }
        cmd->pid = res.pid;
        cmd->report_fd = res.report_fd;
        cmd->next = commands;
        commands = cmd;
        log_info("service %s: failure %u: running the command '%s' as pid %d", s->config.name,
                 count, line, (int)res.pid);
        note(s, "failure %u: running the command '%s' (pid %d)", count, line, (int)res.pid);
}

/* ---- reboot ---- */

static struct {
        bool requested;
        char *message;
        char *service;
} reboot;

/* wall(1) to the users logged in, in system mode only: an scmd in user or
 * --root mode does not own the machine's terminals.  Not waited for; the
 * loop reaps it as any other child. */
static void broadcast(struct manager *m, const char *text) {
        if (m->paths.mode != SCM_MODE_SYSTEM)
                return;
        _cleanup_free_ char *path = spawn_resolve_program("wall");
        if (!path) {
                log_info("no wall(1): the reboot message is in this log only");
                return;
        }
        char *argv[] = {(char *)"wall", (char *)text, NULL};
        char *envp[] = {(char *)"PATH=" SERVICE_PATH, NULL};
        _cleanup_close_ int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        struct spawn_request req = {.path = path,
                                    .control_fd = -1,
                                    .argv = argv,
                                    .envp = envp,
                                    .stdout_fd = null_fd,
                                    .cgroup_fd = -1,
                                    .no_pidfd = true};
        struct spawn_result res;
        if (null_fd < 0 || spawn_process(&req, &res) < 0) {
                log_warning("cannot run wall(1) for the reboot message: %m");
                return;
        }
        close(res.report_fd);
}

static void reboot_machine(struct service *s, unsigned count) {
        struct manager *m = s->manager;
        if (reboot.requested || m->shutting_down)
                return;
        _cleanup_(failure_config_clear) struct failure_config c = {0};
        int r = db_failure_load(m->db, s->id, &c);
        char *text = NULL;
        if (r >= 0 && c.reboot_message[0])
                text = strdup(c.reboot_message);
        else if (asprintf(&text, "The service %s failed %u times; this computer restarts.",
                          s->config.name, count) < 0)
                text = NULL;
        reboot.requested = true;
        reboot.message = text;
        reboot.service = strdup(s->config.name);
        log_warning("service %s: failure %u: rebooting: %s", s->config.name, count,
                    text ? text : "(no message: out of memory)");
        note(s, "failure %u: rebooting: %s", count, text ? text : "");
        if (text)
                broadcast(m, text);
        manager_begin_shutdown(m);
}

/* The reboot hook's command line: --reboot-command, else the mode's. */
static const char *reboot_hook(const struct manager *m) {
        if (reboot_command_set)
                return reboot_command;
        if (m->paths.mode != SCM_MODE_SYSTEM)
                return NULL;
        return access("/run/systemd/system", F_OK) == 0 ? "systemctl reboot" : "/sbin/reboot";
}

static void run_reboot_hook(const struct manager *m) {
        const char *hook = reboot_hook(m);
        if (!hook || !hook[0]) {
                log_warning(
                        "a reboot was asked for (service %s), but scmd has no reboot command in "
                        "%s mode (--reboot-command): exiting without a reboot",
                        reboot.service ? reboot.service : "?", scm_mode_name(m->paths.mode));
                return;
        }
        _cleanup_(strv_free_p) char **argv = NULL, **envp = NULL;
        int argc;
        const char *reason = "out of memory";
        _cleanup_free_ char *path = NULL;
        size_t n = 0;
        if (cmdline_split(hook, &argv, &argc, &reason) < 0 ||
            !(path = spawn_resolve_program(argv[0])) || !(envp = calloc(1, sizeof(char *))) ||
            env_add(&envp, &n, "PATH", SERVICE_PATH) < 0 ||
            env_add(&envp, &n, "SCM_REBOOT_MESSAGE", reboot.message ? reboot.message : "") < 0 ||
            env_add(&envp, &n, "SCM_REBOOT_SERVICE", reboot.service ? reboot.service : "") < 0) {
                log_error("cannot run the reboot command '%s': %s", hook,
                          path || !argv ? reason : strerror(errno));
                return;
        }
        struct spawn_request req = {.path = path,
                                    .control_fd = -1,
                                    .argv = argv,
                                    .envp = envp,
                                    .stdout_fd = STDERR_FILENO,
                                    .cgroup_fd = -1};
        struct spawn_result res;
        int r = spawn_process(&req, &res);
        if (r < 0) {
                log_error("cannot run the reboot command '%s': %s", hook, strerror(-r));
                return;
        }
        log_info("every service has stopped; running the reboot command '%s' (pid %d)", hook,
                 (int)res.pid);
        struct pollfd pfd = {.fd = res.pidfd, .events = POLLIN};
        siginfo_t si = {0};
        if (poll(&pfd, 1, REBOOT_HOOK_TIMEOUT_MS) == 1 &&
            waitid(P_PID, (id_t)res.pid, &si, WEXITED) == 0 && si.si_code == CLD_EXITED &&
            si.si_status == 0)
                log_info("the reboot command succeeded");
        else if (si.si_pid)
                log_error("the reboot command failed (%s %d)",
                          si.si_code == CLD_EXITED ? "exit code" : "signal", si.si_status);
        else
                log_error("the reboot command did not end within %d s; leaving it",
                          REBOOT_HOOK_TIMEOUT_MS / 1000);
        close(res.pidfd);
        close(res.report_fd);
}

void recovery_finish(struct manager *m) {
        while (commands) {
                struct failure_command *cmd = commands;
                commands = cmd->next;
                command_free(cmd); /* the command itself keeps running */
        }
        lkg_finish();
        if (reboot.requested)
                run_reboot_hook(m);
        free(reboot.message);
        free(reboot.service);
        reboot.message = reboot.service = NULL;
        reboot.requested = false;
        free(reboot_command);
        reboot_command = NULL;
}

/* ---- failures ---- */

static void restart(struct service *s, unsigned count) {
        const char *why = s->marked_for_delete                         ? "it is marked for delete"
                          : s->config.start_type == SCM_START_DISABLED ? "it is disabled"
                          : s->state != SCM_STATE_STOPPED              ? "it is not stopped"
                                                                       : NULL;
        if (why) {
                log_info("service %s: failure %u: no restart: %s", s->config.name, count, why);
                return;
        }
        log_info("service %s: failure %u: restarting it", s->config.name, count);
        note(s, "failure %u: restarting the service", count);
        _cleanup_free_ char *message = NULL;
        int r = depend_start_service(s, &message); /* its stopped dependencies first */
        if (r < 0)
                log_warning("service %s: failure %u: the restart failed: %s", s->config.name, count,
                            message ? message : scm_error_message(scm_error_win32(r)));
}

static void on_action(struct loop_timer *t) {
        struct service_recovery *rec = container_of(t, struct service_recovery, action_timer);
        struct service *s = rec->service;
        if (s->manager->shutting_down) {
                log_info("service %s: failure %u: no %s: scmd is shutting down", s->config.name,
                         rec->pending_count, failure_action_name(rec->pending));
                return;
        }
        switch (rec->pending) {
        case FAILURE_ACTION_RESTART:
                restart(s, rec->pending_count);
                break;
        case FAILURE_ACTION_RUN:
                run_command(s, rec->pending_count);
                break;
        case FAILURE_ACTION_REBOOT:
                reboot_machine(s, rec->pending_count);
                break;
        default:
                break;
        }
        /* Done, then forgotten: a crash in between finds the service no
         * longer stopped, and drops the record (failure_resume_pending).
         * A timer armed again meanwhile is a newer failure's, recorded. */
        if (!loop_timer_armed(&rec->action_timer))
                pending_save(s, NULL, 0, 0);
}

void failure_resume_pending(struct manager *m) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        for (ssize_t i = 0; i < n; i++) {
                struct service *s = all[i];
                _cleanup_free_ char *action = NULL;
                uint32_t count = 0;
                int64_t due = 0;
                if (db_recovery_load_pending(m->db, s->id, &action, &count, &due) <= 0)
                        continue;
                struct service_recovery *rec = failure_recovery_of(s);
                if (rec && loop_timer_armed(&rec->action_timer))
                        continue; /* a newer failure's (adopt.c), already recorded */
                if (s->state != SCM_STATE_STOPPED || !rec) {
                        pending_save(s, NULL, 0, 0); /* done before the crash */
                        continue;
                }
                int64_t left = due - wall_ms();
                rec->pending = failure_action_from_name(action);
                rec->pending_count = count;
                loop_timer_arm(m->loop, &rec->action_timer,
                               now_usec() + (left > 0 ? (usec_t)left * USEC_PER_MSEC : 0),
                               on_action);
                log_info("service %s: the %s waiting after failure %u is carried over (due in "
                         "%lld ms)",
                         s->config.name, action, count, (long long)(left > 0 ? left : 0));
        }
}

static const char *action_text(enum failure_action_type t) {
        switch (t) {
        case FAILURE_ACTION_RESTART:
                return "restart";
        case FAILURE_ACTION_RUN:
                return "run the command";
        case FAILURE_ACTION_REBOOT:
                return "reboot";
        default:
                return "nothing";
        }
}

static const char *kind_text(enum failure_kind k) {
        switch (k) {
        case FAILURE_CRASH:
                return "the process ended without reporting STOPPED";
        case FAILURE_HANG:
                return "it hung";
        default:
                return "it stopped with an error";
        }
}

/* The service reached STOPPED: was it a failure, and what follows. */
static void service_stopped(struct service *s) {
        struct manager *m = s->manager;
        bool requested = s->stop_requested;
        s->stop_requested = false;
        /* The sentence of a failed start is set only when exec failed this run. */
        bool exec_failed = s->last_error != NULL;
        if (m->shutting_down || requested || exec_failed || s->win32_exit_code == 0)
                return;

        _cleanup_(failure_config_clear) struct failure_config c = {0};
        int r = db_failure_load(m->db, s->id, &c);
        if (r < 0) {
                log_warning("service %s: cannot read its failure actions: %s", s->config.name,
                            strerror(-r));
                return;
        }
        enum failure_kind kind =
                failure_classify(s->win32_exit_code, s->desired == SCM_STATE_RUNNING, requested,
                                 exec_failed, c.non_crash_failures);
        if (kind == FAILURE_NOT)
                return;
        struct service_recovery *rec = failure_recovery_of(s);
        if (!rec) {
                log_error("service %s: out of memory for its failure count", s->config.name);
                return;
        }
        usec_t now = now_usec();
        unsigned count =
                failure_count_current(rec->failure_count, rec->last_failure, now, c.reset_period_s);
        rec->failure_count = count < UINT_MAX ? count + 1 : count;
        rec->last_failure = now;
        count = rec->failure_count;
        const struct failure_action *a = failure_action_for(&c, count);
        bool acts = a && a->type != FAILURE_ACTION_NONE;
        /* Persist, then act: the count and the action it brings, in one write. */
        failure_save(s, rec, acts ? failure_action_name(a->type) : NULL, count,
                     acts ? wall_ms() + a->delay_ms : 0);

        const char *code = scm_error_name((int)s->win32_exit_code) ?: "an error of its own";
        if (loop_timer_armed(&rec->action_timer)) {
                loop_timer_disarm(m->loop, &rec->action_timer);
                log_info("service %s: the %s waiting after failure %u is replaced", s->config.name,
                         failure_action_name(rec->pending), rec->pending_count);
        }
        if (!acts) {
                log_warning("service %s: failure %u (%s: %s); no action", s->config.name, count,
                            kind_text(kind), code);
                note(s, "failure %u (%s); no action", count, code);
                return;
        }
        log_warning("service %s: failure %u (%s: %s); %s in %u ms", s->config.name, count,
                    kind_text(kind), code, action_text(a->type), a->delay_ms);
        note(s, "failure %u (%s); %s in %u ms", count, code, action_text(a->type), a->delay_ms);
        rec->pending = a->type;
        rec->pending_count = count;
        loop_timer_arm(m->loop, &rec->action_timer, now + (usec_t)a->delay_ms * USEC_PER_MSEC,
                       on_action);
}

void failure_service_entered(struct service *s, enum scm_state old) {
        if (s->state == SCM_STATE_STOPPED)
                service_stopped(s);
        lkg_service_entered(s, old);
}
