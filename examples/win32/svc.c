/* SPDX-License-Identifier: MIT */
/*
 * A Windows service, written the way Microsoft's documentation writes one
 * ("Writing a ServiceMain Function", "Writing a Control Handler
 * Function"), built on Linux unchanged against scm's <windows.h>:
 *
 *   cc svc.c $(pkg-config --cflags --libs scm-win32) -o svc
 *
 * ServiceMain reports START_PENDING with advancing checkpoints and a wait
 * hint while it starts, then RUNNING, and waits for its stop event.  The
 * handler never blocks: on SERVICE_CONTROL_STOP it reports STOP_PENDING
 * and hands the slow stop to a worker thread, which reports its own
 * checkpoints and sets the stop event.  Custom control 128 writes an
 * event to the event log (here: the service's log); any other custom
 * control is ERROR_CALL_NOT_IMPLEMENTED.
 */
#include <windows.h>
#include <stdio.h>

#define SVCNAME TEXT("Win32Sample")
#define SVC_CUSTOM_HELLO 128

static SERVICE_STATUS gSvcStatus;
static SERVICE_STATUS_HANDLE gSvcStatusHandle;
static HANDLE ghSvcStopEvent;
static DWORD dwCheckPoint = 1;

static void SvcReportEvent(WORD type, LPCTSTR text) {
        HANDLE hEventSource = RegisterEventSource(NULL, SVCNAME);
        if (hEventSource != NULL) {
                LPCTSTR lpszStrings[1] = {text};
                ReportEvent(hEventSource, type, 0, 0, NULL, 1, 0, lpszStrings, NULL);
                DeregisterEventSource(hEventSource);
        }
}

static void ReportSvcStatus(DWORD dwCurrentState, DWORD dwWin32ExitCode, DWORD dwWaitHint) {
        gSvcStatus.dwCurrentState = dwCurrentState;
        gSvcStatus.dwWin32ExitCode = dwWin32ExitCode;
        gSvcStatus.dwWaitHint = dwWaitHint;
        if (dwCurrentState == SERVICE_START_PENDING || dwCurrentState == SERVICE_STOP_PENDING)
                gSvcStatus.dwControlsAccepted = 0;
        else
                gSvcStatus.dwControlsAccepted = SERVICE_ACCEPT_STOP;
        if (dwCurrentState == SERVICE_RUNNING || dwCurrentState == SERVICE_STOPPED)
                gSvcStatus.dwCheckPoint = 0;
        else
                gSvcStatus.dwCheckPoint = dwCheckPoint++;
        SetServiceStatus(gSvcStatusHandle, &gSvcStatus);
}

/* The slow part of stopping, off the handler's thread. */
static DWORD WINAPI SvcStopWorker(LPVOID lpParam) {
        (void)lpParam;
        for (int i = 0; i < 3; i++) {
                Sleep(100); /* flush, close, release ... */
                ReportSvcStatus(SERVICE_STOP_PENDING, NO_ERROR, 1000);
        }
        SetEvent(ghSvcStopEvent);
        return 0;
}

static DWORD WINAPI SvcCtrlHandler(DWORD dwCtrl, DWORD dwEventType, LPVOID lpEventData,
                                   LPVOID lpContext) {
        (void)dwEventType, (void)lpEventData, (void)lpContext;
        switch (dwCtrl) {
        case SERVICE_CONTROL_STOP: {
                ReportSvcStatus(SERVICE_STOP_PENDING, NO_ERROR, 1000);
                HANDLE hThread = CreateThread(NULL, 0, SvcStopWorker, NULL, 0, NULL);
                if (hThread == NULL)
                        SetEvent(ghSvcStopEvent);
                else
                        CloseHandle(hThread);
                return NO_ERROR;
        }
        case SERVICE_CONTROL_INTERROGATE:
                return NO_ERROR;
        case SVC_CUSTOM_HELLO:
                SvcReportEvent(EVENTLOG_INFORMATION_TYPE, TEXT("custom control 128"));
                /* For the people logged in: their terminals and desktops. */
                MessageBox(NULL, TEXT("hello from the handler"), SVCNAME,
                           MB_OK | MB_SERVICE_NOTIFICATION);
                return NO_ERROR;
        default:
                return ERROR_CALL_NOT_IMPLEMENTED;
        }
}

static void WINAPI SvcMain(DWORD dwArgc, LPTSTR *lpszArgv) {
        gSvcStatusHandle = RegisterServiceCtrlHandlerEx(SVCNAME, SvcCtrlHandler, NULL);
        if (!gSvcStatusHandle) {
                SvcReportEvent(EVENTLOG_ERROR_TYPE, TEXT("RegisterServiceCtrlHandlerEx failed"));
                return;
        }
        gSvcStatus.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
        gSvcStatus.dwServiceSpecificExitCode = 0;
        ReportSvcStatus(SERVICE_START_PENDING, NO_ERROR, 3000);

        for (DWORD i = 1; i < dwArgc; i++)
                SvcReportEvent(EVENTLOG_INFORMATION_TYPE, lpszArgv[i]);
        ghSvcStopEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
        if (ghSvcStopEvent == NULL) {
                ReportSvcStatus(SERVICE_STOPPED, GetLastError(), 0);
                return;
        }
        for (int step = 0; step < 3; step++) {
                Sleep(100); /* open files, read the configuration ... */
                ReportSvcStatus(SERVICE_START_PENDING, NO_ERROR, 3000);
        }
        ReportSvcStatus(SERVICE_RUNNING, NO_ERROR, 0);
        SvcReportEvent(EVENTLOG_INFORMATION_TYPE, TEXT("running"));

        WaitForSingleObject(ghSvcStopEvent, INFINITE);
        CloseHandle(ghSvcStopEvent);
        ReportSvcStatus(SERVICE_STOPPED, NO_ERROR, 0);
}

int main(int argc, char *argv[]) {
        (void)argc, (void)argv;
        SERVICE_TABLE_ENTRY DispatchTable[] = {{(LPTSTR)SVCNAME, SvcMain}, {NULL, NULL}};
        if (!StartServiceCtrlDispatcher(DispatchTable)) {
                DWORD e = GetLastError();
                LPTSTR msg = NULL;
                FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER |
                                      FORMAT_MESSAGE_IGNORE_INSERTS,
                              NULL, e, 0, (LPTSTR)&msg, 0, NULL);
                fprintf(stderr, "StartServiceCtrlDispatcher: %u %s", (unsigned)e, msg ? msg : "\n");
                LocalFree(msg);
                return 1;
        }
        return 0;
}
