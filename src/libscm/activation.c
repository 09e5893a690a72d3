/* SPDX-License-Identifier: MIT */
/*
 * Socket activation (<scm/activation.h>): set_sockets and query_sockets.
 */
#include <scm/activation.h>

#include "client-internal.h"

int scm_set_sockets(struct scm_client *c, const char *service, const char *const *specs) {
        return text_list_set(c, "set_sockets", "sockets", service, specs);
}

int scm_query_sockets(struct scm_client *c, const char *service, char ***ret_specs) {
        return text_list_query(c, "query_sockets", "sockets", "socket", service, ret_specs);
}
