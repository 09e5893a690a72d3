#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/spawn-slope.sh BUILD_DIR [N] [FD_LIMIT]     (make bench-spawn)
#
# Does a spawn cost the same at service 10,000 as at service 1?  scmd
# cold-starts N auto-start services (default 10,000) under a descriptor
# limit of FD_LIMIT (default 20,000), each the benchmark's trivial service
# (bench/svc.c, which stamps CLOCK_MONOTONIC itself).  From the stamps,
# sorted, it prints the cost of one spawn in blocks of N/10 services (the
# time between the block's first and last stamp over its size) and the
# slope of a least-squares line through the gaps between stamps against
# the service's rank: microseconds per spawn added per 1000 services
# already running (0 is flat).  Then scmd's open descriptors per running
# service (/proc/PID/fd), and, once scmd has them all RUNNING, the time
# its SIGTERM takes to stop all N (the last service process gone) and the
# time until scmd itself has exited (every STOPPED recorded; with
# BENCH_PERF=FILE, a perf record of scmd over that stop).
#
# As root it runs in a PID namespace of its own, so nothing outlives it.
set -u
if [ "$(id -u)" -eq 0 ] && [ -z "${BENCH_IN_NAMESPACE:-}" ] && command -v unshare >/dev/null; then
        BENCH_IN_NAMESPACE=1 exec unshare --pid --fork --kill-child --mount-proc "$0" "$@"
fi
BUILD=$(cd "${1:?usage: bench/spawn-slope.sh BUILD_DIR [N] [FD_LIMIT]}" && pwd)
N=${2:-10000}
LIMIT=${3:-20000}
B=$BUILD/bench
SCMD=$BUILD/scmd
TOOL=$B/bench-tool
W=$(mktemp -d /tmp/scm-spawn-slope.XXXXXX)
PID=
cleanup() {
        [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
        [ -n "$PID" ] && "$TOOL" kill-tree "$PID" >/dev/null 2>&1
        rm -rf "$W"
}
trap cleanup EXIT
ulimit -n "$LIMIT" || exit 1

slope() { # STAMPS: per-block cost and slope; MEAN_GAP_US is set
        sort -n "$1" | awk -v n="$(wc -l <"$1")" '
        { t[NR] = $1 }
        END {
                if (NR < 20) { print "too few stamps"; exit }
                block = int(n / 10)
                printf "per spawn, by block of %d services (ms):", block
                for (b = 0; b < 10; b++) {
                        lo = b * block + 1; hi = (b + 1) * block
                        if (hi > NR) break
                        printf " %.3f", (t[hi] - t[lo]) / (hi - lo) / 1e6
                }
                printf "\n"
                # Least squares of gap (us) against rank (thousands).
                for (i = 2; i <= NR; i++) {
                        x = i / 1000; y = (t[i] - t[i - 1]) / 1e3
                        sx += x; sy += y; sxx += x * x; sxy += x * y; m++
                }
                slope = (m * sxy - sx * sy) / (m * sxx - sx * sx)
                printf "slope: %+.2f us per spawn per 1000 services running (mean gap %.1f us)\n", slope, sy / m
        }' >"$W/slope.out"
        cat "$W/slope.out"
        MEAN_GAP_US=$(sed -n 's/.*mean gap \([0-9.]*\) us.*/\1/p' "$W/slope.out")
}

# The floor (bench/floor.c: posix_spawn of N services, nothing else), for
# the ratio of scmd's spawn to the least one can cost.
: >"$W/floor-stamps"
floor_ms=$("$TOOL" start "$W/floor-stamps" "$N" 600000 20000 "$W/pid" "$W/floor.log" -- \
        "$B/bench-floor" "$B/bench-svc" "$W/floor-stamps" "$N")
PID=$(cat "$W/pid")
echo "floor: cold start of $N services: $floor_ms ms"
slope "$W/floor-stamps"
FLOOR_GAP=$MEAN_GAP_US
"$TOOL" stop "$W/floor-stamps" 120000 signal "$PID" 15 >/dev/null
PID=

# The database: N auto-start services, made through libscm.
mkdir -p "$W/root"
"$SCMD" --root "$W/root" --foreground 2>>"$W/create.log" &
PID=$!
for _ in $(seq 100); do [ -S "$W/root/run/scm.sock" ] && break; sleep 0.1; done
"$B/bench-scm-create" "$W/root/run/scm.sock" "$N" auto "$B/bench-svc $W/stamps" >/dev/null ||
        { echo "spawn-slope: could not create $N services (see $W/create.log)"; exit 1; }
kill -TERM "$PID"
wait "$PID"
PID=
: >"$W/stamps"

# The cold start.
started=$("$TOOL" start "$W/stamps" "$N" 600000 20000 "$W/pid" "$W/scmd.log" -- \
        "$SCMD" --root "$W/root" --foreground)
PID=$(cat "$W/pid")
got=$(wc -l <"$W/stamps")
case $started in
[0-9]*) started="$started ms" ;;
*)
        started="$started services, then no more"
        grep -v "^$" "$W/scmd.log" | grep -iv "starting\|started\|running" | tail -n 3 | sed 's/^/  scmd: /'
        ;;
esac
echo "cold start of $N services under a descriptor limit of $LIMIT: $started ($got stamps)"

slope "$W/stamps"
SCM_GAP=$MEAN_GAP_US

awk -v s="$SCM_GAP" -v f="$FLOOR_GAP" 'BEGIN { if (f > 0) printf "scmd per spawn: %.2fx the floor'"'"'s\n", s / f }'
fds=$(ls "/proc/$PID/fd" | wc -l)
running=$(sort -u -k2,2 "$W/stamps" | awk '{ print $2 }' | while read -r p; do
        [ -d "/proc/$p" ] && echo "$p"; done | wc -l)
echo "scmd holds $fds descriptors with $running services running: $(awk -v f="$fds" -v r="$running" 'BEGIN { printf "%.2f", r ? f / r : 0 }') per service"

# The stop begins once scmd has seen every running service RUNNING (the
# boot's end; at most 60 s), so that it measures the stop alone.
in_running() { "$BUILD/scctl" --root "$W/root" --timeout 5 --json query 2>/dev/null | grep -o '"state":"running"' | wc -l; }
settle0=$(date +%s%N)
while :; do
        seen=$(in_running)
        waited=$((($(date +%s%N) - settle0) / 1000000))
        [ "$seen" -ge "$running" ] || [ "$waited" -ge 60000 ] && break
        sleep 0.2
done
echo "scmd had $seen services RUNNING $waited ms after the count above"

# BENCH_PERF=FILE: a perf record of scmd over the stop, into FILE (its
# options BENCH_PERF_OPTS, -g unless set).
PERF=
if [ -n "${BENCH_PERF:-}" ]; then
        perf record ${BENCH_PERF_OPTS:--g} -q -o "$BENCH_PERF" -p "$PID" 2>/dev/null &
        PERF=$!
        sleep 1
fi
t0=$(date +%s%N)
stopped=$("$TOOL" stop "$W/stamps" 120000 signal "$PID" 15)
echo "stop all $N at scmd's SIGTERM: $stopped ms"
wait "$PID" 2>/dev/null
t1=$(date +%s%N)
echo "scmd exited $(((t1 - t0) / 1000000)) ms after the stop began (every service stopped and recorded)"
[ -n "$PERF" ] && wait "$PERF"
PID=
