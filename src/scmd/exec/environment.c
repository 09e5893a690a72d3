/* SPDX-License-Identifier: MIT */
/*
 * A service's own environment (environment.h).  An environment file holds
 * KEY=VALUE lines, as systemd's EnvironmentFile= reads them: blank lines
 * and lines starting with # or ; are skipped, spaces around the line are
 * dropped, and a value wholly in single or double quotes loses them.  A
 * path after "-" may be missing; any other missing file fails the start,
 * naming it.
 */
#include "environment.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "process_config.h"

/* Sets "KEY=VALUE" (copied), replacing an entry of the same KEY. */
static int env_set(char ***envp, const char *assignment) {
        size_t key = strcspn(assignment, "="), n = 0;
        char *copy = strdup(assignment);
        if (!copy)
                return -ENOMEM;
        for (; (*envp)[n]; n++)
                if (strncmp((*envp)[n], assignment, key + 1) == 0) {
                        free((*envp)[n]);
                        (*envp)[n] = copy;
                        return 0;
                }
        char **v = realloc(*envp, (n + 2) * sizeof(char *));
        if (!v) {
                free(copy);
                return -ENOMEM;
        }
        v[n] = copy;
        v[n + 1] = NULL;
        *envp = v;
        return 0;
}

static char *trim(char *s) {
        s += strspn(s, " \t");
        size_t n = strlen(s);
        while (n && strchr(" \t\r\n", s[n - 1]))
                s[--n] = '\0';
        return s;
}

/* One line of an environment file: 0 when it is no assignment. */
static int apply_line(char ***envp, char *line) {
        char *s = trim(line);
        char *eq = strchr(s, '=');
        if (!s[0] || s[0] == '#' || s[0] == ';' || !eq || eq == s)
                return 0;
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t n = strlen(value);
        if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
                value[n - 1] = '\0';
                value++;
        }
        _cleanup_free_ char *a = NULL;
        if (asprintf(&a, "%s=%s", key, value) < 0)
                return -ENOMEM;
        return env_set(envp, a);
}

static int say(char **ret_error, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char **ret_error, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return r;
}

static int apply_file(char ***envp, const char *entry, char **ret_error) {
        bool optional = entry[0] == '-';
        const char *path = entry + optional;
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return optional && errno == ENOENT
                               ? 0
                               : say(ret_error, -errno, "cannot read its environment file %s: %s",
                                     path, strerror(errno));
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        int r = 0;
        while (r >= 0 && getline(&line, &size, f) >= 0)
                r = apply_line(envp, line);
        return r;
}

int environment_apply(char ***envp, const struct service_process *p, char **ret_error) {
        int r = 0;
        for (char **f = p ? p->environment_files : NULL; r >= 0 && f && *f; f++)
                r = apply_file(envp, *f, ret_error);
        for (char **e = p ? p->environment : NULL; r >= 0 && e && *e; e++)
                r = env_set(envp, *e);
        return r;
}

int environment_push(char ***env, size_t *n, const char *key, const char *value) {
        char **v = realloc(*env, (*n + 2) * sizeof(char *));
        if (!v)
                return -ENOMEM;
        *env = v;
        if (asprintf(&v[*n], "%s=%s", key, value) < 0)
                return -ENOMEM;
        v[++*n] = NULL;
        return 0;
}

char **environment_for_account(const struct passwd *pw, const char *name_key, const char *name) {
        static const char *const passthrough[] = {"LANG", "LC_ALL", "TZ"};
        char **env = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = env ? 0 : -ENOMEM;
        if (r >= 0)
                r = environment_push(
                        &env, &n, "PATH",
                        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (r >= 0)
                r = environment_push(&env, &n, "HOME", pw->pw_dir);
        if (r >= 0)
                r = environment_push(&env, &n, "USER", pw->pw_name);
        if (r >= 0)
                r = environment_push(&env, &n, "LOGNAME", pw->pw_name);
        if (r >= 0)
                r = environment_push(&env, &n, "SHELL",
                                     pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh");
        for (size_t i = 0; r >= 0 && i < sizeof(passthrough) / sizeof(passthrough[0]); i++) {
                const char *v = getenv(passthrough[i]);
                if (v)
                        r = environment_push(&env, &n, passthrough[i], v);
        }
        if (r >= 0)
                r = environment_push(&env, &n, name_key, name);
        if (r < 0) {
                strv_free(env);
                return NULL;
        }
        return env;
}
