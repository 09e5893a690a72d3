/* SPDX-License-Identifier: MIT */
/*
 * Adoption: what scmd does at start-up so that its own crash, or its
 * re-execution, costs the services nothing (docs/architecture.md,
 * "Surviving a crash of scmd").
 *
 * The database records, for each service with a process, its pid, the
 * process's start time and its cgroup folder (db_process.c, written at
 * spawn and at each state change).  The next scmd reads those records
 * after loading the services and, for each, asks /proc whether the same
 * process still runs: same pid, same start time (so a pid the kernel gave
 * to another process is never taken for it), and in the recorded cgroup.
 * Such a process is taken back (process.c): a pidfd opened on it, its
 * cgroup folder opened again, its log pipe and control channel taken from
 * the descriptor holder, and the service enters its recorded state without
 * a start.  A record whose process has gone is a failure (PROCESS_ABORTED,
 * failure actions).  Only then are the cgroup folders swept: what runs in
 * a folder no service was given back is killed, so no service ever runs
 * twice.
 */
#include "adopt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "credentials.h"
#include "db.h"
#include "fdholder.h"
#include "log.h"
#include "manager.h"
#include "process.h"
#include "registry.h"
#include "service.h"

struct record {
        int64_t id;
        struct db_process p;
        char *cgroup;
};

struct records {
        struct record *v;
        size_t n;
};

static int collect(void *userdata, int64_t id, const struct db_process *p) {
        struct records *rs = userdata;
        struct record *v = realloc(rs->v, (rs->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        rs->v = v;
        v[rs->n] = (struct record){.id = id, .p = *p, .cgroup = strdup(p->cgroup ? p->cgroup : "")};
        if (!v[rs->n].cgroup)
                return -ENOMEM;
        v[rs->n].p.cgroup = v[rs->n].cgroup;
        rs->n++;
        return 0;
}

static struct service *find_by_id(struct service **all, ssize_t n, int64_t id) {
        for (ssize_t i = 0; i < n; i++)
                if (all[i]->id == id)
                        return all[i];
        return NULL;
}

/* The holder's entry for (pid, start time), or NULL. */
static struct fdholder_entry *held_for(struct fdholder_entry *held, size_t n, pid_t pid,
                                       uint64_t start_time) {
        char key[FDHOLDER_KEY_MAX];
        process_holder_key(pid, start_time, key, sizeof(key));
        for (size_t i = 0; i < n; i++)
                if (held[i].n_fds > 0 && strcmp(held[i].key, key) == 0)
                        return &held[i];
        return NULL;
}

/* found's descriptors from e, taken (e is emptied). */
static void take_fds(struct process_found *found, struct fdholder_entry *e) {
        found->fds[0] = found->fds[1] = -1;
        for (size_t k = 0; e && k < e->n_fds && k < 2; k++)
                found->fds[k] = e->fds[k];
        if (e)
                e->n_fds = 0;
}

static void close_fds(struct process_found *found) {
        for (int k = 0; k < 2; k++)
                if (found->fds[k] >= 0)
                        close(found->fds[k]);
}

/* s's secrets folder, if its process still has one. */
static void keep_credentials(struct service *s) {
        _cleanup_free_ char *root = secrets_folder_root(&s->manager->paths);
        _cleanup_free_ char *fname = service_file_name(s->config.name);
        char *path = NULL;
        struct stat st;
        if (root && fname && asprintf(&path, "%s/%s", root, fname) >= 0 && stat(path, &st) == 0)
                s->credentials_dir = path;
        else
                free(path);
}

static bool cgroup_in_use(void *userdata, const char *name) {
        struct manager *m = userdata;
        for (struct service *s = m->active; s; s = s->active_next)
                if (s->process && s->process->cgroup_name &&
                    strcmp(s->process->cgroup_name, name) == 0)
                        return true;
        return false;
}

static bool credentials_in_use(void *userdata, const char *path) {
        struct manager *m = userdata;
        for (struct service *s = m->active; s; s = s->active_next)
                if (s->credentials_dir && strcmp(s->credentials_dir, path) == 0)
                        return true;
        return false;
}

/* Takes back rec's process for s; false when it has gone. */
static bool adopt_one(struct manager *m, struct service *s, const struct record *rec,
                      struct fdholder_entry *held, size_t n_held, struct process **last) {
        struct process_found found = {
                .pid = rec->p.pid, .start_time = rec->p.start_time, .cgroup = rec->cgroup};
        bool joins = *last && (*last)->pid == rec->p.pid;
        take_fds(&found, joins ? NULL : held_for(held, n_held, rec->p.pid, rec->p.start_time));
        int r = process_adopt(s, &found, last);
        if (r == 0 && rec->p.state == SCM_STATE_START_PENDING && !joins)
                r = process_adopt_daemon(s, &found, last);
        if (r <= 0) {
                close_fds(&found);
                if (r < 0)
                        log_warning("service %s: cannot take back pid %d: %s", s->config.name,
                                    (int)rec->p.pid, strerror(-r));
                return false;
        }
        if (found.fds[0] < 0 && !joins)
                log_warning("service %s: its output pipe was not kept (no holder): its output "
                            "is lost from now on",
                            s->config.name);
        (void)m;
        keep_credentials(s);
        return true;
}

int adopt_all(struct manager *m, struct fdholder_entry *held, size_t n_held) {
        struct records rs = {0};
        int r = db_process_load(m->db, collect, &rs);
        struct service **all = NULL;
        ssize_t n_all = r >= 0 ? registry_sorted(m->registry, &all) : 0;
        if (n_all < 0)
                r = (int)n_all;
        bool *gone = r >= 0 ? calloc(rs.n + 1, sizeof(bool)) : NULL;
        if (r >= 0 && !gone)
                r = -ENOMEM;
        int adopted = 0;
        struct process *last = NULL;
        for (size_t i = 0; r >= 0 && i < rs.n; i++) {
                struct service *s = find_by_id(all, n_all, rs.v[i].id);
                if (!s || s->config.type == SCM_TYPE_KERNEL_DRIVER)
                        continue;
                if (adopt_one(m, s, &rs.v[i], held, n_held, &last)) {
                        bool daemon = rs.v[i].p.pid != s->process->pid;
                        service_adopt(s, daemon ? SCM_STATE_RUNNING : rs.v[i].p.state,
                                      rs.v[i].p.controls_accepted);
                        if (daemon)
                                process_record(s); /* the daemon's pid, from now on */
                        if (rs.v[i].p.state == SCM_STATE_STOP_PENDING)
                                service_stop(s); /* a stop was under way: it goes on */
                        adopted++;
                } else {
                        gone[i] = true;
                }
        }
        /* What the holder kept for processes that are gone. */
        for (size_t i = 0; i < n_held; i++) {
                if (held[i].n_fds == 0 || strncmp(held[i].key, "proc ", 5) != 0)
                        continue; /* taken, or scmd's own (main.c) */
                for (size_t k = 0; k < held[i].n_fds; k++)
                        close(held[i].fds[k]);
                fdholder_drop(m->fdholder, held[i].key);
                held[i].n_fds = 0;
        }
        /* Only now: whatever runs in a folder nobody took back goes. */
        if (m->cgroup_base_fd >= 0)
                cgroup_sweep(m->cgroup_base_fd, cgroup_in_use, m);
        secrets_sweep(&m->paths, OWNER_SERVICE, credentials_in_use, m);
        for (size_t i = 0; r >= 0 && i < rs.n; i++) {
                struct service *s = gone[i] ? find_by_id(all, n_all, rs.v[i].id) : NULL;
                if (!s)
                        continue;
                db_process_delete(m->db, s->id);
                service_adopt_gone(s, rs.v[i].p.state);
        }
        for (size_t i = 0; i < rs.n; i++)
                free(rs.v[i].cgroup);
        free(rs.v);
        free(all);
        free(gone);
        if (r < 0)
                return r;
        if (adopted)
                log_info("took back %d running services from an earlier scmd", adopted);
        return adopted;
}
