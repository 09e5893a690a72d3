/* SPDX-License-Identifier: MIT */
/*
 * A login program's part in utmp, for tests: records a session beginning
 * or ending in a utmp file through glibc's own calls (utmpxname,
 * pututxline), as login and sshd do.
 *
 *   scm-test-utmp FILE login PID LINE USER   a USER_PROCESS record
 *   scm-test-utmp FILE logout PID LINE       the same record, DEAD_PROCESS
 *
 * The record's id is the line's last four characters, as login makes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <utmpx.h>

static void fill(struct utmpx *u, short type, const char *pid, const char *line, const char *user) {
        memset(u, 0, sizeof(*u));
        u->ut_type = type;
        u->ut_pid = atoi(pid);
        strncpy(u->ut_line, line, sizeof(u->ut_line));
        size_t n = strlen(line);
        strncpy(u->ut_id, n > 4 ? line + n - 4 : line, sizeof(u->ut_id));
        if (user)
                strncpy(u->ut_user, user, sizeof(u->ut_user));
        struct timeval tv;
        gettimeofday(&tv, NULL);
        u->ut_tv.tv_sec = (int32_t)tv.tv_sec;
        u->ut_tv.tv_usec = (int32_t)tv.tv_usec;
}

int main(int argc, char **argv) {
        struct utmpx u;
        if (argc == 6 && strcmp(argv[2], "login") == 0)
                fill(&u, USER_PROCESS, argv[3], argv[4], argv[5]);
        else if (argc == 5 && strcmp(argv[2], "logout") == 0)
                fill(&u, DEAD_PROCESS, argv[3], argv[4], NULL);
        else {
                fprintf(stderr, "usage: %s FILE login PID LINE USER | FILE logout PID LINE\n",
                        argv[0]);
                return 2;
        }
        if (utmpxname(argv[1]) < 0) {
                perror("utmpxname");
                return 1;
        }
        setutxent();
        struct utmpx *r = pututxline(&u);
        endutxent();
        if (!r) {
                perror("pututxline");
                return 1;
        }
        return 0;
}
