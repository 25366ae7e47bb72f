#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build cifs.ko out of tree, inside the sid image: extract fs/smb from the
# image's linux-source (once per source version), apply the patch series
# from fs-smb-client-iakerb/ and build against the image's kernel headers.
#
# With KDIR, the build is against that tree instead.  If it is a kernel
# source tree (configured and prepared: `make olddefconfig modules_prepare`
# or a full build; in place, or with O= and KDIR the O= directory), fs/smb
# comes from it too, so the series is applied to that kernel's own
# fs/smb/client.  A headers-only KDIR must be of the linux-source
# tarball's version.  From the host, `KDIR=... make module` mounts KDIR
# into the image at the same path (scripts/in-image.sh).
#
# Usage: scripts/build-module.sh [--prepare-only]
# Env:   KDIR               kernel build tree (default: the image's headers)
#        IAKERB_PATCH_DIR   where the series is (default fs-smb-client-iakerb)
#        IAKERB_SRC_DIR     where the patched tree goes (default build/src;
#                           only --prepare-only may use another place)
#        IAKERB_KCONFIG     other values of cifs options than the kernel's
#                           own .config, e.g. "CIFS_UPCALL=n CIFS_DEBUG2=y":
#                           the module goes to build/cifs-<variant>.ko and
#                           build/cifs.ko is left alone
#        IAKERB_SMB_SOURCE  "tarball": take fs/smb from the image's
#                           linux-source even when KDIR is a source tree
#                           (the debug kernel, built from that same
#                           tarball: the patched tree is then shared)
#        IAKERB_MODULE_OUT  a directory for cifs.ko and the KUnit test
#                           modules the kernel's config asks for, instead
#                           of build/cifs.ko
#
# The patched tree is rebuilt from scratch whenever the series changes; a
# patch that does not apply stops the build naming the patch, file and hunk.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
patch_dir=${IAKERB_PATCH_DIR:-$top/fs-smb-client-iakerb}
out=$top/build
prepare_only=
[ "${1:-}" = --prepare-only ] && prepare_only=1

die() { echo "build-module: $*" >&2; exit 1; }

[ -n "${IAKERB_IN_IMAGE:-}" ] || [ -n "${KDIR:-}" ] ||
	die "run inside the image (make module), or set KDIR"

kdir_given=${KDIR:-}
if [ -z "${KDIR:-}" ]; then
	kver=$(ls /boot/vmlinuz-* | sed 's|.*/vmlinuz-||' | sort -V | tail -n1)
	KDIR=/lib/modules/$kver/build
fi
[ -f "$KDIR/Makefile" ] || die "no kernel build tree at $KDIR"

# KDIR's own source, when it is a source tree (in place, or an O=
# directory with the "source" link kbuild makes there)
ksrc=
if [ -n "$kdir_given" ] && [ "${IAKERB_SMB_SOURCE:-}" != tarball ]; then
	for d in "$KDIR" "$KDIR/source"; do
		if [ -f "$d/fs/smb/client/Makefile" ] &&
				[ -f "$d/scripts/asn1_compiler.c" ]; then
			ksrc=$(cd "$d" && pwd -P)
			break
		fi
	done
fi
if [ -n "$kdir_given" ] && [ -z "$prepare_only" ] &&
		[ ! -f "$KDIR/include/generated/autoconf.h" ]; then
	die "$KDIR is not configured and prepared (run there: make olddefconfig modules_prepare)"
fi

if [ -n "$ksrc" ]; then
	tarball=
	srcname=kdir-$(cd "$ksrc" && find fs/smb fs/nls/nls_ucs2_utils.h \
		fs/nls/nls_ucs2_data.h -type f -print0 | sort -z |
		xargs -0 sha256sum | sha256sum | cut -c1-16)
else
	# The tarball of KDIR's X.Y if there is one, else the newest
	uts=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$KDIR/include/generated/utsrelease.h" 2>/dev/null || true)
	xy=$(echo "$uts" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
	tarball=/usr/src/linux-source-$xy.tar.xz
	[ -n "$xy" ] && [ -f "$tarball" ] ||
		tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
	[ -n "$tarball" ] || die "no /usr/src/linux-source-*.tar.xz (is linux-source${xy:+-$xy} installed?)"
	srcname=$(basename "$tarball" .tar.xz)
	# Headers of another kernel cannot build the tarball's fs/smb.
	srcver=${srcname#linux-source-}
	case "$uts" in
	''|"$srcver"|"$srcver".*|"$srcver"-*|"$srcver"+*) ;;
	*) die "KDIR=$KDIR is a $uts kernel but fs/smb would come from $srcname: give KDIR that kernel's source tree" ;;
	esac
fi

# The series: the order in fs-smb-client-iakerb/series if present, else the
# *.patch files sorted by name (git format-patch numbers them).
series=()
if [ -f "$patch_dir/series" ]; then
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		[ -f "$patch_dir/$p" ] || die "series names $p, which is not in $patch_dir"
		series+=("$p")
	done <"$patch_dir/series"
else
	for p in "$patch_dir"/*.patch; do
		[ -e "$p" ] && series+=("$(basename "$p")")
	done
fi

# 1. The pristine subset of the source, extracted once per source version
# (.done-2: with Documentation/admin-guide/cifs, which the series'
# documentation patch changes).
pristine=$out/pristine/$srcname
if [ -n "$ksrc" ] && [ ! -e "$pristine/.done-2" ]; then
	echo "  COPY    fs/smb of $ksrc"
	rm -rf "$out"/pristine/kdir-*
	mkdir -p "$pristine/fs/nls" "$pristine/scripts" "$pristine/include/linux"
	cp -a "$ksrc/fs/smb" "$pristine/fs/"
	cp -a "$ksrc/fs/nls/nls_ucs2_utils.h" "$ksrc/fs/nls/nls_ucs2_data.h" \
		"$pristine/fs/nls/"
	cp -a "$ksrc/scripts/asn1_compiler.c" "$pristine/scripts/"
	cp -a "$ksrc/include/linux/asn1.h" "$ksrc/include/linux/asn1_ber_bytecode.h" \
		"$ksrc/include/linux/asn1_decoder.h" "$pristine/include/linux/"
	# a headers-only tree has no Documentation: then it is left out
	if [ -d "$ksrc/Documentation/admin-guide/cifs" ]; then
		mkdir -p "$pristine/Documentation/admin-guide"
		cp -a "$ksrc/Documentation/admin-guide/cifs" \
			"$pristine/Documentation/admin-guide/"
	fi
	touch "$pristine/.done-2"
fi
if [ ! -e "$pristine/.done-2" ]; then
	echo "  EXTRACT $srcname (fs/smb, asn1_compiler, checkpatch)"
	rm -rf "$pristine"
	mkdir -p "$out/pristine"
	tar -C "$out/pristine" -xf "$tarball" \
		"$srcname/fs/smb" \
		"$srcname/fs/nls/nls_ucs2_utils.h" \
		"$srcname/fs/nls/nls_ucs2_data.h" \
		"$srcname/scripts/asn1_compiler.c" \
		"$srcname/include/linux/asn1.h" \
		"$srcname/include/linux/asn1_ber_bytecode.h" \
		"$srcname/include/linux/asn1_decoder.h" \
		"$srcname/Documentation/admin-guide/cifs" \
		"$srcname/scripts/checkpatch.pl" \
		"$srcname/scripts/spelling.txt" \
		"$srcname/scripts/const_structs.checkpatch" ||
		die "cannot extract from $tarball"
	touch "$pristine/.done-2"
fi

# 2. The patched tree, rebuilt when the series or the source changes.
stamp=$( (echo "$srcname"; for p in "${series[@]}"; do
	echo "$p"; cat "$patch_dir/$p"; done) | sha256sum | cut -c1-32)
src=${IAKERB_SRC_DIR:-$out/src}
if [ ! -e "$src/.series-$stamp" ]; then
	rm -rf "$src"
	# Objects belong to the default tree only (and to KDIR's).
	[ "$src" = "$out/src" ] && rm -rf "$out/obj" "$out"/obj-kdir-*
	mkdir -p "$src/fs/nls"
	cp -a "$pristine/fs/smb" "$src/fs/"
	cp -a "$pristine/fs/nls/nls_ucs2_utils.h" "$pristine/fs/nls/nls_ucs2_data.h" "$src/fs/nls/"
	if [ -d "$pristine/Documentation" ]; then
		cp -a "$pristine/Documentation" "$src/"
		patch_text() { cat "$1"; }
	else
		# no Documentation in KDIR's tree: apply the rest of each patch
		echo "  NOTE    no Documentation/admin-guide/cifs in $srcname: its hunks are skipped"
		patch_text() {
			awk '/^diff --git / { skip = ($3 ~ /^a\/Documentation\//) }
			     !skip' "$1"
		}
	fi
	for p in "${series[@]}"; do
		if ! log=$(patch_text "$patch_dir/$p" |
				patch -d "$src" -p1 --forward --batch --fuzz=0 \
				--no-backup-if-mismatch -r - 2>&1); then
			echo "build-module: patch $p does not apply to $srcname:" >&2
			echo "$log" | awk '
				/^patching file / { f = $3 }
				/FAILED|malformed|can.t find file|Reversed|garbage|Only garbage/ {
					print "build-module:   " (f ? f ": " : "") $0 }' >&2
			rm -rf "$src"
			exit 1
		fi
		echo "  PATCH   $p"
	done
	touch "$src/.series-$stamp"
fi
[ -n "$prepare_only" ] && exit 0

# 3. The Debian headers lack the ASN.1 compiler cifs needs; build it from
# the same source.
if [ ! -x "$KDIR/scripts/asn1_compiler" ]; then
	echo "  HOSTCC  $KDIR/scripts/asn1_compiler"
	cc -O2 -I "$pristine/include" -o "$KDIR/scripts/asn1_compiler" \
		"$pristine/scripts/asn1_compiler.c" ||
		die "cannot build scripts/asn1_compiler"
fi

# 4. Other option values than the kernel's .config: kbuild's make variables
# decide which files are built, and a header included after autoconf.h
# (KCFLAGS come after the kernel's own -include) what the C code sees.
obj=$out/obj
# A given KDIR's objects are kept apart from the image kernel's.
[ -n "$kdir_given" ] && obj=$out/obj-kdir-$(echo "$KDIR" | sha256sum | cut -c1-8)
dest=$out/cifs.ko
kconf=()
if [ -n "${IAKERB_KCONFIG:-}" ]; then
	variant=$(echo "$IAKERB_KCONFIG" | tr ' =' '-_')
	obj=$obj-$variant
	dest=$out/cifs-$variant.ko
	mkdir -p "$obj"
	hdr=$obj/kconfig-override.h
	: >"$hdr"
	for o in $IAKERB_KCONFIG; do
		name=${o%%=*} val=${o#*=}
		case "$name:$val" in
		CIFS_*:y) kconf+=("CONFIG_$name=y")
			echo "#define CONFIG_$name 1" >>"$hdr" ;;
		CIFS_*:n) kconf+=("CONFIG_$name=")
			echo "#undef CONFIG_$name" >>"$hdr" ;;
		*) die "IAKERB_KCONFIG: $o is not CIFS_<option>=y|n" ;;
		esac
	done
	kconf+=("KCFLAGS=-include $hdr")
fi

# A symbol the series adds is not in a kernel configured without it: give
# it the default its Kconfig entry would (the KUnit suite of the upcall,
# when the kernel builds the SMB suites and has the upcall).
auto=$KDIR/include/config/auto.conf
if [ -f "$auto" ] && grep -qE '^CONFIG_SMB_KUNIT_TESTS=(y|m)$' "$auto" &&
		grep -q '^CONFIG_CIFS_UPCALL=y$' "$auto" &&
		grep -q 'CIFS_IAKERB_KUNIT_TESTS' "$src/fs/smb/client/Kconfig"; then
	kconf+=("CONFIG_CIFS_IAKERB_KUNIT_TESTS=m")
fi

# 5. The module itself, through the compiler cache when there is one
# (in the image: scripts/in-image.sh mounts it and sets CCACHE_DIR).
# ccache's compiler links in /usr/lib/ccache stand in for gcc by name, so
# kbuild's CC, whatever the kernel was built with, goes through it.
if [ -z "${IAKERB_NO_CCACHE:-}" ] && [ -n "${CCACHE_DIR:-}" ] &&
		[ -w "$CCACHE_DIR" ] && [ -d /usr/lib/ccache ]; then
	export PATH=/usr/lib/ccache:$PATH
fi
mkdir -p "$obj"
make -C "$KDIR" M="$top" MO="$obj" -j"$(nproc)" modules "${kconf[@]}" \
	${V:+V=$V} || die "cifs.ko failed to build${IAKERB_KCONFIG:+ with $IAKERB_KCONFIG}"
ko=$obj/build/src/fs/smb/client/cifs.ko
[ -f "$ko" ] || die "the build made no $ko"
if [ -n "${IAKERB_MODULE_OUT:-}" ]; then
	mkdir -p "$IAKERB_MODULE_OUT"
	dest=$IAKERB_MODULE_OUT/cifs.ko
	# KUnit suites (CONFIG_SMB_KUNIT_TESTS) build as modules of their own
	for t in "$obj"/build/src/fs/smb/client/*_test.ko; do
		[ -f "$t" ] || continue
		cp "$t" "$IAKERB_MODULE_OUT/"
		echo "  MODULE  ${IAKERB_MODULE_OUT#$top/}/$(basename "$t")"
	done
fi
cp "$ko" "$dest"
echo "  MODULE  ${dest#$top/} ($(modinfo -F vermagic "$dest" | cut -d' ' -f1), ${#series[@]} patches${IAKERB_KCONFIG:+, $IAKERB_KCONFIG})"
