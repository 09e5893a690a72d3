/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the dependency graph (depend.c) on services held in a real
 * registry: which changes make a cycle (none, self, direct, through a
 * group, by joining a group, against the group order, by a new service that
 * a missing dependency named) and how the cycle is told; the dependents of
 * a service, transitively and in stop order; the boot phase of a group.
 * The cascades themselves run against the real daemon
 * (tests/integration/test_depend.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>

#include <cmocka.h>

#include "cmdline.h"
#include "depend.h"
#include "manager.h"
#include "registry.h"
#include "service.h"
#include "service_config.h"

static struct manager m;

/* "a,+G" as a NULL-terminated list ("" is the empty list). */
static char **split(const char *list) {
        char **v = calloc(strlen(list) + 2, sizeof(char *));
        char *copy = strdup(list), *p = copy, *d;
        size_t n = 0;
        while ((d = strsep(&p, ",")))
                if (d[0])
                        v[n++] = strdup(d);
        free(copy);
        return v;
}

static void config_of(struct service_config *c, const char *name, const char *group,
                      const char *deps) {
        *c = (struct service_config){
                .name = strdup(name),
                .display_name = strdup(name),
                .description = strdup(""),
                .command_line = strdup("/bin/true"),
                .account = strdup(""),
                .group = strdup(group),
                .dependencies = split(deps),
        };
}

static struct service *add(const char *name, const char *group, const char *deps) {
        static int64_t id;
        struct service_config c;
        struct service *s;
        config_of(&c, name, group, deps);
        assert_int_equal(service_new(&m, ++id, &c, &s), 0);
        assert_int_equal(registry_add(m.registry, s), 0);
        return s;
}

static void set_order(const char *list) {
        strv_free(m.group_order);
        m.group_order = split(list);
}

/* The cycle a change to (name, group, deps) makes, or NULL. */
static char *cycle_of(const char *name, const char *group, const char *deps) {
        struct service_config c;
        char *cycle = NULL;
        config_of(&c, name, group, deps);
        int r = depend_find_cycle(&m, &c, NULL, &cycle);
        service_config_clear(&c);
        assert_true(r == 0 || r == 1);
        assert_int_equal(r == 1, cycle != NULL);
        return cycle;
}

static void expect_cycle(const char *name, const char *group, const char *deps,
                         const char *expected) {
        char *cycle = cycle_of(name, group, deps);
        assert_non_null(cycle);
        assert_string_equal(cycle, expected);
        free(cycle);
}

static void expect_none(const char *name, const char *group, const char *deps) {
        char *cycle = cycle_of(name, group, deps);
        if (cycle)
                fail_msg("unexpected cycle: %s", cycle);
}

static int setup(void **state) {
        (void)state;
        m = (struct manager){0};
        m.paths.log_dir = strdup("/tmp");
        return registry_new(&m.registry);
}

static int teardown(void **state) {
        (void)state;
        registry_free(m.registry);
        strv_free(m.group_order);
        free(m.paths.log_dir);
        return 0;
}

static void test_no_cycle(void **state) {
        (void)state;
        add("a", "", "");
        add("b", "", "a");
        add("c", "G", "b");
        add("d", "", "b,+G,missing");
        expect_none("e", "", "d,c,a");
        expect_none("a", "", "missing");
        expect_none("x", "G", "a");
        char *cycle = NULL;
        assert_int_equal(depend_find_cycle(&m, NULL, NULL, &cycle), 0);
}

static void test_self_and_direct(void **state) {
        (void)state;
        add("a", "", "");
        add("b", "", "a");
        add("c", "", "b");
        expect_cycle("s", "", "s", "s -> s");
        expect_cycle("a", "", "c", "a -> c -> b -> a");
        expect_cycle("A", "", "C", "a -> c -> b -> a"); /* names in any case */
}

static void test_through_groups(void **state) {
        (void)state;
        add("a", "", "");
        add("c", "", "a,+G");
        add("g1", "G", "");
        expect_cycle("g1", "G", "c", "g1 -> c -> +G -> g1");
        /* Joining the group closes the cycle too. */
        add("k", "", "c");
        expect_cycle("k", "G", "c", "k -> c -> +G -> k");
        /* A member depending on its own group. */
        expect_cycle("g1", "G", "+G", "g1 -> +G -> g1");
        expect_none("k", "H", "c");
}

static void test_group_order(void **state) {
        (void)state;
        set_order("G,H");
        add("g1", "G", "");
        add("h1", "H", "");
        char *cycle = cycle_of("g1", "G", "+H");
        assert_non_null(cycle);
        assert_string_equal(cycle, "g1 -> +H -> +G -> g1 (a group of the group order list comes "
                                   "after the group before it)");
        free(cycle);
        /* Through a service: still a later group. */
        add("x", "", "+H");
        add("h2", "H", "+G"); /* a later group on an earlier one: fine */
        cycle = cycle_of("g1", "G", "x");
        assert_non_null(cycle);
        free(cycle);
        /* An order that puts H first. */
        char **order = split("H,G");
        assert_int_equal(depend_find_cycle(&m, NULL, order, &cycle), 1);
        assert_non_null(strstr(cycle, "+G -> +H"));
        free(cycle);
        strv_free(order);
        order = split("G,K,H");
        assert_int_equal(depend_find_cycle(&m, NULL, order, &cycle), 0);
        strv_free(order);
}

static void test_new_service_closes_a_cycle(void **state) {
        (void)state;
        add("x", "", "n"); /* n does not exist yet */
        expect_cycle("n", "", "x", "n -> x -> n");
        expect_none("n", "", "");
}

/* The position of name in v (n entries), or -1. */
static int position(struct service **v, ssize_t n, const char *name) {
        for (ssize_t i = 0; i < n; i++)
                if (strcmp(v[i]->config.name, name) == 0)
                        return (int)i;
        return -1;
}

static void test_dependents_in_stop_order(void **state) {
        (void)state;
        struct service *a = add("a", "G", "");
        add("b", "", "a");
        add("c", "", "a");
        add("d", "", "b,c");
        add("e", "", "+G");
        add("f", "", "e");
        add("z", "", ""); /* unrelated */
        struct service **v = NULL;
        ssize_t n = depend_dependents(&m, a, &v);
        assert_int_equal(n, 5);
        assert_int_equal(position(v, n, "z"), -1);
        assert_int_equal(position(v, n, "a"), -1);
        assert_true(position(v, n, "d") < position(v, n, "b"));
        assert_true(position(v, n, "d") < position(v, n, "c"));
        assert_true(position(v, n, "f") < position(v, n, "e"));
        free(v);
        struct service *d = registry_find(m.registry, "d");
        assert_int_equal(depend_dependents(&m, d, &v), 0);
        free(v);
}

static void test_group_rank(void **state) {
        (void)state;
        set_order("G1,G2");
        assert_int_equal(depend_group_rank(&m, "G1"), 0);
        assert_int_equal(depend_group_rank(&m, "g2"), 1);
        assert_int_equal(depend_group_rank(&m, "Other"), 2);
        assert_int_equal(depend_group_rank(&m, ""), 2);
        set_order("");
        assert_int_equal(depend_group_rank(&m, "G1"), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_no_cycle, setup, teardown),
                cmocka_unit_test_setup_teardown(test_self_and_direct, setup, teardown),
                cmocka_unit_test_setup_teardown(test_through_groups, setup, teardown),
                cmocka_unit_test_setup_teardown(test_group_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_new_service_closes_a_cycle, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dependents_in_stop_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_group_rank, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
