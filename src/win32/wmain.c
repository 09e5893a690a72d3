/* SPDX-License-Identifier: MIT */
/*
 * libscm-win32-main: main() for a program that starts at wmain (a UNICODE
 * build's _tmain).  It is a static archive listed after libscm-win32 in
 * scm-win32.pc, so the linker takes it only when the program has no main
 * of its own, as MinGW's -municode start-up does.  The arguments are read
 * as UTF-8 and handed on as WCHAR strings.
 */
#include <stdio.h>
#include <stdlib.h>

#include <windows.h>

#include "w32.h"

int main(int argc, char **argv) {
        WCHAR **wargv = calloc((size_t)argc + 1, sizeof(WCHAR *));
        for (int i = 0; wargv && i < argc; i++)
                if (!(wargv[i] = w32_wide(argv[i])))
                        wargv = NULL;
        if (!wargv) {
                fputs("out of memory\n", stderr);
                return 1;
        }
        return wmain(argc, wargv);
}
