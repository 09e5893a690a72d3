/* SPDX-License-Identifier: MIT */
/*
 * SDDL, sc.exe's form of a security descriptor, for sdshow --sddl and
 * sdset: the DACL's allow entries as scm's access-list text and back.
 *
 *   D:(A;;CCLCRPWP;;;WD)(A;;RPWP;;;S-1-22-1-1000)
 *
 * Rights are SDDL's two-letter codes, which Windows gives each object's own
 * bits: CC, DC, LC, SW, RP, WP, DT, LO, CR are a service's query-config,
 * change-config, query-status, enumerate-dependents, start, stop,
 * pause-continue, interrogate, user-defined-control and the SCM's connect,
 * create-service, enumerate, lock, query-lock-status, modify-boot-config;
 * SD, RC, WD are delete, read-control, write-dac; GA, GR, GW, GX are
 * Windows' generic mappings.  Trustees: WD (Everyone) and AU (Authenticated
 * Users) are everyone, S-1-22-1-UID a user, S-1-22-2-GID a group; BA
 * (Administrators) and SY (LocalSystem) are skipped, as scm's admins hold
 * every right whatever the list says.  Deny entries, inheritance flags,
 * owner and group are refused; a SACL (S:) is ignored.  scm's read-log
 * has no Windows right, so no SDDL letter: GA (every right) holds it, and
 * SDDL otherwise leaves it out; it is granted with scm's own text.
 */
#include <grp.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "scctl.h"

/* Sets *error to the formatted sentence (malloc'd) and returns -1. */
static int fail(char **error, const char *format, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **error, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        if (vasprintf(error, format, ap) < 0)
                *error = NULL;
        va_end(ap);
        return -1;
}

/* The letters by bit, service names and SCM names side by side. */
static const struct {
        const char *code, *service, *scm;
} rights[] = {
        {"CC", "query-config", "connect"},      {"DC", "change-config", "create-service"},
        {"LC", "query-status", "enumerate"},    {"SW", "enumerate-dependents", "lock"},
        {"RP", "start", "query-lock-status"},   {"WP", "stop", "modify-boot-config"},
        {"DT", "pause-continue", NULL},         {"LO", "interrogate", NULL},
        {"CR", "user-defined-control", NULL},   {"SD", "delete", NULL},
        {"RC", "read-control", "read-control"}, {"WD", "write-dac", "write-dac"},
};

/* Windows' generic rights as SDDL letters, per object (GA is "all":
 * add_rights). */
static const char *generic(const char *code, bool scm) {
        if (!strcmp(code, "GR"))
                return scm ? "LCRPRC" : "CCLCSWLOCRRC";
        if (!strcmp(code, "GW"))
                return scm ? "DCWPRC" : "DCRC";
        if (!strcmp(code, "GX"))
                return scm ? "CCSWRC" : "RPWPDTCRRC";
        return NULL;
}

static int add_rights(FILE *f, const char *codes, bool scm, bool *first, char **error) {
        for (const char *p = codes; *p; p += 2) {
                char code[3] = {p[0], p[1], 0};
                if (!p[1])
                        return fail(error, "'%s' is not a list of two-letter rights", codes);
                if (!strcmp(code, "GA")) { /* every right, scm's own (read-log) too */
                        fprintf(f, "%sall", *first ? "" : ",");
                        *first = false;
                        continue;
                }
                const char *g = generic(code, scm);
                if (g) {
                        if (add_rights(f, g, scm, first, error) < 0)
                                return -1;
                        continue;
                }
                const char *name = NULL;
                for (size_t i = 0; i < ELEMENTSOF(rights) && !name; i++)
                        if (!strcmp(rights[i].code, code))
                                name = scm ? rights[i].scm : rights[i].service;
                if (!name)
                        return fail(error, "the right '%s' means nothing on %s", code,
                                    scm ? "the SCM" : "a service");
                fprintf(f, "%s%s", *first ? "" : ",", name);
                *first = false;
        }
        return 0;
}

/* The trustee as a principal; "" for one skipped (admins). */
static int principal(const char *sid, char *buf, size_t size, char **error) {
        unsigned long id;
        char end;
        if (!strcmp(sid, "WD") || !strcmp(sid, "AU"))
                snprintf(buf, size, "everyone");
        else if (!strcmp(sid, "BA") || !strcmp(sid, "SY"))
                buf[0] = 0;
        else if (sscanf(sid, "S-1-22-1-%lu%c", &id, &end) == 1)
                snprintf(buf, size, "uid:%lu", id);
        else if (sscanf(sid, "S-1-22-2-%lu%c", &id, &end) == 1)
                snprintf(buf, size, "gid:%lu", id);
        else
                return fail(error,
                            "the trustee '%s' has no meaning here: WD, AU, BA, SY, "
                            "S-1-22-1-UID or S-1-22-2-GID",
                            sid);
        return 0;
}

/* One ACE's text, "A;;RPWP;;;WD", as an entry of f. */
static int ace(FILE *f, char *text, bool scm, bool *first_entry, char **error) {
        char *field[6];
        int n = 0;
        for (char *p = text; n < 6; n++) {
                field[n] = p;
                char *semi = strchr(p, ';');
                if (!semi) {
                        n++;
                        break;
                }
                *semi = 0;
                p = semi + 1;
        }
        if (n != 6)
                return fail(error, "'%s' is not an entry of six fields", text);
        if (strcmp(field[0], "A") != 0)
                return fail(error, "only allow entries (A) exist here, not '%s'", field[0]);
        if (field[1][0] || field[3][0] || field[4][0])
                return fail(error, "entries here have no flags and no object types");
        char who[64];
        if (principal(field[5], who, sizeof(who), error) < 0)
                return -1;
        if (!who[0])
                return 0;
        fprintf(f, "%sallow %s ", *first_entry ? "" : "; ", who);
        *first_entry = false;
        bool first = true;
        return add_rights(f, field[2], scm, &first, error);
}

int sddl_to_access_list(const char *sddl, bool scm, char **ret, char **error) {
        const char *d = strstr(sddl, "D:");
        *error = NULL;
        if (!d || (d != sddl && sddl[0] != 'S'))
                return fail(error, "no DACL (D:) at the start; owner (O:) and group (G:) "
                                   "are not kept here");
        _cleanup_free_ char *copy = strdup(d + 2);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (!copy || !f)
                return fail(error, "out of memory");
        bool first = true;
        int r = 0;
        char *p = copy;
        while (*p && r >= 0 && *p == '(') {
                char *close = strchr(p, ')');
                if (!close) {
                        r = fail(error, "an entry without its ')'");
                        break;
                }
                *close = 0;
                r = ace(f, p + 1, scm, &first, error);
                p = close + 1;
        }
        if (r >= 0 && *p && strncmp(p, "S:", 2) != 0)
                r = fail(error, "'%.32s' after the DACL is not understood", p);
        fclose(f);
        if (r < 0) {
                free(text);
                return -1;
        }
        *ret = text;
        return 0;
}

/* A principal as an SDDL trustee, into buf; false when it has none. */
static bool trustee(const char *p, char *buf, size_t size) {
        if (!strcmp(p, "everyone"))
                snprintf(buf, size, "WD");
        else if (!strncmp(p, "uid:", 4))
                snprintf(buf, size, "S-1-22-1-%s", p + 4);
        else if (!strncmp(p, "gid:", 4))
                snprintf(buf, size, "S-1-22-2-%s", p + 4);
        else if (!strncmp(p, "user:", 5) && getpwnam(p + 5))
                snprintf(buf, size, "S-1-22-1-%u", (unsigned)getpwnam(p + 5)->pw_uid);
        else if (!strncmp(p, "group:", 6) && getgrnam(p + 6))
                snprintf(buf, size, "S-1-22-2-%u", (unsigned)getgrnam(p + 6)->gr_gid);
        else
                return false;
        return true;
}

int sddl_from_entries(const json_t *entries, bool scm, char **ret) {
        char *text = NULL;
        size_t len = 0, i, j;
        FILE *f = open_memstream(&text, &len);
        const json_t *e, *r;
        if (!f)
                return -1;
        fputs("D:", f);
        json_array_foreach(entries, i, e) {
                char who[64];
                if (!trustee(json_string_value(json_object_get(e, "principal")) ?: "", who,
                             sizeof(who)))
                        continue; /* "account": the service's, no fixed SID */
                fputs("(A;;", f);
                json_array_foreach(json_object_get(e, "rights"), j, r) {
                        const char *name = json_string_value(r);
                        for (size_t k = 0; name && k < ELEMENTSOF(rights); k++) {
                                const char *mine = scm ? rights[k].scm : rights[k].service;
                                if (mine && !strcmp(mine, name))
                                        fputs(rights[k].code, f);
                        }
                        if (name && !strcmp(name, "all"))
                                fputs("GA", f);
                }
                fprintf(f, ";;;%s)", who);
        }
        fclose(f);
        *ret = text;
        return text ? 0 : -1;
}
