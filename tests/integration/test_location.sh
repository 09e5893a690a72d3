#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The suite runs from any checkout location.  Tests run scctl, services
# and scmd as other users; in a checkout those users cannot enter (a 0700
# folder) lib.sh's share_build gives them copies under /tmp.  Here a build
# folder is put inside a 0700 folder, lib.sh is sourced against it, and
# the user nobody really runs the copies: scctl loads libscm.so, the
# test-helper starts, and a service running as nobody reaches its binary.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# closed_build FOLDER: a copy of the binaries the suite uses inside
# FOLDER/private (0700), in the build's layout.
closed_build() {
        local b=$1/private/build
        mkdir -p "$b/tests"
        chmod 700 "$1/private"
        find "$BUILD_DIR" -maxdepth 1 -name 'libscm*.so*' ! -type d -exec cp -P {} "$b/" \;
        cp -p "$BUILD_DIR/scmd" "$BUILD_DIR/scctl" "$b/"
        cp -p "$BUILD_DIR/tests/scm-test-helper" "$BUILD_DIR/tests/scm-test-native" "$b/tests/"
}

# as_nobody CMD...: CMD as the user nobody.
as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

test_closed_build_folder() {
        if ! is_root || ! command -v setpriv >/dev/null; then
                tap_skip "a build folder other users cannot enter" "not root, or no setpriv"
                return
        fi
        closed_build "$D"
        local b=$D/private/build
        # (scctl has libscm linked in: the native helper still loads
        # libscm.so from beside it, which nobody cannot reach here.)
        run as_nobody "$b/tests/scm-test-native" --version
        assert_ne "nobody cannot run the native helper inside the 0700 folder (the premise)" 0 "$RC"

        # lib.sh sourced by a test of a closed build: what it exports.
        local env
        env=$(SCMD=$b/scmd SCCTL=$b/scctl HELPER=$b/tests/scm-test-helper \
                NATIVE=$b/tests/scm-test-native EXAMPLES="" bash -c '
                . "$1"
                trap - EXIT
                printf "%s\n" "$SCMD" "$SCCTL" "$HELPER" "$NATIVE" "$SHARED_BUILD" "$BUILD_DIR"' \
                _ "$(dirname "${BASH_SOURCE[0]}")/lib.sh" | grep -v '^#')
        local scmd scctl helper native shared build
        { read -r scmd; read -r scctl; read -r helper; read -r native; read -r shared; read -r build; } <<<"$env"
        assert_ne "share_build made a shared folder" "" "$shared"
        assert_eq "BUILD_DIR stays the build folder" "$b" "$build"
        assert_eq "SCCTL points into it" "$shared/scctl" "$scctl"
        assert_eq "HELPER keeps the layout (tests/)" "$shared/tests/scm-test-helper" "$helper"
        run as_nobody "$scctl" --version
        assert_rc "nobody runs the copied scctl (libscm.so found beside it)" 0
        run as_nobody "$native" --help
        assert_not_contains "nobody runs the copied native helper (libscm.so found)" "$ERR" "cannot open shared object"
        run as_nobody "$helper" --help
        assert_not_contains "nobody runs the copied test-helper" "$ERR" "Permission denied"

        # The copies work together: a service as nobody, from the shared helper.
        local SCMD=$scmd SCCTL=$scctl HELPER=$helper
        chmod 711 "$D"
        chmod 1777 "$D/reports"
        if daemon_start && create_helper who -- --account nobody && start_helper who; then
                assert_eq "a service as nobody runs the shared test-helper" 65534 "$(report_get who uid)"
        fi
        daemon_stop 30
        SCMD_PID=""
        rm -rf "$shared"
}

run_test test_closed_build_folder
finish
