#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Last in the debug kernel's boot: after every scenario has mounted,
# failed, reconnected and unmounted, ask kmemleak for what nobody points
# to any more.  An object allocated through cifs (or one of our keys) is
# a leak of ours; others are reported but not counted (the rest of the
# kernel is not ours to judge here).  kmemleak reports an object only
# once it has stayed unreferenced across two scans, hence two.
# ktest-timeout: 600
. "$KTEST_SRC/tests/ktest/lib.sh"

km=/sys/kernel/debug/kmemleak
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
if [ ! -w "$km" ]; then
	fail kmemleak-available "no $km (CONFIG_DEBUG_KMEMLEAK?)"
	exit 0
fi
# unmounted, keys gone: give the key garbage collector and RCU a moment
sleep 5
echo scan >"$km"
sleep 5
echo scan >"$km"
cat "$km" >"$KTEST_WORK/kmemleak.txt"
total=$(grep -c '^unreferenced object' "$KTEST_WORK/kmemleak.txt")
# one report: "unreferenced object ..." up to the next one
ours=$(awk '/^unreferenced object/ { if (rep ~ /cifs|smb2|smb3|iakerb/) n++; rep = "" }
	{ rep = rep $0 "\n" }
	END { if (rep ~ /cifs|smb2|smb3|iakerb/) n++; print n + 0 }' \
	"$KTEST_WORK/kmemleak.txt")
info "kmemleak: $total unreferenced objects, $ours through cifs"
if [ "$ours" -gt 0 ]; then
	awk '/^unreferenced object/ { if (rep ~ /cifs|smb2|smb3|iakerb/) printf "%s", rep; rep = "" }
		{ rep = rep $0 "\n" }
		END { if (rep ~ /cifs|smb2|smb3|iakerb/) printf "%s", rep }' \
		"$KTEST_WORK/kmemleak.txt" | head -60 | sed 's/^/  kmemleak: /'
fi
check no-cifs-leaks test "$ours" -eq 0
