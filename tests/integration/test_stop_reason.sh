#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Stop reasons (ControlServiceEx with SERVICE_CONTROL_STATUS_REASON_PARAMS;
# the control method's reason and comment; scctl stop NAME REASON COMMENT):
# recorded with a stop that went out, shown by queryex and query_status,
# logged; refused when malformed, with another control, or too long; not
# recorded by a stop that was refused.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_recorded() {
        daemon_start || return
        sc create web --exec "/bin/sleep 100" >/dev/null
        run_sc queryex web
        assert_not_contains "no reason before any stop" "$OUT" "STOP_REASON"
        sc start web >/dev/null
        assert_sc_ok "stop with sc.exe's reason and a comment" stop web 4:4:5 "new port" --wait
        run_sc queryex web
        assert_contains "queryex shows the code and its parts" "$OUT" "STOP_REASON        : 0x40040005  (4:4:5)"
        assert_contains "...and the comment" "$OUT" "STOP_COMMENT       : new port"
        run_sc --json query web
        assert_contains "query_status carries it" "$OUT" '"stop_reason":{"reason":1074003973,"comment":"new port"'
        check "scmd logs who asked, and why" grep -qF "service web: stop asked by uid $(id -u) with reason 0x40040005: new port" "$D/scmd.stderr"
        assert_sc_error "a stop of a stopped service" SERVICE_NOT_ACTIVE 1062 stop web 1:2:3 "not recorded"
        run_sc queryex web
        assert_contains "...records nothing" "$OUT" "STOP_COMMENT       : new port"
        sc start web >/dev/null
        assert_sc_ok "a reason as a number, custom flag and major" stop web 0x20400100 --wait
        run_sc queryex web
        assert_contains "...replaces the last" "$OUT" "STOP_REASON        : 0x20400100  (2:64:256)"
        assert_not_contains "...and its comment" "$OUT" "STOP_COMMENT"
}

test_refused() {
        daemon_start || return
        sc create web --exec "/bin/sleep 100" >/dev/null
        sc start web >/dev/null
        assert_sc_error "a reason without a flag" INVALID_PARAMETER 87 stop web 0x00040005
        assert_sc_error "a major reason out of range" INVALID_PARAMETER 87 stop web 4:9:1
        assert_sc_error "minor reason 0" INVALID_PARAMETER 87 stop web 4:4:0
        assert_sc_error "a comment over 128 characters" INVALID_PARAMETER 87 \
                stop web 4:4:5 "$(printf 'x%.0s' $(seq 129))"
        run_sc --json query web
        assert_contains "the refused stops stopped nothing" "$OUT" '"state":"running"'
        assert_sc_ok "128 characters are fine" stop web 4:4:5 "$(printf 'é%.0s' $(seq 128))" --wait
}

test_kept_across_restart() {
        daemon_start || return
        sc create web --exec "/bin/sleep 100" >/dev/null
        sc start web >/dev/null
        assert_sc_ok "stop with a reason and a comment" stop web 4:4:5 "before the upgrade" --wait
        daemon_stop 30 || return
        daemon_start || return
        run_sc queryex web
        assert_contains "a restarted scmd still shows the last stop's reason" "$OUT" \
                "STOP_REASON        : 0x40040005  (4:4:5)"
        assert_contains "...and its comment" "$OUT" "STOP_COMMENT       : before the upgrade"
        sc start web >/dev/null
        run_sc daemon-reexec
        run_sc queryex web
        assert_contains "...and so does a re-executed one, the service running again" "$OUT" \
                "STOP_COMMENT       : before the upgrade"
        assert_sc_ok "stop with no comment" stop web 0x20400100 --wait
        daemon_stop 30 || return
        daemon_start || return
        run_sc queryex web
        assert_contains "the newer reason is the one kept" "$OUT" "STOP_REASON        : 0x20400100  (2:64:256)"
        assert_not_contains "...without the old comment" "$OUT" "STOP_COMMENT"
}

run_test test_recorded
run_test test_refused
run_test test_kept_across_restart
finish
