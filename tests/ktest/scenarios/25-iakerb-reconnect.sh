#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reconnect: the server restarts while a file is being written.  The
# session sets itself up again from a kworker (recon=1, upcall_target=
# mount).  The helper keeps nothing a password obtained by default, so
# the session's kept password (the kernel sends the password key again,
# PROTOCOL.md §12) takes the exchange through AS and TGS again; the I/O
# resumes and the data reads back identical.  With store_tickets = owner
# (root mounts for itself) the ticket the first exchange stored makes
# the reconnect one AP round trip, no KDC exchange.  Last, a mount root
# makes for another credential owner (cruid=): nothing is stored for that
# uid, the reconnect is that owner's (its kept password, or its own
# ticket), never root's ticket.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
check mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,hard,$opts"
mountpoint -q "$mnt" || exit 1
# store_tickets is not set: the password's tickets died with the agent
check nothing-stored sh -c "! klist -s -c FILE:/tmp/krb5cc_0"

src=$KTEST_WORK/reconnect.src
ktest_random_file "$src" 4194304
check write-before cp "$src" "$mnt/before.bin"
sync
kdc0=$(grep -c '_REQ' "$KDC_LOG")
echo >"$trace"

# the smbsrv log from its last start on
since_last_start() {
	awk '/ START pid=/ { n = NR } { l[NR] = $0 }
	     END { for (i = n; i <= NR; i++) print l[i] }' "$LOG_DIR/smbsrv.log"
}

# Restart the server under a writer
( sleep 1; "$topo/smbsrv-stop.sh" "$w"; sleep 1
  env SMBSRV="$srv_bin" "$topo/smbsrv-start.sh" "$w" "${srv_mode[@]}" ) &
restarter=$!
# A flush already sent when the connection drops is retried on the old
# handle after the reconnect, which the restarted server no longer knows
# (STATUS_FILE_CLOSED): the client's behaviour without durable handles,
# not the session set-up's.  So an attempt may fail once and is redone;
# every round must end with the whole file written.
check write-across-restart sh -c "retried=0
	for i in 1 2 3 4 5 6; do
		dd if='$src' of='$mnt/during.bin' bs=64k conv=fsync status=none ||
		{ retried=\$((retried + 1)); [ \$retried -le 1 ] || exit 1
		  dd if='$src' of='$mnt/during.bin' bs=64k conv=fsync status=none ||
		  exit 1; }
		sleep 0.5
	done"
wait $restarter
check restarted sh -c "[ \$(grep -c 'START pid=' '$LOG_DIR/smbsrv.log') -ge 2 ]"
# the new server process set the session up again with the kept
# password: AS and TGS through the server again
after=$KTEST_WORK/smbsrv-after-restart.log
since_last_start >"$after"
check reauthenticated grep -q 'SESSION .*user=alice@' "$after"
check reauth-by-password grep -q 'SESSLEG .*what=AS-REQ' "$after"
info "kernel: $(dmesg | grep CIFS | tail -n 4 | tr '\n' ' ')"
check readback-before cmp "$src" "$mnt/before.bin"
check readback-during cmp "$src" "$mnt/during.bin"
check reconnected sh -c "grep -q 'smb3_krb5_leg: .*dir=final len=0 status=0x0 flags=0x0 rc=0' '$trace'"
info "password reconnect legs: $(grep -o 'dir=recv len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
check password-reconnect-round-trips test "$(traced_round_trips)" -ge 3
check password-reconnect-kdc sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') -ge $((kdc0 + 2)) ]"
check password-reconnect-nothing-stored sh -c "! klist -s -c FILE:/tmp/krb5cc_0"
check umount umount "$mnt"

# store_tickets = owner, and root mounts for itself: the ticket is kept,
# and a reconnect is one AP round trip with it, no KDC exchange
iakerb_store_tickets owner
check stored-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,hard,$opts"
check tickets-stored sh -c "klist -c FILE:/tmp/krb5cc_0 | grep -q 'cifs/'"
kdc1=$(grep -c '_REQ' "$KDC_LOG")
echo >"$trace"
iakerb_restart
check stored-reconnect-read cmp "$src" "$mnt/before.bin"
since_last_start >"$after"
check reauth-ap-only sh -c "grep -q 'SESSLEG .*what=AP-REQ' '$after' &&
	! grep -q 'SESSLEG .*kdc=1' '$after'"
info "reconnect legs: $(grep -o 'dir=[a-z]* len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
check reconnect-ap-round-trips test "$(traced_round_trips)" -eq "$iakerb_ap_round_trips"
check reconnect-no-kdc sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') = $kdc1 ]"
check stored-write dd if="$src" of="$mnt/after.bin" bs=64k conv=fsync status=none
check stored-readback cmp "$src" "$mnt/after.bin"
check stored-umount umount "$mnt"

# Whose credentials: root's cache holds bob's (a mount root made for
# itself), the mount is alice's for cruid=kt_alice.  Nothing a password
# obtained goes to kt_alice (never across uids), and the reconnect, in a
# kworker as root, is alice's: kt_alice's kept password, not root's
# ticket.
ktest_ensure_user kt_alice
auid=$(id -u kt_alice)
rm -f /tmp/krb5cc_0 "/tmp/krb5cc_$auid"
check bob-ticket-for-root mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=bob,password=bobpw,$opts"
mountpoint -q "$mnt" && umount "$mnt"
check root-cache-is-bobs sh -c "klist -c FILE:/tmp/krb5cc_0 | grep -q 'bob@'"
check cruid-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,cruid=$auid,hard,$opts"
check cruid-nothing-stored sh -c "! klist -s -c FILE:/tmp/krb5cc_$auid"
check root-cache-still-bobs sh -c "klist -c FILE:/tmp/krb5cc_0 |
	grep -q 'bob@' && ! klist -c FILE:/tmp/krb5cc_0 | grep -q 'alice@'"
kdc2=$(grep -c '_REQ' "$KDC_LOG")
iakerb_restart
check cruid-reconnect-read cmp "$src" "$mnt/after.bin"
since_last_start >"$after"
check cruid-reconnect-as-alice grep -q 'SESSION .*user=alice@' "$after"
check cruid-reconnect-not-bob sh -c "! grep -q 'user=bob@' '$after'"
check cruid-reconnect-by-password sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') -gt $kdc2 ]"
check cruid-umount umount "$mnt"

# kt_alice's own ticket (got where the KDC is, copied into her cache): a
# cruid mount without a password, and its reconnect, take that, not root's
check alice-own-ticket sh -c "'$topo/srvexec.sh' '$w' sh -c \"echo alicepw |
	KRB5CCNAME=FILE:$SRV_DIR/cc.alice kinit alice >/dev/null &&
	KRB5CCNAME=FILE:$SRV_DIR/cc.alice kvno -q cifs/$SRV_NAME &&
	cat $SRV_DIR/cc.alice\" >/tmp/krb5cc_$auid &&
	chown kt_alice /tmp/krb5cc_$auid && chmod 600 /tmp/krb5cc_$auid &&
	klist -s -c FILE:/tmp/krb5cc_$auid"
check cruid-ticket-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,cruid=$auid,hard,$opts"
kdc3=$(grep -c '_REQ' "$KDC_LOG")
iakerb_restart
check cruid-ticket-reconnect-read cmp "$src" "$mnt/after.bin"
since_last_start >"$after"
check cruid-ticket-reconnect-as-alice grep -q 'SESSION .*user=alice@' "$after"
check cruid-ticket-reconnect-no-kdc sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') = $kdc3 ]"
check cruid-ticket-umount umount "$mnt"
rm -f "/tmp/krb5cc_$auid"
check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
