#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# System events for native services' handlers (docs/protocol.md, "The
# control channel"): a service whose status accepts TIMECHANGE gets
# control 16 with the wall clock's time before and after when the clock is
# set, and one that does not accept it gets nothing.  The clock is set to
# itself plus 10 ms (a step forward no other test notices); where scmd's
# test may not set the clock the point is skipped.  A resume from suspend
# (POWEREVENT) cannot be caused here: its points are skipped, saying so.
# Logons and logoffs (SESSIONCHANGE) come from a utmp file of the test's
# own (scmd --utmp), written by glibc's pututxline as login programs do.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Now as FILETIME: 100 ns since 1601.
filetime_now() {
        echo $(( $(date +%s%N) / 100 + 116444736000000000 ))
}

test_accept_bits() {
        daemon_start || return
        create_native T --accept stop,timechange,powerevent,sessionchange || return
        start_native T || return
        run_sc queryex T
        assert_contains "queryex shows the accepted system events" "$OUT" \
                "ACCEPTS_POWEREVENT, ACCEPTS_SESSIONCHANGE, ACCEPTS_TIMECHANGE"
        run_sc --json query T
        assert_contains "...and the protocol names them" "$OUT" '"timechange"'
        assert_sc_ok "stop T" stop T --wait
}

test_timechange() {
        daemon_start || return
        create_native T --accept stop,timechange || return
        create_native N --accept stop || return
        start_native T || return
        start_native N || return
        local before after
        before=$(filetime_now)
        if ! date -s "@$(date +%s.%N | awk '{printf "%.9f", $1 + 0.01}')" >/dev/null 2>&1; then
                tap_skip "TIMECHANGE reaches the service that accepts it" "cannot set the clock here (no CAP_SYS_TIME)"
                return
        fi
        wait_report T control=16 10 || return
        after=$(filetime_now)
        check "T's handler got TIMECHANGE's data" report_has_prefix T timechange=
        local data new old
        data=$(report_get T timechange)
        new=${data%%:*} old=${data#*:}
        if [ "$new" -ge "$before" ] && [ "$new" -le "$after" ] && [ "$old" -le "$new" ] &&
                [ $((new - old)) -lt 10000000 ]; then
                tap_ok "new time within the step ($new), old time just before it ($old)"
        else
                tap_not_ok "new and old time" "before=$before after=$after new=$new old=$old"
        fi
        check "T answered it with NO_ERROR" report_has T answered=16:0
        check "scmd logs the change and whom it told" scmd_log_has "the wall clock was set"
        sleep 0.3
        if report_has N control=16; then
                tap_not_ok "N, which does not accept TIMECHANGE, gets nothing" "$(cat "$(report_path N)")"
        else
                tap_ok "N, which does not accept TIMECHANGE, gets nothing"
        fi
        run_sc query T
        assert_contains "T runs on" "$OUT" RUNNING
        assert_sc_ok "stop T" stop T --wait
}

test_powerevent() {
        tap_skip "POWEREVENT PBT_APMRESUMEAUTOMATIC after a resume" "this machine cannot be suspended by a test"
}

# The sleep hook as systemd-sleep runs it before a suspend ("pre
# suspend"), pointed at this test's scmd: it returns only once the service
# that accepts POWEREVENT has answered PBT_APMSUSPEND (its handler takes
# 1.5 s), so its answer is in the report the moment the hook is done.
# answers_past N: P's report has more than N answers to POWEREVENT.
answers_past() { [ "$(grep -c "^answered=13:" "$(report_path P)")" -gt "$1" ]; }

test_suspend_hook() {
        daemon_start || return
        create_native P --accept stop,powerevent --slow-handler 1500 || return
        create_native N --accept stop || return
        start_native P || return
        start_native N || return
        local hook="$D/sleep-hook"
        sed "s|/usr/local/bin/scctl|$SCCTL|" "$SRC/packaging/system-sleep/scm" >"$hook"
        SCM_SOCKET="$D/run/scm.sock" sh "$hook" post suspend
        sleep 0.3
        if report_has P control=13; then
                tap_not_ok "after a wake-up the hook tells nobody (scmd notices the resume)" "$(cat "$(report_path P)")"
        else
                tap_ok "after a wake-up the hook tells nobody (scmd notices the resume)"
        fi
        SCM_SOCKET="$D/run/scm.sock" sh "$hook" pre suspend
        check "P's handler got POWEREVENT with PBT_APMSUSPEND (4)" report_has P event_type=13:4
        check "...and had answered it when the hook returned" report_has P answered=13:0
        check "N, which does not accept POWEREVENT, got nothing" bash -c "! grep -q control=13 '$(report_path N)'"
        check "scmd logs the suspend and whom it told" scmd_log_has "the machine is about to suspend: told 1 service"
        run_sc --json power-event suspend
        assert_contains "power-event --json says whom it told" "$OUT" '"told":1'
        assert_contains "...and that all answered in time" "$OUT" '"late":0'
        # A handler slower than the wait: the answer comes without it, and
        # says so; the handler's own answer comes later.
        local answers
        answers=$(grep -c "^answered=13:" "$(report_path P)")
        run_sc --json power-event suspend --max-wait 200
        assert_contains "with --max-wait 200, a 1.5 s handler is reported late" "$OUT" '"late":1'
        assert_eq "...and the reply came before its answer" "$answers" "$(grep -c "^answered=13:" "$(report_path P)")"
        wait_until 10 "the late handler answers after all" answers_past "$answers"
        run_sc power-event suspend --max-wait 40000
        assert_rc "a wait past 30 s is refused" 1
        assert_contains "...naming the parameter and its range" "$ERR" "'timeout_ms' must be a number of milliseconds from 0 to 30000"
        run_sc power-event hibernate
        assert_rc "an unknown power event is refused" 1
        assert_contains "...with INVALID_PARAMETER, saying what is announced" "$ERR" "INVALID_PARAMETER (87): unknown power event 'hibernate': only 'suspend'"
        run_sc query P
        assert_contains "P runs on" "$OUT" RUNNING
        assert_sc_ok "stop P" stop P --wait
        assert_sc_ok "stop N" stop N --wait
}

test_sessionchange() {
        local utmp="$D/utmp"
        : >"$utmp"
        daemon_start --utmp "$utmp" || return
        create_native S --accept stop,sessionchange || return
        create_native N --accept stop || return
        start_native S || return
        start_native N || return
        # The session's number is its login program's pid: any number will do.
        "$UTMP_HELPER" "$utmp" login 424242 pts/77 alice || { tap_not_ok "utmp login" "rc $?"; return; }
        wait_report S control=14 10 || return
        check "S's handler got WTS_SESSION_LOGON (5) for session 424242, with cbSize 8" \
                report_has S session=5:424242:8
        wait_report S answered=14:0 10 && tap_ok "S answered it with NO_ERROR"
        check "scmd logs the logon and whom it told" scmd_log_has "session 424242 of alice on pts/77 began: told 1 service"
        "$UTMP_HELPER" "$utmp" logout 424242 pts/77 || { tap_not_ok "utmp logout" "rc $?"; return; }
        wait_report S session=6:424242:8 10 || return
        tap_ok "S's handler got WTS_SESSION_LOGOFF (6) for the same session"
        # A file replaced whole (as some tools rewrite utmp) is watched anew.
        cp "$utmp" "$D/utmp.new"
        "$UTMP_HELPER" "$D/utmp.new" login 4343 pts/78 bob || { tap_not_ok "utmp login" "rc $?"; return; }
        mv "$D/utmp.new" "$utmp"
        wait_report S session=5:4343:8 10 || return
        tap_ok "a utmp file renamed into place is read: bob's logon is told"
        "$UTMP_HELPER" "$utmp" logout 4343 pts/78 || { tap_not_ok "utmp logout" "rc $?"; return; }
        wait_report S session=6:4343:8 10 || return
        tap_ok "...and the renamed file is watched for writes: bob's logoff is told"
        if report_has N control=14; then
                tap_not_ok "N, which does not accept SESSIONCHANGE, gets nothing" "$(cat "$(report_path N)")"
        else
                tap_ok "N, which does not accept SESSIONCHANGE, gets nothing"
        fi
        assert_sc_ok "stop S" stop S --wait
        assert_sc_ok "stop N" stop N --wait
}

scmd_log_has() {
        grep -qF -- "$1" "$D/scmd.stderr" 2>/dev/null
}

run_test test_accept_bits
run_test test_timechange
run_test test_powerevent
run_test test_suspend_hook
run_test test_sessionchange
finish
