/* SPDX-License-Identifier: MIT */
/*
 * scmd's entry point: the start-up order of the Windows SCM.
 *
 *   1. options, paths, folders, and the instance lock (one scmd per root);
 *   2. unless --foreground: fork; the parent exits 0 only once the child
 *      is ready, so "scmd && scctl ..." never races;
 *   3. signals, cgroups (killing what an earlier scmd left behind);
 *   4. the database: open, migrate, load every service;
 *   5. only now the socket: a client that came early has been retrying;
 *   6. the boot sequence (boot.c), then the loop until the shutdown
 *      sequence (shutdown.c) is over.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scm/types.h>

#include "acl.h"
#include "activation.h"
#include "instance.h"
#include "service_trigger.h"
#include "adopt.h"
#include "boot.h"
#include "cgroup.h"
#include "resources.h"
#include "cleanup.h"
#include "db.h"
#include "depend.h"
#include "driver.h"
#include "events.h"
#include "failure.h"
#include "fdholder.h"
#include "lock.h"
#include "log.h"
#include "logcapture.h"
#include "loop.h"
#include "manager.h"
#include "clock_watch.h"
#include "mounts.h"
#include "notify.h"
#include "paths.h"
#include "registry.h"
#include "credentials.h"
#include "secrets.h"
#include "security.h"
#include "spawner.h"
#include "selfnotify.h"
#include "server.h"
#include "shutdown.h"
#include "session_watch.h"
#include "supervisor.h"
#include "task.h"
#include "timeline.h"
#include "utmp.h"

struct options {
        enum scm_mode mode;
        const char *root;
        bool foreground;
        bool reexec; /* --reexec: executed again by daemon_reexec (no fork, no readiness) */
        bool debug;
        struct manager_options manager;
};

static void usage(FILE *f) {
        fprintf(f,
                "Usage: scmd [OPTIONS]\n"
                "The scm Service Control Manager daemon.\n\n"
                "Modes (default: --system as root, else --user):\n"
                "  --system              database in /var/lib/scm, socket /run/scm/scm.sock\n"
                "  --user                database in $XDG_STATE_HOME/scm, socket "
                "$XDG_RUNTIME_DIR/scm/scm.sock\n"
                "  --root DIR            everything under DIR (db/, run/, log/)\n\n"
                "Options:\n"
                "  --foreground          stay in the foreground and log to stderr\n"
                "  --stop-timeout MS     grace after SIGTERM before a service is killed (default "
                "20000)\n"
                "  --log-max-size BYTES  rotate a service's log past this size (default 1048576)\n"
                "  --log-keep N          rotated logs kept per service (default 3)\n"
                "  --debug               log debug messages too\n"
                "  --utmp FILE           the login sessions' record (default /var/run/utmp)\n"
                "%s"
                "%s"
                "%s"
                "%s"
                "  -h, --help            show this help\n"
                "  --version             show the version\n",
                boot_options_help, security_options_help, recovery_options_help, acl_options_help);
}

static int parse_number(const char *s, unsigned long long max, unsigned long long *ret) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *end || v > max || s[0] == '-')
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_options(int argc, char **argv, struct options *o) {
        enum {
                OPT_SYSTEM = 256,
                OPT_USER,
                OPT_ROOT,
                OPT_FOREGROUND,
                OPT_STOP_TIMEOUT,
                OPT_LOG_MAX,
                OPT_LOG_KEEP,
                OPT_DEBUG,
                OPT_VERSION,
                OPT_CONSOLE,
                OPT_SERVICE_GID_RANGE,
                OPT_REBOOT_COMMAND,
                OPT_BOOT_ACCEPT,
                OPT_DELAYED_AUTO_DELAY,
                OPT_SHUTDOWN_BUDGET,
                OPT_ADMIN_GROUP,
                OPT_UTMP,
                OPT_REEXEC,
        };
        static const struct option longopts[] = {
                {"system", no_argument, NULL, OPT_SYSTEM},
                {"user", no_argument, NULL, OPT_USER},
                {"root", required_argument, NULL, OPT_ROOT},
                {"foreground", no_argument, NULL, OPT_FOREGROUND},
                {"stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT},
                {"log-max-size", required_argument, NULL, OPT_LOG_MAX},
                {"log-keep", required_argument, NULL, OPT_LOG_KEEP},
                {"debug", no_argument, NULL, OPT_DEBUG},
                {"help", no_argument, NULL, 'h'},
                {"version", no_argument, NULL, OPT_VERSION},
                {"console", required_argument, NULL, OPT_CONSOLE},
                {"service-gid-range", required_argument, NULL, OPT_SERVICE_GID_RANGE},
                {"reboot-command", required_argument, NULL, OPT_REBOOT_COMMAND},
                {"boot-accept", required_argument, NULL, OPT_BOOT_ACCEPT},
                {"delayed-auto-delay", required_argument, NULL, OPT_DELAYED_AUTO_DELAY},
                {"shutdown-budget", required_argument, NULL, OPT_SHUTDOWN_BUDGET},
                {"admin-group", required_argument, NULL, OPT_ADMIN_GROUP},
                {"utmp", required_argument, NULL, OPT_UTMP},
                {"reexec", no_argument, NULL, OPT_REEXEC}, /* scmd's own, not in --help */
                {0},
        };
        unsigned long long v;
        int c;
        while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                switch (c) {
                case OPT_SYSTEM:
                        o->mode = SCM_MODE_SYSTEM;
                        break;
                case OPT_USER:
                        o->mode = SCM_MODE_USER;
                        break;
                case OPT_ROOT:
                        o->mode = SCM_MODE_ROOT;
                        o->root = optarg;
                        break;
                case OPT_FOREGROUND:
                        o->foreground = true;
                        break;
                case OPT_STOP_TIMEOUT:
                        if (parse_number(optarg, 24ULL * 3600 * 1000, &v) < 0) {
                                fprintf(stderr,
                                        "scmd: --stop-timeout takes milliseconds, not '%s'\n",
                                        optarg);
                                return -EINVAL;
                        }
                        o->manager.stop_timeout = v * USEC_PER_MSEC;
                        break;
                case OPT_LOG_MAX:
                        if (parse_number(optarg, 1ULL << 40, &v) < 0 || v < 1024) {
                                fprintf(stderr,
                                        "scmd: --log-max-size takes bytes (at least 1024), not "
                                        "'%s'\n",
                                        optarg);
                                return -EINVAL;
                        }
                        o->manager.log_max_size = v;
                        break;
                case OPT_LOG_KEEP:
                        if (parse_number(optarg, 100, &v) < 0) {
                                fprintf(stderr,
                                        "scmd: --log-keep takes a count from 0 to 100, not '%s'\n",
                                        optarg);
                                return -EINVAL;
                        }
                        o->manager.log_keep = (unsigned)v;
                        break;
                case OPT_DEBUG:
                        o->debug = true;
                        break;
                case OPT_REEXEC:
                        o->reexec = true;
                        break;
                case OPT_CONSOLE:
                case OPT_SERVICE_GID_RANGE:
                        if (security_set_option(c == OPT_CONSOLE ? "console" : "service-gid-range",
                                                optarg) < 0)
                                return -EINVAL;
                        break;
                case OPT_REBOOT_COMMAND:
                case OPT_BOOT_ACCEPT:
                        if (recovery_set_option(c == OPT_BOOT_ACCEPT ? "boot-accept"
                                                                     : "reboot-command",
                                                optarg) < 0)
                                return -EINVAL;
                        break;
                case OPT_DELAYED_AUTO_DELAY:
                case OPT_SHUTDOWN_BUDGET:
                        if (boot_set_option(&o->manager,
                                            c == OPT_SHUTDOWN_BUDGET ? "shutdown-budget"
                                                                     : "delayed-auto-delay",
                                            optarg) < 0)
                                return -EINVAL;
                        break;
                case OPT_ADMIN_GROUP:
                        if (acl_set_option("admin-group", optarg) < 0)
                                return -EINVAL;
                        break;
                case OPT_UTMP:
                        if (utmp_set_path(optarg) < 0)
                                return -ENOMEM;
                        break;
                case 'h':
                        usage(stdout);
                        exit(0);
                case OPT_VERSION:
                        printf("scmd %s\n", SCM_VERSION);
                        exit(0);
                default:
                        usage(stderr);
                        return -EINVAL;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "scmd: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        return 0;
}

static int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++)
                if (*s == '/') {
                        *s = '\0';
                        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *s = '/';
                }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* scmd's own folder must be scmd's alone: a folder (not a link to one),
 * owned by scmd's user, that nobody else may write to.  One that others
 * may write to is repaired, with a line saying so; one that belongs to
 * another user is refused. */
static int check_folder(const char *path, mode_t mode) {
        struct stat st;
        if (lstat(path, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode)) {
                fprintf(stderr, "scmd: %s is not a folder (a symbolic link?); refusing it\n", path);
                return -ENOTDIR;
        }
        if (st.st_uid != geteuid()) {
                fprintf(stderr,
                        "scmd: %s belongs to uid %u, not to scmd's uid %u; refusing it (give it "
                        "to uid %u, or remove it)\n",
                        path, (unsigned)st.st_uid, (unsigned)geteuid(), (unsigned)geteuid());
                return -EPERM;
        }
        if (st.st_mode & 022) {
                if (chmod(path, mode) < 0)
                        return -errno;
                fprintf(stderr, "scmd: %s was writable by others (mode %04o); made %04o\n", path,
                        (unsigned)(st.st_mode & 07777), (unsigned)mode);
        }
        return 0;
}

static int make_folders(const struct scm_paths *p) {
        const struct {
                const char *path;
                mode_t mode;
        } dirs[] = {{p->db_dir, 0700}, {p->run_dir, 0755}, {p->log_dir, 0750}};
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                int r = mkdir_p(dirs[i].path, dirs[i].mode);
                if (r < 0) {
                        fprintf(stderr, "scmd: cannot create %s: %s\n", dirs[i].path, strerror(-r));
                        return r;
                }
                r = check_folder(dirs[i].path, dirs[i].mode);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* One scmd per database: a second one would fight over every service. */
static int take_instance_lock(const struct scm_paths *p) {
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/scmd.lock", p->run_dir) < 0)
                return -ENOMEM;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
                int r = -errno;
                if (r == -EWOULDBLOCK)
                        fprintf(stderr, "scmd: another scmd already runs for %s (lock %s)\n",
                                p->db_dir, path);
                else
                        fprintf(stderr, "scmd: cannot lock %s: %s\n", path, strerror(-r));
                if (fd >= 0)
                        close(fd);
                return r;
        }
        return fd; /* held open, and so locked, until scmd exits */
}

/* Forks; the parent waits for one byte of readiness and exits with it.
 * Returns the fd to write readiness to (in the child). */
static int daemonize(void) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid > 0) {
                close(fds[1]);
                char ok = 0;
                ssize_t n = read(fds[0], &ok, 1);
                _exit(n == 1 && ok == 1 ? 0 : 1);
        }
        close(fds[0]);
        setsid();
        int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd >= 0) {
                dup2(null_fd, STDIN_FILENO);
                dup2(null_fd, STDOUT_FILENO);
                dup2(null_fd, STDERR_FILENO);
                close(null_fd);
        }
        return fds[1];
}

static void raise_fd_limit(void) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
}

/* The resource controllers for the services' folders (resources.c); what
 * cannot be had is said once, here, and again by each refused limit. */
static void enable_controllers(struct manager *m) {
        m->cgroup_controllers = resources_enable(m->cgroup_base_path, &m->cgroup_controllers_why);
        if (m->cgroup_controllers_why)
                log_info("resource limits: %s; limits that need them are refused",
                         m->cgroup_controllers_why);
}

static char *cgroup_instance_name(const struct scm_paths *p) {
        if (p->mode == SCM_MODE_SYSTEM)
                return strdup("scm");
        uint64_t h = 1469598103934665603ULL;
        for (const char *s = p->db_dir; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        char *name;
        return asprintf(&name, "scm-%016llx", (unsigned long long)h) < 0 ? NULL : name;
}

/* Frees everything, in this order: the dependency state, the connections
 * (with what they hold open), then what the manager holds. */
static void tear_down(struct manager *m) {
        fdholder_close(m->fdholder, false);
        m->fdholder = NULL;
        scheduler_free(m);
        mounts_watch_free(m);
        clock_watch_free(m);
        session_watch_free(m);
        activation_free(m);
        service_triggers_free(m);
        depend_free(m);
        server_free(m->server);
        m->server = NULL;
        manager_free(m);
}

/* Two listeners of a service's state and deletion: events.c, and socket
 * activation (work/activation.c). */
static void service_state_changed(struct service *s, enum scm_state old) {
        events_status_changed(s, old);
        activation_state_changed(s, old);
}

static void service_deleted(struct service *s) {
        events_service_deleted(s);
        activation_service_deleted(s);
        service_triggers_deleted(s);
}

/* Two listeners of the mount table: subscribers (events.c) and service
 * triggers (work/service_trigger.c). */
static void mount_changed(struct manager *m, const char *action, const struct mount_entry *e) {
        events_mount_changed(m, action, e);
        service_triggers_mount_changed(m, action, e);
}

/* Two owners of children that are no service's main process: scheduled
 * tasks' runs (work/task_run.c) and per-connection instances
 * (work/instance.c). */
static bool child_exited(struct manager *m, const siginfo_t *si) {
        return scheduler_child_exited(m, si) || instance_child_exited(m, si);
}

/* The layers above core hear of each service's life through these. */
static void wire_hooks(struct manager *m) {
        m->hooks = (struct service_hooks){
                .running = boot_service_running,
                .state_changed = service_state_changed,
                .failure_entered = failure_service_entered,
                .depend_entered = depend_service_entered,
                .stopped = manager_service_stopped,
                .progress = events_status_progress,
                .deleted = service_deleted,
                .depend_gone = depend_service_gone,
                .failure_gone = failure_service_free,
                .driver_gone = driver_service_gone,
                .driver_load = driver_load,
                .driver_unload = driver_unload,
                .message = events_service_said,
                .listen_fds = activation_listen_fds,
                .accept_start = activation_accept_start,
                .instances_signal = instance_signal_all,
                .child_exited = child_exited,
        };
}

/* The descriptor holder (exec/fdholder.c): found with what an earlier
 * scmd left with it, or made. */
static void open_holder(struct manager *m, struct fdholder_entry **held, size_t *n_held) {
        _cleanup_free_ char *path = NULL;
        int r = asprintf(&path, "%s/fdholder.sock", m->paths.run_dir) < 0 ? -ENOMEM : 0;
        if (r >= 0)
                r = fdholder_open(path, &m->fdholder, held, n_held);
        if (r < 0)
                log_warning("no descriptor holder (%s): a crash of scmd would break the services' "
                            "output pipes and control channels",
                            strerror(-r));
}

/* The sd_notify socket: the one the holder kept, or a new one (given to it). */
static void open_notify(struct manager *m, struct fdholder_entry *held, size_t n_held) {
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/notify.sock", m->paths.run_dir) < 0)
                return;
        int r = -ENOENT;
        for (size_t i = 0; i < n_held; i++)
                if (strcmp(held[i].key, "notify") == 0 && held[i].n_fds == 1) {
                        held[i].n_fds = 0;
                        r = notify_adopt(m, path, held[i].fds[0]);
                }
        if (r < 0)
                r = notify_open(m, path);
        if (r < 0)
                log_warning("no sd_notify socket at %s (%s): notify services cannot report", path,
                            strerror(-r));
        else if (m->fdholder)
                fdholder_put(m->fdholder, "notify", &m->notify_fd, 1);
}

/* The listening socket: the one the holder kept (clients that came while
 * scmd was down wait in its backlog), or a new one (given to it). */
static int open_server(struct manager *m, struct fdholder_entry *held, size_t n_held) {
        int r = -ENOENT;
        for (size_t i = 0; i < n_held; i++)
                if (strcmp(held[i].key, "listen") == 0 && held[i].n_fds == 1) {
                        held[i].n_fds = 0;
                        r = server_adopt(m, m->paths.socket, held[i].fds[0], &m->server);
                }
        if (r < 0)
                r = server_new(m, m->paths.socket, &m->server);
        if (r >= 0 && m->fdholder) {
                int fd = server_fd(m->server);
                fdholder_put(m->fdholder, "listen", &fd, 1);
        }
        return r;
}

/* held: what the descriptor holder gave back, for main() to hand on
 * (activation) and then close what nobody took. */
static int start_up(struct manager *m, struct fdholder_entry **held, size_t *n_held) {
        int r = secrets_init();
        if (r < 0) {
                log_error("cannot initialise libsodium: the secret store cannot work");
                return r;
        }
        r = loop_new(&m->loop);
        if (r >= 0)
                r = manager_setup_signals(m);
        if (r >= 0)
                r = registry_new(&m->registry);
        if (r < 0) {
                log_error("cannot set up: %s", strerror(-r));
                return r;
        }

        _cleanup_free_ char *instance = cgroup_instance_name(&m->paths);
        m->cgroup_base_fd =
                instance ? cgroup_setup(instance, &m->cgroup_base_path, &m->cgroup_base_rel)
                         : -ENOMEM;
        if (m->cgroup_base_fd < 0)
                log_info("cgroups unavailable (%s): services are held by process group",
                         strerror(-m->cgroup_base_fd));
        else
                enable_controllers(m);

        open_holder(m, held, n_held);
        open_notify(m, *held, *n_held);

        r = db_open(m->paths.db_file, &m->db);
        if (r >= 0)
                r = manager_load(m);
        /* What an earlier scmd left running is taken back (or killed) before
         * anything starts: adopt.c. */
        if (r >= 0)
                r = adopt_all(m, *held, *n_held);
        if (r >= 0)
                failure_resume_pending(m);
        if (r >= 0)
                r = open_server(m, *held, *n_held);
        return r;
}

/* What nobody took of what the descriptor holder gave back. */
static void close_held(struct fdholder_entry *held, size_t n_held) {
        for (size_t i = 0; i < n_held; i++)
                for (size_t k = 0; k < held[i].n_fds; k++)
                        close(held[i].fds[k]);
        free(held);
}

/* The path of scmd's binary as it is now: after an upgrade replaced the
 * file, /proc/self/exe names the old one "... (deleted)"; the new one is
 * at the same path. */
static char *own_binary(void) {
        char buf[4096];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
        if (n <= 0)
                return NULL;
        buf[n] = '\0';
        static const char deleted[] = " (deleted)";
        size_t len = (size_t)n, dl = sizeof(deleted) - 1;
        if (len > dl && strcmp(buf + len - dl, deleted) == 0)
                buf[len - dl] = '\0';
        return strdup(buf);
}

/* daemon_reexec: every request read has been answered; each connection
 * hears daemon_reexec, then scmd executes its binary again with the same
 * options and --reexec.  Every descriptor closes on exec: what the services
 * depend on is kept by the descriptor holder, and the new scmd takes the
 * processes back (adopt.c), still its children.  Returns only when the
 * exec failed (then scmd goes on as it was). */
static void reexec(struct manager *m, int argc, char **argv) {
        _cleanup_free_ char *self = own_binary();
        char **args = calloc((size_t)argc + 2, sizeof(char *));
        if (!self || !args || access(self, X_OK) < 0) {
                log_error("cannot execute scmd again (%s): going on as before",
                          self ? strerror(errno) : "out of memory");
                free(args);
                m->reexec = false;
                return;
        }
        int n = 0;
        bool has = false;
        for (int i = 0; i < argc; i++) {
                has = has || strcmp(argv[i], "--reexec") == 0;
                args[n++] = argv[i];
        }
        if (!has)
                args[n++] = (char *)"--reexec";
        args[n] = NULL;
        activation_before_exec(m); /* no instance may run on unsupervised */
        server_say_reexec(m->server);
        server_free(m->server); /* flushes every reply and the notification */
        m->server = NULL;
        log_info("executing %s again; the services run on", self);
        execv(self, args);
        log_error("cannot execute %s: %m; scmd exits, and the next one takes the services back",
                  self);
        free(args);
        fdholder_close(m->fdholder, false); /* its copies are what the next scmd needs */
        m->fdholder = NULL;
        _exit(1);
}

int main(int argc, char **argv) {
        struct options o = {
                .mode = SCM_MODE_AUTO,
                .manager = {.stop_timeout = 20 * USEC_PER_SEC,
                            .log_max_size = 1024 * 1024,
                            .log_keep = 3,
                            .shutdown_budget = 20 * USEC_PER_SEC,
                            .delayed_auto_delay = 120 * USEC_PER_SEC},
        };
        if (parse_options(argc, argv, &o) < 0)
                return 2;

        struct manager m = {
                .signal_fd = -1, .cgroup_base_fd = -1, .notify_fd = -1, .options = o.manager};
        /* The parts of the manager that the layers above core own. */
        struct boot_sequence boot = {.manager = &m};
        struct driver_state drivers = {.manager = &m};
        struct shutdown_state shutdown = {.manager = &m};
        struct event_hub events = {0};
        struct scm_lock lock = {0};
        m.boot = &boot;
        m.drivers = &drivers;
        m.shutdown = &shutdown;
        m.events = &events;
        m.lock = &lock;
        wire_hooks(&m);
        timeline_scmd_started(&m);
        int r = scm_paths_resolve(o.mode, o.root, &m.paths);
        if (r < 0) {
                fprintf(stderr, "scmd: cannot work out where to keep state: %s%s\n", strerror(-r),
                        o.mode == SCM_MODE_USER || (o.mode == SCM_MODE_AUTO && geteuid())
                                ? " (user mode needs HOME or XDG_STATE_HOME)"
                                : "");
                return 1;
        }
        if (make_folders(&m.paths) < 0)
                return 1;
        int lock_fd = take_instance_lock(&m.paths);
        if (lock_fd < 0)
                return 1;

        int ready_fd = -1;
        if (o.reexec && !o.foreground) {
                _cleanup_free_ char *log_path = NULL;
                if (asprintf(&log_path, "%s/scmd.log", m.paths.log_dir) >= 0)
                        log_open_file(log_path);
        } else if (!o.foreground && getpid() != 1) {
                ready_fd = daemonize();
                if (ready_fd < 0) {
                        fprintf(stderr, "scmd: cannot fork: %s\n", strerror(-ready_fd));
                        return 1;
                }
                _cleanup_free_ char *log_path = NULL;
                if (asprintf(&log_path, "%s/scmd.log", m.paths.log_dir) >= 0)
                        log_open_file(log_path);
        }
        /* The lock file names the holder, so "kill $(cat run/scmd.lock)" works. */
        if (ftruncate(lock_fd, 0) == 0)
                dprintf(lock_fd, "%d\n", (int)getpid());
        log_set_level(o.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
        log_capture_set_limits(o.manager.log_max_size, o.manager.log_keep);
        raise_fd_limit();
        int reserved = spawn_reserve_descriptors();
        if (reserved < 0)
                log_info("each spawn copies scmd's descriptor table (%s)", strerror(-reserved));
        log_info("scmd %s starting in %s mode (database %s)", SCM_VERSION,
                 scm_mode_name(m.paths.mode), m.paths.db_file);

        struct fdholder_entry *held = NULL;
        size_t n_held = 0;
        r = start_up(&m, &held, &n_held);
        if (r < 0) {
                close_held(held, n_held);
                tear_down(&m);
                return 1;
        }
        log_info("ready on %s", m.paths.socket);
        selfnotify_ready(m.loop); /* a host's systemd: Type=notify, WatchdogSec= */
        if (ready_fd >= 0) {
                char ok = 1;
                (void)!write(ready_fd, &ok, 1);
                close(ready_fd);
        }

        /* Changes of the mount table become mount_changed events. */
        mounts_watch_start(&m, mount_changed);
        clock_watch_start(&m);
        session_watch_start(&m);
        /* Socket activation: every declared socket bound (or taken back
         * from the holder) before the boot. */
        activation_start(&m, held, n_held);
        close_held(held, n_held);
        /* Service triggers: their sources watched before the boot. */
        service_triggers_start(&m);
        boot_start(&m); /* drivers, auto-start, then the delayed-auto services */
        /* Scheduled tasks: missed runs, boot triggers, then the timer. */
        if (scheduler_start(&m) < 0)
                log_error("the task scheduler could not start: no scheduled task will run");
        r = loop_run(m.loop);
        if (r < 0)
                log_error("the event loop failed: %s", strerror(-r));
        if (r >= 0 && m.reexec)
                reexec(&m, argc, argv); /* returns only when it cannot */
        int status = r < 0 ? 1 : m.exit_status;
        /* A clean exit, every service stopped: the holder ends too. */
        fdholder_close(m.fdholder, true);
        m.fdholder = NULL;
        recovery_finish(&m); /* the reboot hook, when a failure action asked for it */
        tear_down(&m);
        close(lock_fd);
        return status;
}
