#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scmd out of descriptors: with its RLIMIT_NOFILE lowered (prlimit on its
# pid) and many clients connecting, accept() fails with EMFILE. scmd must
# neither spin on the readable listener nor flood its log (it once wrote
# 18.7 million lines in 4 s), and must answer a client once descriptors free.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_accept_without_descriptors() {
        if ! command -v prlimit >/dev/null || ! command -v python3 >/dev/null; then
                tap_skip "accept without descriptors" "prlimit or python3 missing"
                return
        fi
        daemon_start || return
        local open
        open=$(find "/proc/$SCMD_PID/fd" -mindepth 1 | wc -l)
        prlimit --pid "$SCMD_PID" --nofile=$((open + 8)):
        # 60 clients hold their connections for 3 s, then close them.
        python3 - "$D/run/scm.sock" <<'PY'
import socket, sys, time
socks = []
for _ in range(60):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    socks.append(s)
time.sleep(3)
for s in socks:
    s.close()
PY
        local lines
        lines=$(wc -l <"$D/scmd.stderr")
        check "scmd's log stays small while out of descriptors ($lines lines)" test "$lines" -lt 200
        check "scmd is alive" proc_alive "$SCMD_PID"
        prlimit --pid "$SCMD_PID" --nofile=1024:
        run_sc --json query
        assert_rc "a client is answered once descriptors free" 0
        assert_contains "the shortage is logged with a count" "$(cat "$D/scmd.stderr")" "client(s) were refused"
}

run_test test_accept_without_descriptors
finish
