/* SPDX-License-Identifier: MIT */
/*
 * activation: <scm/activation.h>.  Gives NAME a listening socket SPEC
 * ("unix:/run/x.sock", "tcp:127.0.0.1:8080") that starts it on the first
 * connection, and prints the sockets scmd holds for it.
 *   cc activation.c $(pkg-config --cflags --libs scm) -o activation
 *   ./activation SOCKET NAME SPEC
 */
#include <stdio.h>
#include <stdlib.h>

#include <scm/activation.h>

int main(int argc, char **argv) {
        struct scm_client *c;
        char **specs = NULL;
        if (argc != 4)
                return 2;
        const char *want[] = {argv[3], NULL};
        int r = scm_connect(argv[1], -1, &c);
        if (r >= 0)
                r = scm_set_sockets(c, argv[2], want);
        if (r >= 0)
                r = scm_query_sockets(c, argv[2], &specs);
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
