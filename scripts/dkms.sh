#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-install / make dkms-uninstall: the patched cifs module as a
# DKMS package, rebuilt by dkms for every kernel installed later.  Runs
# where it is called (a real machine: root, dkms, the kernel's headers and
# linux-source-X.Y), never in the image.
#
# Usage: scripts/dkms.sh install|uninstall|source
#   source     only put the DKMS source tree under DESTDIR (for packagers)
#   install    source, then (without DESTDIR) dkms add + install for KVER
#   uninstall  (without DESTDIR) dkms remove --all, then remove the tree
# Env:   DESTDIR, KVER (default: the running kernel)
#
# The tree: /usr/src/cifs-iakerb-<version>/ with dkms.conf (dkms/
# dkms.conf.in), Kbuild, scripts/build-module.sh and the series.  dkms
# builds a copy of it under /var/lib/dkms and installs cifs.ko in
# /lib/modules/<kver>/updates/dkms, which depmod prefers to the kernel's.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "dkms: $*" >&2; exit 1; }

name=cifs-iakerb
version=$(sed -n 's/^#define UPCALL_VERSION[[:space:]]*"\(.*\)"$/\1/p' \
	"$top/cifs-upcall-iakerb/upcall.h")
[ -n "$version" ] || die "no UPCALL_VERSION in cifs-upcall-iakerb/upcall.h"
destdir=${DESTDIR:-}
tree=$destdir/usr/src/$name-$version
kver=${KVER:-$(uname -r)}

put_source() {
	rm -rf "$tree"
	install -d "$tree/scripts" "$tree/fs-smb-client-iakerb"
	install -m 644 "$top/Kbuild" "$tree/"
	install -m 755 "$top/scripts/build-module.sh" "$tree/scripts/"
	install -m 644 "$top"/fs-smb-client-iakerb/*.patch "$tree/fs-smb-client-iakerb/"
	if [ -f "$top/fs-smb-client-iakerb/series" ]; then
		install -m 644 "$top/fs-smb-client-iakerb/series" "$tree/fs-smb-client-iakerb/"
	fi
	sed "s|@VERSION@|$version|g" "$top/dkms/dkms.conf.in" >"$tree/dkms.conf"
	echo "  INSTALL $tree"
}

case "${1:-}" in
source)
	put_source
	;;
install)
	put_source
	[ -n "$destdir" ] && exit 0
	command -v dkms >/dev/null || die "dkms is not installed (apt install dkms)"
	dkms status -m "$name" -v "$version" | grep -q . ||
		dkms add -m "$name" -v "$version"
	dkms install -m "$name" -v "$version" -k "$kver" ||
		die "dkms could not build or install $name/$version for $kver: see /var/lib/dkms/$name/$version/build/make.log"
	;;
uninstall)
	if [ -z "$destdir" ] && command -v dkms >/dev/null &&
			dkms status -m "$name" -v "$version" | grep -q .; then
		dkms remove -m "$name" -v "$version" --all
	fi
	if [ -d "$tree" ]; then
		rm -rf "$tree"
		echo "  RM      $tree"
	fi
	;;
*)
	die "usage: $0 install|uninstall|source"
	;;
esac
