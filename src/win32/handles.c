/* SPDX-License-Identifier: MIT */
/*
 * The handle table: every HANDLE, SC_HANDLE, SC_LOCK and
 * SERVICE_STATUS_HANDLE the layer gives out is an index into this table
 * with a generation, never a pointer, so a NULL, made-up, closed or
 * reused handle is found out (ERROR_INVALID_HANDLE) instead of being
 * dereferenced.  Each object carries its kind, so an event handle passed
 * to CloseServiceHandle is refused as Windows refuses it, and a reference
 * count, so a handle closed on one thread while another uses it stays
 * alive until that use ends.
 *
 * A handle's value: ((generation << 16) | (slot + 1)) << 4, with 32 bits
 * of generation on a 64-bit system (12 on a 32-bit one).  It is never 0,
 * INVALID_HANDLE_VALUE or a pseudo handle.  Slots are reused; their
 * generation moves on each time, so a stale value does not match (on a
 * 64-bit system, until the same slot has been reused 2^32 times).
 */
#include <errno.h>
#include <stdlib.h>

#include "w32.h"

#define SLOTS_MAX 65535
#define GENERATION_BITS (sizeof(uintptr_t) > 4 ? 32 : 12)
#define GENERATION_MASK (((uintptr_t)1 << GENERATION_BITS) - 1)

struct slot {
        struct w32_object *obj;
        uint32_t generation;
};

static struct {
        pthread_mutex_t lock;
        struct slot *slots;
        size_t count, allocated;
} T = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void *value_of(size_t index, uint32_t generation) {
        uintptr_t v = ((((uintptr_t)generation & GENERATION_MASK) << 16) | (index + 1)) << 4;
        return (void *)v;
}

/* The slot of a value, or NULL; under T.lock. */
static struct slot *slot_of(const void *h) {
        uintptr_t v = (uintptr_t)h;
        if (v == 0 || (v & 0xf))
                return NULL;
        v >>= 4;
        if (v >> 16 > GENERATION_MASK)
                return NULL;
        size_t index = (v & 0xffff) - 1;
        uint32_t generation = (uint32_t)(v >> 16);
        if ((v & 0xffff) == 0 || index >= T.count)
                return NULL;
        struct slot *s = &T.slots[index];
        if (!s->obj || (s->generation & GENERATION_MASK) != generation)
                return NULL;
        return s;
}

static bool grow(void) {
        if (T.allocated >= SLOTS_MAX)
                return false;
        size_t n = T.allocated ? T.allocated * 2 : 64;
        if (n > SLOTS_MAX)
                n = SLOTS_MAX;
        struct slot *s = realloc(T.slots, n * sizeof(*s));
        if (!s)
                return false;
        for (size_t i = T.allocated; i < n; i++)
                s[i] = (struct slot){0};
        T.slots = s;
        T.allocated = n;
        return true;
}

void *handle_insert(struct w32_object *o) {
        pthread_mutex_lock(&T.lock);
        size_t i = 0;
        while (i < T.count && T.slots[i].obj)
                i++;
        if (i == T.count && T.count == T.allocated && !grow()) {
                pthread_mutex_unlock(&T.lock);
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
                return NULL;
        }
        if (i == T.count)
                T.count++;
        T.slots[i].obj = o;
        T.slots[i].generation++;
        void *h = value_of(i, T.slots[i].generation);
        pthread_mutex_unlock(&T.lock);
        return h;
}

static bool kind_matches(const struct w32_object *o, enum w32_kind kind) {
        return kind == W32_ANY || o->kind == kind;
}

struct w32_object *handle_get(const void *h, enum w32_kind kind) {
        pthread_mutex_lock(&T.lock);
        struct slot *s = slot_of(h);
        struct w32_object *o = s && kind_matches(s->obj, kind) ? s->obj : NULL;
        if (o)
                o->refs++;
        pthread_mutex_unlock(&T.lock);
        if (!o)
                w32_fail(ERROR_INVALID_HANDLE);
        return o;
}

struct w32_object *handle_remove(const void *h, enum w32_kind kind) {
        pthread_mutex_lock(&T.lock);
        struct slot *s = slot_of(h);
        struct w32_object *o = s && kind_matches(s->obj, kind) ? s->obj : NULL;
        if (o)
                s->obj = NULL;
        pthread_mutex_unlock(&T.lock);
        if (!o)
                w32_fail(ERROR_INVALID_HANDLE);
        return o;
}

void object_ref(struct w32_object *o) {
        pthread_mutex_lock(&T.lock);
        o->refs++;
        pthread_mutex_unlock(&T.lock);
}

void object_unref(struct w32_object *o) {
        if (!o)
                return;
        pthread_mutex_lock(&T.lock);
        bool last = --o->refs == 0;
        pthread_mutex_unlock(&T.lock);
        if (last)
                o->destroy(o);
}
