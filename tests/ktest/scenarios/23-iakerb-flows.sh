#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's multi-leg relay with the sources of a password that users
# have: mount options (sec=iakerb and sec=krb5), a credentials file given
# to the real mount.cifs; preauthentication on (alice) and off (bob);
# realm discovery; the round trips as the kernel traced them; every KDC
# request made by the server.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi

# mount_flow NAME MIN_ROUND_TRIPS MOUNT_OPTIONS
mount_flow() {
	local name=$1 min=$2 o=$3 kdc0 n
	rm -f /tmp/krb5cc_0
	echo >"$trace"
	kdc0=$(grep -c '_REQ' "$KDC_LOG")
	check "$name-mount" mount ${MOUNT_I:-} -t cifs "//$SRV_NAME/share" "$mnt" -o "$o,$opts"
	mountpoint -q "$mnt" || return
	n=$(traced_round_trips)
	info "$name: $n round trips: $(grep -o 'dir=recv len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
	check "$name-round-trips" test "$n" -ge "$min"
	check "$name-debugdata" grep -q "Kerberos round trips: $n" /proc/fs/cifs/DebugData
	# every AS/TGS request the KDC saw came through the server: the client
	# has no KDC to talk to, and smbsrv logged each KDC-bound leg
	check "$name-kdc-via-server" sh -c "
		k=\$(tail -n +$((kdc0 + 1)) '$KDC_LOG' | grep -c '_REQ')
		s=\$(grep -c 'SESSLEG .*kdc=1' '$LOG_DIR/smbsrv.log')
		[ \$k -ge 2 ] && [ \$s -ge \$k ]"
	ktest_file_roundtrip "$name" "$mnt"
	check "$name-umount" umount "$mnt"
}

# preauth required, no realm in the user name: discovery, AS, AS, TGS, AP
mount_flow opt-iakerb 5 "sec=iakerb,username=alice,password=alicepw"
# no preauth: discovery, AS, TGS, AP
mount_flow no-preauth 4 "sec=iakerb,username=bob,password=bobpw"
# sec=krb5: the helper finds no KDC for krb5 and takes IAKerb, offered.
# mount.cifs 7.9 does not pass password= with sec=krb5 ("password
# specified twice, ignoring second", then ENOKEY: measured), so this one
# goes to the kernel directly (mount -i).
MOUNT_I=-i mount_flow opt-krb5 4 "sec=krb5,username=alice,password=alicepw"

# A credentials file, parsed by mount.cifs 7.9 itself
printf 'username=alice\npassword=alicepw\n' >"$KTEST_WORK/alice.cred"
chmod 600 "$KTEST_WORK/alice.cred"
mount_flow credfile 5 "sec=iakerb,credentials=$KTEST_WORK/alice.cred"

# /proc/mounts shows what was asked for
rm -f /tmp/krb5cc_0
if mount -t cifs "//$SRV_NAME/share" "$mnt" -o "sec=iakerb,username=bob,password=bobpw,$opts"; then
	check proc-mounts-sec grep -q "$mnt cifs .*sec=iakerb" /proc/mounts
	check debugdata-iakerb grep -q 'Security type: IAKerb' /proc/fs/cifs/DebugData
	umount "$mnt"
else
	fail proc-mounts-sec "mount failed"
fi

# A user name that would add a field to the key description
m=$(dmesg_mark)
expect_fail injected-user mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=bob;creduid=0x0,password=bobpw,$opts"
check injected-user-logged sh -c "dmesg | tail -n +$((m + 1)) | grep -q \"user name contains ';'\""

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
