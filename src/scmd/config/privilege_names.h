/* SPDX-License-Identifier: MIT */
/*
 * The names of the capabilities (required privileges).
 */
#pragma once

#include <stdint.h>

#include <jansson.h>

/* The capability named name ("CAP_NET_BIND_SERVICE", any case, "CAP_"
 * optional), or -1. */
int privilege_from_name(const char *name);
const char *privilege_name(int cap);
/* The highest capability this kernel knows. */
int privilege_last_cap(void);
/* caps as a JSON list of names, lowest first; NULL on out-of-memory. */
json_t *privileges_to_json(uint64_t caps);
/* The capabilities in caps, as "CAP_A, CAP_B" (malloc'd). */
char *privileges_to_text(uint64_t caps);
