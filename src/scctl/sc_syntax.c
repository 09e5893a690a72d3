/* SPDX-License-Identifier: MIT */
/*
 * sc.exe's own syntax: `scctl create NAME binPath= "/usr/bin/web" start= auto`
 * and the like.  When a verb's arguments hold a word that ends in '=' (sc's
 * "key= value" pairs, the space after '=' required as by sc.exe), they are
 * rewritten into scctl's options before the verb reads them, so one verb
 * serves both spellings.  Keys ignore case.  The values are sc.exe's, mapped
 * to scctl's where the two differ (type= kernel, obj= "NT AUTHORITY\LocalService",
 * depend= A/B, actions= restart/5000/""/0, type= service).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "cmdline.h"
#include "scctl.h"

/* One sc.exe key of a verb and the scctl option it becomes. */
struct sc_key {
        const char *verb, *key, *option;
};

static const struct sc_key keys[] = {
        {"create", "binpath", "--exec"},
        {"create", "start", "--start"},
        {"create", "obj", "--account"},
        {"create", "displayname", "--display-name"},
        {"create", "depend", "--depend"},
        {"create", "group", "--group"},
        {"create", "error", "--error-control"},
        {"create", "type", "--type"},
        {"config", "binpath", "--exec"},
        {"config", "start", "--start"},
        {"config", "obj", "--account"},
        {"config", "displayname", "--display-name"},
        {"config", "depend", "--depend"},
        {"config", "group", "--group"},
        {"config", "error", "--error-control"},
        {"config", "type", "--type"},
        {"failure", "reset", "--reset"},
        {"failure", "actions", "--actions"},
        {"failure", "command", "--command"},
        {"failure", "reboot", "--reboot-message"},
        {"query", "type", "--type"},
        {"query", "state", "--state"},
        {"query", "group", "--group"},
        {"queryex", "type", "--type"},
        {"queryex", "state", "--state"},
        {"queryex", "group", "--group"},
};

/* Keys sc.exe has that mean nothing here: dropped (paging of a listing). */
static bool ignored(const char *key) {
        return !strcasecmp(key, "bufsize") || !strcasecmp(key, "ri");
}

static bool is_key(const char *word) {
        size_t n = strlen(word);
        return n > 1 && word[n - 1] == '=' && !strchr(word, '-');
}

static const struct sc_key *find_key(const char *verb, const char *word) {
        size_t n = strlen(word) - 1;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (!strcmp(keys[i].verb, verb) && strlen(keys[i].key) == n &&
                    !strncasecmp(keys[i].key, word, n))
                        return &keys[i];
        return NULL;
}

/* sc.exe's value as scctl's, malloc'd; NULL with *error for one scctl
 * cannot take. */
static char *map_value(const char *option, const char *v, const char **error) {
        static const char *const pairs[][3] = {
                {"--start", "demand", "demand"},
                {"--start", "delayed-auto", "delayed-auto"},
                {"--type", "kernel", "kernel-driver"},
                {"--type", "driver", "kernel-driver"},
                {"--account", "LocalSystem", ""},
                {"--account", "NT AUTHORITY\\LocalService", "LocalService"},
                {"--account", "NT AUTHORITY\\NetworkService", "NetworkService"},
        };
        *error = NULL;
        for (size_t i = 0; i < ELEMENTSOF(pairs); i++)
                if (!strcmp(option, pairs[i][0]) && !strcasecmp(v, pairs[i][1]))
                        return strdup(pairs[i][2]);
        if (!strcmp(option, "--type") && (!strcasecmp(v, "service") || !strcasecmp(v, "all")))
                return strdup("");
        if (!strcmp(option, "--type") && (!strcasecmp(v, "filesys") || !strcasecmp(v, "rec") ||
                                          !strcasecmp(v, "adapt") || !strcasecmp(v, "interact"))) {
                *error = "file system drivers, recognizers and adapters do not exist here (and "
                         "interact is --interactive)";
                return NULL;
        }
        if (!strcmp(option, "--depend")) { /* sc.exe separates them with '/' */
                char *out = strdup(v);
                for (char *p = out; p && *p; p++)
                        if (*p == '/')
                                *p = ',';
                return out;
        }
        if (!strcmp(option, "--account") && !strncmp(v, ".\\", 2))
                return strdup(v + 2);
        if (!strcmp(option, "--actions")) { /* "" between slashes is no action */
                char *out = malloc(strlen(v) * 2 + 8), *o = out;
                for (const char *p = v; out && *p; p++) {
                        if (p[0] == '"' && p[1] == '"') {
                                o = stpcpy(o, "none");
                                p++;
                        } else
                                *o++ = *p;
                }
                if (out)
                        *o = 0;
                return out;
        }
        return strdup(v);
}

static int add(char ***v, int *n, char *s) {
        char **nv = realloc(*v, (size_t)(*n + 2) * sizeof(char *));
        if (!nv || !s) {
                free(s);
                if (nv)
                        *v = nv;
                return -1;
        }
        nv[(*n)++] = s;
        nv[*n] = NULL;
        *v = nv;
        return 0;
}

int sc_syntax_translate(struct scctl *ctx, int argc, char **argv, int *ret_argc, char ***ret_argv) {
        const char *verb = argv[0];
        bool any = false, known = false;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                known = known || !strcmp(keys[i].verb, verb);
        for (int i = 1; known && i < argc && !any; i++)
                any = is_key(argv[i]);
        if (!any)
                return 0;
        _cleanup_(strv_free_p) char **out = NULL;
        int n = 0;
        for (int i = 0; i < argc; i++) {
                if (!is_key(argv[i]) || i == 0) {
                        if (add(&out, &n, strdup(argv[i])) < 0)
                                return scctl_usage_error(ctx, "out of memory");
                        continue;
                }
                if (i + 1 >= argc)
                        return scctl_usage_error(ctx,
                                                 "sc.exe's '%s' needs a value after it "
                                                 "(with a space, as sc.exe's)",
                                                 argv[i]);
                const char *value = argv[++i], *error;
                char key[64];
                snprintf(key, sizeof(key), "%.*s", (int)strlen(argv[i - 1]) - 1, argv[i - 1]);
                if (ignored(key))
                        continue;
                const struct sc_key *k = find_key(verb, argv[i - 1]);
                if (!k)
                        return scctl_usage_error(ctx, "sc.exe's '%s' is not understood with %s",
                                                 argv[i - 1], verb);
                _cleanup_free_ char *mapped = map_value(k->option, value, &error);
                if (!mapped)
                        return scctl_usage_error(ctx, "%s %s: %s", argv[i - 1], value,
                                                 error ? error : "out of memory");
                if (!strcmp(k->option, "--type") && !mapped[0])
                        continue; /* every type: no filter */
                char *opt = NULL;
                if (asprintf(&opt, "%s=%s", k->option, mapped) < 0 || add(&out, &n, opt) < 0)
                        return scctl_usage_error(ctx, "out of memory");
        }
        *ret_argc = n;
        *ret_argv = TAKE_PTR(out);
        return 0;
}
