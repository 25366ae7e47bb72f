#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reconnect: the server restarts while a file is being written.  The
# session sets itself up again from a kworker (recon=1, upcall_target=
# mount) with the ticket the first exchange stored: one AP round trip,
# no KDC exchange.  The I/O resumes and the data reads back identical.
# Then, with the ticket cache gone, a second restart: the session's kept
# password takes the exchange through AS and TGS again.  Last, a mount
# for another credential owner (cruid=) reconnects with that owner's
# ticket, not root's.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
check mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,hard,$opts"
mountpoint -q "$mnt" || exit 1

src=$KTEST_WORK/reconnect.src
ktest_random_file "$src" 4194304
check write-before cp "$src" "$mnt/before.bin"
sync
kdc0=$(grep -c '_REQ' "$KDC_LOG")
echo >"$trace"

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
# the new server process set the session up again: one AP-REQ, no KDC leg
after=$KTEST_WORK/smbsrv-after-restart.log
# the smbsrv log from its last start on
since_last_start() {
	awk '/ START pid=/ { n = NR } { l[NR] = $0 }
	     END { for (i = n; i <= NR; i++) print l[i] }' "$LOG_DIR/smbsrv.log"
}
since_last_start >"$after"
check reauthenticated grep -q 'SESSION .*user=alice@' "$after"
check reauth-ap-only sh -c "grep -q 'SESSLEG .*what=AP-REQ' '$after' &&
	! grep -q 'SESSLEG .*kdc=1' '$after'"
info "kernel: $(dmesg | grep CIFS | tail -n 4 | tr '\n' ' ')"
check readback-before cmp "$src" "$mnt/before.bin"
check readback-during cmp "$src" "$mnt/during.bin"
check reconnected sh -c "grep -q 'smb3_krb5_leg: .*dir=final len=0 status=0x0' '$trace'"
info "reconnect legs: $(grep -o 'dir=[a-z]* len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
check reconnect-ap-round-trips test "$(traced_round_trips)" -eq "$iakerb_ap_round_trips"
check reconnect-no-kdc sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') = $kdc0 ]"

# No ticket left (the cache is gone): the reconnect falls back on the
# password the mount was given, kept by the session, and proxies AS and
# TGS through the restarted server again.
rm -f /tmp/krb5cc_0
kdc1=$(grep -c '_REQ' "$KDC_LOG")
echo >"$trace"
iakerb_restart
check password-reconnect-read cmp "$src" "$mnt/before.bin"
info "password reconnect legs: $(grep -o 'dir=recv len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '
' ' ')"
check password-reconnect-round-trips test "$(traced_round_trips)" -ge 3
check password-reconnect-kdc sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') -ge $((kdc1 + 2)) ]"
check password-reconnect-write dd if="$src" of="$mnt/after.bin" bs=64k conv=fsync status=none
check password-reconnect-readback cmp "$src" "$mnt/after.bin"
check umount umount "$mnt"

# Whose ticket: root's cache holds bob's, the mount is alice's for
# cruid=kt_alice.  The reconnect runs in a kworker, as root, and must take
# the mount's credential owner's cache, not the worker's.
ktest_ensure_user kt_alice
auid=$(id -u kt_alice)
rm -f /tmp/krb5cc_0 "/tmp/krb5cc_$auid"
check bob-ticket-for-root mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=bob,password=bobpw,$opts"
mountpoint -q "$mnt" && umount "$mnt"
check cruid-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,cruid=$auid,hard,$opts"
check cruid-cache sh -c "klist -c FILE:/tmp/krb5cc_$auid | grep -q 'alice@'"
check root-cache-is-bobs sh -c "klist -c FILE:/tmp/krb5cc_0 | grep -q 'bob@'"
kdc2=$(grep -c '_REQ' "$KDC_LOG")
iakerb_restart
check cruid-reconnect-read cmp "$src" "$mnt/after.bin"
since_last_start >"$after"
check cruid-reconnect-as-alice grep -q 'SESSION .*user=alice@' "$after"
check cruid-reconnect-not-bob sh -c "! grep -q 'user=bob@' '$after'"
check cruid-reconnect-no-kdc sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') = $kdc2 ]"
check cruid-umount umount "$mnt"
rm -f "/tmp/krb5cc_$auid"
check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
