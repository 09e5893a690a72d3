#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The house style is enforced, not suggested: every C file in git is as
# clang-format (with the repository's .clang-format) would write it.  One
# TAP point per file, so a failure names the file; `clang-format -i FILE`
# mends it.  Skipped, never passed, where clang-format is missing.

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

if ! command -v clang-format >/dev/null 2>&1; then
        echo "ok 1 - formatting # SKIP clang-format is not installed"
        echo "1..1"
        exit 0
fi

n=0 failed=0
while IFS= read -r f; do
        n=$((n + 1))
        if out=$(clang-format --dry-run --Werror "$f" 2>&1); then
                echo "ok $n - format: $f"
        else
                echo "not ok $n - format: $f (run: clang-format -i $f)"
                sed 's/^/# /' <<<"$out" | head -n 20
                failed=$((failed + 1))
        fi
done < <(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests examples -name '*.[ch]')
echo "1..$n"
[ "$failed" -eq 0 ]
