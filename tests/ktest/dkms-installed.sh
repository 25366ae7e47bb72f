#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A user's machine after make dkms-install: the kernel's own cifs is
# loaded, the user runs "modprobe -r cifs; modprobe cifs" (dkms/README.md,
# "Loading it"), and the module now loaded must be the one dkms built.
# Run by tests/scripts/test-dkms.sh with KTEST_MODULE=installed (guest.sh
# ran plain "modprobe cifs") while its overlays hold that install; not
# under scenarios/, since every other run loads build/cifs.ko or the
# kernel's own, where these checks must fail.  The scenarios after it run
# on the module this one leaves loaded.
#
# What the user checks, and what is checked here:
#   - modinfo -n cifs names /lib/modules/<kver>/updates/dkms/cifs.ko*
#   - the loaded module's srcversion (/sys/module/cifs/srcversion) is
#     that of the module dkms built (/var/lib/dkms/.../module/cifs.ko*),
#     not that of the kernel's own kernel/fs/smb/client/cifs.ko* (which
#     dkms moved to /var/lib/dkms/cifs-iakerb/original_module/<kver>/)
#   - the loaded module has the series' smb3_krb5_leg trace event
. "$KTEST_SRC/tests/ktest/lib.sh"

kver=$(uname -r)
# FILE, FILE.xz, ...: whichever exists
first() {
	local f
	for f in "$1" "$1.xz" "$1.zst" "$1.gz"; do
		[ -f "$f" ] && { echo "$f"; return; }
	done
}
built=$(first "$(echo /var/lib/dkms/cifs-iakerb/*/"$kver"/*/module)/cifs.ko")
# dkms install moves the kernel's own cifs.ko aside (its only other
# cifs, "archiving for uninstallation") and puts it back on dkms remove
own=$(first "/lib/modules/$kver/kernel/fs/smb/client/cifs.ko")
[ -n "$own" ] ||
	own=$(first "$(echo /var/lib/dkms/cifs-iakerb/original_module/"$kver"/*)/cifs.ko")
built_sv=$(modinfo -F srcversion "$built" 2>/dev/null)
own_sv=$(modinfo -F srcversion "$own" 2>/dev/null)
info "dkms built $built ($built_sv); the kernel's own $own ($own_sv)"
loaded() { cat /sys/module/cifs/srcversion 2>/dev/null; }

# What guest.sh's plain modprobe loaded at boot
info "at boot: srcversion '$(loaded)', modinfo -n cifs: '$(modinfo -n cifs 2>&1)'"

# The machine as it was before the install: the kernel's own loaded.
# rmmod, not modprobe -r: cifs' dependencies stay for the insmod.
rmmod cifs && insmod "$own"
if [ -n "$own_sv" ] && [ "$(loaded)" = "$own_sv" ]; then
	pass kernels-own-loaded-first
else
	fail kernels-own-loaded-first "loaded '$(loaded)', not the kernel's own '$own_sv' ($own)"
fi

# The user's steps
check modprobe-r-cifs modprobe -r cifs
check modprobe-cifs modprobe cifs
sv=$(loaded)
path=$(modinfo -n cifs 2>/dev/null)
info "after modprobe -r cifs; modprobe cifs: srcversion '$sv', modinfo -n cifs: '$path'"
case "$path" in
/lib/modules/"$kver"/updates/dkms/cifs.ko* | \
/usr/lib/modules/"$kver"/updates/dkms/cifs.ko*)
	pass modinfo-updates-dkms ;;
*)	fail modinfo-updates-dkms "modinfo -n cifs gives '$path'" ;;
esac
if [ -n "$built_sv" ] && [ "$sv" = "$built_sv" ] &&
		[ "$(modinfo -F srcversion "$path" 2>/dev/null)" = "$built_sv" ]; then
	pass srcversion-is-dkms-build
else
	fail srcversion-is-dkms-build "loaded '$sv', dkms built '$built_sv' ($built)"
fi
if [ -n "$own_sv" ] && [ -n "$sv" ] && [ "$sv" != "$own_sv" ]; then
	pass srcversion-not-kernels-own
else
	fail srcversion-not-kernels-own "loaded '$sv', the kernel's own '$own_sv' ($own)"
fi
check series-trace-event test -d /sys/kernel/tracing/events/cifs/smb3_krb5_leg
# as guest.sh did for the module it loaded
echo 1 >/sys/kernel/tracing/events/cifs/enable 2>/dev/null
[ -z "${KTEST_FAILED:-}" ]
