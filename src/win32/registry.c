/* SPDX-License-Identifier: MIT */
/*
 * The registry, the part a service uses: RegOpenKeyEx, RegCreateKeyEx,
 * RegQueryValueEx, RegSetValueEx, RegDeleteValue, RegEnumValue,
 * RegDeleteKey(Ex), RegEnumKeyEx, RegQueryInfoKey, RegCloseKey (A and W) on
 * HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\ Services\NAME and below, over libscm's
 * <scm/params.h>.
 *
 * An HKEY is a handle-table entry holding the service's name, the key's
 * path below the service's key ("" or "Parameters\..."), the access it was
 * opened with (checked here, before scmd checks its access list) and a
 * connection of its own.  Any other key is ERROR_FILE_NOT_FOUND.  A key
 * exists in scmd while it holds a value: RegCreateKeyEx of a new subkey
 * gives a handle (REG_CREATED_NEW_KEY) and the key appears with its first
 * value.  The Reg functions return their error, as Windows' do (the last
 * error is not part of their contract).  The A functions' strings are UTF-8, the W
 * functions' WCHARs; values travel as the registry's bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <scm/params.h>

#include "cleanup.h"
#include "w32.h"

#define SERVICES_PATH "SYSTEM\\CurrentControlSet\\Services\\"

struct w32_key {
        struct w32_object obj;
        pthread_mutex_t lock; /* one call at a time on client */
        struct scm_client *client;
        char *service;
        char *path;
        REGSAM access;
};

static void key_destroy(struct w32_object *o) {
        struct w32_key *k = (struct w32_key *)o;
        if (k->client)
                scm_disconnect(k->client);
        pthread_mutex_destroy(&k->lock);
        free(k->service);
        free(k->path);
        free(k);
}

static REGSAM map_access(REGSAM sam) {
        if (sam & (MAXIMUM_ALLOWED | GENERIC_ALL))
                sam |= KEY_ALL_ACCESS;
        if (sam & GENERIC_READ)
                sam |= KEY_READ;
        if (sam & GENERIC_WRITE)
                sam |= KEY_WRITE;
        return sam;
}

/* scmd's answer as a registry error: no such service or key is
 * ERROR_FILE_NOT_FOUND. */
static LSTATUS reg_error(int r) {
        DWORD e = w32_error_of(r);
        return e == ERROR_SERVICE_DOES_NOT_EXIST || e == ERROR_INVALID_NAME ? ERROR_FILE_NOT_FOUND
                                                                            : (LSTATUS)e;
}

/* ---- paths ---- */

/* path joined to sub ("a\b" + "c\" -> "a\b\c"), malloc'd. */
static char *join(const char *path, const char *sub) {
        size_t n = strlen(sub);
        while (n && sub[n - 1] == '\\')
                n--;
        char *out = malloc(strlen(path) + n + 2);
        if (out)
                sprintf(out, "%s%s%.*s", path, path[0] && n ? "\\" : "", (int)n, sub);
        return out;
}

/* The service and path that sub names below parent. */
static LSTATUS resolve(HKEY parent, const char *sub, char **service, char **path,
                       struct w32_key **ret_parent) {
        *ret_parent = NULL;
        if (parent == HKEY_LOCAL_MACHINE) {
                size_t prefix = strlen(SERVICES_PATH);
                if (!sub || strncasecmp(sub, SERVICES_PATH, prefix) != 0 || !sub[prefix])
                        return ERROR_FILE_NOT_FOUND;
                const char *name = sub + prefix;
                size_t len = strcspn(name, "\\");
                *service = strndup(name, len);
                *path = join("", name[len] ? name + len + 1 : "");
        } else {
                struct w32_key *k = (struct w32_key *)handle_get(parent, W32_KEY);
                if (!k)
                        return ERROR_INVALID_HANDLE;
                *ret_parent = k;
                *service = strdup(k->service);
                *path = join(k->path, sub ? sub : "");
        }
        return *service && *path ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

/* Opens (or, with created, creates) the key; *created says which. */
static LSTATUS open_key(HKEY parent, const char *sub, REGSAM sam, PHKEY ret, bool create,
                        LPDWORD disposition) {
        if (!ret)
                return ERROR_INVALID_PARAMETER;
        char *service = NULL, *path = NULL;
        struct w32_key *p = NULL, *k = calloc(1, sizeof(*k));
        LSTATUS e = k ? resolve(parent, sub, &service, &path, &p) : ERROR_NOT_ENOUGH_MEMORY;
        if (p)
                object_unref(&p->obj);
        if (!e) {
                *k = (struct w32_key){.obj = {W32_KEY, 1, key_destroy},
                                      .service = service,
                                      .path = path,
                                      .access = map_access(sam)};
                service = path = NULL;
                pthread_mutex_init(&k->lock, NULL);
                e = (LSTATUS)manager_connect(&k->client);
        }
        bool exists = false;
        if (!e) {
                struct scm_param_value *v = NULL;
                size_t n = 0;
                int r = scm_enum_parameters(k->client, k->service, k->path, &v, &n, NULL);
                scm_param_values_free(v, n);
                exists = r >= 0;
                e = r >= 0 ? ERROR_SUCCESS : reg_error(r);
                /* A new subkey of Parameters: it appears with its first value. */
                if (create && e == ERROR_FILE_NOT_FOUND &&
                    !strncasecmp(k->path, "Parameters\\", 11))
                        e = ERROR_SUCCESS;
        }
        free(service);
        free(path);
        if (e) {
                if (k)
                        key_destroy(&k->obj);
                return e;
        }
        if (disposition)
                *disposition = exists ? REG_OPENED_EXISTING_KEY : REG_CREATED_NEW_KEY;
        *ret = handle_insert(&k->obj);
        return *ret ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- values: the registry's bytes, as WCHARs for the W functions ---- */

static bool is_text(DWORD type) {
        return type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ;
}

/* UTF-8 strings (NUL-separated, size bytes) as WCHARs, same layout. */
static int bytes_to_wide(const unsigned char *p, size_t size, unsigned char **ret,
                         size_t *ret_size) {
        size_t chars = 0;
        for (size_t i = 0; i < size;) {
                size_t len = strnlen((const char *)p + i, size - i);
                _cleanup_free_ char *s = strndup((const char *)p + i, len);
                if (!s)
                        return -ENOMEM;
                chars += w32_wide_len(s) + (i + len < size);
                i += len + 1;
        }
        WCHAR *w = malloc((chars + 1) * sizeof(WCHAR)), *o = w;
        if (!w)
                return -ENOMEM;
        for (size_t i = 0; i < size;) {
                size_t len = strnlen((const char *)p + i, size - i);
                _cleanup_free_ char *s = strndup((const char *)p + i, len);
                if (!s) {
                        free(w);
                        return -ENOMEM;
                }
                w32_wide_write(s, o);
                o += w32_wide_len(s) + (i + len < size);
                i += len + 1;
        }
        *ret = (unsigned char *)w;
        *ret_size = chars * sizeof(WCHAR);
        return 0;
}

/* WCHAR strings (size bytes) as UTF-8, same layout. */
static int wide_to_bytes(const BYTE *data, size_t size, unsigned char **ret, size_t *ret_size) {
        size_t n = size / sizeof(WCHAR), used = 0;
        WCHAR *w = calloc(n + 1, sizeof(WCHAR));
        unsigned char *out = malloc(n * 4 + 2);
        if (!w || !out) {
                free(w);
                free(out);
                return -ENOMEM;
        }
        if (n)
                memcpy(w, data, n * sizeof(WCHAR));
        for (size_t i = 0; i < n; i += wcslen(w + i) + 1) {
                _cleanup_free_ char *s = w32_utf8(w + i, NULL);
                if (!s) {
                        free(w);
                        free(out);
                        return -ENOMEM;
                }
                memcpy(out + used, s, strlen(s) + 1);
                used += strlen(s) + (i + wcslen(w + i) < n);
        }
        free(w);
        *ret = out;
        *ret_size = used;
        return 0;
}

/* Copies a value out as RegQueryValueEx does. */
static LSTATUS deliver(DWORD type, const void *data, size_t size, LPDWORD type_out, LPBYTE buf,
                       LPDWORD cb) {
        if (type_out)
                *type_out = type;
        if (!cb)
                return buf ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
        if (buf && *cb < size) {
                *cb = (DWORD)size;
                return ERROR_MORE_DATA;
        }
        if (buf && size)
                memcpy(buf, data, size);
        *cb = (DWORD)size;
        return ERROR_SUCCESS;
}

static LSTATUS deliver_value(const struct scm_param_value *v, bool wide, LPDWORD type, LPBYTE buf,
                             LPDWORD cb) {
        if (!wide || !is_text(v->type))
                return deliver(v->type, v->data, v->size, type, buf, cb);
        unsigned char *w = NULL;
        size_t n = 0;
        if (bytes_to_wide(v->data, v->size, &w, &n) < 0)
                return ERROR_NOT_ENOUGH_MEMORY;
        LSTATUS e = deliver(v->type, w, n, type, buf, cb);
        free(w);
        return e;
}

/* The key of h with the access it needs, referenced, or an error. */
static LSTATUS key_get(HKEY h, REGSAM need, struct w32_key **ret) {
        if (h == HKEY_LOCAL_MACHINE)
                return ERROR_ACCESS_DENIED;
        struct w32_key *k = (struct w32_key *)handle_get(h, W32_KEY);
        if (!k)
                return ERROR_INVALID_HANDLE;
        if ((k->access & need) != need) {
                object_unref(&k->obj);
                return ERROR_ACCESS_DENIED;
        }
        *ret = k;
        return ERROR_SUCCESS;
}

static LSTATUS query_value(HKEY h, const char *name, bool wide, LPDWORD type, LPBYTE buf,
                           LPDWORD cb) {
        struct w32_key *k;
        LSTATUS e = key_get(h, KEY_QUERY_VALUE, &k);
        if (e)
                return e;
        struct scm_param_value v = {0};
        pthread_mutex_lock(&k->lock);
        int r = scm_query_parameter(k->client, k->service, k->path, name ? name : "", &v);
        pthread_mutex_unlock(&k->lock);
        object_unref(&k->obj);
        e = r < 0 ? reg_error(r) : deliver_value(&v, wide, type, buf, cb);
        free(v.name);
        free(v.data);
        return e;
}

/* The registry's bytes of a value given to RegSetValueEx: a string gets
 * its NUL when it lacks one, a multi-string its final NUL. */
static int set_bytes(DWORD type, const BYTE *data, DWORD cb, bool wide, unsigned char **ret,
                     size_t *ret_size) {
        if (wide && is_text(type))
                return wide_to_bytes(data, cb, ret, ret_size);
        unsigned char *p = malloc(cb + 2);
        if (!p)
                return -ENOMEM;
        if (cb)
                memcpy(p, data, cb);
        p[cb] = p[cb + 1] = 0;
        *ret = p;
        *ret_size = cb;
        return 0;
}

static size_t text_size(DWORD type, const unsigned char *p, size_t size) {
        if (type == REG_MULTI_SZ) {
                size_t i = 0;
                while (i < size && p[i])
                        i += strnlen((const char *)p + i, size - i) + 1;
                return i + 1;
        }
        return strnlen((const char *)p, size) + 1;
}

static LSTATUS set_value(HKEY h, const char *name, DWORD type, const BYTE *data, DWORD cb,
                         bool wide) {
        struct w32_key *k;
        LSTATUS e = key_get(h, KEY_SET_VALUE, &k);
        if (e)
                return e;
        unsigned char *bytes = NULL;
        size_t size = 0;
        int r = cb && !data ? -EINVAL : set_bytes(type, data, cb, wide, &bytes, &size);
        if (r >= 0 && is_text(type))
                size = text_size(type, bytes, size);
        if (r >= 0) {
                pthread_mutex_lock(&k->lock);
                r = scm_set_parameter(k->client, k->service, k->path, name ? name : "",
                                      (enum scm_param_type)type, bytes, size);
                pthread_mutex_unlock(&k->lock);
        }
        free(bytes);
        object_unref(&k->obj);
        return r == -EINVAL ? ERROR_INVALID_PARAMETER : r < 0 ? reg_error(r) : ERROR_SUCCESS;
}

static LSTATUS delete_value(HKEY h, const char *name) {
        struct w32_key *k;
        LSTATUS e = key_get(h, KEY_SET_VALUE, &k);
        if (e)
                return e;
        pthread_mutex_lock(&k->lock);
        int r = scm_delete_parameter(k->client, k->service, k->path, name ? name : "");
        pthread_mutex_unlock(&k->lock);
        object_unref(&k->obj);
        return r < 0 ? reg_error(r) : ERROR_SUCCESS;
}

/* Copies the value's name out as RegEnumValue does (cch without the NUL). */
static LSTATUS give_name(const char *name, void *buf, LPDWORD cch, bool wide) {
        size_t len = wide ? w32_wide_len(name) : strlen(name);
        if (!buf || !cch)
                return ERROR_INVALID_PARAMETER;
        if (*cch <= len)
                return ERROR_MORE_DATA;
        if (wide)
                w32_wide_write(name, buf);
        else
                memcpy(buf, name, len + 1);
        *cch = (DWORD)len;
        return ERROR_SUCCESS;
}

static LSTATUS enum_value(HKEY h, DWORD index, void *name, LPDWORD cch, bool wide, LPDWORD type,
                          LPBYTE buf, LPDWORD cb) {
        struct w32_key *k;
        LSTATUS e = key_get(h, KEY_QUERY_VALUE, &k);
        if (e)
                return e;
        struct scm_param_value *v = NULL;
        size_t n = 0;
        pthread_mutex_lock(&k->lock);
        int r = scm_enum_parameters(k->client, k->service, k->path, &v, &n, NULL);
        pthread_mutex_unlock(&k->lock);
        object_unref(&k->obj);
        if (r < 0)
                return reg_error(r);
        e = index >= n ? ERROR_NO_MORE_ITEMS : give_name(v[index].name, name, cch, wide);
        if (!e)
                e = deliver_value(&v[index], wide, type, buf, cb);
        scm_param_values_free(v, n);
        return e;
}

/* ---- keys: RegDeleteKey, RegEnumKeyEx, RegQueryInfoKey ---- */

/* Deletes the key sub names below h: its values, in one call to scmd.  ""
 * is h's own key, which needs DELETE on h. */
static LSTATUS delete_key(HKEY h, const char *sub) {
        if (!sub)
                return ERROR_INVALID_PARAMETER;
        char *service = NULL, *path = NULL;
        struct w32_key *p = NULL;
        struct scm_client *c = NULL;
        LSTATUS e = resolve(h, sub, &service, &path, &p);
        if (!e && p && !sub[0] && !(p->access & DELETE))
                e = ERROR_ACCESS_DENIED;
        if (!e && !p)
                e = (LSTATUS)manager_connect(&c);
        if (!e) {
                if (p)
                        pthread_mutex_lock(&p->lock);
                int r = scm_delete_parameter_key(p ? p->client : c, service, path);
                if (p)
                        pthread_mutex_unlock(&p->lock);
                e = r < 0 ? reg_error(r) : ERROR_SUCCESS;
        }
        if (c)
                scm_disconnect(c);
        if (p)
                object_unref(&p->obj);
        free(service);
        free(path);
        return e;
}

/* The values and subkeys of h's key, fetched with need checked. */
static LSTATUS key_listing(HKEY h, REGSAM need, struct scm_param_value **v, size_t *n,
                           char ***subkeys) {
        struct w32_key *k;
        LSTATUS e = key_get(h, need, &k);
        if (e)
                return e;
        pthread_mutex_lock(&k->lock);
        int r = scm_enum_parameters(k->client, k->service, k->path, v, n, subkeys);
        pthread_mutex_unlock(&k->lock);
        object_unref(&k->obj);
        return r < 0 ? reg_error(r) : ERROR_SUCCESS;
}

/* A key's class, which is always empty, as RegEnumKeyEx and
 * RegQueryInfoKey give it. */
static LSTATUS give_class(void *cls, LPDWORD cch, bool wide) {
        if (!cls)
                return ERROR_SUCCESS;
        if (!cch)
                return ERROR_INVALID_PARAMETER;
        if (*cch < 1)
                return ERROR_MORE_DATA;
        if (wide)
                *(WCHAR *)cls = 0;
        else
                *(char *)cls = 0;
        *cch = 0;
        return ERROR_SUCCESS;
}

static size_t subkey_count(char **subkeys) {
        size_t n = 0;
        while (subkeys && subkeys[n])
                n++;
        return n;
}

static LSTATUS enum_key(HKEY h, DWORD index, void *name, LPDWORD cch, bool wide, void *cls,
                        LPDWORD cch_cls, PFILETIME ft) {
        struct scm_param_value *v = NULL;
        size_t n = 0;
        char **subkeys = NULL;
        LSTATUS e = key_listing(h, KEY_ENUMERATE_SUB_KEYS, &v, &n, &subkeys);
        if (!e)
                e = index >= subkey_count(subkeys) ? ERROR_NO_MORE_ITEMS
                                                   : give_name(subkeys[index], name, cch, wide);
        if (!e)
                e = give_class(cls, cch_cls, wide);
        if (!e && ft)
                *ft = (FILETIME){0};
        scm_param_values_free(v, n);
        scm_param_subkeys_free(subkeys);
        return e;
}

static size_t name_len(const char *name, bool wide) {
        return wide ? w32_wide_len(name) : strlen(name);
}

/* A value's size as RegQueryValueEx would give it (WCHARs for text to the
 * W functions). */
static size_t value_len(const struct scm_param_value *v, bool wide) {
        unsigned char *w = NULL;
        size_t size = v->size;
        if (wide && is_text(v->type) && bytes_to_wide(v->data, v->size, &w, &size) < 0)
                size = v->size * sizeof(WCHAR);
        free(w);
        return size;
}

static DWORD max_of(DWORD a, size_t b) {
        return b > a ? (DWORD)b : a;
}

struct key_info {
        DWORD subkeys, max_subkey, values, max_name, max_value;
};

static void measure(struct scm_param_value *v, size_t n, char **subkeys, bool wide,
                    struct key_info *i) {
        *i = (struct key_info){.subkeys = (DWORD)subkey_count(subkeys), .values = (DWORD)n};
        for (size_t j = 0; j < i->subkeys; j++)
                i->max_subkey = max_of(i->max_subkey, name_len(subkeys[j], wide));
        for (size_t j = 0; j < n; j++) {
                i->max_name = max_of(i->max_name, name_len(v[j].name, wide));
                i->max_value = max_of(i->max_value, value_len(&v[j], wide));
        }
}

static void put_dword(LPDWORD p, DWORD value) {
        if (p)
                *p = value;
}

static LSTATUS query_info(HKEY h, bool wide, void *cls, LPDWORD cch_cls, LPDWORD subkeys_out,
                          LPDWORD max_subkey, LPDWORD max_class, LPDWORD values_out,
                          LPDWORD max_name, LPDWORD max_value, LPDWORD sd, PFILETIME ft) {
        struct scm_param_value *v = NULL;
        size_t n = 0;
        char **subkeys = NULL;
        LSTATUS e = key_listing(h, KEY_QUERY_VALUE, &v, &n, &subkeys);
        if (!e)
                e = give_class(cls, cch_cls, wide);
        if (!e) {
                struct key_info i;
                measure(v, n, subkeys, wide, &i);
                put_dword(subkeys_out, i.subkeys);
                put_dword(max_subkey, i.max_subkey);
                put_dword(max_class, 0);
                put_dword(values_out, i.values);
                put_dword(max_name, i.max_name);
                put_dword(max_value, i.max_value);
                put_dword(sd, 0);
                if (ft)
                        *ft = (FILETIME){0};
        }
        scm_param_values_free(v, n);
        scm_param_subkeys_free(subkeys);
        return e;
}

/* ---- the A and W entry points ---- */

LSTATUS WINAPI RegOpenKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD ulOptions, REGSAM samDesired,
                             PHKEY phkResult) {
        (void)ulOptions;
        return open_key(hKey, lpSubKey, samDesired, phkResult, false, NULL);
}

LSTATUS WINAPI RegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions, REGSAM samDesired,
                             PHKEY phkResult) {
        bool oom = false;
        _cleanup_free_ char *sub = w32_utf8(lpSubKey, &oom);
        (void)ulOptions;
        return oom ? ERROR_NOT_ENOUGH_MEMORY
                   : open_key(hKey, sub, samDesired, phkResult, false, NULL);
}

LSTATUS WINAPI RegCreateKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD Reserved, LPSTR lpClass,
                               DWORD dwOptions, REGSAM samDesired,
                               const SECURITY_ATTRIBUTES *lpSecurityAttributes, PHKEY phkResult,
                               LPDWORD lpdwDisposition) {
        (void)Reserved, (void)lpClass, (void)dwOptions, (void)lpSecurityAttributes;
        if (!lpSubKey)
                return ERROR_INVALID_PARAMETER;
        return open_key(hKey, lpSubKey, samDesired, phkResult, true, lpdwDisposition);
}

LSTATUS WINAPI RegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved, LPWSTR lpClass,
                               DWORD dwOptions, REGSAM samDesired,
                               const SECURITY_ATTRIBUTES *lpSecurityAttributes, PHKEY phkResult,
                               LPDWORD lpdwDisposition) {
        bool oom = false;
        _cleanup_free_ char *sub = w32_utf8(lpSubKey, &oom);
        (void)Reserved, (void)lpClass, (void)dwOptions, (void)lpSecurityAttributes;
        if (oom)
                return ERROR_NOT_ENOUGH_MEMORY;
        if (!sub)
                return ERROR_INVALID_PARAMETER;
        return open_key(hKey, sub, samDesired, phkResult, true, lpdwDisposition);
}

LSTATUS WINAPI RegQueryValueExA(HKEY hKey, LPCSTR lpValueName, LPDWORD lpReserved, LPDWORD lpType,
                                LPBYTE lpData, LPDWORD lpcbData) {
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return query_value(hKey, lpValueName, false, lpType, lpData, lpcbData);
}

LSTATUS WINAPI RegQueryValueExW(HKEY hKey, LPCWSTR lpValueName, LPDWORD lpReserved, LPDWORD lpType,
                                LPBYTE lpData, LPDWORD lpcbData) {
        bool oom = false;
        _cleanup_free_ char *name = w32_utf8(lpValueName, &oom);
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return oom ? ERROR_NOT_ENOUGH_MEMORY
                   : query_value(hKey, name, true, lpType, lpData, lpcbData);
}

LSTATUS WINAPI RegSetValueExA(HKEY hKey, LPCSTR lpValueName, DWORD Reserved, DWORD dwType,
                              const BYTE *lpData, DWORD cbData) {
        (void)Reserved;
        return set_value(hKey, lpValueName, dwType, lpData, cbData, false);
}

LSTATUS WINAPI RegSetValueExW(HKEY hKey, LPCWSTR lpValueName, DWORD Reserved, DWORD dwType,
                              const BYTE *lpData, DWORD cbData) {
        bool oom = false;
        _cleanup_free_ char *name = w32_utf8(lpValueName, &oom);
        (void)Reserved;
        return oom ? ERROR_NOT_ENOUGH_MEMORY : set_value(hKey, name, dwType, lpData, cbData, true);
}

LSTATUS WINAPI RegDeleteValueA(HKEY hKey, LPCSTR lpValueName) {
        return delete_value(hKey, lpValueName);
}

LSTATUS WINAPI RegDeleteValueW(HKEY hKey, LPCWSTR lpValueName) {
        bool oom = false;
        _cleanup_free_ char *name = w32_utf8(lpValueName, &oom);
        return oom ? ERROR_NOT_ENOUGH_MEMORY : delete_value(hKey, name);
}

LSTATUS WINAPI RegEnumValueA(HKEY hKey, DWORD dwIndex, LPSTR lpValueName, LPDWORD lpcchValueName,
                             LPDWORD lpReserved, LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData) {
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return enum_value(hKey, dwIndex, lpValueName, lpcchValueName, false, lpType, lpData,
                          lpcbData);
}

LSTATUS WINAPI RegEnumValueW(HKEY hKey, DWORD dwIndex, LPWSTR lpValueName, LPDWORD lpcchValueName,
                             LPDWORD lpReserved, LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData) {
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return enum_value(hKey, dwIndex, lpValueName, lpcchValueName, true, lpType, lpData,
                          lpcbData);
}

LSTATUS WINAPI RegDeleteKeyA(HKEY hKey, LPCSTR lpSubKey) {
        return delete_key(hKey, lpSubKey);
}

LSTATUS WINAPI RegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey) {
        bool oom = false;
        _cleanup_free_ char *sub = w32_utf8(lpSubKey, &oom);
        return oom ? ERROR_NOT_ENOUGH_MEMORY : delete_key(hKey, sub);
}

LSTATUS WINAPI RegDeleteKeyExA(HKEY hKey, LPCSTR lpSubKey, REGSAM samDesired, DWORD Reserved) {
        (void)samDesired, (void)Reserved;
        return RegDeleteKeyA(hKey, lpSubKey);
}

LSTATUS WINAPI RegDeleteKeyExW(HKEY hKey, LPCWSTR lpSubKey, REGSAM samDesired, DWORD Reserved) {
        (void)samDesired, (void)Reserved;
        return RegDeleteKeyW(hKey, lpSubKey);
}

LSTATUS WINAPI RegEnumKeyExA(HKEY hKey, DWORD dwIndex, LPSTR lpName, LPDWORD lpcchName,
                             LPDWORD lpReserved, LPSTR lpClass, LPDWORD lpcchClass,
                             PFILETIME lpftLastWriteTime) {
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return enum_key(hKey, dwIndex, lpName, lpcchName, false, lpClass, lpcchClass,
                        lpftLastWriteTime);
}

LSTATUS WINAPI RegEnumKeyExW(HKEY hKey, DWORD dwIndex, LPWSTR lpName, LPDWORD lpcchName,
                             LPDWORD lpReserved, LPWSTR lpClass, LPDWORD lpcchClass,
                             PFILETIME lpftLastWriteTime) {
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return enum_key(hKey, dwIndex, lpName, lpcchName, true, lpClass, lpcchClass,
                        lpftLastWriteTime);
}

LSTATUS WINAPI RegQueryInfoKeyA(HKEY hKey, LPSTR lpClass, LPDWORD lpcchClass, LPDWORD lpReserved,
                                LPDWORD lpcSubKeys, LPDWORD lpcbMaxSubKeyLen,
                                LPDWORD lpcbMaxClassLen, LPDWORD lpcValues,
                                LPDWORD lpcbMaxValueNameLen, LPDWORD lpcbMaxValueLen,
                                LPDWORD lpcbSecurityDescriptor, PFILETIME lpftLastWriteTime) {
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return query_info(hKey, false, lpClass, lpcchClass, lpcSubKeys, lpcbMaxSubKeyLen,
                          lpcbMaxClassLen, lpcValues, lpcbMaxValueNameLen, lpcbMaxValueLen,
                          lpcbSecurityDescriptor, lpftLastWriteTime);
}

LSTATUS WINAPI RegQueryInfoKeyW(HKEY hKey, LPWSTR lpClass, LPDWORD lpcchClass, LPDWORD lpReserved,
                                LPDWORD lpcSubKeys, LPDWORD lpcbMaxSubKeyLen,
                                LPDWORD lpcbMaxClassLen, LPDWORD lpcValues,
                                LPDWORD lpcbMaxValueNameLen, LPDWORD lpcbMaxValueLen,
                                LPDWORD lpcbSecurityDescriptor, PFILETIME lpftLastWriteTime) {
        if (lpReserved)
                return ERROR_INVALID_PARAMETER;
        return query_info(hKey, true, lpClass, lpcchClass, lpcSubKeys, lpcbMaxSubKeyLen,
                          lpcbMaxClassLen, lpcValues, lpcbMaxValueNameLen, lpcbMaxValueLen,
                          lpcbSecurityDescriptor, lpftLastWriteTime);
}

LSTATUS WINAPI RegCloseKey(HKEY hKey) {
        if (hKey == HKEY_LOCAL_MACHINE)
                return ERROR_SUCCESS;
        struct w32_object *o = handle_remove(hKey, W32_KEY);
        if (!o)
                return ERROR_INVALID_HANDLE;
        object_unref(o);
        return ERROR_SUCCESS;
}
