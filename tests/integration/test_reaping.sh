#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# How scmd learns that a service's process ended (docs/architecture.md,
# "Processes"): its own child has no pidfd, so the end reaches it only
# through SIGCHLD, and SIGCHLDs coalesce.  REAPING_SERVICES services (600
# by default, more than the 256 that one turn of scmd's loop reaps) block
# on one FIFO and exit together, each with its own code, when the test
# closes the FIFO's only writer: every one is then seen STOPPED with its own
# exit code, and scmd leaves no zombie.  The same after a re-execution of
# scmd, when its services are still its children and are taken back
# without a pidfd.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${REAPING_SERVICES:-600}

# The exit code of service number $1.
code_of() { echo $((1 + $1 % 250)); }

# An apply document: services r0001..rN, auto-start, each blocked on the
# FIFO $D/go and then exiting with its code.
write_services() {
        local i sep=""
        {
                echo '{"scm_config": 1, "services": {'
                for ((i = 1; i <= N; i++)); do
                        printf '%s"r%04d": {"command_line": "/bin/sh -c '"'"'read x <%s/go; exit %d'"'"'", "start_type": "auto"}' \
                                "$sep" "$i" "$D" "$(code_of "$i")"
                        sep=$',\n'
                done
                echo '}}'
        } >"$D/services.json"
}

all_running() { [ "$(sc --json query | grep -o '"state":"running"' | wc -l)" -ge "$N" ]; }

# How many processes hold the FIFO open (the test's own writer included).
fifo_holders() { find /proc/[0-9]*/fd -lname "$D/go" 2>/dev/null | wc -l; }
all_waiting() { [ "$(fifo_holders)" -ge $((N + 1)) ]; }

# "NAME STATE CODE" for each rNNNN, from scctl --json query.
stopped_with_codes() {
        sc --json query |
                grep -o '"name":"r[0-9]*","type":"own","state":"[a-z_]*"[^{]*"process_exit":{"code":[0-9]*}' |
                sed 's/"name":"\(r[0-9]*\)".*"state":"\([a-z_]*\)".*"code":\([0-9]*\)}/\1 \2 \3/'
}
all_stopped() { [ "$(stopped_with_codes | grep -c ' stopped ')" -ge "$N" ]; }

# The services, started at scmd's boot and blocked on the FIFO, the writer
# held open on descriptor $WRITER by this shell alone (opened after scmd
# started, so scmd does not inherit it), so that none misses the end.
start_blocked() {
        mkfifo "$D/go" || return 1
        daemon_start || return 1
        write_services
        run_sc apply "$D/services.json"
        assert_rc "apply of $N services" 0 || return 1
        daemon_stop
        daemon_start || return 1
        wait_until 120 "all $N services running" all_running || return 1
        exec {WRITER}<>"$D/go" # read-write: opens at once, and is a writer
        wait_until 60 "all $N processes have the FIFO open" all_waiting || return 1
}

# Closes the FIFO's only writer: every service exits at once.  Then every
# one is stopped, with the code it exited with.
release_and_check() {
        exec {WRITER}>&-
        wait_until 120 "all $N services stopped" all_stopped || return
        local i bad="" line
        declare -A got
        while read -r name state code; do
                got[$name]="$state $code"
        done < <(stopped_with_codes)
        for ((i = 1; i <= N; i++)); do
                printf -v name 'r%04d' "$i"
                line=${got[$name]:-none}
                [ "$line" = "stopped $(code_of "$i")" ] || bad+=" $name($line)"
        done
        assert_eq "$1: all $N seen stopped, each with its own exit code" "" "${bad:0:300}"
        check "...and scmd leaves no zombie" poll_until 10 no_zombie_children "$SCMD_PID"
}

test_many_exit_at_once() {
        start_blocked || return
        release_and_check "$N exits at once"
}

test_many_exit_after_reexec() {
        start_blocked || return
        local pid=$SCMD_PID
        assert_sc_ok "daemon-reexec" daemon-reexec
        wait_until 60 "scmd answers after the re-execution" all_running || return
        assert_eq "scmd kept its pid" "$pid" "$(tr -d '\n' <"$D/run/scmd.lock")"
        check "scmd says it took them back" grep -q "took back $N running services" "$D/scmd.stderr"
        release_and_check "after a re-execution"
}

run_test test_many_exit_at_once
run_test test_many_exit_after_reexec
finish
