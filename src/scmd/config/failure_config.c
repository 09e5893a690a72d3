/* SPDX-License-Identifier: MIT */
/*
 * A service's failure actions as configured (struct failure_config): the
 * names of the actions and freeing.  What a failure makes scmd do is
 * boot/failure.c's.
 */
#include "failure_config.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

static const char *const action_names[_FAILURE_ACTION_MAX] = {
        [FAILURE_ACTION_NONE] = "none",
        [FAILURE_ACTION_RESTART] = "restart",
        [FAILURE_ACTION_RUN] = "run",
        [FAILURE_ACTION_REBOOT] = "reboot",
};
_Static_assert(ELEMENTSOF(action_names) == _FAILURE_ACTION_MAX, "every action has a name");

const char *failure_action_name(enum failure_action_type t) {
        return t >= 0 && t < _FAILURE_ACTION_MAX ? action_names[t] : "?";
}

enum failure_action_type failure_action_from_name(const char *name) {
        for (int i = 0; name && i < _FAILURE_ACTION_MAX; i++)
                if (strcmp(action_names[i], name) == 0)
                        return (enum failure_action_type)i;
        return FAILURE_ACTION_INVALID;
}

void failure_config_clear(struct failure_config *c) {
        free(c->actions);
        free(c->command);
        free(c->reboot_message);
        *c = (struct failure_config){0};
}
