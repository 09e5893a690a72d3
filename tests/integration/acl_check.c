/* SPDX-License-Identifier: MIT */
/*
 * acl_check: libscm's access-list calls (scm_query_object_security,
 * scm_set_object_security) against a real scmd.  Run by
 * tests/integration/test_acl.sh as
 *
 *   acl_check SOCKET SERVICE
 *
 * with SERVICE an existing service whose list was never set, by a caller
 * that is an admin.  Output is TAP on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scm/client.h>

#include "tap.h"

/* The list of name (NULL: the SCM) equals expected. */
static void expect_list(struct scm_client *c, const char *name, const char *expected,
                        const char *what) {
        char *text = NULL;
        int r = scm_query_object_security(c, name, &text);
        tap(r == 0 && text && strcmp(text, expected) == 0, "%s", what);
        if (r < 0)
                printf("# error %d: %s\n", r, scm_client_error_message(c));
        else if (strcmp(text, expected) != 0)
                printf("# got '%s'\n# expected '%s'\n", text, expected);
        free(text);
}

int main(int argc, char **argv) {
        if (argc != 3) {
                fprintf(stderr, "usage: acl_check SOCKET SERVICE\n");
                return 2;
        }
        const char *service = argv[2];
        struct scm_client *c;
        int r = scm_connect(argv[1], 10000, &c);
        tap(r == 0, "connect");
        if (r < 0)
                return 1;

        expect_list(c, NULL, "allow everyone connect,enumerate,query-lock-status,read-control",
                    "scm_query_object_security(NULL): the SCM's default list");
        expect_list(c, service,
                    "allow everyone query-config,query-status,enumerate-dependents,interrogate,"
                    "user-defined-control,read-control; allow account "
                    "query-config,query-status,interrogate",
                    "a new service has the default list");

        r = scm_set_object_security(c, service, "allow uid:4242 stop , start");
        tap(r == 0, "scm_set_object_security(service, text)");
        expect_list(c, service, "allow uid:4242 start,stop", "... read back canonical");

        r = scm_set_object_security(c, service, "allow everyone stopp");
        tap(scm_error_win32(r) == SCM_ERROR_INVALID_PARAMETER &&
                    strstr(scm_client_error_message(c), "'stopp'"),
            "an unknown right: INVALID_PARAMETER naming it");
        expect_list(c, service, "allow uid:4242 start,stop", "... and the list is unchanged");

        r = scm_set_object_security(c, service, NULL);
        tap(r == 0, "scm_set_object_security(service, NULL)");
        expect_list(c, service,
                    "allow everyone query-config,query-status,enumerate-dependents,interrogate,"
                    "user-defined-control,read-control; allow account "
                    "query-config,query-status,interrogate",
                    "... is the default list again");

        r = scm_set_object_security(c, NULL, "allow gid:4242 all");
        tap(r == 0, "scm_set_object_security(NULL, text): the SCM's");
        expect_list(c, NULL, "allow gid:4242 all", "... read back");
        tap(scm_set_object_security(c, NULL, NULL) == 0, "the SCM back to its default");

        scm_disconnect(c);
        return tap_finish();
}
