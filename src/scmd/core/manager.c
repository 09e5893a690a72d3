/* SPDX-License-Identifier: MIT */
/*
 * The services that have a process, as one list on the manager: what
 * finds a process by its pid (the reaping of children), and what the
 * shutdown and the boot walk.
 */
#include "manager.h"

#include <stdbool.h>

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

/* Every process has a member while it runs, so the active services find
 * every process. */
struct process *manager_find_process(struct manager *m, pid_t pid) {
        for (struct service *s = m->active; s; s = s->active_next)
                if (s->process && s->process->pid == pid)
                        return s->process;
        return NULL;
}
