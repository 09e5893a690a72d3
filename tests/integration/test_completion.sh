#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bash completion (packaging/bash-completion/scctl): COMPREPLY offers the
# verbs (from scctl --help), a verb's options (from scctl VERB --help) and
# the names of the services of the live scmd the command line names.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COMPLETION=$(dirname "${BASH_SOURCE[0]}")/../../packaging/bash-completion/scctl

# complete WORDS...: COMPREPLY for the command line WORDS (the last one
# being completed), one word a line, sorted.
complete_line() {
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _scctl
        printf '%s\n' "${COMPREPLY[@]}" | sort
}

test_completion() {
        # shellcheck source=/dev/null
        . "$COMPLETION" || {
                tap_not_ok "the completion script loads"
                return
        }
        check "it registers _scctl for scctl" bash -c ". '$COMPLETION' && complete -p scctl"
        assert_eq "a verb: st offers start, status, stop" $'start\nstatus\nstop' \
                "$(complete_line "$SCCTL" --root "$D" st)"
        assert_contains "systemctl's verbs are offered: is-" "$(complete_line "$SCCTL" is-)" "is-enabled"
        assert_contains "a verb's option: start --w offers --wait" \
                "$(complete_line "$SCCTL" --root "$D" start --w)" "--wait"
        assert_contains "a global option: --ro offers --root" "$(complete_line "$SCCTL" --ro)" "--root"
        daemon_start || return
        sc create webserver --exec /bin/true >/dev/null
        sc create webcache --exec /bin/true >/dev/null
        sc create db --exec /bin/true >/dev/null
        assert_eq "a service name from the live scmd: start web" $'webcache\nwebserver' \
                "$(complete_line "$SCCTL" --root "$D" start web)"
        assert_eq "...after options too: --json status d" db \
                "$(complete_line "$SCCTL" --root "$D" --json status d)"
        assert_eq "no scmd there: no names" "" \
                "$(timeout 20 bash -c ". '$COMPLETION'; COMP_WORDS=('$SCCTL' --root /nonexistent-$$ start w); COMP_CWORD=4; _scctl; echo \"\${COMPREPLY[*]}\"")"
}

run_test test_completion
finish
