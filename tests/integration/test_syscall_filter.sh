#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A service's system-call filter (seccomp), observed from inside the
# service (the helper's --try-syscall makes a harmless call and reports its
# result) and from its status: a denied call fails with the chosen errno,
# a call outside an allow list too, the kill action ends the process with
# SIGSYS, groups expand; qc shows the filter; unknown names are refused.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_vocabulary() {
        daemon_start || return
        create_helper v -- --system-call-deny @swap,umount2 --system-call-action EL3HLT || return
        run_sc qc v
        assert_contains "qc shows SYSTEM_CALL_DENY" "$OUT" "SYSTEM_CALL_DENY   : @swap,umount2"
        assert_contains "qc shows SYSTEM_CALL_ACTION" "$OUT" "SYSTEM_CALL_ACTION : EL3HLT"
        run_sc --json qc v
        assert_contains "--json qc: system_call_deny" "$OUT" '"system_call_deny":["@swap","umount2"]'
        assert_sc_error "an unknown call is refused" INVALID_PARAMETER 87 config v --system-call-deny no_such_call
        assert_contains "...naming it" "$ERR" "no_such_call"
        assert_sc_error "an unknown group is refused" INVALID_PARAMETER 87 config v --system-call-deny @nothing
        assert_sc_error "an unknown action is refused" INVALID_PARAMETER 87 config v --system-call-action ESOMETHING
        assert_sc_ok "the filter off again" config v --system-call-deny "" --system-call-action EPERM
        run_sc --json qc v
        assert_contains "...no list left" "$OUT" '"system_call_deny":[]'
}

test_deny_errno() {
        daemon_start || return
        create_helper d --try-syscall swapoff --try-syscall umount2 --try-syscall uname \
                -- --system-call-deny @swap,umount2 --system-call-action EL3HLT || return
        start_helper d || return
        check "a denied call (swapoff, of @swap) fails with the chosen errno" report_has d "syscall:swapoff=EL3HLT"
        check "a denied call by name (umount2) too" report_has d "syscall:umount2=EL3HLT"
        check "a call not denied (uname) works" report_has d "syscall:uname=ok"
        sc stop d --wait >/dev/null
        create_helper free --try-syscall swapoff || return
        start_helper free || return
        check "without a filter the same call fails otherwise" report_lacks free "syscall:swapoff=EL3HLT"
        sc stop free --wait >/dev/null
}

test_allow_list() {
        daemon_start || return
        # An allow list of only @privileged: the helper's very first calls
        # (the loader's mmap, openat ...) are outside it and fail with the
        # chosen errno, so it never gets to write its report.
        create_helper a -- --system-call-allow @privileged --system-call-action EL3HLT || return
        run_sc start a --wait
        wait_state a stopped 30 || return
        check "outside an allow list the program cannot run (no report at all)" report_lacks a pid=
        run_sc --json query a
        assert_contains "...and it ended with PROCESS_ABORTED, by itself" "$OUT" '"win32_exit_code":1067'
        assert_contains "...its exit recorded" "$OUT" '"process_exit":{"'
        assert_sc_ok "with the allow list gone" config a --system-call-allow ""
        start_helper a || return
        check "...it runs and reports" report_has_prefix a pid=
        sc stop a --wait >/dev/null
}

test_kill() {
        daemon_start || return
        create_helper k --try-syscall swapoff -- --system-call-deny @swap --system-call-action kill || return
        run_sc start k --wait
        wait_state k stopped 30 || return
        run_sc --json query k
        assert_eq "the kill action ends it with SIGSYS" 31 "$(json_get "$OUT" signal)"
        check "it never reported the call's result" report_lacks k "syscall:swapoff="
}

test_address_families() {
        daemon_start || return
        create_helper fam --try-socket AF_UNIX --try-socket AF_INET --try-socket AF_INET6 \
                -- --address-families-allow AF_UNIX,AF_INET || return
        start_helper fam || return
        check "an allowed family (AF_UNIX) opens" report_has fam "socket:AF_UNIX=ok"
        check "...and AF_INET" report_has fam "socket:AF_INET=ok"
        check "a family outside the allow list (AF_INET6) fails with EAFNOSUPPORT" \
                report_has fam "socket:AF_INET6=EAFNOSUPPORT"
        sc stop fam --wait >/dev/null
        create_helper famd --try-socket AF_INET --try-socket AF_INET6 -- --address-families-deny AF_INET || return
        start_helper famd || return
        check "a denied family (AF_INET) fails with EAFNOSUPPORT" report_has famd "socket:AF_INET=EAFNOSUPPORT"
        check "...another opens" report_lacks famd "socket:AF_INET6=EAFNOSUPPORT"
        run_sc qc famd
        assert_contains "qc shows the denied families" "$OUT" "ADDRESS_FAMILIES_DENY: AF_INET"
        assert_sc_error "an unknown family is refused" INVALID_PARAMETER 87 config famd --address-families-deny AF_NOPE
        sc stop famd --wait >/dev/null
}

run_test test_vocabulary
run_test test_address_families
run_test test_deny_errno
run_test test_allow_list
run_test test_kill
finish
