#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# debian/ against what meson installs, without building the packages
# (`make deb` builds them, in about two minutes, then runs lintian): every
# file an install puts in place is claimed by one package's .install file,
# each .install line matches something, the packages of debian/control are
# those with .install files, and libscm0 holds the soname the library has.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null)

# The installed files as a package would have them: /usr/local as /usr.
installed_files() {
        (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||; s|^usr/local/|usr/|' | sort)
}

# The patterns of every .install file, "PACKAGE PATTERN" a line.
install_patterns() {
        local f pkg src
        for f in "$SRC"/debian/*.install; do
                pkg=$(basename "$f" .install)
                while read -r src _; do
                        case $src in "" | "#"*) continue ;; esac
                        printf '%s %s\n' "$pkg" "${src//\$\{DEB_HOST_MULTIARCH\}/$ARCH}"
                done <"$f"
        done
}

# owners FILE: the packages whose patterns claim FILE.
owners() {
        local pkg pat
        while read -r pkg pat; do
                # shellcheck disable=SC2053
                [[ $1 == $pat || $1 == $pat/* ]] && printf '%s ' "$pkg"
        done <<<"$PATTERNS"
}

test_debian() {
        local dest="$D/dest" f o unclaimed="" twice="" pkg pat
        check "debian/control names scm, libscm0, libscm-dev" \
                bash -c "grep -q '^Package: scm$' '$SRC/debian/control' && grep -q '^Package: libscm0$' '$SRC/debian/control' && grep -q '^Package: libscm-dev$' '$SRC/debian/control'"
        for pkg in $(sed -n 's/^Package: //p' "$SRC/debian/control"); do
                check "$pkg has its debian/$pkg.install" test -f "$SRC/debian/$pkg.install"
        done
        check "debian/rules is executable" test -x "$SRC/debian/rules"
        check "the init script debian/scm.scmd.init resolves" test -f "$SRC/debian/scm.scmd.init"
        if [ -z "$ARCH" ]; then
                tap_skip "installed files against debian/*.install" "no dpkg-architecture or gcc"
                return
        fi
        run meson install -C "$BUILD_DIR" --destdir "$dest" --no-rebuild
        assert_rc "meson install --destdir" 0 || return
        PATTERNS=$(install_patterns)
        local files
        files=$(installed_files "$dest")
        while read -r f; do
                o=$(owners "$f")
                [ -z "$o" ] && unclaimed+=" $f"
                [ "$(wc -w <<<"$o")" -gt 1 ] && twice+=" $f($o)"
        done <<<"$files"
        assert_eq "every installed file goes into a package" "" "$unclaimed"
        assert_eq "...into one only" "" "$twice"
        local unused=""
        while read -r pkg pat; do
                local hit=""
                while read -r f; do
                        # shellcheck disable=SC2053
                        if [[ $f == $pat || $f == $pat/* ]]; then
                                hit=1
                                break
                        fi
                done <<<"$files"
                [ -z "$hit" ] && unused+=" $pkg:$pat"
        done <<<"$PATTERNS"
        assert_eq "every .install line matches an installed file" "" "$unused"
        local soname
        soname=$(objdump -p "$BUILD_DIR/libscm.so" 2>/dev/null | awk '/SONAME/ {print $2}')
        assert_eq "libscm's soname is libscm.so.0, as the package libscm0 says" "libscm.so.0" "$soname"
        local exported listed
        exported=$(nm -D --defined-only "$BUILD_DIR/libscm.so" | awk '$2 == "T" {sub(/@.*/, "", $3); print $3}' | sort -u)
        listed=$(awk '/^ scm_/ {sub(/@.*/, "", $1); print $1}' "$SRC/debian/libscm0.symbols" | sort -u)
        assert_eq "libscm0.symbols lists exactly the functions libscm exports" "$exported" "$listed"
}

run_test test_debian
finish
