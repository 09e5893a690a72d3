#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The socket under abuse: runs tests/integration/wire_abuse (a C client)
# against a real scmd and relays its TAP into this script's numbering.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_wire_abuse() {
        if [ -z "${WIRE_ABUSE:-}" ] || [ ! -x "$WIRE_ABUSE" ]; then
                tap_not_ok "wire_abuse is built" "WIRE_ABUSE=${WIRE_ABUSE:-unset}"
                return
        fi
        daemon_start || return
        local before=$TAP_FAILED
        relay_program wire_abuse 600 "$WIRE_ABUSE" "$D/run/scm.sock"
        check "scmd is still alive after the abuse" proc_alive "$SCMD_PID"
        run_sc --json query
        assert_rc "scctl still works after the abuse" 0
        [ "$TAP_FAILED" -gt "$before" ] && diag "$(scmd_log)"
}

# Fairness (issue 14): one client's ping is answered within wire_abuse's
# deadline (2 s) while 999 other connections send pings without pause.  A
# loop that drains each connection's buffer before the next made it wait
# about 5 s here; one request per connection per turn, about 20 ms.
test_fair_turns() {
        if [ -z "${WIRE_ABUSE:-}" ] || [ ! -x "$WIRE_ABUSE" ]; then
                tap_not_ok "wire_abuse is built" "WIRE_ABUSE=${WIRE_ABUSE:-unset}"
                return
        fi
        daemon_start || return
        local out
        out=$(timeout 120 "$WIRE_ABUSE" "$D/run/scm.sock" flood 999 2>&1)
        case $out in
        answered*) tap_ok "a client's ping is answered while 999 others flood scmd ($out)" ;;
        *) tap_not_ok "a client's ping is answered while 999 others flood scmd" "$out" ;;
        esac
        check "scmd is still alive after the flood" proc_alive "$SCMD_PID"
        run_sc query
        assert_rc "scctl still works after the flood" 0
}

# Requests pipelined in one write (50 creates), then the connection closed at once:
# each is still done (scmd serves one per turn, but finishes a closed
# connection's backlog), though nobody reads the replies.
test_closed_after_pipelining() {
        if ! command -v python3 >/dev/null; then
                tap_skip "50 pipelined creates, then close" "no python3"
                return
        fi
        daemon_start || return
        python3 - "$D/run/scm.sock" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall("".join(json.dumps({"jsonrpc": "2.0", "id": i, "method": "create", "params": {
    "name": "pipe%d" % i, "command_line": "/bin/sleep 100"}}) + "\n" for i in range(1, 51)).encode())
s.close()
EOF
        local i n=0
        poll_until 10 sc query pipe50 >/dev/null 2>&1 # the last one, in order
        for i in $(seq 50); do
                sc query "pipe$i" >/dev/null 2>&1 && n=$((n + 1))
        done
        assert_eq "50 pipelined creates, then close: all 50 done" "$n" 50
}

run_test test_wire_abuse
run_test test_fair_turns
run_test test_closed_after_pipelining
finish
