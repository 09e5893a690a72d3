#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Service parameters, the registry way (scctl param; query_parameters,
# set_parameter, delete_parameter): every type written and read back, the
# service's own key showing its configuration read-only, subkeys, errors,
# the values surviving a restart of scmd, going with the service, rolled
# back with the last known good configuration, and the access list's
# query-config / change-config checked for a real other user.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

U1=scmparam-$$
MADE_USER=""
cleanup_account() {
        [ -n "$MADE_USER" ] && userdel "$MADE_USER" >/dev/null 2>&1
        MADE_USER=""
}
trap 'teardown quiet; cleanup_account; unshare_build' EXIT

# param_line NAME: the reg.exe-style line of value NAME in $OUT.
param_line() {
        grep -E "^    $1    " <<<"$OUT"
}

test_types() {
        daemon_start || return
        sc create web --exec "/bin/sleep 1" >/dev/null
        assert_sc_ok "REG_SZ" param web Name "hello world"
        assert_sc_ok "REG_EXPAND_SZ" param web Home --type REG_EXPAND_SZ '%ProgramData%\web'
        assert_sc_ok "REG_MULTI_SZ" param web Paths --type multi_sz /a "/b c" /d
        assert_sc_ok "REG_DWORD" param web Port --type REG_DWORD 8080
        assert_sc_ok "REG_QWORD" param web Big --type REG_QWORD 0x100000000
        assert_sc_ok "REG_BINARY" param web Blob --type REG_BINARY 00ff10Ab
        run_sc param web
        assert_eq "the key's path" \
                'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\web\Parameters' "$(sed -n 2p <<<"$OUT")"
        assert_eq "REG_SZ reads back" "    Name    REG_SZ    hello world" "$(param_line Name)"
        assert_eq "REG_EXPAND_SZ reads back" '    Home    REG_EXPAND_SZ    %ProgramData%\web' "$(param_line Home)"
        assert_eq "REG_MULTI_SZ reads back" '    Paths    REG_MULTI_SZ    /a\0/b c\0/d' "$(param_line Paths)"
        assert_eq "REG_DWORD reads back" "    Port    REG_DWORD    0x1f90" "$(param_line Port)"
        assert_eq "REG_QWORD reads back" "    Big    REG_QWORD    0x100000000" "$(param_line Big)"
        assert_eq "REG_BINARY reads back" "    Blob    REG_BINARY    00FF10AB" "$(param_line Blob)"
        run_sc --json param web Paths
        assert_contains "--json: a multi_sz is a list" "$OUT" '"data":["/a","/b c","/d"]'
        run_sc --json param web port
        assert_contains "value names ignore case" "$OUT" '"name":"Port","type":"dword","data":8080'
        assert_sc_ok "a value is replaced, type and all" param web Port 9090
        run_sc param web Port
        assert_eq "...now a REG_SZ" "    Port    REG_SZ    9090" "$(param_line Port)"
        assert_sc_error "a REG_DWORD over 32 bits" INVALID_PARAMETER 87 param web X --type dword 4294967296
        assert_sc_error "REG_BINARY with an odd digit count" INVALID_PARAMETER 87 param web X --type binary abc
        assert_sc_error "an unknown value" FILE_NOT_FOUND 2 param web Nothing
        assert_sc_ok "deleting a value" param web --delete Big
        assert_sc_error "...it is gone" FILE_NOT_FOUND 2 param web Big
        assert_sc_error "deleting it again" FILE_NOT_FOUND 2 param web --delete Big

        restart_scmd_checked || return
        run_sc param web Name
        assert_eq "values survive a restart of scmd" "    Name    REG_SZ    hello world" "$(param_line Name)"
}

restart_scmd_checked() {
        daemon_stop 30 || return 1
        daemon_start
}

test_keys() {
        daemon_start || return
        sc create web --exec "/bin/sleep 1" --display-name "Web Server" --start auto >/dev/null
        assert_sc_ok "a value in a subkey" param web --key 'parameters\Tls' Cert /etc/cert.pem
        run_sc param web
        assert_contains "the subkey is listed" "$OUT" \
                'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\web\Parameters\Tls'
        run_sc param web --key 'Parameters\TLS' Cert
        assert_eq "...and read, its name ignoring case" "    Cert    REG_SZ    /etc/cert.pem" "$(param_line Cert)"
        assert_sc_error "a key outside Parameters" FILE_NOT_FOUND 2 param web --key Security
        assert_sc_error "a subkey that holds nothing" FILE_NOT_FOUND 2 param web --key 'Parameters\None'
        run_sc param web --key ""
        assert_eq "the service's own key: ImagePath" "    ImagePath    REG_EXPAND_SZ    /bin/sleep 1" "$(param_line ImagePath)"
        assert_eq "...DisplayName" "    DisplayName    REG_SZ    Web Server" "$(param_line DisplayName)"
        assert_eq "...Start (auto)" "    Start    REG_DWORD    0x2" "$(param_line Start)"
        assert_eq "...Type (own process)" "    Type    REG_DWORD    0x10" "$(param_line Type)"
        assert_eq "...ErrorControl (normal)" "    ErrorControl    REG_DWORD    0x1" "$(param_line ErrorControl)"
        assert_contains "...and Parameters as its subkey" "$OUT" \
                'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\web\Parameters'
        sc config web --start delayed-auto >/dev/null
        run_sc param web --key "" DelayedAutostart
        assert_eq "delayed-auto: DelayedAutostart 1" "    DelayedAutostart    REG_DWORD    0x1" "$(param_line DelayedAutostart)"
        assert_sc_error "the service's own key is read-only" ACCESS_DENIED 5 param web --key "" ImagePath /bin/false
        run_sc param web --key "" ImagePath
        assert_eq "...and unchanged" "    ImagePath    REG_EXPAND_SZ    /bin/sleep 1" "$(param_line ImagePath)"
}

test_delete_key() {
        daemon_start || return
        sc create web --exec "/bin/sleep 1" >/dev/null
        sc param web --key 'Parameters\Tls' Cert /etc/cert.pem >/dev/null
        sc param web --key 'Parameters\Tls' Key /etc/key.pem >/dev/null
        sc param web --key 'Parameters\Tls\Old' Cert /etc/old.pem >/dev/null
        sc param web Port --type dword 80 >/dev/null
        run_sc param web --delete
        assert_rc "--delete alone names nothing to delete: a usage error" 2
        assert_sc_error "a key with a subkey is not deleted" ACCESS_DENIED 5 \
                param web --key 'Parameters\Tls' --delete
        run_sc param web --key 'Parameters\Tls' Key
        assert_eq "...its values stay" "    Key    REG_SZ    /etc/key.pem" "$(param_line Key)"
        assert_sc_ok "the subkey is deleted" param web --key 'parameters\tls\OLD' --delete
        assert_sc_error "...and gone" FILE_NOT_FOUND 2 param web --key 'Parameters\Tls\Old'
        assert_sc_ok "then the key, with both its values" param web --key 'Parameters\Tls' --delete
        assert_sc_error "...gone" FILE_NOT_FOUND 2 param web --key 'Parameters\Tls'
        assert_sc_error "a key that is not there" FILE_NOT_FOUND 2 param web --key 'Parameters\Tls' --delete
        assert_sc_error "the service's own key" ACCESS_DENIED 5 param web --key "" --delete
        run_sc param web Port
        assert_eq "Parameters' own value is untouched" "    Port    REG_DWORD    0x50" "$(param_line Port)"
        restart_scmd_checked || return
        assert_sc_error "the deletion survives a restart of scmd" FILE_NOT_FOUND 2 \
                param web --key 'Parameters\Tls'
}

test_delete_and_lkg() {
        daemon_start --boot-accept manual || return
        sc create web --exec "/bin/sleep 1" >/dev/null
        sc param web Port --type dword 1 >/dev/null
        sc param web --key 'Parameters\Sub' Kept yes >/dev/null
        assert_sc_ok "the boot is accepted: the copy is saved" boot accept
        sc param web Port --type dword 2 >/dev/null
        sc param web Added x >/dev/null
        sc param web --key 'Parameters\Sub' --delete Kept >/dev/null
        assert_sc_ok "roll back to the last known good configuration" lkg restore
        run_sc param web Port
        assert_eq "the value is the copy's again" "    Port    REG_DWORD    0x1" "$(param_line Port)"
        assert_sc_error "a value added since is gone" FILE_NOT_FOUND 2 param web Added
        run_sc param web --key 'Parameters\Sub' Kept
        assert_eq "a value deleted since is back" "    Kept    REG_SZ    yes" "$(param_line Kept)"
        assert_sc_ok "delete the service" delete web
        sc create web --exec "/bin/sleep 1" >/dev/null
        run_sc param web
        assert_eq "a service made again under the name has no values" "" "$(param_line '[A-Za-z]+')"
}

test_access() {
        if ! is_root || ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null; then
                tap_skip "parameters and the access list" "not root, or no setpriv or useradd"
                return
        fi
        if ! useradd --system --no-create-home --user-group -s /usr/sbin/nologin "$U1"; then
                tap_not_ok "useradd $U1"
                return
        fi
        MADE_USER=$U1
        daemon_start || return
        chmod 711 "$D"
        local as=(setpriv --reuid="$(id -u "$U1")" --regid="$(id -g "$U1")" --init-groups
                "$SCCTL" --root "$D" --timeout 60)
        sc create web --exec "/bin/sleep 1" >/dev/null
        sc param web Port --type dword 80 >/dev/null
        sc sdset web "allow everyone query-status" >/dev/null
        run "${as[@]}" param web
        assert_contains "without query-config $U1 may not read" "$ERR" "lacks the right 'query-config'"
        sc sdset web "allow user:$U1 query-config" >/dev/null
        run "${as[@]}" param web Port
        assert_eq "with query-config $U1 reads" "    Port    REG_DWORD    0x50" "$(param_line Port)"
        run "${as[@]}" param web Port --type dword 81
        assert_contains "...but may not write without change-config" "$ERR" "lacks the right 'change-config'"
        run "${as[@]}" param web --delete Port
        assert_contains "...nor delete" "$ERR" "lacks the right 'change-config'"
        sc sdset web "allow user:$U1 query-config,change-config" >/dev/null
        run "${as[@]}" param web Port --type dword 81
        assert_rc "with change-config $U1 writes" 0
        run_sc param web Port
        assert_eq "...and the value is changed" "    Port    REG_DWORD    0x51" "$(param_line Port)"
        cleanup_account
}

run_test test_types
run_test test_keys
run_test test_delete_key
run_test test_delete_and_lkg
run_test test_access
finish
