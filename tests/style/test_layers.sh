#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The tree's layers, read from the #include lines of src/:
#   - no include cycle between subsystems (src/common, src/libscm, src/scctl,
#     src/win32, and each folder of src/scmd);
#   - scmd's layers include only downward:
#       main.c -> api -> work -> boot -> core -> exec -> config -> base -> src/common
#   - every folder of src/scmd is one of those layers.
# The build enforces the second one too (each layer's include path holds
# only the layers below it); this check says which line is wrong, and
# catches a cycle anywhere in src/.  A first point feeds the cycle finder a
# graph with a cycle, so the check is known to be able to fail.

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

layers=(base config exec core boot work api main)
n=0 failed=0
point() { # point OK DESCRIPTION [DETAIL...]
        n=$((n + 1))
        if [ "$1" = ok ]; then
                echo "ok $n - $2"
        else
                echo "not ok $n - $2"
                shift 2
                for d in "$@"; do echo "# $d"; done
                failed=$((failed + 1))
        fi
}

# The subsystem a file belongs to.
subsystem_of() {
        case $1 in
        src/scmd/main.c) echo scmd/main ;;
        src/scmd/*/*) local rest=${1#src/scmd/} && echo "scmd/${rest%%/*}" ;;
        src/*/*) local rest=${1#src/} && echo "${rest%%/*}" ;;
        include/*/*) local rest=${1#include/} && echo "include/${rest%%/*}" ;;
        *) echo other ;;
        esac
}

files=$(git ls-files 'src/*.[ch]' 'include/*.h' 2>/dev/null || find src include -name '*.[ch]')

# The folders that serve as include folders: each of src/ and of src/scmd,
# and include/ (for <scm/...>).
roots=(include src/common src/libscm src/scctl src/win32 $(printf '%s\n' src/scmd/*/ | sed 's,/$,,'))

# "from to file:line" for every include between two subsystems.  A quoted
# name is looked for beside the file first, then in the include folders,
# as the compiler does.
edges=$(for f in $files; do
        from=$(subsystem_of "$f")
        dir=${f%/*}
        grep -n '^#include "' "$f" | while IFS= read -r line; do
                name=${line#*\"}
                name=${name%%\"*}
                target=""
                for d in "$dir" "${roots[@]}"; do
                        [ -f "$d/$name" ] && target=$d/$name && break
                done
                [ -n "$target" ] || continue # a system or generated header
                to=$(subsystem_of "$target")
                [ "$from" = "$to" ] || echo "$from $to $f:${line%%:*}"
        done
done)

# Prints one cycle of the graph on stdin ("from to" lines), or nothing.
find_cycle() {
        awk '
        { if (!(($1, $2) in seen)) { seen[$1, $2] = 1; adj[$1] = adj[$1] " " $2 }; nodes[$1]; nodes[$2] }
        function dfs(v,    i, k, next_nodes) {
                color[v] = 1; stack[++sp] = v
                k = split(adj[v], next_nodes, " ")
                for (i = 1; i <= k; i++) {
                        if (color[next_nodes[i]] == 1) { found = cycle_from(next_nodes[i]); return 1 }
                        if (!color[next_nodes[i]] && dfs(next_nodes[i])) return 1
                }
                color[v] = 2; sp--
                return 0
        }
        function cycle_from(u,    i, s, on) {
                for (i = 1; i <= sp; i++) {
                        if (stack[i] == u) on = 1
                        if (on) s = s stack[i] " -> "
                }
                return s u
        }
        END { for (v in nodes) if (!color[v] && dfs(v)) { print found; exit } }'
}

cycle=$(printf 'a b\nb c\nc a\nc d\n' | find_cycle)
[ -n "$cycle" ] && point ok "the cycle finder finds a -> b -> c -> a ($cycle)" ||
        point fail "the cycle finder finds a -> b -> c -> a" "it found none"

cycle=$(awk 'NF { print $1, $2 }' <<<"$edges" | find_cycle)
if [ -z "$cycle" ]; then
        point ok "no include cycle between the subsystems of src/"
else
        detail=()
        while read -r from to where; do
                case " ${cycle//->/ } " in *" $from "*" $to "* | *" $to "*" $from "*)
                        detail+=("$where: $from includes $to") ;;
                esac
        done <<<"$edges"
        point fail "no include cycle between the subsystems of src/" "cycle: $cycle" "${detail[@]}"
fi

rank() { # the index of scmd layer $1 in layers, or -1
        local i
        for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && echo "$i" && return; done
        echo -1
}

for folder in src/scmd/*/; do
        layer=$(basename "$folder")
        [ "$(rank "$layer")" -ge 0 ] && point ok "src/scmd/$layer is a layer" ||
                point fail "src/scmd/$layer is a layer" \
                        "add it to the layers of tests/style/test_layers.sh and src/scmd/meson.build"
done

for layer in "${layers[@]}"; do
        r=$(rank "$layer")
        bad=()
        while read -r from to where; do
                [ "$from" = "scmd/$layer" ] || continue
                case $to in
                scmd/*) [ "$(rank "${to#scmd/}")" -lt "$r" ] || bad+=("$where: includes a header of $to, a layer above") ;;
                common | include/scm) ;;
                *) bad+=("$where: includes a header of $to") ;;
                esac
        done <<<"$edges"
        if [ ${#bad[@]} -eq 0 ]; then
                point ok "scmd's $layer includes only the layers below it"
        else
                point fail "scmd's $layer includes only the layers below it" "${bad[@]}"
        fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
