#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Work on the kernel patch series the way kernel developers do: as commits
# in a git tree.  The patches in fs-smb-client-iakerb/ are the source of
# truth; this script turns them into a git tree and back.
#
#   scripts/series.sh init     build/series-git: the pristine fs/smb and
#                              Documentation/admin-guide/cifs of the image's
#                              linux-source, then `git am` of the series
#   scripts/series.sh export   `git format-patch` of that tree's commits back
#                              into fs-smb-client-iakerb/ (make patches)
#   scripts/series.sh each-builds
#                              build cifs.ko at every patch of the series
#
# Run inside the image (make patches does).

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
git_dir=$top/build/series-git
patch_dir=$top/fs-smb-client-iakerb

die() { echo "series: $*" >&2; exit 1; }

pristine() {
	"$top/scripts/build-module.sh" --prepare-only >/dev/null
	ls -d "$top"/build/pristine/linux-source-* | sort -V | tail -n1
}

g() { git -C "$git_dir" -c user.name="${GIT_AUTHOR_NAME:-series}" \
	-c user.email="${GIT_AUTHOR_EMAIL:-series@localhost}" "$@"; }

cmd_init() {
	local p
	p=$(pristine)
	[ -e "$git_dir" ] && die "$git_dir exists: export or remove it first"
	mkdir -p "$git_dir/fs" "$git_dir/Documentation/admin-guide"
	cp -a "$p/fs/smb" "$git_dir/fs/"
	cp -a "$p/Documentation/admin-guide/cifs" "$git_dir/Documentation/admin-guide/"
	g init -q -b base
	g add -A
	g commit -q -m "Linux $(basename "$p" | sed 's/linux-source-//') fs/smb, Documentation/admin-guide/cifs (pristine)"
	g tag pristine
	g checkout -q -b series
	shopt -s nullglob
	for p in "$patch_dir"/*.patch; do
		g am -q --keep-cr "$p" || die "git am $(basename "$p") failed"
	done
	echo "series: $git_dir has $(g rev-list --count pristine..series) commits on branch series"
}

cmd_export() {
	[ -d "$git_dir/.git" ] || die "no $git_dir (scripts/series.sh init)"
	local n
	n=$(g rev-list --count pristine..HEAD)
	[ "$n" -gt 0 ] || die "no commits after pristine"
	rm -f "$patch_dir"/*.patch
	g format-patch -q --no-signature --zero-commit --full-index \
		-o "$patch_dir" pristine..HEAD
	echo "series: exported $n patches to ${patch_dir#$top/}"
}

# Each patch must build on its own (bisectability).
cmd_each_builds() {
	local tmp i=0 n rc=0
	tmp=$(mktemp -d)
	n=$(ls "$patch_dir"/*.patch 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] || { echo "series: no patches"; return 0; }
	for p in "$patch_dir"/*.patch; do
		i=$((i + 1))
		cp "$p" "$tmp/"
		[ "$i" -eq "$n" ] && break	# the full series is built by make module
		if IAKERB_PATCH_DIR=$tmp "$top/scripts/build-module.sh" >"$tmp/log" 2>&1; then
			echo "PASS series/builds-at-$(basename "$p" .patch)"
		else
			echo "FAIL series/builds-at-$(basename "$p" .patch): $(grep -m1 -E 'error|does not apply' "$tmp/log")"
			rc=1
		fi
	done
	rm -rf "$tmp"
	# Leave build/ with the whole series again.
	"$top/scripts/build-module.sh" >/dev/null 2>&1 || rc=1
	# The whole series with cifs options the Debian kernel has otherwise:
	# without the upcall (no Kerberos at all), and with the debug code.
	for conf in "CIFS_UPCALL=n" "CIFS_DEBUG2=y"; do
		if IAKERB_KCONFIG=$conf "$top/scripts/build-module.sh" \
				>"$top/build/series-$conf.log" 2>&1; then
			echo "PASS series/builds-with-$conf"
		else
			echo "FAIL series/builds-with-$conf: $(grep -m1 -E 'error|failed' \
				"$top/build/series-$conf.log")"
			rc=1
		fi
	done
	return $rc
}

case "${1:-}" in
init) cmd_init ;;
export) cmd_export ;;
each-builds) cmd_each_builds ;;
*) die "usage: $0 init|export|each-builds" ;;
esac
