/* SPDX-License-Identifier: MIT */
/*
 * ChangeServiceConfig2 and QueryServiceConfig2: the levels scm models.
 *
 *   DESCRIPTION             config `description`
 *   FAILURE_ACTIONS         change_failure_actions (reset period, actions,
 *                           command, reboot message); a restart action
 *                           needs SERVICE_START on the handle, as on Windows
 *   DELAYED_AUTO_START_INFO start type `delayed-auto` (Windows' AUTO + flag):
 *                           settable on an auto-start service only
 *   FAILURE_ACTIONS_FLAG    `non_crash_failures`
 *   SERVICE_SID_INFO        `sid_type` none / unrestricted / restricted
 *   REQUIRED_PRIVILEGES_INFO `required_privileges`: Windows privilege names
 *                           become Linux capabilities by the table below
 *                           (docs/porting-windows.md has it too); capability
 *                           names pass through; read back as capabilities
 *   PRESHUTDOWN_INFO        `preshutdown_timeout_ms`
 *   TRIGGER_INFO            set_triggers / query_triggers (triggers.c)
 *
 * PREFERRED_NODE and LAUNCH_PROTECTED are ERROR_NOT_SUPPORTED (scm has no
 * NUMA placement or protected services); any other level is
 * ERROR_INVALID_LEVEL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "w32.h"

/* Each Windows privilege and the capabilities that grant its power on
 * Linux; "" where every Linux process already has it. */
static const struct {
        const char *privilege;
        const char *capabilities[3];
} privileges[] = {
        {"SeAssignPrimaryTokenPrivilege", {"CAP_SETUID", "CAP_SETGID"}},
        {"SeAuditPrivilege", {"CAP_AUDIT_WRITE"}},
        {"SeBackupPrivilege", {"CAP_DAC_READ_SEARCH"}},
        {"SeChangeNotifyPrivilege", {""}},
        {"SeCreateGlobalPrivilege", {""}},
        {"SeCreatePagefilePrivilege", {"CAP_SYS_ADMIN"}},
        {"SeCreatePermanentPrivilege", {""}},
        {"SeCreateSymbolicLinkPrivilege", {""}},
        {"SeCreateTokenPrivilege", {"CAP_SETUID", "CAP_SETGID"}},
        {"SeDebugPrivilege", {"CAP_SYS_PTRACE"}},
        /* Held by LocalService and NetworkService by default and listed by
         * many services; impersonation is not in this layer, and CAP_SETUID
         * would make such a service root in all but name. */
        {"SeImpersonatePrivilege", {""}},
        {"SeIncreaseBasePriorityPrivilege", {"CAP_SYS_NICE"}},
        {"SeIncreaseQuotaPrivilege", {"CAP_SYS_RESOURCE"}},
        {"SeIncreaseWorkingSetPrivilege", {""}},
        {"SeLoadDriverPrivilege", {"CAP_SYS_MODULE"}},
        {"SeLockMemoryPrivilege", {"CAP_IPC_LOCK"}},
        {"SeManageVolumePrivilege", {"CAP_SYS_ADMIN"}},
        {"SeProfileSingleProcessPrivilege", {"CAP_PERFMON"}},
        {"SeRemoteShutdownPrivilege", {"CAP_SYS_BOOT"}},
        {"SeRestorePrivilege", {"CAP_DAC_OVERRIDE", "CAP_CHOWN", "CAP_FOWNER"}},
        {"SeSecurityPrivilege", {"CAP_AUDIT_CONTROL"}},
        {"SeShutdownPrivilege", {"CAP_SYS_BOOT"}},
        {"SeSystemEnvironmentPrivilege", {"CAP_SYS_ADMIN"}},
        {"SeSystemProfilePrivilege", {"CAP_PERFMON"}},
        {"SeSystemtimePrivilege", {"CAP_SYS_TIME"}},
        {"SeTakeOwnershipPrivilege", {"CAP_CHOWN", "CAP_FOWNER"}},
        {"SeTcbPrivilege", {"CAP_SYS_ADMIN"}},
        {"SeTimeZonePrivilege", {""}},
        {"SeUndockPrivilege", {""}},
};

static bool list_has(json_t *list, const char *s) {
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v) {
                if (strcasecmp(json_string_value(v), s) == 0)
                        return true;
        }
        return false;
}

static void list_add(json_t *list, const char *s) {
        if (s[0] && !list_has(list, s))
                json_array_append_new(list, json_string(s));
}

/* Adds what one name requires to list; false for an unknown Windows
 * privilege. */
static bool add_privilege(json_t *list, const char *name) {
        size_t n = strlen(name);
        if (n < 9 || strcasecmp(name + n - 9, "Privilege") != 0) {
                list_add(list, name); /* a capability: scmd checks the name */
                return true;
        }
        for (size_t i = 0; i < sizeof(privileges) / sizeof(privileges[0]); i++) {
                if (strcasecmp(privileges[i].privilege, name) != 0)
                        continue;
                for (int c = 0; c < 3 && privileges[i].capabilities[c]; c++)
                        list_add(list, privileges[i].capabilities[c]);
                return true;
        }
        return false;
}

/* ---- change ------------------------------------------------------------------ */

static DWORD failure_action_type(SC_ACTION_TYPE t, const char **ret) {
        static const char *const names[] = {"none", "restart", "reboot", "run"};
        if ((unsigned)t >= 4)
                return ERROR_INVALID_PARAMETER;
        *ret = names[t];
        return ERROR_SUCCESS;
}

static DWORD failure_params(struct w32_service *s, const SERVICE_FAILURE_ACTIONSA *fa,
                            const struct config2_in *in, json_t *p) {
        const char *type;
        if (in->reboot_message)
                json_object_set_new(p, "reboot_message", json_string(in->reboot_message));
        if (in->command)
                json_object_set_new(p, "command", json_string(in->command));
        if (!fa->lpsaActions)
                return ERROR_SUCCESS;
        json_t *actions = json_array();
        json_object_set_new(p, "actions", actions);
        for (DWORD i = 0; i < fa->cActions; i++) {
                DWORD e = failure_action_type(fa->lpsaActions[i].Type, &type);
                if (e)
                        return e;
                if (fa->lpsaActions[i].Type == SC_ACTION_RESTART && !(s->access & SERVICE_START))
                        return ERROR_ACCESS_DENIED;
                json_array_append_new(actions, json_pack("{sssI}", "type", type, "delay_ms",
                                                         (json_int_t)fa->lpsaActions[i].Delay));
        }
        json_object_set_new(p, "reset_period",
                            fa->dwResetPeriod == INFINITE
                                    ? json_string("infinite")
                                    : json_integer((json_int_t)fa->dwResetPeriod));
        return ERROR_SUCCESS;
}

static DWORD delayed_params(struct w32_service *s, BOOL delayed, json_t *p) {
        json_t *cfg = NULL;
        int r = service_call(s, "query_config", NULL, &cfg);
        if (r < 0)
                return w32_error_of(r);
        enum scm_start_type st =
                scm_start_type_from_name(json_string_value(json_object_get(cfg, "start_type")));
        json_decref(cfg);
        if (delayed && st != SCM_START_AUTO && st != SCM_START_DELAYED_AUTO)
                return ERROR_INVALID_PARAMETER;
        if (delayed || st == SCM_START_DELAYED_AUTO)
                json_object_set_new(p, "start_type",
                                    json_string(delayed ? "delayed-auto" : "auto"));
        return ERROR_SUCCESS;
}

static DWORD sid_params(DWORD type, json_t *p) {
        const char *name = type == SERVICE_SID_TYPE_NONE           ? "none"
                           : type == SERVICE_SID_TYPE_UNRESTRICTED ? "unrestricted"
                           : type == SERVICE_SID_TYPE_RESTRICTED   ? "restricted"
                                                                   : NULL;
        if (!name)
                return ERROR_INVALID_PARAMETER;
        json_object_set_new(p, "sid_type", json_string(name));
        return ERROR_SUCCESS;
}

static DWORD privilege_params(const char *multi, json_t *p) {
        json_t *list = json_array();
        json_object_set_new(p, "required_privileges", list);
        for (const char *n = multi ? multi : ""; *n; n += strlen(n) + 1)
                if (!add_privilege(list, n))
                        return ERROR_INVALID_PARAMETER;
        return ERROR_SUCCESS;
}

/* The params of level's change: into *p (change_config) or *fp
 * (change_failure_actions). */
static DWORD change_params(struct w32_service *s, DWORD level, void *info,
                           const struct config2_in *in, json_t *p, json_t *fp) {
        switch (level) {
        case SERVICE_CONFIG_DESCRIPTION:
                if (in->description)
                        json_object_set_new(p, "description", json_string(in->description));
                return ERROR_SUCCESS;
        case SERVICE_CONFIG_FAILURE_ACTIONS:
                return failure_params(s, info, in, fp);
        case SERVICE_CONFIG_DELAYED_AUTO_START_INFO:
                return delayed_params(
                        s, ((SERVICE_DELAYED_AUTO_START_INFO *)info)->fDelayedAutostart, p);
        case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG:
                json_object_set_new(fp, "non_crash_failures",
                                    json_boolean(((SERVICE_FAILURE_ACTIONS_FLAG *)info)
                                                         ->fFailureActionsOnNonCrashFailures));
                return ERROR_SUCCESS;
        case SERVICE_CONFIG_SERVICE_SID_INFO:
                return sid_params(((SERVICE_SID_INFO *)info)->dwServiceSidType, p);
        case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO:
                return privilege_params(in->privileges, p);
        case SERVICE_CONFIG_PRESHUTDOWN_INFO:
                json_object_set_new(p, "preshutdown_timeout_ms",
                                    json_integer((json_int_t)((SERVICE_PRESHUTDOWN_INFO *)info)
                                                         ->dwPreshutdownTimeout));
                return ERROR_SUCCESS;
        case SERVICE_CONFIG_TRIGGER_INFO:
                return triggers_params(info, p);
        case SERVICE_CONFIG_PREFERRED_NODE:
        case SERVICE_CONFIG_LAUNCH_PROTECTED:
                return ERROR_NOT_SUPPORTED;
        default:
                return ERROR_INVALID_LEVEL;
        }
}

/* Sends a non-empty params object (consumed) with method. */
static DWORD send_change(struct w32_service *s, const char *method, json_t *params) {
        if (json_object_size(params) == 0) {
                json_decref(params);
                return ERROR_SUCCESS;
        }
        json_t *res = NULL;
        int r = service_call(s, method, params, &res);
        json_decref(res);
        return w32_error_of(r);
}

BOOL config2_change(SC_HANDLE h, DWORD level, void *info, const struct config2_in *in) {
        struct w32_service *s = service_get(h, SERVICE_CHANGE_CONFIG);
        if (!s)
                return FALSE;
        json_t *p = json_object(), *fp = json_object();
        DWORD e = !info       ? ERROR_INVALID_ADDRESS
                  : !p || !fp ? ERROR_NOT_ENOUGH_MEMORY
                              : change_params(s, level, info, in, p, fp);
        if (!e) {
                e = send_change(
                        s, level == SERVICE_CONFIG_TRIGGER_INFO ? "set_triggers" : "change_config",
                        p);
                p = NULL;
        }
        if (!e) {
                e = send_change(s, "change_failure_actions", fp);
                fp = NULL;
        }
        json_decref(p);
        json_decref(fp);
        object_unref(&s->obj);
        return e ? w32_fail(e) : TRUE;
}

/* ---- query ----------------------------------------------------------------------- */

static const char *nonempty(json_t *obj, const char *key) {
        const char *s = json_string_value(json_object_get(obj, key));
        return s && s[0] ? s : NULL;
}

static void fill_failure_actions(json_t *fa, struct w32_pack *p) {
        SERVICE_FAILURE_ACTIONSA out = {0};
        json_t *rp = json_object_get(fa, "reset_period"), *actions = json_object_get(fa, "actions");
        out.dwResetPeriod = json_is_integer(rp) ? (DWORD)json_integer_value(rp) : INFINITE;
        out.cActions = (DWORD)json_array_size(actions);
        SC_ACTION *sa = out.cActions ? pack_reserve(p, out.cActions * sizeof(SC_ACTION)) : NULL;
        out.lpsaActions = out.cActions ? sa : NULL;
        out.lpRebootMsg = pack_string(p, nonempty(fa, "reboot_message"));
        out.lpCommand = pack_string(p, nonempty(fa, "command"));
        for (DWORD i = 0; sa && i < out.cActions; i++) {
                json_t *a = json_array_get(actions, i);
                const char *t = json_string_value(json_object_get(a, "type"));
                sa[i].Type = strcmp(t, "restart") == 0  ? SC_ACTION_RESTART
                             : strcmp(t, "reboot") == 0 ? SC_ACTION_REBOOT
                             : strcmp(t, "run") == 0    ? SC_ACTION_RUN_COMMAND
                                                        : SC_ACTION_NONE;
                sa[i].Delay = (DWORD)json_integer_value(json_object_get(a, "delay_ms"));
        }
        if (pack_fits(p))
                memcpy(p->buf, &out, sizeof(out));
}

static void fill_privileges(json_t *sec, struct w32_pack *p) {
        json_t *list = json_object_get(sec, "required_privileges");
        size_t n = json_array_size(list);
        const char **names = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; names && i < n; i++)
                names[i] = json_string_value(json_array_get(list, i));
        SERVICE_REQUIRED_PRIVILEGES_INFOA out = {.pmszRequiredPrivileges = pack_multi(p, names)};
        free(names);
        if (pack_fits(p))
                memcpy(p->buf, &out, sizeof(out));
}

static void put_dword(struct w32_pack *p, DWORD v) {
        if (pack_fits(p))
                memcpy(p->buf, &v, sizeof(v));
}

static DWORD sid_type_of(json_t *sec) {
        const char *t = json_string_value(json_object_get(sec, "sid_type"));
        return !t || strcmp(t, "none") == 0     ? SERVICE_SID_TYPE_NONE
               : strcmp(t, "unrestricted") == 0 ? SERVICE_SID_TYPE_UNRESTRICTED
                                                : SERVICE_SID_TYPE_RESTRICTED;
}

static const struct {
        DWORD level;
        const char *method;
        size_t fixed;
} query_levels[] = {
        {SERVICE_CONFIG_DESCRIPTION, "query_config", sizeof(SERVICE_DESCRIPTIONA)},
        {SERVICE_CONFIG_FAILURE_ACTIONS, "query_failure_actions", sizeof(SERVICE_FAILURE_ACTIONSA)},
        {SERVICE_CONFIG_DELAYED_AUTO_START_INFO, "query_config",
         sizeof(SERVICE_DELAYED_AUTO_START_INFO)},
        {SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, "query_failure_actions",
         sizeof(SERVICE_FAILURE_ACTIONS_FLAG)},
        {SERVICE_CONFIG_SERVICE_SID_INFO, "query_security", sizeof(SERVICE_SID_INFO)},
        {SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, "query_security",
         sizeof(SERVICE_REQUIRED_PRIVILEGES_INFOA)},
        {SERVICE_CONFIG_PRESHUTDOWN_INFO, "query_config", sizeof(SERVICE_PRESHUTDOWN_INFO)},
        {SERVICE_CONFIG_TRIGGER_INFO, "query_triggers", sizeof(SERVICE_TRIGGER_INFO)},
};

static void fill_level(DWORD level, json_t *res, struct w32_pack *p) {
        switch (level) {
        case SERVICE_CONFIG_DESCRIPTION: {
                SERVICE_DESCRIPTIONA d = {pack_string(p, nonempty(res, "description"))};
                if (pack_fits(p))
                        memcpy(p->buf, &d, sizeof(d));
                break;
        }
        case SERVICE_CONFIG_FAILURE_ACTIONS:
                fill_failure_actions(res, p);
                break;
        case SERVICE_CONFIG_DELAYED_AUTO_START_INFO:
                put_dword(p, scm_start_type_from_name(json_string_value(json_object_get(
                                     res, "start_type"))) == SCM_START_DELAYED_AUTO);
                break;
        case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG:
                put_dword(p, json_is_true(json_object_get(res, "non_crash_failures")));
                break;
        case SERVICE_CONFIG_SERVICE_SID_INFO:
                put_dword(p, sid_type_of(res));
                break;
        case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO:
                fill_privileges(res, p);
                break;
        case SERVICE_CONFIG_PRESHUTDOWN_INFO:
                put_dword(p, (DWORD)json_integer_value(
                                     json_object_get(res, "preshutdown_timeout_ms")));
                break;
        case SERVICE_CONFIG_TRIGGER_INFO:
                triggers_fill(res, p);
                break;
        }
}

static int level_index(DWORD level) {
        for (size_t i = 0; i < sizeof(query_levels) / sizeof(query_levels[0]); i++)
                if (query_levels[i].level == level)
                        return (int)i;
        return -1;
}

BOOL config2_query(SC_HANDLE h, DWORD level, void *buf, DWORD size, LPDWORD needed, bool wide) {
        struct w32_service *s = service_get(h, SERVICE_QUERY_CONFIG);
        if (!s)
                return FALSE;
        int i = level_index(level);
        json_t *res = NULL;
        DWORD e = i >= 0 ? ERROR_SUCCESS
                  : (level == SERVICE_CONFIG_PREFERRED_NODE ||
                     level == SERVICE_CONFIG_LAUNCH_PROTECTED)
                          ? ERROR_NOT_SUPPORTED
                          : ERROR_INVALID_LEVEL;
        if (!e && !needed)
                e = ERROR_INVALID_ADDRESS;
        if (!e)
                e = w32_error_of(service_call(s, query_levels[i].method, NULL, &res));
        object_unref(&s->obj);
        if (e)
                return w32_fail(e);
        struct w32_pack p;
        pack_init(&p, buf, size, query_levels[i].fixed, wide);
        fill_level(level, res, &p);
        json_decref(res);
        *needed = (DWORD)p.used;
        return pack_fits(&p) ? TRUE : w32_fail(ERROR_INSUFFICIENT_BUFFER);
}

/* ---- the A and W entry points ------------------------------------------------- */

static struct config2_in strings_of_a(DWORD level, void *info) {
        struct config2_in in = {0};
        if (!info)
                return in;
        if (level == SERVICE_CONFIG_DESCRIPTION)
                in.description = ((SERVICE_DESCRIPTIONA *)info)->lpDescription;
        if (level == SERVICE_CONFIG_FAILURE_ACTIONS) {
                in.reboot_message = ((SERVICE_FAILURE_ACTIONSA *)info)->lpRebootMsg;
                in.command = ((SERVICE_FAILURE_ACTIONSA *)info)->lpCommand;
        }
        if (level == SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO)
                in.privileges = ((SERVICE_REQUIRED_PRIVILEGES_INFOA *)info)->pmszRequiredPrivileges;
        return in;
}

BOOL WINAPI ChangeServiceConfig2A(SC_HANDLE hService, DWORD dwInfoLevel, LPVOID lpInfo) {
        struct config2_in in = strings_of_a(dwInfoLevel, lpInfo);
        return config2_change(hService, dwInfoLevel, lpInfo, &in);
}

BOOL WINAPI ChangeServiceConfig2W(SC_HANDLE hService, DWORD dwInfoLevel, LPVOID lpInfo) {
        bool oom = false;
        struct config2_in in = {0};
        if (lpInfo && dwInfoLevel == SERVICE_CONFIG_DESCRIPTION)
                in.description = w32_utf8(((SERVICE_DESCRIPTIONW *)lpInfo)->lpDescription, &oom);
        if (lpInfo && dwInfoLevel == SERVICE_CONFIG_FAILURE_ACTIONS) {
                SERVICE_FAILURE_ACTIONSW *fa = lpInfo;
                in.reboot_message = w32_utf8(fa->lpRebootMsg, &oom);
                in.command = w32_utf8(fa->lpCommand, &oom);
        }
        if (lpInfo && dwInfoLevel == SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO)
                in.privileges = w32_utf8_multi(
                        ((SERVICE_REQUIRED_PRIVILEGES_INFOW *)lpInfo)->pmszRequiredPrivileges,
                        &oom);
        BOOL ok = oom ? w32_fail(ERROR_NOT_ENOUGH_MEMORY)
                      : config2_change(hService, dwInfoLevel, lpInfo, &in);
        free((char *)in.description), free((char *)in.reboot_message), free((char *)in.command);
        free((char *)in.privileges);
        return ok;
}

BOOL WINAPI QueryServiceConfig2A(SC_HANDLE hService, DWORD dwInfoLevel, LPBYTE lpBuffer,
                                 DWORD cbBufSize, LPDWORD pcbBytesNeeded) {
        return config2_query(hService, dwInfoLevel, lpBuffer, cbBufSize, pcbBytesNeeded, false);
}

BOOL WINAPI QueryServiceConfig2W(SC_HANDLE hService, DWORD dwInfoLevel, LPBYTE lpBuffer,
                                 DWORD cbBufSize, LPDWORD pcbBytesNeeded) {
        return config2_query(hService, dwInfoLevel, lpBuffer, cbBufSize, pcbBytesNeeded, true);
}
