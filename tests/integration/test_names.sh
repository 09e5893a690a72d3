#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A service's two names.  Every method names a service by its name, as
# Windows' OpenService does (Windows refuses a display name there with
# SERVICE_DOES_NOT_EXIST); get_key_name (scctl getkeyname,
# GetServiceKeyName) turns a display name into the name, and
# get_display_name the other way, both with connect on the SCM alone: a
# user who may not enumerate nor query the service still resolves it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Unique per run: other worktrees may run this script at the same time.
U1=scmnames-$$
MADE_USER=""

cleanup_account() {
        [ -n "$MADE_USER" ] && userdel "$MADE_USER" >/dev/null 2>&1
        MADE_USER=""
}
trap 'teardown quiet; cleanup_account; unshare_build' EXIT

test_key_name_of_display_name() {
        daemon_start || return
        sc create web --exec /bin/true --display-name "Web Front End" >/dev/null
        run_sc getkeyname "Web Front End"
        assert_rc "getkeyname exits 0" 0
        assert_eq "getkeyname prints sc.exe's lines" \
                "[SC] GetServiceKeyName SUCCESS"$'\n'"Name = web" "$OUT"
        run_sc getkeyname "WEB front END"
        assert_eq "getkeyname ignores case" "Name = web" "$(sed -n 2p <<<"$OUT")"
        run_sc --json getkeyname "Web Front End"
        assert_eq "get_key_name answers the name" web "$(json_get "$OUT" name)"
        assert_sc_error "getkeyname of the name itself is not a display name" \
                SERVICE_DOES_NOT_EXIST 1060 getkeyname web
        assert_sc_error "getkeyname of an unknown display name" \
                SERVICE_DOES_NOT_EXIST 1060 getkeyname "Nothing Shows This"
        run_sc getdisplayname web
        assert_eq "getdisplayname prints the display name" \
                "[SC] GetServiceDisplayName SUCCESS"$'\n'"Name = Web Front End" "$OUT"
        sc config web --display-name "Renamed" >/dev/null
        assert_sc_error "the old display name is gone after a change" \
                SERVICE_DOES_NOT_EXIST 1060 getkeyname "Web Front End"
        run_sc getkeyname renamed
        assert_eq "the new display name is found" "Name = web" "$(sed -n 2p <<<"$OUT")"
        sc create plain --exec /bin/true >/dev/null
        run_sc getkeyname PLAIN
        assert_eq "a service without its own display name is found by its name" \
                "Name = plain" "$(sed -n 2p <<<"$OUT")"
}

test_methods_take_the_name() {
        daemon_start || return
        sc create web --exec /bin/true --display-name "Web Front End" >/dev/null
        assert_sc_error "query by display name is SERVICE_DOES_NOT_EXIST, as OpenService" \
                SERVICE_DOES_NOT_EXIST 1060 query "Web Front End"
        assert_contains "the error names the service that shows it" \
                "$ERR" "it is the display name of service web"
        assert_sc_error "delete by display name deletes nothing" \
                SERVICE_DOES_NOT_EXIST 1060 delete "Web Front End"
        assert_sc_ok "the service is still there" query web
}

test_connect_is_enough() {
        if ! is_root || ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null; then
                tap_skip "getkeyname with connect alone" "not root, or no setpriv or useradd"
                return
        fi
        if ! useradd --system --no-create-home --user-group -s /usr/sbin/nologin "$U1"; then
                tap_not_ok "useradd $U1"
                return
        fi
        MADE_USER=$U1
        daemon_start || return
        chmod 711 "$D"
        sc create web --exec /bin/true --display-name "Web Front End" >/dev/null
        sc sdset web "" >/dev/null
        sc sdset --scm "allow everyone connect" >/dev/null
        local as=(setpriv --reuid="$(id -u "$U1")" --regid="$(id -g "$U1")" --init-groups
                "$SCCTL" --root "$D" --timeout 60)
        run "${as[@]}" query
        assert_rc "$U1 may not enumerate" 1
        run "${as[@]}" getkeyname "Web Front End"
        assert_eq "$U1 resolves the display name with connect alone" \
                "Name = web" "$(sed -n 2p <<<"$OUT")"
        run "${as[@]}" getdisplayname web
        assert_eq "and the name" "Name = Web Front End" "$(sed -n 2p <<<"$OUT")"
        sc sdset --scm "" >/dev/null
        run "${as[@]}" getkeyname "Web Front End"
        assert_rc "without connect, $U1 is refused" 1
        cleanup_account
}

run_test test_key_name_of_display_name
run_test test_methods_take_the_name
run_test test_connect_is_enough
finish
