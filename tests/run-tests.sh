#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/run-tests.sh BUILD_DIR [FILTER]
#
# Runs the whole suite in sequence and prints its TAP as it goes:
#   1. every unit binary BUILD_DIR/tests/test_* (cmocka, CMOCKA_MESSAGE_OUTPUT=TAP)
#   2. every tests/integration/test_*.sh (the real scmd in a temp folder)
#   3. every tests/style/test_*.sh (house rules checked on the source)
# each under `timeout`.  Then it counts the points: "ok" passed, "not ok"
# failed, "ok ... # SKIP" skipped; a file that exits non-zero without a
# "not ok" line, or times out, counts as one failure.  The last line is
# exactly "N passed, N failed, N skipped"; the exit status is 1 if anything
# failed.  FILTER (a substring) runs only the files whose name has it.

set -u

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
        echo "usage: tests/run-tests.sh BUILD_DIR [FILTER]" >&2
        exit 2
fi
BUILD=$(cd "$1" && pwd)
FILTER=${2:-}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

export SCMD=${SCMD:-$BUILD/scmd}
export SCCTL=${SCCTL:-$BUILD/scctl}
export HELPER=${HELPER:-$BUILD/tests/scm-test-helper}
export NATIVE=${NATIVE:-$BUILD/tests/scm-test-native}
export LISTEN_HELPER=${LISTEN_HELPER:-$BUILD/tests/scm-test-listen}
export UTMP_HELPER=${UTMP_HELPER:-$BUILD/tests/scm-test-utmp}
export EXAMPLES=${EXAMPLES:-$BUILD/examples}
export WIRE_ABUSE=${WIRE_ABUSE:-$BUILD/tests/wire_abuse}
export EVENTS_CHECK=${EVENTS_CHECK:-$BUILD/tests/events_check}
export ACL_CHECK=${ACL_CHECK:-$BUILD/tests/acl_check}
export RESOURCES_CHECK=${RESOURCES_CHECK:-$BUILD/tests/resources_check}
export WIN32_CHECK=${WIN32_CHECK:-$BUILD/tests/win32_check}
export CMOCKA_MESSAGE_OUTPUT=TAP

# Guards against a hang only: generous, for ASan on a busy 2-core machine,
# where test_events.sh's burst alone takes minutes.  They cost nothing when
# things go well.
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-1200}

passed=0
failed=0
skipped=0
failed_files=()

# run_one NAME TIMEOUT CMD...: runs CMD, shows its output, adds up its points.
run_one() {
        local name=$1 limit=$2
        shift 2
        local out status start
        out=$(mktemp)
        start=$(date +%s)
        echo "### $name"
        timeout --kill-after=10 "$limit" "$@" 2>&1 </dev/null | tee "$out"
        status=${PIPESTATUS[0]}

        local p=0 f=0 s=0 line
        while IFS= read -r line; do
                case $line in
                "not ok"*) f=$((f + 1)) ;;
                "ok "*"# SKIP"* | "ok "*"# skip"*) s=$((s + 1)) ;;
                "ok "*) p=$((p + 1)) ;;
                esac
        done <"$out"
        rm -f "$out"

        if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
                echo "not ok - $name timed out after ${limit}s"
                f=$((f + 1))
        elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
                echo "not ok - $name exited with status $status"
                f=$((f + 1))
        elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
                echo "not ok - $name printed no test result"
                f=1
        fi
        echo "### $name: $p passed, $f failed, $s skipped ($(($(date +%s) - start))s)"
        passed=$((passed + p))
        failed=$((failed + f))
        skipped=$((skipped + s))
        [ "$f" -gt 0 ] && failed_files+=("$name")
        return 0
}

for exe in "$BUILD"/tests/test_*; do
        [ -f "$exe" ] && [ -x "$exe" ] || continue
        [[ "${exe##*/}" == *"$FILTER"* ]] || continue
        run_one "unit/${exe##*/}" "$UNIT_TIMEOUT" "$exe"
done

for script in "$SRC"/tests/integration/test_*.sh; do
        [ -f "$script" ] || continue
        [[ "${script##*/}" == *"$FILTER"* ]] || continue
        run_one "integration/${script##*/}" "$INTEGRATION_TIMEOUT" bash "$script"
done

for script in "$SRC"/tests/style/test_*.sh; do
        [ -f "$script" ] || continue
        [[ "${script##*/}" == *"$FILTER"* ]] || continue
        run_one "style/${script##*/}" "$UNIT_TIMEOUT" bash "$script"
done

if [ ${#failed_files[@]} -gt 0 ]; then
        echo "failed in: ${failed_files[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
