#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Kernel-driver services (docs/architecture.md, "Kernel drivers"): a driver
# is a kernel module, running when /sys/module/NAME exists.  Loading and
# unloading a real module is not safe on a machine the tests share (and a
# CI container may have no modules at all), so these tests use what is
# safe everywhere: a module that does not exist (a clear error naming it,
# and a failed boot driver), and a module built into the kernel (found
# running; never unloaded).  Without CAP_SYS_MODULE a load fails with
# PRIVILEGE_NOT_HELD.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MISSING=scm_test_no_such_module

# A module built into this kernel: /sys/module/NAME without initstate (a
# loadable module has one).  printk when it is there.
builtin_module() {
        local d name
        if [ -d /sys/module/printk ] && [ ! -e /sys/module/printk/initstate ]; then
                echo printk
                return 0
        fi
        for d in /sys/module/*; do
                name=${d##*/}
                [[ $name =~ ^[a-z0-9_]+$ ]] || continue
                [ -e "$d/initstate" ] && continue
                echo "$name"
                return 0
        done
        return 1
}

failed_drivers() {
        sc --json query --failed-drivers 2>/dev/null
}

test_missing_module() {
        daemon_start || return
        assert_sc_ok "create a demand driver for a module that does not exist" \
                create nodrv --type kernel-driver --exec "$MISSING opt=1"
        assert_sc_error "start fails: FILE_NOT_FOUND" FILE_NOT_FOUND 2 start nodrv
        assert_contains "...naming the module" "$ERR" "$MISSING"
        assert_eq "...and it stays stopped" stopped "$(status_field nodrv state)"
        assert_eq "...with the error in its status" 2 "$(status_field nodrv win32_exit_code)"
        assert_sc_error "a driver's command line is a module name" INVALID_PARAMETER 87 \
                create baddrv --type kernel-driver --exec /sbin/something
        assert_sc_error "a driver has no kind" INVALID_PARAMETER 87 \
                create kinddrv --type kernel-driver --kind native --exec "$MISSING"
}

test_boot_drivers() {
        local builtin
        builtin=$(builtin_module) || builtin=""
        daemon_start || return
        create_helper plain -- --start auto || return
        assert_sc_ok "create a system driver that cannot load" \
                create lost --type kernel-driver --start system --exec "$MISSING"
        if [ -n "$builtin" ]; then
                assert_sc_ok "create a system driver for the built-in module $builtin" \
                        create here --type kernel-driver --start system --exec "$builtin"
                assert_sc_ok "create a demand driver for it too" \
                        create there --type kernel-driver --exec "$builtin"
        fi
        daemon_stop 30
        daemon_start || return
        wait_report plain ready=1 15 || return
        local out
        out=$(failed_drivers)
        assert_contains "query --failed-drivers lists the driver that did not load" "$out" '"name":"lost"'
        assert_contains "...with FILE_NOT_FOUND" "$out" '"error":"FILE_NOT_FOUND"'
        assert_contains "...and a message naming the module" "$out" "$MISSING"
        run_sc query --failed-drivers
        assert_contains "query --failed-drivers as text" "$OUT" "lost (system): FILE_NOT_FOUND (2)"
        if [ -z "$builtin" ]; then
                tap_skip "a loaded module's driver is running" "no built-in module in /sys/module"
                return
        fi
        wait_state here running 15 && tap_ok "a system driver whose module is built in is running"
        wait_state there running 15 && tap_ok "a demand driver whose module is loaded is found running"
        assert_not_contains "...and is not a failed driver" "$(failed_drivers)" '"name":"here"'
        assert_eq "a driver has no process" 0 "$(status_field here pid)"
}

test_no_privilege() {
        local name="a load without CAP_SYS_MODULE"
        if ! is_root; then
                tap_skip "$name" "not root (setpriv cannot take a capability scmd has not)"
                return
        fi
        command -v setpriv >/dev/null || {
                tap_skip "$name" "no setpriv"
                return
        }
        printf '#!/bin/sh\nexec setpriv --bounding-set=-sys_module %q "$@"\n' "$SCMD" >"$D/scmd-nomodule"
        chmod +x "$D/scmd-nomodule"
        SCMD="$D/scmd-nomodule" daemon_start || return
        assert_sc_ok "create a demand driver" create nopriv --type kernel-driver --exec "$MISSING"
        assert_sc_error "$name fails: PRIVILEGE_NOT_HELD" PRIVILEGE_NOT_HELD 1314 start nopriv
        assert_contains "...saying what is missing" "$ERR" "CAP_SYS_MODULE"
}

# What modprobe says, with a stand-in for it: scmd runs in a mount namespace
# of its own where /usr/local/sbin (first in a service's PATH) holds a
# script that logs its arguments and answers as modprobe would, and the
# modules folder of the running kernel exists (an overlay, in that
# namespace only).  Nothing of the machine changes.
test_modprobe_outcomes() {
        local name="modprobe's outcomes"
        if ! is_root; then
                tap_skip "$name" "not root (a mount namespace)"
                return
        fi
        local lib builtin
        lib=$(readlink -f /lib) || lib=/lib
        builtin=$(builtin_module) || builtin=""
        if [ ! -d /usr/local/sbin ] || [ -z "$builtin" ] ||
                ! unshare --mount --propagation private true 2>/dev/null; then
                tap_skip "$name" "no /usr/local/sbin, no built-in module, or no mount namespace"
                return
        fi
        mkdir -p "$D/upper" "$D/work"
        cat >"$D/modprobe" <<EOS
#!/bin/sh
echo "\$*" >>"$D/modprobe.log"
case "\$*" in
"-- scm_fake_ok"*) exit 0 ;;
"-r -- $builtin") echo "modprobe: FATAL: Module $builtin is builtin." >&2; exit 1 ;;
*) echo "modprobe: ERROR: could not insert '\$2': Exec format error" >&2; exit 1 ;;
esac
EOS
        chmod +x "$D/modprobe"
        cat >"$D/scmd-fake-modprobe" <<EOS
#!/bin/sh
exec unshare --mount --propagation private sh -c '
        if [ ! -d "/lib/modules/\$(uname -r)" ]; then
                mount -t overlay overlay -o "lowerdir=$lib,upperdir=$D/upper,workdir=$D/work" "$lib" &&
                        mkdir -p "/lib/modules/\$(uname -r)" || exit 1
        fi
        mount -t tmpfs tmpfs /usr/local/sbin && cp "$D/modprobe" /usr/local/sbin/modprobe &&
                exec "$SCMD" "\$@"' sh "\$@"
EOS
        chmod +x "$D/scmd-fake-modprobe"
        SCMD="$D/scmd-fake-modprobe" daemon_start || return
        assert_sc_ok "create a driver with parameters" create fake --type kernel-driver \
                --exec "scm_fake_ok answer=42"
        assert_sc_ok "create a driver modprobe refuses" create broken --type kernel-driver \
                --exec scm_fake_broken
        assert_sc_ok "create a driver for $builtin" create builtin --type kernel-driver --exec "$builtin"
        assert_sc_ok "start: modprobe loads it" start fake --wait
        assert_eq "...and it is running" running "$(status_field fake state)"
        check "modprobe got the module and its parameters" grep -qxF -- "-- scm_fake_ok answer=42" "$D/modprobe.log"
        assert_sc_error "start: modprobe fails" SERVICE_SPECIFIC_ERROR 1066 start broken
        assert_contains "...in modprobe's own words, naming the module" "$ERR" "could not insert 'scm_fake_broken'"
        assert_eq "...its exit status as the service-specific code" 1 "$(status_field broken service_exit_code)"
        assert_sc_ok "start $builtin: already loaded" start builtin --wait
        run_sc stop builtin --wait
        check "stop: modprobe -r was asked" grep -qxF -- "-r -- $builtin" "$D/modprobe.log"
        wait_state builtin running 15 && tap_ok "a refused unload leaves it running"
        assert_contains "...and scmd says why" "$(cat "$D/scmd.stderr")" "Module $builtin is builtin."
}

# At shutdown a kernel driver stays loaded, and one that depends on a
# service does not hold that service up: it is stopped (SIGTERM) at once,
# not killed at the budget.
test_shutdown_driver_dependent() {
        local builtin
        if ! builtin_module >/dev/null; then
                tap_skip "a driver depending on a service at shutdown" "no built-in module here"
                return
        fi
        builtin=$(builtin_module)
        daemon_start --shutdown-budget 15 || return
        create_helper under || return
        assert_sc_ok "start under" start under --wait
        assert_sc_ok "a driver of the built-in module $builtin, depending on under" \
                create drvdep --type kernel-driver --exec "$builtin" --depend under
        assert_sc_ok "start drvdep (found loaded)" start drvdep --wait
        check "drvdep is running" state_is drvdep running
        daemon_stop 60
        assert_eq "scmd exits 0" 0 "$DAEMON_RC"
        check "under was stopped with SIGTERM, not killed at the budget" \
                report_has under signal=TERM
}

run_test test_missing_module
run_test test_boot_drivers
run_test test_no_privilege
run_test test_modprobe_outcomes
run_test test_shutdown_driver_dependent
finish
