#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Makes sure the Debian packages that `make bench` and `make bench-plot`
# need are installed: the peers it measures scm against (runit, s6,
# daemontools, supervisor), hyperfine for the per-call timings, and
# gnuplot for the plot.  As root, installs what is missing; otherwise
# prints the exact command to run and exits 1.  Same shape as
# scripts/ensure-deps.sh, kept apart so `make check` never needs these.
#
# Only the supervision programs are installed, never their "-run"/"-init"
# packages: nothing here may start a supervision tree for the whole system.
# invoke-rc.d is told not to start supervisord after install (policy-rc.d
# for the length of the install only), so no daemon is left behind.

set -eu

packages=(
        runit       # runsvdir, runsv, sv
        s6          # s6-svscan, s6-supervise, s6-svstat, s6-svc
        daemontools # svscan, supervise, svstat, svc
        supervisor  # supervisord, supervisorctl
        hyperfine   # the per-call timings of the status tools
        gnuplot-nox # make bench-plot
)

missing=()
for p in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
        exit 0
fi

echo "ensure-bench-deps: missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
        echo "ensure-bench-deps: run this, then try again:" >&2
        echo "sudo apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
fi

policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        made_policy=1
fi
cleanup() { [ "$made_policy" -eq 0 ] || rm -f "$policy"; }
trap cleanup EXIT

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
