/* SPDX-License-Identifier: MIT */
/*
 * The Win32 layer checked against a real scmd, one TAP point per fact, in
 * the spirit of Wine's and ReactOS's conformance tests of the service API:
 * bad handles and names, buffer sizes and the bytes needed, per-handle
 * access rights, state errors, enumeration paging, Config2 levels,
 * notifications (masks, delivery as an APC, cancellation) and the kernel32
 * subset.  The service it starts is examples/win32/svc.c.
 *
 *   win32_check PATH-TO-WIN32-SVC     (SCM_SOCKET names scmd's socket)
 */
#include <windows.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static const char *svc_path;
static char buf[16384];

#define CHECK_ERR(call, err, what)                                                                 \
        do {                                                                                       \
                SetLastError(0xdeadbeef);                                                          \
                BOOL ok_ = (BOOL)(uintptr_t)(call);                                                \
                DWORD e_ = GetLastError();                                                         \
                tap(!ok_ && e_ == (DWORD)(err), "%s: %s (got %s, error %u)", what, #err,           \
                    ok_ ? "success" : "failure", (unsigned)e_);                                    \
        } while (0)

static SC_HANDLE scm(DWORD access) {
        return OpenSCManagerA(NULL, NULL, access);
}

static SC_HANDLE create(SC_HANDLE m, const char *name) {
        return CreateServiceA(m, name, NULL, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                              SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, svc_path, NULL, NULL,
                              NULL, NULL, NULL);
}

static void test_open_scm(void) {
        SC_HANDLE h = scm(0);
        tap(h != NULL, "OpenSCManager(NULL, NULL, 0) succeeds");
        CloseServiceHandle(h);
        CHECK_ERR(OpenSCManagerA(NULL, "DoesNotExist", SC_MANAGER_CONNECT), ERROR_INVALID_NAME,
                  "unknown database");
        CHECK_ERR(OpenSCManagerA(NULL, SERVICES_FAILED_DATABASEA, SC_MANAGER_CONNECT),
                  ERROR_DATABASE_DOES_NOT_EXIST, "ServicesFailed");
        CHECK_ERR(OpenSCManagerA("no-such-host", NULL, SC_MANAGER_CONNECT),
                  RPC_S_SERVER_UNAVAILABLE, "another machine");
        h = OpenSCManagerA("", SERVICES_ACTIVE_DATABASEA, SC_MANAGER_CONNECT);
        tap(h != NULL, "OpenSCManager(\"\", ServicesActive) succeeds");
        CloseServiceHandle(h);
        h = OpenSCManagerW(L".", SERVICES_ACTIVE_DATABASEW, SC_MANAGER_CONNECT);
        tap(h != NULL, "OpenSCManagerW(L\".\") succeeds");
        CloseServiceHandle(h);
}

static void test_bad_handles(void) {
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        CHECK_ERR(OpenServiceA(NULL, "x", GENERIC_READ), ERROR_INVALID_HANDLE, "OpenService(NULL)");
        CHECK_ERR(CloseServiceHandle(NULL), ERROR_INVALID_HANDLE, "CloseServiceHandle(NULL)");
        CHECK_ERR(CloseServiceHandle((SC_HANDLE)(uintptr_t)0x12340), ERROR_INVALID_HANDLE,
                  "CloseServiceHandle(made up)");
        CHECK_ERR(QueryServiceStatus((SC_HANDLE)(uintptr_t)0xdeadbeef, NULL), ERROR_INVALID_HANDLE,
                  "QueryServiceStatus(garbage)");
        CHECK_ERR(QueryServiceStatus(m, (SERVICE_STATUS *)buf), ERROR_INVALID_HANDLE,
                  "QueryServiceStatus(an SCM handle)");
        CHECK_ERR(CloseHandle((HANDLE)m), ERROR_INVALID_HANDLE, "CloseHandle(an SC_HANDLE)");
        HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
        CHECK_ERR(CloseServiceHandle((SC_HANDLE)ev), ERROR_INVALID_HANDLE,
                  "CloseServiceHandle(an event)");
        CloseHandle(ev);
        tap(CloseServiceHandle(m), "CloseServiceHandle(SCM) succeeds");
        CHECK_ERR(CloseServiceHandle(m), ERROR_INVALID_HANDLE, "closing it twice");
        CHECK_ERR(OpenServiceA(m, "x", GENERIC_READ), ERROR_INVALID_HANDLE,
                  "OpenService on a closed SCM handle");
        CHECK_ERR(UnlockServiceDatabase((SC_LOCK)m), ERROR_INVALID_SERVICE_LOCK,
                  "UnlockServiceDatabase(not a lock)");
}

static void test_open_create(void) {
        SC_HANDLE c = scm(SC_MANAGER_CONNECT), m = scm(SC_MANAGER_ALL_ACCESS);
        CHECK_ERR(OpenServiceA(c, NULL, GENERIC_READ), ERROR_INVALID_ADDRESS,
                  "OpenService(NULL name)");
        CHECK_ERR(OpenServiceA(c, "deadbeef", GENERIC_READ), ERROR_SERVICE_DOES_NOT_EXIST,
                  "OpenService(nonexistent)");
        CHECK_ERR(CreateServiceA(NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL),
                  ERROR_INVALID_HANDLE, "CreateService(all NULL)");
        CHECK_ERR(CreateServiceA(c, NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL),
                  ERROR_INVALID_ADDRESS, "CreateService(NULL name)");
        CHECK_ERR(create(c, "w32a"), ERROR_ACCESS_DENIED,
                  "CreateService on a handle without SC_MANAGER_CREATE_SERVICE");
        CHECK_ERR(create(m, ""), ERROR_INVALID_NAME, "CreateService(\"\")");
        CHECK_ERR(CreateServiceA(m, "w32a", NULL, 0, SERVICE_WIN32_OWN_PROCESS,
                                 SERVICE_DEMAND_START, 0, "", NULL, NULL, NULL, NULL, NULL),
                  ERROR_INVALID_PARAMETER, "CreateService(empty path)");
        CHECK_ERR(CreateServiceA(m, "w32a", NULL, 0,
                                 SERVICE_WIN32_OWN_PROCESS | SERVICE_WIN32_SHARE_PROCESS,
                                 SERVICE_DEMAND_START, 0, svc_path, NULL, NULL, NULL, NULL, NULL),
                  ERROR_INVALID_PARAMETER, "CreateService(own|share)");
        CHECK_ERR(CreateServiceA(m, "w32a", NULL, 0, SERVICE_WIN32_OWN_PROCESS, SERVICE_BOOT_START,
                                 0, svc_path, NULL, NULL, NULL, NULL, NULL),
                  ERROR_INVALID_PARAMETER, "CreateService(own, boot start)");
        CHECK_ERR(CreateServiceA(m, "w32a", NULL, 0, SERVICE_WIN32_OWN_PROCESS,
                                 SERVICE_DEMAND_START, 0, svc_path, NULL, NULL, NULL,
                                 "OTHERDOMAIN\\bob", NULL),
                  ERROR_INVALID_SERVICE_ACCOUNT, "CreateService(another domain's account)");
        SC_HANDLE s = create(m, "w32a");
        tap(s != NULL, "CreateService(w32a) succeeds (error %u)", (unsigned)GetLastError());
        CHECK_ERR(create(m, "W32A"), ERROR_SERVICE_EXISTS, "CreateService of an existing name");
        CloseServiceHandle(s);
        CloseServiceHandle(c);
        CloseServiceHandle(m);
}

static void test_query_config(void) {
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        SC_HANDLE s = OpenServiceA(m, "w32a", SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG);
        DWORD needed = 0;
        CHECK_ERR(QueryServiceConfigA(s, NULL, 0, &needed), ERROR_INSUFFICIENT_BUFFER,
                  "QueryServiceConfig with no buffer");
        tap(needed > sizeof(QUERY_SERVICE_CONFIGA), "it needs %u bytes", (unsigned)needed);
        DWORD got = 0;
        CHECK_ERR(QueryServiceConfigA(s, (void *)buf, needed - 1, &got), ERROR_INSUFFICIENT_BUFFER,
                  "a buffer one byte short");
        tap(got == needed, "needed again: %u", (unsigned)got);
        QUERY_SERVICE_CONFIGA *qc = (void *)buf;
        tap(QueryServiceConfigA(s, qc, needed, &got), "QueryServiceConfig with that size");
        tap(qc->dwServiceType == SERVICE_WIN32_OWN_PROCESS &&
                    qc->dwStartType == SERVICE_DEMAND_START &&
                    qc->dwErrorControl == SERVICE_ERROR_NORMAL,
            "type, start, error control: %#x %u %u", (unsigned)qc->dwServiceType,
            (unsigned)qc->dwStartType, (unsigned)qc->dwErrorControl);
        tap(strcmp(qc->lpBinaryPathName, svc_path) == 0, "path: %s", qc->lpBinaryPathName);
        tap(strcmp(qc->lpServiceStartName, "LocalSystem") == 0, "account: %s",
            qc->lpServiceStartName);
        tap(strcmp(qc->lpDisplayName, "w32a") == 0, "display name defaults to the name");
        tap(qc->lpDependencies && qc->lpDependencies[0] == 0, "no dependencies: an empty list");
        tap(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, NULL,
                                 "W32Group", NULL, "w32dep\0+W32Group2\0", ".\\root", "secret",
                                 "W32 A"),
            "ChangeServiceConfig: group, dependencies, account, display name");
        QUERY_SERVICE_CONFIGW *qw = (void *)buf;
        tap(QueryServiceConfigW(s, qw, sizeof(buf), &got), "QueryServiceConfigW");
        tap(wcscmp(qw->lpDisplayName, L"W32 A") == 0 &&
                    wcscmp(qw->lpLoadOrderGroup, L"W32Group") == 0,
            "W strings: display name and group");
        tap(wcscmp(qw->lpServiceStartName, L".\\root") == 0, "account reads back as .\\root");
        tap(wcscmp(qw->lpDependencies, L"w32dep") == 0 &&
                    wcscmp(qw->lpDependencies + 7, L"+W32Group2") == 0,
            "dependencies as a multi-string, the group with '+'");
        tap(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, NULL,
                                 "", NULL, "\0", "LocalSystem", NULL, NULL),
            "ChangeServiceConfig: back to no group, no dependencies, LocalSystem");
        CHECK_ERR(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, 7, SERVICE_NO_CHANGE, NULL, NULL, NULL,
                                       NULL, NULL, NULL, NULL),
                  ERROR_INVALID_PARAMETER, "a start type that does not exist");
        CloseServiceHandle(s);
        CloseServiceHandle(m);
}

static void test_access(void) {
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        SC_HANDLE s = OpenServiceA(m, "w32a", SERVICE_QUERY_STATUS);
        DWORD needed;
        tap(QueryServiceStatus(s, (SERVICE_STATUS *)buf), "QUERY_STATUS handle: status");
        CHECK_ERR(QueryServiceConfigA(s, (void *)buf, sizeof(buf), &needed), ERROR_ACCESS_DENIED,
                  "QUERY_STATUS handle: QueryServiceConfig");
        CHECK_ERR(StartServiceA(s, 0, NULL), ERROR_ACCESS_DENIED, "QUERY_STATUS handle: start");
        CHECK_ERR(DeleteService(s), ERROR_ACCESS_DENIED, "QUERY_STATUS handle: delete");
        CHECK_ERR(ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_DISABLED, SERVICE_NO_CHANGE,
                                       NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                  ERROR_ACCESS_DENIED, "QUERY_STATUS handle: ChangeServiceConfig");
        CHECK_ERR(
                QueryServiceObjectSecurity(s, DACL_SECURITY_INFORMATION, buf, sizeof(buf), &needed),
                ERROR_ACCESS_DENIED, "QUERY_STATUS handle: QueryServiceObjectSecurity");
        CloseServiceHandle(s);
        s = OpenServiceA(m, "w32a", GENERIC_READ);
        CHECK_ERR(QueryServiceObjectSecurity(s, DACL_SECURITY_INFORMATION, NULL, 0, &needed),
                  ERROR_INSUFFICIENT_BUFFER, "QueryServiceObjectSecurity with no buffer");
        tap(QueryServiceObjectSecurity(s, DACL_SECURITY_INFORMATION, buf, needed, &needed) &&
                    strstr(buf, "allow everyone"),
            "the access list in its text form: %.60s", buf);
        tap(QueryServiceConfigA(s, (void *)buf, sizeof(buf), &needed),
            "GENERIC_READ handle: QueryServiceConfig");
        CHECK_ERR(ControlService(s, SERVICE_CONTROL_STOP, (SERVICE_STATUS *)buf),
                  ERROR_ACCESS_DENIED, "GENERIC_READ handle: stop");
        CHECK_ERR(EnumServicesStatusA(m, SERVICE_WIN32, SERVICE_STATE_ALL, NULL, 0, &needed,
                                      &needed, NULL),
                  ERROR_ACCESS_DENIED, "SCM handle without ENUMERATE_SERVICE: EnumServicesStatus");
        CHECK_ERR(LockServiceDatabase(m), ERROR_ACCESS_DENIED,
                  "SCM handle without LOCK: LockServiceDatabase");
        CloseServiceHandle(s);
        CloseServiceHandle(m);
}

static DWORD query2(SC_HANDLE s, DWORD level) {
        DWORD needed = 0;
        return QueryServiceConfig2A(s, level, (BYTE *)buf, sizeof(buf), &needed) ? 0
                                                                                 : GetLastError();
}

static void test_config2(void) {
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        SC_HANDLE s = OpenServiceA(m, "w32a", SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG);
        SERVICE_DESCRIPTIONA d = {"a test service"};
        tap(ChangeServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, &d), "set the description");
        DWORD needed = 0;
        CHECK_ERR(QueryServiceConfig2A(s, SERVICE_CONFIG_DESCRIPTION, (BYTE *)buf, 4, &needed),
                  ERROR_INSUFFICIENT_BUFFER, "description into 4 bytes");
        tap(needed == sizeof(SERVICE_DESCRIPTIONA) + strlen("a test service") + 1,
            "needed: the structure and the string (%u)", (unsigned)needed);
        tap(query2(s, SERVICE_CONFIG_DESCRIPTION) == 0 &&
                    strcmp(((SERVICE_DESCRIPTIONA *)buf)->lpDescription, "a test service") == 0,
            "the description reads back");
        SERVICE_DELAYED_AUTO_START_INFO delayed = {TRUE};
        CHECK_ERR(ChangeServiceConfig2A(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed),
                  ERROR_INVALID_PARAMETER, "delayed auto-start on a demand-start service");
        ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_AUTO_START, SERVICE_NO_CHANGE, NULL,
                             NULL, NULL, NULL, NULL, NULL, NULL);
        tap(ChangeServiceConfig2A(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed),
            "delayed auto-start on an auto-start service");
        tap(query2(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO) == 0 &&
                    ((SERVICE_DELAYED_AUTO_START_INFO *)buf)->fDelayedAutostart,
            "delayed reads back TRUE");
        QueryServiceConfigA(s, (void *)buf, sizeof(buf), &needed);
        tap(((QUERY_SERVICE_CONFIGA *)buf)->dwStartType == SERVICE_AUTO_START,
            "QueryServiceConfig says SERVICE_AUTO_START");
        ChangeServiceConfigA(s, SERVICE_NO_CHANGE, SERVICE_DEMAND_START, SERVICE_NO_CHANGE, NULL,
                             NULL, NULL, NULL, NULL, NULL, NULL);
        SC_ACTION a[2] = {{SC_ACTION_RESTART, 1000}, {SC_ACTION_RUN_COMMAND, 2000}};
        SERVICE_FAILURE_ACTIONSA fa = {3600, NULL, "/bin/true", 2, a};
        CHECK_ERR(ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa),
                  ERROR_ACCESS_DENIED, "a restart action without SERVICE_START on the handle");
        SC_HANDLE s2 = OpenServiceA(m, "w32a", SERVICE_ALL_ACCESS);
        tap(ChangeServiceConfig2A(s2, SERVICE_CONFIG_FAILURE_ACTIONS, &fa), "failure actions set");
        SERVICE_FAILURE_ACTIONSA *q = (void *)buf;
        tap(query2(s2, SERVICE_CONFIG_FAILURE_ACTIONS) == 0 && q->dwResetPeriod == 3600 &&
                    q->cActions == 2 && q->lpsaActions[0].Type == SC_ACTION_RESTART &&
                    q->lpsaActions[1].Delay == 2000 && strcmp(q->lpCommand, "/bin/true") == 0,
            "failure actions read back");
        SERVICE_FAILURE_ACTIONS_FLAG flag = {TRUE};
        tap(ChangeServiceConfig2A(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag) &&
                    query2(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG) == 0 &&
                    ((SERVICE_FAILURE_ACTIONS_FLAG *)buf)->fFailureActionsOnNonCrashFailures,
            "failure-actions flag set and read back");
        SERVICE_SID_INFO sid = {SERVICE_SID_TYPE_UNRESTRICTED};
        tap(ChangeServiceConfig2A(s, SERVICE_CONFIG_SERVICE_SID_INFO, &sid) &&
                    query2(s, SERVICE_CONFIG_SERVICE_SID_INFO) == 0 &&
                    ((SERVICE_SID_INFO *)buf)->dwServiceSidType == SERVICE_SID_TYPE_UNRESTRICTED,
            "SID type set and read back");
        sid.dwServiceSidType = 2;
        CHECK_ERR(ChangeServiceConfig2A(s, SERVICE_CONFIG_SERVICE_SID_INFO, &sid),
                  ERROR_INVALID_PARAMETER, "SID type 2");
        sid.dwServiceSidType = SERVICE_SID_TYPE_NONE;
        ChangeServiceConfig2A(s, SERVICE_CONFIG_SERVICE_SID_INFO, &sid);
        SERVICE_REQUIRED_PRIVILEGES_INFOA rp = {"SeBackupPrivilege\0CAP_NET_BIND_SERVICE\0"};
        tap(ChangeServiceConfig2A(s, SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, &rp),
            "required privileges: a Windows name and a capability");
        DWORD e = query2(s, SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO);
        char *p = e ? "" : ((SERVICE_REQUIRED_PRIVILEGES_INFOA *)buf)->pmszRequiredPrivileges;
        tap(e == 0 && strcmp(p, "CAP_DAC_READ_SEARCH") == 0 &&
                    strcmp(p + strlen(p) + 1, "CAP_NET_BIND_SERVICE") == 0,
            "they read back as capabilities: %s", p);
        rp.pmszRequiredPrivileges = "SeNoSuchPrivilege\0";
        CHECK_ERR(ChangeServiceConfig2A(s, SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, &rp),
                  ERROR_INVALID_PARAMETER, "an unknown Windows privilege");
        SERVICE_PRESHUTDOWN_INFO pre = {5000};
        tap(ChangeServiceConfig2A(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, &pre) &&
                    query2(s, SERVICE_CONFIG_PRESHUTDOWN_INFO) == 0 &&
                    ((SERVICE_PRESHUTDOWN_INFO *)buf)->dwPreshutdownTimeout == 5000,
            "preshutdown timeout set and read back");
        CHECK_ERR(ChangeServiceConfig2A(s, 99, &pre), ERROR_INVALID_LEVEL, "level 99");
        tap(query2(s, SERVICE_CONFIG_LAUNCH_PROTECTED) == ERROR_NOT_SUPPORTED,
            "LAUNCH_PROTECTED is not supported");
        SERVICE_DESCRIPTIONW dw = {L"wide \u00e9t\u00e9"};
        tap(ChangeServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, &dw) &&
                    QueryServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, (BYTE *)buf, sizeof(buf),
                                         &needed) &&
                    wcscmp(((SERVICE_DESCRIPTIONW *)buf)->lpDescription, L"wide \u00e9t\u00e9") ==
                            0,
            "a non-ASCII description round-trips through W");
        CloseServiceHandle(s2);
        CloseServiceHandle(s);
        CloseServiceHandle(m);
}

static int calls;
static DWORD last_triggered, last_status, last_state;
static char last_names[256];

static void CALLBACK on_notify(PVOID p) {
        SERVICE_NOTIFY_2A *n = p;
        calls++;
        last_triggered = n->dwNotificationTriggered;
        last_status = n->dwNotificationStatus;
        last_state = n->ServiceStatus.dwCurrentState;
        snprintf(last_names, sizeof(last_names), "%s",
                 n->pszServiceNames ? n->pszServiceNames : "");
        LocalFree(n->pszServiceNames);
}

/* SleepEx alertably until the count of callbacks reaches want or ms pass. */
static bool wait_calls(int want, DWORD ms) {
        ULONGLONG end = GetTickCount64() + ms;
        while (calls < want && GetTickCount64() < end)
                SleepEx(50, TRUE);
        return calls >= want;
}

static void test_states_and_notify(void) {
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        SC_HANDLE s = OpenServiceA(m, "w32a", SERVICE_ALL_ACCESS);
        SERVICE_STATUS st = {0};
        CHECK_ERR(ControlService(s, SERVICE_CONTROL_STOP, &st), ERROR_SERVICE_NOT_ACTIVE,
                  "stop a stopped service");
        tap(st.dwCurrentState == SERVICE_STOPPED, "the status is still filled in: stopped");
        static SERVICE_NOTIFY_2A n;
        n = (SERVICE_NOTIFY_2A){.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE,
                                .pfnNotifyCallback = on_notify};
        tap(NotifyServiceStatusChangeA(s, 0, &n) == ERROR_INVALID_PARAMETER, "an empty mask");
        tap(NotifyServiceStatusChangeA(s, SERVICE_NOTIFY_CREATED, &n) == ERROR_INVALID_PARAMETER,
            "CREATED on a service handle");
        calls = 0;
        tap(NotifyServiceStatusChangeA(s, SERVICE_NOTIFY_STOPPED, &n) == ERROR_SUCCESS,
            "notify STOPPED on a stopped service");
        tap(NotifyServiceStatusChangeA(s, SERVICE_NOTIFY_STOPPED, &n) == ERROR_ALREADY_REGISTERED,
            "a second registration on the handle");
        Sleep(300);
        tap(calls == 0, "no callback without an alertable wait");
        tap(wait_calls(1, 10000) && last_triggered == SERVICE_NOTIFY_STOPPED &&
                    last_state == SERVICE_STOPPED,
            "the callback comes at SleepEx: triggered %#x", (unsigned)last_triggered);
        SleepEx(300, TRUE);
        tap(calls == 1, "one callback per call");
        tap(NotifyServiceStatusChangeA(s, SERVICE_NOTIFY_RUNNING, &n) == ERROR_SUCCESS,
            "notify RUNNING");
        LPCSTR args[] = {"one"};
        tap(StartServiceA(s, 1, args), "StartService (error %u)", (unsigned)GetLastError());
        CHECK_ERR(StartServiceA(s, 0, NULL), ERROR_SERVICE_ALREADY_RUNNING, "start it again");
        tap(wait_calls(2, 30000) && last_state == SERVICE_RUNNING && last_status == 0,
            "notified RUNNING");
        DWORD needed = 0;
        CHECK_ERR(QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)buf, 8, &needed),
                  ERROR_INSUFFICIENT_BUFFER, "QueryServiceStatusEx into 8 bytes");
        tap(needed == sizeof(SERVICE_STATUS_PROCESS), "needed: %u", (unsigned)needed);
        CHECK_ERR(QueryServiceStatusEx(s, 1, (BYTE *)buf, sizeof(buf), &needed),
                  ERROR_INVALID_LEVEL, "QueryServiceStatusEx level 1");
        SERVICE_STATUS_PROCESS *sp = (void *)buf;
        tap(QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)buf, sizeof(buf), &needed) &&
                    sp->dwProcessId > 0 && sp->dwControlsAccepted == SERVICE_ACCEPT_STOP,
            "running with a pid, accepting stop");
        tap(ControlService(s, 128, &st), "custom control 128 (error %u)", (unsigned)GetLastError());
        CHECK_ERR(ControlService(s, 129, &st), ERROR_CALL_NOT_IMPLEMENTED,
                  "custom control 129: the handler's answer");
        CHECK_ERR(ControlService(s, SERVICE_CONTROL_PAUSE, &st), ERROR_INVALID_SERVICE_CONTROL,
                  "pause a service that does not accept it");
        tap(st.dwCurrentState == SERVICE_RUNNING, "the status is filled in: running");
        CHECK_ERR(ControlService(s, SERVICE_CONTROL_SHUTDOWN, &st), ERROR_INVALID_PARAMETER,
                  "SERVICE_CONTROL_SHUTDOWN from a client");
        /* Cancellation: a registration on a handle that is then closed. */
        SC_HANDLE s3 = OpenServiceA(m, "w32a", SERVICE_QUERY_STATUS);
        static SERVICE_NOTIFY_2A n3;
        n3 = n;
        tap(NotifyServiceStatusChangeA(s3, SERVICE_NOTIFY_STOPPED, &n3) == ERROR_SUCCESS,
            "notify STOPPED on a second handle");
        tap(CloseServiceHandle(s3), "close that handle");
        tap(NotifyServiceStatusChangeA(s, SERVICE_NOTIFY_STOPPED, &n) == ERROR_SUCCESS,
            "notify STOPPED on the first");
        SERVICE_CONTROL_STATUS_REASON_PARAMSW why = {.dwReason = 0, .pszComment = L"w32 stop ü"};
        CHECK_ERR(ControlServiceExW(s, SERVICE_CONTROL_STOP, 2, &why), ERROR_INVALID_LEVEL,
                  "ControlServiceEx, level 2");
        CHECK_ERR(ControlServiceExW(s, SERVICE_CONTROL_STOP, SERVICE_CONTROL_STATUS_REASON_INFO,
                                    &why),
                  ERROR_INVALID_PARAMETER, "a stop without a reason");
        why.dwReason = SERVICE_STOP_REASON_MAJOR_SOFTWARE | SERVICE_STOP_REASON_MINOR_RECONFIG;
        CHECK_ERR(ControlServiceExW(s, SERVICE_CONTROL_STOP, SERVICE_CONTROL_STATUS_REASON_INFO,
                                    &why),
                  ERROR_INVALID_PARAMETER, "a reason without a flag");
        why.dwReason = SERVICE_STOP_REASON_FLAG_PLANNED | SERVICE_STOP_REASON_MAJOR_SOFTWARE |
                       SERVICE_STOP_REASON_MINOR_RECONFIG;
        tap(ControlServiceExW(s, SERVICE_CONTROL_STOP, SERVICE_CONTROL_STATUS_REASON_INFO, &why) &&
                    why.ServiceStatus.dwCurrentState == SERVICE_STOP_PENDING,
            "ControlServiceExW stop with a reason: stop-pending");
        tap(wait_calls(3, 30000) && last_state == SERVICE_STOPPED, "notified STOPPED");
        SleepEx(500, TRUE);
        tap(calls == 3, "the closed handle's registration never called back (%d calls)", calls);
        CloseServiceHandle(s);
        CloseServiceHandle(m);
}

static void test_enumerate(void) {
        SC_HANDLE m = scm(SC_MANAGER_ALL_ACCESS);
        char name[32];
        for (int i = 0; i < 6; i++) {
                snprintf(name, sizeof(name), "w32e%d", i);
                CloseServiceHandle(create(m, name));
        }
        DWORD needed = 0, count = 0, resume = 0, total = 0, rounds = 0;
        CHECK_ERR(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, 0, NULL, 0, &needed,
                                        &count, &resume, NULL),
                  ERROR_INVALID_PARAMETER, "state 0");
        CHECK_ERR(EnumServicesStatusExA(m, 7, SERVICE_WIN32, SERVICE_STATE_ALL, NULL, 0, &needed,
                                        &count, &resume, NULL),
                  ERROR_INVALID_LEVEL, "level 7");
        CHECK_ERR(EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                        NULL, 0, &needed, &count, &resume, NULL),
                  ERROR_MORE_DATA, "no buffer");
        DWORD all = needed;
        tap(count == 0 && resume == 0 && needed > 0, "needed %u, none returned", (unsigned)needed);
        BOOL ok;
        do {
                ok = EnumServicesStatusExA(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
                                           SERVICE_STATE_ALL, (BYTE *)buf, 200, &needed, &count,
                                           &resume, NULL);
                total += count;
                rounds++;
        } while (!ok && GetLastError() == ERROR_MORE_DATA && count > 0 && rounds < 100);
        tap(ok && resume == 0, "paged to the end in %u calls of 200 bytes", (unsigned)rounds);
        tap(total == 7 && rounds > 2, "every service came once: %u", (unsigned)total);
        ok = EnumServicesStatusExW(m, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                   (BYTE *)buf, sizeof(buf), &needed, &count, NULL, NULL);
        ENUM_SERVICE_STATUS_PROCESSW *e = (void *)buf;
        tap(ok && count == 7 && wcscmp(e[1].lpServiceName, L"w32e0") == 0,
            "EnumServicesStatusExW in one buffer");
        ok = EnumServicesStatusA(m, SERVICE_WIN32, SERVICE_INACTIVE, (void *)buf, all, &needed,
                                 &count, NULL);
        tap(ok && count == 7, "EnumServicesStatus in the size it asked for (%u)", (unsigned)all);
        ok = EnumServicesStatusA(m, SERVICE_DRIVER, SERVICE_STATE_ALL, (void *)buf, sizeof(buf),
                                 &needed, &count, NULL);
        tap(ok && count == 0, "no driver services");
        CloseServiceHandle(m);
}

static void test_names(void) {
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        DWORD cch = 0;
        char name[64];
        WCHAR wname[64];
        CHECK_ERR(GetServiceDisplayNameA(m, "w32a", NULL, &cch), ERROR_INSUFFICIENT_BUFFER,
                  "GetServiceDisplayName with no buffer");
        tap(cch == 5, "its length: %u", (unsigned)cch);
        cch = sizeof(name);
        tap(GetServiceDisplayNameA(m, "w32a", name, &cch) && strcmp(name, "W32 A") == 0,
            "GetServiceDisplayName: %s", name);
        cch = sizeof(name);
        strcpy(name, "ABC");
        CHECK_ERR(GetServiceDisplayNameA(m, "deadbeef", name, &cch), ERROR_SERVICE_DOES_NOT_EXIST,
                  "display name of no service");
        tap(name[0] == 0, "the buffer is emptied");
        cch = 64;
        tap(GetServiceKeyNameW(m, L"w32 a", wname, &cch) && wcscmp(wname, L"w32a") == 0 && cch == 4,
            "GetServiceKeyNameW, any case");
        cch = 64;
        CHECK_ERR(GetServiceKeyNameA(m, "nothing shows this", name, &cch),
                  ERROR_SERVICE_DOES_NOT_EXIST, "key name of no display name");
        cch = 0;
        CHECK_ERR(GetServiceKeyNameA(m, "W32 A", NULL, &cch), ERROR_INSUFFICIENT_BUFFER,
                  "GetServiceKeyName with no buffer");
        tap(cch == 4, "the key name's length: %u", (unsigned)cch);
        /* As Windows (Wine's test_open_svc, test_get_servicekeyname): the
         * display name only; OpenService takes the name only. */
        cch = sizeof(name);
        CHECK_ERR(GetServiceKeyNameA(m, "w32a", name, &cch), ERROR_SERVICE_DOES_NOT_EXIST,
                  "GetServiceKeyName of a name that is not a display name");
        CHECK_ERR(OpenServiceA(m, "W32 A", GENERIC_READ), ERROR_SERVICE_DOES_NOT_EXIST,
                  "OpenService with a display name");
        CloseServiceHandle(m);
}

static void test_created_deleted(void) {
        SC_HANDLE m = scm(SC_MANAGER_ALL_ACCESS);
        static SERVICE_NOTIFY_2A n;
        n = (SERVICE_NOTIFY_2A){.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE,
                                .pfnNotifyCallback = on_notify};
        tap(NotifyServiceStatusChangeA(m, SERVICE_NOTIFY_RUNNING, &n) == ERROR_INVALID_PARAMETER,
            "RUNNING on an SCM handle");
        calls = 0;
        tap(NotifyServiceStatusChangeA(m, SERVICE_NOTIFY_CREATED, &n) == ERROR_SUCCESS,
            "notify CREATED");
        SC_HANDLE s = create(m, "w32new");
        tap(wait_calls(1, 10000) && last_triggered == SERVICE_NOTIFY_CREATED &&
                    strcmp(last_names, "/w32new") == 0,
            "created: '%s'", last_names);
        tap(NotifyServiceStatusChangeA(m, SERVICE_NOTIFY_DELETED, &n) == ERROR_SUCCESS,
            "notify DELETED");
        tap(DeleteService(s), "DeleteService while a handle is open");
        tap(QueryServiceStatus(s, (SERVICE_STATUS *)buf), "the open handle still works");
        CHECK_ERR(DeleteService(s), ERROR_SERVICE_MARKED_FOR_DELETE, "delete it again");
        SleepEx(300, TRUE);
        tap(calls == 1, "not deleted while open");
        CloseServiceHandle(s);
        tap(wait_calls(2, 10000) && last_triggered == SERVICE_NOTIFY_DELETED &&
                    strcmp(last_names, "w32new") == 0,
            "deleted once closed: '%s'", last_names);
        CloseServiceHandle(m);
}

static void test_lock(void) {
        SC_HANDLE a = scm(SC_MANAGER_ALL_ACCESS), b = scm(SC_MANAGER_ALL_ACCESS);
        SC_LOCK l = LockServiceDatabase(a);
        tap(l != NULL, "LockServiceDatabase");
        CHECK_ERR(LockServiceDatabase(b), ERROR_SERVICE_DATABASE_LOCKED, "lock it again");
        DWORD needed = 0;
        CHECK_ERR(QueryServiceLockStatusA(b, NULL, 0, &needed), ERROR_INSUFFICIENT_BUFFER,
                  "QueryServiceLockStatus with no buffer");
        QUERY_SERVICE_LOCK_STATUSA *ls = (void *)buf;
        tap(QueryServiceLockStatusA(b, ls, needed, &needed) && ls->fIsLocked && ls->lpLockOwner[0],
            "locked, by '%s'", ls->lpLockOwner);
        tap(UnlockServiceDatabase(l), "UnlockServiceDatabase");
        CHECK_ERR(UnlockServiceDatabase(l), ERROR_INVALID_SERVICE_LOCK, "unlock it again");
        CloseServiceHandle(a);
        CloseServiceHandle(b);
}

static DWORD WINAPI worker(LPVOID p) {
        Sleep(100);
        SetEvent(p);
        return 42;
}

static void CALLBACK user_apc(ULONG_PTR p) {
        *(int *)p += 1;
}

static void test_kernel32(void) {
        HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
        ULONGLONG t0 = GetTickCount64();
        tap(WaitForSingleObject(ev, 100) == WAIT_TIMEOUT && GetTickCount64() - t0 >= 100,
            "an unset event: WAIT_TIMEOUT after 100 ms");
        DWORD tid = 0;
        HANDLE th = CreateThread(NULL, 0, worker, ev, 0, &tid);
        tap(th && WaitForSingleObject(ev, 10000) == WAIT_OBJECT_0, "set by a thread");
        tap(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT, "auto-reset");
        DWORD code = 0;
        tap(WaitForSingleObject(th, 10000) == WAIT_OBJECT_0 && GetExitCodeThread(th, &code) &&
                    code == 42,
            "the thread's handle is signaled, exit code 42");
        HANDLE both[2] = {ev, th};
        tap(WaitForMultipleObjects(2, both, TRUE, 50) == WAIT_TIMEOUT, "wait-all: one unset");
        SetEvent(ev);
        tap(WaitForMultipleObjects(2, both, FALSE, 0) == WAIT_OBJECT_0, "wait-any: the event");
        tap(WaitForSingleObject((HANDLE)(uintptr_t)0x4440, 0) == WAIT_FAILED &&
                    GetLastError() == ERROR_INVALID_HANDLE,
            "a wait on a bad handle fails");
        CloseHandle(th);
        CloseHandle(ev);
        CHECK_ERR(CloseHandle(ev), ERROR_INVALID_HANDLE, "CloseHandle twice");
        int n = 0;
        tap(QueueUserAPC(user_apc, GetCurrentThread(), (ULONG_PTR)&n) &&
                    SleepEx(5000, TRUE) == WAIT_IO_COMPLETION && n == 1,
            "QueueUserAPC runs at SleepEx, which returns WAIT_IO_COMPLETION");
        char *msg = NULL;
        DWORD len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER |
                                           FORMAT_MESSAGE_IGNORE_INSERTS,
                                   NULL, ERROR_SERVICE_DOES_NOT_EXIST, 0, (LPSTR)&msg, 0, NULL);
        tap(len > 0 && msg && strstr(msg, "does not exist") && msg[len - 1] == '\n',
            "FormatMessage(1060): %s", msg ? msg : "(null)");
        LocalFree(msg);
        WCHAR wmsg[256];
        tap(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED, 0, wmsg, 256,
                           NULL) > 0 &&
                    wcsstr(wmsg, L"denied"),
            "FormatMessageW(5)");
        CHECK_ERR(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 99999, 0, (LPSTR)buf, 256, NULL),
                  ERROR_MR_MID_NOT_FOUND, "FormatMessage of an unknown number");
        /* Outside a service MessageBox writes to stderr; nobody answers, so
         * it says what a person who declines would. */
        tap(MessageBoxA(NULL, "saved", "w32", MB_OK) == IDOK, "MessageBox MB_OK: IDOK");
        tap(MessageBoxA(NULL, "delete it all?", "w32", MB_YESNO | MB_ICONQUESTION) == IDNO,
            "MessageBox MB_YESNO: IDNO, never a yes nobody gave");
        tap(MessageBoxA(NULL, "go on?", "w32", MB_OKCANCEL) == IDCANCEL,
            "MessageBox MB_OKCANCEL: IDCANCEL");
        tap(MessageBoxW(NULL, L"disk?", L"w32", MB_ABORTRETRYIGNORE) == IDABORT,
            "MessageBoxW MB_ABORTRETRYIGNORE: IDABORT");
}

static DWORD WINAPI report_own_id(LPVOID p) {
        *(DWORD *)p = GetCurrentThreadId();
        return 0;
}

/* What a review found: an empty W multi-string (L"", "no dependencies") was
 * read past its end (ASan sees it: the list is its own allocation here),
 * and a closed handle's value became valid again after 4096 reuses. */
static void test_review_findings(void) {
        SC_HANDLE m = scm(SC_MANAGER_ALL_ACCESS);
        WCHAR wpath[512];
        swprintf(wpath, 512, L"%s", svc_path);
        WCHAR *none = calloc(1, sizeof(WCHAR));
        SC_HANDLE s = CreateServiceW(m, L"w32wide", NULL, SERVICE_ALL_ACCESS,
                                     SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                                     SERVICE_ERROR_NORMAL, wpath, NULL, NULL, none, NULL, NULL);
        tap(s != NULL, "CreateServiceW with an empty dependency list L\"\" (error %u)",
            (unsigned)GetLastError());
        tap(s && ChangeServiceConfigW(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                                      NULL, NULL, NULL, none, NULL, NULL, NULL),
            "ChangeServiceConfigW with an empty dependency list (error %u)",
            (unsigned)GetLastError());
        DWORD needed = 0;
        QUERY_SERVICE_CONFIGW *qc = (QUERY_SERVICE_CONFIGW *)buf;
        tap(s && QueryServiceConfigW(s, qc, sizeof(buf), &needed) && qc->lpDependencies &&
                    !qc->lpDependencies[0],
            "...and it has no dependencies");
        tap(s && DeleteService(s), "w32wide deleted");
        CloseServiceHandle(s);
        free(none);
        CloseServiceHandle(m);

        HANDLE stale = CreateEventA(NULL, TRUE, FALSE, NULL);
        CloseHandle(stale);
        int revived = 0;
        for (int i = 0; i < 5000; i++) {
                HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
                revived += e == stale;
                CloseHandle(e);
        }
        SetLastError(0);
        tap(revived == 0 && !SetEvent(stale) && GetLastError() == ERROR_INVALID_HANDLE,
            "a closed handle's value never comes back in 5000 reuses of its slot (came back %d "
            "times)",
            revived);

        DWORD created = 0, inside = 0;
        HANDLE t = CreateThread(NULL, 0, report_own_id, &inside, 0, &created);
        tap(t && WaitForSingleObject(t, 10000) == WAIT_OBJECT_0 && created && created == inside,
            "CreateThread's thread id is the one GetCurrentThreadId gives in it (%u, %u)",
            (unsigned)created, (unsigned)inside);
        CloseHandle(t);
}

/* A registration waiting on a stopped scmd holds up no other call on its
 * handle: scmd is stopped (SIGSTOP) while one thread registers, and is
 * continued by a second thread only 5 s later; the main thread's second
 * registration is refused before that, and its close cancels the slow one
 * before that one has landed. */
static pid_t scmd_pid;
static volatile LONG scmd_resumed;
static DWORD slow_result = 0xFFFF;

static DWORD WINAPI register_while_stopped(LPVOID arg) {
        static SERVICE_NOTIFY_2A n2;
        n2 = (SERVICE_NOTIFY_2A){.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE,
                                 .pfnNotifyCallback = on_notify};
        slow_result = NotifyServiceStatusChangeA((SC_HANDLE)arg, SERVICE_NOTIFY_RUNNING, &n2);
        return 0;
}

static DWORD WINAPI continue_scmd_later(LPVOID arg) {
        (void)arg;
        Sleep(5000);
        scmd_resumed = 1;
        kill(scmd_pid, SIGCONT);
        return 0;
}

static void test_notify_slow_scmd(void) {
        const char *pid = getenv("SCMD_PID");
        if (!pid || !*pid) {
                tap_skip("a registration on a stopped scmd blocks no other call", "no SCMD_PID");
                return;
        }
        scmd_pid = (pid_t)atoi(pid);
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        SC_HANDLE s = OpenServiceA(m, "w32a", SERVICE_QUERY_STATUS);
        if (!s || kill(scmd_pid, SIGSTOP) != 0) {
                tap(false, "open w32a and stop scmd (pid %d)", (int)scmd_pid);
                return;
        }
        HANDLE later = CreateThread(NULL, 0, continue_scmd_later, NULL, 0, NULL);
        HANDLE slow = CreateThread(NULL, 0, register_while_stopped, s, 0, NULL);
        Sleep(300); /* the slow registration is inside, waiting on scmd */
        static SERVICE_NOTIFY_2A n3;
        n3 = (SERVICE_NOTIFY_2A){.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE,
                                 .pfnNotifyCallback = on_notify};
        DWORD second = NotifyServiceStatusChangeA(s, SERVICE_NOTIFY_RUNNING, &n3);
        LONG second_before = !scmd_resumed;
        /* Close cancels the registration at once, then tells scmd (which
         * waits for scmd, as on Windows). */
        CloseServiceHandle(s);
        tap(second == ERROR_ALREADY_REGISTERED && second_before,
            "while scmd is stopped, a second registration on the handle is refused at once "
            "(%u, before scmd went on: %d)",
            (unsigned)second, (int)second_before);
        WaitForSingleObject(later, 20000);
        tap(WaitForSingleObject(slow, 40000) == WAIT_OBJECT_0 &&
                    slow_result == ERROR_INVALID_HANDLE,
            "the slow registration ends when scmd goes on, cancelled by the close that came "
            "meanwhile: ERROR_INVALID_HANDLE (%u)",
            (unsigned)slow_result);
        CloseHandle(later);
        CloseHandle(slow);
        CloseServiceHandle(m);
}

/* SERVICE_CONFIG_TRIGGER_INFO set, read back (sizes as Windows gives them),
 * refused where Linux has no such event, and cleared. */
static void test_triggers(void) {
        SC_HANDLE m = scm(SC_MANAGER_CONNECT);
        SC_HANDLE s = OpenServiceA(m, "w32a", SERVICE_ALL_ACCESS);
        static const GUID provider = {
                0x12345678, 0x9abc, 0xdef0, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
        static WCHAR path[] = L"path:/run/w32a.go";
        SERVICE_TRIGGER_SPECIFIC_DATA_ITEM item = {SERVICE_TRIGGER_DATA_TYPE_STRING, sizeof(path),
                                                   (PBYTE)path};
        static WCHAR blue[] = L"blue";
        SERVICE_TRIGGER_SPECIFIC_DATA_ITEM data = {SERVICE_TRIGGER_DATA_TYPE_STRING, sizeof(blue),
                                                   (PBYTE)blue};
        GUID first = NETWORK_MANAGER_FIRST_IP_ADDRESS_ARRIVAL_GUID, custom = provider, zero = {0};
        SERVICE_TRIGGER t[4] = {
                {SERVICE_TRIGGER_TYPE_IP_ADDRESS_AVAILABILITY, SERVICE_TRIGGER_ACTION_SERVICE_START,
                 &first, 0, NULL},
                {SERVICE_TRIGGER_TYPE_CUSTOM, SERVICE_TRIGGER_ACTION_SERVICE_STOP, &custom, 0,
                 NULL},
                {SERVICE_TRIGGER_TYPE_CUSTOM_SYSTEM_STATE_CHANGE,
                 SERVICE_TRIGGER_ACTION_SERVICE_START, &zero, 1, &item},
                {SERVICE_TRIGGER_TYPE_CUSTOM, SERVICE_TRIGGER_ACTION_SERVICE_START, &custom, 1,
                 &data},
        };
        SERVICE_TRIGGER_INFO info = {4, t, NULL};
        tap(ChangeServiceConfig2A(s, SERVICE_CONFIG_TRIGGER_INFO, &info),
            "ChangeServiceConfig2 sets four triggers (error %u)", (unsigned)GetLastError());
        DWORD needed = 0;
        SetLastError(0);
        tap(!QueryServiceConfig2A(s, SERVICE_CONFIG_TRIGGER_INFO, NULL, 0, &needed) &&
                    GetLastError() == ERROR_INSUFFICIENT_BUFFER &&
                    needed > sizeof(SERVICE_TRIGGER_INFO) + 4 * sizeof(SERVICE_TRIGGER),
            "QueryServiceConfig2 into nothing: ERROR_INSUFFICIENT_BUFFER and %u bytes",
            (unsigned)needed);
        BYTE *tbuf = calloc(1, needed);
        SERVICE_TRIGGER_INFO *got = (SERVICE_TRIGGER_INFO *)tbuf;
        tap(tbuf && QueryServiceConfig2W(s, SERVICE_CONFIG_TRIGGER_INFO, tbuf, needed, &needed) &&
                    got->cTriggers == 4,
            "...and into that many: 4 triggers");
        bool ip = false, cust = false, linux_event = false, cust_data = false;
        for (DWORD i = 0; tbuf && i < got->cTriggers; i++) {
                SERVICE_TRIGGER *g = &got->pTriggers[i];
                ip |= g->dwTriggerType == SERVICE_TRIGGER_TYPE_IP_ADDRESS_AVAILABILITY &&
                      g->dwAction == SERVICE_TRIGGER_ACTION_SERVICE_START &&
                      !memcmp(g->pTriggerSubtype, &first, sizeof(GUID));
                cust |= g->dwTriggerType == SERVICE_TRIGGER_TYPE_CUSTOM &&
                        g->dwAction == SERVICE_TRIGGER_ACTION_SERVICE_STOP &&
                        !memcmp(g->pTriggerSubtype, &provider, sizeof(GUID)) && g->cDataItems == 0;
                cust_data |= g->dwTriggerType == SERVICE_TRIGGER_TYPE_CUSTOM &&
                             g->dwAction == SERVICE_TRIGGER_ACTION_SERVICE_START &&
                             !memcmp(g->pTriggerSubtype, &provider, sizeof(GUID)) &&
                             g->cDataItems == 1 &&
                             g->pDataItems[0].dwDataType == SERVICE_TRIGGER_DATA_TYPE_STRING &&
                             !wcscmp((WCHAR *)g->pDataItems[0].pData, blue);
                linux_event |=
                        g->dwTriggerType == SERVICE_TRIGGER_TYPE_CUSTOM_SYSTEM_STATE_CHANGE &&
                        g->cDataItems == 1 &&
                        g->pDataItems[0].dwDataType == SERVICE_TRIGGER_DATA_TYPE_STRING &&
                        g->pDataItems[0].cbData == sizeof(path) &&
                        !wcscmp((WCHAR *)g->pDataItems[0].pData, path);
        }
        tap(ip, "...the first IP address arrival, with its GUID");
        tap(cust, "...the custom event of the provider GUID, stopping");
        tap(linux_event, "...and Linux's own path event, as a STRING item");
        tap(cust_data, "...and the custom event with its data item, read back as it was set");
        free(tbuf);
        SERVICE_TRIGGER bad = {SERVICE_TRIGGER_TYPE_DOMAIN_JOIN,
                               SERVICE_TRIGGER_ACTION_SERVICE_START, &zero, 0, NULL};
        SERVICE_TRIGGER_INFO one = {1, &bad, NULL};
        CHECK_ERR(ChangeServiceConfig2A(s, SERVICE_CONFIG_TRIGGER_INFO, &one), ERROR_NOT_SUPPORTED,
                  "a domain-join trigger");
        bad = (SERVICE_TRIGGER){SERVICE_TRIGGER_TYPE_DEVICE_INTERFACE_ARRIVAL,
                                SERVICE_TRIGGER_ACTION_SERVICE_START, &zero, 0, NULL};
        CHECK_ERR(ChangeServiceConfig2A(s, SERVICE_CONFIG_TRIGGER_INFO, &one),
                  ERROR_INVALID_PARAMETER, "a device trigger naming no Linux devices");
        SERVICE_TRIGGER_INFO none = {0, NULL, NULL};
        needed = 0;
        BYTE small[64];
        tap(ChangeServiceConfig2W(s, SERVICE_CONFIG_TRIGGER_INFO, &none) &&
                    QueryServiceConfig2A(s, SERVICE_CONFIG_TRIGGER_INFO, small, sizeof(small),
                                         &needed) &&
                    ((SERVICE_TRIGGER_INFO *)small)->cTriggers == 0,
            "cTriggers 0 clears them: none read back (the failed changes kept the three until "
            "then)");
        CloseServiceHandle(s);
        CloseServiceHandle(m);
}

static void cleanup(void) {
        SC_HANDLE m = scm(SC_MANAGER_ALL_ACCESS);
        const char *names[] = {"w32a", "w32e0", "w32e1", "w32e2", "w32e3", "w32e4", "w32e5"};
        int deleted = 0;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                SC_HANDLE s = OpenServiceA(m, names[i], DELETE);
                deleted += s && DeleteService(s);
                CloseServiceHandle(s);
        }
        tap(deleted == 7, "the services are deleted");
        CloseServiceHandle(m);
}

/* The registry: a Reg call returns its error. */
#define CHECK_REG(call, err, what)                                                                 \
        do {                                                                                       \
                LSTATUS e_ = (call);                                                               \
                tap(e_ == (LSTATUS)(err), "%s: %s (got %d)", what, #err, (int)e_);                 \
        } while (0)

static void test_registry_types(HKEY k) {
        DWORD dw = 8080, type = 0, cb = 0;
        ULONGLONG qw = 0x100000000ULL;
        static const BYTE bin[] = {0, 0xff, 0x10};
        static const char multi[] = "a\0bc\0";
        char rbuf[64];
        CHECK_REG(RegSetValueExA(k, "Name", 0, REG_SZ, (const BYTE *)"hello", 6), ERROR_SUCCESS,
                  "RegSetValueEx REG_SZ");
        CHECK_REG(RegSetValueExA(k, "Path", 0, REG_EXPAND_SZ, (const BYTE *)"%ROOT%\\x", 8),
                  ERROR_SUCCESS, "REG_EXPAND_SZ without its NUL");
        CHECK_REG(RegSetValueExA(k, "List", 0, REG_MULTI_SZ, (const BYTE *)multi, sizeof(multi)),
                  ERROR_SUCCESS, "REG_MULTI_SZ");
        CHECK_REG(RegSetValueExA(k, "Port", 0, REG_DWORD, (const BYTE *)&dw, 4), ERROR_SUCCESS,
                  "REG_DWORD");
        CHECK_REG(RegSetValueExA(k, "Big", 0, REG_QWORD, (const BYTE *)&qw, 8), ERROR_SUCCESS,
                  "REG_QWORD");
        CHECK_REG(RegSetValueExA(k, "Blob", 0, REG_BINARY, bin, 3), ERROR_SUCCESS, "REG_BINARY");
        CHECK_REG(RegQueryValueExA(k, "Name", NULL, &type, NULL, &cb), ERROR_SUCCESS,
                  "RegQueryValueEx for the size");
        tap(type == REG_SZ && cb == 6, "REG_SZ, 6 bytes with the NUL (type %u, %u bytes)",
            (unsigned)type, (unsigned)cb);
        cb = 3;
        CHECK_REG(RegQueryValueExA(k, "Name", NULL, &type, (BYTE *)rbuf, &cb), ERROR_MORE_DATA,
                  "a buffer too small");
        tap(cb == 6, "...gives the size needed: %u", (unsigned)cb);
        cb = sizeof(rbuf);
        CHECK_REG(RegQueryValueExA(k, "Path", NULL, &type, (BYTE *)rbuf, &cb), ERROR_SUCCESS,
                  "REG_EXPAND_SZ read back");
        tap(type == REG_EXPAND_SZ && cb == 9 && strcmp(rbuf, "%ROOT%\\x") == 0,
            "...unexpanded, with its NUL added");
        cb = sizeof(rbuf);
        CHECK_REG(RegQueryValueExA(k, "list", NULL, &type, (BYTE *)rbuf, &cb), ERROR_SUCCESS,
                  "REG_MULTI_SZ read back, the name in any case");
        tap(type == REG_MULTI_SZ && cb == sizeof(multi) && memcmp(rbuf, multi, cb) == 0,
            "...the same bytes");
        DWORD dw2 = 0;
        cb = sizeof(dw2);
        tap(RegQueryValueExA(k, "Port", NULL, &type, (BYTE *)&dw2, &cb) == ERROR_SUCCESS &&
                    type == REG_DWORD && cb == 4 && dw2 == 8080,
            "REG_DWORD read back");
        ULONGLONG qw2 = 0;
        cb = sizeof(qw2);
        tap(RegQueryValueExA(k, "Big", NULL, &type, (BYTE *)&qw2, &cb) == ERROR_SUCCESS &&
                    type == REG_QWORD && cb == 8 && qw2 == qw,
            "REG_QWORD read back");
        cb = sizeof(rbuf);
        tap(RegQueryValueExA(k, "Blob", NULL, &type, (BYTE *)rbuf, &cb) == ERROR_SUCCESS &&
                    type == REG_BINARY && cb == 3 && memcmp(rbuf, bin, 3) == 0,
            "REG_BINARY read back");
        WCHAR wbuf[16];
        cb = sizeof(wbuf);
        tap(RegQueryValueExW(k, L"Name", NULL, &type, (BYTE *)wbuf, &cb) == ERROR_SUCCESS &&
                    cb == 6 * sizeof(WCHAR) && wcscmp(wbuf, L"hello") == 0,
            "RegQueryValueExW gives WCHARs, the size in bytes");
        CHECK_REG(RegSetValueExW(k, L"Wide", 0, REG_SZ, (const BYTE *)L"wide é", 7 * sizeof(WCHAR)),
                  ERROR_SUCCESS, "RegSetValueExW");
        cb = sizeof(rbuf);
        tap(RegQueryValueExA(k, "Wide", NULL, &type, (BYTE *)rbuf, &cb) == ERROR_SUCCESS &&
                    strcmp(rbuf, "wide é") == 0,
            "...read back as UTF-8");
        CHECK_REG(RegQueryValueExA(k, "Nothing", NULL, &type, NULL, &cb), ERROR_FILE_NOT_FOUND,
                  "an unknown value");
}

static void test_registry_enum_delete(HKEY k) {
        char name[16];
        DWORD cch = sizeof(name), type = 0, cb = 0, n = 0;
        CHECK_REG(RegEnumValueA(k, 0, name, &cch, NULL, &type, NULL, &cb), ERROR_SUCCESS,
                  "RegEnumValue 0");
        tap(strcmp(name, "Big") == 0 && cch == 3 && type == REG_QWORD && cb == 8,
            "...the first by name, its type and size: %s", name);
        cch = 2;
        CHECK_REG(RegEnumValueA(k, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_MORE_DATA,
                  "RegEnumValue with a name buffer too small");
        for (;;) {
                cch = sizeof(name);
                if (RegEnumValueA(k, n, name, &cch, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
                        break;
                n++;
        }
        tap(n == 7, "RegEnumValue lists the 7 values: %u", (unsigned)n);
        cch = sizeof(name);
        CHECK_REG(RegEnumValueA(k, n, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS,
                  "past the last value");
        CHECK_REG(RegDeleteValueA(k, "Big"), ERROR_SUCCESS, "RegDeleteValue");
        CHECK_REG(RegDeleteValueA(k, "Big"), ERROR_FILE_NOT_FOUND, "RegDeleteValue again");
}

/* Keys: RegEnumKeyEx, RegQueryInfoKey, RegDeleteKey(Ex) on Parameters (k,
 * which holds a subkey Sub). */
static void test_registry_keys(HKEY k) {
        HKEY deep = NULL, ro = NULL;
        char name[64], cls[8];
        WCHAR wname[64];
        DWORD cch = 0, cch_cls = 0, n = 0, max_sub = 0, max_name = 0, max_value = 0, sd = 9;
        FILETIME ft = {1, 1};
        CHECK_REG(RegCreateKeyExA(k, "Sub\\Deep", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &deep, NULL),
                  ERROR_SUCCESS, "RegCreateKeyEx of Sub\\Deep");
        CHECK_REG(RegSetValueExA(deep, "D", 0, REG_SZ, (const BYTE *)"deep", 5), ERROR_SUCCESS,
                  "a value in Sub\\Deep");
        RegCloseKey(deep);
        cch = sizeof(name), cch_cls = sizeof(cls), cls[0] = 'x';
        tap(RegEnumKeyExA(k, 0, name, &cch, NULL, cls, &cch_cls, &ft) == ERROR_SUCCESS &&
                    strcmp(name, "Sub") == 0 && cch == 3 && !cls[0] && cch_cls == 0 &&
                    !ft.dwLowDateTime && !ft.dwHighDateTime,
            "RegEnumKeyExA 0 is Sub (%s, %u), with an empty class and no write time", name,
            (unsigned)cch);
        cch = 3;
        CHECK_REG(RegEnumKeyExA(k, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_MORE_DATA,
                  "RegEnumKeyExA into 3 chars (no room for the NUL)");
        cch = sizeof(name);
        CHECK_REG(RegEnumKeyExA(k, 1, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS,
                  "RegEnumKeyExA past the last subkey");
        cch = 64;
        tap(RegEnumKeyExW(k, 0, wname, &cch, NULL, NULL, NULL, NULL) == ERROR_SUCCESS &&
                    wcscmp(wname, L"Sub") == 0 && cch == 3,
            "RegEnumKeyExW 0 is L\"Sub\"");
        CHECK_REG(RegOpenKeyExA(k, "", 0, KEY_QUERY_VALUE, &ro), ERROR_SUCCESS,
                  "Parameters opened KEY_QUERY_VALUE alone");
        cch = sizeof(name);
        CHECK_REG(RegEnumKeyExA(ro, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_ACCESS_DENIED,
                  "RegEnumKeyEx needs KEY_ENUMERATE_SUB_KEYS");
        RegCloseKey(ro);

        DWORD values = 0, want_name = 0, want_value = 0, wide_value = 0;
        for (;; values++) {
                DWORD c = sizeof(name), cb = 0, wcb = 0;
                if (RegEnumValueA(k, values, name, &c, NULL, NULL, NULL, &cb) != ERROR_SUCCESS)
                        break;
                WCHAR wn[64];
                DWORD wc = 64;
                RegEnumValueW(k, values, wn, &wc, NULL, NULL, NULL, &wcb);
                want_name = c > want_name ? c : want_name;
                want_value = cb > want_value ? cb : want_value;
                wide_value = wcb > wide_value ? wcb : wide_value;
        }
        tap(RegQueryInfoKeyA(k, NULL, NULL, NULL, &n, &max_sub, NULL, &cch, &max_name, &max_value,
                             &sd, &ft) == ERROR_SUCCESS &&
                    n == 1 && max_sub == 3 && cch == values && max_name == want_name &&
                    max_value == want_value && sd == 0,
            "RegQueryInfoKeyA: 1 subkey of 3 chars, %u values (%u), longest name %u (%u), "
            "largest value %u (%u)",
            (unsigned)cch, (unsigned)values, (unsigned)max_name, (unsigned)want_name,
            (unsigned)max_value, (unsigned)want_value);
        tap(RegQueryInfoKeyW(k, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &max_value, NULL,
                             NULL) == ERROR_SUCCESS &&
                    max_value == wide_value && wide_value > want_value,
            "RegQueryInfoKeyW measures text in WCHARs: %u bytes (%u)", (unsigned)max_value,
            (unsigned)wide_value);
        CHECK_REG(RegQueryInfoKeyA(k, NULL, NULL, &sd, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                   NULL),
                  ERROR_INVALID_PARAMETER, "RegQueryInfoKey with lpReserved");

        CHECK_REG(RegDeleteKeyA(k, "Sub"), ERROR_ACCESS_DENIED,
                  "RegDeleteKey of a key with a subkey");
        CHECK_REG(RegOpenKeyExA(k, "Sub", 0, KEY_READ, &ro), ERROR_SUCCESS,
                  "...which is still there");
        RegCloseKey(ro);
        CHECK_REG(RegDeleteKeyA(k, NULL), ERROR_INVALID_PARAMETER, "RegDeleteKey of NULL");
        CHECK_REG(RegDeleteKeyA((HKEY)(ULONG_PTR)0x4321, "Sub"), ERROR_INVALID_HANDLE,
                  "RegDeleteKey under a handle that is none");
        CHECK_REG(RegDeleteKeyA(HKEY_LOCAL_MACHINE, "SYSTEM\\CurrentControlSet\\Services\\w32a"),
                  ERROR_ACCESS_DENIED, "RegDeleteKey of the service's own key");
        CHECK_REG(RegDeleteKeyA(HKEY_LOCAL_MACHINE,
                                "SYSTEM\\CurrentControlSet\\Services\\w32a\\Parameters\\Sub\\Deep"),
                  ERROR_SUCCESS, "RegDeleteKey of Sub\\Deep from HKEY_LOCAL_MACHINE");
        CHECK_REG(RegOpenKeyExA(k, "Sub\\Deep", 0, KEY_READ, &ro), ERROR_FILE_NOT_FOUND,
                  "...it is gone with its value");
        CHECK_REG(RegDeleteKeyExW(k, L"Sub", KEY_WOW64_64KEY, 0), ERROR_SUCCESS,
                  "RegDeleteKeyExW of Sub, now without subkeys");
        cch = sizeof(name);
        CHECK_REG(RegEnumKeyExA(k, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS,
                  "Parameters has no subkey left");
        CHECK_REG(RegDeleteKeyA(k, "Sub"), ERROR_FILE_NOT_FOUND, "RegDeleteKey again");
}

static void test_registry(void) {
        HKEY k = NULL, ro = NULL, svc = NULL;
        DWORD disp = 0, type = 0, cb = 0, cch = 0;
        char rbuf[256];
        CHECK_REG(RegOpenKeyExA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft", 0, KEY_READ, &k),
                  ERROR_FILE_NOT_FOUND, "a key outside the services' subtree");
        CHECK_REG(RegOpenKeyExA(HKEY_LOCAL_MACHINE,
                                "SYSTEM\\CurrentControlSet\\Services\\deadbeef\\Parameters", 0,
                                KEY_READ, &k),
                  ERROR_FILE_NOT_FOUND, "the key of no service");
        CHECK_REG(RegCreateKeyExA(HKEY_LOCAL_MACHINE,
                                  "SYSTEM\\CurrentControlSet\\Services\\w32a\\Parameters", 0, NULL,
                                  REG_OPTION_NON_VOLATILE, KEY_ALL_ACCESS, NULL, &k, &disp),
                  ERROR_SUCCESS, "RegCreateKeyEx on Parameters");
        tap(disp == REG_OPENED_EXISTING_KEY, "Parameters always exists");
        test_registry_types(k);
        test_registry_enum_delete(k);
        CHECK_REG(RegOpenKeyExA(HKEY_LOCAL_MACHINE,
                                "system\\currentcontrolset\\services\\W32A\\parameters", 0,
                                KEY_READ, &ro),
                  ERROR_SUCCESS, "RegOpenKeyEx, any case");
        CHECK_REG(RegSetValueExA(ro, "X", 0, REG_SZ, (const BYTE *)"x", 2), ERROR_ACCESS_DENIED,
                  "RegSetValueEx on a key opened KEY_READ");
        CHECK_REG(RegDeleteValueA(ro, "Port"), ERROR_ACCESS_DENIED,
                  "RegDeleteValue on a key opened KEY_READ");
        RegCloseKey(ro);
        CHECK_REG(RegCreateKeyExA(k, "Sub", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &ro, &disp),
                  ERROR_SUCCESS, "RegCreateKeyEx of a subkey");
        tap(disp == REG_CREATED_NEW_KEY, "...a new key");
        CHECK_REG(RegSetValueExA(ro, "", 0, REG_SZ, (const BYTE *)"default", 8), ERROR_SUCCESS,
                  "its default value");
        RegCloseKey(ro);
        CHECK_REG(RegOpenKeyExA(k, "SUB", 0, KEY_READ, &ro), ERROR_SUCCESS,
                  "the subkey now exists");
        cb = sizeof(rbuf);
        tap(RegQueryValueExA(ro, NULL, NULL, &type, (BYTE *)rbuf, &cb) == ERROR_SUCCESS &&
                    strcmp(rbuf, "default") == 0,
            "...its default value read with a NULL name");
        RegCloseKey(ro);
        test_registry_keys(k);
        RegCloseKey(k);
        CHECK_REG(RegQueryValueExA(k, "Port", NULL, &type, NULL, &cb), ERROR_INVALID_HANDLE,
                  "a closed key");
        CHECK_REG(RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\w32a", 0,
                                KEY_READ | KEY_SET_VALUE, &svc),
                  ERROR_SUCCESS, "RegOpenKeyExW on the service's own key");
        cb = sizeof(rbuf);
        tap(RegQueryValueExA(svc, "DisplayName", NULL, &type, (BYTE *)rbuf, &cb) == ERROR_SUCCESS &&
                    type == REG_SZ && strcmp(rbuf, "W32 A") == 0,
            "DisplayName is the service's: %s", rbuf);
        cb = sizeof(rbuf);
        tap(RegQueryValueExA(svc, "ImagePath", NULL, &type, (BYTE *)rbuf, &cb) == ERROR_SUCCESS &&
                    type == REG_EXPAND_SZ && strstr(rbuf, "win32") != NULL,
            "ImagePath is its command line: %s", rbuf);
        DWORD start = 99;
        cb = sizeof(start);
        tap(RegQueryValueExA(svc, "Start", NULL, &type, (BYTE *)&start, &cb) == ERROR_SUCCESS &&
                    type == REG_DWORD && start <= SERVICE_DISABLED,
            "Start is a REG_DWORD: %u", (unsigned)start);
        CHECK_REG(RegSetValueExA(svc, "ImagePath", 0, REG_SZ, (const BYTE *)"x", 2),
                  ERROR_ACCESS_DENIED, "the service's own key is read-only");
        cch = 16;
        tap(RegEnumKeyExA(svc, 0, rbuf, &cch, NULL, NULL, NULL, NULL) == ERROR_SUCCESS &&
                    strcmp(rbuf, "Parameters") == 0,
            "the service's own key has the subkey Parameters: %s", rbuf);
        RegCloseKey(svc);
}

int main(int argc, char **argv) {
        if (argc < 2) {
                tap_bail_out("usage: win32_check PATH-TO-WIN32-SVC");
                return 2;
        }
        svc_path = argv[1];
        test_open_scm();
        test_bad_handles();
        test_open_create();
        test_query_config();
        test_access();
        test_config2();
        test_states_and_notify();
        test_enumerate();
        test_names();
        test_registry();
        test_triggers();
        test_created_deleted();
        test_lock();
        test_kernel32();
        test_review_findings();
        test_notify_slow_scmd();
        cleanup();
        return tap_finish();
}
