#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# What an install gives a user: `meson install --destdir` puts scmd, scctl,
# libscm with its headers and pkg-config file (scm.pc), and the man page
# where they belong; a C client of <scm/client.h> builds from that tree
# with pkg-config alone and talks to a real scmd.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# check_man_pages DEST: man opens scctl(1), scmd(8) and scm-protocol(7)
# from the installed tree, by name (MANPATH) and as files (man -l).
check_man_pages() {
        local man page sec name
        man=$(dirname "$(find "$1" -path '*/man1/scctl.1' | head -n 1)")
        man=${man%/man1}
        for page in 1/scctl 8/scmd 7/scm-protocol; do
                sec=${page%/*}
                name=${page#*/}
                check "installed: man$sec/$name.$sec" test -f "$man/man$sec/$name.$sec"
                if ! command -v man >/dev/null; then
                        tap_skip "man $sec $name opens" "no man program"
                        continue
                fi
                run env MANPATH="$man" MANPAGER=cat PAGER=cat man "$sec" "$name"
                assert_contains "man $sec $name opens after install" "$OUT" "NAME"
                run env MANPAGER=cat PAGER=cat man -l "$man/man$sec/$name.$sec"
                assert_rc "man -l opens $name.$sec" 0
        done
}

# check_unit_and_completion DEST: the systemd unit names the scmd this
# install put in place; the bash completion and protocol.md are there.
check_unit_and_completion() {
        local unit exec
        unit=$(find "$1" -path '*/systemd/system/scmd.service' | head -n 1)
        check "installed: lib/systemd/system/scmd.service" test -f "$unit"
        exec=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit" 2>/dev/null)
        check "...its ExecStart is the installed scmd ($exec)" test -x "$1$exec"
        check "installed: share/bash-completion/completions/scctl" \
                test -f "$(find "$1" -path '*/bash-completion/completions/scctl' | head -n 1)"
        check "installed: share/zsh/site-functions/_scctl" \
                test -f "$(find "$1" -path '*/zsh/site-functions/_scctl' | head -n 1)"
        check "installed: man8/scmd-init.8" test -f "$(find "$1" -path '*/man8/scmd-init.8' | head -n 1)"
        check "installed: man3/scm_query_status.3" \
                test -f "$(find "$1" -path '*/man3/scm_query_status.3' | head -n 1)"
        check "installed: share/doc/scm/protocol.md" \
                test -f "$(find "$1" -path '*/doc/scm/protocol.md' | head -n 1)"
}

test_installed() {
        local build dest
        build=$BUILD_DIR
        dest="$D/dest"
        run meson install -C "$build" --destdir "$dest" --no-rebuild
        assert_rc "meson install --destdir" 0 || {
                diag "$(last_run)"
                return
        }
        local f
        for f in sbin/scmd bin/scctl include/scm/client.h include/scm/service.h share/man/man1/scctl.1 etc/pam.d/scm; do
                check "installed: $f" test -e "$(find "$dest" -path "*/$f" | head -n 1)"
        done
        check_man_pages "$dest"
        check_unit_and_completion "$dest"
        local pc
        pc=$(find "$dest" -name scm.pc | head -n 1)
        check "installed: scm.pc" test -f "$pc"
        [ -f "$pc" ] && command -v pkg-config >/dev/null && command -v cc >/dev/null || return
        local flags libdir
        flags=$(PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs scm)
        libdir=$(grep -o -- '-L[^ ]*' <<<"$flags" | head -n 1)
        libdir=${libdir#-L}
        cat >"$D/client.c" <<'C'
#include <stdio.h>
#include <scm/client.h>

int main(int argc, char **argv) {
        struct scm_client *c;
        struct scm_status st;
        int r = argc == 3 ? scm_connect(argv[1], 10000, &c) : -1;
        if (r >= 0)
                r = scm_query_status(c, argv[2], &st);
        if (r < 0)
                return 1;
        printf("%s is %s\n", argv[2], scm_state_name(st.state));
        scm_disconnect(c);
        return 0;
}
C
        # A library built with ASan/UBSan (make check-asan) needs its programs
        # built with them too.
        local san=""
        ldd "$libdir/libscm.so" 2>/dev/null | grep -q libasan && san="-fsanitize=address,undefined"
        # shellcheck disable=SC2086
        run cc $san -Wall -Werror "$D/client.c" $flags -Wl,-rpath,"$libdir" -o "$D/client"
        assert_rc "a client of <scm/client.h> builds with pkg-config --cflags --libs scm alone" 0 ||
                diag "$(last_run)"
        daemon_start || return
        create_helper inst || return
        run "$D/client" "$D/run/scm.sock" inst
        assert_eq "...and asks the real scmd" "inst is stopped" "$OUT" || diag "$(last_run)"
}

run_test test_installed
finish
