#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The scenario behind `make demo`, run in the VM by tests/ktest/run.sh:
# Kerberos with no line of sight to the KDC.  The KDC (real MIT krb5kdc)
# lives in the server's own network and mount namespaces; the client's
# krb5.conf names no realm and no KDC.  The patched cifs.ko relays each
# SESSION_SETUP leg through cifs-upcall-iakerb, which drives MIT's IAKerb
# mechanism; smbsrv (tests/ktest/smbsrv) proxies the AS and TGS requests
# to its KDC.  Then a second mount uses the ticket the first one stored.
. "$KTEST_SRC/tests/ktest/lib.sh"

. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"
. "$KTEST_SRC/tests/ktest/demo-lib.sh"
mnt=/tmp/mnt/share


say "kernel $(uname -r), cifs.ko with $(ls "$KTEST_SRC"/fs-smb-client-iakerb/*.patch | wc -l) IAKerb patches"
iakerb_up || { fail set-up "topology, smbsrv or the builds"; exit 1; }
say "server $SRV_NAME ($SRV_ADDR) in its own namespaces, with MIT krb5kdc for $REALM"
"$topo/srvexec.sh" "$w" sh -c "echo 'hello over IAKerb' >$SRV_DIR/shares/share/hello.txt"
say "the client side: no realm, no KDC, no KDC socket; the helper may keep"
say "what a password obtains in root's cache (store_tickets = owner)"
iakerb_store_tickets owner
step cat /etc/krb5.conf
step cat /etc/request-key.d/cifs.spnego.conf
check no-line-of-sight sh -c "! grep -Eq '^[[:space:]]*kdc[[:space:]]*=' /etc/krb5.conf && [ ! -e $SRV_DIR/kdc.sock ]"

mkdir -p "$mnt"
echo >"$trace"
kdc0=$(grep -c '_REQ' "$KDC_LOG")
demo_mount mount-iakerb "sec=iakerb,username=alice,password=alicepw"
say "the legs, as the kernel traced them (smb3_krb5_leg):"
demo_legs
say "the legs, as smbsrv saw them:"
grep 'SESSLEG' "$LOG_DIR/smbsrv.log" | sed -e 's/^[0-9.]* /  demo:   /' -e 's/ major=.*user=/ user=/'
say "the KDC's log: every request came from the server's side"
tail -n +"$((kdc0 + 1))" "$KDC_LOG" | grep '_REQ' | sed 's/^/  demo:   /'
step grep -E 'Security type|Dialect' /proc/fs/cifs/DebugData
step ls -l "$mnt"
check read-file grep -q 'hello over IAKerb' "$mnt/hello.txt"
step cat "$mnt/hello.txt"
step umount "$mnt"

say "the helper stored what it obtained; the next mount is one AP leg"
step klist -c FILE:/tmp/krb5cc_0
echo >"$trace"
if step mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "sec=krb5,username=alice,$opts"; then
	pass mount-cached-ticket
	demo_legs
	step umount "$mnt"
else
	fail mount-cached-ticket "mount with the stored ticket failed"
fi
[ -z "${KTEST_FAILED:-}" ]
