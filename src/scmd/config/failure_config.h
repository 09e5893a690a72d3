/* SPDX-License-Identifier: MIT */
/*
 * A service's failure actions as configured.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SC_ACTION_TYPE: what a failure makes scmd do. */
enum failure_action_type {
        FAILURE_ACTION_NONE,
        FAILURE_ACTION_RESTART,
        FAILURE_ACTION_RUN, /* run the failure command */
        FAILURE_ACTION_REBOOT,
        _FAILURE_ACTION_MAX,
        FAILURE_ACTION_INVALID = -1,
};

struct failure_action {
        enum failure_action_type type;
        uint32_t delay_ms; /* after the failure */
};

#define FAILURE_RESET_INFINITE UINT32_MAX /* the failure count never goes back to 0 */
#define FAILURE_ACTIONS_MAX 64
#define FAILURE_REBOOT_MESSAGE_MAX_BYTES 1024

/* SERVICE_FAILURE_ACTIONS plus SERVICE_FAILURE_ACTIONS_FLAG. */
struct failure_config {
        uint32_t reset_period_s; /* seconds without a failure before the count is 0 again */
        struct failure_action *actions;
        size_t n_actions;
        char *command;           /* run: a command line, "%1%" = the failure count; "" none */
        char *reboot_message;    /* reboot: broadcast before; "" the default sentence */
        bool non_crash_failures; /* STOPPED with a non-zero Win32 exit code is a failure too */
};

const char *failure_action_name(enum failure_action_type t);
enum failure_action_type failure_action_from_name(const char *name);
void failure_config_clear(struct failure_config *c);
