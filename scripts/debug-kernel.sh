#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and print the path of the debug kernel: the image's own
# linux-source, configured by tests/debug-kernel/debug.config (KASAN,
# kmemleak, lockdep, atomic-sleep checks, KUnit) on top of x86_64 defconfig
# and virtme-ng's needs.  make check-debug boots it under virtme-ng and
# loads our cifs.ko, built against it, with the same scenarios.
#
# The Debian kernel has none of these checks and no KUnit, so the series'
# KUnit tests (CONFIG_SMB_KUNIT_TESTS) can only run here.
#
# The build is kept beside the image, keyed by the image's kernel source
# and toolchain and by the config fragment: a second run costs nothing.  It is built in place
# (kbuild trees hold paths) and marked .ready when complete; an interrupted
# build is resumed by the next run.  About 40-60 min on 2 CPUs
# (less with the compiler cache warm); about 3 GiB.
#
# Usage: scripts/debug-kernel.sh     build if needed, print the tree's path
# Env:   IAKERB_CACHE  where images live (default /var/cache/iakerb-ktest)
#        DEBUG_KERNEL_JOBS  make -j (default: the number of CPUs)

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
frag=$top/tests/debug-kernel/debug.config
cache=${IAKERB_CACHE:-/var/cache/iakerb-ktest}

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "debug-kernel: $*" >&2; }

if [ "${IAKERB_IN_IMAGE:-}" = 1 ]; then
	# inside the image: configure and build the tree named by $1
	out=$1
	src=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n1)
	[ -f "$src" ] || die "no linux-source in the image"
	if [ ! -f "$out/Makefile" ]; then
		say "unpacking $(basename "$src")"
		tar -xJf "$src" -C "$out" --strip-components=1
	fi
	cd "$out"
	# virtme-ng's needs on top of defconfig; it puts its own defaults
	# after a --custom fragment, so ours is merged once more after it
	virtme-configkernel --arch x86_64 --defconfig >/dev/null 2>&1
	scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null 2>&1
	make -s olddefconfig >/dev/null
	# every line of the fragment must have survived: a symbol that
	# olddefconfig dropped (a missing dependency) is a config bug here
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n)
			grep -qx "${line%=n}=[ym]" .config &&
				{ say "config: ${line%=n} is still set"; bad=1; } ;;
		CONFIG_*=*)
			grep -qx "$line" .config ||
				{ say "config: $line did not stick"; bad=1; } ;;
		esac
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$frag")
	[ "$bad" = 0 ] || die "the config fragment does not apply"
	jobs=${DEBUG_KERNEL_JOBS:-$(nproc)}
	cc=gcc
	command -v ccache >/dev/null && [ -n "${CCACHE_DIR:-}" ] &&
		cc="ccache gcc"
	say "building with -j$jobs"
	make -s -j"$jobs" CC="$cc" bzImage modules
	# virtme-ng finds the modules of a kernel tree in .virtme_mods
	virtme-prep-kdir-mods >/dev/null 2>&1 || true
	exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (the image needs it)"
"$here/sid-image.sh" >/dev/null
# Keyed by what the kernel is made of: the image's linux-source, compiler
# and binutils, virtme-ng (its configkernel sets part of the config) and
# the fragment.  Not by the rest of the image: a package added to it for
# the tests must not cost a rebuild.  Nor by this script's text.
# shellcheck disable=SC2016 # expanded by dpkg-query, in the image
made_of=$("$here/in-image.sh" sh -c 'dpkg-query -W \
	-f "\${db:Status-Abbrev}\${Package} \${Version}\n" \
	"linux-source-*" binutils virtme-ng | sed -n "s/^ii *//p" &&
	gcc --version | head -n 1') ||
	die "cannot read the image's linux-source and toolchain"
key=$( (echo "$made_of"; cat "$frag") | sha256sum | cut -c1-16)
tree=$cache/debug-kernel-$key
if [ -e "$tree/.ready" ]; then
	echo "$tree"
	exit 0
fi
# Old trees are only disk: a new key replaces them.
for d in "$cache"/debug-kernel-*; do
	[ -d "$d" ] && [ "$d" != "$tree" ] && rm -rf --one-file-system "$d"
done
mkdir -p "$tree"
say "building the debug kernel in $tree (40-60 min on 2 CPUs)"
KDIR=$tree "$here/in-image.sh" /src/scripts/debug-kernel.sh "$tree" ||
	die "build failed (the next run resumes it in $tree)"
touch "$tree/.ready"
echo "$tree"
