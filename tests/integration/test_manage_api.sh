#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The typed calls of <scm/manage.h> and scm_enumerate() (libscm as a
# library), through tests/integration/manage_check.c on a real scmd; each
# fact a call returns is held against what scctl, the service's own output
# or the next call shows.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MC=${MANAGE_CHECK:-$BUILD_DIR/tests/manage_check} # built by tests/meson.build

mc() {
        run "$MC" "$D/run/scm.sock" "$@"
}

test_enumerate_filters() {
        daemon_start || return
        create_helper one -- --group Web || return
        create_helper two || return
        create_helper three -- --depend one || return
        assert_sc_ok "start two" start two --wait
        mc enumerate
        assert_rc "enumerate: exits 0" 0 || diag "$(last_run)"
        assert_eq "enumerate: every service, by name" "one stopped demand
three stopped demand
two running demand" "$OUT"
        mc enumerate active
        assert_eq "enumerate active: the running one" "two running demand" "$OUT"
        mc enumerate inactive
        assert_eq "enumerate inactive: the stopped ones" "one stopped demand
three stopped demand" "$OUT"
        mc enumerate all Web
        assert_eq "enumerate in group Web" "one stopped demand" "$OUT"
        mc enumerate all ""
        assert_eq "enumerate in no group" "three stopped demand
two running demand" "$OUT"
        mc dependents one
        assert_eq "enumerate_dependents: three depends on one" "three stopped -" "$OUT"
        mc dependents nosuch
        assert_rc "enumerate_dependents of no service fails" 1
        assert_contains "...with SERVICE_DOES_NOT_EXIST" "$ERR" "SERVICE_DOES_NOT_EXIST"
}

test_config_by_field() {
        daemon_start || return
        create_helper cfg -- --depend "+Net" || return
        mc config cfg start_type dependencies umask memory_max nosuch
        assert_rc "config: exits 0" 0 || diag "$(last_run)"
        assert_contains "config: start_type as JSON" "$OUT" 'start_type="demand"'
        assert_contains "config: dependencies as JSON" "$OUT" 'dependencies=["+Net"]'
        assert_contains "config: umask 0022" "$OUT" "umask=18"
        assert_contains "config: an unset limit is null" "$OUT" "memory_max=null"
        assert_contains "config: an unknown field is absent" "$OUT" "nosuch=(absent)"
        mc fields cfg
        assert_contains "fields: names command_line" "$OUT" "command_line"
        assert_contains "fields: names working_directory" "$OUT" "working_directory"
        mc change cfg environment '["A=1","B=2"]'
        assert_eq "change: a list, read back" 'environment=["A=1","B=2"]' "$OUT"
        mc strings cfg environment
        assert_eq "strings: one line each" "A=1
B=2" "$OUT"
        run_sc qc cfg
        assert_contains "scctl qc shows the environment set" "$OUT" "B=2"
        mc change cfg limits '{"NOFILE":"1024:4096"}'
        assert_contains "change: an object (limits)" "$OUT" '"NOFILE"'
        mc change cfg start_type '"sometimes"'
        assert_rc "change: a bad value is refused" 1
        assert_contains "...with INVALID_PARAMETER" "$ERR" "INVALID_PARAMETER"
        mc change cfg start_type 'not json'
        assert_rc "change: text that is not JSON is refused before sending" 1
        assert_contains "...as EINVAL" "$ERR" "Invalid argument"
        mc security cfg sid_type
        assert_contains "security: sid_type" "$OUT" 'sid_type="none"'
}

test_failure_actions() {
        daemon_start || return
        create_helper fa || return
        mc failure fa 600 "/bin/echo %1%" restart:1000 run:0 none:0
        assert_rc "failure: exits 0" 0 || diag "$(last_run)"
        assert_eq "failure: read back" "reset_period 600
command /bin/echo %1%
action restart 1000
action run 0
action none 0" "$OUT"
        run_sc qfailure fa
        assert_contains "scctl qfailure: the command" "$OUT" "/bin/echo %1%"
        assert_contains "scctl qfailure: reset period 600" "$OUT" "600"
        mc failure fa infinite "" restart:2000
        assert_eq "failure: infinite reset, command removed, actions replaced" "reset_period -1
command 
action restart 2000" "$OUT" || diag "$(last_run)"
        mc failure fa keep "" run:0
        assert_rc "failure: a run action without a command is refused" 1
        assert_contains "...with INVALID_PARAMETER" "$ERR" "INVALID_PARAMETER"
        run_sc qfailure fa
        assert_icontains "scctl qfailure: infinite" "$OUT" "infinite"

        # A failure: the count, and the restart waiting for its delay.
        create_helper crash --crash-after 100 || return
        mc failure crash 600 "" restart:600000
        assert_rc "failure: a restart after 10 minutes" 0 || diag "$(last_run)"
        mc qfailure crash
        assert_eq "qfailure before any failure" "failure_count 0
pending none" "$OUT"
        assert_sc_ok "start crash" start crash --wait
        wait_state crash stopped 15 || return
        mc qfailure crash
        assert_eq "qfailure after the crash: counted, the restart waits" "failure_count 1
pending restart failure 1 in_ms>0 1" "$OUT" || diag "$(last_run)"
        run_sc qfailure crash
        assert_contains "scctl qfailure agrees on the count" "$OUT" "FAILURE_COUNT                : 1"
}

test_group_order_and_rights() {
        daemon_start || return
        mc group-order Core Web
        assert_eq "group order: set and read back" "Core
Web" "$OUT"
        run_sc group-order
        assert_contains "scctl group-order shows it" "$OUT" "Web"
        mc rights add nobody CAP_NET_BIND_SERVICE
        assert_eq "rights add: the account's privileges after" "CAP_NET_BIND_SERVICE" "$OUT"
        run_sc privilege show nobody
        assert_contains "scctl privilege shows it" "$OUT" "CAP_NET_BIND_SERVICE"
        mc rights remove nobody CAP_NET_BIND_SERVICE
        assert_eq "rights remove: none left" "" "$OUT"
        mc rights query root
        assert_contains "rights query root: all" "$OUT" "(all)"
}

test_log() {
        daemon_start || return
        create_helper lg --print hello-log || return
        start_helper lg || return
        wait_until 15 "lg's output reaches its log" grep -q hello-log "$D/log/lg.log" || return
        mc log lg 10
        assert_rc "log: exits 0" 0 || diag "$(last_run)"
        assert_contains "log: the tail has the service's line" "$OUT" "stdout: hello-log"
        assert_contains "log: following from its offset, nothing new" "$OUT" "--- then 0 bytes"
}

run_test test_enumerate_filters
run_test test_config_by_field
run_test test_failure_actions
run_test test_group_order_and_rights
run_test test_log
finish
