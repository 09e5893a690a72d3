#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The habits of systemctl users: restart, status, enable, disable, list,
# list-units, cat, show (--json), is-active and is-enabled (with
# systemctl's exit codes), kill --signal; "did you mean" for a mistyped
# verb, option or service name; --json usage errors as JSON.  Facts come
# from the helper's reports and /proc, not from scctl's own words alone.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_restart() {
        daemon_start || return
        create_helper web || return
        run_sc restart web
        assert_rc "restart of a stopped service starts it" 0
        wait_report web ready=1 || return
        local pid1
        pid1=$(report_get web pid)
        rm -f "$(report_path web)"
        run_sc restart web
        assert_rc "restart of a running one" 0
        wait_report web ready=1 || return
        local pid2
        pid2=$(report_get web pid)
        assert_ne "...runs a new process" "$pid1" "$pid2"
        check "...the old one is gone" proc_gone "$pid1"
        assert_eq "...and the new one is the running service's" "$pid2" "$(status_field web pid)"
}

test_enable_disable() {
        daemon_start || return
        create_helper web || return
        run_sc is-enabled web
        assert_eq "is-enabled of a demand service: exit 1" 1 "$RC"
        assert_eq "...prints disabled" disabled "$OUT"
        assert_sc_ok "enable" enable web
        run_sc --json qc web
        assert_eq "enable makes the start type auto" auto "$(json_get "$OUT" start_type)"
        run_sc is-enabled web
        assert_eq "is-enabled: exit 0" 0 "$RC"
        assert_eq "...prints enabled" enabled "$OUT"
        assert_sc_ok "disable" disable web
        run_sc --json qc web
        assert_eq "disable makes it demand" demand "$(json_get "$OUT" start_type)"
        sc config web --start disabled >/dev/null
        run_sc is-enabled web
        assert_eq "a disabled start type is masked, exit 1" "masked 1" "$OUT $RC"
        run_sc is-enabled nothing-here
        assert_eq "is-enabled of no such service: not-found, exit 4" "not-found 4" "$OUT $RC"
}

test_is_active() {
        daemon_start || return
        create_helper web || return
        create_helper db || return
        run_sc is-active web
        assert_eq "is-active of a stopped service: inactive, exit 3" "inactive 3" "$OUT $RC"
        start_helper web || return
        run_sc is-active web
        assert_eq "of a running one: active, exit 0" "active 0" "$OUT $RC"
        run_sc is-active db web
        assert_eq "of several: a line each, exit 0 when one is active" $'inactive\nactive 0' "$OUT $RC"
        run_sc is-active -q web
        assert_eq "-q prints nothing" "0:" "$RC:$OUT"
        run_sc is-active nothing-here
        assert_eq "of no such service: inactive, exit 3" "inactive 3" "$OUT $RC"
        sc create crash --exec "$(helper_cmdline crash --exit-after 0 --exit-code 3)" >/dev/null
        sc start crash >/dev/null
        wait_state crash stopped || return
        run_sc is-active crash
        assert_eq "one that ended with an error: failed, exit 3" "failed 3" "$OUT $RC"
}

test_status() {
        daemon_start || return
        create_helper db || return
        create_helper web --print hello-from-web -- --depend db || return
        start_helper web || return
        wait_until 15 "the log has the line" grep -q hello-from-web "$D/log/web.log"
        run_sc status web
        assert_rc "status of a running service: exit 0" 0
        assert_contains "...queryex's block" "$OUT" "PID                : $(report_get web pid)"
        assert_contains "...the dependency tree" "$OUT" "└─ db (running)"
        assert_contains "...the last log lines" "$OUT" "hello-from-web"
        sc stop web --wait >/dev/null
        run_sc status web
        assert_eq "status of a stopped service: exit 3" 3 "$RC"
        run_sc status nothing-here
        assert_eq "status of no such service: exit 4" 4 "$RC"
}

test_list_cat_show() {
        daemon_start || return
        create_helper web -- --display-name "Web Front" || return
        local v
        for v in list list-units; do
                run_sc "$v"
                assert_rc "$v" 0
                assert_contains "...a table with the service" "$OUT" "Web Front"
        done
        run_sc list --state active
        assert_not_contains "list --state active leaves out a stopped one" "$OUT" "Web Front"
        run_sc cat web
        assert_contains "cat prints qc's block" "$OUT" "DISPLAY_NAME       : Web Front"
        run_sc show web
        assert_contains "show prints key=value" "$OUT" "display_name=Web Front"
        assert_contains "...the status too" "$OUT" "state=stopped"
        run_sc show web --json
        assert_contains "show --json: one object with the config" "$OUT" '"config":{'
        assert_contains "...and the status" "$OUT" '"status":{'
}

test_kill() {
        daemon_start || return
        create_helper web || return
        start_helper web || return
        local pid
        pid=$(report_get web pid)
        run_sc kill web --signal HUP
        assert_rc "kill --signal HUP" 0
        wait_report web signal=HUP
        check "...the process lives on" proc_alive "$pid"
        run_sc kill web -s 15
        assert_rc "kill -s 15" 0
        wait_state web stopped || return
        check "...it ends" proc_gone "$pid"
        run_sc kill web --signal NOTASIGNAL
        assert_eq "a signal that does not exist: usage error" 2 "$RC"
}

test_did_you_mean() {
        daemon_start || return
        create_helper webserver || return
        run_sc strat webserver
        assert_eq "a mistyped verb: exit 2" 2 "$RC"
        assert_contains "...did you mean start" "$ERR" "did you mean 'start'?"
        run_sc query webserver --jsno
        assert_contains "a mistyped option: did you mean --json" "$ERR" "did you mean --json?"
        run_sc query websrever
        assert_contains "a mistyped service name: did you mean webserver" "$ERR" "did you mean webserver?"
        run_sc query zzzzzzzzzz
        assert_not_contains "nothing near: no guess" "$ERR" "did you mean"
}

test_json_usage_errors() {
        run_sc --json strat x
        assert_eq "a --json usage error: exit 2" 2 "$RC"
        assert_contains "...as a JSON error on stdout" "$OUT" '"error":{"code":-32602'
        assert_contains "...INVALID_PARAMETER" "$OUT" '"error":"INVALID_PARAMETER"'
        assert_eq "...nothing on stderr" "" "$ERR"
        run_sc query --bogus --json
        assert_contains "--json after the mistake counts too" "$OUT" '"usage":"scctl query'
}

run_test test_restart
run_test test_enable_disable
run_test test_is_active
run_test test_status
run_test test_list_cat_show
run_test test_kill
run_test test_did_you_mean
run_test test_json_usage_errors
finish
