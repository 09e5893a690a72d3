#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A service's groups and named folders, seen from inside the service (the
# test helper's report: getgid(), getgroups(), its environment, lstat() of
# each folder its variables name) and from outside (/proc, the folders):
#
# - primary_group and supplementary_groups: the gid and groups the process
#   has, for an account of its own and for scmd's; a group that does not
#   exist fails the start naming it; a malformed one is refused by config.
# - runtime, state, cache, logs and configuration folders under /run,
#   /var/lib, /var/cache, /var/log, /etc (scmd --root as root: the
#   machine's; names of this test's own): made before the start, owned by the account and its
#   primary group with the kind's mode (configuration: root's), named in
#   RUNTIME_DIRECTORY ...; the runtime ones gone after the stop while the
#   state one stays with what it holds; a symbolic link planted where a
#   folder belongs (at the end of a name or inside it) is refused and not
#   followed; a name with '..', a leading '/' or a '.' component is refused
#   by create and config.
# - a restricted service (Landlock) may write its folders, not its
#   configuration folder.
# - scmd run by an ordinary user: folders of its own, no group it has not.
# - scctl import maps Group=, SupplementaryGroups=, RuntimeDirectory= ...
#   and their modes onto these settings; export gives them back.
# The groups and the folders' owners need root (another account); as an
# ordinary user those points are skipped.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Run as root, scmd --root makes a service's folders where the system's
# are (/run, /var/lib, ...): this test's names all start with PREFIX, and
# go after each test.
PREFIX="scm-it-$$"

cleanup_folders() {
        local base
        for base in /run /var/lib /var/cache /var/log /etc; do
                rm -rf "$base/$PREFIX"-* 2>/dev/null
        done
        return 0
}
trap 'cleanup_folders; teardown quiet' EXIT

needs_root() {
        is_root && return 0
        tap_skip "$1" "not root"
        return 1
}

# A service account must pass through $D and write its report.
open_test_folder() {
        chmod 711 "$D"
        chmod 1777 "$D/reports"
}

gid_of() {
        getent group "$1" | cut -d: -f3
}

# folder_line NAME KEY PATH: the folder= line of NAME's report for PATH.
folder_line() {
        grep -m1 -F "folder=$2 $3 " "$(report_path "$1")" 2>/dev/null
}

# proc_status PID FIELD: FIELD's value in /proc/PID/status, blanks squeezed.
proc_status() {
        grep -m1 "^$2:" "/proc/$1/status" | cut -d: -f2 | tr -s ' \t' ' ' | sed 's/^ //; s/ $//'
}

test_groups() {
        needs_root "groups of a service as nobody" || return
        local daemon_gid adm_gid
        daemon_gid=$(gid_of daemon)
        adm_gid=$(gid_of adm)
        if [ -z "$daemon_gid" ] || [ -z "$adm_gid" ]; then
                tap_skip "groups of a service" "no 'daemon' or 'adm' group here"
                return
        fi
        open_test_folder
        daemon_start || return
        create_helper grp -- --account nobody --primary-group daemon \
                --supplementary-groups "adm,54321" || return
        run_sc qc grp
        assert_contains "qc shows the primary group" "$OUT" "PRIMARY_GROUP      : daemon"
        assert_contains "...and a supplementary one" "$OUT" "SUPPLEMENTARY_GROUP: 54321"
        start_helper grp || return
        assert_eq "the uid is nobody's" "$(report_get grp uid)" "$(id -u nobody)"
        assert_eq "getgid() is the primary group's" "$(report_get grp gid)" "$daemon_gid"
        local groups pid
        groups=" $(report_get grp groups) "
        assert_contains "getgroups() has the primary group" "$groups" " $daemon_gid "
        assert_contains "...adm, by name" "$groups" " $adm_gid "
        assert_contains "...54321, a gid no group has" "$groups" " 54321 "
        assert_not_contains "...not nobody's own primary group, which daemon replaced" "$groups" \
                " $(id -g nobody) "
        pid=$(report_get grp pid)
        assert_eq "/proc says the real, effective, saved and fs gid are daemon's" \
                "$(proc_status "$pid" Gid)" "$daemon_gid $daemon_gid $daemon_gid $daemon_gid"
        assert_sc_ok "stop grp" stop grp --wait

        # scmd's own account (root) with another primary group.
        create_helper rootgrp -- --primary-group daemon || return
        start_helper rootgrp || return
        assert_eq "scmd's account keeps uid 0" "$(report_get rootgrp uid)" 0
        assert_eq "...with daemon as its gid" "$(report_get rootgrp gid)" "$daemon_gid"
        assert_contains "...and in its groups" " $(report_get rootgrp groups) " " $daemon_gid "
        assert_sc_ok "stop rootgrp" stop rootgrp --wait

        assert_sc_ok "config a primary group that does not exist" config grp --primary-group scm-no-such-group
        : >"$(report_path grp)"
        assert_sc_error "its start fails" SERVICE_LOGON_FAILED 1069 start grp --wait
        assert_contains "...naming the group" "$ERR" "scm-no-such-group"
        check "...and nothing ran" report_lacks grp pid=
        assert_sc_ok "config a supplementary group that does not exist" config grp \
                --primary-group "" --supplementary-groups "adm,scm-no-such-group2"
        assert_sc_error "its start fails" SERVICE_LOGON_FAILED 1069 start grp --wait
        assert_contains "...naming the group" "$ERR" "scm-no-such-group2"
        assert_sc_error "a group name with a space is refused" INVALID_PARAMETER 87 \
                config grp --primary-group "two words"
        assert_contains "...naming the setting" "$ERR" "primary_group"
}

test_folders() {
        needs_root "folders owned by a service's account" || return
        open_test_folder
        local nobody_uid nobody_gid N="$PREFIX-fold"
        nobody_uid=$(id -u nobody)
        nobody_gid=$(id -g nobody)
        daemon_start || return
        create_helper fold --try-write "/var/lib/$N" --try-write "/etc/$N" -- \
                --account nobody --runtime-directory "$N" --runtime-directory "$N-extra/sub" \
                --state-directory "$N" --state-directory-mode 0750 --cache-directory "$N" \
                --logs-directory "$N" --configuration-directory "$N" || return
        run_sc qc fold
        assert_contains "qc shows a runtime folder" "$OUT" "RUNTIME_DIRECTORY  : $N-extra/sub"
        assert_contains "...the state folder with its mode" "$OUT" "STATE_DIRECTORY    : $N (mode 0750)"
        start_helper fold || return
        check "RUNTIME_DIRECTORY names both runtime folders" report_has fold \
                "env=RUNTIME_DIRECTORY=/run/$N:/run/$N-extra/sub"
        check "STATE_DIRECTORY" report_has fold "env=STATE_DIRECTORY=/var/lib/$N"
        check "CACHE_DIRECTORY" report_has fold "env=CACHE_DIRECTORY=/var/cache/$N"
        check "LOGS_DIRECTORY" report_has fold "env=LOGS_DIRECTORY=/var/log/$N"
        check "CONFIGURATION_DIRECTORY" report_has fold "env=CONFIGURATION_DIRECTORY=/etc/$N"
        assert_eq "the runtime folder, seen inside: nobody's, 0755" \
                "$(folder_line fold RUNTIME_DIRECTORY "/run/$N")" \
                "folder=RUNTIME_DIRECTORY /run/$N $nobody_uid $nobody_gid 0755"
        assert_eq "...the nested one too" \
                "$(folder_line fold RUNTIME_DIRECTORY "/run/$N-extra/sub")" \
                "folder=RUNTIME_DIRECTORY /run/$N-extra/sub $nobody_uid $nobody_gid 0755"
        assert_eq "...whose parent stays root's" "$(stat -c '%u %a' "/run/$N-extra")" "0 755"
        assert_eq "the state folder: nobody's, 0750" \
                "$(folder_line fold STATE_DIRECTORY "/var/lib/$N")" \
                "folder=STATE_DIRECTORY /var/lib/$N $nobody_uid $nobody_gid 0750"
        assert_eq "the cache folder" "$(folder_line fold CACHE_DIRECTORY "/var/cache/$N")" \
                "folder=CACHE_DIRECTORY /var/cache/$N $nobody_uid $nobody_gid 0755"
        assert_eq "the logs folder" "$(folder_line fold LOGS_DIRECTORY "/var/log/$N")" \
                "folder=LOGS_DIRECTORY /var/log/$N $nobody_uid $nobody_gid 0755"
        assert_eq "the configuration folder stays root's" \
                "$(folder_line fold CONFIGURATION_DIRECTORY "/etc/$N")" \
                "folder=CONFIGURATION_DIRECTORY /etc/$N 0 0 0755"
        assert_eq "the service may write its state folder" "$(report_get fold "write:/var/lib/$N")" ok
        assert_eq "...not its configuration folder" \
                "$(report_get fold "write:/etc/$N")" EACCES
        echo kept >"/var/lib/$N/data"
        assert_sc_ok "stop fold" stop fold --wait
        check "the runtime folder is gone after the stop" test ! -e "/run/$N"
        check "...the nested one too" test ! -e "/run/$N-extra/sub"
        check "...but not its parent, which is not the service's" test -d "/run/$N-extra"
        check "the state folder stays, with what it holds" test -f "/var/lib/$N/data"
        check "the cache, logs and configuration folders stay" \
                test -d "/var/cache/$N" -a -d "/var/log/$N" -a -d "/etc/$N"

        # An existing folder is repaired: owner and mode, at the next start.
        chown root:root "/var/lib/$N"
        chmod 0777 "/var/lib/$N"
        : >"$(report_path fold)"
        start_helper fold || return
        assert_eq "an existing state folder is given back to nobody with 0750" \
                "$(stat -c '%u %g %a' "/var/lib/$N")" "$nobody_uid $nobody_gid 750"
        assert_sc_ok "stop fold again" stop fold --wait

        # A symbolic link where the state folder belongs: refused, not followed.
        mkdir -m 0700 "$D/target"
        rm -rf "/var/lib/$N"
        ln -s "$D/target" "/var/lib/$N"
        : >"$(report_path fold)"
        run_sc start fold --wait
        assert_rc "a start with a link in the state folder's place fails" 1
        assert_contains "...saying a link is in its place" "$ERR" "symbolic link"
        assert_contains "...naming the folder" "$ERR" "/var/lib/$N"
        check "...nothing ran" report_lacks fold pid=
        assert_eq "...and the link's target was not touched" "$(stat -c '%u %a' "$D/target")" "0 700"
        rm "/var/lib/$N"

        # A link inside a name: the walk refuses it too (another service,
        # so that this does not depend on the refusal above).
        create_helper inner -- --runtime-directory "$N-via/sub" || return
        ln -s "$D/target" "/run/$N-via"
        run_sc start inner --wait
        assert_rc "a start with a link inside a folder's name fails" 1
        assert_contains "...saying a link is in its place" "$ERR" "symbolic link"
        check "...and nothing was made through it" test ! -e "$D/target/sub"
}

test_bad_names() {
        daemon_start || return
        local name
        for name in ../escape /abs a/../b a/./b "a//b"; do
                assert_sc_error "state folder '$name' is refused" INVALID_PARAMETER 87 \
                        create "bad$RANDOM" --exec /bin/true --state-directory "$name"
                assert_contains "...naming the setting" "$ERR" "state_directory"
        done
        create_helper ok || return
        assert_sc_error "config: a runtime folder with '..'" INVALID_PARAMETER 87 \
                config ok --runtime-directory ../../etc
        assert_contains "...naming the setting" "$ERR" "runtime_directory"
        assert_sc_error "config: an absolute logs folder" INVALID_PARAMETER 87 \
                config ok --logs-directory /var/log/x
        run_sc config ok --cache-directory-mode 17777
        assert_rc "a mode above 07777 is refused by scctl" 2
        run_sc --json qc ok
        assert_contains "nothing of it was kept" "$OUT" '"runtime_directory":[],"runtime_directory_mode":493'
        assert_sc_ok "config --runtime-directory x --runtime-directory ''" config ok --runtime-directory x
        assert_sc_ok "...then cleared" config ok --runtime-directory ""
        run_sc --json qc ok
        assert_contains "...gone" "$OUT" '"runtime_directory":[]'
}

# A restricted service (Landlock) may write its state and cache folders,
# not its configuration folder even at mode 0777.
test_restricted() {
        needs_root "folders of a restricted service" || return
        local old=$D
        D=$(mktemp -d /var/tmp/scm-it.XXXXXX) || return # /tmp is writable to everyone
        mkdir -p "$D/reports"
        rm -rf "$old"
        open_test_folder
        local N="$PREFIX-lr"
        daemon_start || return
        create_helper lr --try-write "/var/lib/$N" --try-write "/var/cache/$N" \
                --try-write "/etc/$N" -- --account nobody --state-directory "$N" \
                --cache-directory "$N" --configuration-directory "$N" \
                --configuration-directory-mode 0777 || return
        assert_sc_ok "sidtype lr restricted" sidtype lr restricted
        assert_sc_ok "config lr --writable $D/reports" config lr --writable "$D/reports"
        run_sc start lr --wait
        if [[ $ERR == *NOT_SUPPORTED* ]]; then
                tap_skip "folders of a restricted service" "no Landlock in this kernel"
                return
        fi
        wait_report lr ready=1 || return
        assert_eq "restricted: it may write its state folder" ok "$(report_get lr "write:/var/lib/$N")"
        assert_eq "...and its cache folder" ok "$(report_get lr "write:/var/cache/$N")"
        assert_eq "...not its configuration folder, mode 0777 though it is" EACCES \
                "$(report_get lr "write:/etc/$N")"
        assert_sc_ok "stop lr" stop lr --wait
}

# scmd run by an ordinary user: the folders are its own (no chown), and it
# cannot give a service a group it has not itself.
test_ordinary_scmd() {
        needs_root "scmd run by an ordinary user" || return
        command -v setpriv >/dev/null || {
                tap_skip "scmd run by an ordinary user" "no setpriv"
                return
        }
        local daemon_gid
        daemon_gid=$(gid_of daemon)
        [ -n "$daemon_gid" ] || {
                tap_skip "scmd run by an ordinary user" "no 'daemon' group here"
                return
        }
        open_test_folder
        chown nobody "$D"
        mkdir -p "$D/home"
        chown nobody "$D/home" "$D/reports"
        printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all env HOME=%q %q "$@"\n' \
                "$D/home" "$SCMD" >"$D/scmd-nobody"
        chmod +x "$D/scmd-nobody"
        SCMD=$D/scmd-nobody daemon_start || return
        create_helper own -- --state-directory own --state-directory-mode 0700 || return
        start_helper own || return
        assert_eq "the state folder is scmd's own user's, 0700" \
                "$(folder_line own STATE_DIRECTORY "$D/folders/state/own")" \
                "folder=STATE_DIRECTORY $D/folders/state/own 65534 65534 0700"
        assert_sc_ok "stop own" stop own --wait
        assert_sc_ok "config own --primary-group daemon" config own --primary-group daemon
        assert_sc_error "a group scmd has not: SERVICE_LOGON_FAILED" SERVICE_LOGON_FAILED 1069 \
                start own --wait
        assert_contains "...saying scmd would need root" "$ERR" "run scmd as root"
        assert_sc_ok "config own --primary-group 65534 (scmd's own)" config own --primary-group 65534
        : >"$(report_path own)"
        start_helper own || return
        assert_eq "its own group is fine" "$(report_get own gid)" 65534
        assert_sc_ok "stop own again" stop own --wait
}

# Group=, SupplementaryGroups=, the *Directory= and their modes through
# scctl import, seen from inside; export then import gives them back.
test_import() {
        needs_root "imported groups and folders" || return
        local daemon_gid N="$PREFIX-imp"
        daemon_gid=$(gid_of daemon)
        if [ -z "$daemon_gid" ] || [ -z "$(gid_of adm)" ]; then
                tap_skip "imported groups and folders" "no 'daemon' or 'adm' group here"
                return
        fi
        open_test_folder
        daemon_start || return
        mkdir -p "$D/units"
        printf '%s\n' "[Service]" "ExecStart=$(helper_cmdline imp)" "User=nobody" "Group=daemon" \
                "SupplementaryGroups=adm" "RuntimeDirectory=$N" "RuntimeDirectoryMode=2750" \
                "StateDirectory=$N $N-more" "ConfigurationDirectory=$N" \
                >"$D/units/imp.service"
        run_sc import "$D/units/imp.service"
        assert_rc "import a unit with Group=, SupplementaryGroups= and folders" 0
        assert_not_contains "...nothing of them is listed as not mapped" "$OUT$ERR" "not mapped"
        start_helper imp || return
        assert_eq "Group=daemon: the gid inside" "$(report_get imp gid)" "$daemon_gid"
        assert_contains "SupplementaryGroups=adm: in getgroups()" " $(report_get imp groups) " \
                " $(gid_of adm) "
        assert_eq "RuntimeDirectory= with its mode 2750" \
                "$(folder_line imp RUNTIME_DIRECTORY "/run/$N")" \
                "folder=RUNTIME_DIRECTORY /run/$N $(id -u nobody) $daemon_gid 2750"
        check "StateDirectory= with two names" report_has imp \
                "env=STATE_DIRECTORY=/var/lib/$N:/var/lib/$N-more"
        assert_sc_ok "stop imp" stop imp --wait
        local before
        before=$(sc --json qc imp)
        sc export imp >"$D/units/imp2.service"
        assert_contains "export writes Group=" "$(cat "$D/units/imp2.service")" "Group=daemon"
        assert_contains "...and RuntimeDirectoryMode=" "$(cat "$D/units/imp2.service")" \
                "RuntimeDirectoryMode=2750"
        assert_sc_ok "re-import the export" import --name imp "$D/units/imp2.service"
        assert_eq "round trip of the groups and folders" "$before" "$(sc --json qc imp)"
}

run_test test_groups
cleanup_folders
run_test test_folders
cleanup_folders
run_test test_bad_names
cleanup_folders
run_test test_restricted
cleanup_folders
run_test test_ordinary_scmd
cleanup_folders
run_test test_import
cleanup_folders
finish
