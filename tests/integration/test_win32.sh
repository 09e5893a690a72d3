#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The Win32 layer (src/win32, docs/porting-windows.md) against the real
# scmd: tests/win32/win32_check runs the service API and the kernel32
# subset through <windows.h> (bad handles, names, buffer sizes, access
# masks, state errors, paging, Config2 levels, notifications and their
# cancellation), with examples/win32/svc.c as the service; then the tree
# is installed with `meson install --destdir`, both examples are built
# from the installed tree with pkg-config alone, and the installer runs
# the service it built: create, configure, read back, start, stop, delete.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD=$BUILD_DIR

test_win32_check() {
        if [ -z "${WIN32_CHECK:-}" ] || [ ! -x "$WIN32_CHECK" ]; then
                tap_not_ok "win32_check is built" "WIN32_CHECK=${WIN32_CHECK:-unset}"
                return
        fi
        daemon_start || return
        SCM_SOCKET="$D/run/scm.sock" SCMD_PID="$SCMD_PID" relay_program "win32_check" 300 \
                "$WIN32_CHECK" "$EXAMPLES/win32-svc"
        assert_contains "scmd recorded ControlServiceExW's reason and comment" \
                "$(cat "$D/scmd.stderr")" "service w32a: stop asked by uid $(id -u) with reason 0x40040005: w32 stop ü"
}

# pkg-config on the installed tree: the .pc holds the real prefix, the
# sysroot points it into the destdir.  The system's own .pc files stay in
# the search path, after the destdir's: scm.pc requires jansson's.
pc() {
        PKG_CONFIG_SYSROOT_DIR="$DEST" PKG_CONFIG_PATH="$PCDIR" pkg-config "$@" scm-win32
}

test_installed_tree() {
        DEST="$D/dest"
        run meson install -C "$BUILD" --destdir "$DEST" --no-rebuild --quiet
        assert_rc "meson install --destdir" 0 || return
        PCDIR=$(dirname "$(find "$DEST" -name scm-win32.pc | head -n1)")
        if [ ! -f "$PCDIR/scm-win32.pc" ]; then
                tap_not_ok "scm-win32.pc is installed" "$(find "$DEST" -name '*.pc')"
                return
        fi
        tap_ok "scm-win32.pc is installed"
        local cflags libs libdir
        cflags=$(pc --cflags) && libs=$(pc --libs)
        # The run-time path: the -L the .pc gives (pkgconf puts the sysroot
        # before it), since the destdir is not where the loader looks; as
        # DT_RPATH, which also serves libscm-win32's own libscm (scmd starts
        # the service with a scrubbed environment: no LD_LIBRARY_PATH).
        libdir=$(grep -o -- '-L[^ ]*' <<<"$libs" | head -n 1)
        libdir=${libdir#-L}
        assert_contains "pkg-config --cflags points into the destdir" "$cflags" "$DEST"
        local src
        src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/examples/win32
        # A library built with ASan/UBSan (make check-asan) needs programs
        # built with them too: the runtime must come first.
        local san=""
        ldd "$libdir/libscm-win32.so" 2>/dev/null | grep -q libasan && san="-fsanitize=address,undefined"
        # shellcheck disable=SC2086
        run cc $san -Wall -Werror "$src/svc.c" $cflags $libs -Wl,--disable-new-dtags,-rpath,"$libdir" -o "$D/svc"
        assert_rc "svc.c builds from the installed tree with pkg-config alone" 0 ||
                diag "$(last_run)"
        # shellcheck disable=SC2086
        run cc $san -Wall -Werror "$src/install.c" $cflags $libs -Wl,--disable-new-dtags,-rpath,"$libdir" \
                -o "$D/install"
        assert_rc "install.c builds from the installed tree with pkg-config alone" 0 ||
                diag "$(last_run)"
        [ -x "$D/svc" ] && [ -x "$D/install" ] || return
        daemon_start || return
        run env SCM_SOCKET="$D/run/scm.sock" timeout 120 "$D/install" "$D/svc" Win32Sample
        assert_rc "the installer's every step succeeds" 0 || diag "$(last_run)"
        assert_contains "it was notified of RUNNING" "$OUT" "notified: status 0, state 4"
        assert_contains "Windows privileges read back as capabilities" "$OUT" \
                "privileges: CAP_SYS_NICE"
        local log
        log=$(cat "$D"/log/Win32Sample*.log 2>/dev/null)
        assert_contains "the service's event log is its log: start arguments" "$log" \
                "Win32Sample: information 0: from the installer"
        assert_contains "the custom control reached the handler" "$log" "custom control 128"
        assert_contains "its MessageBox(MB_SERVICE_NOTIFICATION) went to the logged-in users" \
                "$(cat "$D/scmd.stderr")" "service Win32Sample says to the logged-in users: Win32Sample: hello from the handler"
        run_sc query Win32Sample
        assert_rc "the installer deleted the service" 1
        sample_as_written "$src" "$cflags" "$libs" "$libdir" "$san"
}

# examples/win32/svc_sample.c, in the shape of Microsoft's documented
# sample (<strsafe.h>, _tmain, GetModuleFileName, #pragma comment), builds
# unchanged narrow and UNICODE, installs itself with its quoted path, runs
# and stops under scmd.
sample_as_written() {
        local src=$1 cflags=$2 libs=$3 libdir=$4 san=$5 kind
        for kind in narrow unicode; do
                local def=""
                [ "$kind" = unicode ] && def="-DUNICODE -D_UNICODE"
                # shellcheck disable=SC2086
                run cc $san $def -Wall -Werror "$src/svc_sample.c" $cflags $libs \
                        -Wl,--disable-new-dtags,-rpath,"$libdir" -o "$D/sample-$kind"
                assert_rc "the Svc.cpp-shaped sample builds unchanged ($kind)" 0 || diag "$(last_run)"
        done
        [ -x "$D/sample-unicode" ] || return
        run env SCM_SOCKET="$D/run/scm.sock" "$D/sample-unicode" install
        assert_contains "the UNICODE sample installs itself (wmain, GetModuleFileName)" "$OUT" \
                "Service installed successfully"
        run_sc qc SvcName
        assert_contains "...with its own path, quoted" "$OUT" "$D/sample-unicode"
        run_sc start SvcName --wait
        assert_rc "the sample starts" 0 || diag "$(last_run)"
        assert_contains "...and reports RUNNING" "$OUT" "RUNNING"
        run_sc stop SvcName --wait
        assert_rc "the sample stops" 0 || diag "$(last_run)"
        assert_contains "...and reports STOPPED" "$OUT" "STOPPED"
        run env SCM_SOCKET="$D/run/scm.sock" "$D/sample-narrow"
        assert_contains "outside scmd, the narrow sample reports why in the event log" "$ERR$OUT" \
                "StartServiceCtrlDispatcher failed with 1063"
        sc delete SvcName >/dev/null
}

if ! command -v pkg-config >/dev/null || ! command -v cc >/dev/null; then
        run_test test_win32_check
        tap_skip "installed tree" "pkg-config or cc is missing"
else
        run_test test_win32_check
        run_test test_installed_tree
fi
finish
