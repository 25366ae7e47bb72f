#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and print the path of the Debian sid image that everything in
# this project is built and tested in.
#
# The host is Debian 12: its kernel, krb5 and Samba are too old, and sid
# packages must not be mixed into it.  So the image is a debootstrap'ed
# chroot, used both as the build environment and (through virtme-ng) as the
# guest's root filesystem.
#
# The image is keyed by a hash of scripts/image-packages.txt and of this
# script: a second run with the same list costs nothing, a changed list
# builds a new image.  It is built under a temporary name and renamed only
# when complete, so an interrupted run leaves nothing that looks usable.
#
# Usage: scripts/sid-image.sh            build if needed, print the path
#        scripts/sid-image.sh --versions print the versions in the image
# Env:   IAKERB_CACHE  where images live (default /var/cache/iakerb-ktest)
#        IAKERB_MIRROR the Debian mirror (default http://deb.debian.org/debian)

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
pkglist="$here/image-packages.txt"
cache=${IAKERB_CACHE:-/var/cache/iakerb-ktest}
mirror=${IAKERB_MIRROR:-http://deb.debian.org/debian}

die() { echo "sid-image: $*" >&2; exit 1; }
say() { echo "sid-image: $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot need it)"

packages() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pkglist"; }

key=$( (packages; cat "$0") | sha256sum | cut -c1-16)
img="$cache/sid-$key"

# Run a command inside an image, with /proc, /sys, /dev mounted in a private
# mount namespace so that nothing is left mounted when it exits.
in_root() {
	local root=$1; shift
	unshare --mount --propagation private /bin/sh -ec '
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/run"
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive "$@"' sh "$root" "$@"
}

versions() {
	local root=$1
	in_root "$root" dpkg-query -W -f='${Package} ${Version}\n' \
		'linux-image-[0-9]*' 'linux-headers-[0-9]*' 'linux-source-[0-9]*' \
		krb5-kdc samba cifs-utils keyutils virtme-ng 2>/dev/null |
		grep -v -- '-common ' | sort
}

# The kernel we boot, the headers we build against and the source we patch
# must be the same upstream version, or the module will not load.
check_kernel_versions() {
	local root=$1 img_v hdr_v src_v
	img_v=$(ls "$root"/boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n1)
	hdr_v=$(ls -d "$root"/usr/src/linux-headers-*-amd64 2>/dev/null | sed 's|.*/linux-headers-||' | sort -V | tail -n1)
	src_v=$(ls "$root"/usr/src/linux-source-*.tar.xz 2>/dev/null | sed 's|.*/linux-source-||; s|\.tar\.xz||' | sort -V | tail -n1)
	[ -n "$img_v" ] || die "no kernel image in $root/boot"
	[ -n "$hdr_v" ] || die "no kernel headers in $root/usr/src"
	[ -n "$src_v" ] || die "no linux-source tarball in $root/usr/src"
	[ "$img_v" = "$hdr_v" ] ||
		die "kernel image $img_v and headers $hdr_v differ"
	case "$img_v" in
	"$src_v".*) ;;
	*) die "kernel image $img_v and linux-source $src_v differ" ;;
	esac
	local pkg_img pkg_src
	pkg_img=$(in_root "$root" dpkg-query -W -f='${Version}' "linux-image-$img_v")
	pkg_src=$(in_root "$root" dpkg-query -W -f='${Version}' "linux-source-$src_v")
	[ "$pkg_img" = "$pkg_src" ] ||
		die "linux-image-$img_v is $pkg_img but linux-source-$src_v is $pkg_src"
}

if [ "${1:-}" = --versions ]; then
	[ -e "$img/.ready" ] || die "no image yet at $img: run $0"
	versions "$img"
	exit 0
fi

if [ -e "$img/.ready" ]; then
	echo "$img"
	exit 0
fi

mkdir -p "$cache" || die "cannot create $cache"
avail=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
[ "${avail:-0}" -ge 4194304 ] ||
	die "less than 4 GiB free under $cache (the image needs ~2 GiB)"

if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap on the host"
	apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed: no package registry?"
	apt-get install -y -qq debootstrap >/dev/null ||
		die "cannot install debootstrap from the host's registry"
fi

# Only one builder at a time per cache; a second caller waits.
exec 9>"$cache/.lock"
flock 9
if [ -e "$img/.ready" ]; then
	echo "$img"
	exit 0
fi

tmp="$img.tmp"
if [ -d "$tmp" ]; then
	say "removing a half-built image from an interrupted run"
	rm -rf --one-file-system "$tmp"
fi

say "debootstrap sid into $tmp (about 30 s)"
debootstrap --variant=minbase sid "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
	die "debootstrap failed (registry unreachable?): see $cache/debootstrap.log"

# The sid Release file served here may be expired.
cat >"$tmp/etc/apt/apt.conf.d/99iakerb" <<'EOF'
Acquire::Check-Valid-Until "false";
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Dpkg::Use-Pty "false";
EOF
# Keep the kernel's postinst from building an initramfs we never use.
mkdir -p "$tmp/etc/initramfs-tools"
echo 'MODULES=dep' >"$tmp/etc/initramfs-tools/initramfs.conf"
# No daemon may start inside the chroot during installation.
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod +x "$tmp/usr/sbin/policy-rc.d"

say "installing $(packages | wc -l) packages (about 2 minutes)"
# shellcheck disable=SC2046
in_root "$tmp" sh -c 'apt-get update -q && apt-get install -y -q "$@"' sh \
	$(packages) >"$cache/install.log" 2>&1 || {
	tail -n 5 "$cache/install.log" >&2
	die "package installation failed: see $cache/install.log"
}
in_root "$tmp" apt-get clean
# sssd-kcm ships a krb5.conf.d drop-in making KCM: everyone's default
# ccache.  Only the systemd boot runs the KCM daemon: elsewhere MIT's
# default cache would be a socket nobody serves ("No KCM server found").
# The scenario that tests KCM (37) names it in its own krb5.conf.
rm -f "$tmp/etc/krb5.conf.d/kcm_default_ccache"

check_kernel_versions "$tmp"
touch "$tmp/.ready"
rm -rf --one-file-system "$img"
mv "$tmp" "$img"

# Old images are only disk: keep the newest two.
ls -dt "$cache"/sid-* 2>/dev/null | grep -v '\.tmp$' | tail -n +3 |
	while read -r old; do rm -rf --one-file-system "$old"; done

say "image ready: $img"
versions "$img" | sed 's/^/sid-image:   /' >&2
echo "$img"
