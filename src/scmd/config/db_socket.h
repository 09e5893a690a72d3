/* SPDX-License-Identifier: MIT */
/*
 * The listening sockets a service declares for socket activation
 * (migration 14's service_sockets), in their text form (work/listen.c
 * says what a text means).
 */
#pragma once

#include <stdint.h>

struct db;

/* Service id's socket texts, NULL-terminated and malloc'd (strv_free()),
 * or *ret NULL when it has none.  0 or -errno. */
int db_socket_load(struct db *db, int64_t id, char ***ret);
/* Replaces service id's sockets by specs (NULL: none) in one transaction. */
int db_socket_save(struct db *db, int64_t id, char *const *specs);
