#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IAKerb end to end: the patched cifs module, cifs-upcall-iakerb as the
# request-key handler, smbsrv as the server, and a KDC only the server
# can reach (tests/ktest/topology).  The client's krb5.conf names no
# realm and no KDC: everything Kerberos goes through SESSION_SETUP.
#
#   1. password, no realm: discovery, AS (preauth), TGS, AP, final upcall
#   2. the tickets it stored (store_tickets = owner) make the next mount
#      (sec=krb5) one AP leg
#   3. a wrong password: mount error(129), EKEYREJECTED
#   4. no ticket, no password: mount error(126), ENOKEY
. "$KTEST_SRC/tests/ktest/lib.sh"

. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"
syslog=$KTEST_SYSLOG

helper_lines() { grep -a 'cifs-upcall-iakerb' "$syslog" 2>/dev/null | sed 's/^.*cifs-upcall-iakerb/    syslog: cifs-upcall-iakerb/'; }
# the SESSION_SETUP legs smbsrv logged since line $1 of its log
show_legs() {
	tail -n "+$(($1 + 1))" "$LOG_DIR/smbsrv.log" | grep 'SESSLEG conn=' |
		sed -e 's/^[0-9.]* /    smbsrv: /' -e 's/ major=.*user=/ user=/'
}
loglines() { wc -l <"$LOG_DIR/smbsrv.log"; }

check syslog-catcher ktest_catch_syslog
# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
mnt_opts=$opts
check no-kdc-in-krb5conf sh -c "! grep -Eq '^[[:space:]]*kdc[[:space:]]*=' /etc/krb5.conf"
ktest_use_upcall "$helper"
# 2 mounts from what 1 obtained: root mounts for itself, and asks for it
iakerb_store_tickets owner

# 1. the password, through the server
: >"$syslog"
l0=$(loglines)
check mount-password mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$mnt_opts"
show_legs "$l0"
if mountpoint -q "$mnt"; then
	check discovery-leg grep -q "SESSLEG .*what=discovery" "$LOG_DIR/smbsrv.log"
	check as-leg grep -q "SESSLEG .*what=AS-REQ" "$LOG_DIR/smbsrv.log"
	check tgs-leg grep -q "SESSLEG .*what=TGS-REQ" "$LOG_DIR/smbsrv.log"
	check session-signed grep -q "SESSION .*user=alice@$REALM new signing=1" "$LOG_DIR/smbsrv.log"
	check established grep -aq 'ESTABLISHED payload' "$syslog"
	ktest_file_roundtrip iakerb "$mnt"
	check umount umount "$mnt"
fi
helper_lines

# 2. what the exchange obtained is in root's ccache: one AP leg (krb5)
check tickets-stored sh -c "klist -c FILE:/tmp/krb5cc_0 | grep -q 'cifs/'"
: >"$syslog"
l0=$(loglines)
check mount-cached mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,$mnt_opts"
show_legs "$l0"
n=$(tail -n "+$((l0 + 1))" "$LOG_DIR/smbsrv.log" | grep -c 'SESSLEG conn=')
check one-leg test "$n" -eq 1
mountpoint -q "$mnt" && check umount-cached umount "$mnt"
helper_lines

# 3. a wrong password
rm -f /tmp/krb5cc_0
: >"$syslog"
out=$(mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=wrong,$mnt_opts" 2>&1)
mountpoint -q "$mnt" && umount "$mnt"
check wrong-password-129 sh -c "echo '$out' | grep -q 'error(129)'"
check wrong-password-line grep -aq 'BAD_PASSWORD' "$syslog"
helper_lines

# 4. nothing at all
out=$(mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,$mnt_opts" 2>&1)
mountpoint -q "$mnt" && umount "$mnt"
check no-credentials-126 sh -c "echo '$out' | grep -q 'error(126)'"

sleep 1
check no-helper-left sh -c "! pgrep -f '^$helper'"
cp "$LOG_DIR/smbsrv.log" "$KTEST_OUT/$KTEST_NAME.smbsrv.log" 2>/dev/null
[ -z "${KTEST_FAILED:-}" ]
