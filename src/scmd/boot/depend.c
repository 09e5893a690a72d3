/* SPDX-License-Identifier: MIT */
/*
 * Groups and dependencies: the graph of services and groups (Windows'
 * Group, DependOnService, DependOnGroup and ServiceGroupOrder), its checks,
 * the dependents of a service, and the group order list.
 *
 * A service depends on services by name and on groups ("+G"); a group
 * dependency is met when at least one member of the group runs once every
 * member was tried.  A group in the group order list comes after the group
 * before it, so a dependency (direct or not) of a group's member on a later
 * group is a cycle like any other.  Cycles are refused when they would be
 * made (create, change_config, set_group_order); a dependency on a service
 * that does not exist is allowed, and fails the start.
 *
 * The orders of start and stop that follow from the graph are the running
 * cascades: depend_start.c (a start, dependencies first), depend_boot.c (the
 * boot, group by group), depend_stop.c (dependents first) and
 * depend_run.c (their shared state, and the hooks that move them).
 */
#include "depend.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <scm/error.h>
#include <scm/types.h>

#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "depend_internal.h"
#include "manager.h"
#include "registry.h"
#include "service.h"
#include "validate.h"

/* ---- the graph, as the configuration says it ---- */

bool depend_is_group(const char *d) {
        return d[0] == '+';
}

bool depend_in_group(const struct service_config *c, const char *group) {
        return c->group && c->group[0] && names_equal(c->group, group);
}

/* x depends on s directly: by name, or on s's group. */
bool depend_directly_on(const struct service *x, const struct service *s) {
        for (char **d = x->config.dependencies; d && *d; d++)
                if (depend_is_group(*d) ? depend_in_group(&s->config, *d + 1)
                                        : names_equal(*d, s->config.name))
                        return true;
        return false;
}

size_t depend_count(char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

size_t depend_group_rank(const struct manager *m, const char *group) {
        size_t n = depend_count(m->group_order);
        if (!group || !group[0])
                return n;
        for (size_t i = 0; i < n; i++)
                if (names_equal(m->group_order[i], group))
                        return i;
        return n;
}

/* Running as far as a dependent is concerned: started, maybe paused. */
bool depend_is_up(const struct service *s) {
        return s->state == SCM_STATE_RUNNING || s->state == SCM_STATE_PAUSED ||
               s->state == SCM_STATE_PAUSE_PENDING || s->state == SCM_STATE_CONTINUE_PENDING;
}

/* ---- cycles ---- */

struct graph_node {
        const char *name;                    /* a service's name, or a group's (without '+') */
        const struct service_config *config; /* services; NULL for a group */
};

struct graph {
        struct graph_node *v;
        size_t n, n_services;
        size_t *first; /* node i's edges: to[first[i] .. first[i + 1]) */
        size_t *to;
        size_t n_edges, cap_edges;
        size_t *from; /* while building */
};

static void graph_clear(struct graph *g) {
        free(g->v);
        free(g->first);
        free(g->to);
        free(g->from);
        *g = (struct graph){0};
}

static int node_cmp(const void *a, const void *b) {
        return strcasecmp(((const struct graph_node *)a)->name,
                          ((const struct graph_node *)b)->name);
}

static ssize_t find_service_node(const struct graph *g, const char *name) {
        struct graph_node key = {.name = name};
        struct graph_node *hit = bsearch(&key, g->v, g->n_services, sizeof(key), node_cmp);
        return hit ? hit - g->v : -1;
}

static ssize_t find_group_node(const struct graph *g, const char *name) {
        for (size_t i = g->n_services; i < g->n; i++)
                if (names_equal(g->v[i].name, name))
                        return (ssize_t)i;
        return -1;
}

/* Adds group name as a node unless it is one already. */
static int add_group_node(struct graph *g, const char *name, size_t cap) {
        if (!name || !name[0] || find_group_node(g, name) >= 0)
                return 0;
        if (g->n >= cap)
                return -ENOMEM; /* cannot happen: cap counts every candidate */
        g->v[g->n++] = (struct graph_node){.name = name};
        return 0;
}

static int add_edge(struct graph *g, size_t from, size_t to) {
        if (g->n_edges == g->cap_edges) {
                size_t cap = g->cap_edges ? g->cap_edges * 2 : 64;
                size_t *f = realloc(g->from, cap * sizeof(*f));
                if (!f)
                        return -ENOMEM;
                g->from = f;
                size_t *t = realloc(g->to, cap * sizeof(*t));
                if (!t)
                        return -ENOMEM;
                g->to = t;
                g->cap_edges = cap;
        }
        g->from[g->n_edges] = from;
        g->to[g->n_edges++] = to;
        return 0;
}

/* The nodes: every service (c in place of its namesake), then every group
 * named anywhere. */
static int graph_nodes(struct graph *g, struct manager *m, const struct service_config *c,
                       char *const *order) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        if (n < 0)
                return (int)n;
        size_t cap = (size_t)n + 1 + depend_count(order);
        for (ssize_t i = 0; i < n; i++)
                cap += 1 + depend_count(all[i]->config.dependencies);
        cap += c ? 1 + depend_count(c->dependencies) : 0;
        g->v = calloc(cap, sizeof(*g->v));
        if (!g->v)
                return -ENOMEM;
        for (ssize_t i = 0; i < n; i++) {
                bool replaced = c && names_equal(all[i]->config.name, c->name);
                g->v[g->n++] =
                        (struct graph_node){all[i]->config.name, replaced ? c : &all[i]->config};
        }
        g->n_services = g->n;
        if (c && find_service_node(g, c->name) < 0) {
                g->v[g->n++] = (struct graph_node){c->name, c};
                qsort(g->v, g->n, sizeof(*g->v), node_cmp);
                g->n_services = g->n;
        }
        int r = 0;
        for (size_t i = 0; r >= 0 && order && order[i]; i++)
                r = add_group_node(g, order[i], cap);
        for (size_t i = 0; r >= 0 && i < g->n_services; i++) {
                const struct service_config *sc = g->v[i].config;
                r = add_group_node(g, sc->group, cap);
                for (char **d = sc->dependencies; r >= 0 && d && *d; d++)
                        if (depend_is_group(*d))
                                r = add_group_node(g, *d + 1, cap);
        }
        return r;
}

static int graph_edges(struct graph *g, char *const *order) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < g->n_services; i++)
                for (char **d = g->v[i].config->dependencies; r >= 0 && d && *d; d++) {
                        ssize_t j = depend_is_group(*d) ? find_group_node(g, *d + 1)
                                                        : find_service_node(g, *d);
                        if (j >= 0)
                                r = add_edge(g, i, (size_t)j);
                }
        for (size_t k = g->n_services; r >= 0 && k < g->n; k++)
                for (size_t i = 0; r >= 0 && i < g->n_services; i++)
                        if (depend_in_group(g->v[i].config, g->v[k].name))
                                r = add_edge(g, k, i);
        /* Each group of the order list comes after the one before it. */
        for (size_t i = 1; r >= 0 && i < depend_count(order); i++)
                r = add_edge(g, (size_t)find_group_node(g, order[i]),
                             (size_t)find_group_node(g, order[i - 1]));
        if (r < 0)
                return r;
        /* Counting sort of the edges by their origin. */
        g->first = calloc(g->n + 1, sizeof(*g->first));
        size_t *to = malloc((g->n_edges + 1) * sizeof(*to));
        if (!g->first || !to) {
                free(to);
                return -ENOMEM;
        }
        for (size_t e = 0; e < g->n_edges; e++)
                g->first[g->from[e] + 1]++;
        for (size_t i = 0; i < g->n; i++)
                g->first[i + 1] += g->first[i];
        _cleanup_free_ size_t *fill = calloc(g->n + 1, sizeof(*fill));
        if (!fill) {
                free(to);
                return -ENOMEM;
        }
        for (size_t e = 0; e < g->n_edges; e++) {
                size_t v = g->from[e];
                to[g->first[v] + fill[v]++] = g->to[e];
        }
        free(g->to);
        g->to = to;
        return 0;
}

/* "a -> b -> +G -> a" from the DFS stack's part from..sp, closed by w. */
static char *cycle_text(const struct graph *g, const size_t *stack, size_t from, size_t sp) {
        static const char order_note[] =
                " (a group of the group order list comes after the group before it)";
        size_t len = sizeof(order_note);
        for (size_t i = from; i <= sp; i++)
                len += strlen(g->v[stack[i]].name) + 5;
        char *t = malloc(len), *p = t;
        if (!t)
                return NULL;
        bool through_order = false;
        for (size_t i = from; i <= sp; i++) {
                const struct graph_node *v = &g->v[stack[i]];
                through_order |= i > from && !v->config && !g->v[stack[i - 1]].config;
                p += sprintf(p, "%s%s%s", i > from ? " -> " : "", v->config ? "" : "+", v->name);
        }
        if (through_order)
                strcpy(p, order_note);
        return t;
}

/* Depth first from root; 1 with *ret_cycle when it finds one. */
static int dfs(const struct graph *g, size_t root, uint8_t *color, size_t *stack, size_t *next,
               char **ret_cycle) {
        size_t sp = 0;
        stack[sp] = root;
        next[sp++] = 0;
        color[root] = 1;
        while (sp > 0) {
                size_t v = stack[sp - 1];
                if (g->first[v] + next[sp - 1] >= g->first[v + 1]) {
                        color[v] = 2;
                        sp--;
                        continue;
                }
                size_t w = g->to[g->first[v] + next[sp - 1]++];
                if (color[w] == 0) {
                        color[w] = 1;
                        stack[sp] = w;
                        next[sp++] = 0;
                } else if (color[w] == 1) {
                        size_t from = 0;
                        while (stack[from] != w)
                                from++;
                        stack[sp] = w;
                        *ret_cycle = cycle_text(g, stack, from, sp);
                        return *ret_cycle ? 1 : -ENOMEM;
                }
        }
        return 0;
}

int depend_find_cycle(struct manager *m, const struct service_config *c, char *const *order,
                      char **ret_cycle) {
        _cleanup_(graph_clear) struct graph g = {0};
        if (!order)
                order = m->group_order;
        int r = graph_nodes(&g, m, c, order);
        if (r >= 0)
                r = graph_edges(&g, order);
        if (r < 0)
                return r;
        _cleanup_free_ uint8_t *color = calloc(g.n + 1, 1);
        _cleanup_free_ size_t *stack = calloc(g.n + 1, sizeof(*stack));
        _cleanup_free_ size_t *next = calloc(g.n + 1, sizeof(*next));
        if (!color || !stack || !next)
                return -ENOMEM;
        /* From the changed service first, so the cycle is told from it. */
        ssize_t first = c ? find_service_node(&g, c->name) : -1;
        if (first >= 0 && (r = dfs(&g, (size_t)first, color, stack, next, ret_cycle)) != 0)
                return r;
        for (size_t i = 0; i < g.n; i++)
                if (color[i] == 0 && (r = dfs(&g, i, color, stack, next, ret_cycle)) != 0)
                        return r;
        return 0;
}

/* ---- dependents ---- */

struct dependents {
        struct service **all;
        size_t n;
        bool *member;  /* all[i] depends on s, directly or not */
        bool *visited; /* placed in the order */
        struct service **order;
        size_t n_order;
};

/* Post-order over "is depended on by": every dependent of all[i] is placed
 * before all[i]. */
static void place(struct dependents *d, size_t i) {
        d->visited[i] = true;
        for (size_t j = 0; j < d->n; j++)
                if (d->member[j] && !d->visited[j] && depend_directly_on(d->all[j], d->all[i]))
                        place(d, j);
        d->order[d->n_order++] = d->all[i];
}

ssize_t depend_dependents(struct manager *m, struct service *s, struct service ***ret) {
        struct dependents d = {0};
        ssize_t n = registry_sorted(m->registry, &d.all);
        if (n < 0)
                return n;
        d.n = (size_t)n;
        d.member = calloc(d.n + 1, sizeof(bool));
        d.visited = calloc(d.n + 1, sizeof(bool));
        d.order = calloc(d.n + 1, sizeof(*d.order));
        ssize_t r = -ENOMEM;
        if (!d.member || !d.visited || !d.order)
                goto out;
        size_t self = 0;
        while (self < d.n && d.all[self] != s)
                self++;
        if (self == d.n) {
                r = 0;
                goto out;
        }
        /* Everything that reaches s: a worklist of the services added, each
         * scanned once for the services that depend on it. */
        size_t *work = calloc(d.n + 1, sizeof(*work)), n_work = 0;
        if (!work)
                goto out;
        work[n_work++] = self;
        for (size_t w = 0; w < n_work; w++)
                for (size_t j = 0; j < d.n; j++)
                        if (!d.member[j] && j != self &&
                            depend_directly_on(d.all[j], d.all[work[w]])) {
                                d.member[j] = true;
                                work[n_work++] = j;
                        }
        free(work);
        place(&d, self);
        d.n_order--; /* s itself, placed last */
        *ret = d.order;
        d.order = NULL;
        r = (ssize_t)d.n_order;
out:
        free(d.all);
        free(d.member);
        free(d.visited);
        free(d.order);
        return r;
}

bool depend_dependents_running(struct service *s) {
        struct service **v = NULL;
        ssize_t n = depend_dependents(s->manager, s, &v);
        bool running = n < 0;
        for (ssize_t i = 0; i < n && !running; i++)
                running = v[i]->state != SCM_STATE_STOPPED;
        free(v);
        return running;
}

/* ---- the group order list ---- */

int depend_load(struct manager *m) {
        char **order;
        int r = db_group_order_load(m->db, &order);
        if (r < 0)
                return r;
        strv_free(m->group_order);
        m->group_order = order;
        return 0;
}

int depend_set_group_order(struct manager *m, char **groups) {
        char **copy = strv_copy(groups);
        if (!copy)
                return -ENOMEM;
        int r = db_group_order_save(m->db, groups);
        if (r < 0) {
                strv_free(copy);
                return r;
        }
        strv_free(m->group_order);
        m->group_order = copy;
        return 0;
}
