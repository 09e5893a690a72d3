/* SPDX-License-Identifier: MIT */
/*
 * What the socket has seen since scmd started, for metrics
 * (query_counters; scctl metrics): connections accepted and cut off, and
 * requests and their failures per method.  Memory only: a restart begins
 * at zero, as Prometheus expects of a counter.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct api_counters {
        uint64_t accepted; /* connections */
        uint64_t cut_off;  /* connections ended by scmd (lagging, over a bound, bad framing) */
        uint64_t lagging;  /* ... of those, for not reading their events */
};

extern struct api_counters api_counters;

/* rpc.c: method i of the table was called, and failed when failed. */
void counters_request(size_t method, int failed);
/* The calls and failures of method i. */
void counters_of_method(size_t method, uint64_t *ret_calls, uint64_t *ret_failures);
