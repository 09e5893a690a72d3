/* SPDX-License-Identifier: MIT */
/*
 * The access check of every request, and the filtering of what names
 * services a caller may not query.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct rpc_call;
struct conn;
struct service;
struct acl_caller;

/* The caller of call. */
const struct acl_caller *rpc_caller(const struct rpc_call *call);
/* Whether call's caller holds every right of rights on s (NULL: the SCM);
 * no message, for silent filtering. */
bool rpc_may(const struct rpc_call *call, const struct service *s, uint32_t rights);
/* Whether the owner of connection c may query s's status (events.c). */
bool conn_may_query(const struct conn *c, const struct service *s);
/* Removes from list (strings, or objects with "name") every entry that
 * names a service the caller may not query-status, or no service at all;
 * nothing for admins.  For the SCM-wide queries that name services. */
void rpc_hide_unqueryable(const struct rpc_call *call, json_t *list);
/* rpc_may(), or rpc_fail(ACCESS_DENIED) naming the caller, the first right
 * missing and the object. */
int rpc_require(struct rpc_call *call, const struct service *s, uint32_t rights);
