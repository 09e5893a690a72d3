#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Boot analysis (scctl analyze; docs/protocol.md, query_timeline): a small
# boot of notify helpers that take clearly different times to say READY=1
# (2 s against 0.2 s), two of them auto-start services of group Core
# started together by scmd, then an auto-start service of no group (the
# group order's next phase), the rest started by hand (top's start
# starting mid, its dependency, first).  blame lists the
# slow one first, critical-chain walks back through a service and a
# "+Group" dependency, the plot is well-formed SVG with one bar per
# service and the colour of its state, and every edge of the dot output
# names declared nodes (and Graphviz accepts it, where installed).
#
# JSON and XML are read with python3 where it is there, else the points
# that need it are skipped.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ODD='x<&>"y' # a name that XML and DOT must escape

have_python() {
        command -v python3 >/dev/null 2>&1 && python3 -c 'import json, xml.etree.ElementTree' 2>/dev/null
}

# py CODE [ARGS...]: runs python3 CODE on stdin.
py() {
        local code=$1
        shift
        python3 -c "$code" "$@"
}

# The boot: base (2 s) and quick (0.2 s) in group Core, auto-start; mid
# (0.2 s) needs base; top needs mid and any of Core; late needs any of
# Core; bad exits with code 3 after 0.1 s; ODD is plain.
make_boot() {
        create_helper base --notify-ready-after 2000 -- --kind notify --start auto --group Core \
                --control-timeout 20000 || return 1
        create_helper quick --notify-ready-after 200 -- --kind notify --start auto --group Core \
                --control-timeout 20000 || return 1
        create_helper mid --notify-ready-after 200 -- --kind notify --depend base \
                --control-timeout 20000 || return 1
        create_helper top -- --depend mid,+Core || return 1
        create_helper late -- --depend +Core || return 1
        create_helper bad --exit-after 100 --exit-code 3 || return 1
        create_helper "$ODD" || return 1
        # after: auto-start, in no group: the auto-start's second phase.
        create_helper after -- --start auto || return 1
        assert_sc_ok "the group order is Core" group-order set Core || return 1
        # The auto-start runs when scmd starts: base and quick start together.
        daemon_stop || return 1
        daemon_start || return 1
        wait_state quick running 20 || return 1
        wait_state base running 20 || return 1
        wait_state after running 20 || return 1
        # top's start brings up mid first (the dependency cascade): top waits.
        start_helper top || return 1
        wait_state mid running 20 || return 1
        start_helper late || return 1
        start_helper "$ODD" || return 1
        run_sc start bad
        wait_state bad stopped 20
}

test_analyze() {
        daemon_start || return
        make_boot || return

        # ---- blame ----
        assert_sc_ok "analyze blame" analyze blame
        local first
        first=$(head -n 1 <<<"$OUT")
        if [[ $first =~ ^\ +[0-9]+\.[0-9]{3}s\ base$ ]]; then
                tap_ok "blame lists the slowest start first"
        else
                tap_not_ok "blame lists the slowest start first" "$(last_run)"
        fi
        # bad is plain: running once exec succeeded, then it failed.
        assert_eq "blame lists every service that reached running" 8 "$(grep -c 's ' <<<"$OUT")"

        if have_python; then
                run_sc --json analyze blame
                run py 'import json,sys
d=json.loads(sys.stdin.read())["services"]
print(d[0]["name"], d[0]["duration_us"] >= 2000000, all(a["duration_us"] >= b["duration_us"] for a, b in zip(d, d[1:])))' <<<"$OUT"
                assert_eq "blame --json: base first, at least 2 s, longest first" "base True True" "$OUT"
        else
                tap_skip "blame --json" "no python3 to read JSON"
        fi

        # ---- the auto-start services overlapped ----
        if have_python; then
                run_sc --json analyze blame
                run py 'import json,sys
d={s["name"]: s for s in json.loads(sys.stdin.read())["services"]}
b, q = d["base"], d["quick"]
print(b["start_pending_at"] < q["running_at"] and q["start_pending_at"] < b["running_at"])' <<<"$OUT"
                assert_eq "base and quick (auto-start, independent) were starting at the same time" \
                        True "$OUT"
                run_sc --json analyze critical-chain base
                run py 'import json,sys
c=json.loads(sys.stdin.read())["chain"]
print(len(c), c[0]["name"], c[0]["running_at"] - c[0]["start_pending_at"] >= 2000000)' <<<"$OUT"
                assert_eq "critical-chain --json of base: itself alone, 2 s" "1 base True" "$OUT"
        else
                tap_skip "independent services overlap" "no python3 to read JSON"
                tap_skip "critical-chain --json" "no python3 to read JSON"
        fi

        # ---- critical-chain ----
        assert_sc_ok "analyze critical-chain top" analyze critical-chain top
        local chain
        chain=$(grep -E '^ *(└─)?[a-z]+ @' <<<"$OUT" | sed -E 's/^ *(└─)?([a-z]+) @.*/\2/' | tr '\n' ' ')
        assert_eq "the chain of top: mid, then base" "top mid base " "$chain"
        assert_sc_ok "analyze critical-chain late" analyze critical-chain late
        assert_contains "late waited for the first of Core to run: quick, for +Core" "$OUT" \
                "└─quick @"
        assert_contains "the group is named" "$OUT" "(for +Core)"
        assert_sc_ok "analyze critical-chain after" analyze critical-chain after
        assert_contains "after waited for the last of Core, base: the group order" "$OUT" \
                "└─base @"
        assert_contains "the group order is named" "$OUT" "(group order)"
        assert_sc_error "critical-chain of no service" SERVICE_DOES_NOT_EXIST 1060 \
                analyze critical-chain nothing

        # ---- plot ----
        run_sc analyze plot
        assert_rc "analyze plot" 0
        printf '%s\n' "$OUT" >"$D/boot.svg"
        if have_python; then
                run py 'import sys, xml.etree.ElementTree as E
ns = "{http://www.w3.org/2000/svg}"
root = E.parse(sys.argv[1]).getroot()
rows, waits = {}, []
for g in root.iter(ns + "g"):
    if g.get("class") == "service":
        name = g.find(ns + "title").text.split(":")[0].split(" (")[0]
        starts = [r for r in g.iter(ns + "rect") if r.get("class") == "start"]
        rows[name] = (len(starts), starts[0].get("fill") if starts else None)
        if any(r.get("class") == "wait" for r in g.iter(ns + "rect")):
            waits.append(name)
print(root.tag == ns + "svg", len(rows), all(n == 1 for n, _ in rows.values()))
print(rows.get("base"), rows.get("bad"), rows.get(sys.argv[2]))
print("top" in waits)' "$D/boot.svg" "$ODD"
                local lines
                mapfile -t lines <<<"$OUT"
                if [ "$RC" -ne 0 ]; then
                        tap_not_ok "the plot is well-formed XML" "$(last_run)"
                else
                        assert_eq "the plot is SVG, one row per started service, one start bar each" \
                                "True 8 True" "${lines[0]}"
                        assert_eq "running green, failed red, the escaped name back whole" \
                                "(1, '#2ca02c') (1, '#d62728') (1, '#2ca02c')" "${lines[1]}"
                        assert_eq "top's wait for mid is drawn" True "${lines[2]}"
                fi
        elif command -v xmllint >/dev/null; then
                check "the plot is well-formed XML" xmllint --noout "$D/boot.svg"
                assert_eq "one start bar per started service" 8 "$(grep -c 'class="start"' "$D/boot.svg")"
        else
                tap_skip "the plot is well-formed XML" "neither python3 nor xmllint is installed"
        fi
        assert_contains "the name is escaped in the SVG" "$(cat "$D/boot.svg")" 'x&lt;&amp;&gt;&quot;y'
        assert_not_contains "no script in the SVG" "$(cat "$D/boot.svg")" "<script"
        assert_contains "the auto-start is marked" "$(cat "$D/boot.svg")" "auto-start began"

        # ---- dot ----
        assert_sc_ok "analyze dot" analyze dot
        printf '%s\n' "$OUT" >"$D/deps.dot"
        local declared=() undeclared="" line re_node re_edge q='"(([^"\\]|\\.)*)"'
        re_node="^[[:space:]]*${q}[[:space:]]*\["
        re_edge="^[[:space:]]*${q}[[:space:]]*->[[:space:]]*${q}"
        while IFS= read -r line; do
                [[ $line =~ $re_node ]] && declared+=("${BASH_REMATCH[1]}")
        done <"$D/deps.dot"
        local edges=0
        while IFS= read -r line; do
                [[ $line =~ $re_edge ]] || continue
                edges=$((edges + 1))
                local a=${BASH_REMATCH[1]} b=${BASH_REMATCH[3]} x found_a=0 found_b=0
                for x in "${declared[@]}"; do
                        [ "$x" = "$a" ] && found_a=1
                        [ "$x" = "$b" ] && found_b=1
                done
                [ $found_a = 1 ] && [ $found_b = 1 ] || undeclared+=" $a->$b"
        done <"$D/deps.dot"
        assert_eq "dot: every edge's endpoints are declared" "" "$undeclared"
        assert_eq "dot: one edge per dependency" 4 "$edges"
        assert_contains "dot: mid depends on base" "$OUT" '"mid" -> "base"'
        assert_contains "dot: top depends on the group Core" "$OUT" '"top" -> "+Core"'
        assert_contains "dot: Core is a cluster" "$OUT" 'label="Core";'
        assert_contains "dot: the odd name is quoted" "$OUT" '"x<&amp;>\"y"'
        if command -v dot >/dev/null 2>&1; then
                check "Graphviz reads the graph" dot -Tsvg -o "$D/deps.svg" "$D/deps.dot"
        else
                tap_skip "Graphviz reads the graph" "dot (graphviz) is not installed"
        fi

        # ---- usage ----
        run_sc --json analyze plot
        assert_rc "plot refuses --json" 2
        run_sc analyze everything
        assert_rc "an unknown analysis is a usage error" 2
        assert_sc_ok "stop top" stop top --wait
        assert_sc_ok "stop late" stop late --wait
        assert_sc_ok "stop mid" stop mid --wait
}

run_test test_analyze
finish
