#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh BUILD_DIR        (what `make bench` runs)
# bench/run.sh --table [CSV]    print the table of a results file again
#
# scm against its peers — runit, s6, daemontools, supervisord, systemd — and a floor
# (bench/floor.c: spawn the services directly and wait), side by side in one
# run, on one trivial service (bench/svc.c, which stamps CLOCK_MONOTONIC
# itself).  bench/README.md states the method and the latest results.
#
# Every number is the median of several repetitions; the repetitions of
# the cold starts go round the managers in turn, so a slow minute of the
# machine falls on all of them alike.  Every run is bounded (bench-tool's
# deadlines; a manager that cannot start 10,000 services within
# BOUND_10K_MS, or stops making progress, is skipped at 10,000 with a
# note).  Every process started is ended: as root the whole run lives in a
# PID namespace of its own (when it ends, the kernel kills whatever is
# left), and in any case the EXIT trap stops each manager's tree by pid.
#
# Knobs (environment):
#   BENCH_MANAGERS   which to run (default: scm floor runit s6 daemontools supervisord systemd)
#   BENCH_QUICK=1    fewer repetitions and no 10,000 (a smoke test, not results)
#   BENCH_PHASES     which parts to run (default: api cold running restart reexec notify)
#   BENCH_OUT        the CSV to write (default bench/results/latest.csv)
#   BENCH_NOTES      the notes written beside it (default: BENCH_OUT with .notes)
#   BENCH_REVISION   what to call the scm measured (default: git's HEAD of the source)

set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALL_MANAGERS="scm floor runit s6 daemontools supervisord systemd"

# ------------------------------------------------------------------ table

# print_table CSV: one row per measurement, one column per manager; each
# cell the median and, for the others, its ratio to scm (other / scm).
print_table() {
        awk -F, -v managers="$ALL_MANAGERS" '
        NR == 1 { next }
        {
                key = $1 SUBSEP $2
                if (!(key in seen)) { seen[key] = 1; order[++rows] = key; label[key] = $1; nval[key] = $2; unit[key] = $5 }
                val[key, $3] = $4
        }
        END {
                nm = split(managers, m, " ")
                printf "%-40s", "measurement (median)"
                for (i = 1; i <= nm; i++) printf " | %-16s", m[i]
                printf "\n"
                for (i = 0; i < 40 + nm * 19; i++) printf "-"
                printf "\n"
                for (r = 1; r <= rows; r++) {
                        k = order[r]
                        printf "%-40s", label[k] " N=" nval[k] " " unit[k]
                        base = val[k, "scm"]
                        for (i = 1; i <= nm; i++) {
                                v = val[k, m[i]]
                                if (v == "") cell = "-"
                                else if (v !~ /^[0-9.]+$/) cell = v
                                else {
                                        cell = (v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v))
                                        if (m[i] != "scm" && base ~ /^[0-9.]+$/ && base > 0)
                                                cell = cell sprintf(" (%.2fx)", v / base)
                                }
                                printf " | %-16s", cell
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
REVISION=${BENCH_REVISION:-$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ -z "${BENCH_REVISION:-}" ] && ! git -C "$SRC" diff --quiet HEAD -- src include 2>/dev/null; then
        REVISION="$REVISION plus uncommitted changes in src/ or include/"
fi
export BENCH_REVISION=$REVISION

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
        "$B/bench-scm-query" "$B/bench-scm-restarter" "$B/bench-win32-query" "$B/bench-roundtrip-floor"; do
        [ -x "$f" ] || {
                echo "bench: $f is missing; run make first" >&2
                exit 1
        }
done

# The peers find their helpers (runsv, s6-supervise, supervise) through
# PATH: give every manager the same short, standard one.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
# Every manager gets the same descriptor limit: the most this machine
# allows (raising the hard limit needs CAP_SYS_RESOURCE).
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)

OUT=${BENCH_OUT:-$SRC/bench/results/latest.csv}
NOTES=${BENCH_NOTES:-${OUT%.csv}.notes}
MANAGERS=${BENCH_MANAGERS:-$ALL_MANAGERS}
QUICK=${BENCH_QUICK:-0}

# Repetitions and bounds, chosen so that the whole run stays under 15
# minutes on a 2-core machine (bench/README.md has the arithmetic).
if [ "$QUICK" = 1 ]; then
        SIZES="100 1000"
        REPS=2 PEER_REPS=2 REPS_10K=1 REPS_RESTART=2 REPS_STARTUP=2 REPS_QUERY=2 REPS_NOTIFY=1
        STATUS_ROUNDS=1 WAKE_S=5 WAKE_CONF_S=5 REPS_REEXEC=2
else
        # scm and the floor, whose ratio is a target, get more runs than the peers.
        SIZES="100 1000 10000"
        REPS=5 PEER_REPS=3 REPS_10K=3 REPS_RESTART=5 REPS_STARTUP=5 REPS_QUERY=5 REPS_NOTIFY=3
        STATUS_ROUNDS=3 WAKE_S=30 WAKE_CONF_S=10 REPS_REEXEC=5
fi
BOUND_MS=30000     # a cold start of 100 or 1000
BOUND_10K_MS=20000 # a cold start of 10,000; past it a manager is skipped at 10,000
STALL_MS=3000      # no new service for this long: the manager has given up
STOP_BOUND_MS=30000
SETTLE_S=1.1 # after a cold start of 1000, before stop-all (supervise sleeps 1 s after a start)

W=$(mktemp -d "${TMPDIR:-/tmp}/scm-bench.XXXXXX")
declare -A PIDS=() # manager -> pid of the one running now, for the trap
HELPER_PID=        # a client running beside scmd (the restarter)

cleanup() {
        [ -n "$HELPER_PID" ] && kill "$HELPER_PID" 2>/dev/null
        local m
        for m in "${!PIDS[@]}"; do
                "$TOOL" kill-tree "${PIDS[$m]}" >/dev/null 2>&1
        done
        systemd_cgroup_gone
        rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
list_median() { printf '%s\n' "$@" | median; }

mkdir -p "$(dirname "$OUT")"
CSV=$W/results.csv
echo "measurement,n,manager,median,unit,reps,note" >"$CSV"
: >"$W/notes"

# record MEASUREMENT N MANAGER VALUE UNIT REPS [NOTE]  (no commas in fields)
record() {
        printf '%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" >>"$CSV"
        say "  $1 N=$2 $3: $4 $5 (${6} reps)${7:+ — $7}"
}
note() {
        printf -- '- %s\n' "$*" >>"$W/notes"
        say "  note: $*"
}

have_manager() {
        case $1 in
        scm | floor) return 0 ;;
        runit) command -v runsvdir >/dev/null && command -v runsv >/dev/null ;;
        s6) command -v s6-svscan >/dev/null && command -v s6-supervise >/dev/null ;;
        daemontools) command -v svscan >/dev/null && command -v supervise >/dev/null ;;
        supervisord) command -v supervisord >/dev/null && command -v supervisorctl >/dev/null ;;
        systemd) [ -x "$SYSTEMD" ] && [ -n "$CGROUP2" ] && [ "$(id -u)" -eq 0 ] &&
                command -v nsenter >/dev/null && command -v unshare >/dev/null ;;
        *) return 1 ;;
        esac
}

# ------------------------------------------------------------ the managers

# stop_tree MANAGER: waits up to 15 s for its root process to end (scmd and
# supervisord exit by themselves after a stop-all), then stops whatever is
# left of its tree, by pid.
stop_tree() {
        local m=$1 pid=${PIDS[$1]:-} i
        [ -n "$pid" ] || return 0
        for ((i = 0; i < 300; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.05
        done
        "$TOOL" kill-tree "$pid" >/dev/null
        for ((i = 0; i < 100; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.05
        done
        unset "PIDS[$m]"
        [ "$m" = systemd ] && systemd_cgroup_gone
        # Let the kernel finish tearing down this run's processes (and
        # scmd's cgroups) before the next run is timed.
        sleep 0.3
}

# scm's databases are made by bench-scm-create, with the stamp file's path
# in the command line, and copied before each run.
scm_template() { echo "$W/templates/scm-$1"; }

# make_scm_template N START_TYPE DIR: prints the creates per second.
make_scm_template() {
        local n=$1 type=$2 root=$3 pid rate i
        mkdir -p "$root"
        "$SCMD" --root "$root" --foreground 2>>"$W/scm-create.log" &
        pid=$!
        # Its socket, before the first create (up to 10 s).
        for ((i = 0; i < 200; i++)); do
                [ -S "$root/run/scm.sock" ] && break
                sleep 0.05
        done
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

# systemd 252 as PID 1 of its own PID, mount and cgroup namespaces, in a
# cgroup of its own (made here, under the cgroup2 hierarchy, and removed
# after each run).  Its units: a template svc@.service that runs the
# service (Restart=always with no delay and no start limit, the peers'
# behaviour; no output), and bench.target, which wants N instances
# svc@00000 ...; systemd starts bench.target alone (--unit), as a
# container (container=), with its own /run and a cgroup2 mount whose
# root is its cgroup.  Its status is `systemctl status` through nsenter.
SYSTEMD=/lib/systemd/systemd
CGROUP2=
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
        CGROUP2=/sys/fs/cgroup
elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        CGROUP2=/sys/fs/cgroup/unified
fi
SYSTEMD_CG=${CGROUP2:+$CGROUP2/scm-bench-systemd.$$}

systemd_units() { # N
        local n=$1 d=$W/systemd/units
        mkdir -p "$d/bench.target.wants"
        printf '[Unit]\nDescription=bench: N services\nDefaultDependencies=no\n' >"$d/bench.target"
        cat >"$d/svc@.service" <<EOF
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=0
[Service]
ExecStart=$SVC $W/systemd/stamps
Restart=always
RestartSec=0
StandardOutput=null
StandardError=null
EOF
        perl -e 'chdir $ARGV[0] or die; symlink("../svc\@.service", sprintf("svc\@%05d.service", $_)) or die for 0 .. $ARGV[1] - 1' \
                "$d/bench.target.wants" "$n"
        cat >"$W/systemd/inside.sh" <<EOF
set -e
mount --make-rprivate /
mount -t tmpfs tmpfs /run
umount -l /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount --bind $d /etc/systemd/system
exec env -i container=scm-bench $SYSTEMD --system --unit=bench.target --log-target=console --log-level=warning
EOF
        cat >"$W/systemd/launch.sh" <<EOF
mkdir -p $SYSTEMD_CG && echo \$\$ >$SYSTEMD_CG/cgroup.procs || exit 1
exec unshare --pid --mount --cgroup --fork --mount-proc sh $W/systemd/inside.sh
EOF
}

# systemd_pid: systemd's pid here (the child of unshare, the root pid).
systemd_pid() { pgrep -P "${PIDS[systemd]}" -x systemd | head -n1; }

# systemd_cgroup_gone: removes its cgroup tree once its processes are gone.
systemd_cgroup_gone() {
        [ -n "$SYSTEMD_CG" ] && [ -d "$SYSTEMD_CG" ] || return 0
        find "$SYSTEMD_CG" -depth -type d -exec rmdir {} + 2>/dev/null
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
        systemd) systemd_units "$n" ;;
        esac
}

# launch_cmd MANAGER N [restart]: CMD is the command that starts it.
launch_cmd() {
        local m=$1 n=$2 d=$W/$1
        case $m in
        scm) CMD=("$SCMD" --root "$d/root" --foreground) ;;
        floor) CMD=("$B/bench-floor" ${3:+--restart} "$SVC" "$d/stamps" "$n") ;;
        runit) CMD=(runsvdir "$d/sv") ;;
        s6) CMD=(s6-svscan -c "$((n + 100))" "$d/sv") ;; # -c: room for N services
        daemontools) CMD=(svscan "$d/sv") ;;
        supervisord) CMD=(supervisord -c "$d/supervisord.conf") ;;
        systemd) CMD=(bash "$d/launch.sh") ;;
        esac
}

# stop_args MANAGER: STOP is how it stops every service at once: its own
# shutdown (scmd, supervisord, s6-svscan, the floor: SIGTERM; runsvdir:
# SIGHUP, which sends each runsv TERM), or for daemontools, whose svscan
# has none, one `svc -dx` over every service folder.
stop_args() {
        local m=$1 pid=${PIDS[$1]}
        case $m in
        scm | floor | s6 | supervisord) STOP=(signal "$pid" 15) ;;
        runit) STOP=(signal "$pid" 1) ;;
        daemontools) STOP=(exec svc -dx "$W/daemontools/sv"/*) ;;
        # SIGRTMIN+4: poweroff.target, every unit stopped, then systemd exits.
        systemd) STOP=(signal "$(systemd_pid)" "$(($(kill -l RTMIN) + 4))") ;;
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
        systemd) echo "SIGRTMIN+4 to systemd (poweroff.target: every unit stopped; it exits)" ;;
        esac
}

# tool_of MANAGER ARGS...: bench-tool, told when the manager's stamps hold
# the pids of a PID namespace of its own (systemd's).
tool_of() {
        if [ "$1" = systemd ]; then
                BENCH_NESTED_PIDS=1 "$TOOL" "${@:2}"
        else
                "$TOOL" "${@:2}"
        fi
}

# stop_all MANAGER: stops every service the manager's way, and its tree.
# STOPPED is the time until every service process had ended (ms), or
# "timeout K/N".
stop_all() {
        local m=$1
        stop_args "$m"
        STOPPED=$(tool_of "$m" stop "$W/$m/stamps" "$STOP_BOUND_MS" "${STOP[@]}")
        stop_tree "$m"
}

status_cmd() { # MANAGER: CMD is the command-line status of one service
        local d=$W/$1
        case $1 in
        scm) CMD=("$SCCTL" --root "$d/root" query svc00001) LABEL="scctl query" ;;
        runit) CMD=(sv status "$d/sv/svc00001") LABEL="sv status" ;;
        s6) CMD=(s6-svstat "$d/sv/svc00001") LABEL="s6-svstat" ;;
        daemontools) CMD=(svstat "$d/sv/svc00001") LABEL="svstat" ;;
        supervisord) CMD=(supervisorctl -c "$d/supervisord.conf" status svc00001) LABEL="supervisorctl status" ;;
        systemd) CMD=(nsenter -t "$(systemd_pid)" -m -p systemctl status --no-pager --lines=0 svc@00001.service)
                LABEL="systemctl status --lines=0 (through nsenter)" ;;
        *) CMD=() LABEL= ;;
        esac
}

# start MANAGER N BOUND_MS [restart]: prepares and starts it.  STARTED is
# the cold-start time in ms, or "timeout K" / "stalled K" (K had started).
start_manager() {
        local m=$1 n=$2 bound=$3
        prepare "$m" "$n"
        launch_cmd "$m" "$n" ${4:-}
        STARTED=$("$TOOL" start "$W/$m/stamps" "$n" "$bound" "$STALL_MS" "$W/$m/pid" \
                "$W/$m/log" -- "${CMD[@]}")
        PIDS[$m]=$(cat "$W/$m/pid")
}

# Why a manager fell short of N, from its own log where it says.
shortfall_reason() {
        local m=$1 log=$W/$1/log
        case $m in
        scm) grep -q 'Too many open files' "$log" 2>/dev/null &&
                echo "scmd: Too many open files (it holds 4 descriptors per running service; the limit here is $FD_LIMIT)" ;;
        runit) grep -q 'too many services' "$log" 2>/dev/null && echo "runsvdir: too many services (it supervises at most 1000)" ;;
        daemontools) grep -q 'too many services' "$log" 2>/dev/null && echo "svscan: running too many services (it supervises at most 1000)" ;;
        supervisord) echo "supervisord holds 3 descriptors per process (the limit here is $FD_LIMIT) and is still reading its configuration and spawning" ;;
        esac
}

# pss_of MANAGER N [RUNNING]: records memory rows for the manager running
# now, with N services (or only RUNNING of them, when it fell short).
pss_of() {
        local m=$1 n=$2 running=${3:-$2} pss procs
        read -r pss procs < <("$TOOL" pss "${PIDS[$m]}" "$SVC")
        if [ "$running" = "$n" ]; then
                record memory "$n" "$m" "$pss" kB 1 "PSS of $procs manager process(es) with $n services running"
        else
                record memory "$n" "$m" "$pss" kB 1 "PSS of $procs manager process(es) with only $running of $n services running (all it reached)"
        fi
        record memory_per_service "$n" "$m" "$(awk -v p="$pss" -v n="$running" 'BEGIN { printf "%.0f", p * 1024 / n }')" bytes 1 "memory / services running ($running)"
}

# --------------------------------------------------------------- phases

# 6. Services through the API; the databases the cold starts use; scmd's
# start-up with 10,000 in its database; its memory with none and with
# 10,000 stopped services (the running ones are measured in phase 1).
phase_api() {
        say "== creating services through libscm; scmd start-up"
        mkdir -p "$W/templates" "$W/scm"
        local n rates=() ups=() i root pid pss procs
        for n in 1 100 1000; do
                make_scm_template "$n" auto "$(scm_template "$n")" >/dev/null
        done
        # scmd with no service at all: its fixed cost.
        root=$W/templates/empty
        mkdir -p "$root"
        "$TOOL" time "$SCMD" --root "$root" >/dev/null
        PIDS[scm]=$(cat "$root/run/scmd.lock")
        read -r pss procs < <("$TOOL" pss "${PIDS[scm]}" "$SVC")
        record memory 0 scm "$pss" kB 1 "scmd with an empty database"
        kill -TERM "${PIDS[scm]}"
        stop_tree scm

        [[ " $SIZES " == *" 10000 "* ]] || return 0
        # Three runs of 10,000: auto-start (kept for the cold start),
        # demand-start (kept for the start-up time), auto-start again.
        rates+=("$(make_scm_template 10000 auto "$(scm_template 10000)")")
        rates+=("$(make_scm_template 10000 demand "$W/templates/scm-demand-10000")")
        rates+=("$(make_scm_template 10000 auto "$W/templates/scm-scratch")")
        rm -rf "$W/templates/scm-scratch"
        record create_rate 10000 scm "$(list_median "${rates[@]}")" services/s 3 "bench-scm-create: scm_create_service over one connection (higher is better); runs: ${rates[*]}"

        root=$W/templates/scm-demand-10000
        for ((i = 1; i <= REPS_STARTUP; i++)); do
                # Without --foreground scmd returns once its socket accepts.
                ups+=("$("$TOOL" time "$SCMD" --root "$root")")
                PIDS[scm]=$(cat "$root/run/scmd.lock")
                if [ "$i" -eq "$REPS_STARTUP" ]; then
                        read -r pss procs < <("$TOOL" pss "${PIDS[scm]}" "$SVC")
                        record memory_stopped 10000 scm "$pss" kB 1 "scmd with 10,000 demand-start services loaded and none running"
                        record memory_stopped_per_service 10000 scm "$(awk -v p="$pss" 'BEGIN { printf "%.0f", p * 1024 / 10000 }')" bytes 1 "memory_stopped / N"
                fi
                kill -TERM "${PIDS[scm]}"
                stop_tree scm
        done
        record startup_ready 10000 scm "$(list_median "${ups[@]}")" ms "$REPS_STARTUP" "scmd --root DIR (daemonizes and returns once its socket accepts); 10,000 demand-start services; runs: ${ups[*]}"
}

# 1, 4 and 5: cold start at each size; memory with every service running
# (1000 and 10,000); stop-all at 1000.  Repetitions go round the managers.
phase_cold() {
        local n reps last bound rep m out
        declare -A times=() stops=() skip=()
        for n in $SIZES; do
                reps=$REPS
                [ "$n" -ge 10000 ] && reps=$REPS_10K
                bound=$BOUND_MS
                [ "$n" -ge 10000 ] && bound=$BOUND_10K_MS
                for ((rep = 1; rep <= reps; rep++)); do
                        say "== cold start of $n services, round $rep of $reps"
                        for m in $MANAGERS; do
                                [ -z "${skip[$m]:-}" ] || continue
                                last=$reps
                                if [ "$n" -lt 10000 ] && [ "$m" != scm ] && [ "$m" != floor ]; then
                                        [ "$rep" -le "$PEER_REPS" ] || continue
                                        last=$PEER_REPS
                                fi
                                start_manager "$m" "$n" "$bound"
                                out=$STARTED
                                if [[ ! $out =~ ^[0-9.]+$ ]]; then
                                        local got=${out#* } why
                                        why=$(shortfall_reason "$m")
                                        note "$m: cold start of $n: ${out%% *} after $got of $n services had started${why:+ — $why}; not measured at $n"
                                        record cold_start "$n" "$m" "skipped" ms 0 "only $got of $n started within the bound"
                                        # Its memory per service at what it reached.
                                        if [ "$n" -ge 10000 ] && [[ $got =~ ^[0-9]+$ ]] && [ "$got" -gt 0 ]; then
                                                pss_of "$m" "$n" "$got"
                                        fi
                                        skip[$m]=1
                                        stop_tree "$m"
                                        continue
                                fi
                                times[$m]+=" $out"
                                if [ "$n" -eq 1000 ]; then
                                        sleep "$SETTLE_S"
                                        [ "$rep" -eq "$last" ] && pss_of "$m" "$n"
                                        stop_all "$m"
                                        stops[$m]+=" ${STOPPED// /_}"
                                else
                                        if [ "$n" -ge 10000 ] && [ "$rep" -eq "$last" ]; then
                                                sleep 1
                                                pss_of "$m" "$n"
                                        fi
                                        stop_all "$m"
                                fi
                        done
                done
                for m in $MANAGERS; do
                        [ -n "${times[$m]:-}" ] || continue
                        # shellcheck disable=SC2086
                        set -- ${times[$m]}
                        record cold_start "$n" "$m" "$(list_median "$@")" ms "$#" "runs:${times[$m]}"
                        if [ -n "${stops[$m]:-}" ]; then
                                if [[ ${stops[$m]} == *timeout* ]]; then
                                        record stop_all "$n" "$m" timeout ms "$#" "$(stop_how "$m"); runs:${stops[$m]}"
                                else
                                        # shellcheck disable=SC2086
                                        record stop_all "$n" "$m" "$(list_median ${stops[$m]})" ms "$#" "$(stop_how "$m"); runs:${stops[$m]}"
                                fi
                        fi
                done
                times=() stops=() skip=()
        done
}

# 8 and 3: every manager with 1000 services, all at once and idle: their
# wake-ups over one window, then the status of one service per call
# (interleaved rounds), then scm's library round trip.
phase_running() {
        local m a b r v i
        declare -A before=() cli=()
        if [[ " $MANAGERS " == *" scm "* ]] && [ ! -d "$(scm_template 1000)" ]; then
                mkdir -p "$W/templates" # phase_api's, when it did not run
                make_scm_template 1000 auto "$(scm_template 1000)" >/dev/null
        fi
        say "== all managers with 1000 services running: idle wake-ups over ${WAKE_S} s"
        for m in $MANAGERS; do
                start_manager "$m" 1000 "$BOUND_MS"
                [[ $STARTED =~ ^[0-9.]+$ ]] || note "$m: only ${STARTED#* } of 1000 started for the idle and status measurements"
        done
        sleep 2
        for m in $MANAGERS; do
                read -r a _ < <("$TOOL" switches "${PIDS[$m]}" "$SVC")
                before[$m]=$a
        done
        sleep "$WAKE_S"
        for m in $MANAGERS; do
                read -r b _ < <("$TOOL" switches "${PIDS[$m]}" "$SVC")
                v=$(awk -v a="${before[$m]}" -v b="$b" -v s="$WAKE_S" 'BEGIN { printf "%.0f", (b - a) * 60 / s }')
                record idle_wakeups 1000 "$m" "$v" per_min 1 "voluntary + involuntary context switches of the manager process(es) over ${WAKE_S} s$([ "$WAKE_S" -ne 60 ] && echo " scaled to a minute")"
        done

        [ -n "${PIDS[scm]:-}" ] && idle_configured

        say "== status of one service per call ($STATUS_ROUNDS rounds)"
        for ((r = 1; r <= STATUS_ROUNDS; r++)); do
                for m in $MANAGERS; do
                        status_cmd "$m"
                        [ ${#CMD[@]} -gt 0 ] || continue
                        local runs=100
                        [ "$m" = supervisord ] && runs=3 # about a second a call
                        hyperfine -N --warmup 3 --runs "$runs" --export-csv "$W/hf.csv" "${CMD[*]}" >/dev/null 2>&1 &&
                                cli[$m]+=" $(awk -F, 'NR == 2 { printf "%.3f", $4 * 1000 }' "$W/hf.csv")"
                done
        done
        for m in $MANAGERS; do
                status_cmd "$m"
                [ -n "${cli[$m]:-}" ] || continue
                # shellcheck disable=SC2086
                record status_cli 1000 "$m" "$(list_median ${cli[$m]})" ms "$STATUS_ROUNDS" "$LABEL: hyperfine's median per round; rounds:${cli[$m]}"
        done

        if [ -n "${PIDS[scm]:-}" ]; then
                say "== scm library round trip"
                local q=() p50=() p99=() line floor_poll=() floor_spin=() kind
                for ((i = 0; i < REPS_QUERY; i++)); do
                        line=$("$B/bench-scm-query" "$W/scm/root/run/scm.sock" svc00001 1)
                        read -r a b v _ <<<"$line"
                        q+=("$a") p50+=("$b") p99+=("$v")
                        # The floor of a round trip, in the same minute.
                        while read -r kind a _; do
                                [ "$kind" = poll ] && floor_poll+=("$a")
                                [ "$kind" = spin ] && floor_spin+=("$a")
                        done < <("$B/bench-roundtrip-floor" 1)
                done
                record lib_query_rate 1000 scm "$(list_median "${q[@]}")" queries/s "$REPS_QUERY" "bench-scm-query: scm_query_status on one connection for 1 s a run (higher is better); runs: ${q[*]}"
                record lib_query_p50 1000 scm "$(list_median "${p50[@]}")" us "$REPS_QUERY" "median over runs of each run's p50"
                record lib_query_p99 1000 scm "$(list_median "${p99[@]}")" us "$REPS_QUERY" "median over runs of each run's p99"
                [ ${#floor_poll[@]} -gt 0 ] && record lib_query_floor_poll 1 floor "$(list_median "${floor_poll[@]}")" round_trips/s "${#floor_poll[@]}" "bench-roundtrip-floor: 80 bytes out, 420 back over a unix socket, no JSON, no work; the caller sleeps in poll() for each reply; runs: ${floor_poll[*]}"
                [ ${#floor_spin[@]} -gt 0 ] && record lib_query_floor_spin 1 floor "$(list_median "${floor_spin[@]}")" round_trips/s "${#floor_spin[@]}" "the same, the caller reading without sleeping (as libscm's query does); runs: ${floor_spin[*]}"
                local ratio=()
                for ((i = 0; i < REPS_QUERY; i++)); do
                        line=$(SCM_SOCKET="$W/scm/root/run/scm.sock" "$B/bench-win32-query" svc00001 1)
                        read -r _ _ v _ <<<"$line"
                        ratio+=("$v")
                done
                record win32_query_ratio 1000 scm "$(list_median "${ratio[@]}")" ratio "$REPS_QUERY" "bench-win32-query: QueryServiceStatusEx's p50 over scm_query_status's, alternating blocks of 1,000 on two connections for 1 s a run (the issue asks below 1.10); runs: ${ratio[*]}"
        fi
        for m in $MANAGERS; do
                stop_all "$m"
        done
}

# runs_of PID: how many times the process's threads were put on a CPU
# (/proc/PID/task/*/schedstat's third field): its wake-ups, whatever woke it.
runs_of() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ n += $3 } END { print n + 0 }'; }

# scmd's wake-ups, idle with 1000 services running, 100 scheduled tasks
# (daily at 03:00 and every 7 days) and 100 stopped services activated by a
# unix socket each, over WAKE_CONF_S: only scmd itself, by schedstat.
idle_configured() {
        local root=$W/scm/root pid=${PIDS[scm]} i a b
        say "== scm idle with 100 scheduled tasks and 100 activation sockets: wake-ups over ${WAKE_CONF_S} s"
        for ((i = 1; i <= 100; i++)); do
                "$SCCTL" --root "$root" task create "t$i" --tr true --trigger "daily 03:00" \
                        --trigger "every 7d" >/dev/null &&
                        "$SCCTL" --root "$root" create "act$i" --exec "$SVC $W/scm/act-stamps" >/dev/null &&
                        "$SCCTL" --root "$root" sockets "act$i" --listen "unix:$W/scm/act$i.sock" >/dev/null || {
                        note "scm: could not configure task or socket $i for the idle measurement"
                        return
                }
        done
        sleep 1
        a=$(runs_of "$pid")
        sleep "$WAKE_CONF_S"
        b=$(runs_of "$pid")
        record idle_wakeups_configured 1000 scm "$((b - a))" per_${WAKE_CONF_S}s 1 "scmd's runs on a CPU (/proc/PID/task/*/schedstat) over ${WAKE_CONF_S} s with 1000 services running, 100 scheduled tasks and 100 activation sockets configured (the target is 0)"
}

# 9. scm's upgrade in place with 1000 services running: `scctl
# daemon-reexec` until the new scmd answers a query (libscm waits for it),
# REPS_REEXEC times; then whether any service was restarted (a new stamp)
# or ended (a pid of the stamps no longer alive).
phase_reexec() {
        local i t0 t1 runs_ms=() before after dead
        say "== scm: daemon-reexec with 1000 services running"
        start_manager scm 1000 "$BOUND_MS"
        if [[ ! $STARTED =~ ^[0-9.]+$ ]]; then
                note "scm: only ${STARTED#* } of 1000 started; daemon-reexec not measured"
                stop_all scm
                return
        fi
        sleep 1
        before=$(wc -l <"$W/scm/stamps")
        for ((i = 1; i <= REPS_REEXEC; i++)); do
                t0=$("$TOOL" now)
                if ! "$SCCTL" --root "$W/scm/root" daemon-reexec >/dev/null 2>>"$W/scm/reexec.log" ||
                        ! "$SCCTL" --root "$W/scm/root" query svc00999 >/dev/null 2>>"$W/scm/reexec.log"; then
                        note "scm: daemon-reexec $i failed: $(tail -n1 "$W/scm/reexec.log")"
                        break
                fi
                t1=$("$TOOL" now)
                runs_ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')")
        done
        sleep 1
        after=$(wc -l <"$W/scm/stamps")
        dead=0
        while read -r _ i; do
                kill -0 "$i" 2>/dev/null || dead=$((dead + 1))
        done <"$W/scm/stamps"
        stop_all scm
        if [ ${#runs_ms[@]} -eq 0 ]; then
                record reexec 1000 scm failed ms 0 "see the notes"
                return
        fi
        record reexec 1000 scm "$(list_median "${runs_ms[@]}")" ms "${#runs_ms[@]}" "scctl daemon-reexec then scctl query until answered; runs: ${runs_ms[*]}"
        record reexec_restarted 1000 scm "$((after - before + dead))" services "${#runs_ms[@]}" "after ${#runs_ms[@]} re-execs: $((after - before)) new stamps (a service started again) and $dead of the stamped pids no longer alive (the target is 0)"
}

# How scm restarts a crashed service: "action", its own failure action
# (restart with delay 0, scctl failure), where this scctl has it; else
# "client", a libscm client that polls query_status and starts the service
# once it is STOPPED (bench/scm-restarter.c), labelled as such.
if [ -z "${SCM_RESTART_BY:-}" ]; then
        if "$SCCTL" failure --help >/dev/null 2>&1; then
                SCM_RESTART_BY=action
        else
                SCM_RESTART_BY=client
        fi
fi

# 2. Restart after kill -9, once the service has run 2 s and again 0.1 s
# after it came back.
phase_restart() {
        local m lines a b x y how
        if [[ " $MANAGERS " == *" scm "* ]] && [ ! -d "$(scm_template 1)" ]; then
                mkdir -p "$W/templates" # phase_api's, when it did not run
                make_scm_template 1 auto "$(scm_template 1)" >/dev/null
        fi
        for m in $MANAGERS; do
                say "== restart after kill -9: $m"
                start_manager "$m" 1 "$BOUND_MS" restart
                if [[ ! $STARTED =~ ^[0-9.]+$ ]]; then
                        note "$m: the restart test's service did not start"
                        stop_tree "$m"
                        continue
                fi
                how=""
                if [ "$m" = scm ]; then
                        if [ "$SCM_RESTART_BY" = action ]; then
                                "$SCCTL" --root "$W/scm/root" failure svc00000 --reset infinite \
                                        --actions restart/0 >/dev/null
                                how="scm's failure action: restart with delay 0"
                        else
                                "$B/bench-scm-restarter" "$W/scm/root/run/scm.sock" svc00000 >/dev/null &
                                HELPER_PID=$!
                                how="NOT an scm feature: a libscm client polls query_status in a tight loop and calls start once STOPPED"
                        fi
                fi
                lines=$(tool_of "$m" restart "$W/$m/stamps" "$REPS_RESTART" 2000 100 5000)
                if [ -n "$HELPER_PID" ]; then
                        kill "$HELPER_PID" 2>/dev/null
                        wait "$HELPER_PID" 2>/dev/null
                        HELPER_PID=
                fi
                stop_all "$m"
                a=() b=()
                while read -r x y; do
                        [[ $x =~ ^[0-9.]+$ ]] || continue
                        a+=("$x") b+=("$y")
                done <<<"$lines"
                if [ ${#a[@]} -eq 0 ]; then
                        record restart_after_2s 1 "$m" failed ms 0 "${lines//,/;}"
                        continue
                fi
                record restart_after_2s 1 "$m" "$(list_median "${a[@]}")" ms "${#a[@]}" "${how:+$how; }kill -9 -> the new process's stamp; runs: ${a[*]}"
                record restart_after_0.1s 1 "$m" "$(list_median "${b[@]}")" ms "${#b[@]}" "${how:+$how; }killed again 0.1 s after it came back; runs: ${b[*]}"
        done
}

# 7. Notification latency: bench-notify-latency (notify_latency.c, from the
# notifications issue) starts its own scmd, subscribes 1, 100 and 1000
# connections to one service and times each status change to its delivery.
# The floor (--floor, when the floor is among the managers): the same
# reader, the same number of events, sent by a bare loop of send()s with no
# scmd and no service.  REPS_NOTIFY runs each, going round the two; the
# median of their medians and of their p99s.
phase_notify() {
        local exe=$B/bench-notify-latency i n m subs med p99 rest
        declare -A meds=() p99s=()
        if [ ! -x "$exe" ]; then
                record notify_latency 1 scm pending us 0 "pending the notification issue"
                return
        fi
        local who=scm
        [[ " $MANAGERS " == *" floor "* ]] && who="scm floor"
        say "== notification latency (bench-notify-latency): $who"
        for ((i = 1; i <= REPS_NOTIFY; i++)); do
                for m in $who; do
                        local how=(--scmd "$SCMD")
                        [ "$m" = floor ] && how=(--floor)
                        while read -r subs _ med p99 rest; do
                                [[ $subs =~ ^[0-9]+$ ]] || continue
                                meds[$m.$subs]+=" $med" p99s[$m.$subs]+=" $p99"
                        done < <("$exe" "${how[@]}" --cycles 100 1 100 1000 2>>"$W/notify.log")
                done
        done
        for m in $who; do
                local what="a status change to its delivery on every subscribed connection (bench-notify-latency: 100 start/stop cycles a run)"
                [ "$m" = floor ] && what="the same events sent by a bare loop of send()s, no scmd (bench-notify-latency --floor)"
                for n in 1 100 1000; do
                        [ -n "${meds[$m.$n]:-}" ] || continue
                        # shellcheck disable=SC2086
                        record notify_latency "$n" "$m" "$(list_median ${meds[$m.$n]})" us "$REPS_NOTIFY" "N = subscribers; median; $what; run medians:${meds[$m.$n]}"
                        # shellcheck disable=SC2086
                        record notify_latency_p99 "$n" "$m" "$(list_median ${p99s[$m.$n]})" us "$REPS_NOTIFY" "N = subscribers; the median of the runs' p99s (issue 21 asks below 1000 us at 1000); run p99s:${p99s[$m.$n]}"
                done
        done
        [ -n "${meds[scm.1]:-}" ] || record notify_latency 1 scm failed us 0 "bench-notify-latency printed no result (see its stderr)"
}

# ------------------------------------------------------------------ main

T_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
say "bench: scm at $REVISION; work folder $W; managers: $MANAGERS"
for m in $MANAGERS; do
        have_manager "$m" || {
                note "$m is not installed (scripts/ensure-bench-deps.sh installs it); left out"
                MANAGERS=${MANAGERS//$m/}
        }
done
PHASES=" ${BENCH_PHASES:-api cold running restart reexec notify} "
wanted() { [[ $PHASES == *" $1 "* ]]; }
wanted api && [[ " $MANAGERS " == *" scm "* ]] && phase_api
wanted cold && phase_cold
wanted running && phase_running
wanted restart && phase_restart
wanted reexec && [[ " $MANAGERS " == *" scm "* ]] && phase_reexec
wanted notify && [[ " $MANAGERS " == *" scm "* ]] && phase_notify

T_END=$(date +%s)
note "scm at $REVISION; the whole run took $((T_END - T_START)) s; load average $LOAD_START at the start and $(cut -d' ' -f1 /proc/loadavg) at the end"
note "machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), descriptor limit $FD_LIMIT"

cp "$CSV" "$OUT"
cp "$W/notes" "$NOTES"
echo
print_table "$OUT"
echo
echo "notes:"
sed 's/^/  /' "$NOTES"
echo "(results in ${OUT#"$SRC"/}; make bench-plot draws bench/results/cold-start.png)"
