/* SPDX-License-Identifier: MIT */
/*
 * activation: <scm/activation.h>.  Gives NAME a listening socket SPEC
 * ("unix:/run/x.sock", "tcp:127.0.0.1:8080") that starts it on the first
 * connection, and prints the sockets scmd holds for it.  With N, scmd
 * accepts each connection itself and starts an instance of NAME for it,
 * at most N at once; it prints that and the instances running.
 *   cc activation.c $(pkg-config --cflags --libs scm) -o activation
 *   ./activation SOCKET NAME SPEC [N]
 */
#include <stdio.h>
#include <stdlib.h>

#include <scm/activation.h>

/* With N: an instance per connection, and what runs. */
static int accept_connections(struct scm_client *c, const char *name, unsigned n) {
        unsigned max = 0;
        pid_t *pids = NULL;
        size_t running = 0;
        int r = scm_set_accept(c, name, n, false);
        if (r >= 0)
                r = scm_query_instances(c, name, &max, &pids, &running);
        if (r < 0)
                return r;
        printf("accept %u instances at most, %zu running\n", max, running);
        for (size_t i = 0; i < running; i++)
                printf("instance %d\n", (int)pids[i]);
        free(pids);
        return 0;
}

int main(int argc, char **argv) {
        struct scm_client *c;
        char **specs = NULL;
        if (argc != 4 && argc != 5)
                return 2;
        const char *want[] = {argv[3], NULL};
        int r = scm_connect(argv[1], -1, &c);
        if (r >= 0)
                r = scm_set_sockets(c, argv[2], want);
        if (r >= 0)
                r = scm_query_sockets(c, argv[2], &specs);
        if (r >= 0 && argc == 5)
                r = accept_connections(c, argv[2], (unsigned)strtoul(argv[4], NULL, 10));
        if (r < 0) {
                int e = scm_error_win32(r);
                fprintf(stderr, "activation: %s %s\n", e ? scm_error_name(e) : "error",
                        e ? scm_client_error_message(c) : "");
                return 1;
        }
        for (size_t i = 0; specs[i]; i++) {
                printf("socket %s\n", specs[i]);
                free(specs[i]);
        }
        free(specs);
        scm_disconnect(c);
        return 0;
}
