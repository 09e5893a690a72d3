/* SPDX-License-Identifier: MIT */
/*
 * A service's least-privilege settings (struct service_security) as
 * configured: copying and freeing them, the names of the SID types, and
 * of the kinds of owner (a service, a scheduled task).
 * What they make a process do is exec/security.c's.
 */
#include "security_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"

void service_security_free(struct service_security *sec) {
        if (!sec)
                return;
        strv_free(sec->writable_paths);
        free(sec);
}

struct service_security *service_security_dup(const struct service_security *sec) {
        if (!sec)
                return NULL;
        struct service_security *c = malloc(sizeof(*c));
        if (!c)
                return NULL;
        *c = *sec;
        c->writable_paths = NULL;
        size_t n = 0;
        while (sec->writable_paths && sec->writable_paths[n])
                n++;
        if (sec->writable_paths) {
                c->writable_paths = calloc(n + 1, sizeof(char *));
                for (size_t i = 0; c->writable_paths && i < n; i++)
                        if (!(c->writable_paths[i] = strdup(sec->writable_paths[i]))) {
                                strv_free(c->writable_paths);
                                c->writable_paths = NULL;
                        }
                if (!c->writable_paths) {
                        free(c);
                        errno = ENOMEM;
                        return NULL;
                }
        }
        return c;
}

static const char *const sid_type_names[_SID_TYPE_MAX] = {
        [SID_TYPE_NONE] = "none",
        [SID_TYPE_UNRESTRICTED] = "unrestricted",
        [SID_TYPE_RESTRICTED] = "restricted",
};
_Static_assert(ELEMENTSOF(sid_type_names) == _SID_TYPE_MAX, "every sid type has a name");

const char *sid_type_name(enum sid_type t) {
        return t >= 0 && t < _SID_TYPE_MAX ? sid_type_names[t] : NULL;
}

enum sid_type sid_type_from_name(const char *name) {
        for (int i = 0; name && i < _SID_TYPE_MAX; i++)
                if (strcmp(sid_type_names[i], name) == 0)
                        return (enum sid_type)i;
        return SID_TYPE_INVALID;
}

static const char *const owner_names[_OWNER_KIND_MAX][2] = {
        [OWNER_SERVICE] = {"service", "services"},
        [OWNER_TASK] = {"task", "tasks"},
};

const char *owner_kind_name(enum owner_kind k) {
        return k >= 0 && k < _OWNER_KIND_MAX ? owner_names[k][0] : "service";
}

const char *owner_kind_folder(enum owner_kind k) {
        return k >= 0 && k < _OWNER_KIND_MAX ? owner_names[k][1] : "services";
}
