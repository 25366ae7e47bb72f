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
#        Variables named IAKERB_*, KTEST_*, BENCH_* (make bench),
#        CHECK_STAGES, FUZZ_SECONDS (scripts/check.sh), CI and V are
#        passed through.
#        KDIR (a kernel tree for scripts/build-module.sh) and KTEST_KERNEL
#        (tests/ktest/run.sh), when they name host paths, are passed as
#        real paths and mounted in the image at the same path (a file as a
#        file), KDIR with the trees its top-level links and its Makefile's
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
	IAKERB_*|KTEST_*|BENCH_*|CHECK_STAGES|FUZZ_SECONDS|CI|V)
		pass+=("$name=${!name}") ;;
	esac
done < <(env)

# Host paths the command needs (KDIR, KTEST_KERNEL) are mounted in the
# image at their own path; "made" lists the mount points the image lacked
# (the first missing directory, or the file), removed after the run.  A
# path that exists only in the image is passed as it is.
binds= made=()
share() {
	local p=$1 first
	case "$binds" in *"|$p|"*) return ;; esac
	binds="$binds|$p|"
	# /tmp and /run are fresh tmpfs in the image: made there, below
	case "$p" in /tmp/*|/run/*) return ;; esac
	[ -e "$img$p" ] && return
	first=$p
	while [ ! -d "$img$(dirname "$first")" ]; do first=$(dirname "$first"); done
	if [ -d "$p" ]; then
		mkdir -p "$img$p"
	else
		mkdir -p "$img$(dirname "$p")"
		: >"$img$p"
	fi
	made+=("$img$first")
}
if [ -n "${KDIR:-}" ] && [ -d "$KDIR" ]; then
	kdir=$(cd "$KDIR" && pwd -P)
	pass+=("KDIR=$kdir")
	share "$kdir"
	# the other trees it names: an O= directory's "source", Debian's
	# linux-headers-*-common (Makefile include) and linux-kbuild (links)
	for l in "$kdir"/*; do
		[ -L "$l" ] && [ -d "$l" ] || continue
		l=$(readlink -f "$l")
		case "$l/" in "$kdir"/*) ;; *) share "$l" ;; esac
	done
	while read -r inc; do
		[ -e "$inc" ] && share "$(dirname "$(readlink -f "$inc")")"
	done < <(sed -n 's|^include \(/[^ ]*\)$|\1|p' "$kdir/Makefile" 2>/dev/null)
elif [ -n "${KDIR:-}" ] && [ ! -d "$img$KDIR" ]; then
	echo "in-image: KDIR=$KDIR is a directory neither here nor in the image" >&2
	exit 1
elif [ -n "${KDIR:-}" ]; then
	pass+=("KDIR=$KDIR")
fi
if [ -n "${KTEST_KERNEL:-}" ] && [ -e "$KTEST_KERNEL" ]; then
	k=$(readlink -f "$KTEST_KERNEL")
	pass+=("KTEST_KERNEL=$k")	# after the original: env keeps the last
	share "$k"
fi
cleanup() {
	local m
	for m in "${made[@]}"; do
		if [ -d "$m" ]; then
			find "$m" -depth \( -type d -empty -o -type f -empty \) \
				-delete 2>/dev/null || true
		else
			[ -s "$m" ] || rm -f "$m"
		fi
	done
}
trap cleanup EXIT

# The compiler cache (issue 16): beside the image, one per image key, so a
# new image (a new compiler) starts a new cache and sid-image.sh drops it
# with its image.  ccache also hashes the compiler itself and the whole
# preprocessed source, so a hit is the object gcc would have made.
ccache_dir=$(dirname "$img")/ccache-${img##*/sid-}
for d in "$(dirname "$img")"/ccache-*; do
	[ -d "$d" ] && [ ! -d "$(dirname "$img")/sid-${d##*/ccache-}" ] &&
		rm -rf --one-file-system "$d"
done
mkdir -p "$ccache_dir" 2>/dev/null || ccache_dir=
[ -n "$ccache_dir" ] && pass+=("CCACHE_DIR=/var/cache/ccache")

unshare --mount --propagation private /bin/bash -ec '
	img=$1 top=$2 rel=$3 binds=$4 ccache_dir=$5; shift 5
	mount -t proc proc "$img/proc"
	mount --rbind /sys "$img/sys"
	mount --rbind /dev "$img/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$img/tmp"
	mount -t tmpfs tmpfs "$img/run"
	mkdir -p "$img/src"
	mount --bind "$top" "$img/src"
	if [ -n "$ccache_dir" ]; then
		mkdir -p "$img/var/cache/ccache"
		mount --bind "$ccache_dir" "$img/var/cache/ccache"
	fi
	IFS="|"
	for d in $binds; do
		[ -n "$d" ] || continue
		if [ ! -e "$img$d" ]; then
			if [ -d "$d" ]; then mkdir -p "$img$d"
			else mkdir -p "$(dirname "$img$d")"; : >"$img$d"; fi
		fi
		mount --rbind "$d" "$img$d"
	done
	unset IFS
	cd "$img/src$rel"
	exec chroot "$img" /bin/sh -c "cd \"/src$rel\" && exec \"\$@\"" sh "$@"
' sh "$img" "$top" "$rel" "$binds" "$ccache_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" IAKERB_IN_IMAGE=1 "${pass[@]}" "$@"
