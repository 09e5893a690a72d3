#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Every error a person meets through scctl, with its stable name and Win32
# number on stderr and exit status 1 (docs/protocol.md, "Errors").  One scmd
# serves all of them; each test uses its own service names.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_disabled() {
        create_helper off -- --start disabled || return
        assert_sc_error "start of a disabled service: SERVICE_DISABLED" SERVICE_DISABLED 1058 start off
        assert_eq "...and it stays stopped" stopped "$(status_field off state)"
        check "...and no process ran" report_lacks off pid=
}

test_already_running() {
        create_helper busy || return
        start_helper busy || return
        local pid
        pid=$(report_get busy pid)
        assert_sc_error "start of a running service: SERVICE_ALREADY_RUNNING" SERVICE_ALREADY_RUNNING 1056 start busy
        assert_eq "...and the first process still runs" "$pid" "$(status_field busy pid)"
        assert_sc_ok "stop busy" stop busy --wait
}

test_delete_twice() {
        create_helper twice || return
        assert_sc_ok "delete" delete twice
        assert_sc_error "second delete: SERVICE_DOES_NOT_EXIST" SERVICE_DOES_NOT_EXIST 1060 delete twice
}

test_invalid_names() {
        assert_sc_error "create with '/' in the name: INVALID_NAME" INVALID_NAME 123 create "a/b" --exec "$HELPER"
        assert_sc_error "create with '\\' in the name: INVALID_NAME" INVALID_NAME 123 create 'a\b' --exec "$HELPER"
        assert_sc_error "create named '..': INVALID_NAME" INVALID_NAME 123 create .. --exec "$HELPER"
        local long
        long=$(printf 'n%.0s' {1..257})
        assert_sc_error "create with a 257-character name: INVALID_NAME" INVALID_NAME 123 create "$long" --exec "$HELPER"
        run_sc --json query
        assert_not_contains "no service was created" "$OUT" '"a/b"'
}

test_exists_other_case() {
        create_helper Exists || return
        assert_sc_error "create of an existing name in other case: SERVICE_EXISTS" SERVICE_EXISTS 1073 \
                create EXISTS --exec "$HELPER"
        assert_sc_error "...and in the same case" SERVICE_EXISTS 1073 create Exists --exec "$HELPER"
}

test_duplicate_display_name() {
        create_helper disp1 -- --display-name "Shared Display" || return
        assert_sc_error "display name equal to another's display name: DUPLICATE_SERVICE_NAME" \
                DUPLICATE_SERVICE_NAME 1078 create disp2 --exec "$HELPER" --display-name "shared display"
        assert_sc_error "display name equal to another's name: DUPLICATE_SERVICE_NAME" \
                DUPLICATE_SERVICE_NAME 1078 create disp3 --exec "$HELPER" --display-name "DISP1"
        assert_sc_error "name equal to another's display name: DUPLICATE_SERVICE_NAME" \
                DUPLICATE_SERVICE_NAME 1078 create "Shared Display" --exec "$HELPER"
        create_helper disp4 || return
        assert_sc_error "config to a taken display name: DUPLICATE_SERVICE_NAME" \
                DUPLICATE_SERVICE_NAME 1078 config disp4 --display-name "SHARED display"
}

test_missing_binary() {
        local prog=$D/no-such-dir/no-such-program
        run_sc create missing --exec "$prog --flag"
        assert_rc "create with a missing program is accepted (checked at start)" 0
        assert_sc_error "start with a missing program: FILE_NOT_FOUND" FILE_NOT_FOUND 2 start missing
        assert_contains "...and the message names the program" "$ERR" "$prog"
        assert_eq "...and the service is stopped" stopped "$(status_field missing state)"
        assert_eq "...with win32_exit_code 2" 2 "$(status_field missing win32_exit_code)"
}

test_stop_stopped() {
        create_helper idle || return
        assert_sc_error "stop of a stopped service: SERVICE_NOT_ACTIVE" SERVICE_NOT_ACTIVE 1062 stop idle
}

test_pause_plain() {
        create_helper plain || return
        start_helper plain || return
        assert_sc_error "pause of a plain service: INVALID_SERVICE_CONTROL" INVALID_SERVICE_CONTROL 1052 pause plain
        assert_sc_error "continue of a plain service: INVALID_SERVICE_CONTROL" INVALID_SERVICE_CONTROL 1052 \
                continue plain
        assert_sc_error "paramchange to a plain service: INVALID_SERVICE_CONTROL" INVALID_SERVICE_CONTROL 1052 \
                control plain paramchange
        assert_sc_ok "interrogate of a plain service works" interrogate plain
        assert_eq "...and it still runs" running "$(status_field plain state)"
        assert_sc_ok "stop plain" stop plain --wait
}

test_unknown_account() {
        assert_sc_error "create with an unknown account: INVALID_SERVICE_ACCOUNT" INVALID_SERVICE_ACCOUNT 1057 \
                create acct --exec "$HELPER" --account scm-no-such-user-4242
        assert_sc_error "...it was not created" SERVICE_DOES_NOT_EXIST 1060 query acct
}

test_boot_start_type() {
        assert_sc_error "boot start type for an own-process service: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create booty --exec "$HELPER" --start boot
        assert_sc_error "system start type for an own-process service: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create sysy --exec "$HELPER" --start system
}

test_bad_command_line() {
        assert_sc_error "create with an unterminated quote: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create quoted --exec "$HELPER 'oops"
        assert_sc_error "create with an empty command line: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create empty --exec "   "
}

test_marked_for_delete() {
        create_helper doomed || return
        start_helper doomed || return
        local pid
        pid=$(report_get doomed pid)
        run_sc --json delete doomed
        assert_rc "delete of a running service succeeds" 0
        assert_eq "...and says it is only marked" true "$(json_get "$OUT" marked_for_delete)"
        assert_eq "status says marked_for_delete" true "$(status_field doomed marked_for_delete)"
        assert_eq "...and it still runs" running "$(status_field doomed state)"
        assert_sc_error "delete again: SERVICE_MARKED_FOR_DELETE" SERVICE_MARKED_FOR_DELETE 1072 delete doomed
        assert_sc_error "config of it: SERVICE_MARKED_FOR_DELETE" SERVICE_MARKED_FOR_DELETE 1072 \
                config doomed --description "too late"
        assert_sc_error "create of its name: SERVICE_MARKED_FOR_DELETE" SERVICE_MARKED_FOR_DELETE 1072 \
                create doomed --exec "$HELPER"
        # It goes as soon as it has stopped, so --wait sees it vanish: that
        # is the stop it waited for, not an error.
        run_sc stop doomed --wait
        assert_rc "stop --wait of a service marked for delete exits 0" 0
        wait_until 5 "doomed's pid $pid is gone" proc_gone "$pid"
        sc_gone() { run_sc query doomed; [ "$RC" -eq 1 ] && [[ "$ERR" == *"SERVICE_DOES_NOT_EXIST (1060)"* ]]; }
        wait_until 10 "doomed is gone after it stopped" sc_gone && tap_ok "after stop the marked service is gone"
}

test_start_marked() {
        create_helper doomed2 || return
        start_helper doomed2 || return
        assert_sc_ok "delete of running doomed2" delete doomed2
        # Still running: start is refused for the mark, not for running.
        assert_sc_error "start of a service marked for delete: SERVICE_MARKED_FOR_DELETE" \
                SERVICE_MARKED_FOR_DELETE 1072 start doomed2
        assert_sc_ok "stop doomed2" stop doomed2
        sc_gone2() { run_sc query doomed2; [ "$RC" -eq 1 ] && [[ "$ERR" == *"SERVICE_DOES_NOT_EXIST (1060)"* ]]; }
        wait_until 10 "doomed2 is gone after it stopped" sc_gone2 && tap_ok "doomed2 is gone after stop"
}

test_json_error() {
        run_sc --json start no-such-service
        assert_rc "--json error exits 1" 1
        assert_contains "--json error names the error" "$OUT" SERVICE_DOES_NOT_EXIST
        assert_eq "--json error carries win32" 1060 "$(json_get "$OUT" win32)"
}

test_usage_and_unreachable() {
        run "$SCCTL" --root "$D" --timeout 10 frobnicate
        assert_rc "unknown verb: usage error (2)" 2
        run "$SCCTL" --root "$D" --timeout 10 create
        assert_rc "create without a name: usage error (2)" 2
        run "$SCCTL" --root "$D/nowhere" --timeout 1 query
        assert_rc "no scmd at that root: exit 3" 3
}

test_errors() {
        daemon_start || return
        local t
        for t in test_disabled test_already_running test_delete_twice test_invalid_names test_exists_other_case \
                test_duplicate_display_name test_missing_binary test_stop_stopped test_pause_plain \
                test_unknown_account test_boot_start_type test_bad_command_line test_marked_for_delete \
                test_start_marked test_json_error test_usage_and_unreachable; do
                diag "--- $t"
                "$t"
        done
        run_sc --json query
        assert_rc "scmd still answers after every error" 0
}

run_test test_errors
finish
