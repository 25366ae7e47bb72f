#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-install / dkms-uninstall (scripts/dkms.sh), for real, inside
# the image against its own kernel: dkms builds the patched cifs.ko from
# the image's linux-source and headers, installs it in updates/dkms, and
# depmod must then prefer it to the kernel's own; uninstall must give the
# kernel's back.  A series that does not apply must fail the dkms build
# with the patch named in make.log.  Between install and uninstall the VM
# boots the image's kernel on that install: the guest runs plain
# "modprobe cifs", tests/ktest/dkms-installed.sh shows the loaded module
# is the one dkms built, and scenario 22 (IAKerb password mount through
# smbsrv, then its stored ticket) runs on it.  (~4 min: one module build,
# the helper and smbsrv if not built yet, one VM boot.)
#
# The image is the VM's root and is shared: everything dkms writes
# (/usr/src, /var/lib/dkms, /usr/lib/modules/<kver>, the kbuild scripts)
# goes to overlays in a mount namespace of this script's own, so nothing
# stays in the image.  vng runs in that namespace too, and the guest's
# root (virtme-ng exports "/" over 9p, qemu walking the paths in its own
# namespace) shows the overlays: the guest sees the install, nobody
# else does.
#
# The VM lock: this script boots a VM.  On a machine whose VMs take
# turns, either the caller holds the lock for the whole run, as for make
# check and the ktest stages (flock LOCKFILE scripts/in-image.sh
# tests/scripts/test-dkms.sh), or it hands an open descriptor of the lock
# file in and run.sh takes it around the VM boot only, not the ~2 min
# module build (KTEST_VM_LOCK_FD=9 scripts/in-image.sh
# tests/scripts/test-dkms.sh 9>LOCKFILE).  Never both: a second flock
# under a caller already holding the lock would wait for ever.  No lock
# path is named here: the lock file is not in the image, and CI (make
# check alone on its machine) needs none.
# Prints PASS dkms/<name> or FAIL dkms/<name>: why, then a count; the VM's
# lines as PASS dkms/boot/<scenario>/<check>.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${IAKERB_DKMS_NS:-}" ]; then
	exec unshare --mount --propagation unchanged \
		env IAKERB_DKMS_NS=1 "$0" "$@"
fi
T_PREFIX=dkms
. "$top/tests/scripts/passfail.sh"

kver=$(ls /boot/vmlinuz-* | sed 's|.*/vmlinuz-||' | sort -V | tail -n1)
kbuild=$(readlink -f "/usr/lib/modules/$kver/build/scripts")
kbuild=${kbuild%/scripts}
version=$(sed -n 's/^#define UPCALL_VERSION[[:space:]]*"\(.*\)"$/\1/p' \
	"$top/cifs-upcall-iakerb/upcall.h")
tree=/usr/src/cifs-iakerb-$version

command -v dkms >/dev/null || { fail setup "dkms is not in the image"; finish; }
for d in /usr/src /var/lib/dkms "/usr/lib/modules/$kver" "$kbuild"; do
	u=$work/ov/$(echo "$d" | tr / _)
	mkdir -p "$u/up" "$u/wk"
	mount -t overlay overlay -o "lowerdir=$d,upperdir=$u/up,workdir=$u/wk" "$d" ||
		{ fail setup "cannot put an overlay on $d"; finish; }
done

# cat a module, compressed or not
modcat() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# ---- the source tree alone (packagers) ------------------------------------
if DESTDIR=$work/pkg "$top/scripts/dkms.sh" source >/dev/null 2>&1 &&
		grep -q "^PACKAGE_VERSION=\"$version\"$" "$work/pkg$tree/dkms.conf" &&
		[ -x "$work/pkg$tree/scripts/build-module.sh" ] && [ -f "$work/pkg$tree/Kbuild" ] &&
		[ "$(ls "$work/pkg$tree/fs-smb-client-iakerb" | wc -l)" -eq \
		  "$(ls "$top"/fs-smb-client-iakerb/*.patch | wc -l)" ] &&
		! dkms status -m cifs-iakerb | grep -q .; then
	pass source-tree
else
	fail source-tree "DESTDIR=$work/pkg scripts/dkms.sh source: incomplete tree or dkms touched"
fi

# ---- install: dkms add, build, install ------------------------------------
out=$(KVER=$kver "$top/scripts/dkms.sh" install 2>&1)
rc=$?
echo "$out" >"$work/install.log"
if [ $rc -eq 0 ]; then
	pass install
else
	fail install "exit $rc: $(echo "$out" | tail -n3 | tr '\n' ' ')"
fi
path=$(modinfo -k "$kver" -n cifs 2>/dev/null)
case "$path" in
*/updates/dkms/cifs.ko*) pass updates-preferred ;;
*) fail updates-preferred "modinfo -n cifs gives '$path'" ;;
esac
if [ -f "$path" ] && modcat "$path" | grep -a -q 'Kerberos upcall leg'; then
	pass module-patched
else
	fail module-patched "$path does not have the series' messages"
fi
vm=$(modinfo -F vermagic "$path" 2>/dev/null | cut -d' ' -f1)
[ "$vm" = "$kver" ] && pass vermagic || fail vermagic "'$vm' is not $kver"

# ---- the VM boots the installed module --------------------------------------
# relay run.sh's result lines as ours: "PASS scen/check" becomes
# "PASS dkms/boot/scen/check"; everything else is shown as it is
boot_installed() {
	local line name why seen=0 start=$(date +%s)
	if ! make -s -C "$top/cifs-upcall-iakerb" all >"$work/userspace.log" 2>&1 ||
			! make -s -C "$top/tests/ktest" all >>"$work/userspace.log" 2>&1; then
		fail boot/build "helper or smbsrv: $(tail -n3 "$work/userspace.log" | tr '\n' ' ')"
		return
	fi
	while IFS= read -r line; do
		case "$line" in
		PASS\ *)
			pass "boot/${line#PASS }"; seen=1 ;;
		FAIL\ *)
			name=${line#FAIL }
			why=${name#*: }
			[ "$why" = "$name" ] && why=failed
			fail "boot/${name%%: *}" "$why"; seen=1 ;;
		[0-9]*\ passed,\ [0-9]*\ failed) ;;
		*) echo "$line" ;;
		esac
	done < <(cd "$top" && KTEST_MODULE=installed KTEST_KERNEL="/boot/vmlinuz-$kver" \
		KTEST_TAG= KTEST_FILTER= KTEST_TIMEOUT=150 KTEST_VM_TIMEOUT=420 \
		tests/ktest/run.sh tests/ktest/dkms-installed.sh \
		tests/ktest/scenarios/22-smbsrv-iakerb-ourhelper.sh 2>&1; echo "run.sh exit $?")
	[ $seen -eq 1 ] || fail boot/vm "tests/ktest/run.sh reported nothing"
	echo "dkms: the boot part took $(($(date +%s) - start)) s (lock wait included)"
}
case "$path" in
*/updates/dkms/cifs.ko*) boot_installed ;;
*) fail boot/vm "not booted: nothing installed in updates/dkms" ;;
esac

# ---- uninstall ---------------------------------------------------------------
out=$(KVER=$kver "$top/scripts/dkms.sh" uninstall 2>&1)
path=$(modinfo -k "$kver" -n cifs 2>/dev/null)
if [ $? -eq 0 ] && [ ! -e "$tree" ] && ! dkms status -m cifs-iakerb | grep -q . &&
		case "$path" in */kernel/fs/smb/client/cifs.ko*) true ;; *) false ;; esac; then
	pass uninstall-restores-kernel-module
else
	fail uninstall-restores-kernel-module "modinfo -n cifs gives '$path', tree or dkms entry left: $out"
fi

# ---- a series that does not apply --------------------------------------------
"$top/scripts/dkms.sh" source >/dev/null
cp "$top/tests/scripts/broken.patch" "$tree/fs-smb-client-iakerb/0099-broken.patch"
dkms add -m cifs-iakerb -v "$version" >/dev/null 2>&1
out=$(dkms build -m cifs-iakerb -v "$version" -k "$kver" 2>&1)
rc=$?
log=/var/lib/dkms/cifs-iakerb/$version/build/make.log
if [ $rc -ne 0 ] && grep -q 'patch 0099-broken.patch does not apply' "$log" 2>/dev/null &&
		grep -q 'smb2pdu.c' "$log"; then
	pass broken-series-named
else
	fail broken-series-named "dkms build exit $rc; make.log: $(tail -n3 "$log" 2>/dev/null | tr '\n' ' ')"
fi
dkms remove -m cifs-iakerb -v "$version" --all >/dev/null 2>&1

finish
