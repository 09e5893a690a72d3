/* SPDX-License-Identifier: MIT */
/*
 * SERVICE_CONFIG_TRIGGER_INFO: Windows' service triggers as scm's trigger
 * texts (<scm/triggers.h>, docs/porting-windows.md, "Service triggers").
 *
 *   IP_ADDRESS_AVAILABILITY, NETWORK_MANAGER_FIRST_IP_ADDRESS_ARRIVAL_GUID
 *       <-> address:first; ..._LAST_IP_ADDRESS_REMOVAL_GUID <-> address:last
 *   DEVICE_INTERFACE_ARRIVAL, any GUID, a STRING item "SUBSYSTEM[:DEVTYPE
 *       [:NAME]]" <-> device:...  (an interface class GUID means nothing on
 *       Linux: the string says which devices; read back with a zero GUID)
 *   CUSTOM, provider GUID G <-> custom:G (its 36-character text): what
 *       scctl trigger fire G (FireTrigger) sets off; with a STRING item D
 *       <-> custom:G data=D, set off only by a fire with the data D
 *   CUSTOM_SYSTEM_STATE_CHANGE, a STRING item holding any trigger event
 *       ("path:/run/go", "mount:/srv", "custom:name", "device-removal:...")
 *       <-> that event: Linux's own events, for ported code that wants them
 *   NETWORK_ENDPOINT <- a socket (read only: sockets are set_sockets')
 *
 * Anything else (domain join, firewall, group policy, aggregate) is
 * ERROR_NOT_SUPPORTED.  STRING items are WCHARs with their NUL in the A
 * and the W calls alike, as the structure has no A form on Windows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cleanup.h"
#include "w32.h"

static const GUID zero_guid;

static bool guid_equal(const GUID *a, const GUID *b) {
        return memcmp(a, b, sizeof(*a)) == 0;
}

static void guid_text(const GUID *g, char out[37]) {
        snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned)g->Data1,
                 g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
                 g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static bool guid_parse(const char *s, GUID *g) {
        unsigned d[11];
        int end = 0;
        if (strlen(s) != 36 ||
            sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%n", &d[0], &d[1], &d[2], &d[3], &d[4],
                   &d[5], &d[6], &d[7], &d[8], &d[9], &d[10], &end) != 11 ||
            end != 36)
                return false;
        *g = (GUID){d[0], (WORD)d[1], (WORD)d[2], {0}};
        for (int i = 0; i < 8; i++)
                g->Data4[i] = (BYTE)d[3 + i];
        return true;
}

/* The first STRING data item, as UTF-8 (malloc'd), or NULL. */
static char *string_item(const SERVICE_TRIGGER *t, bool *oom) {
        for (DWORD i = 0; t->pDataItems && i < t->cDataItems; i++) {
                const SERVICE_TRIGGER_SPECIFIC_DATA_ITEM *d = &t->pDataItems[i];
                if (d->dwDataType != SERVICE_TRIGGER_DATA_TYPE_STRING || !d->pData ||
                    d->cbData < sizeof(WCHAR))
                        continue;
                size_t n = d->cbData / sizeof(WCHAR);
                WCHAR *w = calloc(n + 1, sizeof(WCHAR));
                if (!w)
                        return *oom = true, NULL;
                memcpy(w, d->pData, n * sizeof(WCHAR));
                char *s = w32_utf8(w, oom);
                free(w);
                return s;
        }
        return NULL;
}

/* One Windows trigger as scm's event text (malloc'd), or an error. */
static DWORD event_of(const SERVICE_TRIGGER *t, char **ret) {
        bool oom = false;
        char guid[37];
        _cleanup_free_ char *item = string_item(t, &oom);
        if (oom)
                return ERROR_NOT_ENOUGH_MEMORY;
        const GUID *g = t->pTriggerSubtype;
        int n = -1;
        switch (t->dwTriggerType) {
        case SERVICE_TRIGGER_TYPE_IP_ADDRESS_AVAILABILITY:
                if (g && guid_equal(g, &NETWORK_MANAGER_FIRST_IP_ADDRESS_ARRIVAL_GUID))
                        n = asprintf(ret, "address:first");
                else if (g && guid_equal(g, &NETWORK_MANAGER_LAST_IP_ADDRESS_REMOVAL_GUID))
                        n = asprintf(ret, "address:last");
                else
                        return ERROR_INVALID_PARAMETER;
                break;
        case SERVICE_TRIGGER_TYPE_DEVICE_INTERFACE_ARRIVAL:
                if (!item)
                        return ERROR_INVALID_PARAMETER; /* which Linux devices? */
                n = asprintf(ret, "device:%s", item);
                break;
        case SERVICE_TRIGGER_TYPE_CUSTOM:
                if (!g)
                        return ERROR_INVALID_PARAMETER;
                guid_text(g, guid);
                n = asprintf(ret, "custom:%s%s%s", guid, item ? " data=" : "", item ? item : "");
                break;
        case SERVICE_TRIGGER_TYPE_CUSTOM_SYSTEM_STATE_CHANGE:
                if (!item)
                        return ERROR_INVALID_PARAMETER;
                n = asprintf(ret, "%s", item);
                break;
        case SERVICE_TRIGGER_TYPE_NETWORK_ENDPOINT:
        case SERVICE_TRIGGER_TYPE_DOMAIN_JOIN:
        case SERVICE_TRIGGER_TYPE_FIREWALL_PORT_EVENT:
        case SERVICE_TRIGGER_TYPE_GROUP_POLICY:
        case SERVICE_TRIGGER_TYPE_AGGREGATE:
                return ERROR_NOT_SUPPORTED;
        default:
                return ERROR_INVALID_PARAMETER;
        }
        return n < 0 ? ERROR_NOT_ENOUGH_MEMORY : ERROR_SUCCESS;
}

DWORD triggers_params(const SERVICE_TRIGGER_INFO *info, json_t *p) {
        if (info->cTriggers && !info->pTriggers)
                return ERROR_INVALID_PARAMETER;
        json_t *list = json_array();
        if (!list || json_object_set_new(p, "triggers", list) < 0)
                return ERROR_NOT_ENOUGH_MEMORY;
        for (DWORD i = 0; i < info->cTriggers; i++) {
                const SERVICE_TRIGGER *t = &info->pTriggers[i];
                const char *action = t->dwAction == SERVICE_TRIGGER_ACTION_SERVICE_START  ? "start"
                                     : t->dwAction == SERVICE_TRIGGER_ACTION_SERVICE_STOP ? "stop"
                                                                                          : NULL;
                if (!action)
                        return ERROR_INVALID_PARAMETER;
                _cleanup_free_ char *event = NULL, *text = NULL;
                DWORD e = event_of(t, &event);
                if (e)
                        return e;
                if (asprintf(&text, "%s %s", action, event) < 0 ||
                    json_array_append_new(list, json_string(text)) < 0)
                        return ERROR_NOT_ENOUGH_MEMORY;
        }
        return ERROR_SUCCESS;
}

/* ---- query: packed into the caller's buffer ---- */

struct shape {
        DWORD type;
        const GUID *guid;
        const char *item; /* a STRING item's text, or NULL */
};

static struct shape shape_of(const char *event, GUID *custom) {
        if (strcmp(event, "address:first") == 0)
                return (struct shape){SERVICE_TRIGGER_TYPE_IP_ADDRESS_AVAILABILITY,
                                      &NETWORK_MANAGER_FIRST_IP_ADDRESS_ARRIVAL_GUID, NULL};
        if (strcmp(event, "address:last") == 0)
                return (struct shape){SERVICE_TRIGGER_TYPE_IP_ADDRESS_AVAILABILITY,
                                      &NETWORK_MANAGER_LAST_IP_ADDRESS_REMOVAL_GUID, NULL};
        if (strncmp(event, "device:", 7) == 0)
                return (struct shape){SERVICE_TRIGGER_TYPE_DEVICE_INTERFACE_ARRIVAL, &zero_guid,
                                      event + 7};
        if (strncmp(event, "custom:", 7) == 0) {
                char id[37] = "";
                const char *data = strstr(event, " data=");
                snprintf(id, sizeof(id), "%.*s", data ? (int)(data - event - 7) : 36, event + 7);
                if (guid_parse(id, custom) &&
                    strlen(event + 7) == strlen(id) + (data ? strlen(data) : 0))
                        return (struct shape){SERVICE_TRIGGER_TYPE_CUSTOM, custom,
                                              data ? data + 6 : NULL};
        }
        if (strncmp(event, "network-endpoint:", 17) == 0)
                return (struct shape){SERVICE_TRIGGER_TYPE_NETWORK_ENDPOINT, &zero_guid,
                                      event + 17};
        return (struct shape){SERVICE_TRIGGER_TYPE_CUSTOM_SYSTEM_STATE_CHANGE, &zero_guid, event};
}

static void fill_one(const char *text, SERVICE_TRIGGER *out, struct w32_pack *p) {
        const char *space = strchr(text, ' ');
        const char *event = space ? space + 1 : text;
        GUID custom;
        struct shape sh = shape_of(event, &custom);
        SERVICE_TRIGGER t = {.dwTriggerType = sh.type,
                             .dwAction = strncmp(text, "stop ", 5) == 0
                                                 ? SERVICE_TRIGGER_ACTION_SERVICE_STOP
                                                 : SERVICE_TRIGGER_ACTION_SERVICE_START};
        t.pTriggerSubtype = pack_reserve(p, sizeof(GUID));
        if (t.pTriggerSubtype)
                *t.pTriggerSubtype = *sh.guid;
        if (sh.item) {
                size_t bytes = (w32_wide_len(sh.item) + 1) * sizeof(WCHAR);
                SERVICE_TRIGGER_SPECIFIC_DATA_ITEM *d = pack_reserve(p, sizeof(*d));
                WCHAR *w = pack_reserve(p, bytes);
                t.cDataItems = 1;
                t.pDataItems = d;
                if (d && w) {
                        w32_wide_write(sh.item, w);
                        *d = (SERVICE_TRIGGER_SPECIFIC_DATA_ITEM){SERVICE_TRIGGER_DATA_TYPE_STRING,
                                                                  (DWORD)bytes, (PBYTE)w};
                }
        }
        if (out)
                *out = t;
}

void triggers_fill(json_t *res, struct w32_pack *p) {
        json_t *list = json_object_get(res, "triggers");
        SERVICE_TRIGGER_INFO info = {.cTriggers = (DWORD)json_array_size(list)};
        info.pTriggers =
                info.cTriggers ? pack_reserve(p, info.cTriggers * sizeof(SERVICE_TRIGGER)) : NULL;
        for (DWORD i = 0; i < info.cTriggers; i++) {
                json_t *t = json_array_get(list, i);
                const char *text = json_string_value(json_object_get(t, "trigger"));
                fill_one(text ? text : "", info.pTriggers ? &info.pTriggers[i] : NULL, p);
        }
        if (pack_fits(p))
                memcpy(p->buf, &info, sizeof(info));
}
