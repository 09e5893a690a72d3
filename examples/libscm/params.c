/* SPDX-License-Identifier: MIT */
/*
 * params: <scm/params.h>.  Stores a REG_SZ and a REG_DWORD under NAME's
 * Parameters key, then lists the key's values as regedit would.
 *   cc params.c $(pkg-config --cflags --libs scm) -o params
 *   ./params SOCKET NAME
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <scm/params.h>

int main(int argc, char **argv) {
        struct scm_client *c;
        struct scm_param_value *v;
        size_t n;
        const char greeting[] = "hello";
        const unsigned char port[4] = {0x90, 0x1f, 0, 0}; /* 8080, little-endian */
        if (argc != 3)
                return 2;
        int r = scm_connect(argv[1], -1, &c);
        if (r >= 0)
                r = scm_set_parameter(c, argv[2], NULL, "Greeting", SCM_PARAM_SZ, greeting,
                                      sizeof(greeting));
        if (r >= 0)
                r = scm_set_parameter(c, argv[2], NULL, "Port", SCM_PARAM_DWORD, port, 4);
        if (r >= 0)
                r = scm_enum_parameters(c, argv[2], NULL, &v, &n, NULL);
        if (r < 0) {
                fprintf(stderr, "params: %s\n", scm_error_name(scm_error_win32(r)));
                return 1;
        }
        for (size_t i = 0; i < n; i++) {
                if (v[i].type == SCM_PARAM_SZ)
                        printf("%s REG_SZ %s\n", v[i].name, (const char *)v[i].data);
                else if (v[i].type == SCM_PARAM_DWORD && v[i].size == 4)
                        printf("%s REG_DWORD %u\n", v[i].name,
                               v[i].data[0] | v[i].data[1] << 8 | v[i].data[2] << 16 |
                                       (unsigned)v[i].data[3] << 24);
        }
        scm_param_values_free(v, n);
        scm_disconnect(c);
        return 0;
}
