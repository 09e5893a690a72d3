/* SPDX-License-Identifier: MIT */
/*
 * <windows.h> of scm's Win32 layer (docs/porting-windows.md): the type
 * names, a subset of kernel32 every service skeleton uses (threads, events,
 * waits with asynchronous procedure calls, GetLastError, FormatMessage,
 * ticks, OutputDebugString, the event log), and the service API of
 * <winsvc.h>, so that a Windows service's C source builds on Linux with
 * `cc prog.c $(pkg-config --cflags --libs scm-win32)`.
 *
 * The choices that differ from Windows, each for a reason given in the
 * guide: WCHAR is wchar_t, 32 bits wide, so L"..." literals and the
 * wcs*() functions work unchanged and W strings are UTF-32 (structures
 * holding WCHARs are laid out differently from Windows'; source ports,
 * not binary ones); the A functions take and give UTF-8; DWORD is 32 bits
 * (uint32_t) and LONG too, as on Windows, so print them with %u / %d, not
 * %lu; WINAPI and CALLBACK are the platform's C calling convention.
 */
#ifndef SCM_WIN32_WINDOWS_H
#define SCM_WIN32_WINDOWS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <winerror.h>

/* Windows sources say which import libraries they need with
 * "#pragma comment(lib, ...)"; pkg-config says it here, so the pragma is
 * not a warning (nor an error under -Werror). */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- calling conventions: the platform's one -------------------------- */
#define WINAPI
#define CALLBACK
#define APIENTRY
#define WINAPIV
#define NTAPI
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#define IN
#define OUT
#define OPTIONAL
#define CONST const
#define VOID void

/* ---- base types ---------------------------------------------------------- */
typedef int BOOL;
typedef unsigned char BOOLEAN;
typedef unsigned char BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef int INT;
typedef unsigned int UINT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef union _LARGE_INTEGER {
        struct {
                DWORD LowPart;
                LONG HighPart;
        };
        struct {
                DWORD LowPart;
                LONG HighPart;
        } u;
        LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;
typedef struct _GUID {
        DWORD Data1;
        WORD Data2;
        WORD Data3;
        BYTE Data4[8];
} GUID, *LPGUID;
typedef uint64_t DWORD64;
typedef uintptr_t ULONG_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t INT_PTR;
typedef size_t SIZE_T;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef float FLOAT;
typedef wchar_t WCHAR; /* 32 bits: see the top of this file */

typedef void *PVOID;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef BOOL *LPBOOL;
typedef BOOL *PBOOL;
typedef BYTE *LPBYTE;
typedef BYTE *PBYTE;
typedef DWORD *LPDWORD;
typedef DWORD *PDWORD;
typedef LONG *PLONG;
typedef ULONG *PULONG;
typedef ULONG_PTR *PULONG_PTR;

typedef CHAR *LPSTR;
typedef CHAR *PSTR;
typedef const CHAR *LPCSTR;
typedef const CHAR *PCSTR;
typedef WCHAR *LPWSTR;
typedef WCHAR *PWSTR;
typedef const WCHAR *LPCWSTR;
typedef const WCHAR *PCWSTR;

#ifdef UNICODE
typedef WCHAR TCHAR;
typedef WCHAR TBYTE;
#define __TEXT(quote) L##quote
#else
typedef CHAR TCHAR;
typedef unsigned char TBYTE;
#define __TEXT(quote) quote
#endif
#define TEXT(quote) __TEXT(quote)
typedef TCHAR *LPTSTR;
typedef TCHAR *PTSTR;
typedef const TCHAR *LPCTSTR;
typedef const TCHAR *PCTSTR;

typedef void *HANDLE;
typedef HANDLE *PHANDLE;
typedef HANDLE *LPHANDLE;
typedef HANDLE HLOCAL;
typedef HANDLE HMODULE;
typedef HANDLE HINSTANCE;
typedef HANDLE HKEY;
typedef HANDLE HWND;
typedef LONG HRESULT;

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define TRUE 1
#define FALSE 0
#ifndef NULL
#define NULL ((void *)0)
#endif
#define INFINITE 0xFFFFFFFF
#define MAX_PATH 260

#define ZeroMemory(dest, len) memset((dest), 0, (len))
/* Zeroes that the compiler may not remove as dead stores, as Windows'. */
static inline PVOID SecureZeroMemory(PVOID dest, SIZE_T len) {
        volatile unsigned char *p = (volatile unsigned char *)dest;
        while (len--)
                *p++ = 0;
        return dest;
}
#define FillMemory(dest, len, fill) memset((dest), (fill), (len))
#define CopyMemory(dest, src, len) memcpy((dest), (src), (len))
#define MoveMemory(dest, src, len) memmove((dest), (src), (len))
#define ARRAYSIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l)&0xffff))
#define HIWORD(l) ((WORD)(((DWORD_PTR)(l) >> 16) & 0xffff))
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define HRESULT_FROM_WIN32(x)                                                                      \
        ((HRESULT)(x) <= 0 ? ((HRESULT)(x))                                                        \
                           : ((HRESULT)(((x)&0x0000FFFF) | (7 << 16) | 0x80000000)))

/* ---- access rights shared by every object ------------------------------ */
#define DELETE 0x00010000L
#define READ_CONTROL 0x00020000L
#define WRITE_DAC 0x00040000L
#define WRITE_OWNER 0x00080000L
#define SYNCHRONIZE 0x00100000L
#define STANDARD_RIGHTS_REQUIRED 0x000F0000L
#define STANDARD_RIGHTS_READ READ_CONTROL
#define STANDARD_RIGHTS_WRITE READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE READ_CONTROL
#define STANDARD_RIGHTS_ALL 0x001F0000L
#define SPECIFIC_RIGHTS_ALL 0x0000FFFFL
#define ACCESS_SYSTEM_SECURITY 0x01000000L
#define MAXIMUM_ALLOWED 0x02000000L
#define GENERIC_READ 0x80000000L
#define GENERIC_WRITE 0x40000000L
#define GENERIC_EXECUTE 0x20000000L
#define GENERIC_ALL 0x10000000L
#define EVENT_MODIFY_STATE 0x0002
#define EVENT_ALL_ACCESS 0x1F0003

/* Security descriptors are scm's access lists (docs/protocol.md); these
 * types exist so that declarations compile. */
typedef PVOID PSECURITY_DESCRIPTOR;
typedef DWORD SECURITY_INFORMATION;
typedef DWORD *PSECURITY_INFORMATION;
typedef struct _SECURITY_ATTRIBUTES {
        DWORD nLength;
        LPVOID lpSecurityDescriptor;
        BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;
#define OWNER_SECURITY_INFORMATION 0x00000001L
#define GROUP_SECURITY_INFORMATION 0x00000002L
#define DACL_SECURITY_INFORMATION 0x00000004L
#define SACL_SECURITY_INFORMATION 0x00000008L

/* ---- errors: <winerror.h> and the calls around it -------------------- */
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

#define FORMAT_MESSAGE_ALLOCATE_BUFFER 0x00000100
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x00000200
#define FORMAT_MESSAGE_FROM_STRING 0x00000400
#define FORMAT_MESSAGE_FROM_HMODULE 0x00000800
#define FORMAT_MESSAGE_FROM_SYSTEM 0x00001000
#define FORMAT_MESSAGE_ARGUMENT_ARRAY 0x00002000
#define FORMAT_MESSAGE_MAX_WIDTH_MASK 0x000000FF
#define LANG_NEUTRAL 0x00
#define SUBLANG_DEFAULT 0x01
#define SUBLANG_NEUTRAL 0x00
#define MAKELANGID(p, s) ((((WORD)(s)) << 10) | (WORD)(p))

/* Only FORMAT_MESSAGE_FROM_SYSTEM (with ALLOCATE_BUFFER, IGNORE_INSERTS,
 * MAX_WIDTH_MASK): the sentence of a system error number, ending "\r\n"
 * as on Windows.  0 with ERROR_MR_MID_NOT_FOUND for a number it does not
 * know; ERROR_INVALID_PARAMETER for the sources it does not have. */
DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
                            LPSTR lpBuffer, DWORD nSize, va_list *Arguments);
DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
                            LPWSTR lpBuffer, DWORD nSize, va_list *Arguments);

#define LMEM_FIXED 0x0000
#define LMEM_ZEROINIT 0x0040
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)
HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
/* Frees what FormatMessage(ALLOCATE_BUFFER) and NotifyServiceStatusChange
 * (pszServiceNames) allocated; returns NULL. */
HLOCAL WINAPI LocalFree(HLOCAL hMem);

/* ---- threads, events and waits ------------------------------------------ */
typedef DWORD(WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;
typedef void(CALLBACK *PAPCFUNC)(ULONG_PTR Parameter);

#define WAIT_OBJECT_0 0x00000000L
#define WAIT_ABANDONED 0x00000080L
#define WAIT_ABANDONED_0 0x00000080L
#define WAIT_IO_COMPLETION 0x000000C0L
#define WAIT_TIMEOUT 258L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define MAXIMUM_WAIT_OBJECTS 64
#define STILL_ACTIVE 259L
#define CREATE_SUSPENDED 0x00000004
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000

/* A thread that runs lpStartAddress(lpParameter); its handle is signaled
 * when it returns (or calls ExitThread).  CREATE_SUSPENDED is refused
 * with ERROR_NOT_SUPPORTED. */
HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId);
void WINAPI ExitThread(DWORD dwExitCode) __attribute__((noreturn));
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
DWORD WINAPI GetCurrentThreadId(void);
DWORD WINAPI GetCurrentProcessId(void);
/* A pseudo handle for the calling thread, for QueueUserAPC. */
HANDLE WINAPI GetCurrentThread(void);
/* Queues pfnAPC(dwData) to hThread, which runs it at its next alertable
 * wait (SleepEx, WaitFor...Ex with bAlertable TRUE).  Returns non-zero. */
DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCWSTR lpName);
BOOL WINAPI SetEvent(HANDLE hEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent);
BOOL WINAPI CloseHandle(HANDLE hObject);

void WINAPI Sleep(DWORD dwMilliseconds);
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds);
DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL bAlertable);

/* ---- time, debugging output, strings ------------------------------------ */
DWORD WINAPI GetTickCount(void);
ULONGLONG WINAPI GetTickCount64(void);
/* Writes the string to stderr: the service's log (scctl logs NAME). */
void WINAPI OutputDebugStringA(LPCSTR lpOutputString);
void WINAPI OutputDebugStringW(LPCWSTR lpOutputString);

/* The program's own path; hModule must be NULL. */
DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);
DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize);

/* A program may start at wmain instead of main: libscm-win32-main (in
 * scm-win32.pc's libraries) then provides main, which calls it with the
 * arguments as WCHAR strings, as -municode does for MinGW. */
int wmain(int argc, wchar_t **argv);

int WINAPI lstrlenA(LPCSTR lpString);
int WINAPI lstrlenW(LPCWSTR lpString);
int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);
LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2);

/* ---- the event log: lines in the service's own log ----------------------- */
#define EVENTLOG_SUCCESS 0x0000
#define EVENTLOG_ERROR_TYPE 0x0001
#define EVENTLOG_WARNING_TYPE 0x0002
#define EVENTLOG_INFORMATION_TYPE 0x0004
#define EVENTLOG_AUDIT_SUCCESS 0x0008
#define EVENTLOG_AUDIT_FAILURE 0x0010
typedef struct _SID *PSID;

/* The event log is the service's log (stderr, kept by scmd): each
 * ReportEvent is one line "SOURCE: TYPE EVENT_ID: string; string...". */
HANDLE WINAPI RegisterEventSourceA(LPCSTR lpUNCServerName, LPCSTR lpSourceName);
HANDLE WINAPI RegisterEventSourceW(LPCWSTR lpUNCServerName, LPCWSTR lpSourceName);
BOOL WINAPI DeregisterEventSource(HANDLE hEventLog);
BOOL WINAPI ReportEventA(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID,
                         PSID lpUserSid, WORD wNumStrings, DWORD dwDataSize, LPCSTR *lpStrings,
                         LPVOID lpRawData);
/* MessageBox: in a service, a message for the SCM's watchers and its log,
 * "CAPTION: TEXT"; with MB_SERVICE_NOTIFICATION (or
 * MB_DEFAULT_DESKTOP_ONLY), as on Windows, also for the people logged in
 * (their terminals and desktops).  Outside a service, a line on stderr.
 * Nobody can answer: it returns at once with the answer of a person who
 * declines, IDOK for MB_OK, IDNO for MB_YESNO, IDABORT for
 * MB_ABORTRETRYIGNORE, IDCANCEL for the others; or 0 with GetLastError. */
#define MB_OK 0x00000000L
#define MB_OKCANCEL 0x00000001L
#define MB_ABORTRETRYIGNORE 0x00000002L
#define MB_YESNOCANCEL 0x00000003L
#define MB_YESNO 0x00000004L
#define MB_RETRYCANCEL 0x00000005L
#define MB_CANCELTRYCONTINUE 0x00000006L
#define MB_TYPEMASK 0x0000000FL
#define MB_ICONERROR 0x00000010L
#define MB_ICONQUESTION 0x00000020L
#define MB_ICONWARNING 0x00000030L
#define MB_ICONINFORMATION 0x00000040L
#define MB_SYSTEMMODAL 0x00001000L
#define MB_SETFOREGROUND 0x00010000L
#define MB_DEFAULT_DESKTOP_ONLY 0x00020000L
#define MB_TOPMOST 0x00040000L
#define MB_SERVICE_NOTIFICATION 0x00200000L
#define IDOK 1
#define IDCANCEL 2
#define IDABORT 3
#define IDRETRY 4
#define IDIGNORE 5
#define IDYES 6
#define IDNO 7
#define IDTRYAGAIN 10
#define IDCONTINUE 11
int WINAPI MessageBoxA(HWND hWnd, LPCSTR lpText, LPCSTR lpCaption, UINT uType);
int WINAPI MessageBoxW(HWND hWnd, LPCWSTR lpText, LPCWSTR lpCaption, UINT uType);

BOOL WINAPI ReportEventW(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID,
                         PSID lpUserSid, WORD wNumStrings, DWORD dwDataSize, LPCWSTR *lpStrings,
                         LPVOID lpRawData);

#ifdef UNICODE
#define FormatMessage FormatMessageW
#define CreateEvent CreateEventW
#define OutputDebugString OutputDebugStringW
#define MessageBox MessageBoxW
#define GetModuleFileName GetModuleFileNameW
#define lstrlen lstrlenW
#define lstrcmp lstrcmpW
#define lstrcmpi lstrcmpiW
#define lstrcpy lstrcpyW
#define RegisterEventSource RegisterEventSourceW
#define ReportEvent ReportEventW
#else
#define FormatMessage FormatMessageA
#define CreateEvent CreateEventA
#define OutputDebugString OutputDebugStringA
#define MessageBox MessageBoxA
#define GetModuleFileName GetModuleFileNameA
#define lstrlen lstrlenA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA
#define lstrcpy lstrcpyA
#define RegisterEventSource RegisterEventSourceA
#define ReportEvent ReportEventA
#endif

#ifdef __cplusplus
}
#endif

#include <winreg.h>
#include <winsvc.h>

#endif
