#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command inside the sid image (scripts/sid-image.sh), with this
# repository bind-mounted at /src and the working directory set to the same
# place relative to it.  /proc, /sys, /dev and a fresh /tmp are mounted in a
# private mount namespace, so nothing stays mounted after the command exits.
#
# Usage: scripts/in-image.sh CMD [ARGS...]
# Env:   IAKERB_IMAGE  use this image instead of building/looking one up
#        Variables named IAKERB_*, KTEST_*, CHECK_STAGES, FUZZ_SECONDS
#        (scripts/check.sh), CI and V are passed through.
#        KDIR (a kernel tree for scripts/build-module.sh) is passed as its
#        real path, and that directory is mounted in the image at the same
#        path, with the directories its top-level links and its Makefile's
#        "include /..." lines name (an O= directory's "source", Debian's
#        split headers): kbuild trees hold absolute paths.  Mount points
#        the image lacks are made for the run and removed after it.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
img=${IAKERB_IMAGE:-$("$here/sid-image.sh")}
[ -e "$img/.ready" ] || { echo "in-image: $img is not a ready image" >&2; exit 1; }

rel=${PWD#"$top"}
[ "$rel" = "$PWD" ] && rel=
pass=()
while IFS='=' read -r name _; do
	case "$name" in
	IAKERB_*|KTEST_*|CHECK_STAGES|FUZZ_SECONDS|CI|V)
		pass+=("$name=${!name}") ;;
	esac
done < <(env)

# KDIR: the directories to mount at their own path, and the mount points
# made for them (the first missing directory of each)
binds= made=()
if [ -n "${KDIR:-}" ]; then
	[ -d "$KDIR" ] || { echo "in-image: KDIR=$KDIR is not a directory" >&2; exit 1; }
	kdir=$(cd "$KDIR" && pwd -P)
	pass+=("KDIR=$kdir")
	dirs=("$kdir")
	for l in "$kdir"/*; do
		[ -L "$l" ] && [ -d "$l" ] && dirs+=("$(readlink -f "$l")")
	done
	while read -r inc; do
		[ -e "$inc" ] && dirs+=("$(dirname "$(readlink -f "$inc")")")
	done < <(sed -n 's|^include \(/[^ ]*\)$|\1|p' "$kdir/Makefile" 2>/dev/null)
	for d in "${dirs[@]}"; do
		case "$d/" in "$kdir"/*) [ "$d" = "$kdir" ] || continue ;; esac
		case "$binds" in *"|$d|"*) continue ;; esac
		binds="$binds|$d|"
		if [ ! -d "$img$d" ]; then
			first=$d
			while [ ! -d "$img$(dirname "$first")" ]; do first=$(dirname "$first"); done
			mkdir -p "$img$d"
			made+=("$img$first")
		fi
	done
fi
cleanup() {
	local m
	for m in "${made[@]}"; do
		find "$m" -depth -type d -empty -delete 2>/dev/null || true
	done
}
trap cleanup EXIT

unshare --mount --propagation private /bin/bash -ec '
	img=$1 top=$2 rel=$3 binds=$4; shift 4
	mount -t proc proc "$img/proc"
	mount --rbind /sys "$img/sys"
	mount --rbind /dev "$img/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$img/tmp"
	mount -t tmpfs tmpfs "$img/run"
	mkdir -p "$img/src"
	mount --bind "$top" "$img/src"
	IFS="|"
	for d in $binds; do
		[ -n "$d" ] && mount --rbind "$d" "$img$d"
	done
	unset IFS
	cd "$img/src$rel"
	exec chroot "$img" /bin/sh -c "cd \"/src$rel\" && exec \"\$@\"" sh "$@"
' sh "$img" "$top" "$rel" "$binds" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" IAKERB_IN_IMAGE=1 "${pass[@]}" "$@"
