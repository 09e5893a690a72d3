/* SPDX-License-Identifier: MIT */
/*
 * <strsafe.h>: bounded copies, concatenations and printf into a buffer of
 * cch characters (Cb: bytes), always terminated when there is room for the
 * terminator, S_OK or STRSAFE_E_INSUFFICIENT_BUFFER (the result cut).  The
 * W printf forms translate Windows' wide format (%s a WCHAR string, %S a
 * narrow one) into the C library's (%ls, %s) before formatting.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <strsafe.h>

static bool bad(const void *dest, size_t cch) {
        return !dest || cch == 0 || cch > STRSAFE_MAX_CCH;
}

HRESULT StringCchVPrintfA(LPSTR dest, size_t cch, LPCSTR fmt, va_list ap) {
        if (bad(dest, cch) || !fmt)
                return STRSAFE_E_INVALID_PARAMETER;
        int n = vsnprintf(dest, cch, fmt, ap);
        if (n < 0) {
                dest[0] = '\0';
                return STRSAFE_E_INVALID_PARAMETER;
        }
        return (size_t)n < cch ? S_OK : STRSAFE_E_INSUFFICIENT_BUFFER;
}

/* Windows' wide format in the C library's terms: s/c without a size
 * become ls/lc, S/C become s/c; the rest is copied.  malloc'd. */
static wchar_t *c_format(const wchar_t *fmt) {
        size_t n = wcslen(fmt);
        wchar_t *out = malloc((2 * n + 1) * sizeof(wchar_t)), *o = out;
        if (!out)
                return NULL;
        for (const wchar_t *p = fmt; *p;) {
                if (*p != L'%') {
                        *o++ = *p++;
                        continue;
                }
                *o++ = *p++;
                if (*p == L'%') {
                        *o++ = *p++;
                        continue;
                }
                while (*p && wcschr(L"-+ #0123456789.*", *p))
                        *o++ = *p++;
                bool sized = *p == L'l' || *p == L'h' || *p == L'w';
                if (*p == L'h' && (p[1] == L's' || p[1] == L'c')) {
                        p++; /* %hs, %hc: narrow */
                        *o++ = *p++;
                        continue;
                }
                if (*p == L'w') { /* %ws: wide */
                        *o++ = L'l';
                        p++;
                        continue;
                }
                if (!sized && (*p == L's' || *p == L'c'))
                        *o++ = L'l';
                if (!sized && (*p == L'S' || *p == L'C')) {
                        *o++ = *p == L'S' ? L's' : L'c';
                        p++;
                        continue;
                }
        }
        *o = L'\0';
        return out;
}

HRESULT StringCchVPrintfW(LPWSTR dest, size_t cch, LPCWSTR fmt, va_list ap) {
        if (bad(dest, cch) || !fmt)
                return STRSAFE_E_INVALID_PARAMETER;
        wchar_t *f = c_format(fmt);
        if (!f)
                return STRSAFE_E_INVALID_PARAMETER;
        /* vswprintf fails (-1) when the result does not fit; then the buffer
         * is filled as far as it goes, as Windows does. */
        int n = vswprintf(dest, cch, f, ap);
        free(f);
        if (n < 0) {
                dest[cch - 1] = L'\0';
                return STRSAFE_E_INSUFFICIENT_BUFFER;
        }
        return S_OK;
}

HRESULT StringCchPrintfA(LPSTR dest, size_t cch, LPCSTR fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        HRESULT hr = StringCchVPrintfA(dest, cch, fmt, ap);
        va_end(ap);
        return hr;
}

HRESULT StringCchPrintfW(LPWSTR dest, size_t cch, LPCWSTR fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        HRESULT hr = StringCchVPrintfW(dest, cch, fmt, ap);
        va_end(ap);
        return hr;
}

HRESULT StringCbPrintfA(LPSTR dest, size_t cb, LPCSTR fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        HRESULT hr = StringCchVPrintfA(dest, cb, fmt, ap);
        va_end(ap);
        return hr;
}

HRESULT StringCbPrintfW(LPWSTR dest, size_t cb, LPCWSTR fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        HRESULT hr = StringCchVPrintfW(dest, cb / sizeof(WCHAR), fmt, ap);
        va_end(ap);
        return hr;
}

HRESULT StringCchCopyA(LPSTR dest, size_t cch, LPCSTR src) {
        if (bad(dest, cch) || !src)
                return STRSAFE_E_INVALID_PARAMETER;
        size_t n = strnlen(src, cch);
        size_t k = n < cch ? n : cch - 1;
        memcpy(dest, src, k);
        dest[k] = '\0';
        return n < cch ? S_OK : STRSAFE_E_INSUFFICIENT_BUFFER;
}

HRESULT StringCchCopyW(LPWSTR dest, size_t cch, LPCWSTR src) {
        if (bad(dest, cch) || !src)
                return STRSAFE_E_INVALID_PARAMETER;
        size_t n = wcsnlen(src, cch);
        size_t k = n < cch ? n : cch - 1;
        wmemcpy(dest, src, k);
        dest[k] = L'\0';
        return n < cch ? S_OK : STRSAFE_E_INSUFFICIENT_BUFFER;
}

HRESULT StringCbCopyA(LPSTR dest, size_t cb, LPCSTR src) {
        return StringCchCopyA(dest, cb, src);
}

HRESULT StringCbCopyW(LPWSTR dest, size_t cb, LPCWSTR src) {
        return StringCchCopyW(dest, cb / sizeof(WCHAR), src);
}

HRESULT StringCchCatA(LPSTR dest, size_t cch, LPCSTR src) {
        if (bad(dest, cch) || !src)
                return STRSAFE_E_INVALID_PARAMETER;
        size_t have = strnlen(dest, cch);
        if (have == cch)
                return STRSAFE_E_INVALID_PARAMETER;
        return StringCchCopyA(dest + have, cch - have, src);
}

HRESULT StringCchCatW(LPWSTR dest, size_t cch, LPCWSTR src) {
        if (bad(dest, cch) || !src)
                return STRSAFE_E_INVALID_PARAMETER;
        size_t have = wcsnlen(dest, cch);
        if (have == cch)
                return STRSAFE_E_INVALID_PARAMETER;
        return StringCchCopyW(dest + have, cch - have, src);
}

HRESULT StringCbCatA(LPSTR dest, size_t cb, LPCSTR src) {
        return StringCchCatA(dest, cb, src);
}

HRESULT StringCbCatW(LPWSTR dest, size_t cb, LPCWSTR src) {
        return StringCchCatW(dest, cb / sizeof(WCHAR), src);
}

HRESULT StringCchLengthA(LPCSTR s, size_t max, size_t *ret) {
        if (!s || max > STRSAFE_MAX_CCH)
                return STRSAFE_E_INVALID_PARAMETER;
        size_t n = strnlen(s, max);
        if (n == max)
                return STRSAFE_E_INVALID_PARAMETER;
        if (ret)
                *ret = n;
        return S_OK;
}

HRESULT StringCchLengthW(LPCWSTR s, size_t max, size_t *ret) {
        if (!s || max > STRSAFE_MAX_CCH)
                return STRSAFE_E_INVALID_PARAMETER;
        size_t n = wcsnlen(s, max);
        if (n == max)
                return STRSAFE_E_INVALID_PARAMETER;
        if (ret)
                *ret = n;
        return S_OK;
}
