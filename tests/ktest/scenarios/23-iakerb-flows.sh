#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's multi-leg relay with the sources of a password that users
# have: mount options (sec=iakerb and sec=krb5), a credentials file given
# to the real mount.cifs; preauthentication on (alice) and off (bob);
# realm discovery, and the realm it found remembered in the ccache so that
# the next password mount skips it; the round trips as the kernel traced
# them; every KDC request made by the server.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi

# want NAME WHY CMD...: PASS NAME if CMD succeeds, else FAIL NAME: WHY
want() {
	local name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# The round trips of a password mount are the same in both server modes
# (29 runs this against smbsrv --mode windows): the helper's auto dialect
# costs no extra leg against a Windows-style server.  But smbsrv --mode
# windows answers the AP-REQ as Windows does, accept-incomplete with its
# mechListMIC, and our MIC takes one round trip more (its 205-byte
# MORE_PROCESSING in the trace), as it does for Windows' own client.
mic_round=0
[ "${IAKERB_SRV_MODE:-}" = windows ] && mic_round=1

# mount_flow NAME ROUND_TRIPS MOUNT_OPTIONS: exactly that many (+ the MIC
# round against a Windows-style server)
mount_flow() {
	local name=$1 want=$(($2 + mic_round)) o=$3 kdc0 s0 n
	rm -f /tmp/krb5cc_0
	echo >"$trace"
	kdc0=$(grep -c '_REQ' "$KDC_LOG")
	s0=$(wc -l <"$LOG_DIR/smbsrv.log")
	check "$name-mount" mount ${MOUNT_I:-} -t cifs "//$SRV_NAME/share" "$mnt" -o "$o,$opts"
	mountpoint -q "$mnt" || return
	n=$(traced_round_trips)
	info "$name: $n round trips: $(grep -o 'dir=recv len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
	want "$name-round-trips" "$n round trips, not $want" test "$n" -eq "$want"
	check "$name-debugdata" grep -q "Kerberos round trips: $n" /proc/fs/cifs/DebugData
	# every AS/TGS request the KDC saw came through the server: the client
	# has no KDC to talk to, and smbsrv logged each KDC-bound leg
	check "$name-kdc-via-server" sh -c "
		k=\$(tail -n +$((kdc0 + 1)) '$KDC_LOG' | grep -c '_REQ')
		s=\$(grep -c 'SESSLEG .*kdc=1' '$LOG_DIR/smbsrv.log')
		[ \$k -ge 2 ] && [ \$s -ge \$k ]"
	# a Windows-style server's mechListMIC has SND_SEQ 0 while its AP-REP
	# has a seq-number (vector 04): smbsrv sent it so, the helper took it
	[ $mic_round = 1 ] && check "$name-server-mic-snd-seq-0" sh -c "
		tail -n +$((s0 + 1)) '$LOG_DIR/smbsrv.log' |
		grep -q 'SESSLEG .*what=AP-REQ(krb5) .* mic=0\$'"
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
MOUNT_I=-i mount_flow opt-krb5 5 "sec=krb5,username=alice,password=alicepw"

# A credentials file, parsed by mount.cifs 7.9 itself
printf 'username=alice\npassword=alicepw\n' >"$KTEST_WORK/alice.cred"
chmod 600 "$KTEST_WORK/alice.cred"
mount_flow credfile 5 "sec=iakerb,credentials=$KTEST_WORK/alice.cred"

# The realm discovery found, remembered in the ccache beside the dialect
# (realm_cc.c).  What a real user sees: the first password mount stores
# its tickets (store_tickets = owner) and the realm; the tickets expire
# (alice's may live 70 s here; the helper counts a ticket ending within
# 60 s as expired) while the cache and its config entries stay, so the
# next mount is a password mount again.  kdestroy would remove the entry
# with the cache: that mount asks the server again, as the first did.
ktest_catch_syslog || info "no syslog catcher: helper log lines not checked"
syslog_mark() { wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0; }
srvlog_mark() { wc -l <"$LOG_DIR/smbsrv.log"; }
# realm_mount NAME: alice's password mount; $legs (traced round trips)
# and $disc (discovery legs smbsrv saw) after it; the helper's log lines
# in $KTEST_WORK/NAME.syslog
realm_mount() {
	local s0 l0
	s0=$(srvlog_mark)
	l0=$(syslog_mark)
	echo >"$trace"
	legs=0 disc=0
	local rc=0
	mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "sec=iakerb,username=alice,password=alicepw,$opts" || rc=1
	# the agent of a failed exchange ends on the kernel's SIGTERM, soon
	# after the mount returned: wait for it (what it does at its end is
	# checked next)
	for _ in $(seq 50); do
		pgrep -f cifs-upcall-iakerb >/dev/null || break
		sleep 0.2
	done
	if [ $rc = 0 ]; then
		legs=$(traced_round_trips)
		disc=$(tail -n "+$((s0 + 1))" "$LOG_DIR/smbsrv.log" |
		       grep -c 'SESSLEG .*what=discovery')
	fi
	tail -n "+$((l0 + 1))" "$KTEST_SYSLOG" >"$KTEST_WORK/$1.syslog" 2>/dev/null
	info "$1: $legs round trips, $disc discovery: $(grep -o 'realm: .*' "$KTEST_WORK/$1.syslog" | tr '\n' ' ')"
	info "$1: entries: $(realm_entries | tr '\n' ' ')"
	[ $rc = 0 ] || info "$1: procs: $(ktest_helper_procs | tr "\n" " ")"
	[ $rc = 0 ] || info "$1: $(grep -E 'realm|SIGTERM|leg [0-9]' "$KTEST_WORK/$1.syslog" | cut -c1-200 | tr '\n' ' ')"
	[ $rc = 0 ] && umount "$mnt"
	return $rc
}
# realm_entry SERVICE: the value of the iakerb-realm entry under SERVICE
# in /tmp/krb5cc_0, exactly (MIT's krb5_cc_get_config through ctypes:
# klist -C wraps long values at 80 columns); fails if there is none
realm_entry() {
	python3 - "$1" <<'PY'
import ctypes, sys
k = ctypes.CDLL("libkrb5.so.3")
class Data(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_int32), ("length", ctypes.c_uint),
                ("data", ctypes.c_void_p)]
ctx, cc, svc, v = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p(), Data()
if (k.krb5_init_context(ctypes.byref(ctx)) or
        k.krb5_cc_resolve(ctx, b"FILE:/tmp/krb5cc_0", ctypes.byref(cc)) or
        k.krb5_parse_name(ctx, sys.argv[1].encode(), ctypes.byref(svc)) or
        k.krb5_cc_get_config(ctx, cc, svc, b"iakerb-realm", ctypes.byref(v))):
    sys.exit(1)
print(ctypes.string_at(v.data, v.length).decode())
PY
}
# realm_entries: what klist -C shows of them, for the log
realm_entries() { klist -C /tmp/krb5cc_0 2>&1 | grep -A1 'iakerb-realm'; }
iakerb_store_tickets owner
echo "create cifs.spnego * * $helper -d %k" >/etc/request-key.d/cifs.spnego.conf
"$topo/srvexec.sh" "$w" kadmin.local -r "$REALM" -q 'modprinc -maxlife "70 seconds" alice' >/dev/null
rm -f /tmp/krb5cc_0
realm_mount realm-first
want realm-first-discovers "$legs round trips (not $((5 + mic_round))), $disc discovery legs" \
	test "$legs" -eq $((5 + mic_round)) -a "$disc" = 1
want realm-remembered "entry: '$(realm_entry "cifs/$SRV_NAME@$REALM")'" \
	test "$(realm_entry "cifs/$SRV_NAME@$REALM")" = "$REALM"
first=$legs
sleep 11
realm_mount realm-second
want realm-second-one-leg-fewer "$legs round trips, the first mount $first" \
	test "$legs" -gt 0 -a "$legs" -eq $((first - 1))
want realm-second-no-discovery "$disc discovery legs in $legs round trips" \
	test "$legs" -gt 0 -a "$disc" = 0
if [ -S /dev/log ]; then
	want realm-second-says-remembered "no 'realm: $REALM (remembered ...' line" grep -q \
		"realm: $REALM (remembered for $SRV_NAME in the ccache" \
		"$KTEST_WORK/realm-second.syslog"
fi
want realm-kept-after-second "entry: '$(realm_entry "cifs/$SRV_NAME@$REALM")'" \
	test "$(realm_entry "cifs/$SRV_NAME@$REALM")" = "$REALM"

# A remembered realm that is wrong (alice's cache from another realm, as
# after the server moved): the AS-REQ goes there, no KDC of it answers,
# the mount fails and the entry is dropped; the next mount discovers.
python3 - "cifs/$SRV_NAME@WRONG.TEST" <<'PY'
import ctypes, sys
k = ctypes.CDLL("libkrb5.so.3")
class Data(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_int32), ("length", ctypes.c_uint),
                ("data", ctypes.c_char_p)]
ctx, cc, me, svc = (ctypes.c_void_p() for _ in range(4))
v = Data(0, 10, b"WRONG.TEST")
ok = (k.krb5_init_context(ctypes.byref(ctx)) == 0 and
      k.krb5_cc_resolve(ctx, b"FILE:/tmp/krb5cc_0", ctypes.byref(cc)) == 0 and
      k.krb5_parse_name(ctx, b"alice@WRONG.TEST", ctypes.byref(me)) == 0 and
      k.krb5_cc_initialize(ctx, cc, me) == 0 and
      k.krb5_parse_name(ctx, sys.argv[1].encode(), ctypes.byref(svc)) == 0 and
      k.krb5_cc_set_config(ctx, cc, svc, b"iakerb-realm", ctypes.byref(v)) == 0)
sys.exit(0 if ok else 1)
PY
want realm-wrong-planted "entry: '$(realm_entry "cifs/$SRV_NAME@WRONG.TEST")'" \
	test "$(realm_entry "cifs/$SRV_NAME@WRONG.TEST")" = WRONG.TEST
if realm_mount realm-wrong; then
	fail realm-wrong-mount-fails "mounted with the wrong realm"
	umount "$mnt"
else
	pass realm-wrong-mount-fails
fi
want realm-wrong-forgotten "still there: $(realm_entries | tr '\n' ' ')" \
	sh -c "! klist -C /tmp/krb5cc_0 | grep -q iakerb-realm"
if [ -S /dev/log ]; then
	want realm-wrong-says-dropped "no 'realm: WRONG.TEST, ... entry dropped' line" grep -q \
		"realm: WRONG.TEST, remembered for $SRV_NAME in .*entry dropped" \
		"$KTEST_WORK/realm-wrong.syslog"
fi
realm_mount realm-after-wrong
want realm-after-wrong-discovers "$legs round trips (not $((5 + mic_round))), $disc discovery legs" \
	test "$legs" -eq $((5 + mic_round)) -a "$disc" = 1
"$topo/srvexec.sh" "$w" kadmin.local -r "$REALM" -q 'modprinc -maxlife "10 hours" alice' >/dev/null
ktest_use_upcall "$helper"
iakerb_store_tickets no
rm -f /tmp/krb5cc_0

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
