#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The socket under abuse: runs tests/integration/wire_abuse (a C client)
# against a real scmd and relays its TAP into this script's numbering.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Relays TAP lines from stdin as this script's own points; keeps diagnostics.
tap_relay() {
        local line
        while IFS= read -r line; do
                case $line in
                "not ok "*)
                        line=${line#not ok }
                        line=${line#* }
                        tap_not_ok "${line#- }"
                        ;;
                "ok "*" # SKIP "*)
                        line=${line#ok }
                        line=${line#* }
                        line=${line#- }
                        tap_skip "${line%% # SKIP *}" "${line#* # SKIP }"
                        ;;
                "ok "*)
                        line=${line#ok }
                        line=${line#* }
                        tap_ok "${line#- }"
                        ;;
                "1.."*) ;;
                "WIRE_ABUSE_EXIT="*) WIRE_ABUSE_EXIT=${line#*=} ;;
                *) printf '%s\n' "$line" ;;
                esac
        done
}

test_wire_abuse() {
        if [ -z "${WIRE_ABUSE:-}" ] || [ ! -x "$WIRE_ABUSE" ]; then
                tap_not_ok "wire_abuse is built" "WIRE_ABUSE=${WIRE_ABUSE:-unset}"
                return
        fi
        daemon_start || return
        local before=$TAP_FAILED
        WIRE_ABUSE_EXIT=""
        tap_relay < <(timeout 240 "$WIRE_ABUSE" "$D/run/scm.sock" 2>&1; echo "WIRE_ABUSE_EXIT=$?")
        if [ "$WIRE_ABUSE_EXIT" != 0 ] && [ "$TAP_FAILED" -eq "$before" ]; then
                tap_not_ok "wire_abuse ran to the end" "exit status ${WIRE_ABUSE_EXIT:-unknown} (124: timed out)"
        fi
        check "scmd is still alive after the abuse" proc_alive "$SCMD_PID"
        run_sc --json query
        assert_rc "scctl still works after the abuse" 0
        [ "$TAP_FAILED" -gt "$before" ] && diag "$(scmd_log)"
}

run_test test_wire_abuse
finish
