#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Shared-process services (type share, docs/architecture.md "Shared
# processes"): services with the same command line and account run in one
# scm-test-native process started with --services a,b, which reports each
# service's facts as NAME:key=value to one report file.  Through scctl and
# /proc only: one pid for both members, a member's stop leaving the process
# to the other, the process ending with its last member, controls answered
# per service inside one process, the process's death reaching every member
# (and each one's failure actions), an account that differs refused, kind
# plain refused, and the privileges of the process the union of its
# members'.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The command line every member shares: one process hosting a and b.
host_cmdline() {
        cmdline "$NATIVE" --report "$(report_path host)" --services a,b "$@"
}

# create_member NAME [SCCTL CREATE OPTIONS...]
create_member() {
        local name=$1
        shift
        run_sc create "$name" --type share --kind native --exec "$(host_cmdline)" "$@"
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "create share $name" "$(last_run)"
                return 1
        fi
}

# start_member NAME: starts it and waits until it says it runs.
start_member() {
        run_sc start "$1" --wait
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "start $1" "$(last_run)"$'\n'"$(scmd_log)"
                return 1
        fi
        wait_report host "$1:running=1" 10
}

# How many processes the host report says were started.
host_processes() {
        grep -c '^pid=' "$(report_path host)" 2>/dev/null
}

# The process's cgroup folder is gone (or it never had one).
host_cgroup_gone() {
        local cg
        cg=$(report_get host cgroup) || return 0
        [ ! -d "$(cgroup2_mount)$cg" ]
}

test_one_process() {
        daemon_start || return
        create_member a || return
        create_member b || return
        start_member a || return
        local pid
        pid=$(report_get host pid)
        assert_eq "a runs in the process the report names" "$pid" "$(status_field a pid)"
        start_member b || return
        assert_eq "b runs in the same process (queryex pid)" "$pid" "$(status_field b pid)"
        assert_eq "...started once: one process" 1 "$(host_processes)"
        check "both are running" state_is a running
        check "...b too" state_is b running
        run_sc query b
        assert_contains "query b says SHARE_PROCESS" "$OUT" "SHARE_PROCESS"
        run_sc queryex a
        assert_contains "queryex a shows the shared pid" "$OUT" "PID                : $pid"
        run_sc queryex b
        assert_contains "queryex b shows the shared pid" "$OUT" "PID                : $pid"

        assert_sc_ok "stop a" stop a --wait
        check "a is stopped" state_is a stopped
        check "b is still running" state_is b running
        check "...in the same process, alive" proc_alive "$pid"
        assert_eq "...b's pid has not changed" "$pid" "$(status_field b pid)"
        check "a's handler got the stop, b's did not" report_has host a:control=1
        check "...b's did not" report_lacks host b:control=
        assert_eq "a stopped shows no pid" 0 "$(status_field a pid)"

        assert_sc_ok "start a again" start a --wait
        assert_eq "a joins the running process" "$pid" "$(status_field a pid)"
        assert_eq "...still one process" 1 "$(host_processes)"
        assert_sc_ok "stop b" stop b --wait
        check "a runs on" state_is a running
        assert_sc_ok "stop a, the last" stop a --wait
        check "both stopped" state_is b stopped
        wait_until 10 "the process ends with its last service" proc_gone "$pid" &&
                tap_ok "the process has ended"
        check "the dispatcher returned (result=0)" report_has host result=0
        if is_root && cgroup2_mount >/dev/null; then
                wait_until 5 "its cgroup goes" host_cgroup_gone && tap_ok "its cgroup is gone"
        else
                tap_skip "its cgroup is gone" "not root or no cgroup v2"
        fi
        assert_eq "a: stopped cleanly" 0 "$(status_field a win32_exit_code)"
}

# A control to b is answered while a's handler is blocked in the same
# process; then killing the process stops both with PROCESS_ABORTED, and
# each one's failure action restarts it, again in one process.
test_per_service_controls() {
        daemon_start --stop-timeout 3000 || return
        local m
        for m in a b; do
                run_sc create "$m" --type share --kind native --control-timeout 8000 \
                        --exec "$(host_cmdline --block-handler 200)"
                assert_rc "create $m" 0
        done
        start_member a || return
        start_member b || return
        local pid
        pid=$(status_field a pid)
        (
                sc control a 200 >"$D/a.out" 2>"$D/a.err"
                echo "$?" >"$D/a.rc"
        ) &
        local bg=$!
        wait_report host a:control=200 5 || return
        assert_sc_ok "interrogate b while a's handler is blocked" interrogate b
        check "b's handler got it" report_has host b:control=4
        check "...before a's control was answered" test ! -e "$D/a.rc"

        for m in a b; do
                assert_sc_ok "failure $m: restart/0" failure "$m" --reset 0 --actions restart/0
        done
        kill -KILL "$pid"
        wait "$bg"
        assert_eq "a's pending control fails when the process dies" 1 "$(cat "$D/a.rc")"
        wait_until 15 "both are restarted by their failure actions" \
                eval 'report_has_prefix host "pid=" && [ "$(host_processes)" = 2 ]' || return
        wait_report host "a:running=1" 10
        wait_state a running 10 && wait_state b running 10 || return
        local pid2
        pid2=$(status_field a pid)
        assert_ne "a restarted in a new process" "$pid" "$pid2"
        assert_eq "...which b shares" "$pid2" "$(status_field b pid)"
        assert_eq "...one new process for both" 2 "$(host_processes)"
        grep -F "PROCESS_ABORTED" "$D/scmd.stderr" | grep -q "service a:" &&
                grep -F "PROCESS_ABORTED" "$D/scmd.stderr" | grep -q "service b:"
        check "each member stopped with PROCESS_ABORTED (scmd's log)" test $? -eq 0

        assert_sc_ok "failure a: none" failure a --reset 0 --actions none/0
        assert_sc_ok "failure b: none" failure b --reset 0 --actions none/0
        kill -KILL "$pid2"
        wait_state a stopped 10
        wait_state b stopped 10
        assert_eq "a: PROCESS_ABORTED (1067)" 1067 "$(status_field a win32_exit_code)"
        assert_eq "b: PROCESS_ABORTED (1067)" 1067 "$(status_field b win32_exit_code)"
}

# A member that hangs in its stop is given up on alone: it is STOPPED with
# SERVICE_REQUEST_TIMEOUT while the other runs on in the same process; the
# last one's hang kills the process.
test_hung_member() {
        daemon_start --stop-timeout 3000 || return
        local m
        for m in a b; do
                run_sc create "$m" --type share --kind native --control-timeout 2000 \
                        --exec "$(host_cmdline --stop-hang)"
                assert_rc "create $m" 0
        done
        start_member a || return
        start_member b || return
        local pid
        pid=$(status_field a pid)
        assert_sc_ok "stop a (its stop hangs)" stop a
        wait_state a stopped 15 || return
        assert_eq "a: SERVICE_REQUEST_TIMEOUT (1053)" 1053 "$(status_field a win32_exit_code)"
        check "b runs on" state_is b running
        check "...in the same process" proc_alive "$pid"
        assert_sc_ok "stop b (its stop hangs too)" stop b
        wait_state b stopped 15 || return
        wait_until 10 "the process is killed with its last service" proc_gone "$pid" &&
                tap_ok "the process is gone"
}

# A program whose dispatcher table has one entry hosts one service at a
# time: a second member's start is answered SERVICE_NOT_IN_EXE, the first
# runs on.
test_one_entry_table() {
        daemon_start || return
        local m
        for m in a b; do
                run_sc create "$m" --type share --kind native \
                        --exec "$(cmdline "$NATIVE" --report "$(report_path one)")"
                assert_rc "create $m (a one-entry table)" 0
        done
        run_sc start a --wait
        assert_rc "start a" 0
        wait_state a running 10 || return
        run_sc start b --wait
        check "start b fails" test "$RC" -ne 0
        wait_state b stopped 10
        assert_eq "b: SERVICE_NOT_IN_EXE (1083)" 1083 "$(status_field b win32_exit_code)"
        check "a runs on" state_is a running
        assert_sc_ok "stop a" stop a --wait
}

test_different_account() {
        daemon_start || return
        create_member a || return
        create_member b --account nobody || return
        start_member a || return
        assert_sc_error "b as nobody cannot join a's process: DIFFERENT_SERVICE_ACCOUNT" \
                DIFFERENT_SERVICE_ACCOUNT 1079 start b
        assert_contains "...the message names both services" "$ERR" "service b runs as 'nobody'"
        assert_contains "...and the process's account" "$ERR" "service a) runs as 'LocalSystem'"
        check "b stays stopped" state_is b stopped
        check "a runs on" state_is a running
        assert_sc_ok "stop a" stop a --wait
}

# One process has one view of the filesystem, one filter, one set of
# limits: a member whose own differ is refused, saying so, instead of
# running silently with the first member's.
test_different_fences() {
        if ! is_root; then
                tap_skip "members with other fences are refused" "fences need root (a mount namespace)"
                return
        fi
        daemon_start || return
        create_member a || return
        create_member b --private-tmp || return
        start_member a || return
        assert_sc_error "b, with a private /tmp, cannot join a's process" INVALID_PARAMETER 87 start b
        assert_contains "...the message says why and what to do" "$ERR" \
                "service b has other fences, system-call filter or resource limits than the process it would join"
        check "b stays stopped" state_is b stopped
        assert_sc_ok "b without a private /tmp, with a system-call filter" config b --private-tmp=no \
                --system-call-deny reboot
        assert_sc_error "...cannot join either" INVALID_PARAMETER 87 start b
        assert_sc_ok "b as a: delete it" delete b
        create_member b || return
        start_member b || return
        tap_ok "b, with the same settings as a, joins"
        check "a runs on" state_is a running
        assert_sc_ok "stop b" stop b --wait
        assert_sc_ok "stop a" stop a --wait
}

test_kind_must_be_native() {
        daemon_start || return
        assert_sc_error "create --type share --kind plain: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create p --type share --kind plain --exec "$(host_cmdline)"
        assert_contains "...saying why" "$ERR" "must be native"
        run_sc create q --kind plain --exec "$(host_cmdline)"
        assert_rc "create an own plain service" 0
        assert_sc_error "config q --type share: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                config q --type share
}

# The capability set with exactly capabilities N...
cap_mask() {
        local m=0 n
        for n in "$@"; do
                m=$((m | (1 << n)))
        done
        printf '%016x' "$m"
}

proc_caps() {
        local line
        line=$(grep -m1 "^CapEff:" "/proc/$1/status") || return 1
        printf '%s' "${line#*:$'\t'}"
}

test_privileges_union() {
        if ! is_root; then
                tap_skip "the process holds the union of its members' privileges" "not root"
                return
        fi
        daemon_start || return
        create_member a || return
        create_member b || return
        assert_sc_ok "privs a CAP_NET_BIND_SERVICE" privs a CAP_NET_BIND_SERVICE
        assert_sc_ok "privs b CAP_NET_RAW" privs b CAP_NET_RAW
        start_member a || return
        local pid
        pid=$(status_field a pid)
        assert_eq "started by a, the process holds a's and b's privileges (CapEff)" \
                "$(cap_mask 10 13)" "$(proc_caps "$pid")"
        start_member b || return
        assert_eq "b joins it" "$pid" "$(status_field b pid)"
        assert_sc_ok "stop a" stop a --wait
        assert_sc_ok "stop b" stop b --wait
}

# For an account other than root, a member that requires no privileges has
# the account's own, which are none: it adds nothing to the process and
# takes nothing from what the other members require.
test_privileges_union_other_account() {
        local name="a member without privileges does not strip the others' (account nobody)"
        if ! is_root; then
                tap_skip "$name" "not root"
                return
        fi
        daemon_start || return
        chmod 711 "$D"
        mkdir -p "$D/reports" && chmod 1777 "$D/reports"
        assert_sc_ok "privilege grant nobody CAP_NET_BIND_SERVICE" privilege grant nobody \
                CAP_NET_BIND_SERVICE
        create_member a --account nobody || return
        create_member b --account nobody || return
        assert_sc_ok "privs a CAP_NET_BIND_SERVICE" privs a CAP_NET_BIND_SERVICE
        start_member b || return
        local pid
        pid=$(status_field b pid)
        assert_eq "started by b (no privileges of its own), the process holds a's (CapEff)" \
                "$(cap_mask 10)" "$(proc_caps "$pid")"
        start_member a || return
        assert_eq "a joins it" "$pid" "$(status_field a pid)"
        assert_sc_ok "stop a" stop a --wait
        assert_sc_ok "stop b" stop b --wait
        assert_sc_ok "start a alone" start a --wait
        pid=$(status_field a pid)
        assert_eq "started by a, the process holds its privilege (CapEff)" "$(cap_mask 10)" \
                "$(proc_caps "$pid")"
        assert_sc_ok "start b" start b --wait
        assert_eq "b joins it" "$pid" "$(status_field b pid)"
        assert_sc_ok "stop b again" stop b --wait
        assert_sc_ok "stop a again" stop a --wait
}

run_test test_one_process
run_test test_per_service_controls
run_test test_hung_member
run_test test_one_entry_table
run_test test_different_account
run_test test_different_fences
run_test test_kind_must_be_native
run_test test_privileges_union
run_test test_privileges_union_other_account
finish
