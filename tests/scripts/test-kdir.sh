#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KDIR=... make module, inside the image (scripts/build-module.sh): a
# kernel tree given by KDIR is what the module is built against, and when
# it has sources, its own fs/smb is what the series is applied to.
#
#  - kdir-build: KDIR is an O=-style build directory (the image's 7.2
#    headers, linked into a directory of our own) whose "source" link
#    names a source tree carrying a marker in fs/smb/client/cifsfs.c; the
#    module is built for real and must carry that marker and the series;
#  - kdir-series-refused: a source tree the series does not apply to
#    stops the build, naming the patch and the file;
#  - kdir-not-prepared, kdir-other-version: an unprepared tree and the
#    headers of another kernel are refused before anything is built.
#
# Everything runs in a copy of the repository, so build/ (cifs.ko, the
# objects) is left alone.  The host side (scripts/in-image.sh mounting a
# host KDIR into the image) cannot be exercised from inside the image.
# Prints PASS kdir/<name> or FAIL kdir/<name>: why, then a count.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
T_PREFIX=kdir
. "$top/tests/scripts/passfail.sh"

kver=$(ls /boot/vmlinuz-* | sed 's|.*/vmlinuz-||' | sort -V | tail -n1)
headers=$(readlink -f "/lib/modules/$kver/build")

# The pristine subset of the image's linux-source (fs/smb, the asn1
# compiler's sources): made by build-module.sh, or now.
pristine=$(ls -d "$top"/build/pristine/linux-source-* 2>/dev/null | sort -V | tail -n1)
if [ -z "$pristine" ]; then
	IAKERB_SRC_DIR=$work/prep "$top/scripts/build-module.sh" --prepare-only \
		>/dev/null 2>&1
	pristine=$(ls -d "$top"/build/pristine/linux-source-* 2>/dev/null | sort -V | tail -n1)
fi
[ -n "$pristine" ] || { fail setup "no pristine linux-source subset"; finish; }

# A copy of the repository without its build products
repo=$work/repo
mkdir -p "$repo"
tar -C "$top" --exclude=./build --exclude='./*/build' --exclude='./tests/*/build' \
	--exclude=./tests/ktest/out --exclude=./.git -cf - . | tar -C "$repo" -xf -
build() { (cd "$repo" && KDIR=$1 scripts/build-module.sh "${@:2}" 2>&1); }

# A source tree: the pristine subset plus a marker
src=$work/linux
mkdir -p "$src"
cp -a "$pristine/fs" "$pristine/scripts" "$pristine/include" "$src/"
echo 'MODULE_INFO(iakerb_kdir_test, "from-kdir-source");' >>"$src/fs/smb/client/cifsfs.c"
echo 'all:' >"$src/Makefile"

# An O= build directory: the image's prepared headers, "source" -> $src
obj=$work/kbuild
mkdir -p "$obj"
for e in "$headers"/* "$headers"/.config; do
	ln -s "$e" "$obj/$(basename "$e")"
done
ln -s "$src" "$obj/source"

# ---- refusals first (nothing is built) -----------------------------------

mkdir -p "$work/bare"
cp -a "$src/fs" "$src/scripts" "$work/bare/"
echo 'all:' >"$work/bare/Makefile"
out=$(build "$work/bare")
if [ $? -ne 0 ] && echo "$out" | grep -q 'not configured and prepared'; then
	pass kdir-not-prepared
else
	fail kdir-not-prepared "an unprepared tree was not refused: $(echo "$out" | tail -n1)"
fi

mkdir -p "$work/old/include/generated"
echo 'all:' >"$work/old/Makefile"
echo '#define UTS_RELEASE "6.1.0-99-amd64"' >"$work/old/include/generated/utsrelease.h"
touch "$work/old/include/generated/autoconf.h"
out=$(build "$work/old")
if [ $? -ne 0 ] && echo "$out" | grep -q 'is a 6.1.0-99-amd64 kernel'; then
	pass kdir-other-version
else
	fail kdir-other-version "headers of 6.1 were not refused: $(echo "$out" | tail -n1)"
fi

cp -a "$src" "$work/linux-bad"
sed -i '0,/SMB2_auth_kerberos/s//SMB2_auth_kerberos_renamed/' \
	"$work/linux-bad/fs/smb/client/smb2pdu.c"
out=$(build "$work/linux-bad" --prepare-only)
if [ $? -ne 0 ] && echo "$out" | grep -q 'patch .* does not apply to kdir-' &&
		echo "$out" | grep -q 'fs/smb/client/smb2pdu.c: .*FAILED'; then
	pass kdir-series-refused
else
	fail kdir-series-refused "no patch/file named: $(echo "$out" | tr '\n' ' ' | cut -c1-300)"
fi

# ---- a real build against KDIR, from KDIR's source -------------------------

out=$(build "$obj")
rc=$?
ko=$repo/build/cifs.ko
npatch=$(ls "$top"/fs-smb-client-iakerb/*.patch | wc -l)
if [ $rc -ne 0 ] || [ ! -f "$ko" ]; then
	fail kdir-build "the build failed: $(echo "$out" | tail -n3 | tr '\n' ' ')"
elif [ "$(modinfo -F iakerb_kdir_test "$ko")" != from-kdir-source ]; then
	fail kdir-build "the module was not built from KDIR's fs/smb"
elif [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" != "$kver" ]; then
	fail kdir-build "vermagic $(modinfo -F vermagic "$ko") is not $kver"
elif [ "$(echo "$out" | grep -c '^  PATCH ')" -ne "$npatch" ]; then
	fail kdir-build "$(echo "$out" | grep -c '^  PATCH ') of $npatch patches applied"
elif ! echo "$out" | grep -q "COPY    fs/smb of $src"; then
	fail kdir-build "build-module.sh did not say it took fs/smb from $src"
else
	pass kdir-build
fi

finish
