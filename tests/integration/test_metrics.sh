#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scctl metrics: its output passes a strict reader of Prometheus' text
# format written here (names, labels and their escapes, values, one TYPE
# per family before its samples, families not interleaved, no series
# twice, counters ending in _total), and says what the services really
# are: the one state each is in, a crash's exit code and failure count,
# the requests scmd served, and the usage of a service's cgroup as scmd
# reads it (query's "usage", queryex, metrics) against the cgroup's files.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Prints the first problem of the exposition on stdin, or nothing.
prom_check() {
        awk '
        function fail(msg) { print "line " NR ": " msg ": " $0; bad = 1; exit }
        BEGIN { name = "[a-zA-Z_:][a-zA-Z0-9_:]*" }
        /^# HELP / { if ($3 !~ "^" name "$") fail("bad name in HELP"); next }
        /^# TYPE / {
                if (NF != 4 || $3 !~ "^" name "$") fail("bad TYPE line")
                if ($4 !~ /^(counter|gauge|untyped|summary|histogram)$/) fail("bad type")
                if ($3 in typed) fail("a second TYPE for " $3)
                if ($3 in sampled) fail("TYPE after samples of " $3)
                typed[$3] = $4
                if ($4 == "counter" && $3 !~ /_total$/) fail("a counter not ending in _total")
                next
        }
        /^#/ { next }
        /^$/ { fail("an empty line") }
        {
                line = $0
                if (!match(line, "^" name)) fail("no metric name")
                m = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
                labels = ""
                if (substr(rest, 1, 1) == "{") {
                        if (!match(rest, /^\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*)?\}/))
                                fail("bad labels")
                        labels = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
                }
                if (rest !~ /^ ([-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?Inf|NaN)( -?[0-9]+)?$/)
                        fail("bad value")
                if (!(m in typed)) fail("a sample before its TYPE")
                if (m != last && (m in sampled)) fail("family " m " interleaved with another")
                if ((m labels) in series) fail("a series twice")
                series[m labels] = 1; sampled[m] = 1; last = m
        }
        '
}

test_checker_can_fail() {
        local bad
        for bad in 'x{a="1"} 1' $'# TYPE x gauge\nx{a="1} 1' $'# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx 2' \
                $'# TYPE x counter\nx 1' $'# TYPE x gauge\nx 1\nx 1' $'# TYPE x gauge\nx one'; do
                [ -n "$(prom_check <<<"$bad")" ] || {
                        tap_not_ok "the reader refuses: $bad"
                        return
                }
        done
        tap_ok "the format reader refuses six kinds of bad exposition"
        local good=$'# HELP x a\n# TYPE x gauge\nx{a="q\\"\\\\\\n"} 1.5e3\nx{a="b"} NaN\n# TYPE y_total counter\ny_total 3'
        assert_eq "...and takes a good one" "$(prom_check <<<"$good")" ""
}

test_metrics() {
        daemon_start || return
        create_helper up || return
        sc start up --wait >/dev/null
        create_helper down --crash-after 200 || return
        sc failure down --reset 3600 --actions none/0 >/dev/null # a count that lasts an hour
        sc start down --wait >/dev/null
        wait_until 30 "down crashed" state_is down stopped || return
        sc create 'odd"name' --exec "$(helper_cmdline odd)" >/dev/null 2>&1 # refused: not a valid name

        run_sc metrics
        assert_rc "scctl metrics" 0 || diag "$(last_run)"
        local problem
        problem=$(prom_check <<<"$OUT")
        assert_eq "the output is valid Prometheus text format" "$problem" ""
        assert_contains "up is running" "$OUT" 'scm_service_state{service="up",state="running"} 1'
        assert_eq "...and in one state only" \
                "$(grep -c '^scm_service_state{service="up",.*} 1$' <<<"$OUT")" 1
        assert_contains "down is stopped" "$OUT" 'scm_service_state{service="down",state="stopped"} 1'
        assert_contains "down's exit code is PROCESS_ABORTED (1067)" "$OUT" \
                'scm_service_last_exit_code{service="down"} 1067'
        assert_contains "down's crash counts as a failure" "$OUT" 'scm_service_failures{service="down"} 1'
        assert_contains "up has an uptime" "$OUT" 'scm_service_uptime_seconds{service="up"}'
        assert_not_contains "down, stopped, has none" "$OUT" 'scm_service_uptime_seconds{service="down"}'
        assert_contains "the starts scmd served are counted" "$OUT" 'scm_requests_total{method="start"} 2'
        assert_contains "its connections too" "$OUT" 'scm_connections_accepted_total'
        sc stop up --wait >/dev/null
}

# The usage of a service's cgroup, as scmd reads it (queryex, --json query
# "usage", metrics), against the cgroup's own files read here.
test_usage() {
        daemon_start || return
        local script='i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec "$0" "$@"'
        run_sc create burn --exec "$(cmdline /bin/sh -c "$script" "$HELPER" --report "$(report_path burn)" --spawn-grandchild)"
        assert_rc "a service that burns CPU, then runs with a grandchild" 0 || return
        sc start burn >/dev/null
        wait_report burn ready=1 || return
        local cg mount
        cg=$(report_get burn cgroup)
        mount=$(cgroup2_mount)
        if [ -z "$mount" ] || [ "$cg" = "(none)" ] || [ ! -r "$mount$cg/cpu.stat" ]; then
                tap_skip "the usage of a service's cgroup" "no cgroup v2 for services here"
                sc stop burn --wait >/dev/null
                return
        fi
        local dir=$mount$cg
        run_sc --json query burn
        local status=$OUT cpu tasks mem
        cpu=$(json_get "$status" cpu_usec)
        local file_cpu
        file_cpu=$(sed -n 's/^usage_usec //p' "$dir/cpu.stat")
        if [[ $cpu =~ ^[0-9]+$ ]] && [ "$cpu" -ge 10000 ] && [ "$cpu" -le "$file_cpu" ]; then
                tap_ok "cpu_usec ($cpu) is the loop's CPU time, at most cpu.stat's read after ($file_cpu)"
        else
                tap_not_ok "cpu_usec is the cgroup's CPU time" "scmd: $cpu, cpu.stat after: $file_cpu"$'\n'"$status"
        fi
        tasks=$(json_get "$status" tasks)
        if [ -r "$dir/pids.current" ]; then
                assert_eq "tasks is pids.current (the helper and its grandchild)" "$tasks" "$(cat "$dir/pids.current")"
        else
                assert_eq "tasks is null: no pids controller for the cgroup" "$tasks" null
        fi
        mem=$(json_get "$status" memory_bytes)
        if [ -r "$dir/memory.current" ]; then
                check "memory_bytes ($mem) is a number of bytes" test "${mem:-0}" -gt 0 2>/dev/null
        else
                assert_eq "memory_bytes is null: no memory controller for the cgroup" "$mem" null
        fi
        run_sc queryex burn
        assert_contains "queryex shows the CPU time" "$OUT" "CPU                : "
        run_sc metrics
        assert_contains "metrics has it, from scmd" "$OUT" 'scm_service_cpu_seconds_total{service="burn"} '
        assert_eq "...and passes the format reader" "$(prom_check <<<"$OUT")" ""
        sc stop burn --wait >/dev/null
        run_sc --json query burn
        assert_not_contains "a stopped service has no usage" "$OUT" '"usage"'
}

run_test test_checker_can_fail
run_test test_metrics
run_test test_usage
finish
