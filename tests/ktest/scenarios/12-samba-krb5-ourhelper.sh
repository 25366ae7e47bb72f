#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The krb5 baseline of 11-samba-krb5-stock.sh with cifs-upcall-iakerb as
# the request-key handler instead of cifs-utils' cifs.upcall: real Samba,
# a real MIT KDC on a UNIX socket, the user's ticket from kinit.  Against
# a kernel that writes no exch= (7.2, or the series before its multi-leg
# patch) the helper must answer exactly like cifs.upcall: one leg, a
# LEGACY payload; a multi-leg kernel gets krb5 through the agent, with the
# server's AP-REP verified on the final upcall.  The helper's syslog
# lines are caught on /dev/log and shown.  (sec=mskrb5 is no mount
# option: the server's NEGOTIATE picks it; the harness covers it.)
. "$KTEST_SRC/tests/ktest/lib.sh"

realm=KTEST.LAN
mnt=$KTEST_WORK/mnt-krb5-ours
helper=$KTEST_SRC/cifs-upcall-iakerb/build/cifs-upcall-iakerb
syslog=$KTEST_SYSLOG
mkdir -p "$mnt"

helper_lines() { grep -a 'cifs-upcall-iakerb' "$syslog" 2>/dev/null | sed 's/^/    syslog: /'; }

check helper-built test -x "$helper"
check helper-version sh -c "'$helper' --version | grep -q 'cifs-upcall-iakerb version'"
check syslog-catcher ktest_catch_syslog
ktest_samba_krb5 "$realm"
ktest_use_upcall "$helper"

export KRB5CCNAME=FILE:/tmp/krb5cc_0
kdestroy -A 2>/dev/null
check kinit sh -c "echo Alice-pass-1 | kinit alice@$realm"

: >"$syslog"
check mount mount -t cifs //srv.test/share "$mnt" -o sec=krb5,username=alice,vers=3.1.1
if mountpoint -q "$mnt"; then
	check sectype-kerberos grep -q 'Security type: Kerberos' /proc/fs/cifs/DebugData
	check service-ticket sh -c "klist | grep -q cifs/srv.test@$realm"
	if grep -aq 'exch ' "$syslog"; then
		check multileg-established grep -aq 'ESTABLISHED payload' "$syslog"
	else
		check one-leg-legacy-payload grep -aq 'LEGACY payload' "$syslog"
	fi
	ktest_file_roundtrip ours "$mnt"
	check umount umount "$mnt"
fi
helper_lines

# Without a ticket there is nothing to offer: the mount fails, and the
# helper says why in one line (NO_CREDS, ENOKEY)
kdestroy -A 2>/dev/null
: >"$syslog"
expect_fail no-ticket mount -t cifs //srv.test/share "$mnt" -o sec=krb5,username=alice,vers=3.1.1
mountpoint -q "$mnt" && umount "$mnt"
check no-ticket-reason grep -aq 'NO_CREDS' "$syslog"
helper_lines
check no-helper-left sh -c "! pgrep -f '^$helper'"
[ -z "${KTEST_FAILED:-}" ]
