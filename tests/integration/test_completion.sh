#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bash completion (packaging/bash-completion/scctl): COMPREPLY offers the
# verbs (from scctl --help), a verb's options (from scctl VERB --help) and
# the names of the services of the live scmd the command line names.  The
# zsh completion (packaging/zsh-completion/_scctl) offers the same, seen
# through stand-ins for zsh's compadd and _describe that print what they
# are given (zsh filters by the prefix itself; here sort and grep do).

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

ZCOMPLETION=$(dirname "${BASH_SOURCE[0]}")/../../packaging/zsh-completion/_scctl

# zsh_complete WORDS...: what _scctl offers for the command line WORDS (the
# last one being completed) that starts with it, one a line, sorted.
zsh_complete() {
        local cur=${!#}
        # shellcheck disable=SC2016
        zsh -f -c '
                compadd() { [[ $1 == -a ]] && print -l -- ${(P)2} }
                _describe() { local a; for a in ${(P)4}; do print -- ${a%%:*}; done }
                _files() { print -- "(files)" }
                comp=$1; shift
                words=("$@"); CURRENT=$#; PREFIX=$words[CURRENT]
                source $comp' zsh "$ZCOMPLETION" "$@" 2>&1 | grep -- "^$cur" | sort
}

test_zsh_completion() {
        if ! command -v zsh >/dev/null; then
                tap_skip "zsh completion" "no zsh here (apt-get install zsh)"
                return
        fi
        assert_eq "zsh: a verb: st offers start, status, stop" $'start\nstatus\nstop' \
                "$(zsh_complete "$SCCTL" --root "$D" st)"
        assert_contains "zsh: a verb's option: start --w offers --wait" \
                "$(zsh_complete "$SCCTL" --root "$D" start --w)" "--wait"
        assert_eq "zsh: --root completes a file name" "(files)" \
                "$(zsh_complete "$SCCTL" --root "")"
        daemon_start || return
        sc create webserver --exec /bin/true >/dev/null
        sc create webcache --exec /bin/true >/dev/null
        sc create db --exec /bin/true >/dev/null
        assert_eq "zsh: a service name from the live scmd: start web" $'webcache\nwebserver' \
                "$(zsh_complete "$SCCTL" --root "$D" start web)"
        assert_eq "zsh: ...after options too: --json status d" db \
                "$(zsh_complete "$SCCTL" --root "$D" --json status d)"
        assert_eq "zsh: no scmd there: no names" "" \
                "$(timeout 20 bash -c "$(declare -f zsh_complete); ZCOMPLETION='$ZCOMPLETION'; zsh_complete '$SCCTL' --root /nonexistent-$$ start w")"
}

run_test test_completion
run_test test_zsh_completion
finish
