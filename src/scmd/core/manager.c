/* SPDX-License-Identifier: MIT */
/*
 * The services that have a process, as one list on the manager (what the
 * shutdown and the boot walk), and the processes by main pid, a hash table
 * (what the reaping of children at SIGCHLD asks, once per child: a walk of
 * the list made stopping 10,000 services O(N^2)).  A process is filed
 * while its main pid is its own: from the spawn (or adoption) until that
 * pid is reaped, so a number the kernel gives again is never taken for it.
 */
#include "manager.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "process.h"

void manager_track(struct manager *m, struct service *s) {
        if (s->active)
                return;
        s->active = true;
        s->active_prev = NULL;
        s->active_next = m->active;
        if (m->active)
                m->active->active_prev = s;
        m->active = s;
}

void manager_untrack(struct manager *m, struct service *s) {
        if (!s->active)
                return;
        if (s->active_prev)
                s->active_prev->active_next = s->active_next;
        else
                m->active = s->active_next;
        if (s->active_next)
                s->active_next->active_prev = s->active_prev;
        s->active = false;
        s->active_prev = s->active_next = NULL;
}

/* ---- the processes by main pid ---- */

static size_t pid_bucket(pid_t pid, size_t buckets) {
        return (size_t)(((uint32_t)pid * 2654435761u) & (uint32_t)(buckets - 1));
}

/* Doubles the table at a load of one; out of memory, the chains grow
 * longer instead. */
static void grow(struct manager *m) {
        size_t n = m->by_pid_buckets < 64 ? 64 : m->by_pid_buckets * 2;
        struct process **v = calloc(n, sizeof(*v));
        if (!v)
                return;
        for (size_t i = 0; i < m->by_pid_buckets; i++)
                for (struct process *p = m->by_pid[i], *next; p; p = next) {
                        next = p->by_pid_next;
                        size_t b = pid_bucket(p->pid, n);
                        p->by_pid_next = v[b];
                        v[b] = p;
                }
        if (m->by_pid != &m->by_pid_first)
                free(m->by_pid);
        m->by_pid_first = NULL;
        m->by_pid = v;
        m->by_pid_buckets = n;
}

void manager_file_process(struct manager *m, struct process *p) {
        if (p->filed || p->pid <= 0)
                return;
        if (!m->by_pid_buckets) {
                m->by_pid = &m->by_pid_first;
                m->by_pid_buckets = 1;
        }
        if (m->by_pid_count >= m->by_pid_buckets)
                grow(m);
        size_t b = pid_bucket(p->pid, m->by_pid_buckets);
        p->by_pid_next = m->by_pid[b];
        m->by_pid[b] = p;
        p->filed = true;
        m->by_pid_count++;
}

void manager_unfile_process(struct manager *m, struct process *p) {
        if (!p->filed)
                return;
        struct process **pp = &m->by_pid[pid_bucket(p->pid, m->by_pid_buckets)];
        while (*pp && *pp != p)
                pp = &(*pp)->by_pid_next;
        if (*pp)
                *pp = p->by_pid_next;
        p->by_pid_next = NULL;
        p->filed = false;
        m->by_pid_count--;
}

struct process *manager_find_process(struct manager *m, pid_t pid) {
        if (!m->by_pid_buckets)
                return NULL;
        for (struct process *p = m->by_pid[pid_bucket(pid, m->by_pid_buckets)]; p;
             p = p->by_pid_next)
                if (p->pid == pid)
                        return p;
        return NULL;
}

void manager_processes_free(struct manager *m) {
        if (m->by_pid != &m->by_pid_first)
                free(m->by_pid);
        m->by_pid = NULL;
        m->by_pid_first = NULL;
        m->by_pid_buckets = m->by_pid_count = 0;
}
