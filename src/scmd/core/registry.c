/* SPDX-License-Identifier: MIT */
/*
 * Every service known to scmd, found by name or by display name in O(1).
 * The protocol names a service by its name only (as Windows' OpenService
 * does); the display name is looked up by get_key_name and by the checks
 * that keep names and display names unique together.
 * Two chained hash tables over the same services, keyed by the ASCII
 * case-folded text (the folding of the name rules), grown by doubling at a
 * load factor of one.  The registry owns the services it holds.
 */
#include "registry.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"
#include "validate.h"

struct registry {
        struct service **by_name;
        struct service **by_display;
        size_t buckets; /* a power of two */
        size_t count;
};

/* FNV-1a over the folded bytes. */
static size_t fold_hash(const char *s) {
        uint64_t h = 1469598103934665603ULL;
        for (; *s; s++)
                h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ULL;
        return (size_t)h;
}

int registry_new(struct registry **ret) {
        struct registry *r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->buckets = 64;
        r->by_name = calloc(r->buckets, sizeof(*r->by_name));
        r->by_display = calloc(r->buckets, sizeof(*r->by_display));
        if (!r->by_name || !r->by_display) {
                registry_free(r);
                return -ENOMEM;
        }
        *ret = r;
        return 0;
}

void registry_free(struct registry *r) {
        if (!r)
                return;
        for (size_t i = 0; r->by_name && i < r->buckets; i++)
                for (struct service *s = r->by_name[i], *next; s; s = next) {
                        next = s->next_by_name;
                        service_free(s);
                }
        free(r->by_name);
        free(r->by_display);
        free(r);
}

static void link_name(struct service **table, size_t buckets, struct service *s) {
        size_t b = fold_hash(s->config.name) & (buckets - 1);
        s->next_by_name = table[b];
        table[b] = s;
}

static void link_display(struct service **table, size_t buckets, struct service *s) {
        size_t b = fold_hash(s->config.display_name) & (buckets - 1);
        s->next_by_display = table[b];
        table[b] = s;
}

static int grow(struct registry *r) {
        size_t buckets = r->buckets * 2;
        struct service **by_name = calloc(buckets, sizeof(*by_name));
        struct service **by_display = calloc(buckets, sizeof(*by_display));
        if (!by_name || !by_display) {
                free(by_name);
                free(by_display);
                return -ENOMEM;
        }
        for (size_t i = 0; i < r->buckets; i++) {
                for (struct service *s = r->by_name[i], *next; s; s = next) {
                        next = s->next_by_name;
                        link_name(by_name, buckets, s);
                }
                for (struct service *s = r->by_display[i], *next; s; s = next) {
                        next = s->next_by_display;
                        link_display(by_display, buckets, s);
                }
        }
        free(r->by_name);
        free(r->by_display);
        r->by_name = by_name;
        r->by_display = by_display;
        r->buckets = buckets;
        return 0;
}

int registry_add(struct registry *r, struct service *s) {
        if (r->count >= r->buckets && grow(r) < 0)
                return -ENOMEM;
        link_name(r->by_name, r->buckets, s);
        link_display(r->by_display, r->buckets, s);
        r->count++;
        return 0;
}

static void unlink_display(struct registry *r, struct service *s, const char *display) {
        struct service **p = &r->by_display[fold_hash(display) & (r->buckets - 1)];
        for (; *p; p = &(*p)->next_by_display)
                if (*p == s) {
                        *p = s->next_by_display;
                        return;
                }
}

void registry_remove(struct registry *r, struct service *s) {
        struct service **p = &r->by_name[fold_hash(s->config.name) & (r->buckets - 1)];
        for (; *p; p = &(*p)->next_by_name)
                if (*p == s) {
                        *p = s->next_by_name;
                        break;
                }
        unlink_display(r, s, s->config.display_name);
        r->count--;
}

void registry_rename_display(struct registry *r, struct service *s, const char *old_display) {
        unlink_display(r, s, old_display);
        link_display(r->by_display, r->buckets, s);
}

struct service *registry_find(const struct registry *r, const char *name) {
        for (struct service *s = r->by_name[fold_hash(name) & (r->buckets - 1)]; s;
             s = s->next_by_name)
                if (names_equal(s->config.name, name))
                        return s;
        return NULL;
}

struct service *registry_find_display(const struct registry *r, const char *text) {
        for (struct service *s = r->by_display[fold_hash(text) & (r->buckets - 1)]; s;
             s = s->next_by_display)
                if (names_equal(s->config.display_name, text))
                        return s;
        return NULL;
}

struct service *registry_find_name_or_display(const struct registry *r, const char *text) {
        struct service *s = registry_find(r, text);
        return s ? s : registry_find_display(r, text);
}

size_t registry_count(const struct registry *r) {
        return r->count;
}

static int compare_names(const void *a, const void *b) {
        const struct service *x = *(struct service *const *)a, *y = *(struct service *const *)b;
        return strcasecmp(x->config.name, y->config.name);
}

ssize_t registry_sorted(const struct registry *r, struct service ***ret) {
        struct service **v = malloc((r->count ? r->count : 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        size_t n = 0;
        for (size_t i = 0; i < r->buckets; i++)
                for (struct service *s = r->by_name[i]; s; s = s->next_by_name)
                        v[n++] = s;
        qsort(v, n, sizeof(*v), compare_names);
        *ret = v;
        return (ssize_t)n;
}
