/* SPDX-License-Identifier: MIT */
/*
 * The service database lock (LockServiceDatabase).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct manager;

/* The service database lock (rpc_lock.c). */
struct scm_lock {
        bool held;
        uint64_t conn_id; /* the connection holding it */
        uid_t uid;        /* its peer */
        int64_t since;    /* unix time */
};

/* Lets go of the lock when connection conn_id held it (server.c). */
void lock_conn_closed(struct manager *m, uint64_t conn_id);
