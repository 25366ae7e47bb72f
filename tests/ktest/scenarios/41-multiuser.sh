#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multiuser IAKerb mounts (fs-smb-client-iakerb 0021): root mounts as
# alice with -o multiuser; every other local user who reaches the mount
# gets a session of their own, in their own name: bob with the name and
# password he stored with the real cifscreds(1), carol with her own
# tickets and no password.  A user with neither is refused, a wrong
# password gets no session, and a name carrying ';' cannot add fields
# to the upcall.  Then the other way round: bob with his tickets,
# carol with cifscreds.  Whose session served whom is read from smbsrv's log
# (SESSION lines name the client principal) and DebugData.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi

"$topo/srvexec.sh" "$w" kadmin.local -r "$REALM" \
	-q 'addprinc -pw carolpw carol' >/dev/null 2>&1
for u in mu-bob mu-carol mu-dave mu-eve; do ktest_ensure_user "$u"; done
as_user() {
	local u=$1
	shift
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" \
		--clear-groups "$@"
}
# as_user_keys USER SCRIPT: SCRIPT run by sh as USER in a session keyring
# of its own (a logon key added there is the user's alone)
as_user_keys() {
	as_user "$1" keyctl session - sh -c "$2" 2>&1 |
		grep -v '^Joined session keyring'
}
# a directory the users may write to
mu=$KTEST_WORK/mu
mkdir -p "$mu" && chmod 1777 "$mu"
refused() { ! "$@"; }
reads_from_bob() { as_user "$1" cat "$mnt/bob-file" | grep -q from-bob; }
srv_sessions_of() { grep -c "SESSION .* user=$1@$REALM new" "$LOG_DIR/smbsrv.log"; }
sessions() { grep -c 'SessionId:' /proc/fs/cifs/DebugData; }

check mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,multiuser,username=alice,password=alicepw,$opts"
mountpoint -q "$mnt" || exit 1
chmod 0777 "$mnt" 2>/dev/null
check root-reads ls "$mnt"
check master-session-is-alice test "$(srv_sessions_of alice)" -eq 1

# --- no credentials: refused -----------------------------------------------
mark=$(dmesg_mark)
check bob-without-credentials-refused refused as_user mu-bob ls "$mnt"
check bob-without-credentials-no-session test "$(srv_sessions_of bob)" -eq 0
# the kernel keeps a failed user's link for a second before it tries again
sleep 2

# --- bob: cifscreds add, then the mount as bob ------------------------------
# cifscreds reads the password with getpass(3): from standard input when
# there is no terminal, as here
out=$(as_user_keys mu-bob "echo bobpw | setsid -w cifscreds add -u bob $SRV_ADDR >$mu/cifscreds.out 2>&1;
	keyctl show @s | grep -q 'logon.*cifs:a:$SRV_ADDR' || { echo 'no cifscreds key'; exit 1; }
	echo from-bob >'$mnt/bob-file' && cat '$mnt/bob-file'")
if [ "$out" = from-bob ]; then
	pass bob-cifscreds-writes-and-reads
else
	fail bob-cifscreds-writes-and-reads "$out"
	info "cifscreds: $(tr -d '\r' <"$mu/cifscreds.out" | tr '\n' ' ')"
fi
check bob-session-in-bobs-name test "$(srv_sessions_of bob)" -eq 1
# his session stays his: later accesses without the key reuse it
check bob-reads-again-on-his-session reads_from_bob mu-bob
check bob-still-one-session test "$(srv_sessions_of bob)" -eq 1

# --- carol: her own tickets, no password ----------------------------------
cuid=$(id -u mu-carol)
"$topo/srvexec.sh" "$w" sh -c "echo carolpw | KRB5CCNAME=FILE:$SRV_DIR/cc.c \
	kinit carol >/dev/null && cat $SRV_DIR/cc.c" >"/tmp/krb5cc_$cuid"
chown mu-carol "/tmp/krb5cc_$cuid"
chmod 600 "/tmp/krb5cc_$cuid"
check carol-tickets-writes-and-reads sh -c "echo from-carol | \
	setpriv --reuid=$cuid --regid=$(id -g mu-carol) --clear-groups \
	sh -c 'cat >$mnt/carol-file && cat $mnt/carol-file' | grep -q from-carol"
check carol-session-in-carols-name test "$(srv_sessions_of carol)" -eq 1
info "DebugData: $(sessions) sessions; smbsrv: $(grep -c 'SESSION .* new' "$LOG_DIR/smbsrv.log") new sessions"
check three-sessions test "$(sessions)" -eq 3

# --- dave: bob's name with a wrong password gets nothing --------------------
out=$(as_user_keys mu-dave "keyctl add logon cifs:a:$SRV_ADDR bob:wrongpw @s >/dev/null;
	ls '$mnt' >/dev/null 2>&1 && echo read")
if [ -z "$out" ]; then
	pass dave-wrong-password-refused
else
	fail dave-wrong-password-refused "$out"
fi
check dave-no-new-session test "$(sessions)" -eq 3
check dave-not-bobs-session test "$(srv_sessions_of bob)" -eq 1

# --- eve: a name with ';' cannot add a field to the upcall ------------------
mark=$(dmesg_mark)
out=$(as_user_keys mu-eve "keyctl add logon cifs:a:$SRV_ADDR 'bob;user=alice:bobpw' @s >/dev/null;
	ls '$mnt' >/dev/null 2>&1 && echo read")
if [ -z "$out" ]; then
	pass eve-injected-name-refused
else
	fail eve-injected-name-refused "$out"
fi
check eve-refusal-logged sh -c "dmesg | tail -n +$((mark + 1)) | \
	grep -q 'user name contains'"
check eve-no-new-session test "$(sessions)" -eq 3
check eve-no-alice-session test "$(srv_sessions_of alice)" -eq 1

rm -f "$mnt/bob-file" "$mnt/carol-file" "/tmp/krb5cc_$cuid"
check umount umount "$mnt"
check no-leftovers ktest_leftovers

# --- the other way round: bob with his tickets, carol with cifscreds ---------
check swap-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,multiuser,username=alice,password=alicepw,$opts"
buid=$(id -u mu-bob)
"$topo/srvexec.sh" "$w" sh -c "echo bobpw | KRB5CCNAME=FILE:$SRV_DIR/cc.b \
	kinit bob >/dev/null && cat $SRV_DIR/cc.b" >"/tmp/krb5cc_$buid"
chown mu-bob "/tmp/krb5cc_$buid"
chmod 600 "/tmp/krb5cc_$buid"
check swap-bob-tickets-reads as_user mu-bob ls "$mnt"
check swap-bob-session-in-bobs-name test "$(srv_sessions_of bob)" -eq 2
out=$(as_user_keys mu-carol "echo carolpw | setsid -w cifscreds add -u carol $SRV_ADDR >/dev/null 2>&1;
	ls '$mnt' >/dev/null && echo read")
if [ "$out" = read ]; then
	pass swap-carol-cifscreds-reads
else
	fail swap-carol-cifscreds-reads "$out"
fi
check swap-carol-session-in-carols-name test "$(srv_sessions_of carol)" -eq 2
check swap-three-sessions test "$(sessions)" -eq 3
rm -f "/tmp/krb5cc_$buid"
check swap-umount umount "$mnt"
check swap-no-leftovers ktest_leftovers
