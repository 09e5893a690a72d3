#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Socket activation, from outside: a client's connection, the replies of
# the server (tests/helpers/scm-test-listen.c, which speaks sd_listen_fds()'s
# contract and answers only when LISTEN_PID is its own pid), and the
# service's status.
#   - a service started by its first connection answers that very
#     connection, on TCP and on a Unix stream socket, and receives both
#     sockets with their names (LISTEN_FDS, LISTEN_FDNAMES);
#   - after a stop the next connection starts it again, and connections
#     made while it stops and starts are all answered, none refused;
#   - a Unix datagram socket: the first datagram starts it;
#   - the sockets are bound when scmd starts, before any client;
#   - a native service, whose descriptor 3 is its control channel, takes
#     its sockets through libscm (scm_listen_fds(): from 4 on, with their
#     names) and answers on them, its channel working all the while;
#   - an idle stop: a service with --idle-stop runs on while a client
#     holds a connection it accepted, stops once none has come for that
#     long, and the next client starts it again; an idle stop set while
#     it runs takes effect at once;
#   - the idle stop is not before a period without arrivals: clients that
#     come and go more often than the period keep it running;
#   - an instance per connection (--accept N): two clients at once are
#     each answered by a process of their own, given its connection alone
#     as fd 3 (LISTEN_FDNAMES=connection); the service is RUNNING with no
#     process of its own and counts its instances; a third client over the
#     cap waits in the backlog until one has gone; each instance's end is
#     logged; a stop ends every instance and the next client starts the
#     service again; scmd's shutdown leaves no instance behind;
#   - --accept-stdio: the connection is also the instance's stdin and
#     stdout; the settings travel through export --document and apply;
#   - after a crash of scmd, the next one ends the instances it left (its
#     cgroup sweep) and the next client starts the service again;
#   - a re-exec of scmd ends the instances, with cgroups and without;
#   - the sockets outlive scmd: across a re-exec a running service's Unix
#     socket and port still reach it, and a client that comes while scmd
#     is down (killed) is answered by the service the next scmd starts;
#   - accept_connections set to 0 while it runs: the run accepts on with
#     its cap until it stops;
#   - instances that fail at every connection: a few warnings, not one a
#     connection; scmd out of descriptors (prlimit): the clients wait in
#     the backlog and are served once it has them again;
#   - the idle stop of a service with instances: it runs on while one does,
#     stops once none has for the period, and the next client starts it;
#   - refusals: a socket text that does not parse; an instance per
#     connection for a native service, --accept-stdio without --accept, a
#     start with no stream socket to accept on.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -z "${LISTEN_HELPER:-}" ] || [ ! -x "$LISTEN_HELPER" ]; then
        echo "Bail out! LISTEN_HELPER is not set to an executable; run through tests/run-tests.sh"
        exit 1
fi


# tcp_hello PORT: connects, prints the line the server sends (10 s at most).
tcp_hello() {
        local line=""
        exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
        read -r -t 10 line <&3
        exec 3<&-
        printf '%s' "$line"
}

pid_of() { # NAME: the service's pid as queryex says it
        run_sc --json queryex "$1"
        json_get "$OUT" pid
}

test_first_connection() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a plain service running the sd_listen_fds() server" \
                create act --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "it declares a TCP and a Unix socket" \
                sockets act --listen "tcp:127.0.0.1:$port" --listen "unix:$D/act.sock name=web mode=0600"
        run_sc sockets act
        assert_contains "both are listening" "$OUT" "tcp:127.0.0.1:$port"
        assert_not_contains "...none is not" "$OUT" "NOT LISTENING"
        check "the Unix socket has the mode asked for" test "$(stat -c %a "$D/act.sock")" = 600
        run_sc --json query act
        assert_eq "the service is stopped before any client" stopped "$(json_get "$OUT" state)"
        local line pid
        line=$(tcp_hello "$port")
        assert_contains "the first connection is answered by the service it started" "$line" "hello pid="
        assert_contains "...which got both sockets with their names" "$line" "fds=2 names=act:web"
        pid=$(pid_of act)
        assert_eq "...and it is the service's process that answered" "${line#hello pid=}" \
                "$pid fds=2 names=act:web"
        run "$LISTEN_HELPER" --connect "$D/act.sock"
        assert_eq "the Unix socket is answered by the same process" "$OUT" \
                "hello pid=$pid fds=2 names=act:web"

        assert_sc_ok "stop it" stop act --wait
        line=$(tcp_hello "$port")
        assert_contains "after a stop the next connection starts it again" "$line" "hello pid="
        local pid2
        pid2=$(pid_of act)
        assert_ne "...a new process" "$pid" "$pid2"
        assert_eq "...which answered" "$line" "hello pid=$pid2 fds=2 names=act:web"

        # Connections while it stops and starts again: none refused.
        local answered=0 refused=0 i
        sc stop act >/dev/null
        for i in $(seq 20); do
                if line=$(tcp_hello "$port") && [[ $line == "hello pid="* ]]; then
                        answered=$((answered + 1))
                else
                        refused=$((refused + 1))
                fi
        done
        assert_eq "20 connections across a stop and a start: all answered" "$answered/$refused" "20/0"
}

test_datagram() {
        daemon_start || return
        assert_sc_ok "a service with a Unix datagram socket" \
                create dg --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "its socket" sockets dg --listen "unix-dgram:$D/dg.sock name=log"
        run "$LISTEN_HELPER" --datagram "$D/dg.sock"
        assert_contains "the first datagram starts it, and it answers it" "$OUT" "fds=1 names=log"
        wait_state dg running 30
}

test_bound_at_start() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a socket-activated service" create boot1 --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "its socket" sockets boot1 --listen "tcp:127.0.0.1:$port"
        daemon_stop
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                tap_not_ok "nothing listens while scmd is down" "port $port answers"
        else
                tap_ok "nothing listens while scmd is down"
        fi
        daemon_start || return
        local line
        line=$(tcp_hello "$port")
        assert_contains "after scmd starts, a connection starts the service" "$line" "hello pid="
}

test_refusals() {
        daemon_start || return
        assert_sc_ok "a service" create r1 --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_error "a socket that does not parse is refused" INVALID_PARAMETER 87 \
                sockets r1 --listen "sctp:1.2.3.4:5"
        assert_contains "...naming it" "$ERR" "sctp:1.2.3.4:5"
        assert_sc_error "a port out of range" INVALID_PARAMETER 87 sockets r1 --listen "tcp:127.0.0.1:70000"
        assert_sc_ok "--clear" sockets r1 --clear
        run_sc sockets r1
        assert_contains "...leaves none" "$OUT" "(no sockets)"
}

test_idle_stop() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a server that holds each connection until its client closes it" \
                create idler --exec "$(cmdline "$LISTEN_HELPER" --hold)"
        assert_sc_ok "its socket" sockets idler --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "an idle stop of 1.5 s" config idler --idle-stop 1500
        run_sc qc idler
        assert_contains "qc shows it" "$OUT" "1500 ms"
        local line
        exec 4<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 10 line <&4
        assert_contains "a client connects and is answered" "$line" "hello pid="
        sleep 4 # well past two idle periods, with the client connected
        check "while the client holds its connection, the service runs on" state_is idler running
        exec 4<&-
        wait_state idler stopped &&
                tap_ok "once the client has gone, it is stopped after the idle period"
        check "scmd says why" grep -qF "service idler: no client came to its sockets for 1500 ms: stopping it" "$D/scmd.stderr"
        line=$(tcp_hello "$port")
        assert_contains "the next client starts it again" "$line" "hello pid="
        wait_state idler stopped &&
                tap_ok "...and, that client gone, it stops again"
        # The same on a Unix stream socket: a client that holds its
        # connection 4 s, then closes it.
        assert_sc_ok "a Unix socket instead" sockets idler --listen "unix:$D/idler.sock"
        /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
print(s.recv(100).decode().strip(), flush=True)
time.sleep(4)
s.close()
' "$D/idler.sock" >"$D/unix-client.out" 2>&1 &
        local client=$!
        wait_until 10 "the Unix client is answered" grep -q "hello pid=" "$D/unix-client.out"
        sleep 3
        check "while a Unix client holds its connection, the service runs on" state_is idler running
        wait "$client"
        wait_state idler stopped &&
                tap_ok "once the Unix client has gone, it is stopped"
        assert_sc_ok "no idle stop (0)" config idler --idle-stop 0
        run "$LISTEN_HELPER" --connect "$D/idler.sock"
        sleep 3
        check "without an idle stop it runs on" state_is idler running
        assert_sc_ok "an idle stop of 1.5 s set while it runs, with no client" \
                config idler --idle-stop 1500
        wait_state idler stopped &&
                tap_ok "...takes effect at once: it is stopped after the period"
}

# Clients that come and go, each a little after the last, more often than
# the idle period: each arrival starts the period again.
test_idle_rearm() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a socket-activated server" create rearm --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "its socket" sockets rearm --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "an idle stop of 4 s" config rearm --idle-stop 4000
        local line pid i answered=0
        line=$(tcp_hello "$port")
        pid=$(pid_of rearm)
        assert_eq "the first client starts it" "$line" "hello pid=$pid fds=1 names=rearm"
        for i in $(seq 16); do # 8 s: twice the period, no client held
                sleep 0.5
                line=$(tcp_hello "$port") && [ "$line" = "hello pid=$pid fds=1 names=rearm" ] &&
                        answered=$((answered + 1))
        done
        assert_eq "16 clients over twice the idle period, one each 0.5 s, all answered by it" \
                "$answered" 16
        check "...and it runs on: each arrival started the period again" state_is rearm running
        wait_state rearm stopped 20 &&
                tap_ok "once they stop coming, it is stopped"
}

# Clients the service takes before scmd is woken for them: scmd is held
# (SIGSTOP) while each client comes, is answered by the service and goes,
# so the wake-up finds an empty queue and is lost.  The kernel's count at
# the socket sees them, and the service runs on: TCP connections, then
# Unix datagrams.
test_idle_unseen_arrivals() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        idle_started unseen-tcp "tcp:127.0.0.1:$port" tcp_hello "$port" &&
                held_clients unseen-tcp tcp_hello "$port"
        idle_started unseen-dgram "unix-dgram:$D/unseen.sock" "$LISTEN_HELPER" --datagram \
                "$D/unseen.sock" &&
                held_clients unseen-dgram "$LISTEN_HELPER" --datagram "$D/unseen.sock"
}

# The same across daemon-reexec: the new scmd watches the service it took
# back running, with a count of its own (the old one took its filter off),
# and stops it once the clients stop coming.
test_idle_after_reexec() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        idle_started idle-reexec "tcp:127.0.0.1:$port" tcp_hello "$port" || return
        assert_sc_ok "daemon-reexec while it runs" daemon-reexec
        wait_until 30 "the new scmd answers" state_is idle-reexec running || return
        held_clients idle-reexec tcp_hello "$port"
}

# A filter the service put on its socket is its own: scmd, which counts
# arrivals with one, leaves it alone, across a re-exec too (the new scmd
# finds it there before the service's next client).
test_idle_service_filter() {
        daemon_start || return
        local port line pid
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a server that filters its socket" create own-filter \
                --exec "$(cmdline "$LISTEN_HELPER" --filter)"
        assert_sc_ok "its socket" sockets own-filter --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "an idle stop of 60 s" config own-filter --idle-stop 60000
        line=$(tcp_hello "$port")
        pid=$(pid_of own-filter)
        assert_eq "the first client starts it, and its filter is on its socket" "$line" \
                "hello pid=$pid fds=1 names=own-filter filter=classic-1"
        assert_sc_ok "daemon-reexec while it runs" daemon-reexec
        wait_until 30 "the new scmd answers" state_is own-filter running || return
        line=$(tcp_hello "$port")
        assert_eq "after the re-exec, its own filter is still the one on its socket" "$line" \
                "hello pid=$pid fds=1 names=own-filter filter=classic-1"
}

# idle_started NAME SOCKET CLIENT...: a service on SOCKET with a 3 s idle
# stop, started by a first CLIENT; IDLE_PID is its process.
idle_started() {
        local name=$1 socket=$2 line
        shift 2
        assert_sc_ok "$name: a socket-activated server" create "$name" --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "$name: its socket" sockets "$name" --listen "$socket"
        assert_sc_ok "$name: an idle stop of 3 s" config "$name" --idle-stop 3000
        line=$("$@")
        IDLE_PID=$(pid_of "$name")
        assert_contains "$name: the first client starts it" "$line" "hello pid=$IDLE_PID fds=1"
}

# held_clients NAME CLIENT...: 8 more clients over 8 s, each while scmd is
# held (at most 5 s: a service stopped meanwhile is started only once scmd
# runs again); all are answered by IDLE_PID, which is stopped once they
# stop coming.
held_clients() {
        local name=$1 line i answered=0 resume
        shift
        for i in $(seq 8); do # 8 s: over twice the period
                sleep 0.5
                kill -STOP "$SCMD_PID"
                (sleep 5 && kill -CONT "$SCMD_PID") & # a stopped service waits for scmd
                resume=$!
                line=$("$@")
                kill -CONT "$SCMD_PID"
                kill "$resume" 2>/dev/null
                wait "$resume" 2>/dev/null
                [[ $line == "hello pid=$IDLE_PID fds=1"* ]] && answered=$((answered + 1))
                sleep 0.5
        done
        assert_eq "$name: 8 clients over twice the idle period, each while scmd was held, all answered by it" \
                "$answered" 8
        check "$name: ...and it runs on: the kernel counted what scmd was not woken for" \
                state_is "$name" running
        wait_state "$name" stopped 20 &&
                tap_ok "$name: once they stop coming, it is stopped"
}

# inst_pid LINE: the pid in an instance's line "instance pid=PID ...".
inst_pid() {
        local p=${1#instance pid=}
        echo "${p%% *}"
}

test_per_connection() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a service whose process serves one connection" \
                create inst --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        assert_sc_ok "its socket" sockets inst --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "an instance per connection, at most 2 at once" config inst --accept 2
        run_sc qc inst
        assert_contains "qc shows it" "$OUT" "2 instances at most, one per connection"
        run_sc --json query inst
        assert_eq "it is stopped before any client" stopped "$(json_get "$OUT" state)"
        assert_eq "...with no instance" 0 "$(json_get "$OUT" instances)"

        local line1="" line2="" line3="" pid1 pid2 pid3
        exec 4<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 10 line1 <&4
        exec 5<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 10 line2 <&5
        assert_contains "a first client starts it, and an instance answers" "$line1" "instance pid="
        assert_contains "...which got its connection alone, as fd 3 named connection" "$line1" \
                "fds=1 names=connection"
        assert_contains "a second client, while the first holds on, is answered too" "$line2" \
                "instance pid="
        pid1=$(inst_pid "$line1")
        pid2=$(inst_pid "$line2")
        assert_ne "...by another process" "$pid1" "$pid2"
        check "both instances run" proc_alive "$pid1"
        check "..." proc_alive "$pid2"
        run_sc --json query inst
        assert_eq "the service is running" running "$(json_get "$OUT" state)"
        assert_eq "...with no process of its own" 0 "$(json_get "$OUT" pid)"
        assert_eq "...and counts 2 instances" 2 "$(json_get "$OUT" instances)"
        run_sc query inst
        assert_contains "scctl query shows the count" "$OUT" "INSTANCES"
        run_sc sockets inst
        assert_contains "scctl sockets lists each instance" "$OUT" "instance pid $pid1  for 127.0.0.1:"
        assert_contains "..." "$OUT" "instance pid $pid2  for 127.0.0.1:"

        # The cap: a third client is taken into the backlog, not answered.
        exec 6<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 2 line3 <&6
        assert_eq "a third client, over the cap, is not answered while two run" "$line3" ""
        run_sc --json query inst
        assert_eq "...and still 2 instances run" 2 "$(json_get "$OUT" instances)"
        check "scmd says the rest wait" grep -qF "service inst: 2 instances run, as many as it may have at once: further connections wait" "$D/scmd.stderr"
        exec 4<&-
        read -r -t 10 line3 <&6
        assert_contains "once the first client has gone, the third is answered" "$line3" "instance pid="
        pid3=$(inst_pid "$line3")
        assert_ne "...by a process of its own" "$pid3" "$pid2"
        wait_until 10 "the first instance has gone" proc_gone "$pid1"
        wait_until 10 "its end is logged" grep -qE "service inst: instance [0-9]+ \(pid $pid1, connection from 127\.0\.0\.1:[0-9]+\) exited with code 0" "$D/scmd.stderr" &&
                tap_ok "scmd logs each instance's end, with its pid and client"

        # A cap raised while it runs is taken at once by a waiting client.
        local line4="" pid4
        exec 7<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 2 line4 <&7
        assert_eq "a fourth client waits while two run" "$line4" ""
        assert_sc_ok "raise the cap to 3 while it runs" config inst --accept 3
        read -r -t 10 line4 <&7
        assert_contains "...and the fourth is answered" "$line4" "instance pid="
        pid4=$(inst_pid "$line4")

        assert_sc_ok "a stop while three instances hold connections" stop inst --wait
        check "...ends the second" proc_gone "$pid2"
        check "...the third" proc_gone "$pid3"
        check "...and the fourth" proc_gone "$pid4"
        run_sc --json query inst
        assert_eq "...and it is stopped" stopped "$(json_get "$OUT" state)"
        assert_eq "...with no instance" 0 "$(json_get "$OUT" instances)"
        exec 5<&- 6<&- 7<&-

        local line
        line=$(tcp_hello "$port")
        assert_contains "after the stop, the next client starts it again and is answered" "$line" \
                "instance pid="
        wait_state inst running

        # scmd's shutdown stops it, and with it every instance.
        exec 4<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 10 line1 <&4
        pid1=$(inst_pid "$line1")
        check "an instance holds a connection" proc_alive "$pid1"
        daemon_stop
        assert_eq "scmd exits cleanly with an instance running" "$DAEMON_RC" 0
        check "...and no instance outlives it" proc_gone "$pid1"
        exec 4<&-
}

# accepting_with_client NAME PORT: NAME, an instance per connection (at
# most 4) on 127.0.0.1:PORT, and a client on descriptor 4 that one instance
# holds; INSTANCE_PID is that instance's pid.
accepting_with_client() {
        local name=$1 port=$2 line
        assert_sc_ok "an instance per connection" create "$name" --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        assert_sc_ok "its socket" sockets "$name" --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "at most 4" config "$name" --accept 4
        exec 4<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return 1; }
        read -r -t 10 line <&4
        INSTANCE_PID=$(inst_pid "$line")
        check "an instance holds a connection" proc_alive "$INSTANCE_PID"
}

# After a crash of scmd, the instances it left are not taken back: the next
# scmd's cgroup sweep ends them (so no instance outlives its service), and
# the service starts again with the next client.
test_accept_crash() {
        if ! is_root || ! cgroup2_mount >/dev/null; then
                tap_skip "the instances of a crashed scmd are ended by the next" "not root or no cgroup v2"
                return
        fi
        daemon_start || return
        local port line pid
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        accepting_with_client ic "$port" || return
        pid=$INSTANCE_PID
        kill -KILL "$SCMD_PID"
        wait_until 30 "scmd is gone" proc_gone "$SCMD_PID"
        daemon_start || return
        wait_until 30 "the instance left by the crashed scmd is ended by the next" proc_gone "$pid" &&
                tap_ok "the instance a crashed scmd left is ended by the next one"
        exec 4<&-
        check "the service is stopped" state_is ic stopped
        line=$(tcp_hello "$port")
        assert_contains "the next client starts it again and is answered" "$line" "instance pid="
}

# daemon-reexec while an instance serves: the new scmd does not take it back
# (docs/architecture.md); it is ended, not left running unsupervised, and
# reaped (scmd keeps its pid, so it is still the parent).
test_accept_reexec() {
        daemon_start || return
        local port line pid
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        accepting_with_client ir "$port" || return
        pid=$INSTANCE_PID
        assert_sc_ok "daemon-reexec" daemon-reexec
        wait_until 30 "the instance is ended across the re-exec" proc_gone "$pid" &&
                tap_ok "no instance runs on unsupervised after a re-exec"
        exec 4<&-
        wait_until 10 "scmd has no zombie child" no_zombie_children "$SCMD_PID" &&
                tap_ok "...and it is reaped"
        line=$(tcp_hello "$port")
        assert_contains "the next client starts it again and is answered" "$line" "instance pid="
}

# The same without cgroups (scmd in a mount namespace without cgroup2, as
# an unprivileged scmd would be): no sweep can find the instance then, so
# the scmd that re-executes itself ends it first.
socket_listening() { # NAME PORT: scctl sockets NAME says the port listens
        local out
        out=$(sc sockets "$1" 2>/dev/null) || return 1
        grep -q "tcp:127.0.0.1:$2 *LISTENING" <<<"$out"
}

test_accept_reexec_no_cgroups() {
        if ! is_root || ! command -v unshare >/dev/null; then
                tap_skip "an instance is ended across a re-exec without cgroups" "not root or no unshare"
                return
        fi
        mkdir -p "$D"
        # shellcheck disable=SC2016
        printf '#!/bin/sh\nexec unshare -m sh -c %s "%s" "$@"\n' \
                "'for m in \$(awk '\\''\$3 == \"cgroup2\" { print \$2 }'\\'' /proc/self/mounts); do umount -l \"\$m\"; done; exec \"\$0\" \"\$@\"'" \
                "$SCMD" >"$D/scmd-nocg"
        chmod +x "$D/scmd-nocg"
        SCMD="$D/scmd-nocg" daemon_start || return
        check "scmd runs without cgroups" grep -qF "cgroups unavailable" "$D/scmd.stderr"
        local port line pid
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        accepting_with_client in "$port" || return
        pid=$INSTANCE_PID
        assert_sc_ok "daemon-reexec" daemon-reexec
        wait_until 30 "the instance is ended across the re-exec" proc_gone "$pid" &&
                tap_ok "no instance runs on unsupervised after a re-exec, without cgroups"
        exec 4<&-
        kill -KILL "$pid" 2>/dev/null
        # The new scmd watches the service's socket (taken back from the
        # descriptor holder) once it has started: wait for that, as the test
        # with cgroups waits for its reaping.
        wait_until 30 "the new scmd listens on the socket" socket_listening in "$port" || return
        line=$(tcp_hello "$port")
        assert_contains "the next client starts it again and is answered" "$line" "instance pid="
}

# The sockets outlive scmd: each is kept by the descriptor holder, so a
# re-exec leaves a running service's sockets the ones at their addresses
# (its Unix path is not taken over by a new socket, its port not refused
# to a new bind), and a client that comes while scmd is down (a crash)
# waits in the backlog and is answered by the service the next scmd starts.
test_sockets_kept() {
        daemon_start || return
        local port line pid
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a service with a TCP and a Unix socket" create kept --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "its sockets" sockets kept --listen "tcp:127.0.0.1:$port" --listen "unix:$D/kept.sock"
        line=$(tcp_hello "$port")
        pid=$(pid_of kept)
        assert_contains "a client starts it" "$line" "hello pid=$pid"
        assert_sc_ok "daemon-reexec while it runs" daemon-reexec
        wait_until 30 "the new scmd answers" state_is kept running || return
        run timeout 10 "$LISTEN_HELPER" --connect "$D/kept.sock"
        assert_eq "its Unix socket still reaches the running service" "$OUT" \
                "hello pid=$pid fds=2 names=kept:kept"
        line=$(tcp_hello "$port")
        assert_contains "...and so does its port" "$line" "hello pid=$pid"
        run_sc sockets kept
        assert_not_contains "the new scmd has both sockets listening" "$OUT" "NOT LISTENING"

        assert_sc_ok "stop it" stop kept --wait
        kill -KILL "$SCMD_PID"
        wait_until 30 "scmd is gone" proc_gone "$SCMD_PID"
        if exec 5<>"/dev/tcp/127.0.0.1/$port"; then
                tap_ok "with scmd down, a client's connection is not refused"
        else
                tap_not_ok "with scmd down, a client's connection is not refused" "refused"
                return
        fi
        daemon_start || return
        line=""
        read -r -t 10 line <&5
        exec 5<&-
        pid=$(pid_of kept)
        assert_eq "...and the service the next scmd starts answers it" "$line" \
                "hello pid=$pid fds=2 names=kept:kept"
}

port_refused() { # PORT: nothing listens on 127.0.0.1:PORT
        ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# What the holder keeps follows the configuration:
#   - a socket list set again keeps an unchanged socket and binds a changed
#     one anew, its old copy let go first (its address free for the bind);
#   - a socket kept for a configuration changed while scmd was down is let
#     go, and the new one bound;
#   - a Unix path replaced by a link is not followed at the next start: the
#     file it names keeps its mode, and the socket is bound again;
#   - a service gone while scmd was down: its kept socket is let go, and
#     another service that wanted its address gets it;
#   - a service a restore of the last known good configuration deletes
#     frees its port.
test_sockets_kept_changes() {
        daemon_start || return
        local port port2 i bad=0 out line
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a service with a socket" create ch --exec "$(cmdline "$LISTEN_HELPER")"
        for i in 1 2 3 4 5 6; do
                local text="tcp:127.0.0.1:$port"
                [ $((i % 2)) -eq 0 ] && text+=" backlog=64"
                sc sockets ch --listen "$text" --listen "unix:$D/ch$i.sock" >/dev/null || bad=$((bad + 1))
                out=$(sc sockets ch 2>&1)
                grep -q "NOT LISTENING" <<<"$out" && bad=$((bad + 1))
        done
        assert_eq "the socket list set 6 times, its port's text changed each time: always listening" \
                0 "$bad"

        assert_sc_ok "one socket" sockets ch --listen "tcp:127.0.0.1:$port"
        kill -KILL "$SCMD_PID"
        wait_until 30 "scmd is gone" proc_gone "$SCMD_PID"
        sqlite3 "$D/db/scm.db" "UPDATE service_sockets SET spec = 'tcp:*:$port' WHERE service_id = \
                (SELECT id FROM services WHERE name = 'ch')" || { tap_not_ok "edit the database" "sqlite3 failed"; return; }
        daemon_start || return
        run_sc sockets ch
        assert_contains "a socket changed while scmd was down: the new one is bound" "$OUT" "tcp:*:$port"
        assert_not_contains "...and listening (the kept one was let go)" "$OUT" "NOT LISTENING"

        # Named to come before ch: scmd takes the sockets back in name order.
        assert_sc_ok "a service with a Unix socket of mode 0600" create avictim --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "...its socket" sockets avictim --listen "unix:$D/victim.sock mode=0600"
        assert_sc_ok "ch on a Unix socket" sockets ch --listen "unix:$D/ch.sock"
        rm -f "$D/ch.sock"
        ln -s "$D/victim.sock" "$D/ch.sock"
        assert_sc_ok "a link in place of ch's socket, then daemon-reexec" daemon-reexec
        wait_until 30 "the new scmd answers" state_is ch stopped || return
        assert_eq "the file the link names keeps its mode" 600 "$(stat -c %a "$D/victim.sock")"
        check "...and ch's path is a socket again, not the link" \
                bash -c "[ -S '$D/ch.sock' ] && [ ! -L '$D/ch.sock' ]"
        run timeout 10 "$LISTEN_HELPER" --connect "$D/ch.sock"
        assert_contains "...which starts ch" "$OUT" "hello pid="

        # A service gone while scmd was down (its row deleted): its kept
        # socket is let go, and another service waiting for that address
        # gets it.
        assert_sc_ok "a service holding a port" create gone --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "...its socket" sockets gone --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "another service wanting that port" create heir --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "...its socket" sockets heir --listen "tcp:127.0.0.1:$port"
        run_sc sockets heir
        assert_contains "...which it cannot have yet" "$OUT" "NOT LISTENING"
        kill -KILL "$SCMD_PID"
        wait_until 30 "scmd is gone" proc_gone "$SCMD_PID"
        sqlite3 "$D/db/scm.db" "DELETE FROM services WHERE name = 'gone'" ||
                { tap_not_ok "edit the database" "sqlite3 failed"; return; }
        daemon_start || return
        run_sc sockets heir
        assert_not_contains "the kept socket of a service gone is let go: the other one has the port" \
                "$OUT" "NOT LISTENING"
        line=$(tcp_hello "$port")
        assert_contains "...and is started by it" "$line" "hello pid=$(pid_of heir)"

        port2=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a service the saved configuration lacks" create lk --exec "$(cmdline "$LISTEN_HELPER")"
        assert_sc_ok "...with a socket" sockets lk --listen "tcp:127.0.0.1:$port2"
        assert_sc_ok "lkg restore deletes it" lkg restore
        wait_until 10 "...and its port is free, not held for it" port_refused "$port2" &&
                tap_ok "a service the restore deleted frees its port"
}

test_accept_stdio() {
        daemon_start || return
        assert_sc_ok "an inetd-style service" create ino --exec "$(cmdline "$LISTEN_HELPER" --instance-stdio)"
        assert_sc_ok "its Unix socket" sockets ino --listen "unix:$D/ino.sock"
        assert_sc_ok "an instance per connection, on its stdin and stdout too" \
                config ino --accept 4 --accept-stdio yes
        run_sc qc ino
        assert_contains "qc says so" "$OUT" "(on its stdin and stdout too)"
        run "$LISTEN_HELPER" --connect "$D/ino.sock"
        assert_contains "the instance answers on its stdout, which is the connection" "$OUT" \
                "names=connection stdio"
        wait_until 10 "its end is logged" grep -qE "service ino: instance [0-9]+ \(pid [0-9]+, connection from pid [0-9]+ \(uid [0-9]+\)\) exited with code 0" "$D/scmd.stderr" &&
                tap_ok "...and ends with its client, a Unix peer named by its pid in the log"
        assert_sc_ok "stop it" stop ino --wait
        # Configuration as code: the settings travel with the service.
        run_sc export --document
        assert_contains "export --document has its instances' cap" "$OUT" '"accept_connections": 4'
        assert_contains "...and that they take the connection on stdio" "$OUT" '"accept_stdio": true'
        printf '%s\n' "$OUT" | sed 's/"accept_connections": 4/"accept_connections": 7/' >"$D/doc.json"
        assert_sc_ok "apply a document with another cap" apply "$D/doc.json"
        run_sc --json qc ino
        assert_eq "...which scmd now has" 7 "$(json_get "$OUT" accept_connections)"
}

test_accept_idle() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "an instance per connection" create ai --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        assert_sc_ok "its socket" sockets ai --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "at most 4, and an idle stop of 1.5 s" config ai --accept 4 --idle-stop 1500
        local line pid
        exec 4<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 10 line <&4
        assert_contains "a client is answered by an instance" "$line" "instance pid="
        pid=$(inst_pid "$line")
        sleep 4 # well past two idle periods, the instance running
        check "while an instance runs, the service runs on" state_is ai running
        exec 4<&-
        wait_state ai stopped &&
                tap_ok "once its last instance has gone, it is stopped after the idle period"
        check "the instance is gone" proc_gone "$pid"
        check "scmd says why" grep -qF "service ai: no client came to its sockets for 1500 ms: stopping it" "$D/scmd.stderr"
        line=$(tcp_hello "$port")
        assert_contains "the next client starts it again, and is answered" "$line" "instance pid="
        wait_state ai stopped && tap_ok "...and, that client gone, it stops again"
}

# accept_connections set to 0 while instances serve: the run accepts on
# (with the cap it had) until it stops, and the next start is the
# service's own process.  Before, the run kept going with a cap of 0: it
# accepted nothing more, RUNNING for ever, its clients left in the backlog.
test_accept_off_while_running() {
        daemon_start || return
        local port line1="" line2="" pid1 pid2
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "an instance per connection" create ao --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        assert_sc_ok "its socket" sockets ao --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "at most 2" config ao --accept 2
        exec 4<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 10 line1 <&4
        assert_contains "a first client is answered by an instance" "$line1" "instance pid="
        pid1=$(inst_pid "$line1")
        assert_sc_ok "accept_connections 0 while it runs" config ao --accept 0
        check "scmd says when it applies" grep -qF "service ao: accept_connections 0 applies from its next start" "$D/scmd.stderr"
        exec 5<>"/dev/tcp/127.0.0.1/$port" || { tap_not_ok "connect" "refused"; return; }
        read -r -t 10 line2 <&5
        assert_contains "a second client is still answered by an instance of this run" "$line2" \
                "instance pid="
        pid2=$(inst_pid "$line2")
        run_sc --json query ao
        assert_eq "the status still counts the run's instances" 2 "$(json_get "$OUT" instances)"
        run_sc sockets ao
        assert_contains "scctl sockets shows the run's cap" "$OUT" "2 of 2 instances at most run"
        assert_sc_ok "a stop" stop ao --wait
        check "...ends the first instance" proc_gone "$pid1"
        check "...and the second" proc_gone "$pid2"
        exec 4<&- 5<&-
        run_sc --json query ao
        assert_eq "...and it is stopped" stopped "$(json_get "$OUT" state)"
        assert_eq "...its status without instances now" "" "$(json_get "$OUT" instances)"
}

# free_fds PID: the two lowest descriptor numbers PID has free.
free_fds() {
        local used f=0 n=0
        used=" $(ls "/proc/$1/fd" | tr '\n' ' ') "
        while [ $n -lt 2 ]; do
                case $used in *" $f "*) ;; *) echo "$f" && n=$((n + 1)) ;; esac
                f=$((f + 1))
        done
}

# instance_answers PORT COUNT: opens COUNT connections at once, then
# prints how many were answered by an instance (10 s each at most).
instance_answers() {
        local fds=() fd line answered=0
        for _ in $(seq "$2"); do
                exec {fd}<>"/dev/tcp/127.0.0.1/$1" || continue
                fds+=("$fd")
        done
        sleep "${3:-0}"
        [ -n "${RELIMIT:-}" ] && prlimit --pid "$SCMD_PID" --nofile="$RELIMIT"
        for fd in "${fds[@]}"; do
                line=""
                read -r -t 10 line <&"$fd"
                case $line in "instance pid="*) answered=$((answered + 1)) ;; esac
                exec {fd}<&-
        done
        echo "$answered"
}

# Instances that cannot be made, for every connection.  When the child
# fails (here its working folder is gone) each client sees its connection
# end and scmd says so a few times, not once a connection (any client
# could fill its log).  When scmd itself cannot make one (out of
# descriptors), the connections wait in the backlog instead of being taken
# and closed one after the other, and are served once it can.
test_accept_spawn_failures() {
        daemon_start || return
        local port n
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        mkdir "$D/wd"
        assert_sc_ok "an instance per connection" create af --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        assert_sc_ok "its socket and working folder" sockets af --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "at most 50, in a working folder" config af --accept 50 --working-directory "$D/wd"
        assert_sc_ok "it starts" start af
        wait_state af running
        rmdir "$D/wd"
        n=$(instance_answers "$port" 30)
        assert_eq "with its working folder gone, none of 30 clients is answered" 0 "$n"
        wait_until 10 "the thirtieth instance was made" grep -q "service af: instance 30," "$D/scmd.stderr"
        n=$(grep -c "warning: service af: instance [0-9]* .* did not start: cannot" "$D/scmd.stderr")
        diag "$n warnings for 30 failed instances"
        check "scmd warns of failed instances at most 10 times in 10 s, not once each" \
                test "$n" -ge 1 -a "$n" -le 10
        check "the service is still running (the next connection may succeed)" state_is af running

        if ! is_root; then
                tap_skip "scmd out of descriptors for an instance" "not root (prlimit on scmd)"
                return
        fi
        mkdir "$D/wd"
        n=$(instance_answers "$port" 1)
        assert_eq "with its folder back, a client is answered" 1 "$n"
        # Another service: af's warnings are spent for this window.
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "another" create ag --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        assert_sc_ok "its socket" sockets ag --listen "tcp:127.0.0.1:$port"
        assert_sc_ok "at most 50" config ag --accept 50
        assert_sc_ok "it starts" start ag
        wait_state ag running
        local orig f
        orig=$(prlimit --pid "$SCMD_PID" --nofile --raw --noheadings -o SOFT,HARD | tr ' ' ':')
        # One descriptor free below the limit: accept() takes it, and
        # the instance's pipes are refused (EMFILE).
        f=($(free_fds "$SCMD_PID"))
        prlimit --pid "$SCMD_PID" --nofile="${f[1]}:" || { tap_not_ok "prlimit" "failed"; return; }
        n=$(RELIMIT=$orig instance_answers "$port" 20 3)
        diag "$n of 20 answered"
        prlimit --pid "$SCMD_PID" --nofile="$orig"
        check "clients that came while scmd lacked descriptors are answered once it has them" \
                test "$n" -ge 10
        n=$(grep -c "warning: service ag: .*Too many open files" "$D/scmd.stderr")
        diag "$n warnings while scmd lacked descriptors"
        check "...and scmd said so a few times, not once a connection" test "$n" -ge 1 -a "$n" -le 5
        check "...saying the account could not be looked up, not that it does not exist" \
                grep -qF "the account 'uid 0' could not be looked up (Too many open files)" "$D/scmd.stderr"
        check "the service is running" state_is ag running
}

test_accept_refusals() {
        daemon_start || return
        create_native an || return
        assert_sc_error "an instance per connection is refused for a native service" \
                INVALID_PARAMETER 87 config an --accept 2
        assert_contains "...saying for which" "$ERR" "plain services of type own"
        assert_sc_ok "a plain one" create ap --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        assert_sc_error "--accept-stdio without --accept is refused" INVALID_PARAMETER 87 \
                config ap --accept-stdio yes
        run_sc config ap --accept 1025
        assert_rc "more than 1024 instances is a usage error" 2
        assert_contains "...saying the range" "$ERR" "0 to 1024"
        assert_sc_ok "--accept 3" config ap --accept 3
        assert_sc_error "a pre-start command then is refused (no main process)" INVALID_PARAMETER 87 \
                config ap --exec-start-pre /bin/true
        assert_sc_ok "only a datagram socket" sockets ap --listen "unix-dgram:$D/ap.sock"
        assert_sc_error "a start with no stream socket to accept on fails" NOT_FOUND 1168 start ap
        assert_contains "...saying why" "$ERR" "no stream socket of its is listening"
        assert_sc_ok "back to the service accepting (0)" config ap --accept 0
        run_sc qc ap
        assert_not_contains "...which qc no longer shows" "$OUT" "ACCEPT"
}

test_native() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        create_native nat --serve-sockets || return
        assert_sc_ok "a native service declares a TCP and a Unix socket" \
                sockets nat --listen "tcp:127.0.0.1:$port name=api" --listen "unix:$D/nat.sock"
        local line pid
        line=$(tcp_hello "$port")
        assert_contains "the first connection starts it, and it answers that very connection" "$line" "native "
        wait_report nat running=1 || return
        pid=$(pid_of nat)
        assert_eq "...from the service's process" "$line" "native $pid"
        check "scm_listen_fds() gave it both sockets" report_has nat listen_fds=2
        check "...with the names given" report_has nat listen_name=api
        check "...and the default name for the other" report_has nat listen_name=nat
        check "...and only once" report_has nat listen_fds_again=0
        assert_sc_ok "stop it through its control channel" stop nat --wait
        check "...which its handler got" report_has nat control=1
        line=$(tcp_hello "$port")
        assert_contains "the next connection starts it again" "$line" "native "
        assert_sc_ok "stop it" stop nat --wait
}

ctxt_switches() { # PID: voluntary + involuntary context switches so far
        awk '/ctxt_switches/ { n += $2 } END { print n + 0 }' "/proc/$1/status"
}

# 100 scheduled tasks and 100 activation sockets cost an idle scmd no
# wake-up: one timer for the earliest run (tomorrow), epoll on the sockets.
# A count over a window, not a speed: nothing at all may wake it.
test_idle() {
        daemon_start_quiet --delayed-auto-delay 3600 || return
        chmod 711 "$D"
        local i
        for i in $(seq 100); do
                sc task create "t$i" --tr true --trigger "daily 03:00" --trigger "every 7d" >/dev/null &&
                        sc create "s$i" --exec "$(cmdline "$LISTEN_HELPER")" >/dev/null &&
                        sc sockets "s$i" --listen "unix:$D/s$i.sock" >/dev/null ||
                        { tap_not_ok "100 tasks and 100 socket-activated services" "at $i"; return; }
        done
        tap_ok "100 tasks and 100 socket-activated services, none running"
        local before after
        before=$(ctxt_switches "$SCMD_PID")
        sleep 5 # the window measured
        after=$(ctxt_switches "$SCMD_PID")
        assert_eq "scmd did not wake once in 5 s" "$((after - before))" 0
        "$LISTEN_HELPER" --connect "$D/s50.sock" >/dev/null
        after=$(ctxt_switches "$SCMD_PID")
        assert_ne "...and a client does wake it (the count can move)" "$((after - before))" 0
}

starts_logged() { grep -c "service $1: a client came to its socket: starting it" "$D/scmd.stderr"; }

# A program that exits with an error at once, while a client waits in the
# backlog: scmd starts it a few times, then lets its sockets wait, instead
# of starting it again at full speed (14,369 starts in 20 s before).
test_failing_service_throttled() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        assert_sc_ok "a service whose program fails at once" create fails --exec "$(cmdline false)"
        assert_sc_ok "...with a TCP socket" sockets fails --listen "tcp:127.0.0.1:$port"
        exec 4<>"/dev/tcp/127.0.0.1/$port" # held in the backlog: never accepted
        wait_until 10 "the client started it" eval '[ "$(starts_logged fails)" -ge 1 ]'
        sleep 3 # the window observed: a loop would start it thousands of times
        local n
        n=$(starts_logged fails)
        exec 4<&-
        check "at most 6 starts in 3 s while its runs fail (saw $n)" test "$n" -le 6
        check "...and the pause is said" grep -q "service fails: more than 5 of its runs failed" \
                "$D/scmd.stderr"
}

# A Debian daemon as it ships, started by its socket: dbus-daemon takes its
# listening socket from sd_listen_fds() (<listen>systemd:</listen>, as
# Debian's dbus.socket starts it); the first client's call starts it and is
# answered by it, and after a stop the socket starts it again.
test_debian_daemon() {
        if ! command -v dbus-daemon >/dev/null || ! command -v dbus-send >/dev/null; then
                tap_skip "a Debian daemon started by its socket" "dbus-daemon or dbus-send is not installed"
                return
        fi
        daemon_start || return
        cat >"$D/bus.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>custom</type>
  <listen>systemd:</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
        assert_sc_ok "dbus-daemon as a service" create bus \
                --exec "$(cmdline dbus-daemon --config-file="$D/bus.conf" --nofork --nopidfile)"
        assert_sc_ok "...with the bus's Unix socket" sockets bus --listen "unix:$D/bus.sock"
        assert_eq "it is stopped before any client" stopped "$(status_field bus state)"
        run timeout 20 dbus-send --bus="unix:path=$D/bus.sock" --print-reply \
                --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId
        assert_contains "the first call is answered by the bus it started" "$OUT" 'string "'
        local pid
        pid=$(pid_of bus)
        assert_eq "...which is dbus-daemon, the service's process" dbus-daemon \
                "$(cat "/proc/$pid/comm" 2>/dev/null)"
        assert_sc_ok "stop it" stop bus --wait
        run timeout 20 dbus-send --bus="unix:path=$D/bus.sock" --print-reply \
                --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId
        assert_contains "after the stop, the next call starts it again and is answered" "$OUT" 'string "'
        assert_ne "...by a new process" "$pid" "$(pid_of bus)"
}

run_test test_first_connection
run_test test_failing_service_throttled
run_test test_datagram
run_test test_bound_at_start
run_test test_idle_stop
run_test test_idle_rearm
run_test test_idle_unseen_arrivals
run_test test_idle_after_reexec
run_test test_idle_service_filter
run_test test_per_connection
run_test test_accept_stdio
run_test test_accept_crash
run_test test_accept_reexec
run_test test_accept_reexec_no_cgroups
run_test test_sockets_kept
run_test test_sockets_kept_changes
run_test test_accept_idle
run_test test_accept_off_while_running
run_test test_accept_spawn_failures
run_test test_accept_refusals
run_test test_native
run_test test_refusals
run_test test_idle
run_test test_debian_daemon
finish
