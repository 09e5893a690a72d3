#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# libscm as a library people link, from an installed tree: its headers
# bring no third-party header (but <scm/raw.h>, the escape hatch, which
# brings jansson's), libscm.so exports only what they declare, and every
# example of examples/libscm (one per header) builds with pkg-config alone
# and does what it says on a real scmd, checked from outside with scctl and
# the file system.  native-counter (<scm/service.h>) runs as a service.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EX_BIN=""
PC_FLAGS=""
LIBDIR=""
INCDIR=""

# install_tree DEST: meson install into DEST; sets PC_FLAGS and LIBDIR.
install_tree() {
        run meson install -C "$BUILD_DIR" --destdir "$1" --no-rebuild
        assert_rc "meson install --destdir" 0 || {
                diag "$(last_run)"
                return 1
        }
        local pc
        pc=$(find "$1" -name scm.pc | head -n 1)
        check "installed: scm.pc" test -f "$pc" || return 1
        export PKG_CONFIG_SYSROOT_DIR="$1" PKG_CONFIG_PATH
        PKG_CONFIG_PATH=$(dirname "$pc")
        PC_FLAGS=$(pkg-config --cflags --libs scm)
        LIBDIR=$(grep -o -- '-L[^ ]*' <<<"$PC_FLAGS" | head -n 1)
        LIBDIR=${LIBDIR#-L}
        INCDIR=$(dirname "$(find "$1" -path '*/include/scm/client.h' | head -n 1)")
}

# check_headers DEST: each installed <scm/*.h> compiles alone and pulls in
# no third-party header; only raw.h brings <jansson.h>.
check_headers() {
        local h name deps
        for h in "$INCDIR"/*.h; do
                name=$(basename "$h")
                # shellcheck disable=SC2046 # pkg-config's flags are words
                if ! deps=$(printf '#include <scm/%s>\n' "$name" | cc -M $(pkg-config --cflags scm) -x c - 2>&1); then
                        tap_not_ok "<scm/$name> compiles alone" "$deps"
                        continue
                fi
                if [ "$name" = raw.h ]; then
                        assert_contains "<scm/raw.h> brings <jansson.h> (the escape hatch)" "$deps" "jansson.h"
                        continue
                fi
                if grep -Eq 'jansson|sodium|sqlite|seccomp|security/pam' <<<"$deps"; then
                        tap_not_ok "<scm/$name> includes no third-party header" "$deps"
                else
                        tap_ok "<scm/$name> includes no third-party header"
                fi
        done
}

# check_exports DEST: nm -D shows only functions the installed headers
# declare; the common code libscm is made of stays inside.
check_exports() {
        if ! command -v nm >/dev/null; then
                tap_skip "libscm.so exports only its public functions" "no nm (binutils)"
                return
        fi
        local syms s stray="" undeclared=""
        syms=$(nm -D --defined-only "$LIBDIR/libscm.so" | awk '$2 ~ /[TDBR]/ {sub(/@.*/, "", $3); print $3}')
        check "libscm.so exports scm_enumerate" grep -qx scm_enumerate <<<"$syms"
        for s in $syms; do
                case $s in
                scm_*) grep -qw -- "$s" "$INCDIR"/*.h || undeclared+=" $s" ;;
                *) stray+=" $s" ;;
                esac
        done
        assert_eq "libscm.so exports nothing but scm_* functions" "" "$stray"
        assert_eq "every function libscm.so exports is declared in an installed header" "" "$undeclared"
        assert_not_contains "internal scm_paths_resolve is not exported" "$syms" "scm_paths_resolve"
}

# check_man3 DEST: a section-3 page for every exported function, which man
# opens; the pages are those scripts/gen-man3.py makes of the headers now.
check_man3() {
        local man3 s missing=""
        man3=$(dirname "$(find "$1" -path '*/man3/scm-client.3' | head -n 1)")
        for s in $(nm -D --defined-only "$LIBDIR/libscm.so" 2>/dev/null | awk '$2 ~ /T/ {sub(/@.*/, "", $3); print $3}'); do
                [ -f "$man3/$s.3" ] || missing+=" $s"
        done
        assert_eq "every exported function has its man3 page" "" "$missing"
        if command -v man >/dev/null; then
                run env MANPATH="${man3%/man3}" MANPAGER=cat PAGER=cat man 3 scm_query_status
                assert_contains "man 3 scm_query_status opens scm-client(3)" "$OUT" "scm_connect"
        else
                tap_skip "man 3 scm_query_status opens" "no man program"
        fi
        if command -v python3 >/dev/null; then
                mkdir -p "$D/man3"
                python3 "$SRC/scripts/gen-man3.py" "$D/man3"
                run diff -r "$SRC/docs/man3" "$D/man3"
                assert_rc "docs/man3 is what scripts/gen-man3.py makes of the headers" 0 || diag "$OUT"
        else
                tap_skip "docs/man3 is current" "no python3"
        fi
}

# build_examples: each examples/libscm/*.c with pkg-config alone.
build_examples() {
        local san="" src name libs
        # A library built with ASan/UBSan (make check-asan) needs them too.
        ldd "$LIBDIR/libscm.so" 2>/dev/null | grep -q libasan && san="-fsanitize=address,undefined"
        EX_BIN="$D/ex"
        mkdir -p "$EX_BIN"
        for src in "$SRC"/examples/libscm/*.c "$SRC"/examples/native-counter.c; do
                name=$(basename "$src" .c)
                libs=scm
                [ "$name" = raw ] && libs="scm jansson"
                # shellcheck disable=SC2086,SC2046 # flags are words
                run cc $san -Wall -Wextra -Werror "$src" $(pkg-config --cflags --libs $libs) \
                        -Wl,-rpath,"$LIBDIR" -o "$EX_BIN/$name"
                assert_rc "examples: $name.c builds with pkg-config --cflags --libs $libs" 0 ||
                        diag "$(last_run)"
        done
}

# ex NAME ARGS...: run the example NAME on this test's scmd.
ex() {
        local name=$1
        shift
        run "$EX_BIN/$name" "$D/run/scm.sock" "$@"
}

check_list_and_manage() {
        create_helper alpha || return
        ex list-services
        assert_rc "list-services exits 0" 0
        assert_contains "list-services lists alpha, stopped" "$OUT" "alpha"
        if [[ "$OUT" == *alpha*stopped* ]]; then
                tap_ok "...as stopped"
        else
                tap_not_ok "...as stopped" "$(last_run)"
        fi

        ex manage beta "/bin/sleep 1000"
        assert_rc "manage exits 0" 0 || diag "$(last_run)"
        assert_contains "manage reads back start_type" "$OUT" "start_type disabled"
        assert_contains "manage reads back its dependency" "$OUT" "dependency +Network"
        assert_contains "manage reads back its failure actions" "$OUT" "action restart 5000"
        run_sc qc beta
        assert_icontains "scctl qc: beta was created disabled (start_type changed)" "$OUT" "disabled"
        assert_contains "scctl qc: beta depends on +Network" "$OUT" "+Network"
        assert_contains "scctl qc: beta has its description" "$OUT" "examples/libscm/manage.c"
        run_sc qfailure beta
        assert_contains "scctl qfailure: reset period 3600" "$OUT" "3600"
        assert_icontains "scctl qfailure: restart after 5000 ms" "$OUT" "restart"
}

check_notify() {
        create_helper gamma || return
        ex notify gamma
        assert_rc "notify exits 0" 0 || diag "$(last_run)"
        assert_contains "notify saw gamma running" "$OUT" "gamma running"
        assert_contains "notify waited for stopped" "$OUT" "gamma stopped at last"
        check "scctl: gamma is stopped afterwards" state_is gamma stopped
}

check_params_tasks_sockets() {
        ex params alpha
        assert_rc "params exits 0" 0 || diag "$(last_run)"
        assert_contains "params lists the REG_SZ" "$OUT" "Greeting REG_SZ hello"
        assert_contains "params lists the REG_DWORD" "$OUT" "Port REG_DWORD 8080"
        run_sc param alpha Port
        assert_contains "scctl param shows the DWORD the example stored (8080)" "$OUT" "REG_DWORD    0x1f90"

        ex tasks nightly /bin/true
        assert_rc "tasks exits 0" 0 || diag "$(last_run)"
        assert_contains "tasks listed its task" "$OUT" "task nightly"
        assert_contains "tasks set and read back a service's field of a task" "$OUT" "restrict_network 1"
        run_sc task list
        assert_not_contains "scctl task list: the example deleted it again" "$OUT" "nightly"

        ex activation alpha "unix:$D/alpha.sock"
        assert_rc "activation exits 0" 0 || diag "$(last_run)"
        assert_contains "activation lists the socket" "$OUT" "socket unix:$D/alpha.sock"
        check "scmd listens on $D/alpha.sock" test -S "$D/alpha.sock"
        run_sc create delta --exec "$(cmdline "$LISTEN_HELPER" --instance)"
        ex activation delta "unix:$D/delta.sock" 2
        assert_rc "activation with an instance per connection exits 0" 0 || diag "$(last_run)"
        assert_contains "scm_set_accept sets it, scm_query_instances reads it back" "$OUT" \
                "accept 2 instances at most, 0 running"
        run "$LISTEN_HELPER" --connect "$D/delta.sock"
        assert_contains "...and a client is answered by an instance" "$OUT" "names=connection"
        ex activation delta "unix:$D/delta.sock" 1025
        assert_rc "scm_set_accept over 1024 fails" 1
        assert_contains "...refused by scmd" "$ERR" "INVALID_PARAMETER"
        sc stop delta >/dev/null

        ex raw ping
        assert_rc "raw ping exits 0" 0 || diag "$(last_run)"
        assert_contains "raw prints ping's JSON result" "$OUT" "\"version\""
}

check_resources() {
        ex resources alpha
        if [ "$RC" -ne 0 ] && [[ "$ERR" == *NOT_SUPPORTED* ]]; then
                tap_skip "resources sets and reads limits" "scmd has no memory or pids controller here"
                return
        fi
        assert_rc "resources exits 0" 0 || diag "$(last_run)"
        assert_contains "resources reads back memory_max" "$OUT" "memory_max 67108864"
        run_sc qc alpha
        assert_contains "scctl qc shows the memory cap" "$OUT" "67108864"
}

check_native_counter() {
        run_sc create counter --kind native --exec "$EX_BIN/native-counter"
        assert_rc "native-counter (built from the installed tree) is created" 0 || return
        run_sc start counter --wait
        assert_rc "native-counter starts and reports running" 0 || diag "$(last_run)"
        check "scctl: counter is running" state_is counter running
        run_sc stop counter --wait
        check "scctl: counter stopped" state_is counter stopped
}

test_library() {
        local dest="$D/dest"
        if ! command -v pkg-config >/dev/null || ! command -v cc >/dev/null; then
                tap_skip "libscm from an installed tree" "no pkg-config or cc"
                return
        fi
        install_tree "$dest" || return
        check_headers "$dest"
        check_exports "$dest"
        check_man3 "$dest"
        build_examples
        daemon_start || return
        check_list_and_manage
        check_notify
        check_params_tasks_sockets
        check_resources
        check_native_counter
}

run_test test_library
finish
