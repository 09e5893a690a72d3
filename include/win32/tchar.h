/* SPDX-License-Identifier: MIT */
/*
 * <tchar.h> of scm's Win32 layer: the generic-text names a service's main()
 * is usually written with.  Without UNICODE _tmain is main; with UNICODE
 * it is wmain, which libscm-win32-main's main calls with the arguments as
 * WCHAR strings.
 */
#ifndef SCM_WIN32_TCHAR_H
#define SCM_WIN32_TCHAR_H

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include <windows.h>

#define _T(x) __TEXT(x)
#define _TEXT(x) __TEXT(x)

#ifdef UNICODE
#define _tmain wmain
#define _tcslen wcslen
#define _tcscmp wcscmp
#define _tcsicmp wcscasecmp
#define _tcscpy wcscpy
#define _tprintf wprintf
#define _ftprintf fwprintf
#else
#define _tmain main
#define _tcslen strlen
#define _tcscmp strcmp
#define _tcsicmp strcasecmp
#define _tcscpy strcpy
#define _tprintf printf
#define _ftprintf fprintf
#endif

#endif
