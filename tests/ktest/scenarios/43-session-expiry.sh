#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 900
#
# Session expiry under IAKerb mounts (issue 14, item 3).  The server
# answers a session's requests with STATUS_NETWORK_SESSION_EXPIRED: on
# demand (SIGUSR1), after N requests (fault expire-after=N) or, as Windows
# does, once the ticket the session was set up with has ended (fault
# expire-at-ticket-end).  cifs takes that status for a dead connection
# (smb2_is_session_expired, then cifs_reconnect): a new TCP connection, a
# new NEGOTIATE and a new session, set up again from what the mount has:
#   a) a stored ticket: one AP round trip, no KDC exchange, while a file
#      is being written through an open handle (SIGUSR1);
#   b) a kept password (the cifs.iakerb_cred key) when the stored tickets
#      are gone, or end within the helper's minute: AS and TGS through
#      the server again;
#   c) a stored ticket only, and it is gone: the next I/O fails cleanly,
#      and works again once a ticket is stored;
#   d1) a long password mount across its ticket's end: the helper's final
#      answer says when to authenticate again (reauth=1, a quarter of the
#      ticket's life before its end), and the kernel re-authenticates the
#      session in place before the server would expire it: same
#      connection, same session id, fresh tickets from the kept password,
#      no expiry, I/O goes on;
#   d2) tickets too short-lived for that (under 60 s): no advice, the
#      server expires the session at the ticket's end, and the kept
#      password sets it up again on a new connection.
# Data written across each expiry reads back byte-identical, read from
# the server (cache=none, or the page cache dropped).
#
# a1 and d2 mount hard.  On a soft mount (the default) a WRITE in flight
# when the session expires is lost to the caller as EAGAIN, with any
# sec= (measured with sec=krb5 too): cifs answers an expired session by
# reconnecting, the file handle goes with the connection, smb2_reconnect
# answers a handle-based command -EAGAIN, and smb2_should_replay allows no
# replay with retrans=0 unless the mount is hard.  That is cifs' reconnect,
# not the session set-up's; MS-SMB2 3.2.5.1.6's re-authentication in place
# would keep the handle (see the README).
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

ktest_catch_syslog || info "no syslog catcher: helper lines not shown"
# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
pw="sec=iakerb,username=alice,password=alicepw"

srvlog_mark() { wc -l <"$LOG_DIR/smbsrv.log"; }
srvlog_since() { tail -n "+$(($1 + 1))" "$LOG_DIR/smbsrv.log"; }
kdclog_mark() { wc -l <"$KDC_LOG"; }
ylog_mark() { wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0; }
kdc_reqs_since() { tail -n "+$(($1 + 1))" "$KDC_LOG" | grep -c "$2"; }
# every session of the server expires now (smbsrv's SIGUSR1); waits for
# its log line
expire_now() {
	local s0
	s0=$(srvlog_mark)
	"$topo/srvexec.sh" "$w" sh -c "kill -USR1 \$(cat $SRV_DIR/smbsrv.pid)"
	for _ in $(seq 50); do
		srvlog_since "$s0" | grep -q 'FAULT expire .*on-demand' && return 0
		sleep 0.1
	done
	return 1
}
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
set_maxlife() {
	"$topo/srvexec.sh" "$w" kadmin.local -r "$REALM" \
		-q "modprinc -maxlife \"$1\" alice" >/dev/null
}
# alice's tickets in /tmp/krb5cc_0, got where the KDC is (the client has
# no line of sight to it)
store_ticket() {
	"$topo/srvexec.sh" "$w" sh -c "echo alicepw |
		KRB5CCNAME=FILE:$SRV_DIR/cc.alice kinit alice >/dev/null &&
		KRB5CCNAME=FILE:$SRV_DIR/cc.alice kvno -q cifs/$SRV_NAME &&
		cat $SRV_DIR/cc.alice" >/tmp/krb5cc_0 &&
		chmod 600 /tmp/krb5cc_0 && klist -s -c FILE:/tmp/krb5cc_0
}
# after_expiry FILE: the smbsrv lines after its first FAULT expire line
after_expiry() { awk '/ FAULT expire / { on = 1 } on' "$1"; }
# the connection of the first expired session, and of the first session
# set up after it
expired_conn() { grep -m1 ' FAULT expire ' "$1" | sed 's/.* conn=\([0-9]*\) .*/\1/'; }
reauth_conn() {
	after_expiry "$1" | grep -m1 ' SESSION ' | sed 's/.* conn=\([0-9]*\) .*/\1/'
}
# reauth_on_new_connection NAME FILE: what cifs does with an expired
# session: the old TCP connection closed, the session set up again as a
# new one on a new connection
reauth_on_new_connection() {
	local e r
	e=$(expired_conn "$2")
	r=$(reauth_conn "$2")
	if [ -n "$e" ] && [ -n "$r" ] && [ "$e" != "$r" ] &&
	   grep -qE " CONN close conn=$e( |\$)" "$2" &&
	   after_expiry "$2" | grep -q " SESSION conn=$r .* new "; then
		pass "$1"
	else
		fail "$1" "expired on conn=$e, set up again on conn=${r:-none}: $(after_expiry "$2" |
			grep -E ' (CONN|SESSION) ' | head -n 4 | cut -c15- | tr '\n' ' ')"
	fi
}

src=$KTEST_WORK/expiry.src
ktest_random_file "$src" 8388608
slog=$KTEST_WORK/$KTEST_NAME-srv.log

# --- a) a stored ticket ------------------------------------------------------
# write_across_expiry FILE [DD OPTIONS]: 32 chunks of 256 KiB through one
# open handle, each flushed (conv=fsync on the handle), the server's
# sessions expired before the 13th; 0 if every write and flush worked
write_across_expiry() {
	local f=$1 i rc=0
	shift
	exec 5>"$f"
	for i in $(seq 0 31); do
		[ "$i" = 12 ] && { expire_now || { rc=1; info "no expiry"; }; }
		dd if="$src" bs=256k skip="$i" count=1 "$@" status=none >&5 ||
			{ rc=1; info "write $i failed"; }
	done
	exec 5>&-
	return $rc
}
check a-ticket-stored store_ticket
# bounded: a mount that waits is shown where it waits, not left to the
# scenario's timeout (a password prompt on the debug kernel's console
# once stopped this one: guest.sh)
ktest_check_watched a-mount "$(ktest_slack 120)" mount -t cifs \
	"//$SRV_NAME/share" "$mnt" -o "sec=iakerb,username=alice,hard,$opts"
mountpoint -q "$mnt" || exit 1

# a1: SIGUSR1 between two writes of one open handle
s0=$(srvlog_mark)
k0=$(kdclog_mark)
m=$(dmesg_mark)
echo >"$trace"
check a1-write-across-expiry write_across_expiry "$mnt/a1.bin" conv=fsync
srvlog_since "$s0" >"$slog"
check a1-server-expired grep -q 'FAULT expire .*on-demand' "$slog"
check a1-kernel-saw-expiry grep -q 'smb3_ses_expired' "$trace"
reauth_on_new_connection a1-reauth-new-connection "$slog"
check a1-reauth-from-ticket sh -c "after_() { awk '/ FAULT expire / { on = 1 } on' '$slog'; }
	after_ | grep -q 'SESSION .*user=alice@' &&
	after_ | grep -q 'SESSLEG .*what=AP-REQ' && ! after_ | grep -q 'SESSLEG .*kdc=1'"
check a1-no-kdc test "$(kdc_reqs_since "$k0" _REQ)" = 0
check a1-reauth-traced grep -q 'smb3_krb5_leg: .*dir=final len=0 status=0x0 flags=0x0 rc=0' "$trace"
check a1-ap-round-trips test "$(traced_round_trips)" -eq "$iakerb_ap_round_trips"
info "a1: kernel: $(dmesg_since "$m" | head -n 3 | tr '\n' ' ')"
info "a1: server: $(grep -E ' (CONN|SESSION|FAULT) ' "$slog" | cut -c15- | tr '\n' ' ')"
drop_caches
check a1-readback cmp "$src" "$mnt/a1.bin"
check a1-umount umount "$mnt"

# Not here: the session expiring every 40 requests while dd writes with
# oflag=sync.  Even on a hard mount a write then fails with EBADF after
# a few expiries and the file is short (measured 2026-12-01, kernel 7.2
# and the series, stored ticket; every re-authentication itself
# succeeded).  That is cifs' reopen of a handle across back-to-back
# reconnects, recorded in the README as open, not a check that cannot
# pass here.

rm -f /tmp/krb5cc_0

# --- b) a kept password when the tickets are gone or end -----------------------
iakerb_store_tickets owner
rm -f /tmp/krb5cc_0
check b1-mount mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$pw,hard,$opts"
check b1-write-before dd if="$src" of="$mnt/b-before.bin" bs=64k conv=fsync status=none
check b1-tickets-stored sh -c "klist -c FILE:/tmp/krb5cc_0 | grep -q cifs/"
rm -f /tmp/krb5cc_0
s0=$(srvlog_mark)
k0=$(kdclog_mark)
check b1-expired expire_now
check b1-write-after dd if="$src" of="$mnt/b-after.bin" bs=64k conv=fsync status=none
srvlog_since "$s0" >"$slog"
check b1-reauth-by-password sh -c "awk '/ FAULT expire / { on = 1 } on' '$slog' |
	grep -q 'SESSLEG .*what=AS-REQ'"
check b1-as-at-kdc test "$(kdc_reqs_since "$k0" AS_REQ)" -ge 1
drop_caches
check b1-readback-before cmp "$src" "$mnt/b-before.bin"
check b1-readback-after cmp "$src" "$mnt/b-after.bin"
check b1-umount umount "$mnt"

# b2: the stored tickets live 70 s; 11 s after the mount began, they
# end within the helper's minute, which counts them as expired: the kept
# password.  (On a slow kernel the mount and write may take longer than
# that by themselves: no sleep then.)
set_maxlife "70 seconds"
rm -f /tmp/krb5cc_0
t0=$SECONDS
check b2-mount mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$pw,hard,$opts"
check b2-write-before dd if="$src" of="$mnt/b2-before.bin" bs=64k conv=fsync status=none
info "b2: mount and write took $((SECONDS - t0)) s"
if [ $((SECONDS - t0)) -lt 11 ]; then sleep $((11 - (SECONDS - t0))); fi
check b2-ticket-still-stored klist -s -c FILE:/tmp/krb5cc_0
s0=$(srvlog_mark)
k0=$(kdclog_mark)
check b2-expired expire_now
check b2-write-after dd if="$src" of="$mnt/b2-after.bin" bs=64k conv=fsync status=none
srvlog_since "$s0" >"$slog"
check b2-reauth-by-password sh -c "awk '/ FAULT expire / { on = 1 } on' '$slog' |
	grep -q 'SESSLEG .*what=AS-REQ'"
check b2-as-at-kdc test "$(kdc_reqs_since "$k0" AS_REQ)" -ge 1
drop_caches
check b2-readback-before cmp "$src" "$mnt/b2-before.bin"
check b2-readback-after cmp "$src" "$mnt/b2-after.bin"
check b2-umount umount "$mnt"
set_maxlife "10 hours"
iakerb_store_tickets no

# --- c) a stored ticket only, and it is gone ----------------------------------
rm -f /tmp/krb5cc_0
check c-ticket-stored store_ticket
check c-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,cache=none,$opts"
check c-write-before dd if="$src" of="$mnt/c-before.bin" bs=64k status=none
rm -f /tmp/krb5cc_0
m=$(dmesg_mark)
check c-expired expire_now
# A read that races the reconnect on this soft mount may get EAGAIN
# before the set-up has been tried; the error the set-up gives comes on a
# read after it.  Up to 10 reads, 1 s apart, while they say EAGAIN.
for try in $(seq 10); do
	out=$(timeout -k 5 60 cat "$mnt/c-before.bin" 2>&1 >/dev/null)
	rc=$?
	case "$out" in *'Resource temporarily unavailable'*) sleep 1 ;; *) break ;; esac
done
info "c: read without a ticket (try $try): rc=$rc: $out"
info "c: kernel: $(dmesg_since "$m" | head -n 4 | tr '\n' ' ')"
if [ $rc = 0 ]; then
	fail c-read-fails "read with no credentials"
elif [ $rc = 124 ] || [ $rc = 137 ]; then
	fail c-read-fails "the read hung"
else
	pass c-read-fails
fi
check c-read-error-says-nokey sh -c "echo '$out' | grep -q 'Required key not available'"
check c-kernel-says-no-credentials sh -c "dmesg | tail -n +$((m + 1)) |
	grep -q 'no Kerberos credentials'"
# the helper's rejection lives 1 s (IAKERB_REJECT_TIMEOUT_SEC)
sleep 2
check c-ticket-stored-again store_ticket
check c-readback-after-ticket cmp "$src" "$mnt/c-before.bin"
check c-write-after-ticket dd if="$src" of="$mnt/c-after.bin" bs=64k status=none
check c-readback-new cmp "$src" "$mnt/c-after.bin"
check c-umount umount "$mnt"
rm -f /tmp/krb5cc_0

# paced_writes TAG N: N chunks of 256 KiB into $mnt/TAG.bin, one every 5 s,
# each flushed; 0 if every one worked (a failure names its time from t0)
paced_writes() {
	local i rc=0
	for i in $(seq 0 $(($2 - 1))); do
		dd if="$src" of="$mnt/$1.bin" bs=256k skip="$i" seek="$i" count=1 \
			conv=notrunc,fsync status=none ||
			{ rc=1; info "$1: write $i at $((SECONDS - t0)) s failed"; }
		sleep 5
	done
	return $rc
}

# --- d1) reauthentication in place before the ticket's end ---------------------
# The server expires a session when its ticket ends (Windows); alice's
# tickets live 70 s; the writer goes on for 90 s.  The helper advises a
# reauthentication 30 s before the end (its margin's floor): 40 s, less
# the time from the AS exchange to the final leg.  Advice needs at least
# 30 s, so on the debug kernel (ktest_slack), where the legs after the AS
# exchange take longer than 10 s, the tickets live 100 s and the writer
# goes on for 120 s.
life=$((70 + 30 * ($(ktest_slack 1) - 1)))
nw=$(((life + 20) / 5))
iakerb_restart --fault expire-at-ticket-end
set_maxlife "$life seconds"
s0=$(srvlog_mark)
k0=$(kdclog_mark)
y0=$(ylog_mark)
check d1-mount mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$pw,$opts"
t0=$SECONDS
check d1-server-knows-ticket-end sh -c "tail -n +$((s0 + 1)) '$LOG_DIR/smbsrv.log' |
	grep 'SESSION .*user=alice@' | grep -o 'ticket_s=[0-9]*\$' |
	awk -F= '{ exit !(\$2 >= 10 && \$2 <= $life) }'"
sid=$(grep -m1 -o 'SessionId: 0x[0-9a-f]*' /proc/fs/cifs/DebugData)
dok=1
paced_writes d1 "$nw" || dok=0
srvlog_since "$s0" >"$slog"
info "d1: server: $(grep -E ' (SESSION|FAULT|REAUTH|CONN) ' "$slog" | cut -c15- | tr '\n' ' ')"
if [ $dok = 1 ]; then pass d1-io-across-ticket-end; else
	fail d1-io-across-ticket-end "a write failed"; fi
# the advice: at least the 30 s floor, at most the ticket's life less
# that margin
check d1-helper-advised sh -c "tail -n +$((y0 + 1)) '$KTEST_SYSLOG' |
	sed -n 's/.*reauthenticate in \([0-9]*\) s.*/\1/p' | head -n 1 |
	awk '{ n = \$1 } END { exit !(n >= 30 && n <= $life - 30) }'"
check d1-reauth-in-place grep -q ' REAUTH conn=[0-9]* sess=0x[0-9a-f]* state=valid' "$slog"
check d1-reauth-same-session sh -c "grep ' SESSION ' '$slog' | grep -q ' reauth '"
check d1-reauth-by-password sh -c "awk '/ REAUTH / { on = 1 } on' '$slog' |
	grep -q 'SESSLEG .*what=AS-REQ'"
check d1-never-expired sh -c "! grep -q 'FAULT expire' '$slog'"
check d1-one-connection test "$(grep -c ' CONN open' "$slog")" -le 1
check d1-same-session-id grep -q "$sid .*reauthenticated: [1-9]" /proc/fs/cifs/DebugData
info "d1: $(grep -o 'SessionId: .*' /proc/fs/cifs/DebugData | head -n 1)"
drop_caches
check d1-readback sh -c "head -c $((nw * 262144)) '$src' | cmp - '$mnt/d1.bin'"
check d1-umount umount "$mnt"

# --- d2) tickets too short-lived for that: the server expires the session -------
# 50 s tickets leave less than the 30 s margin before the end: no advice,
# the server expires the session, the kept password sets it up anew.
# Hard, as a1: on the debug kernel a paced write can still be in flight
# when the session expires, and a soft mount loses it (EAGAIN, above).
set_maxlife "50 seconds"
s0=$(srvlog_mark)
y0=$(ylog_mark)
check d2-mount mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$pw,hard,$opts"
t0=$SECONDS
dok=1
paced_writes d2 14 || dok=0
srvlog_since "$s0" >"$slog"
info "d2: server: $(grep -E ' (SESSION|FAULT|REAUTH) ' "$slog" | cut -c15- | tr '\n' ' ')"
if [ $dok = 1 ]; then pass d2-io-across-ticket-end; else
	fail d2-io-across-ticket-end "a write failed"; fi
check d2-helper-no-advice sh -c "tail -n +$((y0 + 1)) '$KTEST_SYSLOG' | grep -q 'no reauthentication'"
check d2-expired-at-ticket-end grep -q 'FAULT expire .*at-ticket-end' "$slog"
check d2-no-reauth-in-place sh -c "! grep -q ' REAUTH ' '$slog'"
check d2-reauth-by-password sh -c "awk '/ FAULT expire / { on = 1 } on' '$slog' |
	grep -q 'SESSLEG .*what=AS-REQ'"
drop_caches
check d2-readback sh -c "head -c $((14 * 262144)) '$src' | cmp - '$mnt/d2.bin'"
check d2-umount umount "$mnt"
set_maxlife "10 hours"

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
