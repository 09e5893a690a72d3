/* SPDX-License-Identifier: MIT */
/*
 * <strsafe.h> of scm's Win32 layer: the bounded string functions service
 * samples use (StringCchPrintf, StringCchCopy, StringCchCat, StringCchLength
 * and their Cb forms), returning an HRESULT: S_OK, or
 * STRSAFE_E_INSUFFICIENT_BUFFER with the result cut and terminated, or
 * STRSAFE_E_INVALID_PARAMETER.
 *
 * The W printf forms read their format as Windows does: %s and %c take a
 * WCHAR string and character, %S and %C a narrow one (the C library's
 * wide printf would read %s as a narrow string: see porting-windows.md).
 */
#ifndef SCM_WIN32_STRSAFE_H
#define SCM_WIN32_STRSAFE_H

#include <stdarg.h>
#include <stddef.h>

#include <windows.h>

#define STRSAFE_MAX_CCH 2147483647
#ifndef S_OK
#define S_OK ((HRESULT)0)
#endif
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057L)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026L)

HRESULT StringCchVPrintfA(LPSTR pszDest, size_t cchDest, LPCSTR pszFormat, va_list argList);
HRESULT StringCchVPrintfW(LPWSTR pszDest, size_t cchDest, LPCWSTR pszFormat, va_list argList);
HRESULT StringCchPrintfA(LPSTR pszDest, size_t cchDest, LPCSTR pszFormat, ...);
HRESULT StringCchPrintfW(LPWSTR pszDest, size_t cchDest, LPCWSTR pszFormat, ...);
HRESULT StringCbPrintfA(LPSTR pszDest, size_t cbDest, LPCSTR pszFormat, ...);
HRESULT StringCbPrintfW(LPWSTR pszDest, size_t cbDest, LPCWSTR pszFormat, ...);
HRESULT StringCchCopyA(LPSTR pszDest, size_t cchDest, LPCSTR pszSrc);
HRESULT StringCchCopyW(LPWSTR pszDest, size_t cchDest, LPCWSTR pszSrc);
HRESULT StringCbCopyA(LPSTR pszDest, size_t cbDest, LPCSTR pszSrc);
HRESULT StringCbCopyW(LPWSTR pszDest, size_t cbDest, LPCWSTR pszSrc);
HRESULT StringCchCatA(LPSTR pszDest, size_t cchDest, LPCSTR pszSrc);
HRESULT StringCchCatW(LPWSTR pszDest, size_t cchDest, LPCWSTR pszSrc);
HRESULT StringCbCatA(LPSTR pszDest, size_t cbDest, LPCSTR pszSrc);
HRESULT StringCbCatW(LPWSTR pszDest, size_t cbDest, LPCWSTR pszSrc);
HRESULT StringCchLengthA(LPCSTR psz, size_t cchMax, size_t *pcchLength);
HRESULT StringCchLengthW(LPCWSTR psz, size_t cchMax, size_t *pcchLength);

#ifdef UNICODE
#define StringCchVPrintf StringCchVPrintfW
#define StringCchPrintf StringCchPrintfW
#define StringCbPrintf StringCbPrintfW
#define StringCchCopy StringCchCopyW
#define StringCbCopy StringCbCopyW
#define StringCchCat StringCchCatW
#define StringCbCat StringCbCatW
#define StringCchLength StringCchLengthW
#else
#define StringCchVPrintf StringCchVPrintfA
#define StringCchPrintf StringCchPrintfA
#define StringCbPrintf StringCbPrintfA
#define StringCchCopy StringCchCopyA
#define StringCbCopy StringCbCopyA
#define StringCchCat StringCchCatA
#define StringCbCat StringCbCatA
#define StringCchLength StringCchLengthA
#endif

#endif
