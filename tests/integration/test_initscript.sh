#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# contrib/init.d/scmd, the init script for hosts without systemd, on a
# scmd of this test's own (SCMD_MODE="--root $D"; the script's default is
# the system scmd): start returns with scmd answering, status tells, stop
# stops every service and scmd with them, leaving no process.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

INIT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/contrib/init.d/scmd

init() {
        run env SCMD="$SCMD" SCMD_MODE="--root $D" PIDFILE="$D/run/scmd.lock" sh "$INIT" "$@"
}

test_initscript() {
        check "the script has LSB headers" grep -q '^### BEGIN INIT INFO' "$INIT"
        mkdir -p "$D"
        init status
        assert_rc "status before start: 3 (not running)" 3
        init start
        assert_rc "start exits 0" 0 || diag "$(last_run)"
        local pid
        pid=$(cat "$D/run/scmd.lock" 2>/dev/null)
        [ -n "$pid" ] && echo "$pid" >>"$D/scmd.pids"
        run_sc query
        assert_rc "scctl reaches scmd as soon as start returned" 0 || return
        init status
        assert_rc "status: 0 (running)" 0
        assert_contains "...naming its pid" "$OUT" "pid $pid"
        init start
        assert_rc "a second start is fine" 0
        assert_contains "...and says it runs already" "$OUT" "already running"
        create_helper svc || return
        start_helper svc || return
        local svc_pid
        svc_pid=$(status_field svc pid)
        init stop
        assert_rc "stop exits 0" 0 || diag "$(last_run)"
        check "scmd is gone" proc_gone "$pid"
        check "its service's process is gone" proc_gone "$svc_pid"
        init status
        assert_rc "status after stop: 3" 3
}

run_test test_initscript
finish
