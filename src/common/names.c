/* SPDX-License-Identifier: MIT */
/*
 * The wire names of the enums in <scm/types.h>.  Each table is indexed by
 * the enum's Win32 value and checked for completeness at compile time where
 * the values are dense.
 */
#include <string.h>

#include <scm/types.h>

#include "cleanup.h"

static const char *const state_names[_SCM_STATE_MAX] = {
        [SCM_STATE_STOPPED] = "stopped",
        [SCM_STATE_START_PENDING] = "start-pending",
        [SCM_STATE_STOP_PENDING] = "stop-pending",
        [SCM_STATE_RUNNING] = "running",
        [SCM_STATE_CONTINUE_PENDING] = "continue-pending",
        [SCM_STATE_PAUSE_PENDING] = "pause-pending",
        [SCM_STATE_PAUSED] = "paused",
};

static const char *const start_type_names[_SCM_START_MAX] = {
        [SCM_START_BOOT] = "boot",         [SCM_START_SYSTEM] = "system",
        [SCM_START_AUTO] = "auto",         [SCM_START_DEMAND] = "demand",
        [SCM_START_DISABLED] = "disabled", [SCM_START_DELAYED_AUTO] = "delayed-auto",
};

static const char *const kind_names[_SCM_KIND_MAX] = {
        [SCM_KIND_PLAIN] = "plain",     [SCM_KIND_NATIVE] = "native",
        [SCM_KIND_NOTIFY] = "notify",   [SCM_KIND_FORKING] = "forking",
        [SCM_KIND_ONESHOT] = "oneshot",
};

static const char *const error_control_names[_SCM_ERROR_CONTROL_MAX] = {
        [SCM_ERROR_IGNORE] = "ignore",
        [SCM_ERROR_NORMAL] = "normal",
        [SCM_ERROR_SEVERE] = "severe",
        [SCM_ERROR_CRITICAL] = "critical",
};

_Static_assert(ELEMENTSOF(state_names) == _SCM_STATE_MAX, "state names");
_Static_assert(ELEMENTSOF(start_type_names) == _SCM_START_MAX, "start type names");
_Static_assert(ELEMENTSOF(error_control_names) == _SCM_ERROR_CONTROL_MAX, "error control names");
_Static_assert(ELEMENTSOF(kind_names) == _SCM_KIND_MAX, "kind names");

static int lookup(const char *const *table, int n, const char *name) {
        if (!name)
                return -1;
        for (int i = 0; i < n; i++)
                if (table[i] && strcmp(table[i], name) == 0)
                        return i;
        return -1;
}

const char *scm_state_name(enum scm_state s) {
        return s > 0 && s < _SCM_STATE_MAX ? state_names[s] : NULL;
}

enum scm_state scm_state_from_name(const char *name) {
        int i = lookup(state_names, _SCM_STATE_MAX, name);
        return i < 0 ? SCM_STATE_INVALID : (enum scm_state)i;
}

const char *scm_start_type_name(enum scm_start_type t) {
        return t >= 0 && t < _SCM_START_MAX ? start_type_names[t] : NULL;
}

enum scm_start_type scm_start_type_from_name(const char *name) {
        int i = lookup(start_type_names, _SCM_START_MAX, name);
        return i < 0 ? SCM_START_INVALID : (enum scm_start_type)i;
}

const char *scm_kind_name(enum scm_service_kind k) {
        return k >= 0 && k < _SCM_KIND_MAX ? kind_names[k] : NULL;
}

enum scm_service_kind scm_kind_from_name(const char *name) {
        int i = lookup(kind_names, _SCM_KIND_MAX, name);
        return i < 0 ? SCM_KIND_INVALID : (enum scm_service_kind)i;
}

const char *scm_error_control_name(enum scm_error_control e) {
        return e >= 0 && e < _SCM_ERROR_CONTROL_MAX ? error_control_names[e] : NULL;
}

enum scm_error_control scm_error_control_from_name(const char *name) {
        int i = lookup(error_control_names, _SCM_ERROR_CONTROL_MAX, name);
        return i < 0 ? SCM_ERROR_CONTROL_INVALID : (enum scm_error_control)i;
}

static const struct {
        enum scm_service_type type;
        const char *name;
} type_names[] = {
        {SCM_TYPE_OWN_PROCESS, "own"},
        {SCM_TYPE_SHARE_PROCESS, "share"},
        {SCM_TYPE_KERNEL_DRIVER, "kernel-driver"},
};

const char *scm_type_name(enum scm_service_type t) {
        for (size_t i = 0; i < ELEMENTSOF(type_names); i++)
                if (type_names[i].type == t)
                        return type_names[i].name;
        return NULL;
}

enum scm_service_type scm_type_from_name(const char *name) {
        for (size_t i = 0; name && i < ELEMENTSOF(type_names); i++)
                if (strcmp(type_names[i].name, name) == 0)
                        return type_names[i].type;
        return SCM_TYPE_INVALID;
}

static const struct {
        uint32_t bit;
        const char *name;
} accept_names[] = {
        {SCM_ACCEPT_STOP, "stop"},
        {SCM_ACCEPT_PAUSE_CONTINUE, "pause-continue"},
        {SCM_ACCEPT_SHUTDOWN, "shutdown"},
        {SCM_ACCEPT_PARAMCHANGE, "paramchange"},
        {SCM_ACCEPT_NETBINDCHANGE, "netbindchange"},
        {SCM_ACCEPT_HARDWAREPROFILECHANGE, "hardwareprofilechange"},
        {SCM_ACCEPT_POWEREVENT, "powerevent"},
        {SCM_ACCEPT_SESSIONCHANGE, "sessionchange"},
        {SCM_ACCEPT_PRESHUTDOWN, "preshutdown"},
        {SCM_ACCEPT_TIMECHANGE, "timechange"},
        {SCM_ACCEPT_TRIGGEREVENT, "triggerevent"},
};

int scm_accept_names(uint32_t mask, const char **ret_names, int max) {
        int n = 0;
        for (size_t i = 0; i < ELEMENTSOF(accept_names); i++)
                if (mask & accept_names[i].bit) {
                        if (n < max)
                                ret_names[n] = accept_names[i].name;
                        n++;
                }
        return n;
}
