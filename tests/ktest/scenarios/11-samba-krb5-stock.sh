#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Baseline: sec=krb5 against real Samba with a direct line of sight to a
# real MIT KDC (on a UNIX socket), the user's ticket from kinit, and the
# stock cifs.upcall from cifs-utils doing the upcall through request-key.
. "$KTEST_SRC/tests/ktest/lib.sh"

realm=KTEST.LAN
mnt=$KTEST_WORK/mnt-krb5
mkdir -p "$mnt"

ktest_samba_krb5 "$realm"
ktest_use_upcall stock

export KRB5CCNAME=FILE:/tmp/krb5cc_0
check kinit sh -c "echo Alice-pass-1 | kinit alice@$realm"

check mount mount -t cifs //srv.test/share "$mnt" -o sec=krb5,username=alice,vers=3.1.1
if mountpoint -q "$mnt"; then
	check sectype-kerberos grep -q 'Security type: Kerberos' /proc/fs/cifs/DebugData
	check service-ticket sh -c "klist | grep -q cifs/srv.test@$realm"
	ktest_file_roundtrip krb5 "$mnt"
	check umount umount "$mnt"
fi
# Without a ticket the stock helper has nothing to offer: the mount fails.
kdestroy -A 2>/dev/null
expect_fail no-ticket mount -t cifs //srv.test/share "$mnt" -o sec=krb5,username=alice,vers=3.1.1
mountpoint -q "$mnt" && umount "$mnt"
[ -z "${KTEST_FAILED:-}" ]
