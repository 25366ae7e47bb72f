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

exec unshare --mount --propagation private /bin/bash -ec '
	img=$1 top=$2 rel=$3; shift 3
	mount -t proc proc "$img/proc"
	mount --rbind /sys "$img/sys"
	mount --rbind /dev "$img/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$img/tmp"
	mount -t tmpfs tmpfs "$img/run"
	mkdir -p "$img/src"
	mount --bind "$top" "$img/src"
	cd "$img/src$rel"
	exec chroot "$img" /bin/sh -c "cd \"/src$rel\" && exec \"\$@\"" sh "$@"
' sh "$img" "$top" "$rel" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" IAKERB_IN_IMAGE=1 "${pass[@]}" "$@"
