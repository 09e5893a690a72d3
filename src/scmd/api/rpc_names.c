/* SPDX-License-Identifier: MIT */
/*
 * A service's two names: get_key_name (GetServiceKeyName) finds the service
 * whose display name is given and answers its name; get_display_name
 * (GetServiceDisplayName) answers the display name of a named service.
 *
 * Every other method names a service by its name only, as Windows'
 * OpenService does (Windows refuses a display name there with
 * SERVICE_DOES_NOT_EXIST): a display name is free text a person reads, and
 * one service's display name may be spelled like another's name tomorrow.
 * A program that holds a display name turns it into the name here first.
 * Like Windows, both need only connect on the SCM: the names are not
 * secret from those who may not query the service.
 */
#include <jansson.h>
#include <scm/error.h>

#include "manager.h"
#include "registry.h"
#include "rpc.h"
#include "service.h"
#include "validate.h"

static json_t *names_json(const struct service *s) {
        return json_pack("{s:s, s:s}", "name", s->config.name, "display_name",
                         s->config.display_name);
}

int rpc_get_key_name(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"display_name", NULL};
        const char *display;
        int r = rpc_check_keys(call, keys);
        if (r >= 0)
                r = rpc_get_string(call, "display_name", true, SCM_DISPLAY_NAME_MAX_CHARS * 4,
                                   &display);
        if (r < 0)
                return r;
        const struct service *s = registry_find_display(call->manager->registry, display);
        if (!s)
                return rpc_fail(call, SCM_ERROR_SERVICE_DOES_NOT_EXIST,
                                "no service has the display name '%s'", display);
        *ret = names_json(s);
        return 0;
}

int rpc_get_display_name(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        *ret = names_json(s);
        return 0;
}
