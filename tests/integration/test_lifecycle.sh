#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The life of one service, through scctl only: create, start with
# arguments, what the process sees from inside (arguments, stdin, session,
# scrubbed environment), query/queryex/qc, logs, stop, delete.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_lifecycle() {
        # Variables a desktop session would leak into a service; scmd must
        # not pass them on (session-0 isolation).
        export DISPLAY=:99 WAYLAND_DISPLAY=wayland-99 DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/scm-test-bus
        daemon_start
        local started=$?
        unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
        [ $started -eq 0 ] || return

        create_helper life --print hello-life -- --display-name "Life Cycle" --description "the lifecycle test" ||
                return
        tap_ok "create life"
        check "the new service is stopped" state_is life stopped

        run_sc start life alpha "beta gamma" --wait
        assert_rc "start life alpha 'beta gamma' --wait" 0
        [ "$RC" -eq 0 ] || return
        wait_report life ready=1 || return

        # The daemon's view.
        run_sc --json query life
        assert_rc "query --json life" 0
        local status=$OUT
        assert_eq "state is running" running "$(json_get "$status" state)"
        local pid
        pid=$(json_get "$status" pid)
        assert_eq "status pid is the service's own pid" "$(report_get life pid)" "$pid"
        assert_eq "type is own" own "$(json_get "$status" type)"
        assert_eq "desired is running" running "$(json_get "$status" desired)"
        assert_eq "win32_exit_code is 0" 0 "$(json_get "$status" win32_exit_code)"
        assert_eq "marked_for_delete is false" false "$(json_get "$status" marked_for_delete)"
        assert_contains "controls_accepted has stop" "$status" '"stop"'
        check "the pid is alive" proc_alive "$pid"

        # The service's view.
        check "ran with argument alpha" report_has life "argv=alpha"
        check "ran with argument 'beta gamma' as one word" report_has life "argv=beta gamma"
        assert_eq "stdin is /dev/null" /dev/null "$(report_get life stdin)"
        assert_eq "own session: sid == pid" "$(report_get life pid)" "$(report_get life sid)"
        assert_eq "own process group: pgid == pid" "$(report_get life pid)" "$(report_get life pgid)"
        check "the environment was reported" report_has_prefix life "env="
        check "DISPLAY is scrubbed" report_lacks life "env=DISPLAY="
        check "WAYLAND_DISPLAY is scrubbed" report_lacks life "env=WAYLAND_DISPLAY="
        check "DBUS_SESSION_BUS_ADDRESS is scrubbed" report_lacks life "env=DBUS_SESSION_BUS_ADDRESS="

        # Human-readable queries carry the right fields.
        run_sc query life
        assert_rc "query life" 0
        assert_icontains "query shows the name" "$OUT" life
        assert_icontains "query shows the state" "$OUT" running
        run_sc queryex life
        assert_rc "queryex life" 0
        assert_icontains "queryex shows the state" "$OUT" running
        assert_contains "queryex shows the pid" "$OUT" "$pid"
        run_sc qc life
        assert_rc "qc life" 0
        assert_contains "qc shows the program" "$OUT" "$HELPER"
        assert_contains "qc shows the display name" "$OUT" "Life Cycle"
        assert_icontains "qc shows the start type" "$OUT" demand

        run_sc --json qc life
        assert_rc "qc --json life" 0
        assert_eq "config name" life "$(json_get "$OUT" name)"
        assert_eq "config display_name" "Life Cycle" "$(json_get "$OUT" display_name)"
        assert_eq "config description" "the lifecycle test" "$(json_get "$OUT" description)"
        assert_eq "config start_type" demand "$(json_get "$OUT" start_type)"
        assert_eq "config error_control" normal "$(json_get "$OUT" error_control)"
        assert_eq "config type" own "$(json_get "$OUT" type)"
        assert_contains "config command_line names the program" "$(json_get "$OUT" command_line)" "$HELPER"
        assert_eq "config log_file is under --root" "$D/log/life.log" "$(json_get "$OUT" log_file)"

        # The service's stdout and stderr end up in its log.
        logs_have() { run_sc logs life && [[ "$OUT" == *"stdout: hello-life"* && "$OUT" == *"stderr: hello-life"* ]]; }
        if wait_until 10 "scctl logs life shows stdout and stderr" logs_have; then
                tap_ok "logs shows the service's stdout and stderr"
        else
                diag "$(last_run)"
        fi
        check "the log file is $D/log/life.log" grep -q "stdout: hello-life" "$D/log/life.log"

        # Stop: SIGTERM reaches the service, the process goes, the state is stopped.
        run_sc stop life --wait
        assert_rc "stop life --wait" 0
        assert_eq "after stop --wait the state is stopped" stopped "$(status_field life state)"
        assert_eq "after stop the status pid is 0" 0 "$(status_field life pid)"
        check "the service got SIGTERM" report_has life signal=TERM
        wait_until 5 "pid $pid is gone" proc_gone "$pid" && tap_ok "the service's process is gone"
        assert_eq "desired is stopped" stopped "$(status_field life desired)"
        assert_eq "a clean stop leaves win32_exit_code 0" 0 "$(status_field life win32_exit_code)"

        # Delete: the service is gone.
        assert_sc_ok "delete life" delete life
        assert_sc_error "query of a deleted service: SERVICE_DOES_NOT_EXIST" SERVICE_DOES_NOT_EXIST 1060 query life
        run_sc --json query
        assert_not_contains "the deleted service is not listed" "$OUT" '"life"'
}

test_case_insensitive_lookup() {
        daemon_start || return
        create_helper MixedCase || return
        assert_sc_ok "start by another case" start mixedcase --wait
        wait_report MixedCase ready=1 || return
        run_sc --json query MIXEDCASE
        assert_eq "query by another case" running "$(json_get "$OUT" state)"
        assert_eq "the name keeps its case" MixedCase "$(json_get "$OUT" name)"
        assert_sc_ok "stop by another case" stop MIXEDcase --wait
        assert_sc_ok "delete by another case" delete mixedCASE
}

test_query_several() {
        daemon_start || return
        create_helper one || return
        create_helper two || return
        start_helper one || return
        run_sc --json query
        assert_rc "query (all)" 0
        assert_contains "query lists one" "$OUT" '"one"'
        assert_contains "query lists two" "$OUT" '"two"'
        run_sc query one two
        assert_rc "query one two" 0
        assert_icontains "query one two shows running" "$OUT" running
        assert_icontains "query one two shows stopped" "$OUT" stopped
        assert_sc_ok "stop one" stop one --wait
}

test_exit_by_itself() {
        daemon_start || return
        create_helper quitter --exit-after 200 --exit-code 3 || return
        start_helper quitter || return
        wait_state quitter stopped 10 || return
        tap_ok "a service that exits by itself is stopped"
        run_sc --json query quitter
        assert_eq "...with win32_exit_code 1067 (PROCESS_ABORTED)" 1067 "$(json_get "$OUT" win32_exit_code)"
        local process_exit=${OUT#*\"process_exit\"}
        assert_eq "...and process_exit code 3" 3 "$(json_get "$process_exit" code)"
}

# A client started before scmd waits for it, the way OpenSCManager waits
# for the SCM's start event, instead of failing: the socket appears only
# once the database is loaded.
# A client that comes before scmd waits for it with --wait (without it, no
# scmd is an error at once: test_unreachable.sh).
test_client_waits_for_scmd() {
        "$SCCTL" --root "$D" --timeout 20 --wait query >"$D/early.out" 2>&1 &
        local client=$!
        sleep 0.3 # not a synchronisation: the check below is what is asserted
        check "an early client is still waiting, not failed" proc_alive "$client"
        daemon_start || return
        local end=$(($(now_ms) + 20000))
        while proc_alive "$client" && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
        wait "$client"
        assert_eq "the early client got its answer once scmd was ready" 0 "$?"
}

run_test test_lifecycle
run_test test_client_waits_for_scmd
run_test test_case_insensitive_lookup
run_test test_query_several
run_test test_exit_by_itself
finish
