#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Resource limits through cgroup v2 controllers, observed from the service's
# cgroup files and from inside the service (the test helper's report):
# the vocabulary (qc, --json qc, refusals naming the key), the default task
# cap, a memory hog killed by its own limit while scmd and another service
# run on (its status says why, its failure action runs), a fork loop that
# stops at pids.max, CPU weights 100 and 300 sharing one CPU about 1:3, and
# a limit whose controller scmd does not have refused with a clear error,
# at config and at start.
#
# Where scmd's cgroup cannot give a controller (a hybrid cgroup v1/v2
# system, a cgroup not delegated) the points that need it are skipped,
# saying which, and the refusal points run instead.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The controllers scmd's services get: the instance folder's subtree_control.
# Empty when scmd has none (or no cgroups at all).
controllers() {
        local mnt own
        mnt=$(cgroup2_mount) || return 0
        own=$(report_get "$1" cgroup) || return 0
        cat "$mnt${own%/*}/cgroup.subtree_control" 2>/dev/null
}

# The cgroup folder of helper service NAME, from its report.
cgroup_of() {
        echo "$(cgroup2_mount)$(report_get "$1" cgroup)"
}

has_controller() {
        [[ " $CTLS " == *" $1 "* ]]
}

# Which controllers scmd gives: a probe service, started and stopped.
probe_controllers() {
        create_helper probe || return 1
        start_helper probe || return 1
        CTLS=$(controllers probe)
        diag "controllers for services: ${CTLS:-none}"
        sc stop probe --wait >/dev/null
        sc delete probe >/dev/null
}

test_vocabulary() {
        daemon_start || return
        create_helper v || return
        assert_sc_error "a memory limit below 4096 bytes" INVALID_PARAMETER 87 config v --memory-max 100
        assert_contains "...names the key" "$ERR" "memory_max"
        assert_sc_error "a CPU weight of 0" INVALID_PARAMETER 87 config v --cpu-weight 0
        assert_contains "...names the key" "$ERR" "cpu_weight"
        assert_sc_error "an IO weight above 10000" INVALID_PARAMETER 87 config v --io-weight 10001
        run_sc config v --memory-max lots
        assert_rc "scctl refuses a size it cannot read" 2
        assert_contains "...saying what it takes" "$ERR" "K, M, G or T"
        assert_sc_ok "tasks-max infinity is accepted everywhere" config v --tasks-max infinity
        run_sc --json qc v
        assert_contains "--json qc: tasks_max infinity" "$OUT" '"tasks_max":"infinity"'
        assert_contains "--json qc: an unset limit is null" "$OUT" '"memory_max":null'
        run_sc qc v
        assert_contains "qc shows TASKS_MAX" "$OUT" "TASKS_MAX          : infinity"
        assert_sc_ok "--tasks-max none: back to the default" config v --tasks-max none
        run_sc --json qc v
        assert_contains "...null again" "$OUT" '"tasks_max":null'
}

test_refused_without_controller() {
        daemon_start || return
        probe_controllers || return
        if has_controller memory; then
                tap_skip "a memory limit without the memory controller is refused" "this system gives scmd the memory controller"
                return
        fi
        create_helper r || return
        assert_sc_error "--memory-max without the memory controller" NOT_SUPPORTED 50 config r --memory-max 64M
        assert_contains "...names the key and the controller" "$ERR" "'memory_max' needs the cgroup v2 memory controller"
        assert_sc_error "create with --memory-max is refused too" NOT_SUPPORTED 50 \
                create r2 --exec /bin/true --memory-max 64M
        run_sc --json qc r
        assert_contains "...and nothing was stored" "$OUT" '"memory_max":null'

        # A limit stored where the controller was (a database carried over)
        # fails the start, saying why, rather than run unlimited.
        daemon_stop
        if ! command -v sqlite3 >/dev/null; then
                tap_skip "a stored limit without its controller fails the start" "no sqlite3"
                return
        fi
        sqlite3 "$D/db/scm.db" "INSERT INTO service_resource_limits (service_id, limits)
                SELECT id, '{\"memory_max\":67108864}' FROM services WHERE name = 'r'" ||
                { tap_not_ok "store a limit by hand"; return; }
        daemon_start || return
        assert_sc_error "a stored memory limit without its controller fails the start" NOT_SUPPORTED 50 start r --wait
        check "scmd's log says which limit and why" grep -q "memory_max needs the cgroup v2 memory controller" "$D/scmd.stderr"
        check "...and the service never ran" report_lacks r ready=1
}

test_default_tasks_cap() {
        daemon_start || return
        create_helper t || return
        start_helper t || return
        CTLS=$(controllers t)
        if ! has_controller pids; then
                tap_skip "every service gets pids.max 4096" "scmd has no pids controller here"
        else
                assert_eq "every service gets pids.max 4096" 4096 "$(cat "$(cgroup_of t)/pids.max")"
                assert_sc_ok "stop" stop t --wait
                assert_sc_ok "--tasks-max infinity" config t --tasks-max infinity
                : >"$(report_path t)"
                start_helper t || return
                assert_eq "...lifts it" max "$(cat "$(cgroup_of t)/pids.max")"
        fi
        run_sc queryex t
        assert_contains "queryex shows CPU usage beside the limits" "$OUT" "CPU                :"
        if has_controller memory; then
                assert_contains "queryex shows memory usage" "$OUT" "MEMORY             :"
        fi
}

test_memory_hog() {
        daemon_start || return
        probe_controllers || return
        if ! has_controller memory; then
                tap_skip "a memory hog is killed by its own limit" "scmd has no memory controller here"
                return
        fi
        create_helper calm || return
        start_helper calm || return
        create_helper hog --alloc-mb 256 -- --memory-max 32M --memory-swap-max 0 || return
        run_sc qc hog
        assert_contains "qc shows MEMORY_MAX" "$OUT" "MEMORY_MAX         : 32M"
        assert_sc_ok "failure hog: run/0" failure hog --reset 60 --actions run/0 \
                --command "$(cmdline /bin/sh -c 'echo "$1" >>"$2"' sh %1% "$D/ran")"
        assert_sc_ok "start hog" start hog --wait
        wait_state hog stopped 30 || return
        check "it never got its 256 MiB" report_lacks hog alloc-done
        run_sc --json query hog
        assert_contains "its status says it was OOM-killed" "$OUT" '"oom_kills":'
        assert_eq "win32 exit code PROCESS_ABORTED" 1067 "$(json_get "$OUT" win32_exit_code)"
        run_sc queryex hog
        assert_contains "queryex says out of memory at its limit" "$OUT" "out of memory at its limit"
        wait_until 15 "its failure action ran" test -s "$D/ran" || return
        assert_eq "...for failure 1" 1 "$(cat "$D/ran")"
        check "scmd runs on" state_is calm running
        check "the other service runs on" proc_alive "$(report_get calm pid)"
}

test_fork_loop() {
        daemon_start || return
        probe_controllers || return
        if ! has_controller pids; then
                tap_skip "a fork loop stops at pids.max" "scmd has no pids controller here"
                return
        fi
        create_helper forker --fork-loop -- --tasks-max 64 || return
        start_helper forker || return
        check "fork failed inside the service" report_has forker fork-failed=EAGAIN
        local n
        n=$(report_get forker children)
        check "at most 63 children beside the main process ($n)" test "$n" -le 63
        assert_eq "pids.current is at pids.max" 64 "$(cat "$(cgroup_of forker)/pids.current")"
        run_sc queryex forker
        assert_contains "queryex shows the tasks beside the cap" "$OUT" "TASKS              : 64  (max 64)"
        assert_sc_ok "it stops, every child with it" stop forker --wait
}

# usage_usec of a cgroup folder's cpu.stat.
cpu_usage() {
        local key value
        while read -r key value; do
                [ "$key" = usage_usec ] && echo "$value" && return
        done <"$1/cpu.stat"
}

test_cpu_weights() {
        daemon_start || return
        probe_controllers || return
        if ! has_controller cpu; then
                tap_skip "CPU weights 100 and 300 share one CPU about 1:3" "scmd has no cpu controller here"
                return
        fi
        local taskset
        taskset=$(command -v taskset) || { tap_skip "CPU weights share one CPU about 1:3" "no taskset"; return; }
        run_sc create light --exec "$(cmdline "$taskset" -c 0 "$HELPER" --report "$(report_path light)" --spin)" --cpu-weight 100
        run_sc create heavy --exec "$(cmdline "$taskset" -c 0 "$HELPER" --report "$(report_path heavy)" --spin)" --cpu-weight 300
        start_helper light || return
        start_helper heavy || return
        local a0 b0 a1 b1
        a0=$(cpu_usage "$(cgroup_of light)")
        b0=$(cpu_usage "$(cgroup_of heavy)")
        sleep 3
        a1=$(cpu_usage "$(cgroup_of light)")
        b1=$(cpu_usage "$(cgroup_of heavy)")
        local a=$((a1 - a0)) b=$((b1 - b0))
        diag "light used ${a} us, heavy ${b} us over 3 s"
        # 1:3 expected; a loose bound (a busy machine shares the CPU with others).
        check "heavy got between 1.5 and 6 times light's CPU" test $((b * 2)) -ge $((a * 3)) -a "$b" -le $((a * 6))
        run_sc qc heavy
        assert_contains "qc shows CPU_WEIGHT" "$OUT" "CPU_WEIGHT         : 300"
        sc stop light --wait >/dev/null
        sc stop heavy --wait >/dev/null
}

test_libscm() {
        if [ -z "${RESOURCES_CHECK:-}" ] || [ ! -x "$RESOURCES_CHECK" ]; then
                tap_not_ok "resources_check is built" "RESOURCES_CHECK=${RESOURCES_CHECK:-unset}"
                return
        fi
        daemon_start || return
        create_helper lib || return
        start_helper lib || return
        CTLS=$(controllers lib)
        local have_cpu=0
        has_controller cpu && have_cpu=1
        relay_program "resources_check" 120 "$RESOURCES_CHECK" "$D/run/scm.sock" lib "$have_cpu"
        sc stop lib --wait >/dev/null
}

# scmd alone in a cgroup that is not the root: it moves itself into the
# leaf scmd.daemon so that its cgroup may give the controllers to the
# services' folders (the case of systemd's Delegate=yes).
test_scmd_alone_in_its_cgroup() {
        local mnt cg real=$SCMD
        mnt=$(cgroup2_mount) || { tap_skip "scmd moves into a leaf of its cgroup" "no cgroup2"; return; }
        if ! is_root || [[ " $(cat "$mnt/cgroup.subtree_control" 2>/dev/null) " != *" memory "* ]]; then
                tap_skip "scmd alone in its cgroup moves into a leaf and gives its services the controllers" \
                        "needs root and a cgroup v2 root that gives the memory controller"
                return
        fi
        cg=$mnt/scm-test-leaf.$$
        mkdir "$cg" || { tap_not_ok "make a cgroup for scmd"; return; }
        # scmd is started in that cgroup, alone in it.
        printf '#!/bin/sh\necho $$ >%s/cgroup.procs && exec %s "$@"\n' "$cg" "$real" >"$D/scmd-in-cgroup"
        chmod +x "$D/scmd-in-cgroup"
        SCMD=$D/scmd-in-cgroup
        daemon_start
        SCMD=$real
        [ -n "$SCMD_PID" ] || { rmdir "$cg"; return; }
        assert_eq "scmd moved itself into scmd.daemon" "/scm-test-leaf.$$/scmd.daemon" \
                "$(sed -n 's/^0:://p' "/proc/$SCMD_PID/cgroup")"
        create_helper m -- --memory-max 64M || { diag "$(grep -i 'resource\|scmd moved\|cgroup' "$D/scmd.stderr")"; return; }
        start_helper m || return
        assert_eq "its service's folder beside it has memory.max 64M" 67108864 "$(cat "$(cgroup_of m)/memory.max")"
        assert_contains "...inside scmd's instance folder" "$(report_get m cgroup)" "/scm-test-leaf.$$/scm-"
        sc stop m --wait >/dev/null
        daemon_stop
        # The descriptor holder leaves the leaf just after scmd.
        poll_until 10 rmdir "$cg/scmd.daemon" 2>/dev/null
        rmdir "$cg"/scm-* "$cg" 2>/dev/null
        check "scmd's cgroups are gone after it" test ! -d "$cg"
}

run_test test_vocabulary
run_test test_libscm
run_test test_refused_without_controller
run_test test_default_tasks_cap
run_test test_memory_hog
run_test test_fork_loop
run_test test_cpu_weights
run_test test_scmd_alone_in_its_cgroup
finish
