#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# What a running service costs scmd in descriptors, and what of scmd's a
# service receives.  300 auto-start services are started at scmd's boot;
# scmd's own /proc/PID/fd is counted before and after: at most one more per
# running service (its output pipe: a process scmd spawned is its child,
# watched through SIGCHLD without a pidfd; the log file is open only while
# output is written, the cgroup folder is opened again when needed), and no
# pidfd at all, besides the usage files of at most 64 processes queried,
# which scmd holds open (three each at most: a fixed number, not one per
# service).
# A service holds only its standard descriptors (spawn.c places the child's
# few on reserved numbers and drops the rest of scmd's table), its output
# still reaches its log, and scmd's SIGTERM stops all 300.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=300

fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
pidfd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -lname 'anon_inode:*pidfd*' | wc -l; }

# The usage files (cpu.stat, memory.current, pids.current) pid $1 holds.
usage_count() {
        find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' |
                grep -cE '^/sys/fs/cgroup/.*/(cpu\.stat|memory\.current|pids\.current)$'
}

# The fewest descriptors of pid $1 over a second: a client's connection
# (scctl's last query) may not have been closed yet at the first look.
fd_settled() {
        local least=-1 n i
        for i in 1 2 3 4 5 6 7 8 9 10; do
                n=$(fd_count "$1")
                { [ "$least" -lt 0 ] || [ "$n" -lt "$least" ]; } && least=$n
                sleep 0.1
        done
        echo "$least"
}

all_running() { [ "$(sc --json query | grep -o '"state": *"running"' | wc -l)" -ge "$N" ]; }

test_descriptors_per_service() {
        daemon_start || return
        local i
        for i in $(seq -f "%03g" 1 "$N"); do
                "$SCCTL" --root "$D" create "fd$i" --start auto \
                        --exec "/bin/sh -c 'echo said-fd$i; exec sleep 1000'" >/dev/null ||
                        { tap_not_ok "create fd$i" "scctl create failed"; return; }
        done
        daemon_stop
        daemon_start || return
        wait_until 60 "all $N services running" all_running || return
        local with after usage
        after=$(fd_settled "$SCMD_PID")
        usage=$(usage_count "$SCMD_PID")
        # scmd's own without services: a second scmd on an empty root.
        local D_KEEP=$D SCMD_KEEP=$SCMD_PID
        D=$D/empty
        daemon_start || { D=$D_KEEP SCMD_PID=$SCMD_KEEP; return; }
        local base
        base=$(fd_settled "$SCMD_PID")
        daemon_stop
        D=$D_KEEP SCMD_PID=$SCMD_KEEP
        with=$((after - base - usage))
        diag "scmd: $base descriptors with no service, $after with $N running ($usage usage files)"
        check "at most 64 processes' usage files held open ($usage)" test "$usage" -le $((3 * 64))
        check "at most 1 descriptor per running service ($with for $N)" test "$with" -le "$N"
        assert_eq "no pidfd for scmd's own children" 0 "$(pidfd_count "$SCMD_PID")"

        local pid fds
        pid=$(status_field fd150 pid)
        fds=$(ls "/proc/$pid/fd" 2>/dev/null | sort -n | tr '\n' ' ')
        assert_eq "a service holds only 0, 1 and 2 of scmd's" "0 1 2 " "$fds"
        check "its output reaches its log" grep -q "said-fd150" "$D/log/fd150.log"

        local pids=() name
        for name in fd001 fd100 fd200 fd300; do pids+=("$(status_field "$name" pid)"); done
        daemon_stop 60
        assert_eq "scmd's SIGTERM stops all $N and scmd exits 0" 0 "$DAEMON_RC"
        for pid in "${pids[@]}"; do
                check "service pid $pid has ended" proc_gone "$pid"
        done
}

run_test test_descriptors_per_service
finish
