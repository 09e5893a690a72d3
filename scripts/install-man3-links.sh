#!/bin/sh
# SPDX-License-Identifier: MIT
# meson's install script: for each function a section-3 page of libscm
# names (docs/man3/scm-*.3, the NAME line), a page FUNCTION.3 that sources
# it, so `man 3 scm_connect` opens scm-client(3).  Honours DESTDIR.
#   install-man3-links.sh SRC_MAN3_DIR MANDIR
set -eu
src=$1
prefix=${MESON_INSTALL_PREFIX:?}
# DESTDIR (may be empty) is what meson put before the prefix.
destdir=${MESON_INSTALL_DESTDIR_PREFIX%"$prefix"}
dir=$destdir$2/man3
mkdir -p "$dir"
for page in "$src"/scm-*.3; do
        base=$(basename "$page")
        sed -n '/^\.SH NAME/{n;p;q}' "$page" | sed 's/ \\-.*//' | tr ',' '\n' |
                while read -r fn; do
                        case $fn in
                        scm_*) printf '.so man3/%s\n' "$base" >"$dir/$fn.3" ;;
                        esac
                done
done
