#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of scripts/build-module.sh's patch handling (inside the image):
# a good series applies, a broken patch stops the build and names the
# patch, the file and the hunk, and a series file naming a missing patch
# is refused.  Uses --prepare-only: nothing is compiled.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
pass() { echo "PASS build/$1"; }
fail() { echo "FAIL build/$1: $2"; failed=1; }

prep() {
	IAKERB_PATCH_DIR=$1 IAKERB_SRC_DIR=$work/src \
		"$top/scripts/build-module.sh" --prepare-only
}

# The pristine tree must exist for the patches below to be made.
mkdir -p "$work/empty"
if ! prep "$work/empty" >/dev/null 2>&1; then
	fail prepare-empty "an empty series did not prepare"
	exit 1
fi
pass prepare-empty
pristine=$(ls -d "$top"/build/pristine/linux-source-* | tail -n1)

# A good patch: one line added to fs/smb/client/Makefile.
mkdir -p "$work/good/a/fs/smb/client" "$work/good/b/fs/smb/client" "$work/s1"
cp "$pristine/fs/smb/client/Makefile" "$work/good/a/fs/smb/client/"
cp "$pristine/fs/smb/client/Makefile" "$work/good/b/fs/smb/client/"
echo '# ktest marker' >>"$work/good/b/fs/smb/client/Makefile"
(cd "$work/good" && diff -u a/fs/smb/client/Makefile b/fs/smb/client/Makefile) \
	>"$work/s1/0001-good.patch"
if prep "$work/s1" >/dev/null 2>&1 &&
		grep -q '^# ktest marker' "$work/src/fs/smb/client/Makefile"; then
	pass good-patch-applies
else
	fail good-patch-applies "the good patch was not applied"
fi

# A broken patch (broken.patch): its context does not match smb2pdu.c.
mkdir -p "$work/s2"
cp "$work/s1/0001-good.patch" "$work/s2/"
cp "$top/tests/scripts/broken.patch" "$work/s2/0002-broken.patch"
out=$(prep "$work/s2" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
	pass broken-patch-stops
else
	fail broken-patch-stops "prepare succeeded with a broken patch"
fi
if echo "$out" | grep -q '0002-broken.patch does not apply' &&
		echo "$out" | grep -q 'fs/smb/client/smb2pdu.c: Hunk #1 FAILED'; then
	pass broken-patch-named
else
	fail broken-patch-named "message lacks patch/file/hunk: $(echo "$out" | tr '\n' ' ')"
fi
[ ! -e "$work/src" ] && pass broken-leaves-no-tree ||
	fail broken-leaves-no-tree "a half-patched tree was left behind"

# A series file naming a patch that is not there.
mkdir -p "$work/s3"
echo 0001-missing.patch >"$work/s3/series"
out=$(prep "$work/s3" 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q 'series names 0001-missing.patch'; then
	pass series-missing-patch
else
	fail series-missing-patch "not refused clearly: $out"
fi
exit $failed
