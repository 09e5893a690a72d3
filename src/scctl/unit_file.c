/* SPDX-License-Identifier: MIT */
/*
 * The systemd unit-file reader of scctl import (see unit_file.h): lines,
 * sections and assignments; the unit's file and its drop-ins in systemd's
 * order; the specifiers.  It reads files and nothing else: no daemon, no
 * account look-ups.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "unit_file.h"

#define UNIT_FILE_MAX_BYTES (4 * 1024 * 1024)

const char *const unit_default_search_paths[] = {
        "/etc/systemd/system",
        "/run/systemd/system",
        "/lib/systemd/system",
        "/usr/lib/systemd/system",
        NULL,
};

static int fail(struct unit_file *u, int r, const char *format, ...)
        __attribute__((format(printf, 3, 4)));
static int fail(struct unit_file *u, int r, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(u->error, sizeof(u->error), format, ap);
        va_end(ap);
        return r;
}

void unit_file_done(struct unit_file *u) {
        for (size_t i = 0; i < u->n_assignments; i++) {
                free(u->assignments[i].section);
                free(u->assignments[i].key);
                free(u->assignments[i].value);
                free(u->assignments[i].file);
        }
        free(u->assignments);
        free(u->name);
        free(u->prefix);
        free(u->instance);
        free(u->path);
        *u = (struct unit_file){0};
}

static bool ends_with(const char *s, const char *suffix) {
        size_t n = strlen(s), m = strlen(suffix);
        return n >= m && strcmp(s + n - m, suffix) == 0;
}

int unit_file_set_name(struct unit_file *u, const char *name) {
        _cleanup_free_ char *full = NULL;
        if (!strchr(name, '.')) {
                if (asprintf(&full, "%s.service", name) < 0)
                        return -ENOMEM;
        } else {
                full = strdup(name);
                if (!full)
                        return -ENOMEM;
        }
        if (!ends_with(full, ".service") || strlen(full) == strlen(".service"))
                return fail(u, -EINVAL, "'%s' is not a service unit (NAME.service)", name);
        if (strchr(full, '/'))
                return fail(u, -EINVAL, "'%s' is not a unit name", name);
        size_t stem = strlen(full) - strlen(".service");
        const char *at = memchr(full, '@', stem);
        if (at && (size_t)(at - full) + 1 == stem)
                return fail(u, -EINVAL,
                            "'%s' is a template: name an instance of it (%.*s@INSTANCE.service)",
                            name, (int)(at - full), full);
        free(u->name);
        free(u->prefix);
        free(u->instance);
        u->prefix = strndup(full, at ? (size_t)(at - full) : stem);
        u->instance = at ? strndup(at + 1, stem - (size_t)(at - full) - 1) : NULL;
        u->name = TAKE_PTR(full);
        if (!u->prefix || (at && !u->instance))
                return -ENOMEM;
        return 0;
}

/* ---- lines ---- */

static int append(struct unit_file *u, const char *section, const char *key, const char *value,
                  const char *file, unsigned line) {
        struct unit_assignment *a =
                realloc(u->assignments, (u->n_assignments + 1) * sizeof(*u->assignments));
        if (!a)
                return -ENOMEM;
        u->assignments = a;
        a += u->n_assignments;
        *a = (struct unit_assignment){.section = strdup(section),
                                      .key = strdup(key),
                                      .value = strdup(value),
                                      .file = strdup(file),
                                      .line = line};
        u->n_assignments++;
        return a->section && a->key && a->value && a->file ? 0 : -ENOMEM;
}

static char *trim(char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
                s[--n] = '\0';
        return s;
}

static bool is_comment(const char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        return *s == '#' || *s == ';';
}

/* One logical line (continuations joined) into *ret (malloc'd); *pos moves
 * past it, *lineno counts physical lines, *first gets its first line. */
static int next_logical_line(const char **pos, unsigned *lineno, unsigned *first, char **ret) {
        size_t size = 0;
        char *buf = NULL;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        *first = *lineno + 1;
        bool continued = false;
        while (**pos) {
                const char *p = *pos;
                size_t n = strcspn(p, "\n");
                *pos = p + n + (p[n] == '\n');
                (*lineno)++;
                if (continued && is_comment(p))
                        continue; /* a comment inside a continuation is skipped */
                size_t end = n;
                while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t' || p[end - 1] == '\r'))
                        end--;
                continued = end > 0 && p[end - 1] == '\\' && !is_comment(p);
                fwrite(p, 1, continued ? end - 1 : n, f);
                if (!continued)
                        break;
                fputc(' ', f);
        }
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

int unit_file_parse(struct unit_file *u, const char *file, const char *text) {
        _cleanup_free_ char *section = NULL;
        unsigned lineno = 0, first;
        const char *pos = text;

        while (*pos) {
                _cleanup_free_ char *raw = NULL;
                int r = next_logical_line(&pos, &lineno, &first, &raw);
                if (r < 0)
                        return r;
                char *line = trim(raw);
                if (!*line || is_comment(line))
                        continue;
                if (line[0] == '[') {
                        size_t n = strlen(line);
                        if (n < 3 || line[n - 1] != ']' || memchr(line + 1, ']', n - 2))
                                return fail(u, -EINVAL, "%s:%u: '%s' is not a [Section] line", file,
                                            first, line);
                        free(section);
                        section = strndup(line + 1, n - 2);
                        if (!section)
                                return -ENOMEM;
                        continue;
                }
                char *eq = strchr(line, '=');
                if (!eq)
                        return fail(u, -EINVAL, "%s:%u: '%s' is not KEY=VALUE", file, first, line);
                if (!section)
                        return fail(u, -EINVAL, "%s:%u: '%s' comes before any [Section]", file,
                                    first, line);
                *eq = '\0';
                char *key = trim(line), *value = trim(eq + 1);
                if (!*key)
                        return fail(u, -EINVAL, "%s:%u: an assignment without a key", file, first);
                r = append(u, section, key, value, file, first);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- files ---- */

static int read_text(const char *path, char **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (st.st_size > UNIT_FILE_MAX_BYTES)
                return -EFBIG;
        char *buf = malloc((size_t)st.st_size + 1);
        if (!buf)
                return -ENOMEM;
        size_t got = 0;
        for (;;) {
                ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = -errno;
                        free(buf);
                        return e;
                }
                if (n == 0 || (got += (size_t)n) == (size_t)st.st_size)
                        break;
        }
        buf[got] = '\0';
        if (memchr(buf, '\0', got)) {
                free(buf);
                return -EINVAL;
        }
        *ret = buf;
        return 0;
}

static int parse_path(struct unit_file *u, const char *path) {
        _cleanup_free_ char *text = NULL;
        int r = read_text(path, &text);
        if (r < 0)
                return fail(u, r, "cannot read %s: %s", path,
                            r == -EINVAL ? "it holds a NUL byte" : strerror(-r));
        return unit_file_parse(u, path, text);
}

struct dropin {
        char *name; /* "10-port.conf" */
        char *path;
};

static int dropin_cmp(const void *a, const void *b) {
        return strcmp(((const struct dropin *)a)->name, ((const struct dropin *)b)->name);
}

/* Adds the *.conf of dir not already named in *list. */
static int collect_dropins(const char *dir, struct dropin **list, size_t *n) {
        DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        int r = 0;
        for (struct dirent *e; r == 0 && (e = readdir(d));) {
                if (e->d_name[0] == '.' || !ends_with(e->d_name, ".conf"))
                        continue;
                bool seen = false;
                for (size_t i = 0; i < *n && !seen; i++)
                        seen = strcmp((*list)[i].name, e->d_name) == 0;
                if (seen)
                        continue;
                struct dropin *grown = realloc(*list, (*n + 1) * sizeof(**list));
                if (!grown) {
                        r = -ENOMEM;
                        break;
                }
                *list = grown;
                grown[*n].name = strdup(e->d_name);
                if (asprintf(&grown[*n].path, "%s/%s", dir, e->d_name) < 0)
                        grown[*n].path = NULL;
                (*n)++;
                if (!grown[*n - 1].name || !grown[*n - 1].path)
                        r = -ENOMEM;
        }
        closedir(d);
        return r;
}

static int load_dropins(struct unit_file *u, const char *const *dirs) {
        struct dropin *list = NULL;
        size_t n = 0;
        int r = 0;
        for (size_t i = 0; r == 0 && dirs[i]; i++) {
                _cleanup_free_ char *own = NULL, *tmpl = NULL;
                if (asprintf(&own, "%s/%s.d", dirs[i], u->name) < 0)
                        r = -ENOMEM;
                if (r == 0)
                        r = collect_dropins(own, &list, &n);
                if (r == 0 && u->instance) {
                        if (asprintf(&tmpl, "%s/%s@.service.d", dirs[i], u->prefix) < 0)
                                r = -ENOMEM;
                        if (r == 0)
                                r = collect_dropins(tmpl, &list, &n);
                }
        }
        if (r == 0 && n > 0)
                qsort(list, n, sizeof(*list), dropin_cmp);
        for (size_t i = 0; r == 0 && i < n; i++)
                r = parse_path(u, list[i].path);
        for (size_t i = 0; i < n; i++) {
                free(list[i].name);
                free(list[i].path);
        }
        free(list);
        return r;
}

/* Finds the unit's file in dirs: NAME, else for an instance its template. */
static int find_unit(struct unit_file *u, const char *const *dirs) {
        for (int pass = 0; pass < (u->instance ? 2 : 1); pass++)
                for (size_t i = 0; dirs[i]; i++) {
                        _cleanup_free_ char *path = NULL;
                        int r = pass == 0 ? asprintf(&path, "%s/%s", dirs[i], u->name)
                                          : asprintf(&path, "%s/%s@.service", dirs[i], u->prefix);
                        if (r < 0)
                                return -ENOMEM;
                        if (access(path, F_OK) == 0) {
                                u->path = TAKE_PTR(path);
                                return 0;
                        }
                }
        size_t used = 0;
        used += (size_t)snprintf(u->error, sizeof(u->error), "no unit file %s in", u->name);
        for (size_t i = 0; dirs[i] && used < sizeof(u->error); i++)
                used += (size_t)snprintf(u->error + used, sizeof(u->error) - used, "%s%s",
                                         i ? ", " : " ", dirs[i]);
        return -ENOENT;
}

int unit_file_load(struct unit_file *u, const char *arg, const char *const *paths) {
        const char *dirs[UNIT_SEARCH_PATHS_MAX + 2];
        size_t n = 0;
        _cleanup_free_ char *own_dir = NULL;

        unit_file_done(u);
        if (!paths)
                paths = unit_default_search_paths;
        const char *slash = strrchr(arg, '/');
        if (slash) {
                own_dir = strndup(arg, slash == arg ? 1 : (size_t)(slash - arg));
                if (!own_dir)
                        return -ENOMEM;
                dirs[n++] = own_dir;
        }
        for (size_t i = 0; paths[i] && n < UNIT_SEARCH_PATHS_MAX; i++)
                dirs[n++] = paths[i];
        dirs[n] = NULL;

        int r = unit_file_set_name(u, slash ? slash + 1 : arg);
        if (r < 0)
                return r;
        if (slash) {
                u->path = strdup(arg);
                if (!u->path)
                        return -ENOMEM;
        } else if ((r = find_unit(u, dirs)) < 0) {
                return r;
        }
        _cleanup_free_ char *target = realpath(u->path, NULL);
        if (target && strcmp(target, "/dev/null") == 0)
                return fail(u, -ENOENT, "%s is masked (%s is a link to /dev/null)", u->name,
                            u->path);
        r = parse_path(u, u->path);
        return r < 0 ? r : load_dropins(u, dirs);
}

/* ---- specifiers ---- */

/* systemd's unit-name unescaping: "\xHH" is the byte, '-' is '/'. */
static char *unescape_name(const char *s) {
        char *out = malloc(strlen(s) + 1), *o = out;
        if (!out)
                return NULL;
        for (; *s; s++) {
                unsigned v;
                if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
                        *o++ = (char)v;
                        s += 3;
                } else {
                        *o++ = *s == '-' ? '/' : *s;
                }
        }
        *o = '\0';
        return out;
}

/* /etc/machine-id's 32 hex digits, or NULL. */
static char *read_machine_id(void) {
        _cleanup_fclose_ FILE *f = fopen("/etc/machine-id", "re");
        char id[64];
        if (!f || !fgets(id, sizeof(id), f))
                return NULL;
        id[strcspn(id, "\n")] = '\0';
        return strlen(id) == 32 ? strdup(id) : NULL;
}

/* What specifier c stands for in u, malloc'd; NULL with *ret_known false
 * when it is not one of ours. */
static char *specifier(const struct unit_file *u, char c, bool *ret_known) {
        struct utsname un;
        char host[256];
        const char *inst = u->instance ? u->instance : "";
        *ret_known = true;
        switch (c) {
        case '%':
                return strdup("%");
        case 'n':
                return strdup(u->name);
        case 'N':
                return strndup(u->name, strlen(u->name) - strlen(".service"));
        case 'p':
                return strdup(u->prefix);
        case 'P':
                return unescape_name(u->prefix);
        case 'i':
                return strdup(inst);
        case 'I':
                return unescape_name(inst);
        case 'j':
        case 'J': {
                const char *dash = strrchr(u->prefix, '-');
                char *j = strdup(dash ? dash + 1 : u->prefix);
                if (c == 'J' && j) {
                        char *unescaped = unescape_name(j);
                        free(j);
                        j = unescaped;
                }
                return j;
        }
        case 'f': {
                char *s = unescape_name(u->instance ? inst : u->prefix), *f = NULL;
                if (s && asprintf(&f, "%s%s", s[0] == '/' ? "" : "/", s) < 0)
                        f = NULL;
                free(s);
                return f;
        }
        /* The user of the service manager: root, whatever User= says
         * (systemd.unit(5) says so of %u %U %g %G %h %s). */
        case 'h':
                return strdup("/root");
        case 'u':
        case 'g':
                return strdup("root");
        case 'U':
        case 'G':
                return strdup("0");
        case 's':
                return strdup("/bin/sh");
        case 'm':
                return read_machine_id();
        case 'l':
                if (gethostname(host, sizeof(host)) < 0)
                        break;
                host[sizeof(host) - 1] = '\0';
                host[strcspn(host, ".")] = '\0';
                return strdup(host);
        case 't':
                return strdup("/run");
        case 'S':
                return strdup("/var/lib");
        case 'C':
                return strdup("/var/cache");
        case 'L':
                return strdup("/var/log");
        case 'E':
                return strdup("/etc");
        case 'T':
                return strdup("/tmp");
        case 'V':
                return strdup("/var/tmp");
        case 'H':
                if (gethostname(host, sizeof(host)) < 0)
                        break;
                host[sizeof(host) - 1] = '\0';
                return strdup(host);
        case 'v':
                if (uname(&un) < 0)
                        break;
                return strdup(un.release);
        default:
                break;
        }
        *ret_known = false;
        return NULL;
}

int unit_expand_specifiers(const struct unit_file *u, const char *value, char **ret,
                           char *ret_unsupported) {
        size_t size = 0;
        char *buf = NULL;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        *ret_unsupported = '\0';
        int r = 0;
        for (const char *p = value; *p; p++) {
                if (*p != '%' || !p[1]) {
                        fputc(*p, f);
                        continue;
                }
                bool known;
                _cleanup_free_ char *s = specifier(u, p[1], &known);
                if (s) {
                        fputs(s, f);
                } else if (known) {
                        r = -ENOMEM;
                } else {
                        if (!*ret_unsupported)
                                *ret_unsupported = p[1];
                        fputc('%', f);
                        fputc(p[1], f);
                }
                p++;
        }
        if (fclose(f) != 0 || r < 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
