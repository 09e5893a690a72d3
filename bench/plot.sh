#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/plot.sh [CSV] [PNG]        (what `make bench-plot` runs)
#
# Draws the cold start of every manager against the number of services,
# from the CSV that bench/run.sh wrote: scm, the peers and the floor, both
# axes logarithmic.  A manager skipped at a size has no point there.

set -eu

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CSV=${1:-$SRC/bench/results/latest.csv}
PNG=${2:-$SRC/bench/results/cold-start.png}
MANAGERS="scm floor runit s6 daemontools supervisord systemd"

command -v gnuplot >/dev/null || {
        echo "bench-plot: gnuplot is missing (scripts/ensure-bench-deps.sh installs gnuplot-nox)" >&2
        exit 1
}
[ -f "$CSV" ] || {
        echo "bench-plot: no results in $CSV; run make bench first" >&2
        exit 1
}

DATA=$(mktemp)
trap 'rm -f "$DATA"' EXIT
# One line per size: N, then each manager's median (NaN where it has none).
awk -F, -v managers="$MANAGERS" '
        $1 == "cold_start" { if (!($2 in seen)) { seen[$2] = 1; sizes[++k] = $2 } v[$2, $3] = $4 }
        END {
                n = split(managers, m, " ")
                for (i = 1; i <= k; i++) {
                        line = sizes[i]
                        for (j = 1; j <= n; j++) {
                                x = v[sizes[i], m[j]]
                                line = line " " (x ~ /^[0-9.]+$/ ? x : "NaN")
                        }
                        print line
                }
        }' "$CSV" | sort -n >"$DATA"

gnuplot <<GNUPLOT
set terminal pngcairo size 900,600 font "sans,11"
set output "$PNG"
set title "Cold start: from starting the manager to every service's own start stamp (median)"
set xlabel "services configured (N)"
set ylabel "milliseconds"
set logscale xy
set xrange [70:14000]
set xtics ("100" 100, "1000" 1000, "10,000" 10000)
set grid
set key top left
set datafile missing "NaN"
# scm thick, the floor dashed, the peers plain.
plot "$DATA" using 1:2 with linespoints lw 4 pt 7 ps 1.3 lc rgb "#c00000" title "scm", \
     "$DATA" using 1:3 with linespoints lw 2 dt 2 pt 6 lc rgb "#000000" title "floor (spawn directly)", \
     for [i=4:8] "$DATA" using 1:i with linespoints lw 2 pt 7 title word("$MANAGERS", i-1)
GNUPLOT
echo "bench-plot: wrote ${PNG#"$SRC"/}"
