#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Coverage-guided fuzzing of what reads input from outside scmd: the
# request reader (a client's JSON-RPC line), the fast paths' readers of a
# query_status request (scmd) and of its reply (libscm), each against the
# general reader it stands in for, the control channel's packet
# reader (a native service's process), the process settings' parameter
# reader (create, change_config, the database's load: what scmd writes it
# must read back), the readers of the resource limits, the filesystem
# fences and the system-call filter (the same promise), a listening
# socket's text (set_sockets), a service trigger's text (set_triggers),
# scctl's unit-file reader, a task's trigger text and the
# text of an sd_notify message.
# Each target (tests/fuzz/, libFuzzer, clang, ASan and UBSan) starts from
# its seed corpus in the tree and runs FUZZ_SECONDS (20 here, 60 with
# `make fuzz`).  It runs under `make check-asan` (an ASan build); under the
# plain build it is skipped, once is enough.  A crash is a failed point
# with the input that made it, to be kept as a seed (a regression test).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_EACH=${FUZZ_SECONDS:-20}
TARGETS=(jsonrpc named_call status_reply control process_settings settings listen trigger_spec unit_file trigger notify)

skip_all() {
        local t
        for t in "${TARGETS[@]}"; do
                tap_skip "fuzz $t" "$1"
        done
        finish
}

if [ -z "${FUZZ_ALWAYS:-}" ] && ! ldd "$SCMD" 2>/dev/null | grep -q libasan; then
        skip_all "runs under make check-asan (or make fuzz), not on the plain build"
fi
command -v clang >/dev/null || skip_all "no clang here (Debian: clang)"

out=${FUZZ_BUILD:-$SRC/build-fuzz}
if [ ! -f "$out/build.ninja" ]; then
        rm -rf "$out"
        CC=clang meson setup "$out" "$SRC" -Dfuzz=true -Db_sanitize=address,undefined \
                -Db_lundef=false >"${TMPDIR:-/tmp}/scm-fuzz-setup.log" 2>&1 ||
                skip_all "cannot set up a clang build: $(tail -1 "${TMPDIR:-/tmp}/scm-fuzz-setup.log")"
fi
names=()
for t in "${TARGETS[@]}"; do names+=("tests/fuzz_$t"); done
if ! ninja -C "$out" "${names[@]}" >"${TMPDIR:-/tmp}/scm-fuzz-build.log" 2>&1; then
        if grep -q "fuzzer" "${TMPDIR:-/tmp}/scm-fuzz-build.log"; then
                skip_all "clang has no libFuzzer here (Debian: libclang-rt-14-dev)"
        fi
        tap_not_ok "build the fuzz targets" "$(tail -20 "${TMPDIR:-/tmp}/scm-fuzz-build.log")"
        finish
fi

work=$(mktemp -d /tmp/scm-fuzz.XXXXXX)
for t in "${TARGETS[@]}"; do
        mkdir -p "$work/$t/corpus" "$work/$t/found"
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                "$out/tests/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
                -artifact_prefix="$work/$t/found/" "$work/$t/corpus" "$SRC/tests/fuzz/corpus/$t" \
                >"$work/$t/log" 2>&1
        rc=$?
        runs=$(grep -o 'Done [0-9]* runs' "$work/$t/log" | tail -1)
        if [ "$rc" -eq 0 ]; then
                tap_ok "fuzz $t: ${runs:-ran} in ${SECONDS_EACH} s, no crash, no leak, no undefined behaviour"
        else
                crash=$(ls "$work/$t/found" 2>/dev/null | head -1)
                tap_not_ok "fuzz $t" "exit $rc; input (base64): $(base64 -w0 "$work/$t/found/$crash" 2>/dev/null)"$'\n'"$(grep -m5 -E 'ERROR|runtime error|SUMMARY' "$work/$t/log")"
        fi
done
rm -rf "$work"
finish
