/* SPDX-License-Identifier: MIT */
/*
 * create and change_config: the least-privilege parameters.
 */
#pragma once

struct rpc_call;
struct service_config;

/* create/change_config: applies the least-privilege parameters of the
 * request onto c (rpc_config.c's read_config), then checks them against the
 * rest of c and allocates the service's group when it first gets an
 * identity (check_config).  Each returns 0 or rpc_fail(). */
int security_read_config(struct rpc_call *call, struct service_config *c);
int security_check_config(struct rpc_call *call, const struct service_config *c);
