#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/in-image.sh's handling of host paths, run ON THE HOST (make
# check runs inside the image, where in-image.sh cannot run, so this is
# not one of its stages): KDIR and KTEST_KERNEL naming host paths reach
# the command at the same path, with KDIR's linked trees; a KDIR that
# exists only in the image is passed as it is, one that exists nowhere is
# refused; exit statuses come through; nothing is left in the image.
# Takes a few seconds.  Prints PASS in-image/<name> or FAIL ..., a count.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -z "${IAKERB_IN_IMAGE:-}" ] || { echo "FAIL in-image/setup: run on the host"; exit 1; }
T_PREFIX=in-image
. "$top/tests/scripts/passfail.sh"
run() { "$top/scripts/in-image.sh" "$@"; }
img=$("$top/scripts/sid-image.sh")
listing() {
	find "$img" -xdev \( -path "$img/proc" -o -path "$img/sys" -o -path "$img/dev" \
		-o -path "$img/tmp" -o -path "$img/run" -o -path "$img/src" \) -prune \
		-o -print 2>/dev/null | sort | sha256sum
}
before=$(listing)

# A kernel image and a kbuild-like tree on the host, outside /tmp (whose
# mount points would land in the image's tmpfs) and inside it
w2=$(mktemp -d -p /var/tmp)
trap 'rm -rf "$work" "$w2"' EXIT
echo kernel-bytes >"$w2/bzImage"
mkdir -p "$w2/obj" "$w2/src/fs" "$w2/common" "$work/k"
echo 'include '"$w2"'/common/Makefile' >"$w2/obj/Makefile"
echo 'common-mk' >"$w2/common/Makefile"
echo 'in-source' >"$w2/src/fs/marker"
ln -s "$w2/src" "$w2/obj/source"
echo tmp-kernel >"$work/k/vmlinuz"

out=$(KTEST_KERNEL=$w2/bzImage run sh -c 'echo "$KTEST_KERNEL"; cat "$KTEST_KERNEL"')
[ "$out" = "$(printf '%s\nkernel-bytes' "$w2/bzImage")" ] && pass ktest-kernel-file ||
	fail ktest-kernel-file "saw: $out"
out=$(KTEST_KERNEL=$work/k/vmlinuz run sh -c 'cat "$KTEST_KERNEL"')
[ "$out" = tmp-kernel ] && pass ktest-kernel-under-tmp || fail ktest-kernel-under-tmp "saw: $out"

out=$(KDIR=$w2/obj run sh -c 'cat "$KDIR/source/fs/marker"')
[ "$out" = in-source ] && pass kdir-source-link || fail kdir-source-link "saw: $out"
out=$(KDIR=$w2/obj run sh -c 'cat "$(sed -n "s/^include //p" "$KDIR/Makefile")"')
[ "$out" = common-mk ] && pass kdir-makefile-include || fail kdir-makefile-include "saw: $out"

kver=$(ls "$img"/boot/vmlinuz-* | sed 's|.*/vmlinuz-||' | sort -V | tail -n1)
ipath=/usr/src/linux-headers-$kver
if [ ! -e "$ipath" ]; then
	out=$(KDIR=$ipath run sh -c 'echo "$KDIR"; test -f "$KDIR/Makefile" && echo ok')
	[ "$out" = "$(printf '%s\nok' "$ipath")" ] && pass kdir-image-path ||
		fail kdir-image-path "saw: $out"
fi
out=$(KDIR=/nonexistent/kdir run true 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'neither here nor in the image' &&
	pass kdir-nowhere-refused || fail kdir-nowhere-refused "rc 0 or no message: $out"

run sh -c 'exit 7'
[ $? -eq 7 ] && pass exit-status || fail exit-status "exit 7 did not come through"

[ "$(listing)" = "$before" ] && pass nothing-left-in-image ||
	fail nothing-left-in-image "the image's file list changed"
finish
