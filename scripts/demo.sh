#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scripts/demo.sh [BUILD_DIR]: a guided tour of scm for a newcomer.
#
# Starts a private scmd under a fresh temporary folder, installs two of the
# example services (examples/heartbeat.c and examples/echo-server.c), and
# walks through create -> start -> query -> logs -> dependencies -> analyze
# -> stop -> delete, printing
# each command before its output.  At the end it stops scmd and checks that
# no process is left.  Nothing outside the temporary folder is touched.

set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$SRC/build}

if [ ! -x "$BUILD/scmd" ] || [ ! -x "$BUILD/scctl" ] || [ ! -x "$BUILD/examples/heartbeat" ]; then
        echo "demo: building first (meson + ninja in $BUILD)"
        [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$SRC"
        ninja -C "$BUILD"
fi
BUILD=$(cd "$BUILD" && pwd)
EXAMPLES=$BUILD/examples

DEMO=$(mktemp -d /tmp/scm-demo.XXXXXX)
SCMD_PID=""
SERVICE_PIDS=()

cleanup() {
        local status=$?
        if [ -n "$SCMD_PID" ] && kill -0 "$SCMD_PID" 2>/dev/null; then
                kill -TERM "$SCMD_PID" 2>/dev/null || true
                for _ in $(seq 100); do
                        kill -0 "$SCMD_PID" 2>/dev/null || break
                        sleep 0.1
                done
                kill -KILL "$SCMD_PID" 2>/dev/null || true
        fi
        for p in "${SERVICE_PIDS[@]}"; do
                kill -KILL "$p" 2>/dev/null || true
        done
        rm -rf "$DEMO"
        if [ $status -ne 0 ]; then
                echo
                echo "demo: FAILED (exit status $status); scmd's log was:"
                cat "$DEMO.log" 2>/dev/null || true
        fi
        rm -f "$DEMO.log"
}
trap cleanup EXIT

# ---- presentation ---------------------------------------------------------

if [ -t 1 ]; then
        BOLD=$'\e[1m' DIM=$'\e[2m' OFF=$'\e[0m'
else
        BOLD="" DIM="" OFF=""
fi

step=0
# say TEXT: the one-line explanation before a step.
say() {
        step=$((step + 1))
        printf '\n%s%d. %s%s\n' "$BOLD" "$step" "$*" "$OFF"
}

# show ARGS...: prints "$ scctl ARGS" and runs scctl on the demo's scmd.
show() {
        local shown="" w
        for w in "$@"; do
                if [[ "$w" =~ [[:space:]\"\'] ]]; then
                        shown+=" \"$w\""
                else
                        shown+=" $w"
                fi
        done
        printf '%s$ scctl%s%s\n' "$DIM" "$shown" "$OFF"
        "$BUILD/scctl" --root "$DEMO" --timeout 10 "$@" 2>&1
}

scctl_quiet() {
        "$BUILD/scctl" --root "$DEMO" --timeout 10 "$@"
}

# until_true SECS CMD...: waits (polling) until CMD succeeds; fails after SECS.
until_true() {
        local secs=$1
        shift
        local i
        for ((i = 0; i < secs * 20; i++)); do
                "$@" && return 0
                sleep 0.05
        done
        echo "demo: gave up waiting for: $*" >&2
        return 1
}

pid_of() {
        local json
        json=$(scctl_quiet --json query "$1")
        [[ "$json" =~ \"pid\":[[:space:]]*([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# ---- the tour -------------------------------------------------------------

cat <<EOF
${BOLD}scm: a Windows-style Service Control Manager for Linux${OFF}

scmd is the daemon (like services.exe): it keeps a database of services and
runs them.  scctl is the command line (like sc.exe).  This demo runs a
private scmd with everything under one temporary folder:
    $DEMO
In the commands below, 'scctl' stands for
    $BUILD/scctl --root $DEMO
EOF

say "Start scmd.  --root keeps its database, socket and logs in one folder."
printf '%s$ scmd --root %s --foreground &%s\n' "$DIM" "$DEMO" "$OFF"
"$BUILD/scmd" --root "$DEMO" --foreground </dev/null >"$DEMO.log" 2>&1 &
SCMD_PID=$!
until_true 15 scctl_quiet query >/dev/null
echo "scmd is running as pid $SCMD_PID and answering on $DEMO/run/scm.sock"

say "Create a service (CreateService).  It is only configured: nothing runs yet."
show create heartbeat --exec "$EXAMPLES/heartbeat 500" --display-name "Heartbeat" \
        --description "Prints a line every half second"

say "Create a second one: a TCP echo server on a loopback port the kernel picks."
show create echo --exec "$EXAMPLES/echo-server 0" --display-name "Echo server"

say "List every service and its state: both are stopped."
show query

say "Start them.  --wait returns once each is running."
show start heartbeat --wait
show start echo --wait
SERVICE_PIDS+=("$(pid_of heartbeat)" "$(pid_of echo)")

say "queryex shows the full status with the process id; each service has its own session and cgroup."
show queryex heartbeat

say "A service's standard output and error go to its log; 'logs' shows the end."
beats() { scctl_quiet logs heartbeat | grep -q "heartbeat 3 at"; }
until_true 10 beats
show logs heartbeat -n 4

say "Talk to the echo server.  Its log says which port it listens on."
listening() { scctl_quiet logs echo | grep -q "listening on 127.0.0.1:"; }
until_true 10 listening
port=$(scctl_quiet logs echo | grep -o "listening on 127.0.0.1:[0-9]*" | head -n 1)
port=${port##*:}
printf '%s$ echo "hello, scm" > /dev/tcp/127.0.0.1/%s%s\n' "$DIM" "$port" "$OFF"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'hello, scm\n' >&3
read -r -t 5 reply <&3
exec 3>&-
echo "the server echoed: $reply"
[ "$reply" = "hello, scm" ]
disconnect_logged() { scctl_quiet logs echo | grep -q "disconnected"; }
until_true 10 disconnect_logged
show logs echo

say "Ask scmd about a service that does not exist: errors carry their Win32 name and number."
show query no-such-service || echo "(exit status $?: the SCM said no)"

say "Dependencies: make the echo server depend on the heartbeat."
show config echo --depend heartbeat

say "The heartbeat cannot stop while a service that depends on it runs."
show stop heartbeat || echo "(exit status $?: the SCM said no)"
show enumdepend heartbeat

say "--with-dependents stops the dependents first, then the service itself."
show stop heartbeat --with-dependents --wait
show query

say "Starting the echo server starts its dependency, the heartbeat, first."
show start echo --wait
SERVICE_PIDS+=("$(pid_of heartbeat)" "$(pid_of echo)")
show query

say "scctl analyze shows how long each start took and what waited for what."
show analyze blame
show analyze critical-chain echo

say "Stop both again (SIGTERM); the heartbeat says goodbye in its log."
show stop heartbeat --with-dependents --wait
show logs heartbeat -n 2

say "Delete both services (DeleteService)."
show delete heartbeat
show delete echo
show query

say "Stop scmd itself with SIGTERM: it stops whatever still runs, then exits."
printf '%s$ kill -TERM %s%s\n' "$DIM" "$SCMD_PID" "$OFF"
kill -TERM "$SCMD_PID"
scmd_gone() { ! kill -0 "$SCMD_PID" 2>/dev/null; }
until_true 30 scmd_gone
wait "$SCMD_PID"
echo "scmd exited with status $?"
SCMD_PID=""

left=""
for p in "${SERVICE_PIDS[@]}"; do
        [ -n "$p" ] && [ -e "/proc/$p" ] && left+=" $p"
done
if [ -n "$left" ]; then
        echo "demo: processes left behind:$left" >&2
        exit 1
fi
echo "No process is left behind.  Done: the folder $DEMO is removed."
echo
echo "Next: README.md shows how to run scmd and scctl yourself; 'make check' runs the tests."
