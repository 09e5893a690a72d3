#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scctl qsecurity: one view of every fence of a service with an exposure
# score.  An unfenced service scores higher than a half-fenced one, which
# scores higher than a fenced one; each open fence names the command that
# closes it, and running that command closes it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# score NAME: the score of `scctl --json qsecurity NAME` in tenths.
score() {
        local out s
        out=$(sc --json qsecurity "$1") || return 1
        s=$(json_get "$out" score) || return 1
        printf '%.0f' "$(echo "$s * 10" | awk '{print $1 * $3}')"
}

test_ranking() {
        daemon_start || return
        create_helper open || return
        create_helper half -- --private-tmp --protect-system full --system-call-deny @swap || return
        create_helper fenced -- --private-tmp --protect-system strict --protect-home yes \
                --private-devices --restrict-network --system-call-deny @privileged || return
        assert_sc_ok "sidtype fenced restricted" sidtype fenced restricted
        local o h f
        o=$(score open)
        h=$(score half)
        f=$(score fenced)
        diag "scores (tenths): open $o, half $h, fenced $f"
        check "an unfenced service scores above a half-fenced one" test "$o" -gt "$h"
        check "a half-fenced one scores above a fenced one" test "$h" -gt "$f"
        check "an unfenced service scores at least 9.0 when scmd runs as root (only the default task cap closed)" \
                test "$(is_root && echo "$o" || echo 100)" -ge 90
        run_sc qsecurity open
        assert_contains "the view names the fence" "$OUT" "private /tmp"
        assert_contains "...and the command that closes it" "$OUT" "scctl config open --private-tmp"
        assert_contains "...and the verdict" "$OUT" "EXPOSURE: "
        run_sc qsecurity fenced
        assert_not_contains "a closed fence offers no command" "$OUT" "--private-tmp"

        # Running the command it names closes the fence: the score falls.
        assert_sc_ok "config open --private-tmp (as the view says)" config open --private-tmp
        check "...and its score falls" test "$(score open)" -lt "$o"
}

run_test test_ranking
finish
