/* SPDX-License-Identifier: MIT */
/*
 * Groups and dependencies: the graph of services and groups, and the
 * orders of start and stop that follow from it (Windows' Group,
 * DependOnService, DependOnGroup and ServiceGroupOrder).
 *
 * The graph.  A service depends on services by name and on groups ("+G");
 * a group dependency is met when at least one member of the group runs once
 * every member was tried.  A group in the group order list comes after the
 * group before it, so a dependency (direct or not) of a group's member on a
 * later group is a cycle like any other.  Cycles are refused when they would
 * be made (create, change_config, set_group_order); a dependency on a
 * service that does not exist is allowed, and fails the start.
 *
 * The start cascade.  A start target is one service (or group) being brought
 * up: it waits for each of its dependencies (their own targets, shared by
 * every dependent), then starts its service, then waits until the service
 * is RUNNING or has failed, and answers everyone who waits on it: the
 * dependents' targets (dep_watch) and the clients (start waiters, answered
 * by the start's own rule once the service's start is under way).  Nothing
 * blocks: a target moves on only from depend_service_entered(), the hook of
 * every state change.  A target is never answered while it is being built,
 * so the answers always come from the loop, never from the middle of
 * building another target.
 *
 * The boot (depend_start_all): one phase per group of the order list, then
 * one for everything else; in each, every service of the start type is
 * ensured at once, and the next phase begins when every one has started or
 * failed.
 *
 * The stop cascade (depend_stop_all, depend_stop_dependents): a stop job
 * holds a set of services and, for each, the services that depend on it;
 * it asks a service to stop once none of those is running, and is done
 * when the whole set has stopped.  Each STOPPED moves every job on.
 *
 * The running cascades are kept in one static (there is one scmd, and one
 * manager, per process), as lkg.c keeps its boot.
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
#include "log.h"
#include "manager.h"
#include "process.h"
#include "registry.h"
#include "service.h"
#include "service_config.h"
#include "timeline.h"
#include "validate.h"

/* ---- the graph, as the configuration says it ---- */

static bool is_group_dependency(const char *d) {
        return d[0] == '+';
}

static bool in_group(const struct service_config *c, const char *group) {
        return c->group && c->group[0] && names_equal(c->group, group);
}

/* x depends on s directly: by name, or on s's group. */
static bool depends_on(const struct service *x, const struct service *s) {
        for (char **d = x->config.dependencies; d && *d; d++)
                if (is_group_dependency(*d) ? in_group(&s->config, *d + 1)
                                            : names_equal(*d, s->config.name))
                        return true;
        return false;
}

static size_t strv_count(char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

size_t depend_group_rank(const struct manager *m, const char *group) {
        size_t n = strv_count(m->group_order);
        if (!group || !group[0])
                return n;
        for (size_t i = 0; i < n; i++)
                if (names_equal(m->group_order[i], group))
                        return i;
        return n;
}

/* Running as far as a dependent is concerned: started, maybe paused. */
static bool is_up(const struct service *s) {
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
        size_t cap = (size_t)n + 1 + strv_count(order);
        for (ssize_t i = 0; i < n; i++)
                cap += 1 + strv_count(all[i]->config.dependencies);
        cap += c ? 1 + strv_count(c->dependencies) : 0;
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
                        if (is_group_dependency(*d))
                                r = add_group_node(g, *d + 1, cap);
        }
        return r;
}

static int graph_edges(struct graph *g, char *const *order) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < g->n_services; i++)
                for (char **d = g->v[i].config->dependencies; r >= 0 && d && *d; d++) {
                        ssize_t j = is_group_dependency(*d) ? find_group_node(g, *d + 1)
                                                            : find_service_node(g, *d);
                        if (j >= 0)
                                r = add_edge(g, i, (size_t)j);
                }
        for (size_t k = g->n_services; r >= 0 && k < g->n; k++)
                for (size_t i = 0; r >= 0 && i < g->n_services; i++)
                        if (in_group(g->v[i].config, g->v[k].name))
                                r = add_edge(g, k, i);
        /* Each group of the order list comes after the one before it. */
        for (size_t i = 1; r >= 0 && i < strv_count(order); i++)
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
                if (d->member[j] && !d->visited[j] && depends_on(d->all[j], d->all[i]))
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
                        if (!d.member[j] && j != self && depends_on(d.all[j], d.all[work[w]])) {
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

/* ---- the running cascades ---- */

/* One registration of a waiter on a target. */
struct dep_watch {
        struct dep_watch *next;
        struct start_target *on; /* NULL when not registered (or answered) */
        void *owner;             /* a start_target or a start_all */
        void (*fn)(struct dep_watch *w, int win32, const char *message);
};

struct start_target {
        struct start_target *next;
        struct manager *m;
        struct service *service; /* a service target; NULL for a group */
        char *group;             /* a group target */
        bool building;           /* being made: an answer now would be too early */
        bool started;            /* service_start() was called */
        struct dep_watch *watchers;
        struct start_waiter *clients;
        char **args;
        struct dep_watch *deps; /* one per dependency (a group: one per member) */
        char **dep_names;       /* a service: its dependencies when it was made */
        size_t n_deps, pending;
        size_t met;       /* a group: members running */
        char *first_text; /* and its sentence */
};

struct start_all {
        struct start_all *next;
        struct manager *m;
        enum scm_start_type type;
        void (*done)(struct manager *m);
        size_t phase; /* the index of the group order list; its length: the rest */
        size_t pending;
        struct dep_watch *watches;
        size_t n_watches;
};

struct stop_job {
        struct stop_job *next;
        struct manager *m;
        struct service **services; /* NULL once gone */
        size_t n;
        bool *asked;
        bool *stopped;                /* asked, and seen STOPPED since */
        struct service ***dependents; /* of services[i], NULL-terminated; NULL entries gone */
        int (*stop)(struct stop_job *job, struct service *s);
        void (*done)(struct stop_job *job, int win32, const char *message);
        void (*public_stop)(struct service *s);
        void (*public_done)(struct manager *m);
        void (*client_done)(void *userdata, int win32, const char *message);
        void *userdata;
        bool kicking, again;
        unsigned round; /* depend_service_entered()'s last round that kicked it */
};

static struct {
        struct start_target *targets;
        struct start_all *boots;
        struct stop_job *stops;
        bool cancelling; /* depend_cancel_starts(): every answer is its own */
} run;

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text(const char *fmt, ...) {
        va_list ap;
        char *t;
        va_start(ap, fmt);
        if (vasprintf(&t, fmt, ap) < 0)
                t = NULL;
        va_end(ap);
        return t;
}

/* ---- targets ---- */

static void watch_register(struct dep_watch *w, struct start_target *t) {
        w->on = t;
        w->next = t->watchers;
        t->watchers = w;
}

static void watch_cancel(struct dep_watch *w) {
        if (!w->on)
                return;
        for (struct dep_watch **p = &w->on->watchers; *p; p = &(*p)->next)
                if (*p == w) {
                        *p = w->next;
                        break;
                }
        w->on = NULL;
}

static struct start_target *target_new(struct manager *m, size_t n_deps) {
        struct start_target *t = calloc(1, sizeof(*t));
        if (!t)
                return NULL;
        t->deps = calloc(n_deps + 1, sizeof(*t->deps));
        if (!t->deps) {
                free(t);
                return NULL;
        }
        t->m = m;
        t->n_deps = n_deps;
        t->building = true;
        t->next = run.targets;
        run.targets = t;
        return t;
}

/* Unlinks t and frees it; it must have no watcher and no client left. */
static void target_free(struct start_target *t) {
        for (struct start_target **p = &run.targets; *p; p = &(*p)->next)
                if (*p == t) {
                        *p = t->next;
                        break;
                }
        for (size_t i = 0; i < t->n_deps; i++)
                watch_cancel(&t->deps[i]);
        if (t->service && t->service->start_target == t)
                t->service->start_target = NULL;
        strv_free(t->args);
        strv_free(t->dep_names);
        free(t->group);
        free(t->first_text);
        free(t->deps);
        free(t);
}

static void answer_clients(struct start_target *t, int win32, const char *message) {
        while (t->clients) {
                struct start_waiter *c = t->clients;
                t->clients = c->next;
                c->fn(c, t->service, win32, message ? message : scm_error_message(win32));
        }
}

/* The target is answered: 0 when its service runs (a group: a member
 * runs), else the failure.  Frees t. */
static void target_done(struct start_target *t, int win32, const char *message) {
        struct service *s = t->service;
        for (size_t i = 0; i < t->n_deps; i++)
                watch_cancel(&t->deps[i]);
        if (s && s->start_target == t)
                s->start_target = NULL;
        /* Out of the list first: nobody joins a target being answered. */
        for (struct start_target **p = &run.targets; *p; p = &(*p)->next)
                if (*p == t) {
                        *p = t->next;
                        break;
                }
        t->next = NULL;
        if (s && win32 && !t->started && !run.cancelling) {
                log_warning("service %s: not started: %s", s->config.name, message);
                service_fail_start(s, win32, message);
        }
        if (s)
                answer_clients(t, win32, message);
        /* One at a time: an answer may end another waiter of t. */
        struct dep_watch *w;
        while ((w = t->watchers)) {
                t->watchers = w->next;
                w->on = NULL;
                w->fn(w, win32, message);
        }
        t->service = NULL;
        target_free(t);
}

static int ensure_service(struct manager *m, struct service *s, struct dep_watch *w,
                          char **ret_message);

static void on_dependency_answered(struct dep_watch *w, int win32, const char *message);

/* Makes sure the dependency dep of `who` is met.  Returns 1 when it is met
 * now, 0 when w was registered and will be called, or SCM_ERR(win32) with
 * *ret_message. */
static int ensure_group(struct manager *m, const char *group, struct dep_watch *w,
                        char **ret_message);

static int ensure_dependency(struct manager *m, const char *who, const char *dep,
                             struct dep_watch *w, char **ret_message) {
        _cleanup_free_ char *why = NULL;
        if (is_group_dependency(dep)) {
                int r = ensure_group(m, dep + 1, w, &why);
                if (r < 0)
                        *ret_message = text("service %s depends on group %s: %s", who, dep + 1,
                                            why ? why : "it cannot run");
                return r;
        }
        struct service *d = registry_find(m->registry, dep);
        if (!d || d->marked_for_delete) {
                *ret_message = text("service %s depends on %s, which %s", who, dep,
                                    d ? "is marked for delete" : "does not exist");
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_DELETED);
        }
        if (d->config.start_type == SCM_START_DISABLED) {
                *ret_message = text("service %s depends on %s, which is disabled", who, dep);
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL);
        }
        if (d->state == SCM_STATE_STOP_PENDING) {
                *ret_message = text("service %s depends on %s, which is stopping", who, dep);
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL);
        }
        int r = ensure_service(m, d, w, &why);
        if (r < 0)
                *ret_message =
                        text("service %s depends on %s, which cannot start: %s", who,
                             d->config.name, why ? why : scm_error_message(scm_error_win32(r)));
        return r < 0 ? SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL) : r;
}

/* Ensures every dependency of t's service; counts the pending ones. */
static int ensure_dependencies(struct start_target *t, char **ret_message) {
        struct service *s = t->service;
        /* A change_config meanwhile must not move what the answers refer to. */
        if (!(t->dep_names = strv_copy(s->config.dependencies))) {
                *ret_message = text("out of memory");
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        size_t i = 0;
        for (char **d = t->dep_names; *d && i < t->n_deps; d++, i++) {
                t->deps[i] = (struct dep_watch){.owner = t, .fn = on_dependency_answered};
                int r = ensure_dependency(t->m, s->config.name, *d, &t->deps[i], ret_message);
                if (r < 0)
                        return r;
                if (r == 0)
                        t->pending++;
        }
        return 0;
}

/* Every dependency of t is met: start its service. */
static void target_launch(struct start_target *t) {
        struct service *s = t->service;
        _cleanup_free_ char *message = NULL;
        if (t->m->shutting_down) {
                target_done(t, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                            "scmd is shutting down and starts nothing more");
                return;
        }
        if (s->marked_for_delete || s->config.start_type == SCM_START_DISABLED) {
                /* Changed while it waited: refused as a start would be. */
                _cleanup_free_ char *why =
                        text("service %s is %s and cannot be started", s->config.name,
                             s->marked_for_delete ? "marked for delete" : "disabled");
                t->started = true; /* nothing ran: its exit code stays */
                target_done(t,
                            s->marked_for_delete ? SCM_ERROR_SERVICE_MARKED_FOR_DELETE
                                                 : SCM_ERROR_SERVICE_DISABLED,
                            why);
                return;
        }
        int r = service_start(s, t->args, &message);
        if (r < 0) {
                int win32 = scm_error_win32(r);
                _cleanup_free_ char *why =
                        message ? TAKE_PTR(message)
                                : text("service %s is %s and cannot start: %s", s->config.name,
                                       scm_state_name(s->state), scm_error_message(win32));
                t->started = true; /* its own failure: its exit code says it */
                if (s->state == SCM_STATE_STOPPED || s->state == SCM_STATE_STOP_PENDING) {
                        target_done(t, win32, why);
                        return;
                }
                /* Someone else started it meanwhile: the clients' start is
                 * refused, the dependents wait for it as for ours. */
                answer_clients(t, win32, why);
        }
        t->started = true;
        /* The clients are answered by the start's own rule from here. */
        while (t->clients) {
                struct start_waiter *c = t->clients;
                t->clients = c->next;
                if (s->state == SCM_STATE_START_PENDING)
                        service_add_start_waiter(s, c);
                else
                        c->fn(c, s, 0, NULL);
        }
        if (is_up(s))
                target_done(t, 0, NULL);
}

static void on_dependency_answered(struct dep_watch *w, int win32, const char *message) {
        struct start_target *t = w->owner;
        if (run.cancelling) {
                /* Not the dependency's failure: the dependent's start is
                 * cancelled for the same reason. */
                target_done(t, win32, message);
                return;
        }
        if (win32) {
                const char *dep = t->dep_names[w - t->deps];
                _cleanup_free_ char *why = text(
                        "service %s depends on %s, which failed to start: %s",
                        t->service->config.name, dep, message ? message : scm_error_message(win32));
                target_done(t, SCM_ERROR_SERVICE_DEPENDENCY_FAIL, why);
                return;
        }
        if (--t->pending == 0)
                target_launch(t);
}

static int ensure_service(struct manager *m, struct service *s, struct dep_watch *w,
                          char **ret_message) {
        struct start_target *t = s->start_target;
        if (t) {
                if (t->building) {
                        *ret_message = text("a dependency cycle passes through %s", s->config.name);
                        return SCM_ERR(SCM_ERROR_CIRCULAR_DEPENDENCY);
                }
                if (w)
                        watch_register(w, t);
                return 0;
        }
        if (is_up(s))
                return 1;
        if (s->state != SCM_STATE_STOPPED && s->state != SCM_STATE_START_PENDING) {
                *ret_message = text("service %s is %s", s->config.name, scm_state_name(s->state));
                return SCM_ERR(SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        }
        t = target_new(m, strv_count(s->config.dependencies));
        if (!t) {
                *ret_message = text("out of memory");
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        t->service = s;
        s->start_target = t;
        timeline_start_requested(s); /* (when stopped) it waits for its dependencies now */
        if (s->state == SCM_STATE_START_PENDING) {
                /* Started by someone else: wait for it like for our own. */
                t->started = true;
        } else {
                int r = ensure_dependencies(t, ret_message);
                if (r < 0) {
                        log_warning("service %s: not started: %s", s->config.name,
                                    *ret_message ? *ret_message : "?");
                        service_fail_start(s, scm_error_win32(r), *ret_message);
                        target_free(t);
                        return r;
                }
                if (t->pending == 0) {
                        _cleanup_free_ char *message = NULL;
                        r = service_start(s, NULL, &message);
                        if (r < 0) {
                                *ret_message =
                                        message ? TAKE_PTR(message)
                                                : text("%s", scm_error_message(scm_error_win32(r)));
                                target_free(t);
                                return r;
                        }
                        t->started = true;
                }
        }
        t->building = false;
        if (is_up(s)) {
                target_free(t);
                return 1;
        }
        if (w)
                watch_register(w, t);
        return 0;
}

/* The group target's verdict once every member was tried. */
static int group_verdict(struct start_target *t, char **ret_message) {
        if (t->met > 0)
                return 1;
        *ret_message = t->first_text ? text("no service of it is running: %s", t->first_text)
                                     : text("no service of it is running");
        return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL);
}

static void group_member_failed(struct start_target *t, int win32, const char *message) {
        (void)win32;
        if (t->first_text)
                return;
        t->first_text = text("%s", message ? message : scm_error_message(win32));
}

static void on_member_answered(struct dep_watch *w, int win32, const char *message) {
        struct start_target *t = w->owner;
        if (run.cancelling) {
                target_done(t, win32, message);
                return;
        }
        if (win32)
                group_member_failed(t, win32, message);
        else
                t->met++;
        if (--t->pending > 0)
                return;
        _cleanup_free_ char *why = NULL;
        int r = group_verdict(t, &why);
        target_done(t, r < 0 ? scm_error_win32(r) : 0, why);
}

/* Tries member x of group target t (slot i). */
static void try_member(struct start_target *t, struct service *x, size_t i) {
        _cleanup_free_ char *why = NULL;
        t->deps[i] = (struct dep_watch){.owner = t, .fn = on_member_answered};
        if (is_up(x)) {
                /* Running is what the group needs, whatever its start type
                 * became since (disabled, marked) or whatever it is (a
                 * loaded kernel driver). */
                t->met++;
                return;
        }
        if (x->marked_for_delete || x->config.start_type == SCM_START_DISABLED ||
            x->config.type == SCM_TYPE_KERNEL_DRIVER) {
                why = text("service %s is %s", x->config.name,
                           x->marked_for_delete ? "marked for delete"
                           : x->config.type == SCM_TYPE_KERNEL_DRIVER
                                   ? "a kernel driver that is not loaded (only the boot loads one)"
                                   : "disabled");
                group_member_failed(t, SCM_ERROR_SERVICE_DEPENDENCY_FAIL, why);
                return;
        }
        int r = ensure_service(t->m, x, &t->deps[i], &why);
        if (r == 1)
                t->met++;
        else if (r == 0)
                t->pending++;
        else
                group_member_failed(t, scm_error_win32(r), why);
}

static int ensure_group(struct manager *m, const char *group, struct dep_watch *w,
                        char **ret_message) {
        for (struct start_target *t = run.targets; t; t = t->next)
                if (t->group && names_equal(t->group, group)) {
                        if (t->building) {
                                *ret_message =
                                        text("a dependency cycle passes through group %s", group);
                                return SCM_ERR(SCM_ERROR_CIRCULAR_DEPENDENCY);
                        }
                        watch_register(w, t);
                        return 0;
                }
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        size_t members = 0;
        for (ssize_t i = 0; i < n; i++)
                members += in_group(&all[i]->config, group);
        if (n < 0 || members == 0) {
                *ret_message = text("no service is in group %s", group);
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_DELETED);
        }
        struct start_target *t = target_new(m, members);
        if (!t || !(t->group = strdup(group))) {
                if (t)
                        target_free(t);
                *ret_message = text("out of memory");
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        size_t k = 0;
        for (ssize_t i = 0; i < n; i++)
                if (in_group(&all[i]->config, group))
                        try_member(t, all[i], k++);
        t->building = false;
        if (t->pending > 0) {
                watch_register(w, t);
                return 0;
        }
        int r = group_verdict(t, ret_message);
        target_free(t);
        return r;
}

bool depend_start_waiting(const struct service *s) {
        return s->start_target && !s->start_target->started;
}

int depend_start_service(struct service *s, char **ret_message) {
        if (s->manager->shutting_down)
                return SCM_ERR(SCM_ERROR_SHUTDOWN_IN_PROGRESS);
        int r = ensure_service(s->manager, s, NULL, ret_message);
        return r < 0 ? r : 0;
}

int depend_start(struct service *s, char **args, struct start_waiter *w, char **ret_message) {
        struct start_target *t = s->start_target;
        if (t && !t->started) {
                /* Already on its way up for someone else: wait with them. */
                w->next = t->clients;
                t->clients = w;
                return 1;
        }
        if (t || s->state != SCM_STATE_STOPPED || !s->config.dependencies ||
            !s->config.dependencies[0])
                return service_start(s, args, ret_message);
        t = target_new(s->manager, strv_count(s->config.dependencies));
        if (!t)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        t->service = s;
        s->start_target = t;
        timeline_start_requested(s);
        _cleanup_free_ char *why = NULL;
        int r = ensure_dependencies(t, &why);
        if (r < 0) {
                log_warning("service %s: not started: %s", s->config.name, why ? why : "?");
                service_fail_start(s, scm_error_win32(r), why);
                target_free(t);
                *ret_message = TAKE_PTR(why);
                return r;
        }
        t->building = false;
        if (t->pending == 0) {
                target_free(t);
                return service_start(s, args, ret_message);
        }
        if (args && !(t->args = strv_copy(args))) {
                target_free(t);
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        w->next = NULL;
        t->clients = w;
        return 1;
}

/* ---- the boot: group by group ---- */

static void start_all_advance(struct start_all *job);

static void on_boot_answered(struct dep_watch *w, int win32, const char *message) {
        struct start_all *job = w->owner;
        (void)win32;
        (void)message;
        if (--job->pending == 0)
                start_all_advance(job);
}

static bool boots_this(const struct start_all *job, const struct service *s) {
        return s->config.start_type == job->type && s->state == SCM_STATE_STOPPED &&
               !s->marked_for_delete && s->config.type != SCM_TYPE_KERNEL_DRIVER &&
               depend_group_rank(job->m, s->config.group) == job->phase;
}

static void start_all_free(struct start_all *job) {
        for (struct start_all **p = &run.boots; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        break;
                }
        for (size_t i = 0; i < job->n_watches; i++)
                watch_cancel(&job->watches[i]);
        free(job->watches);
        free(job);
}

/* Starts one phase: every service of it at once. */
static void start_all_phase(struct start_all *job) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = job->m->shutting_down ? 0 : registry_sorted(job->m->registry, &all);
        free(job->watches);
        job->watches = calloc(n > 0 ? (size_t)n : 1, sizeof(*job->watches));
        job->n_watches = job->watches && n > 0 ? (size_t)n : 0;
        for (size_t i = 0; i < job->n_watches; i++) {
                struct service *s = all[i];
                if (!boots_this(job, s))
                        continue;
                job->watches[i] = (struct dep_watch){.owner = job, .fn = on_boot_answered};
                _cleanup_free_ char *why = NULL;
                int r = ensure_service(job->m, s, &job->watches[i], &why);
                if (r == 0)
                        job->pending++;
                else if (r < 0)
                        log_warning("service %s: %s failed: %s", s->config.name,
                                    scm_start_type_name(job->type),
                                    why ? why : scm_error_message(scm_error_win32(r)));
        }
}

static void start_all_advance(struct start_all *job) {
        size_t phases = strv_count(job->m->group_order);
        while (job->pending == 0) {
                if (job->phase > phases) {
                        void (*done)(struct manager * m) = job->done;
                        struct manager *m = job->m;
                        start_all_free(job);
                        if (done)
                                done(m);
                        return;
                }
                start_all_phase(job);
                job->phase++;
        }
}

void depend_start_all(struct manager *m, enum scm_start_type type,
                      void (*done)(struct manager *m)) {
        struct start_all *job = calloc(1, sizeof(*job));
        if (!job) {
                log_error("out of memory: the %s services are not started",
                          scm_start_type_name(type));
                if (done)
                        done(m);
                return;
        }
        *job = (struct start_all){.next = run.boots, .m = m, .type = type, .done = done};
        run.boots = job;
        log_info("starting the %s services: %zu groups in the group order, then the rest",
                 scm_start_type_name(type), strv_count(m->group_order));
        start_all_advance(job);
}

/* ---- stopping: dependents first ---- */

static void stop_job_free(struct stop_job *job) {
        for (struct stop_job **p = &run.stops; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        break;
                }
        for (size_t i = 0; job->dependents && i < job->n; i++)
                free(job->dependents[i]);
        free(job->dependents);
        free(job->services);
        free(job->asked);
        free(job->stopped);
        free(job);
}

/* The services of the registry that depend on s directly. */
static struct service **direct_dependents(struct manager *m, struct service *s) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        if (n < 0)
                return NULL;
        struct service **v = calloc((size_t)n + 1, sizeof(*v));
        size_t k = 0;
        for (ssize_t i = 0; v && i < n; i++)
                if (all[i] != s && depends_on(all[i], s))
                        v[k++] = all[i];
        return v;
}

/* A dependent the job must see stopped first is not.  The shutdown's job
 * (no client) leaves kernel drivers loaded: one never holds its
 * dependencies up. */
static bool dependent_running(const struct stop_job *job, struct service **dependents) {
        for (size_t i = 0; dependents && dependents[i]; i++) {
                const struct service *d = dependents[i];
                if (!job->client_done && d->config.type == SCM_TYPE_KERNEL_DRIVER)
                        continue;
                if (d->state != SCM_STATE_STOPPED)
                        return true;
        }
        return false;
}

static bool in_job(const struct stop_job *job, const struct service *s) {
        for (size_t i = 0; i < job->n; i++)
                if (job->services[i] == s)
                        return true;
        return false;
}

/* A running dependent the job will not stop: one outside its set, or one
 * it stopped already that was started again.  Only a client's job can meet
 * one (the shutdown refuses every start); waiting for it would keep the
 * client waiting for ever. */
static struct service *stop_blocker(const struct stop_job *job, struct service **dependents) {
        for (size_t k = 0; dependents && dependents[k]; k++) {
                struct service *d = dependents[k];
                if (d->state == SCM_STATE_STOPPED)
                        continue;
                size_t j = 0;
                while (j < job->n && job->services[j] != d)
                        j++;
                if (j == job->n || job->stopped[j])
                        return d;
        }
        return NULL;
}

static void stop_job_finish(struct stop_job *job, int win32, const char *message) {
        void (*done)(struct stop_job * j, int w, const char *msg) = job->done;
        for (struct stop_job **p = &run.stops; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        break;
                }
        job->next = NULL;
        done(job, win32, message); /* frees job */
}

/* Asks every service whose dependents have all stopped; finishes the job
 * once every service has stopped.  Re-entered from a stop (the service
 * changes state inside it): the outer call goes round again. */
static void stop_job_kick(struct stop_job *job) {
        if (job->kicking) {
                job->again = true;
                return;
        }
        job->kicking = true;
        bool all_stopped;
        do {
                job->again = false;
                all_stopped = true;
                for (size_t i = 0; i < job->n; i++) {
                        struct service *s = job->services[i];
                        if (!s)
                                continue;
                        if (s->state == SCM_STATE_STOPPED) {
                                job->stopped[i] |= job->asked[i];
                                continue;
                        }
                        all_stopped = false;
                        struct service *b = NULL;
                        if (job->client_done && job->stopped[i])
                                b = s;
                        else if (job->client_done && !job->asked[i])
                                b = stop_blocker(job, job->dependents[i]);
                        if (b) {
                                /* Named only when the caller's stop right
                                 * on it was checked (rpc_control.c). */
                                _cleanup_free_ char *why =
                                        in_job(job, b)
                                                ? text("service %s was started while its "
                                                       "dependencies waited to stop with their "
                                                       "dependents; stop it first",
                                                       b->config.name)
                                                : text("a service that depends on %s was started "
                                                       "while it waited to stop; stop that "
                                                       "service first",
                                                       s->config.name);
                                job->kicking = false;
                                stop_job_finish(job, SCM_ERROR_DEPENDENT_SERVICES_RUNNING, why);
                                return;
                        }
                        if (job->asked[i])
                                continue;
                        if (dependent_running(job, job->dependents[i]))
                                continue;
                        job->asked[i] = true;
                        int r = job->stop(job, s);
                        if (r < 0) {
                                _cleanup_free_ char *why =
                                        text("service %s depends on the service and cannot take a "
                                             "stop now (it is %s): %s",
                                             s->config.name, scm_state_name(s->state),
                                             scm_error_message(scm_error_win32(r)));
                                job->kicking = false;
                                stop_job_finish(job, scm_error_win32(r), why);
                                return;
                        }
                }
        } while (job->again);
        job->kicking = false;
        if (all_stopped)
                stop_job_finish(job, 0, NULL);
}

static struct stop_job *stop_job_new(struct manager *m, struct service **services, size_t n) {
        struct stop_job *job = calloc(1, sizeof(*job));
        if (!job)
                return NULL;
        job->m = m;
        job->n = n;
        job->services = calloc(n + 1, sizeof(*job->services));
        job->asked = calloc(n + 1, sizeof(bool));
        job->stopped = calloc(n + 1, sizeof(bool));
        job->dependents = calloc(n + 1, sizeof(*job->dependents));
        bool ok = job->services && job->asked && job->stopped && job->dependents;
        for (size_t i = 0; ok && i < n; i++) {
                job->services[i] = services[i];
                ok = (job->dependents[i] = direct_dependents(m, services[i])) != NULL;
        }
        if (!ok) {
                stop_job_free(job);
                return NULL;
        }
        job->next = run.stops;
        run.stops = job;
        return job;
}

static void default_stop(struct service *s) {
        if (service_stop(s) < 0 && s->state != SCM_STATE_STOP_PENDING)
                service_kill(s); /* it cannot take a stop now: no time to wait */
}

static int public_stop(struct stop_job *job, struct service *s) {
        (job->public_stop ? job->public_stop : default_stop)(s);
        return 0;
}

static void public_done(struct stop_job *job, int win32, const char *message) {
        void (*done)(struct manager * m) = job->public_done;
        struct manager *m = job->m;
        (void)win32;
        (void)message;
        stop_job_free(job);
        if (done)
                done(m);
}

void depend_cancel_starts(struct manager *m, int win32, const char *message) {
        (void)m;
        while (run.boots)
                start_all_free(run.boots);
        run.cancelling = true;
        while (run.targets)
                target_done(run.targets, win32, message);
        run.cancelling = false;
}

void depend_stop_all(struct manager *m, struct service **services, size_t n,
                     void (*stop)(struct service *s), void (*done)(struct manager *m)) {
        _cleanup_free_ struct service **active = NULL;
        if (!services) {
                depend_cancel_starts(m, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                                     "scmd is shutting down and starts nothing more");
                n = 0;
                for (struct service *s = m->active; s; s = s->active_next)
                        n++;
                active = calloc(n + 1, sizeof(*active));
                n = 0;
                for (struct service *s = m->active; active && s; s = s->active_next)
                        active[n++] = s;
                services = active;
        }
        struct stop_job *job = services ? stop_job_new(m, services, n) : NULL;
        if (!job) {
                /* Out of memory: stop them all at once rather than not at all. */
                log_error("out of memory: stopping services without their order");
                for (struct service *s = m->active, *next; s; s = next) {
                        next = s->active_next;
                        (stop ? stop : default_stop)(s);
                }
                if (done && !m->active)
                        done(m);
                return;
        }
        job->stop = public_stop;
        job->done = public_done;
        job->public_stop = stop;
        job->public_done = done;
        stop_job_kick(job);
}

static int client_stop(struct stop_job *job, struct service *s) {
        (void)job;
        int r = service_stop(s);
        return r < 0 && s->state != SCM_STATE_STOP_PENDING && s->state != SCM_STATE_STOPPED ? r : 0;
}

static void client_done(struct stop_job *job, int win32, const char *message) {
        void (*done)(void *userdata, int w, const char *msg) = job->client_done;
        void *userdata = job->userdata;
        stop_job_free(job);
        done(userdata, win32, message);
}

int depend_stop_dependents(struct service *s,
                           void (*done)(void *userdata, int win32, const char *message),
                           void *userdata) {
        _cleanup_free_ struct service **deps = NULL;
        ssize_t n = depend_dependents(s->manager, s, &deps);
        if (n < 0)
                return (int)n;
        size_t k = 0;
        for (ssize_t i = 0; i < n; i++)
                if (deps[i]->state != SCM_STATE_STOPPED)
                        deps[k++] = deps[i];
        if (k == 0)
                return 0;
        struct stop_job *job = stop_job_new(s->manager, deps, k);
        if (!job)
                return -ENOMEM;
        job->stop = client_stop;
        job->done = client_done;
        job->client_done = done;
        job->userdata = userdata;
        stop_job_kick(job);
        return 1;
}

/* ---- hooks ---- */

void depend_service_entered(struct service *s, enum scm_state old) {
        (void)old;
        struct start_target *t = s->start_target;
        if (t && !t->building) {
                if (is_up(s)) {
                        target_done(t, 0, NULL);
                } else if (s->state == SCM_STATE_STOPPED && t->started) {
                        _cleanup_free_ char *why =
                                s->last_error ? NULL
                                              : text("service %s stopped while starting: %s",
                                                     s->config.name,
                                                     scm_error_message((int)s->win32_exit_code));
                        target_done(t,
                                    s->win32_exit_code ? (int)s->win32_exit_code
                                                       : SCM_ERROR_SERVICE_NOT_ACTIVE,
                                    s->last_error ? s->last_error : why);
                }
        }
        if (s->state != SCM_STATE_STOPPED)
                return;
        /* A job may end (and be freed, or end others) inside its kick:
         * start again from the head after each, skipping those kicked. */
        static unsigned round;
        round++;
        for (struct stop_job *j = run.stops; j;) {
                if (j->round == round) {
                        j = j->next;
                        continue;
                }
                j->round = round;
                stop_job_kick(j);
                j = run.stops;
        }
}

void depend_service_gone(struct service *s) {
        if (s->start_target) {
                struct start_target *t = s->start_target;
                _cleanup_free_ char *why = text("service %s was deleted", s->config.name);
                t->started = true; /* nothing to record on a service going away */
                target_done(t, SCM_ERROR_SERVICE_DEPENDENCY_DELETED, why);
        }
        for (struct stop_job *j = run.stops; j; j = j->next)
                for (size_t i = 0; i < j->n; i++) {
                        if (j->services[i] == s)
                                j->services[i] = NULL;
                        struct service **d = j->dependents[i];
                        size_t k = 0;
                        while (d && d[k] && d[k] != s)
                                k++;
                        for (; d && d[k]; k++)
                                d[k] = d[k + 1]; /* closes the gap, NULL included */
                }
}

void depend_free(struct manager *m) {
        while (run.boots)
                start_all_free(run.boots);
        /* Every registration goes with the targets: none is cancelled. */
        for (struct start_target *t = run.targets; t; t = t->next) {
                t->watchers = NULL;
                for (size_t i = 0; i < t->n_deps; i++)
                        t->deps[i].on = NULL;
        }
        while (run.targets) {
                struct start_target *t = run.targets;
                answer_clients(t, SCM_ERROR_SHUTDOWN_IN_PROGRESS, NULL);
                target_free(t);
        }
        while (run.stops)
                stop_job_free(run.stops);
        strv_free(m->group_order);
        m->group_order = NULL;
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
