/* SPDX-License-Identifier: MIT */
/* list-services: <scm/client.h> (with <scm/error.h>, <scm/types.h>) alone.
 * Lists every service as `sc query state= all` does.  Build and run:
 *   cc list-services.c $(pkg-config --cflags --libs scm) -o list-services
 *   ./list-services [SOCKET]        (no SOCKET: $SCM_SOCKET, else by uid) */
#include <stdio.h>

#include <scm/client.h>

int main(int argc, char **argv) {
        struct scm_client *c;
        struct scm_service_entry *v;
        size_t n;
        int r = scm_connect(argc > 1 ? argv[1] : NULL, -1, &c);
        if (r >= 0)
                r = scm_enumerate(c, NULL, &v, &n);
        if (r < 0) {
                int e = scm_error_win32(r);
                fprintf(stderr, "list-services: %s\n", e ? scm_error_name(e) : "cannot reach scmd");
                return 1;
        }
        for (size_t i = 0; i < n; i++)
                printf("%-24s %-10s %s\n", v[i].name, scm_state_name(v[i].status.state),
                       v[i].display_name);
        scm_service_entries_free(v, n);
        scm_disconnect(c);
        return 0;
}
