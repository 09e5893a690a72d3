/* SPDX-License-Identifier: MIT */
/*
 * Resource limits through cgroup v2 controllers (resources.h).
 *
 * A controller reaches a service's folder only if every folder above it
 * enables it in cgroup.subtree_control: scmd's own cgroup (the instance
 * folder's parent) and the instance folder.  The kernel lets a non-root
 * cgroup enable a domain controller (memory, cpu, pids, io) for its
 * children only while it holds no process itself; scmd lives in its own
 * cgroup, so when that refuses (EBUSY) and scmd is alone there, as under
 * systemd with Delegate=yes, scmd moves itself into a leaf beside the
 * instance folder (CGROUP_SCMD_LEAF) and tries again.  cgroup.c's own_cgroup()
 * knows that leaf, so a re-executed scmd finds the same instance folder.
 *
 * Where a controller cannot be had (a hybrid system whose controllers are
 * bound to cgroup v1 hierarchies; a cgroup not delegated to scmd) the
 * limits that need it are refused with a sentence saying so, at create,
 * change_config and start: a limit is never silently not applied.
 *
 * The limits are written by scmd into the service's fresh folder before
 * its process is cloned into it, so the process never runs unlimited.
 */
#include "resources.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "log.h"
#include "resource_config.h"

static const enum resource_controller all_controllers[] = {
        RESOURCE_CTL_MEMORY,
        RESOURCE_CTL_CPU,
        RESOURCE_CTL_PIDS,
        RESOURCE_CTL_IO,
};

/* Reads a small cgroup file at dir_fd, without its last newline. */
static int read_at(int dir_fd, const char *file, char *buf, size_t size) {
        _cleanup_close_ int fd = openat(dir_fd, file, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        if (n > 0 && buf[n - 1] == '\n')
                n--;
        buf[n] = '\0';
        return (int)n;
}

static int write_at(int dir_fd, const char *file, const char *text) {
        _cleanup_close_ int fd = openat(dir_fd, file, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return write(fd, text, strlen(text)) < 0 ? -errno : 0;
}

/* The controller bits named in a space-separated list file. */
static unsigned controllers_in(int dir_fd, const char *file) {
        char buf[512];
        if (read_at(dir_fd, file, buf, sizeof(buf)) < 0)
                return 0;
        unsigned bits = 0;
        char *save = NULL;
        for (char *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
                for (size_t i = 0; i < ELEMENTSOF(all_controllers); i++)
                        if (strcmp(w, resource_controller_name(all_controllers[i])) == 0)
                                bits |= all_controllers[i];
        return bits;
}

/* The controller bits as subtree_control's words: "+memory +cpu ...". */
static void words_of(unsigned bits, char *buf, size_t size) {
        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(all_controllers); i++)
                if (bits & all_controllers[i]) {
                        size_t len = strlen(buf);
                        snprintf(buf + len, size - len, "%s+%s", len ? " " : "",
                                 resource_controller_name(all_controllers[i]));
                }
}

/* A folder with processes in it, the root cgroup excepted (it has no
 * cgroup.type, and the kernel exempts it). */
static bool holds_processes(int dir_fd) {
        char buf[16];
        if (faccessat(dir_fd, "cgroup.type", F_OK, 0) < 0)
                return false;
        return read_at(dir_fd, "cgroup.procs", buf, sizeof(buf)) > 0;
}

/* Enables want in dir_fd's subtree_control.  All in one write: the kernel
 * then refuses the whole (EBUSY) in a folder that holds processes, where
 * cpu or pids enabled alone would turn it into a threaded root that can
 * never have memory or io.  When the one write fails otherwise, and only
 * in a folder without processes, each is tried alone so that one refused
 * controller does not cost the others.  Returns 0 or the write's error. */
static int enable_in(int dir_fd, unsigned want) {
        char text[64];
        if (!want)
                return 0;
        words_of(want, text, sizeof(text));
        int r = write_at(dir_fd, "cgroup.subtree_control", text);
        if (r == 0 || r == -EBUSY || holds_processes(dir_fd))
                return r;
        for (size_t i = 0; i < ELEMENTSOF(all_controllers); i++)
                if (want & all_controllers[i]) {
                        words_of(all_controllers[i], text, sizeof(text));
                        write_at(dir_fd, "cgroup.subtree_control", text);
                }
        return r;
}

/* True when the folder's only process is scmd. */
static bool holds_only_us(int dir_fd) {
        char buf[256];
        int n = read_at(dir_fd, "cgroup.procs", buf, sizeof(buf));
        return n > 0 && atoi(buf) == (int)getpid() && !strchr(buf, '\n');
}

/* scmd into CGROUP_SCMD_LEAF below dir_fd. */
static int move_into_leaf(int dir_fd) {
        if (mkdirat(dir_fd, CGROUP_SCMD_LEAF, 0755) < 0 && errno != EEXIST)
                return -errno;
        _cleanup_close_ int leaf =
                openat(dir_fd, CGROUP_SCMD_LEAF, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (leaf < 0)
                return -errno;
        char pid[16];
        snprintf(pid, sizeof(pid), "%d", (int)getpid());
        return write_at(leaf, "cgroup.procs", pid);
}

static void say(char **ret_why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(char **ret_why, const char *fmt, ...) {
        if (!ret_why || *ret_why)
                return;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_why, fmt, ap) < 0)
                *ret_why = NULL;
        va_end(ap);
}

static void names_of(unsigned bits, char *buf, size_t size) {
        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(all_controllers); i++)
                if (bits & all_controllers[i]) {
                        size_t len = strlen(buf);
                        snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                                 resource_controller_name(all_controllers[i]));
                }
}

unsigned resources_enable(const char *base_path, char **ret_why) {
        const unsigned all =
                RESOURCE_CTL_MEMORY | RESOURCE_CTL_CPU | RESOURCE_CTL_PIDS | RESOURCE_CTL_IO;
        if (ret_why)
                *ret_why = NULL;
        _cleanup_free_ char *parent = strdup(base_path);
        char *slash = parent ? strrchr(parent, '/') : NULL;
        if (!slash)
                return 0;
        *slash = '\0';
        _cleanup_close_ int parent_fd = open(parent, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int base_fd = open(base_path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (parent_fd < 0 || base_fd < 0)
                return 0;

        unsigned given = controllers_in(parent_fd, "cgroup.controllers");
        char names[64];
        if (given != all) {
                names_of(all & ~given, names, sizeof(names));
                say(ret_why,
                    "scmd's cgroup %s is not given the %s controller(s) (on a hybrid system "
                    "they are bound to cgroup v1 hierarchies; otherwise the cgroup above does "
                    "not delegate them)",
                    parent, names);
        }
        unsigned want = given & ~controllers_in(parent_fd, "cgroup.subtree_control");
        int r = enable_in(parent_fd, want);
        if (r == -EBUSY && holds_only_us(parent_fd)) {
                int m = move_into_leaf(parent_fd);
                if (m < 0)
                        log_warning("cannot move scmd into %s/%s: %s", parent, CGROUP_SCMD_LEAF,
                                    strerror(-m));
                else
                        log_info("scmd moved into %s/%s, so that its cgroup may give "
                                 "controllers to the services' folders",
                                 parent, CGROUP_SCMD_LEAF);
                r = enable_in(parent_fd, want);
        }
        unsigned passed = controllers_in(parent_fd, "cgroup.subtree_control") & given;
        if (passed != given) {
                names_of(given & ~passed, names, sizeof(names));
                say(ret_why,
                    "scmd's cgroup %s cannot enable the %s controller(s) for its children: %s "
                    "(a cgroup holding processes cannot; run scmd in a cgroup of its own)",
                    parent, names, strerror(-r));
        }
        enable_in(base_fd, controllers_in(base_fd, "cgroup.controllers"));
        return controllers_in(base_fd, "cgroup.subtree_control");
}

/* ---- a service's limits ---- */

static int fail(char **ret_error, int e, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int fail(char **ret_error, int e, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return e;
}

/* One limit: its file, how it is written, its controller. */
struct limit_file {
        const char *key; /* the protocol's name, for messages */
        const char *file;
        enum resource_controller controller;
        int64_t value; /* RESOURCE_UNSET: the kernel's default */
        const char *unset_text;
};

static int write_limit(int cgroup_fd, const struct limit_file *l, unsigned available,
                       char **ret_error) {
        if (!(available & l->controller)) {
                if (l->value == RESOURCE_UNSET || l->value == RESOURCE_INFINITY)
                        return 0; /* nothing asked, nothing to refuse */
                return fail(ret_error, -EOPNOTSUPP,
                            "%s needs the cgroup v2 %s controller, which scmd does not have "
                            "here (see scmd's log at start-up for why)",
                            l->key, resource_controller_name(l->controller));
        }
        char text[64];
        if (l->value == RESOURCE_UNSET || l->value == RESOURCE_INFINITY)
                snprintf(text, sizeof(text), "%s", l->unset_text);
        else if (strcmp(l->file, "cpu.max") == 0)
                snprintf(text, sizeof(text), "%lld 100000", (long long)l->value * 1000);
        else if (strcmp(l->file, "io.weight") == 0)
                snprintf(text, sizeof(text), "default %lld", (long long)l->value);
        else
                snprintf(text, sizeof(text), "%lld", (long long)l->value);
        int r = write_at(cgroup_fd, l->file, text);
        if (r == -ENOENT && (l->value == RESOURCE_UNSET || l->value == RESOURCE_INFINITY))
                return 0; /* a kernel without the file: its default is all there is */
        if (r < 0)
                return fail(ret_error, r, "cannot set %s (%s \"%s\"): %s", l->key, l->file, text,
                            strerror(-r));
        return 0;
}

int resources_apply(int cgroup_fd, const struct service_resources *r, unsigned available,
                    char **ret_error) {
        static const struct service_resources none = {
                RESOURCE_UNSET, RESOURCE_UNSET, RESOURCE_UNSET, RESOURCE_UNSET,
                RESOURCE_UNSET, RESOURCE_UNSET, RESOURCE_UNSET,
        };
        if (!r)
                r = &none;
        int64_t tasks = r->tasks_max == RESOURCE_UNSET ? RESOURCE_TASKS_MAX_DEFAULT : r->tasks_max;
        const struct limit_file limits[] = {
                {"memory_max", "memory.max", RESOURCE_CTL_MEMORY, r->memory_max, "max"},
                {"memory_high", "memory.high", RESOURCE_CTL_MEMORY, r->memory_high, "max"},
                {"memory_swap_max", "memory.swap.max", RESOURCE_CTL_MEMORY, r->memory_swap_max,
                 "max"},
                {"cpu_weight", "cpu.weight", RESOURCE_CTL_CPU, r->cpu_weight, "100"},
                {"cpu_quota_percent", "cpu.max", RESOURCE_CTL_CPU, r->cpu_quota_percent,
                 "max 100000"},
                {"tasks_max", "pids.max", RESOURCE_CTL_PIDS, tasks, "max"},
                {"io_weight", "io.weight", RESOURCE_CTL_IO, r->io_weight, "default 100"},
        };
        for (size_t i = 0; i < ELEMENTSOF(limits); i++) {
                /* The default cap is scmd's, not the service's: without pids it is none. */
                if (limits[i].controller == RESOURCE_CTL_PIDS && r->tasks_max == RESOURCE_UNSET &&
                    !(available & RESOURCE_CTL_PIDS))
                        continue;
                int e = write_limit(cgroup_fd, &limits[i], available, ret_error);
                if (e < 0)
                        return e;
        }
        return 0;
}

/* ---- usage ---- */

/* A file of one number (or "max") as JSON: the number, "max", or absent. */
static int put_number(json_t *o, int cgroup_fd, const char *file, const char *key) {
        char buf[64];
        if (read_at(cgroup_fd, file, buf, sizeof(buf)) <= 0)
                return 0;
        buf[strcspn(buf, "\n")] = '\0';
        json_t *v = strncmp(buf, "max", 3) == 0 ? json_string("max")
                                                : json_integer(strtoll(buf, NULL, 10));
        return json_object_set_new(o, key, v);
}

/* The value of "key N" in a flat-keyed file (cpu.stat, memory.events); -1 none. */
static long long keyed_value(int cgroup_fd, const char *file, const char *key) {
        char buf[1024];
        if (read_at(cgroup_fd, file, buf, sizeof(buf)) <= 0)
                return -1;
        size_t len = strlen(key);
        for (char *line = buf; line && *line;
             line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
                if (strncmp(line, key, len) == 0 && line[len] == ' ')
                        return strtoll(line + len + 1, NULL, 10);
        return -1;
}

long resources_oom_kills(int cgroup_fd) {
        long long n = keyed_value(cgroup_fd, "memory.events", "oom_kill");
        return n > 0 ? (long)n : 0;
}

json_t *resources_usage_json(int cgroup_fd) {
        json_t *o = json_object();
        if (!o)
                return NULL;
        int r = 0;
        r |= put_number(o, cgroup_fd, "memory.current", "memory_current");
        r |= put_number(o, cgroup_fd, "memory.peak", "memory_peak");
        r |= put_number(o, cgroup_fd, "memory.max", "memory_max");
        r |= put_number(o, cgroup_fd, "memory.high", "memory_high");
        r |= put_number(o, cgroup_fd, "memory.swap.current", "memory_swap_current");
        r |= put_number(o, cgroup_fd, "memory.swap.max", "memory_swap_max");
        r |= put_number(o, cgroup_fd, "pids.current", "tasks_current");
        r |= put_number(o, cgroup_fd, "pids.max", "tasks_max");
        r |= put_number(o, cgroup_fd, "cpu.weight", "cpu_weight");
        long long usage = keyed_value(cgroup_fd, "cpu.stat", "usage_usec");
        if (usage >= 0)
                r |= json_object_set_new(o, "cpu_usage_usec", json_integer(usage));
        char buf[64];
        long long quota, period;
        if (read_at(cgroup_fd, "cpu.max", buf, sizeof(buf)) > 0)
                r |= json_object_set_new(o, "cpu_quota_percent",
                                         sscanf(buf, "%lld %lld", &quota, &period) == 2 &&
                                                         period > 0
                                                 ? json_integer(quota * 100 / period)
                                                 : json_string("max"));
        long long io = keyed_value(cgroup_fd, "io.weight", "default");
        if (io >= 0)
                r |= json_object_set_new(o, "io_weight", json_integer(io));
        long long oom = keyed_value(cgroup_fd, "memory.events", "oom_kill");
        if (oom >= 0)
                r |= json_object_set_new(o, "oom_kills", json_integer(oom));
        if (r < 0) {
                json_decref(o);
                return NULL;
        }
        return o;
}
