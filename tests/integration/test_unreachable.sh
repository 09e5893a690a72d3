#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Errors at once.  With no scmd, scctl answers RPC_S_SERVER_UNAVAILABLE
# (exit 3) at once, whether there is no socket or a stale one nobody
# listens on; it waits only with --wait, or while the socket's scmd is
# starting (it holds its instance lock, run/scmd.lock).  The hint names
# the scmd the user likely means (--system when a system socket exists
# and the user is not root), and fills in the names the error gives; a
# failed create does not hint at configuring what it did not create.
# Every Win32 error a service's handler answers prints by name (120 is
# CALL_NOT_IMPLEMENTED); one scm has no name for prints as its number.
#
# "At once" is shown without timing anything: scctl gets --timeout 600 and
# runs under `timeout 120`; had it waited, timeout would have ended it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# stale_socket PATH: a Unix socket file nobody listens on.
stale_socket() {
        mkdir -p "$(dirname "$1")"
        python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$1"
}

# at_once ARGS...: scctl ARGS with a long connect timeout, ended after 120 s.
at_once() {
        run timeout 120 "$SCCTL" --timeout 600 "$@"
}

test_no_socket() {
        at_once --root "$D" query
        assert_eq "no socket: exit 3 at once (not after --timeout 600)" 3 "$RC"
        assert_contains "...RPC_S_SERVER_UNAVAILABLE (1722)" "$ERR" "RPC_S_SERVER_UNAVAILABLE (1722)"
        assert_contains "...saying there is no socket" "$ERR" "there is no socket there"
        assert_contains "...and how to start scmd for that root" "$ERR" "hint: is scmd running? start it with: scmd --root $D"
        at_once --root "$D" --json query
        assert_eq "--json: exit 3 at once" 3 "$RC"
        assert_contains "...the error as JSON on stdout" "$OUT" "\"error\":\"RPC_S_SERVER_UNAVAILABLE\""
}

test_stale_socket() {
        stale_socket "$D/run/scm.sock" || {
                tap_not_ok "a stale socket is made"
                return
        }
        at_once --root "$D" query
        assert_eq "a socket nobody listens on: exit 3 at once" 3 "$RC"
        assert_contains "...saying nothing listens" "$ERR" "nothing listens on that socket"
}

test_starting_scmd_is_waited_for() {
        command -v flock >/dev/null || {
                tap_skip "a starting scmd is waited for" "no flock"
                return
        }
        stale_socket "$D/run/scm.sock" || return
        # The instance lock held, as by a scmd still loading its database.
        flock "$D/run/scmd.lock" sleep 600 &
        local holder=$! lock_pid
        echo "$holder" >>"$D/scmd.pids"
        wait_until 10 "the lock is held" grep -q FLOCK /proc/locks
        "$SCCTL" --root "$D" --timeout 600 query >"$D/q.out" 2>"$D/q.err" &
        local q=$!
        if poll_until 2 proc_gone "$q"; then
                tap_not_ok "scctl waits while the lock is held (scmd starting)" "$(cat "$D/q.err")"
        else
                tap_ok "scctl waits while the lock is held (scmd starting)"
        fi
        # The starting scmd dies: the lock goes, and scctl stops waiting.
        lock_pid=$(pgrep -P "$holder" sleep)
        kill "$holder" $lock_pid 2>/dev/null
        wait "$holder" 2>/dev/null
        wait_until 60 "scctl ends once no scmd holds the lock" proc_gone "$q"
        wait "$q"
        assert_eq "...with exit 3" 3 "$?"
        assert_contains "...and RPC_S_SERVER_UNAVAILABLE" "$(cat "$D/q.err")" "RPC_S_SERVER_UNAVAILABLE"
}

test_wait_option() {
        "$SCCTL" --root "$D" --timeout 120 --wait query >"$D/q.out" 2>"$D/q.err" &
        local q=$!
        if poll_until 1 proc_gone "$q"; then
                tap_not_ok "--wait waits for a scmd to come" "$(cat "$D/q.err")"
        else
                tap_ok "--wait waits for a scmd to come"
        fi
        daemon_start || return
        wait_until 60 "scctl --wait ends once scmd is up" proc_gone "$q"
        wait "$q"
        assert_eq "...and succeeds" 0 "$?"
}

test_system_hint() {
        if ! is_root || ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
                tap_skip "a non-root user is told of --system" "not root, or no unshare or setpriv"
                return
        fi
        chmod 755 "$D"
        # A private /run with a system socket in it, seen by nobody only.
        run unshare --mount --propagation private sh -c '
                mount -t tmpfs tmpfs /run || exit 90
                mkdir -p /run/scm && chmod 755 /run/scm
                python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.bind(\"/run/scm/scm.sock\")" || exit 91
                chmod 666 /run/scm/scm.sock
                exec setpriv --reuid=65534 --regid=65534 --clear-groups \
                        env -u SCM_SOCKET HOME="$1" XDG_RUNTIME_DIR="$1" "$2" --timeout 600 query' \
                _ "$D" "$SCCTL"
        if [ "$RC" -ge 90 ]; then
                tap_skip "a non-root user is told of --system" "cannot make a private /run ($RC)"
                return
        fi
        assert_eq "nobody, no user scmd: exit 3 at once" 3 "$RC"
        assert_contains "...the hint names --system" "$ERR" "scctl --system"
        assert_contains "...and still scmd --user" "$ERR" "scmd --user"
}

test_error_names() {
        daemon_start --stop-timeout 2000 || return
        create_native n120 --handler-error 120 -- --control-timeout 2000 || return
        start_native n120 || return
        assert_sc_error "a handler's 120 prints as CALL_NOT_IMPLEMENTED" CALL_NOT_IMPLEMENTED 120 control n120 200
        assert_not_contains "...not UNKNOWN" "$ERR" UNKNOWN
        create_native n4242 --handler-error 4242 -- --control-timeout 2000 || return
        start_native n4242 || return
        run_sc control n4242 200
        assert_eq "a number scm has no name for: exit 1" 1 "$RC"
        assert_contains "...printed as the number alone" "$ERR" "n4242: 4242: "
        assert_not_contains "...not UNKNOWN" "$ERR" UNKNOWN
}

test_hints_fill_in_names() {
        daemon_start || return
        run_sc create ghost --exec /bin/true --account no-such-user-$$
        assert_contains "a create with an unknown account: INVALID_SERVICE_ACCOUNT" "$ERR" "INVALID_SERVICE_ACCOUNT (1057)"
        assert_contains "...the hint names the account" "$ERR" "getent passwd no-such-user-$$"
        assert_not_contains "...and does not hint at configuring what was not created" "$ERR" "config"
        run_sc create ok --exec /bin/true
        run_sc config ok --account no-such-user-$$
        assert_contains "config with an unknown account: the hint names it" "$ERR" "getent passwd no-such-user-$$"
        assert_contains "...and config is the way there" "$ERR" "config ok --account"
        if ! is_root; then
                tap_skip "PRIVILEGE_NOT_HELD's hint names account and privilege" "not root"
                return
        fi
        create_helper w -- --account nobody || return
        assert_sc_ok "privs w CAP_NET_BIND_SERVICE/CAP_SYS_TIME" privs w CAP_NET_BIND_SERVICE/CAP_SYS_TIME
        run_sc start w
        assert_contains "start without the privileges: PRIVILEGE_NOT_HELD" "$ERR" "PRIVILEGE_NOT_HELD (1314)"
        assert_contains "...the hint is the command to paste" "$ERR" \
                "privilege grant nobody CAP_NET_BIND_SERVICE CAP_SYS_TIME"
        assert_not_contains "...no placeholder left" "$ERR" "ACCOUNT"
}

run_test test_no_socket
run_test test_stale_socket
run_test test_starting_scmd_is_waited_for
run_test test_wait_option
run_test test_system_hint
run_test test_error_names
run_test test_hints_fill_in_names
finish
