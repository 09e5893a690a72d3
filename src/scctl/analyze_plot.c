/* SPDX-License-Identifier: MIT */
/*
 * scctl analyze plot: the timeline as one self-contained SVG file that a
 * browser shows as it is (no script, no external style sheet or font).
 *
 * Layout, top to bottom: a title and a line of facts; the time axis (ticks
 * of 1, 2 or 5 times a power of ten, about ten of them, with labels in
 * seconds since time zero, scmd's start); one row per service that
 * started, in the order they started, with the name in a column on the
 * left; then a legend.  In a row: a thin grey bar while the start waited
 * (for dependencies), a solid bar from START_PENDING to RUNNING with its
 * duration written after it, a light bar while it ran, a middle one while
 * it stopped.  The colour is the service's state now: running, stopped,
 * failed (stopped with a non-zero exit code) or pending.  Each row's
 * <title> (a browser's tooltip) holds the name, display name, state,
 * group, dependencies and times in full.  Vertical dashed lines mark when the auto-start began and
 * ended.
 *
 * The time area is a fixed 1,000 px wide whatever the span: a boot of
 * 0.3 s and one of 3 minutes are both read at a glance; the tick labels
 * carry the scale.  A stretch of time in which nothing happened and which
 * is longer than all the rest together (a service started by hand an hour
 * after the boot; three times as long, and a second at least) is cut out:
 * drawn as a narrow band saying how long it
 * was, so the boot and the later starts both keep their width.  The
 * duration a row writes goes after the row's last bar, never over one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "cleanup.h"

#define MARGIN 20
#define PLOT_W 1000.0
#define ROW_H 22
#define BAR_H 14
#define WAIT_H 4
#define ROWS_Y 84 /* the first row's top */
#define AXIS_Y 74 /* the tick labels' baseline */
#define CHAR_W 7  /* about, at 12 px sans-serif */
#define NAME_MAX_SHOWN 40
#define DURATION_ROOM 180 /* after the time area, for the last bar's text */
#define LEGEND_H 70
#define MAX_CUTS 8
#define CUT_W 28.0         /* the band of a stretch cut out of the axis */
#define TICK_GAP 48        /* the least room between two tick labels */
#define CUT_MIN_US 1000000 /* a stretch shorter than a second is never cut */
#define CUT_RATIO 3

static const char *const class_colour[_ANALYZE_CLASS_MAX] = {
        [ANALYZE_RUNNING] = "#2ca02c",
        [ANALYZE_STOPPED] = "#7f7f7f",
        [ANALYZE_FAILED] = "#d62728",
        [ANALYZE_PENDING] = "#ff9f1a",
};

/* A stretch of time cut out of the axis: nothing happened in it. */
struct cut {
        int64_t from, to;
};

struct plot {
        FILE *f;
        const struct analyze_timeline *tl;
        int64_t origin, end;
        double left;  /* x of time zero */
        double scale; /* px per µs outside the cuts */
        struct cut cuts[MAX_CUTS];
        size_t n_cuts; /* sorted by time */
        size_t rows;
};

static double x_of(const struct plot *p, int64_t t) {
        double x = p->left;
        int64_t prev = p->origin;
        for (size_t i = 0; i < p->n_cuts && t > p->cuts[i].from; i++) {
                const struct cut *c = &p->cuts[i];
                x += (double)(c->from - prev) * p->scale;
                if (t < c->to)
                        return x + CUT_W * (double)(t - c->from) / (double)(c->to - c->from);
                x += CUT_W;
                prev = c->to;
        }
        return x + (double)(t - prev) * p->scale;
}

static double seconds(int64_t us) {
        return (double)us / 1e6;
}

/* The tick step in µs: 1, 2 or 5 times a power of ten, at most 10 ticks. */
static int64_t tick_step(int64_t span) {
        static const int mult[] = {1, 2, 5};
        for (int64_t power = 1000;; power *= 10)
                for (size_t i = 0; i < 3; i++)
                        if (span / (power * mult[i]) <= 10)
                                return power * mult[i];
}

/* Decimals a tick label needs for step. */
static int tick_decimals(int64_t step) {
        return step >= 1000000 ? 0 : step >= 100000 ? 1 : step >= 10000 ? 2 : 3;
}

static double label_width(const struct analyze_timeline *tl, const size_t *rows, size_t n) {
        size_t widest = 12;
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(tl->services[rows[i]].name);
                widest = len > widest ? len : widest;
        }
        if (widest > NAME_MAX_SHOWN)
                widest = NAME_MAX_SHOWN;
        return (double)(widest * CHAR_W + 16);
}

static int cmp_time(const void *a, const void *b) {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* Every time the plot shows, sorted: *ret is malloc'd. */
static size_t plot_times(const struct plot *p, const size_t *rows, int64_t **ret) {
        size_t n = 0, cap = p->rows * 5 + 4;
        int64_t *v = malloc(cap * sizeof(*v));
        if (!v)
                return 0;
        v[n++] = p->origin;
        v[n++] = p->end;
        if (p->tl->autostart_started)
                v[n++] = p->tl->autostart_started;
        if (p->tl->autostart_done)
                v[n++] = p->tl->autostart_done;
        for (size_t i = 0; i < p->rows; i++) {
                const struct analyze_service *s = &p->tl->services[rows[i]];
                const int64_t t[] = {s->start_requested, s->start_pending, s->running,
                                     s->stop_pending, s->stopped};
                for (size_t j = 0; j < 5; j++)
                        if (t[j])
                                v[n++] = t[j];
        }
        qsort(v, n, sizeof(*v), cmp_time);
        *ret = v;
        return n;
}

/* Whether a start (from its request to running) or a stop of a row is
 * under way somewhere between a and b: that time is not empty. */
static bool busy_between(const struct plot *p, const size_t *rows, int64_t a, int64_t b) {
        for (size_t i = 0; i < p->rows; i++) {
                const struct analyze_service *s = &p->tl->services[rows[i]];
                int64_t start = s->start_requested ?: s->start_pending;
                int64_t started = s->running ?: s->stop_pending ?: s->stopped ?: p->end;
                int64_t stopped = s->stopped ?: p->end;
                if ((start && start < b && started > a) ||
                    (s->stop_pending && s->stop_pending < b && stopped > a))
                        return true;
        }
        return false;
}

/* Cuts out, longest first, each empty stretch of at least CUT_MIN_US that
 * is CUT_RATIO times longer than the rest of the time shown together; then
 * sets the scale for what is left. */
static void plan_cuts(struct plot *p, const size_t *rows) {
        _cleanup_free_ int64_t *t = NULL;
        size_t n = plot_times(p, rows, &t);
        int64_t shown = p->end - p->origin;
        while (p->n_cuts < MAX_CUTS) {
                size_t best = 0;
                int64_t gap = 0;
                for (size_t i = 1; i < n; i++) {
                        bool taken = false;
                        for (size_t c = 0; c < p->n_cuts; c++)
                                taken |= p->cuts[c].from == t[i - 1];
                        if (!taken && t[i] - t[i - 1] > gap &&
                            !busy_between(p, rows, t[i - 1], t[i])) {
                                gap = t[i] - t[i - 1];
                                best = i;
                        }
                }
                if (!best || gap < CUT_MIN_US || gap <= CUT_RATIO * (shown - gap))
                        break;
                p->cuts[p->n_cuts++] = (struct cut){t[best - 1], t[best]};
                shown -= gap;
        }
        qsort(p->cuts, p->n_cuts, sizeof(p->cuts[0]), cmp_time);
        p->scale = (PLOT_W - CUT_W * (double)p->n_cuts) / (double)(shown > 0 ? shown : 1);
}

static void write_head(struct plot *p, double width, double height) {
        FILE *f = p->f;
        fprintf(f,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
                "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
                "font-size=\"12\">\n"
                "<title>scm boot timeline</title>\n"
                "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
                width, height, width, height);

        char when[64] = "unknown";
        time_t t = (time_t)(p->origin / 1000000);
        struct tm tm;
        if (p->origin && gmtime_r(&t, &tm))
                strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
        fprintf(f,
                "<text x=\"%d\" y=\"26\" font-size=\"18\" font-weight=\"bold\">scm boot "
                "timeline</text>\n"
                "<text x=\"%d\" y=\"46\" fill=\"#444444\">time zero %s; %zu of %zu services "
                "started; last transition at %.3fs",
                MARGIN, MARGIN, when, p->rows, p->tl->n_services, seconds(p->end - p->origin));
        if (p->tl->autostart_started && p->tl->autostart_done)
                fprintf(f, "; auto-start from %.3fs to %.3fs",
                        seconds(p->tl->autostart_started - p->origin),
                        seconds(p->tl->autostart_done - p->origin));
        fputs("</text>\n", f);
}

/* A cut's length as a person says it: "1h 02m", "12m 05s", "42.0s". */
static void write_span(FILE *f, int64_t us) {
        int64_t s = us / 1000000;
        if (s >= 3600)
                fprintf(f, "%" PRId64 "h %02" PRId64 "m", s / 3600, s / 60 % 60);
        else if (s >= 60)
                fprintf(f, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
        else
                fprintf(f, "%.1fs", seconds(us));
}

static void write_cuts(struct plot *p, double rows_bottom) {
        FILE *f = p->f;
        for (size_t i = 0; i < p->n_cuts; i++) {
                double x = x_of(p, p->cuts[i].from);
                fprintf(f,
                        "<g class=\"cut\"><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                        "height=\"%.1f\" fill=\"#f4f4f4\" stroke=\"#bbbbbb\" "
                        "stroke-dasharray=\"2,2\"/><text x=\"%.1f\" y=\"%d\" "
                        "text-anchor=\"middle\" fill=\"#888888\" font-size=\"10\">+",
                        x, ROWS_Y - 4, CUT_W, rows_bottom - ROWS_Y + 4, x + CUT_W / 2, AXIS_Y - 14);
                write_span(f, p->cuts[i].to - p->cuts[i].from);
                fputs("</text></g>\n", f);
        }
}

/* The ticks of the stretch from..to (no cut inside), each at least
 * TICK_GAP px after *last_x. */
static void write_ticks(struct plot *p, int64_t from, int64_t to, int64_t step, double rows_bottom,
                        double *last_x) {
        int decimals = tick_decimals(step);
        int64_t first = (from - p->origin + step - 1) / step * step;
        for (int64_t t = first; p->origin + t <= to; t += step) {
                double x = x_of(p, p->origin + t);
                if (x - *last_x < TICK_GAP || x > p->left + PLOT_W + 1)
                        continue;
                fprintf(p->f,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#dddddd\"/><text x=\"%.1f\" y=\"%d\">%.*fs</text>\n",
                        x, ROWS_Y - 4, x, rows_bottom, x, AXIS_Y, decimals, seconds(t));
                *last_x = x;
        }
}

static void write_axis(struct plot *p, double rows_bottom) {
        /* One step for the whole axis, from the time shown (cuts left out). */
        double shown_us = (PLOT_W - CUT_W * (double)p->n_cuts) / p->scale;
        int64_t step = tick_step((int64_t)shown_us);
        double last_x = -1e9;
        int64_t from = p->origin;
        fputs("<g class=\"ticks\" text-anchor=\"middle\" fill=\"#444444\">\n", p->f);
        for (size_t i = 0; i <= p->n_cuts; i++) {
                int64_t to = i < p->n_cuts ? p->cuts[i].from : p->end;
                write_ticks(p, from, to, step, rows_bottom, &last_x);
                if (i < p->n_cuts) {
                        from = p->cuts[i].to;
                        last_x = x_of(p, from) - TICK_GAP / 2.0;
                }
        }
        fputs("</g>\n", p->f);
        write_cuts(p, rows_bottom);
}

static void write_marker(struct plot *p, int64_t t, const char *label, double rows_bottom,
                         int line) {
        if (!t)
                return;
        double x = x_of(p, t);
        fprintf(p->f,
                "<g class=\"marker\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#1f77b4\" stroke-dasharray=\"4,3\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" fill=\"#1f77b4\">%s</text></g>\n",
                x, ROWS_Y - 4, x, rows_bottom + 4, x + 3, rows_bottom + 16 + 14 * line, label);
}

static void write_bar(struct plot *p, const char *class, int64_t from, int64_t to, double y,
                      double height, const char *colour, double opacity) {
        double x = x_of(p, from), w = x_of(p, to) - x;
        fprintf(p->f,
                "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"%s\" fill-opacity=\"%.2f\"/>\n",
                class, x, y, w < 1 ? 1 : w, height, colour, opacity);
}

static void write_tooltip(struct plot *p, const struct analyze_service *s) {
        FILE *f = p->f;
        static const struct {
                const char *label;
                size_t offset;
        } times[] = {
                {"start requested", offsetof(struct analyze_service, start_requested)},
                {"start-pending", offsetof(struct analyze_service, start_pending)},
                {"running", offsetof(struct analyze_service, running)},
                {"stop-pending", offsetof(struct analyze_service, stop_pending)},
                {"stopped", offsetof(struct analyze_service, stopped)},
        };
        fputs("<title>", f);
        analyze_xml_escape(f, s->name);
        if (strcmp(s->display_name, s->name) != 0) {
                fputs(" (", f);
                analyze_xml_escape(f, s->display_name);
                fputc(')', f);
        }
        fputs(": ", f);
        analyze_xml_escape(f, s->state);
        if (s->win32_exit_code)
                fprintf(f, ", exit code %u", s->win32_exit_code);
        if (s->group[0]) {
                fputs("\ngroup ", f);
                analyze_xml_escape(f, s->group);
        }
        for (size_t i = 0; i < s->n_dependencies; i++) {
                fputs(i == 0 ? "\ndepends on " : ", ", f);
                analyze_xml_escape(f, s->dependencies[i]);
        }
        for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
                int64_t t = *(const int64_t *)((const char *)s + times[i].offset);
                if (t)
                        fprintf(f, "\n%s at %.3fs", times[i].label, seconds(t - p->origin));
        }
        if (s->running)
                fprintf(f, "\nstarted in %.3fs", seconds(s->running - s->start_pending));
        fputs("</title>\n", f);
}

static void write_name(struct plot *p, const char *name, double y) {
        size_t len = strlen(name);
        fprintf(p->f, "<text class=\"name\" x=\"%d\" y=\"%.1f\">", MARGIN, y);
        if (len <= NAME_MAX_SHOWN) {
                analyze_xml_escape(p->f, name);
        } else {
                /* Cut at a character boundary, not inside a UTF-8 sequence. */
                size_t cut = NAME_MAX_SHOWN - 1;
                while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
                        cut--;
                char head[NAME_MAX_SHOWN + 1];
                memcpy(head, name, cut);
                head[cut] = '\0';
                analyze_xml_escape(p->f, head);
                fputs("\xe2\x80\xa6", p->f); /* … */
        }
        fputs("</text>\n", p->f);
}

static void write_row(struct plot *p, const struct analyze_service *s, size_t row) {
        FILE *f = p->f;
        double top = ROWS_Y + (double)row * ROW_H, bar_y = top + (ROW_H - BAR_H) / 2.0;
        const char *colour = class_colour[analyze_class_of(s)];
        int64_t started_until = s->running ?: s->stop_pending ?: s->stopped ?: p->end;

        fprintf(f, "<g class=\"service\">\n");
        write_tooltip(p, s);
        if (row % 2)
                fprintf(f,
                        "<rect x=\"0\" y=\"%.1f\" width=\"100%%\" height=\"%d\" fill=\"#000000\" "
                        "fill-opacity=\"0.04\"/>\n",
                        top, ROW_H);
        write_name(p, s->name, bar_y + BAR_H - 3);
        /* A wait too short to see is left out, not widened to a pixel. */
        if (s->start_requested && x_of(p, s->start_pending) - x_of(p, s->start_requested) >= 1)
                write_bar(p, "wait", s->start_requested, s->start_pending,
                          top + (ROW_H - WAIT_H) / 2.0, WAIT_H, "#999999", 1);
        write_bar(p, "start", s->start_pending, started_until, bar_y, BAR_H, colour, 1);
        if (s->running)
                write_bar(p, "run", s->running, s->stop_pending ?: s->stopped ?: p->end, bar_y,
                          BAR_H, colour, 0.3);
        if (s->stop_pending)
                write_bar(p, "stop", s->stop_pending, s->stopped ?: p->end, bar_y, BAR_H, colour,
                          0.6);

        /* After the row's last bar, whichever it is, so it covers none. */
        int64_t row_end = s->stopped ?: (s->stop_pending || s->running) ? p->end : started_until;
        fprintf(f, "<text class=\"duration\" x=\"%.1f\" y=\"%.1f\">", x_of(p, row_end) + 4,
                bar_y + BAR_H - 3);
        if (s->running)
                fprintf(f, "%.3fs", seconds(s->running - s->start_pending));
        else if (s->stopped)
                fprintf(f, "%s after %.3fs", s->win32_exit_code ? "failed" : "stopped",
                        seconds(s->stopped - s->start_pending));
        else
                fputs("still starting", f);
        fputs("</text>\n</g>\n", f);
}

static void write_swatch(FILE *f, double x, double y, const char *colour, double opacity,
                         double height, const char *label) {
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"%.1f\" fill=\"%s\" "
                "fill-opacity=\"%.2f\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                x, y + (BAR_H - height) / 2, height, colour, opacity, x + 30, y + BAR_H - 3, label);
}

static void write_legend(FILE *f, double y) {
        fputs("<g class=\"legend\">\n", f);
        double x = MARGIN;
        for (enum analyze_class c = 0; c < _ANALYZE_CLASS_MAX; c++, x += 110)
                write_swatch(f, x, y, class_colour[c], 1, BAR_H, analyze_class_name(c));
        /* The phases as a running service's bars show them: the same colour
         * and opacities write_row() uses (a bar takes its state's colour). */
        const char *phase = class_colour[ANALYZE_RUNNING];
        x = MARGIN;
        y += ROW_H;
        write_swatch(f, x, y, "#999999", 1, WAIT_H, "start waiting (for dependencies)");
        write_swatch(f, x += 250, y, phase, 1, BAR_H, "start-pending to running");
        write_swatch(f, x += 210, y, phase, 0.3, BAR_H, "running");
        write_swatch(f, x += 110, y, phase, 0.6, BAR_H, "stopping");
        fputs("</g>\n", f);
}

int analyze_write_svg(FILE *f, const struct analyze_timeline *tl) {
        _cleanup_free_ size_t *rows = calloc(tl->n_services + 1, sizeof(size_t));
        if (!rows)
                return -ENOMEM;
        struct plot p = {.f = f, .tl = tl, .origin = analyze_origin(tl), .end = analyze_end(tl)};
        p.rows = analyze_plot_rows(tl, rows);
        p.left = MARGIN + label_width(tl, rows, p.rows);
        plan_cuts(&p, rows);

        double rows_bottom = ROWS_Y + (double)p.rows * ROW_H;
        double width = p.left + PLOT_W + DURATION_ROOM + MARGIN;
        double height = rows_bottom + 40 + LEGEND_H;
        write_head(&p, width, height);
        write_axis(&p, rows_bottom);
        for (size_t i = 0; i < p.rows; i++)
                write_row(&p, &tl->services[rows[i]], i);
        write_marker(&p, tl->autostart_started, "auto-start began", rows_bottom, 0);
        write_marker(&p, tl->autostart_done, "auto-start done", rows_bottom, 1);
        write_legend(f, rows_bottom + 40);
        fputs("</svg>\n", f);
        return ferror(f) ? -EIO : 0;
}
