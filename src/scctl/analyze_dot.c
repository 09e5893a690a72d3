/* SPDX-License-Identifier: MIT */
/*
 * scctl analyze dot: the dependency graph in Graphviz's DOT language
 * ("scctl analyze dot | dot -Tsvg > deps.svg").
 *
 * One node per service, its outline coloured by its state now (as in the
 * plot).  Each load-order group is a cluster holding its members and a
 * "+Group" node, the target of dependencies on the group.  Edges go from a
 * service to what it depends on, coloured the way systemd-analyze dot
 * colours its kinds, so a reader of either knows them: black for a
 * service (DependOnService: needed), dashed blue for a group
 * (DependOnGroup: any one member), red for a name that is no service or a
 * group without a member (a start that needs it cannot succeed).
 *
 * Every node an edge names is declared first, with its label, so the
 * output reads the same whatever tool parses it.  Groups are matched
 * case-insensitively and shown as their first member spells them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cleanup.h"
#include "validate.h"

static const char *const class_colour[_ANALYZE_CLASS_MAX] = {
        [ANALYZE_RUNNING] = "#2ca02c",
        [ANALYZE_STOPPED] = "#7f7f7f",
        [ANALYZE_FAILED] = "#d62728",
        [ANALYZE_PENDING] = "#ff9f1a",
};

/* The groups of the graph: each spelled once, with whether any service is
 * a member. */
struct groups {
        const char **names;
        bool *has_members;
        size_t n;
};

static ssize_t group_find(const struct groups *g, const char *name) {
        for (size_t i = 0; i < g->n; i++)
                if (names_equal(g->names[i], name))
                        return (ssize_t)i;
        return -1;
}

static void group_add(struct groups *g, const char *name, bool member) {
        ssize_t i = group_find(g, name);
        if (i < 0) {
                i = (ssize_t)g->n++;
                g->names[i] = name;
        } else if (member && !g->has_members[i]) {
                g->names[i] = name; /* a member's spelling wins */
        }
        g->has_members[i] |= member;
}

/* Every group a service is in or depends on; the arrays have room for
 * each service's group and each dependency.  0 or -ENOMEM. */
static int collect_groups(const struct analyze_timeline *tl, struct groups *g) {
        size_t room = tl->n_services + 1;
        for (size_t i = 0; i < tl->n_services; i++)
                room += tl->services[i].n_dependencies;
        g->names = calloc(room, sizeof(*g->names));
        g->has_members = calloc(room, sizeof(*g->has_members));
        if (!g->names || !g->has_members)
                return -ENOMEM;
        for (size_t i = 0; i < tl->n_services; i++) {
                const struct analyze_service *s = &tl->services[i];
                if (s->group[0])
                        group_add(g, s->group, true);
                for (size_t d = 0; d < s->n_dependencies; d++)
                        if (s->dependencies[d][0] == '+')
                                group_add(g, s->dependencies[d] + 1, false);
        }
        return 0;
}

static void write_group_node(FILE *f, const char *group, bool has_members) {
        _cleanup_free_ char *id = NULL;
        if (asprintf(&id, "+%s", group) < 0)
                return;
        fputs("\t\t", f);
        analyze_dot_quote(f, id);
        fprintf(f, " [shape=ellipse, style=dashed, color=\"%s\"];\n",
                has_members ? "#1f77b4" : "#d62728");
}

static void write_service_node(FILE *f, const struct analyze_service *s, const char *indent) {
        fputs(indent, f);
        analyze_dot_quote(f, s->name);
        fprintf(f, " [color=\"%s\"];\n", class_colour[analyze_class_of(s)]);
}

static void write_clusters(FILE *f, const struct analyze_timeline *tl, const struct groups *g) {
        for (size_t k = 0; k < g->n; k++) {
                if (!g->has_members[k]) {
                        write_group_node(f, g->names[k], false);
                        continue;
                }
                fprintf(f, "\tsubgraph \"cluster_%zu\" {\n\t\tlabel=", k);
                analyze_dot_quote(f, g->names[k]);
                fputs(";\n\t\tstyle=rounded;\n\t\tcolor=\"#1f77b4\";\n", f);
                write_group_node(f, g->names[k], true);
                for (size_t i = 0; i < tl->n_services; i++)
                        if (names_equal(tl->services[i].group, g->names[k]))
                                write_service_node(f, &tl->services[i], "\t\t");
                fputs("\t}\n", f);
        }
}

/* The first spelling of dep among all dependencies: a name that no service
 * has is one node however its dependents spell it. */
static const char *first_spelling(const struct analyze_timeline *tl, const char *dep) {
        for (size_t i = 0; i < tl->n_services; i++)
                for (size_t d = 0; d < tl->services[i].n_dependencies; d++)
                        if (names_equal(tl->services[i].dependencies[d], dep))
                                return tl->services[i].dependencies[d];
        return dep;
}

/* Nodes for the names that no service has, each once. */
static void write_missing(FILE *f, const struct analyze_timeline *tl) {
        for (size_t i = 0; i < tl->n_services; i++) {
                const struct analyze_service *s = &tl->services[i];
                for (size_t d = 0; d < s->n_dependencies; d++) {
                        const char *dep = s->dependencies[d];
                        if (dep[0] == '+' || analyze_find(tl, dep) >= 0 ||
                            first_spelling(tl, dep) != dep)
                                continue;
                        fputc('\t', f);
                        analyze_dot_quote(f, dep);
                        fputs(" [style=dashed, color=\"#d62728\", fontcolor=\"#d62728\"];\n", f);
                }
        }
}

static void write_edge(FILE *f, const char *from, const char *to_prefix, const char *to,
                       const char *attributes) {
        _cleanup_free_ char *id = NULL;
        if (asprintf(&id, "%s%s", to_prefix, to) < 0)
                return;
        fputc('\t', f);
        analyze_dot_quote(f, from);
        fputs(" -> ", f);
        analyze_dot_quote(f, id);
        fprintf(f, " [%s];\n", attributes);
}

static void write_edges(FILE *f, const struct analyze_timeline *tl, const struct groups *g) {
        for (size_t i = 0; i < tl->n_services; i++) {
                const struct analyze_service *s = &tl->services[i];
                for (size_t d = 0; d < s->n_dependencies; d++) {
                        const char *dep = s->dependencies[d];
                        if (dep[0] == '+') {
                                ssize_t k = group_find(g, dep + 1);
                                write_edge(f, s->name, "+", g->names[k],
                                           g->has_members[k] ? "color=\"#1f77b4\", style=dashed"
                                                             : "color=\"#d62728\", style=dashed");
                                continue;
                        }
                        ssize_t j = analyze_find(tl, dep);
                        write_edge(f, s->name, "",
                                   j >= 0 ? tl->services[j].name : first_spelling(tl, dep),
                                   j >= 0 ? "color=\"#000000\"" : "color=\"#d62728\"");
                }
        }
}

int analyze_write_dot(FILE *f, const struct analyze_timeline *tl) {
        struct groups g = {0};
        int r = collect_groups(tl, &g);
        if (r >= 0) {
                fputs("digraph \"scm\" {\n"
                      "\t/* scctl analyze dot: an edge from each service to what it depends on.\n"
                      "\t * black: a service; dashed blue: a group (any one member);\n"
                      "\t * red: nothing that exists. */\n"
                      "\tnode [shape=box, style=rounded];\n",
                      f);
                write_clusters(f, tl, &g);
                for (size_t i = 0; i < tl->n_services; i++)
                        if (!tl->services[i].group[0])
                                write_service_node(f, &tl->services[i], "\t");
                write_missing(f, tl);
                write_edges(f, tl, &g);
                fputs("}\n", f);
                r = ferror(f) ? -EIO : 0;
        }
        free(g.names);
        free(g.has_members);
        return r;
}
