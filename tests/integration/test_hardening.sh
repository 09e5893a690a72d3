#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# What a service or a careless setup must not be able to do to scmd:
#   - a native service flooding its control channel with bad packets gets
#     a few warnings in scmd's log, then a count, not one line a packet;
#   - a link planted where a service's log goes is not followed: the file
#     it points at is untouched, and scmd's log says why the output is lost;
#   - scmd's own folders must be its own: one that belongs to another user
#     is refused, one that others may write to is repaired, with a line.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_flood() {
        daemon_start || return
        cat >"$D/flood.py" <<'PY'
import os, socket, time
s = socket.socket(fileno=int(os.environ["SCM_CONTROL_FD"]))
for i in range(5000):
    s.send(b"not json")
time.sleep(11)
s.send(b"not json either")
time.sleep(0.5)
PY
        run_sc create flood --kind native --exec "$(cmdline python3 "$D/flood.py")" \
                --control-timeout 60000
        assert_rc "create a native service that floods its channel" 0
        # It never says hello: its start is answered when it has ended.
        run_sc start flood
        check "it has ended" wait_state flood stopped
        local n
        n=$(grep -c "flood: dropped a bad message" "$D/scmd.stderr")
        # 10 in the first window, 1 in the next.
        check "5001 bad packets gave 11 warnings, not 5001 ($n)" test "$n" -eq 11
        check "...and one line counting the 4990 not logged" \
                grep -q "flood: 4990 more warnings were not logged" "$D/scmd.stderr"
}

test_log_link() {
        daemon_start || return
        echo "secret" >"$D/secret"
        chmod 600 "$D/secret"
        create_helper talk --print hello || return
        local log
        log=$(json_get "$(sc --json qc talk)" log_file)
        ln -s "$D/secret" "$log"
        # The service runs (a log is never a reason to stop one); its output
        # is dropped, and scmd says why.
        assert_sc_ok "a link in place of the log: the service still starts" start talk --wait
        wait_report talk ready=1 || return
        assert_sc_ok "stop talk" stop talk --wait
        assert_eq "...and the file behind the link is untouched" "$(cat "$D/secret")" secret
        check "...scmd says it did not follow the link" \
                grep -q "cannot open log file $log.*symbolic links" "$D/scmd.stderr"
}

test_folders() {
        local root
        root=$(mktemp -d /tmp/scm-it-root.XXXXXX)
        mkdir -p "$root/db"
        chown nobody "$root/db"
        run timeout 20 "$SCMD" --root "$root" --foreground
        assert_rc "a database folder of another user is refused" 1
        assert_contains "...saying whose it is" "$ERR" "belongs to uid $(id -u nobody)"
        chown root "$root/db"
        chmod 0777 "$root/db"
        D=$root daemon_start || { rm -rf "$root"; return; }
        assert_eq "a folder others could write to is made 0700" "$(stat -c %a "$root/db")" 700
        check "...with a line saying so" grep -q "was writable by others" "$root/scmd.stderr"
        D=$root daemon_stop
        rm -rf "$root"
}

run_test test_flood
run_test test_log_link
if is_root; then
        run_test test_folders
else
        tap_skip "scmd's folders of another user" "not root: cannot give a folder away"
fi
finish
