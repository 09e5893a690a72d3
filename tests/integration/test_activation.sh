#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# On-demand activation, seen from outside: a service that declares
# listening sockets is bound by scmd and stays stopped; the first
# connection starts it, and the service (a small sd_listen_fds() server,
# tests/helpers/scm-test-listener.c) answers that very connection on the
# socket it was given; after a stop the socket stays bound, and the next
# connection starts it again.  Unix and TCP sockets; bad specs refused.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LISTENER=${LISTENER:-$(dirname "$HELPER")/scm-test-listener}

# ask_unix PATH: connects, prints the first line the server sends.
ask_unix() {
        timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
print(s.makefile().readline().strip())' "$1" 2>&1
}

# ask_tcp PORT
ask_tcp() {
        timeout 20 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$1"'; head -1 <&3' 2>&1
}

create_listener() {
        local name=$1
        shift
        run_sc create "$name" --exec "$(cmdline "$LISTENER" --report "$(report_path "$name")")" "$@"
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "create $name" "$(last_run)"
                return 1
        fi
}

test_unix() {
        daemon_start || return
        create_listener web --listen "unix:$D/web.sock,mode=0660" || return
        assert_eq "created, it is stopped" "$(status_field web state)" stopped
        check "scmd has bound its socket" test -S "$D/web.sock"
        assert_eq "...with the mode asked" "$(stat -c %a "$D/web.sock")" 660
        run_sc qc web
        assert_contains "qc shows it" "$OUT" "LISTEN"
        local reply pid
        reply=$(ask_unix "$D/web.sock")
        pid=$(status_field web pid)
        assert_eq "the first connection starts it, and it answers that connection" \
                "$reply" "hello from $pid"
        assert_eq "it is running" "$(status_field web state)" running
        check "it got one socket, by sd_listen_fds() rules" report_has web listen_fds=1
        check "...named after the service" report_has web listen_names=web
        assert_sc_ok "stop it" stop web --wait
        check "its socket stays bound while it is stopped" test -S "$D/web.sock"
        reply=$(ask_unix "$D/web.sock")
        assert_eq "the next connection starts it again and is answered" \
                "$reply" "hello from $(status_field web pid)"
        assert_ne "...by a new process" "$(status_field web pid)" "$pid"
        assert_sc_ok "stop web" stop web --wait
        assert_sc_ok "delete web" delete web
        check "deleted, its socket is gone" test ! -e "$D/web.sock"
}

test_tcp() {
        daemon_start || return
        local port=$((30000 + RANDOM % 10000))
        create_listener api --listen "tcp:127.0.0.1:$port" || return
        if ! grep -q "listening on 1 socket" "$D/scmd.stderr" 2>/dev/null && ! scmd_log | grep -q "service api: listening"; then
                tap_skip "a TCP socket started on demand" "port $port could not be bound here: $(scmd_log | grep 'cannot listen' | tail -1)"
                return
        fi
        local reply
        reply=$(ask_tcp "$port")
        assert_eq "a TCP connection starts it and is answered" "$reply" \
                "hello from $(status_field api pid)"
        assert_sc_ok "stop api" stop api --wait
}

test_refusals() {
        daemon_start || return
        assert_sc_error "a spec without a kind" INVALID_PARAMETER 87 \
                create x --exec /bin/true --listen 127.0.0.1:80
        assert_contains "...says what it must be" "$ERR" "tcp:, udp:, unix:"
        assert_sc_error "a bad port" INVALID_PARAMETER 87 \
                create x --exec /bin/true --listen tcp:127.0.0.1:99999
        assert_sc_error "a relative Unix path" INVALID_PARAMETER 87 \
                create x --exec /bin/true --listen unix:rel.sock
        assert_sc_error "not for a native service" INVALID_PARAMETER 87 \
                create x --exec /bin/true --kind native --listen "unix:$D/n.sock"
        check "nothing was bound" test ! -e "$D/n.sock"
}

run_test test_unix
run_test test_tcp
run_test test_refusals
finish
