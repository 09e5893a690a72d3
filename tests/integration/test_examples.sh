#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The example services (examples/) run under scmd and do what their headers
# say: heartbeat beats and says goodbye on stop, echo-server echoes over
# loopback TCP, file-watcher logs changes in its folder, svchost runs two
# shared-process services in one process.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# log_has NAME TEXT: scctl logs NAME contains TEXT.
log_has() {
        local out
        out=$(sc logs "$1" 2>/dev/null) && [[ "$out" == *"$2"* ]]
}

require_example() {
        if [ -z "${EXAMPLES:-}" ] || [ ! -x "$EXAMPLES/$1" ]; then
                tap_not_ok "example $1 is built" "EXAMPLES=${EXAMPLES:-unset}"
                return 1
        fi
}

test_heartbeat() {
        require_example heartbeat || return
        daemon_start || return
        assert_sc_ok "create heartbeat" create heartbeat --exec "$(cmdline "$EXAMPLES/heartbeat" 100)"
        assert_sc_ok "start heartbeat" start heartbeat --wait
        wait_until 10 "heartbeat logs its third beat" log_has heartbeat "heartbeat 3 at" && tap_ok "heartbeat beats"
        run_sc logs heartbeat -n 2
        local lines
        lines=$(printf '%s\n' "$OUT" | grep -c .)
        assert_eq "logs -n 2 prints two lines" 2 "$lines"

        # logs -f follows: a beat logged after it started shows up in its output.
        # $SCCTL itself, not the sc function: $! must be scctl's pid to kill it.
        "$SCCTL" --root "$D" --timeout 10 logs heartbeat -f >"$D/follow.out" 2>&1 &
        local follower=$!
        local last next
        last=$(sc logs heartbeat -n 1 | grep -o "heartbeat [0-9]* at" | grep -o "[0-9]*")
        next=$((${last:-0} + 3))
        followed() { grep -q "heartbeat $next at" "$D/follow.out"; }
        wait_until 10 "logs -f shows beat $next" followed && tap_ok "logs -f follows the log"
        kill "$follower" 2>/dev/null
        wait "$follower" 2>/dev/null
        assert_sc_ok "stop heartbeat" stop heartbeat --wait
        check "heartbeat says goodbye on SIGTERM" log_has heartbeat goodbye
        assert_eq "heartbeat exits 0 on stop (win32_exit_code 0)" 0 "$(status_field heartbeat win32_exit_code)"
}

test_echo_server() {
        require_example echo-server || return
        daemon_start || return
        assert_sc_ok "create echo" create echo --exec "$(cmdline "$EXAMPLES/echo-server" 0)"
        assert_sc_ok "start echo" start echo --wait
        wait_until 10 "echo-server logs its port" log_has echo "listening on 127.0.0.1:" || return
        local port reply=""
        port=$(sc logs echo | grep -o 'listening on 127.0.0.1:[0-9]*' | head -n 1)
        port=${port##*:}
        if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
                printf 'ping over tcp\n' >&3
                read -r -t 5 reply <&3
                exec 3>&-
        fi
        assert_eq "echo-server echoes a line" "ping over tcp" "$reply"
        wait_until 10 "echo-server logs the connection" log_has echo "connected from 127.0.0.1" &&
                tap_ok "echo-server logs each connection"
        assert_sc_ok "stop echo" stop echo --wait
        assert_eq "echo-server exits 0 on stop" 0 "$(status_field echo win32_exit_code)"
}

test_file_watcher() {
        require_example file-watcher || return
        daemon_start || return
        mkdir -p "$D/watched"
        assert_sc_ok "create watcher" create watcher --exec "$(cmdline "$EXAMPLES/file-watcher" "$D/watched")"
        assert_sc_ok "start watcher" start watcher --wait
        wait_until 10 "file-watcher is watching" log_has watcher "watching $D/watched" || return
        echo hello >"$D/watched/new-file"
        wait_until 10 "file-watcher logs the new file" log_has watcher "new-file: written" &&
                tap_ok "file-watcher logs a written file"
        rm "$D/watched/new-file"
        wait_until 10 "file-watcher logs the deletion" log_has watcher "new-file: deleted" &&
                tap_ok "file-watcher logs a deleted file"
        assert_sc_ok "stop watcher" stop watcher --wait
}

test_svchost() {
        require_example svchost || return
        daemon_start || return
        local m
        for m in tick tock; do
                assert_sc_ok "create $m (share)" create "$m" --type share --kind native \
                        --exec "$(cmdline "$EXAMPLES/svchost")"
                assert_sc_ok "start $m" start "$m" --wait
        done
        wait_state tick running 10 && wait_state tock running 10 || return
        local pid
        pid=$(status_field tick pid)
        assert_eq "tick and tock run in one process" "$pid" "$(status_field tock pid)"
        wait_until 10 "the first one's log shows both" eval 'log_has tick "tick 2" && log_has tick "tock 1"' &&
                tap_ok "both work in it (tick's log)"
        assert_sc_ok "stop tick" stop tick --wait
        check "tock runs on" state_is tock running
        check "...in the same process" proc_alive "$pid"
        assert_sc_ok "stop tock" stop tock --wait
        wait_until 10 "svchost ends with its last service" proc_gone "$pid" && tap_ok "svchost has ended"
}

run_test test_heartbeat
run_test test_echo_server
run_test test_file_watcher
run_test test_svchost
finish
