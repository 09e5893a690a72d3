/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for scctl analyze's pure parts (src/scctl/analyze*.c): reading
 * a query_timeline result, the blame order, the plot's row order, the
 * critical chain (through services and "+Group" dependencies, not through a
 * dependency that ran after the service started, and not round a cycle),
 * XML and DOT escaping, and the shape of the SVG and DOT written.  The
 * timelines are literal JSON, times in µs from an arbitrary epoch.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze.h"

#define T0 1700000000000000LL

/* A service entry: times in ms after T0 (-1: null). */
static json_t *svc(const char *name, const char *group, const char *deps, long requested,
                   long pending, long running, const char *state, int exit_code) {
        json_t *list = json_array();
        if (deps) {
                char *copy = strdup(deps), *save = NULL;
                for (char *d = strtok_r(copy, ",", &save); d; d = strtok_r(NULL, ",", &save))
                        json_array_append_new(list, json_string(d));
                free(copy);
        }
#define AT(ms) ((ms) < 0 ? json_null() : json_integer(T0 + (json_int_t)(ms)*1000))
        return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:n, s:o, s:i}", "name",
                         name, "display_name", name, "group", group, "dependencies", list,
                         "start_type", "auto", "state", state, "start_requested_at", AT(requested),
                         "start_pending_at", AT(pending), "running_at", AT(running),
                         "stop_pending_at", "stopped_at",
                         strcmp(state, "stopped") == 0 ? AT(running + 100) : json_null(),
                         "win32_exit_code", exit_code);
#undef AT
}

/* A timeline of the services in ap (NULL-terminated), with the auto-start
 * from 10 ms to autostart_done_ms and the group order (a JSON list,
 * taken), read into *tl. */
static void vtimeline(struct analyze_timeline *tl, json_t *order, long autostart_done_ms,
                      va_list ap) {
        json_t *list = json_array();
        for (json_t *s; (s = va_arg(ap, json_t *));)
                json_array_append_new(list, s);
        json_t *result =
                json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "scmd_started_at", (json_int_t)T0,
                          "autostart_started_at", (json_int_t)(T0 + 10000), "autostart_done_at",
                          (json_int_t)(T0 + autostart_done_ms * 1000), "now",
                          (json_int_t)(T0 + 9000000), "services", list, "group_order", order);
        assert_int_equal(analyze_timeline_read(result, tl), 0);
        json_decref(result); /* the timeline keeps its own reference */
}

static void timeline(struct analyze_timeline *tl, ...) {
        va_list ap;
        va_start(ap, tl);
        vtimeline(tl, json_array(), 20, ap);
        va_end(ap);
}

/* As timeline(), with the group order Core, Net and an auto-start to 5 s. */
static void boot_timeline(struct analyze_timeline *tl, ...) {
        va_list ap;
        va_start(ap, tl);
        vtimeline(tl, json_pack("[s, s]", "Core", "Net"), 5000, ap);
        va_end(ap);
}

/* The boot of the tests: base (slow) <- mid <- top, which also needs any
 * member of group Net; net1 and net2 are in Net; idle never started. */
static void boot(struct analyze_timeline *tl) {
        timeline(tl, svc("top", "", "mid,+Net", 2100, 2200, 2250, "running", 0),
                 svc("mid", "", "base", -1, 1600, 1800, "running", 0),
                 svc("base", "", NULL, -1, 100, 1600, "running", 0),
                 svc("net2", "Net", NULL, -1, 120, 700, "stopped", 1067),
                 svc("net1", "net", NULL, -1, 110, 400, "running", 0),
                 svc("idle", "", NULL, -1, -1, -1, "stopped", 0), NULL);
}

static const char *name_at(const struct analyze_timeline *tl, size_t i) {
        return tl->services[i].name;
}

static void test_read(void **state) {
        (void)state;
        struct analyze_timeline tl;
        boot(&tl);
        assert_int_equal(tl.n_services, 6);
        assert_true(tl.scmd_started == T0);
        assert_true(tl.autostart_done == T0 + 20000);
        const struct analyze_service *top = &tl.services[analyze_find(&tl, "TOP")];
        assert_string_equal(top->name, "top");
        assert_int_equal(top->n_dependencies, 2);
        assert_string_equal(top->dependencies[1], "+Net");
        assert_true(top->start_requested == T0 + 2100000);
        assert_true(top->stopped == 0); /* null */
        assert_int_equal(analyze_find(&tl, "nothing"), -1);
        assert_true(analyze_origin(&tl) == T0);
        assert_true(analyze_end(&tl) == T0 + 2250000);
        analyze_timeline_clear(&tl);

        json_t *bad = json_pack("{s:[{s:i}]}", "services", "name", 3);
        assert_int_equal(analyze_timeline_read(bad, &tl), -EPROTO);
        json_decref(bad);
        bad = json_pack("{s:s}", "services", "none");
        assert_int_equal(analyze_timeline_read(bad, &tl), -EPROTO);
        json_decref(bad);
}

static void test_blame_longest_first(void **state) {
        (void)state;
        struct analyze_timeline tl;
        boot(&tl);
        size_t order[6];
        size_t n = analyze_blame(&tl, order);
        /* base 1.5 s, net2 0.58 s, net1 0.29 s, mid 0.2 s, top 0.05 s; idle never ran. */
        assert_int_equal(n, 5);
        assert_string_equal(name_at(&tl, order[0]), "base");
        assert_string_equal(name_at(&tl, order[1]), "net2");
        assert_string_equal(name_at(&tl, order[2]), "net1");
        assert_string_equal(name_at(&tl, order[3]), "mid");
        assert_string_equal(name_at(&tl, order[4]), "top");
        analyze_timeline_clear(&tl);

        /* Equal durations: by name. */
        timeline(&tl, svc("b", "", NULL, -1, 0, 100, "running", 0),
                 svc("a", "", NULL, -1, 50, 150, "running", 0), NULL);
        assert_int_equal(analyze_blame(&tl, order), 2);
        assert_string_equal(name_at(&tl, order[0]), "a");
        analyze_timeline_clear(&tl);
}

static void test_plot_rows_by_start(void **state) {
        (void)state;
        struct analyze_timeline tl;
        boot(&tl);
        size_t rows[6];
        assert_int_equal(analyze_plot_rows(&tl, rows), 5);
        const char *expected[] = {"base", "net1", "net2", "mid", "top"};
        for (size_t i = 0; i < 5; i++)
                assert_string_equal(name_at(&tl, rows[i]), expected[i]);
        analyze_timeline_clear(&tl);

        /* Requested together (a boot), they are drawn in the order they began. */
        timeline(&tl, svc("a", "", NULL, 0, 900, 1000, "running", 0),
                 svc("b", "", NULL, 0, 100, 200, "running", 0), NULL);
        assert_int_equal(analyze_plot_rows(&tl, rows), 2);
        assert_string_equal(name_at(&tl, rows[0]), "b");
        analyze_timeline_clear(&tl);
}

static void test_classes(void **state) {
        (void)state;
        struct analyze_timeline tl;
        timeline(&tl, svc("r", "", NULL, -1, 0, 1, "paused", 0),
                 svc("s", "", NULL, -1, 0, 1, "stopped", 0),
                 svc("f", "", NULL, -1, 0, 1, "stopped", 1067),
                 svc("p", "", NULL, -1, 0, -1, "start-pending", 0), NULL);
        assert_int_equal(analyze_class_of(&tl.services[0]), ANALYZE_RUNNING);
        assert_int_equal(analyze_class_of(&tl.services[1]), ANALYZE_STOPPED);
        assert_int_equal(analyze_class_of(&tl.services[2]), ANALYZE_FAILED);
        assert_int_equal(analyze_class_of(&tl.services[3]), ANALYZE_PENDING);
        assert_string_equal(analyze_class_name(ANALYZE_FAILED), "failed");
        analyze_timeline_clear(&tl);
}

static void assert_chain(const struct analyze_timeline *tl, const char *first,
                         const char *const *expected, size_t n) {
        size_t chain[16];
        size_t len = analyze_critical_chain(tl, (size_t)analyze_find(tl, first), chain);
        assert_int_equal(len, n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(name_at(tl, chain[i]), expected[i]);
}

static void test_critical_chain(void **state) {
        (void)state;
        struct analyze_timeline tl;
        boot(&tl);
        /* top waited for mid (ran at 1.8 s) more than for +Net (net1 at 0.4 s). */
        assert_chain(&tl, "top", (const char *[]){"top", "mid", "base"}, 3);
        assert_chain(&tl, "base", (const char *[]){"base"}, 1);
        assert_chain(&tl, "idle", (const char *[]){"idle"}, 1);
        /* A group is met by its first member to run, whatever the case. */
        assert_int_equal(analyze_resolve_dependency(&tl, "+NET"), analyze_find(&tl, "net1"));
        assert_int_equal(analyze_resolve_dependency(&tl, "+Nobody"), -1);
        assert_int_equal(analyze_resolve_dependency(&tl, "idle"), -1); /* never ran */
        assert_int_equal(analyze_last_running(&tl), analyze_find(&tl, "top"));
        analyze_timeline_clear(&tl);

        /* The group is the later dependency: the chain goes through it. */
        timeline(&tl, svc("app", "", "db,+Net", -1, 1000, 1100, "running", 0),
                 svc("db", "", NULL, -1, 0, 200, "running", 0),
                 svc("wifi", "Net", NULL, -1, 0, 900, "running", 0),
                 svc("eth", "Net", NULL, -1, 0, 600, "running", 0), NULL);
        assert_chain(&tl, "app", (const char *[]){"app", "eth"}, 2);
        analyze_timeline_clear(&tl);

        /* A dependency that ran after the service started did not hold it back. */
        timeline(&tl, svc("app", "", "late,early", -1, 1000, 1100, "running", 0),
                 svc("late", "", NULL, -1, 900, 1050, "running", 0),
                 svc("early", "", NULL, -1, 0, 500, "running", 0), NULL);
        assert_chain(&tl, "app", (const char *[]){"app", "early"}, 2);
        analyze_timeline_clear(&tl);

        /* A cycle (refused by scmd, but a client must not loop): possible
         * only with starts that took no time at all. */
        timeline(&tl, svc("a", "", "b", -1, 300, 300, "running", 0),
                 svc("b", "", "a", -1, 300, 300, "running", 0), NULL);
        assert_int_equal(analyze_critical_chain(&tl, 1, (size_t[2]){0}), 2);
        analyze_timeline_clear(&tl);
}

static void test_critical_chain_group_order(void **state) {
        (void)state;
        struct analyze_timeline tl;
        /* The auto-start: Core, then Net, then the rest; "manual" was
         * started by hand (no request through the cascade), "late" after
         * the auto-start. */
        boot_timeline(&tl, svc("core_a", "Core", NULL, 10, 10, 500, "running", 0),
                      svc("core_b", "core", NULL, 10, 10, 1200, "running", 0),
                      svc("net_x", "Net", "+Core", 1200, 1200, 1300, "running", 0),
                      svc("app", "", "net_x", 1300, 1300, 1400, "running", 0),
                      svc("manual", "Net", NULL, -1, 1250, 1260, "running", 0),
                      svc("late", "", NULL, 6000, 6000, 6100, "running", 0), NULL);
        assert_int_equal(tl.n_group_order, 2);
        /* +Core was met by core_a at 0.5 s, but net_x's phase waited for
         * core_b, the last of Core to come up. */
        assert_chain(&tl, "net_x", (const char *[]){"net_x", "core_b"}, 2);
        const struct analyze_service *net_x = &tl.services[analyze_find(&tl, "net_x")];
        assert_string_equal(analyze_held_by(&tl, net_x, (size_t)analyze_find(&tl, "core_b")),
                            "group order");
        assert_string_equal(analyze_held_by(&tl, net_x, (size_t)analyze_find(&tl, "core_a")),
                            "+Core");
        /* app named net_x, which came up last of the earlier phases. */
        assert_chain(&tl, "app", (const char *[]){"app", "net_x", "core_b"}, 3);
        assert_null(analyze_held_by(&tl, &tl.services[analyze_find(&tl, "app")],
                                    (size_t)analyze_find(&tl, "net_x")));
        /* Neither a start by hand nor a later one waited for a phase. */
        assert_chain(&tl, "manual", (const char *[]){"manual"}, 1);
        assert_chain(&tl, "late", (const char *[]){"late"}, 1);
        analyze_timeline_clear(&tl);
}

/* What writer wrote, as a malloc'd string. */
static char *capture(void (*writer)(FILE *f, const char *text), const char *text) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        writer(f, text);
        fclose(f);
        return buf;
}

static void test_escaping(void **state) {
        (void)state;
        char *s = capture(analyze_xml_escape, "a<b>&\"c'\x01\td");
        assert_string_equal(s, "a&lt;b&gt;&amp;&quot;c&apos;?\td");
        free(s);
        s = capture(analyze_xml_escape, "caf\xc3\xa9");
        assert_string_equal(s, "caf\xc3\xa9"); /* UTF-8 passes */
        free(s);
        s = capture(analyze_dot_quote, "say \"hi\"\\ & go\x02");
        assert_string_equal(s, "\"say \\\"hi\\\"&#92; &amp; go\"");
        free(s);
}

static char *write_all(int (*writer)(FILE *f, const struct analyze_timeline *tl),
                       const struct analyze_timeline *tl) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        assert_int_equal(writer(f, tl), 0);
        fclose(f);
        return buf;
}

static size_t count(const char *haystack, const char *needle) {
        size_t n = 0;
        for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
                n++;
        return n;
}

/* The value of attribute attr ("width=\"") in the first element after
 * from that has class cls ("class=\"start\""). */
static double attr_after(const char *svg, const char *from, const char *cls, const char *attr) {
        const char *p = strstr(svg, from);
        assert_non_null(p);
        p = strstr(p, cls);
        assert_non_null(p);
        p = strstr(p, attr);
        assert_non_null(p);
        return strtod(p + strlen(attr), NULL);
}

/* A service started by hand an hour after the boot: the empty hour is cut
 * out of the axis, so its bars keep their width instead of a pixel at the
 * right edge; the durations go after the last bar of their row. */
static void test_svg_late_start(void **state) {
        (void)state;
        struct analyze_timeline tl;
        timeline(&tl, svc("early", "", NULL, -1, 0, 300, "running", 0),
                 svc("late", "", NULL, -1, 3600000, 3600300, "running", 0), NULL);
        char *svg = write_all(analyze_write_svg, &tl);
        assert_int_equal(count(svg, "<g class=\"cut\">"), 1);
        assert_non_null(strstr(svg, ">+59m 59s</text>"));
        double late_x = attr_after(svg, "<title>late", "class=\"start\"", "x=\"");
        double late_w = attr_after(svg, "<title>late", "class=\"start\"", "width=\"");
        double early_w = attr_after(svg, "<title>early", "class=\"start\"", "width=\"");
        assert_true(late_w > 300);  /* 0.3 s of about 0.6 s shown over 1,000 px */
        assert_true(early_w > 300); /* the same for the boot's */
        assert_true(late_x + late_w <= 1000 + 200);
        /* early's duration comes after its run bar, which lasts to the end. */
        double run_x = attr_after(svg, "<title>early", "class=\"run\"", "x=\"");
        double run_w = attr_after(svg, "<title>early", "class=\"run\"", "width=\"");
        double text_x = attr_after(svg, "<title>early", "class=\"duration\"", "x=\"");
        assert_true(text_x >= run_x + run_w);
        free(svg);
        analyze_timeline_clear(&tl);

        /* A boot with no long empty stretch has no cut. */
        timeline(&tl, svc("a", "", NULL, -1, 0, 300, "running", 0),
                 svc("b", "", NULL, -1, 200, 900, "running", 0), NULL);
        svg = write_all(analyze_write_svg, &tl);
        assert_int_equal(count(svg, "class=\"cut\""), 0);
        free(svg);
        analyze_timeline_clear(&tl);
}

static void test_svg(void **state) {
        (void)state;
        struct analyze_timeline tl;
        boot(&tl);
        char *svg = write_all(analyze_write_svg, &tl);
        assert_true(strncmp(svg, "<?xml", 5) == 0);
        assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert_true(strcmp(svg + strlen(svg) - 7, "</svg>\n") == 0);
        assert_int_equal(count(svg, "<g class=\"service\">"), 5); /* idle never started */
        assert_int_equal(count(svg, "class=\"start\""), 5);
        assert_int_equal(count(svg, "class=\"wait\""), 1); /* top's request */
        assert_null(strstr(svg, "<script"));
        assert_non_null(strstr(svg, "auto-start began"));
        assert_non_null(strstr(svg, "<title>top: running\ndepends on mid, +Net\n"));
        assert_non_null(strstr(svg, "<title>net1: running\ngroup net\n"));
        free(svg);
        analyze_timeline_clear(&tl);

        /* Names are escaped; a long one is cut in the column, whole in the title. */
        char long_name[80];
        memset(long_name, 'x', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        timeline(&tl, svc("<a&b>", "", NULL, -1, 0, 100, "running", 0),
                 svc(long_name, "", NULL, -1, 0, 100, "running", 0), NULL);
        svg = write_all(analyze_write_svg, &tl);
        assert_null(strstr(svg, "<a&b>"));
        assert_non_null(strstr(svg, "&lt;a&amp;b&gt;"));
        assert_int_equal(count(svg, long_name), 1);
        free(svg);
        analyze_timeline_clear(&tl);

        /* Nothing started: still a whole document. */
        timeline(&tl, NULL);
        svg = write_all(analyze_write_svg, &tl);
        assert_true(strcmp(svg + strlen(svg) - 7, "</svg>\n") == 0);
        free(svg);
        analyze_timeline_clear(&tl);
}

static void test_dot(void **state) {
        (void)state;
        struct analyze_timeline tl;
        timeline(&tl, svc("app", "", "db,+net,ghost,+Empty", -1, 0, 1, "running", 0),
                 svc("db", "Data", NULL, -1, 0, 1, "running", 0),
                 svc("eth", "Net", NULL, -1, 0, 1, "running", 0),
                 svc("other", "", "GHOST", -1, 0, 1, "running", 0), NULL);
        char *dot = write_all(analyze_write_dot, &tl);
        assert_true(strncmp(dot, "digraph \"scm\" {\n", 16) == 0);
        assert_non_null(strstr(dot, "\t\"app\" -> \"db\" [color=\"#000000\"];"));
        /* The group as its member spells it, inside its cluster. */
        assert_non_null(strstr(dot, "\t\"app\" -> \"+Net\" [color=\"#1f77b4\", style=dashed];"));
        assert_non_null(strstr(dot, "label=\"Net\";"));
        assert_non_null(strstr(dot, "\"+Net\" [shape=ellipse"));
        /* A group without members and a missing service: red, declared once. */
        assert_non_null(strstr(dot, "\"+Empty\" [shape=ellipse, style=dashed, color=\"#d62728\"]"));
        assert_int_equal(count(dot, "\t\"ghost\" [style=dashed"), 1);
        assert_int_equal(count(dot, "GHOST"), 0); /* one node, first spelling */
        assert_non_null(strstr(dot, "\"app\" -> \"ghost\" [color=\"#d62728\"]"));
        assert_int_equal(count(dot, "subgraph"), 2);
        assert_int_equal(count(dot, " -> "), 5);
        assert_true(strcmp(dot + strlen(dot) - 2, "}\n") == 0);
        free(dot);
        analyze_timeline_clear(&tl);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read),
                cmocka_unit_test(test_blame_longest_first),
                cmocka_unit_test(test_plot_rows_by_start),
                cmocka_unit_test(test_classes),
                cmocka_unit_test(test_critical_chain),
                cmocka_unit_test(test_critical_chain_group_order),
                cmocka_unit_test(test_escaping),
                cmocka_unit_test(test_svg),
                cmocka_unit_test(test_svg_late_start),
                cmocka_unit_test(test_dot),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
