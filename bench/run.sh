#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh BUILD_DIR        (what `make bench` runs)
# bench/run.sh --table [CSV]    print the table of a results file again
#
# scm against its peers — runit, s6, daemontools, supervisord — and a floor
# (bench/floor.c: spawn the services directly and wait), side by side in one
# run, on one trivial service (bench/svc.c, which stamps CLOCK_MONOTONIC
# itself).  bench/README.md states the method and the latest results.
#
# Every number is the median of several repetitions.  Every run is bounded
# (bench-tool's deadlines; a peer that cannot start 10,000 services within
# BOUND_10K_MS is skipped at 10,000 with a note).  Every process started is
# ended: as root the whole run lives in its own PID namespace (when it ends,
# the kernel kills whatever is left), and in any case the EXIT trap stops
# each manager's tree by pid (bench-tool kill-tree).
#
# Knobs (environment):
#   BENCH_MANAGERS   which to run (default: scm floor runit s6 daemontools supervisord)
#   BENCH_QUICK=1    fewer repetitions and no 10,000 (a smoke test, not results)
#   BENCH_OUT        the CSV to write (default bench/results/latest.csv)
#   BENCH_NOTES      a notes file beside the CSV (default: BENCH_OUT with .notes)

set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# ------------------------------------------------------------------ table

# print_table CSV: one row per measurement, one column per manager, each
# cell the median and, for peers, its ratio to scm (peer / scm: above 1
# means scm is faster or smaller, except for rates, marked "higher is
# better").
print_table() {
        awk -F, '
        NR == 1 { next }
        {
                key = $1 SUBSEP $2
                if (!(key in seen)) { seen[key] = 1; order[++rows] = key; label[key] = $1; nval[key] = $2; unit[key] = $5 }
                val[key, $3] = $4
                if ($7 != "") note[key, $3] = $7
        }
        END {
                split("scm floor runit s6 daemontools supervisord", m, " ")
                printf "%-34s", "measurement"
                for (i = 1; i <= 6; i++) printf " | %-17s", m[i]
                printf "\n"
                for (i = 0; i < 34 + 6 * 20; i++) printf "-"
                printf "\n"
                for (r = 1; r <= rows; r++) {
                        k = order[r]
                        name = label[k] (nval[k] != "" ? " N=" nval[k] : "") " (" unit[k] ")"
                        printf "%-34s", name
                        base = val[k, "scm"]
                        for (i = 1; i <= 6; i++) {
                                v = val[k, m[i]]
                                if (v == "") cell = "-"
                                else if (v !~ /^[0-9.]+$/) cell = v
                                else {
                                        cell = (v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v))
                                        if (m[i] != "scm" && base ~ /^[0-9.]+$/ && base > 0)
                                                cell = cell sprintf(" (%.2fx)", v / base)
                                }
                                printf " | %-17s", cell
                        }
                        printf "\n"
                }
        }' "$1"
}

if [ "${1:-}" = "--table" ]; then
        print_table "${2:-$SRC/bench/results/latest.csv}"
        exit 0
fi

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
        echo "usage: bench/run.sh BUILD_DIR | --table [CSV]" >&2
        exit 2
fi
BUILD=$(cd "$1" && pwd)

# As root, run the whole benchmark in a PID namespace of its own: when it
# ends, however it ends, the kernel kills every process it left.
if [ "$(id -u)" -eq 0 ] && [ -z "${BENCH_IN_NAMESPACE:-}" ] && command -v unshare >/dev/null; then
        BENCH_IN_NAMESPACE=1 exec unshare --pid --fork --kill-child --mount-proc \
                bash "${BASH_SOURCE[0]}" "$@"
fi

B=$BUILD/bench
SCMD=$BUILD/scmd
SCCTL=$BUILD/scctl
SVC=$B/bench-svc
TOOL=$B/bench-tool
for f in "$SCMD" "$SCCTL" "$SVC" "$TOOL" "$B/bench-floor" "$B/bench-scm-create" \
        "$B/bench-scm-query" "$B/bench-scm-restarter"; do
        [ -x "$f" ] || {
                echo "bench: $f is missing; run make first" >&2
                exit 1
        }
done

# The peers resolve their helpers (runsv, s6-supervise, supervise) through
# PATH: give every manager the same short, standard one.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
# Enough descriptors for 10,000 services under any manager (scmd holds
# several per running service); the same limit for every manager.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

OUT=${BENCH_OUT:-$SRC/bench/results/latest.csv}
NOTES=${BENCH_NOTES:-${OUT%.csv}.notes}
MANAGERS=${BENCH_MANAGERS:-scm floor runit s6 daemontools supervisord}
QUICK=${BENCH_QUICK:-0}

# Repetitions and bounds, chosen so the whole run stays under 15 minutes
# on a 2-core machine (bench/README.md has the arithmetic).
if [ "$QUICK" = 1 ]; then
        SIZES="100 1000"
        REPS_100=2 REPS_1000=2 REPS_10K=1 REPS_RESTART=2 REPS_STARTUP=2 REPS_QUERY=1
        WAKE_S=3
else
        SIZES="100 1000 10000"
        REPS_100=5 REPS_1000=3 REPS_10K=3 REPS_RESTART=5 REPS_STARTUP=5 REPS_QUERY=3
        WAKE_S=12
fi
BOUND_MS=30000     # any cold start of 100 or 1000
BOUND_10K_MS=30000 # a cold start of 10,000: past this a peer is skipped at 10,000
STOP_BOUND_MS=30000
SETTLE_S=1.5 # after a cold start of 1000, before stop-all (supervise sleeps 1 s after a start)

W=$(mktemp -d "${TMPDIR:-/tmp}/scm-bench.XXXXXX")
CURRENT_PID= # the manager running now, for the trap
HELPER_PID=  # a client running beside it (the scm restarter)

cleanup() {
        [ -n "$HELPER_PID" ] && kill "$HELPER_PID" 2>/dev/null
        [ -n "$CURRENT_PID" ] && stop_manager_tree "$CURRENT_PID"
        rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mkdir -p "$(dirname "$OUT")"
CSV=$W/results.csv
echo "measurement,n,manager,median,unit,reps,note" >"$CSV"
: >"$W/notes"

# record MEASUREMENT N MANAGER VALUE UNIT REPS [NOTE]
record() {
        printf '%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" >>"$CSV"
        say "  $1 N=$2 $3: $4 $5 (${6} reps)${7:+ — $7}"
}
note() {
        printf '%s\n' "$*" >>"$W/notes"
        say "  note: $*"
}

have_manager() {
        case $1 in
        scm | floor) return 0 ;;
        runit) command -v runsvdir >/dev/null && command -v runsv >/dev/null ;;
        s6) command -v s6-svscan >/dev/null && command -v s6-supervise >/dev/null ;;
        daemontools) command -v svscan >/dev/null && command -v supervise >/dev/null ;;
        supervisord) command -v supervisord >/dev/null && command -v supervisorctl >/dev/null ;;
        *) return 1 ;;
        esac
}

# ------------------------------------------------------------ the managers

# Waits up to 15 s for PID to end (scmd and supervisord exit by themselves
# after stopping everything), then stops whatever is left of its tree.
stop_manager_tree() {
        local pid=$1 i
        for ((i = 0; i < 300; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.05
        done
        "$TOOL" kill-tree "$pid" >/dev/null
        for ((i = 0; i < 100; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.05
        done
        CURRENT_PID=
}

# scm's databases are made once per size by bench-scm-create, with the
# stamp file's path in the command line, and copied before each run.
scm_template() { echo "$W/templates/scm-$1"; }

make_scm_template() { # N START_TYPE DIR -> prints creates/s
        local n=$1 type=$2 root=$3 pid rate
        mkdir -p "$root"
        "$SCMD" --root "$root" --foreground 2>>"$W/scm-create.log" &
        pid=$!
        rate=$("$B/bench-scm-create" "$root/run/scm.sock" "$n" "$type" "$SVC $W/scm/stamps")
        kill -TERM "$pid"
        wait "$pid"
        echo "${rate%% *}"
}

supervisord_conf() { # N
        local n=$1 d=$W/supervisord
        {
                cat <<EOF
[supervisord]
nodaemon=true
logfile=$d/supervisord.log
pidfile=$d/supervisord.pid
childlogdir=$d
loglevel=warn
[unix_http_server]
file=$d/supervisor.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://$d/supervisor.sock
EOF
                # startsecs=0: running as soon as it is spawned, so that a
                # crash is restarted at once and not counted as a failed start.
                awk -v n="$n" -v svc="$SVC" -v stamps="$d/stamps" 'BEGIN {
                        for (i = 0; i < n; i++)
                                printf "[program:svc%05d]\ncommand=%s %s\nautostart=true\nautorestart=true\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\n", i, svc, stamps
                }'
        } >"$d/supervisord.conf"
}

# prepare MANAGER N: a fresh folder $W/MANAGER with N configured services.
prepare() {
        local m=$1 n=$2 d=$W/$1
        rm -rf "$d"
        mkdir -p "$d"
        : >"$d/stamps"
        case $m in
        scm) cp -a "$(scm_template "$n")" "$d/root" ;;
        floor) ;;
        runit | s6 | daemontools) "$TOOL" mkservices "$d/sv" "$n" "$SVC" "$d/stamps" ;;
        supervisord) supervisord_conf "$n" ;;
        esac
}

# launch_cmd MANAGER N [restart]: the command that starts the manager.
launch_cmd() {
        local m=$1 n=$2 d=$W/$1
        case $m in
        scm) CMD=("$SCMD" --root "$d/root" --foreground) ;;
        floor) CMD=("$B/bench-floor" ${3:+--restart} "$SVC" "$d/stamps" "$n") ;;
        runit) CMD=(runsvdir "$d/sv") ;;
        s6) CMD=(s6-svscan -c "$((n + 100))" "$d/sv") ;; # -c: room for N services
        daemontools) CMD=(svscan "$d/sv") ;;
        supervisord) CMD=(supervisord -c "$d/supervisord.conf") ;;
        esac
}

# How each one stops every service at once: its own shutdown (scmd,
# supervisord, s6-svscan, the floor: SIGTERM; runsvdir: SIGHUP, which
# sends each runsv TERM), or for daemontools, whose svscan has none,
# one `svc -dx` over every service folder.
stop_args() { # MANAGER PID
        local m=$1 pid=$2
        case $m in
        scm | floor | s6 | supervisord) STOP=(signal "$pid" 15) ;;
        runit) STOP=(signal "$pid" 1) ;;
        daemontools) STOP=(exec svc -dx "$W/daemontools/sv"/*) ;;
        esac
}
stop_how() {
        case $1 in
        scm) echo "SIGTERM to scmd (its shutdown stops every service in parallel)" ;;
        floor) echo "SIGTERM to bench-floor (SIGTERM to each service)" ;;
        runit) echo "SIGHUP to runsvdir (TERM to each runsv)" ;;
        s6) echo "SIGTERM to s6-svscan (teardown of every s6-supervise)" ;;
        daemontools) echo "svc -dx over every service folder" ;;
        supervisord) echo "SIGTERM to supervisord" ;;
        esac
}

status_cmd() { # MANAGER: the command-line status of one service
        local d=$W/$1
        case $1 in
        scm) CMD=("$SCCTL" --root "$d/root" query svc00001) ;;
        runit) CMD=(sv status "$d/sv/svc00001") ;;
        s6) CMD=(s6-svstat "$d/sv/svc00001") ;;
        daemontools) CMD=(svstat "$d/sv/svc00001") ;;
        supervisord) CMD=(supervisorctl -c "$d/supervisord.conf" status svc00001) ;;
        *) CMD=() ;;
        esac
}

# start MANAGER N BOUND_MS [restart]: starts it; STARTED is the cold-start
# time in ms, or "timeout K" (K services had started); CURRENT_PID its pid.
start_manager() {
        local m=$1 n=$2 bound=$3
        prepare "$m" "$n"
        launch_cmd "$m" "$n" ${4:-}
        STARTED=$("$TOOL" start "$W/$m/stamps" "$n" "$bound" "$W/$m/pid" "$W/$m/log" -- "${CMD[@]}")
        CURRENT_PID=$(cat "$W/$m/pid")
}

# --------------------------------------------------------------- the runs

hyperfine_median_ms() { # RUNS CMD... -> median ms of the command line
        local runs=$1
        shift
        hyperfine -N --warmup 3 --runs "$runs" --export-csv "$W/hf.csv" "$*" >/dev/null 2>&1 &&
                awk -F, 'NR == 2 { printf "%.3f\n", $4 * 1000 }' "$W/hf.csv"
}

# The extra measurements taken once, on the last cold start of 1000.
measure_running_1000() { # MANAGER PID
        local m=$1 pid=$2 pss procs a b runs v
        read -r pss procs < <("$TOOL" pss "$pid" "$SVC")
        record memory 1000 "$m" "$pss" kB 1 "PSS of $procs manager process(es)"
        record memory_per_service 1000 "$m" "$(awk -v p="$pss" 'BEGIN { printf "%.0f", p * 1024 / 1000 }')" bytes 1

        status_cmd "$m"
        if [ ${#CMD[@]} -gt 0 ]; then
                runs=100
                [ "$m" = supervisord ] && runs=15 # ~0.3-1 s a call
                v=$(hyperfine_median_ms "$runs" "${CMD[@]}")
                record status_cli 1000 "$m" "${v:-failed}" ms "$runs" "${CMD[0]##*/} ${CMD[*]:1:1}"
        fi
        if [ "$m" = scm ]; then
                local q=() p50=() p99=() i line
                for ((i = 0; i < REPS_QUERY; i++)); do
                        line=$("$B/bench-scm-query" "$W/scm/root/run/scm.sock" svc00001 2)
                        read -r a b v _ <<<"$line"
                        q+=("$a") p50+=("$b") p99+=("$v")
                done
                record lib_query_rate 1000 scm "$(printf '%s\n' "${q[@]}" | median)" queries/s "$REPS_QUERY" "bench-scm-query, one connection, 2 s a rep (higher is better)"
                record lib_query_p50 1000 scm "$(printf '%s\n' "${p50[@]}" | median)" us "$REPS_QUERY"
                record lib_query_p99 1000 scm "$(printf '%s\n' "${p99[@]}" | median)" us "$REPS_QUERY"
        fi

        sleep 1
        read -r a _ < <("$TOOL" switches "$pid" "$SVC")
        sleep "$WAKE_S"
        read -r b _ < <("$TOOL" switches "$pid" "$SVC")
        record idle_wakeups 1000 "$m" "$(awk -v a="$a" -v b="$b" -v s="$WAKE_S" 'BEGIN { printf "%.0f", (b - a) * 60 / s }')" per_min 1 "context switches of the manager process(es) over ${WAKE_S} s, scaled to a minute"
}

cold_start() { # MANAGER N REPS
        local m=$1 n=$2 reps=$3 bound=$BOUND_MS i out pid t pss procs
        local times=() stops=()
        [ "$n" -ge 10000 ] && bound=$BOUND_10K_MS
        for ((i = 1; i <= reps; i++)); do
                start_manager "$m" "$n" "$bound"
                out=$STARTED pid=$CURRENT_PID
                if [[ $out == timeout* ]]; then
                        note "$m: cold start of $n services did not finish within $((bound / 1000)) s (${out#timeout } of $n had started); skipped at $n"
                        record cold_start "$n" "$m" skipped ms 0 "not all $n started within $((bound / 1000)) s"
                        stop_manager_tree "$pid"
                        return
                fi
                times+=("$out")
                if [ "$n" -eq 1000 ]; then
                        sleep "$SETTLE_S"
                        [ "$i" -eq "$reps" ] && measure_running_1000 "$m" "$pid"
                        stop_args "$m" "$pid"
                        t=$("$TOOL" stop "$W/$m/stamps" "$STOP_BOUND_MS" "${STOP[@]}")
                        stops+=("$t")
                elif [ "$n" -ge 10000 ] && [ "$i" -eq "$reps" ]; then
                        sleep 1
                        read -r pss procs < <("$TOOL" pss "$pid" "$SVC")
                        record memory "$n" "$m" "$pss" kB 1 "PSS of $procs manager process(es)"
                        record memory_per_service "$n" "$m" "$(awk -v p="$pss" -v n="$n" 'BEGIN { printf "%.0f", p * 1024 / n }')" bytes 1
                        stop_args "$m" "$pid"
                        "$TOOL" stop "$W/$m/stamps" "$STOP_BOUND_MS" "${STOP[@]}" >/dev/null
                else
                        stop_args "$m" "$pid"
                        "$TOOL" stop "$W/$m/stamps" "$STOP_BOUND_MS" "${STOP[@]}" >/dev/null
                fi
                stop_manager_tree "$pid"
        done
        record cold_start "$n" "$m" "$(printf '%s\n' "${times[@]}" | median)" ms "$reps" "runs: ${times[*]}"
        if [ ${#stops[@]} -gt 0 ]; then
                if printf '%s\n' "${stops[@]}" | grep -q timeout; then
                        record stop_all "$n" "$m" timeout ms "$reps" "$(stop_how "$m"); runs: ${stops[*]}"
                else
                        record stop_all "$n" "$m" "$(printf '%s\n' "${stops[@]}" | median)" ms "$reps" "$(stop_how "$m"); runs: ${stops[*]}"
                fi
        fi
}

# >>> SCM_RESTART_BY: "client" until scm has failure actions.  When the
# >>> failure-actions issue lands, set it to "action" and fill in the
# >>> configuration below (restart with delay 0); the restarter client then
# >>> no longer runs, and the row's note changes with it.
SCM_RESTART_BY=${SCM_RESTART_BY:-client}

restart_bench() { # MANAGER
        local m=$1 out pid lines a=() b=() x y
        start_manager "$m" 1 "$BOUND_MS" restart
        out=$STARTED pid=$CURRENT_PID
        if [[ $out == timeout* ]]; then
                note "$m: could not start the restart test's service"
                stop_manager_tree "$pid"
                return
        fi
        local how=""
        if [ "$m" = scm ]; then
                if [ "$SCM_RESTART_BY" = action ]; then
                        # "$SCCTL" --root "$W/scm/root" failure svc00000 --reset 0 --actions restart/0
                        how="scm's own failure action (restart, delay 0)"
                else
                        "$B/bench-scm-restarter" "$W/scm/root/run/scm.sock" svc00000 >/dev/null &
                        HELPER_PID=$!
                        how="NOT an scm feature yet: a libscm client polls query_status in a tight loop and calls start once STOPPED"
                fi
        fi
        lines=$("$TOOL" restart "$W/$m/stamps" "$REPS_RESTART" 2000 100 5000)
        if [ -n "$HELPER_PID" ]; then
                kill "$HELPER_PID" 2>/dev/null
                wait "$HELPER_PID" 2>/dev/null
                HELPER_PID=
        fi
        stop_args "$m" "$pid"
        "$TOOL" stop "$W/$m/stamps" "$STOP_BOUND_MS" "${STOP[@]}" >/dev/null
        stop_manager_tree "$pid"
        while read -r x y; do
                [[ $x =~ ^[0-9.]+$ ]] || continue
                a+=("$x") b+=("$y")
        done <<<"$lines"
        if [ ${#a[@]} -eq 0 ]; then
                record restart_after_2s 1 "$m" failed ms 0 "$lines"
                return
        fi
        record restart_after_2s 1 "$m" "$(printf '%s\n' "${a[@]}" | median)" ms "${#a[@]}" "${how:+$how; }kill -9 -> new stamp; runs: ${a[*]}"
        record restart_after_0.1s 1 "$m" "$(printf '%s\n' "${b[@]}" | median)" ms "${#b[@]}" "${how:+$how; }again 0.1 s after it came back; runs: ${b[*]}"
}

# ------------------------------------------------------------------ main

T_START=$(date +%s)
say "bench: work folder $W; managers: $MANAGERS"
for m in $MANAGERS; do
        have_manager "$m" || {
                note "$m is not installed (scripts/ensure-bench-deps.sh); left out"
                MANAGERS=${MANAGERS//$m/}
        }
done

# 6. Creating services through the API, which also makes the databases
# the cold starts use.  Three runs of 10,000: auto-start (kept for the
# cold start of 10,000), demand-start (kept for scmd's start-up time),
# auto-start again.
if [[ " $MANAGERS " == *" scm "* ]]; then
        say "== creating services through libscm"
        mkdir -p "$W/templates"
        for n in 1 100 1000; do
                make_scm_template "$n" auto "$(scm_template "$n")" >/dev/null
        done
        rates=()
        if [[ " $SIZES " == *" 10000 "* ]]; then
                rates+=("$(make_scm_template 10000 auto "$(scm_template 10000)")")
                rates+=("$(make_scm_template 10000 demand "$W/templates/scm-demand-10000")")
                rates+=("$(make_scm_template 10000 auto "$W/templates/scm-scratch")")
                rm -rf "$W/templates/scm-scratch"
                record create_rate 10000 scm "$(printf '%s\n' "${rates[@]}" | median)" services/s 3 "bench-scm-create: scm_create_service over one connection (higher is better); runs: ${rates[*]}"

                say "== scmd start-up with 10,000 services in the database (to socket ready)"
                ups=()
                for ((i = 0; i < REPS_STARTUP; i++)); do
                        root=$W/templates/scm-demand-10000
                        # Without --foreground scmd returns once its socket accepts.
                        ups+=("$("$TOOL" time "$SCMD" --root "$root")")
                        pid=$(cat "$root/run/scmd.lock")
                        CURRENT_PID=$pid
                        kill -TERM "$pid"
                        stop_manager_tree "$pid"
                done
                record startup_ready 10000 scm "$(printf '%s\n' "${ups[@]}" | median)" ms "$REPS_STARTUP" "scmd --root (daemonizes; returns when the socket accepts); demand-start services; runs: ${ups[*]}"
        fi
fi

# 1, 4, 5, 8 (and 3, once the services run): cold start at each size.
for n in $SIZES; do
        case $n in
        100) reps=$REPS_100 ;;
        1000) reps=$REPS_1000 ;;
        *) reps=$REPS_10K ;;
        esac
        for m in $MANAGERS; do
                say "== cold start: $m, $n services, $reps runs"
                cold_start "$m" "$n" "$reps"
        done
done

# 2. Restart after a crash.
for m in $MANAGERS; do
        say "== restart after kill -9: $m"
        restart_bench "$m"
done

# 7. Notification latency: the subscriptions issue brings its own program.
# >>> When bench/ has it (built as $B/bench-scm-notify), run it here and
# >>> record its median; until then the row says so.
if [ -x "$B/bench-scm-notify" ]; then
        note "bench-scm-notify exists but is not wired in yet"
fi
record notify_latency 1 scm pending us 0 "pending the notification issue"

T_END=$(date +%s)
note "total run time $((T_END - T_START)) s; machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r)"

cp "$CSV" "$OUT"
cp "$W/notes" "$NOTES"
echo
print_table "$OUT"
echo
echo "notes:"
sed 's/^/  /' "$NOTES"
echo "(results in ${OUT#"$SRC"/}; make bench-plot draws bench/results/cold-start.png)"
