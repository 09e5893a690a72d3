/* SPDX-License-Identifier: MIT */
/*
 * On-demand activation (activation.c): a service's listening sockets,
 * bound by scmd, its start at the first connection.
 */
#pragma once

#include <scm/types.h>

struct service;

/* Binds (or lets go of) s's sockets as its configuration says now: at
 * load, create and change_config.  0, or -errno (logged, with the socket
 * named) when one cannot be bound: then none is. */
int activation_sync(struct service *s);
/* Hooks (main.c): s entered a state; s is being freed. */
void activation_service_entered(struct service *s, enum scm_state old);
void activation_service_gone(struct service *s);
