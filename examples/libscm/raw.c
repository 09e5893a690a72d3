/* SPDX-License-Identifier: MIT */
/*
 * raw: <scm/raw.h>, the escape hatch.  Calls any method with JSON params
 * and prints the JSON result: ./raw SOCKET ping, ./raw SOCKET query_config
 * '{"name":"web"}'.  It includes <jansson.h>, so it links jansson too:
 *   cc raw.c $(pkg-config --cflags --libs scm jansson) -o raw
 */
#include <stdio.h>
#include <stdlib.h>

#include <scm/raw.h>

int main(int argc, char **argv) {
        struct scm_client *c;
        json_t *params = NULL, *result = NULL;
        if (argc < 3 || argc > 4)
                return 2;
        if (argc == 4 && !(params = json_loads(argv[3], 0, NULL))) {
                fprintf(stderr, "raw: the params are not a JSON object\n");
                return 2;
        }
        int r = scm_connect(argv[1], -1, &c);
        if (r >= 0)
                r = scm_call(c, argv[2], params, &result);
        else
                json_decref(params);
        if (r < 0) {
                int e = scm_error_win32(r);
                fprintf(stderr, "raw: %s %s\n", e ? scm_error_name(e) : "error",
                        e ? scm_client_error_message(c) : "");
                return 1;
        }
        char *text = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS);
        puts(text ? text : "");
        free(text);
        json_decref(result);
        scm_disconnect(c);
        return 0;
}
