/* SPDX-License-Identifier: MIT */
/*
 * An installer for svc.c, written against the Win32 service API as a
 * Windows installer is: CreateService; ChangeServiceConfig2 for the
 * description, delayed auto-start, failure actions with the non-crash
 * flag, required privileges (Windows names) and the service SID type;
 * QueryServiceConfig2 reads each back; then StartService with arguments,
 * NotifyServiceStatusChange with alertable SleepEx waits for RUNNING,
 * ControlService stops it, and DeleteService removes it.
 *
 *   install PATH-TO-SVC [NAME]
 *
 * Prints what it does; exits 0 when every step succeeded.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

static BOOL step(BOOL ok, const char *what) {
        if (ok) {
                printf("ok: %s\n", what);
        } else {
                printf("FAILED: %s: error %u\n", what, (unsigned)GetLastError());
                failures++;
        }
        return ok;
}

static BOOL notified;

static void CALLBACK OnNotify(PVOID pParameter) {
        SERVICE_NOTIFY *sn = pParameter;
        printf("notified: status %u, state %u\n", (unsigned)sn->dwNotificationStatus,
               (unsigned)sn->ServiceStatus.dwCurrentState);
        notified = TRUE;
}

/* Waits (alertably, at most ms) for hService to enter a state of mask. */
static BOOL WaitForState(SC_HANDLE hService, DWORD mask, DWORD ms) {
        SERVICE_NOTIFY sn = {0};
        sn.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE;
        sn.pfnNotifyCallback = OnNotify;
        notified = FALSE;
        if (NotifyServiceStatusChange(hService, mask, &sn) != ERROR_SUCCESS)
                return FALSE;
        ULONGLONG end = GetTickCount64() + ms;
        while (!notified && GetTickCount64() < end)
                SleepEx(100, TRUE);
        return notified && sn.dwNotificationStatus == ERROR_SUCCESS;
}

static void Configure(SC_HANDLE hService) {
        SERVICE_DESCRIPTION sd = {(LPSTR) "A sample service ported from Windows"};
        step(ChangeServiceConfig2(hService, SERVICE_CONFIG_DESCRIPTION, &sd), "description");
        SERVICE_DELAYED_AUTO_START_INFO delayed = {TRUE};
        step(ChangeServiceConfig2(hService, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed),
             "delayed auto-start");
        SC_ACTION actions[2] = {{SC_ACTION_RESTART, 5000}, {SC_ACTION_NONE, 0}};
        SERVICE_FAILURE_ACTIONS fa = {86400, NULL, NULL, 2, actions};
        step(ChangeServiceConfig2(hService, SERVICE_CONFIG_FAILURE_ACTIONS, &fa),
             "failure actions");
        SERVICE_FAILURE_ACTIONS_FLAG flag = {TRUE};
        step(ChangeServiceConfig2(hService, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag),
             "failure actions on non-crash failures");
        SERVICE_REQUIRED_PRIVILEGES_INFO rp = {
                (LPSTR) "SeChangeNotifyPrivilege\0SeIncreaseBasePriorityPrivilege\0"};
        step(ChangeServiceConfig2(hService, SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, &rp),
             "required privileges");
        SERVICE_SID_INFO sid = {SERVICE_SID_TYPE_UNRESTRICTED};
        step(ChangeServiceConfig2(hService, SERVICE_CONFIG_SERVICE_SID_INFO, &sid), "SID type");
}

static BOOL Query2(SC_HANDLE hService, DWORD level, BYTE *buf, DWORD size) {
        DWORD needed = 0;
        return QueryServiceConfig2(hService, level, buf, size, &needed);
}

static void ReadBack(SC_HANDLE hService) {
        static BYTE buf[8192];
        if (step(Query2(hService, SERVICE_CONFIG_DESCRIPTION, buf, sizeof(buf)),
                 "query description"))
                printf("  description: %s\n", ((SERVICE_DESCRIPTION *)buf)->lpDescription);
        if (step(Query2(hService, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, buf, sizeof(buf)),
                 "query delayed auto-start"))
                printf("  delayed: %d\n",
                       ((SERVICE_DELAYED_AUTO_START_INFO *)buf)->fDelayedAutostart);
        if (step(Query2(hService, SERVICE_CONFIG_FAILURE_ACTIONS, buf, sizeof(buf)),
                 "query failure actions")) {
                SERVICE_FAILURE_ACTIONS *fa = (SERVICE_FAILURE_ACTIONS *)buf;
                printf("  reset period: %u, actions: %u, first: type %d delay %u\n",
                       (unsigned)fa->dwResetPeriod, (unsigned)fa->cActions,
                       fa->cActions ? (int)fa->lpsaActions[0].Type : -1,
                       fa->cActions ? (unsigned)fa->lpsaActions[0].Delay : 0);
        }
        if (step(Query2(hService, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, buf, sizeof(buf)),
                 "query failure actions flag"))
                printf("  non-crash failures: %d\n",
                       ((SERVICE_FAILURE_ACTIONS_FLAG *)buf)->fFailureActionsOnNonCrashFailures);
        if (step(Query2(hService, SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, buf, sizeof(buf)),
                 "query required privileges")) {
                printf("  privileges:");
                for (char *p = ((SERVICE_REQUIRED_PRIVILEGES_INFO *)buf)->pmszRequiredPrivileges;
                     p && *p; p += strlen(p) + 1)
                        printf(" %s", p);
                printf("\n");
        }
        if (step(Query2(hService, SERVICE_CONFIG_SERVICE_SID_INFO, buf, sizeof(buf)),
                 "query SID type"))
                printf("  SID type: %u\n", (unsigned)((SERVICE_SID_INFO *)buf)->dwServiceSidType);
}

static void Run(SC_HANDLE hService) {
        LPCSTR args[] = {"hello", "from the installer"};
        if (!step(StartService(hService, 2, args), "start"))
                return;
        step(WaitForState(hService, SERVICE_NOTIFY_RUNNING, 30000), "notified: running");
        SERVICE_STATUS ss;
        step(ControlService(hService, 128, &ss), "custom control 128");
        step(ControlService(hService, SERVICE_CONTROL_STOP, &ss), "stop");
        step(WaitForState(hService, SERVICE_NOTIFY_STOPPED, 30000), "notified: stopped");
}

int main(int argc, char *argv[]) {
        if (argc < 2) {
                fprintf(stderr, "usage: install PATH-TO-SVC [NAME]\n");
                return 2;
        }
        LPCSTR name = argc > 2 ? argv[2] : "Win32Sample";
        SC_HANDLE hSCManager = OpenSCManager(NULL, NULL, SC_MANAGER_ALL_ACCESS);
        if (!step(hSCManager != NULL, "OpenSCManager"))
                return 1;
        SC_HANDLE hService =
                CreateService(hSCManager, name, "Win32 sample service", SERVICE_ALL_ACCESS,
                              SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                              argv[1], NULL, NULL, NULL, NULL, NULL);
        if (!step(hService != NULL, "CreateService")) {
                CloseServiceHandle(hSCManager);
                return 1;
        }
        Configure(hService);
        ReadBack(hService);
        Run(hService);
        step(DeleteService(hService), "DeleteService");
        CloseServiceHandle(hService);
        CloseServiceHandle(hSCManager);
        printf("%s\n", failures ? "some steps failed" : "all steps succeeded");
        return failures ? 1 : 0;
}
