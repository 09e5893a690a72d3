/* SPDX-License-Identifier: MIT */
/*
 * The sockets of socket activation kept across a restart of scmd
 * (listen_held.h).  Key: "socket:HASH:INDEX:DEV:INO", HASH the service's
 * name folded to lower case (names are unique regardless of case and
 * never change; a row id would: a restore of the last known good
 * configuration gives rows new ids), DEV and INO the Unix socket's file
 * (0 for an address), so that a path that now holds another file is not
 * taken for the socket.
 */
#include "listen_held.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdholder.h"
#include "log.h"

#define PREFIX "socket:"

static struct fdholder_entry *held;
static size_t n_held;

static uint64_t name_hash(const char *s) {
        uint64_t h = 14695981039346656037ull; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (uint8_t)tolower((unsigned char)*s)) * 1099511628211ull;
        return h;
}

/* "socket:HASH:INDEX:" into buf: the key up to the file's identity. */
static void key_prefix(const char *service, size_t index, char *buf, size_t size) {
        snprintf(buf, size, PREFIX "%016llx:%zu:", (unsigned long long)name_hash(service), index);
}

static void key_of(const char *service, size_t index, const struct listen_id *id, char *buf,
                   size_t size) {
        snprintf(buf, size, PREFIX "%016llx:%zu:%llx:%llx", (unsigned long long)name_hash(service),
                 index, (unsigned long long)id->dev, (unsigned long long)id->ino);
}

void listen_held_begin(struct fdholder_entry *kept, size_t n) {
        held = kept;
        n_held = n;
}

int listen_held_take(struct fdholder *h, const char *service, size_t index,
                     const struct listen_spec *spec, struct listen_id *ret_id) {
        char prefix[FDHOLDER_KEY_MAX];
        key_prefix(service, index, prefix, sizeof(prefix));
        size_t len = strlen(prefix);
        for (size_t i = 0; i < n_held; i++) {
                struct fdholder_entry *e = &held[i];
                unsigned long long dev, ino;
                if (e->n_fds != 1 || strncmp(e->key, prefix, len) != 0 ||
                    sscanf(e->key + len, "%llx:%llx", &dev, &ino) != 2)
                        continue;
                int fd = e->fds[0];
                e->n_fds = 0;
                struct listen_id id = {.dev = (dev_t)dev, .ino = (ino_t)ino};
                int r = listen_adopt(fd, spec, &id);
                if (r == 0) {
                        *ret_id = id;
                        return fd;
                }
                log_info("service %s: the socket kept as %s is not taken back (%s): bound again",
                         service, e->key,
                         r == -ESTALE ? "it is no longer the configured one" : strerror(-r));
                fdholder_drop_wait(h, e->key);
                close(fd);
                return -1;
        }
        return -1;
}

size_t listen_held_end(struct fdholder *h) {
        size_t dropped = 0;
        for (size_t i = 0; i < n_held; i++) {
                struct fdholder_entry *e = &held[i];
                if (!e->n_fds || strncmp(e->key, PREFIX, strlen(PREFIX)) != 0)
                        continue;
                log_info("the socket kept as %s belongs to no service now: closed", e->key);
                fdholder_drop_wait(h, e->key);
                for (size_t k = 0; k < e->n_fds; k++)
                        close(e->fds[k]);
                e->n_fds = 0;
                dropped++;
        }
        held = NULL;
        n_held = 0;
        return dropped;
}

int listen_held_put(struct fdholder *h, const char *service, size_t index, int fd,
                    const struct listen_id *id) {
        char key[FDHOLDER_KEY_MAX];
        key_of(service, index, id, key, sizeof(key));
        return h ? fdholder_put(h, key, &fd, 1) : 0;
}

void listen_held_drop(struct fdholder *h, const char *service, size_t index,
                      const struct listen_id *id) {
        char key[FDHOLDER_KEY_MAX];
        key_of(service, index, id, key, sizeof(key));
        if (h)
                fdholder_drop_wait(h, key);
}
