#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of "make interop" (scripts/interop.sh): the IAKerb checks
# that make sense against a server we do not control, and a report a user
# can attach to a bug.  Run by guest.sh as a scenario in a VM booted with
# user-mode networking; it talks to the one server it is given and to
# nothing else (the client's krb5.conf names no KDC: with IAKerb every
# KDC message goes through that server).
#
# Env (from KTEST_GUEST_ENV): INTEROP_SERVER=//host/share INTEROP_USER
#      INTEROP_PASSFILE (a path under /src; its first line is the
#      password) [INTEROP_REALM] [INTEROP_ADDR: the server's address, for
#      a name the guest cannot resolve]
# Writes $KTEST_OUT/interop-report.txt; every check also prints its
# PASS/FAIL line for run.sh.
. "$KTEST_SRC/tests/ktest/lib.sh"

helper=$KTEST_SRC/cifs-upcall-iakerb/build/cifs-upcall-iakerb
trace=/sys/kernel/tracing/trace
report=$KTEST_OUT/interop-report.txt
mnt=$KTEST_WORK/interop-mnt
cred=$KTEST_WORK/interop.cred
server=${INTEROP_SERVER:-}
host=${server#//}
host=${host%%/*}
user=${INTEROP_USER:-}
[ -n "${INTEROP_REALM:-}" ] && user=$user@$INTEROP_REALM
addr=${INTEROP_ADDR:-}
npass=0 nfail=0 nskip=0
mkdir -p "$mnt"
: >"$report"

say() { echo "$*" >>"$report"; }
# evidence lines under a check, indented, never a secret
ev() { sed 's/^/    /' >>"$report"; }
ok() { pass "$1"; say "PASS $1: $2"; npass=$((npass + 1)); }
ko() { fail "$1" "$2"; say "FAIL $1: $2"; nfail=$((nfail + 1)); }
skip() { say "SKIP $1: $2"; nskip=$((nskip + 1)); }

cleanup() {
	mountpoint -q "$mnt" && umount -f "$mnt"
	rm -f "$cred" "$cred.bad" /tmp/krb5cc_0
}
trap cleanup EXIT

syslog_mark() { wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0; }
syslog_since() { tail -n "+$(($1 + 1))" "$KTEST_SYSLOG" 2>/dev/null; }
dmesg_mark() { dmesg | wc -l; }
dmesg_since() { dmesg | tail -n "+$(($1 + 1))" | grep 'CIFS' ; }
legs() { grep -o 'smb3_krb5_leg: .*' "$trace" | cut -c1-160; }
round_trips() { grep -c 'smb3_krb5_leg: .*dir=recv' "$trace"; }

# mechs= of the kernel's upcall description, as the helper logged it
# (-d), decoded: the bits of IAKERB_MECH_* (keyutils-glue's ABI header)
mech_names() {
	local m=$(($1)) n=
	[ $((m & 0x1)) != 0 ] && n="$n krb5"
	[ $((m & 0x2)) != 0 ] && n="$n ms-krb5"
	[ $((m & 0x4)) != 0 ] && n="$n krb5-u2u"
	[ $((m & 0x8)) != 0 ] && n="$n iakerb"
	[ $((m & 0x10)) != 0 ] && n="$n ntlmssp"
	echo "${n# }"
}

# --- What is under test ------------------------------------------------------
say "IAKerb interop report"
say "server:   $server${addr:+ (address $addr)}  user: $user"
say "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "kernel:   $(uname -r)"
say "cifs.ko:  $(modinfo -F version cifs 2>/dev/null) srcversion $(cat /sys/module/cifs/srcversion 2>/dev/null)"
say "patches:  $(ls "$KTEST_SRC"/fs-smb-client-iakerb/*.patch 2>/dev/null | wc -l) in fs-smb-client-iakerb, last: $(ls "$KTEST_SRC"/fs-smb-client-iakerb/*.patch 2>/dev/null | tail -n 1 | xargs -r basename)"
say "helper:   $("$helper" --version 2>&1 | head -n 1)"
say "source:   ${INTEROP_SOURCE:-unknown}"
say ""

if [ -z "$server" ] || [ -z "$host" ] || [ -z "${INTEROP_USER:-}" ] ||
   [ ! -r "${INTEROP_PASSFILE:-}" ]; then
	ko setup "SERVER, USER and PASSFILE are needed"
	say "$npass passed, $nfail failed"
	exit 1
fi

# --- The network path ----------------------------------------------------------
# virtme-ng's user-mode network: DHCP gave eth0 its address, or not yet
if ! ip -4 route | grep -q '^default'; then
	dev=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
	ip link set "$dev" up
	ip addr add 10.0.2.15/24 dev "$dev" 2>/dev/null
	ip route add default via 10.0.2.2 2>/dev/null
fi
# the name the service ticket is for, at the address given
[ -n "$addr" ] && echo "$addr $host" >>/etc/hosts
target=${addr:-$host}
opts=${addr:+ip=$addr,}
if timeout 20 bash -c "exec 3<>/dev/tcp/$target/445" 2>/dev/null; then
	ok reachable "TCP $target:445 answers"
else
	ko reachable "no TCP connection to $target:445"
	ip -4 route | ev
	say ""; say "$npass passed, $nfail failed"
	exit 1
fi

# The client: no realm, no KDC (IAKerb carries every KDC message
# through the server), the helper logging (-d) to our syslog catcher,
# tickets a password obtained kept for root (the stored-ticket check).
printf '[libdefaults]\n\tdns_lookup_kdc = false\n\tdns_lookup_realm = false\n\tdns_canonicalize_hostname = false\n\trdns = false\n[appdefaults]\n\tcifs-upcall-iakerb = {\n\t\tstore_tickets = owner\n\t}\n' >/etc/krb5.conf
mkdir -p /etc/request-key.d
echo "create cifs.spnego * * $helper -d %k" >/etc/request-key.d/cifs.spnego.conf
ktest_catch_syslog || say "note: no syslog catcher, helper lines missing"
umask 077
printf 'username=%s\npassword=%s\n' "$user" "$(head -n 1 "$INTEROP_PASSFILE")" >"$cred"
printf 'username=%s\npassword=%s\n' "$user" "not-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$cred.bad"
umask 022
rm -f /tmp/krb5cc_0

# --- Password mount with sec=iakerb -------------------------------------------
s0=$(syslog_mark)
d0=$(dmesg_mark)
echo >"$trace"
out=$(timeout -k 5 180 mount -t cifs "$server" "$mnt" -o "${opts}sec=iakerb,credentials=$cred" 2>&1)
mounted=0
mountpoint -q "$mnt" && mounted=1
syslog_since "$s0" >"$KTEST_WORK/interop-mount.syslog"
mechs=$(grep -ao 'mechs=[0-9a-fx]*' "$KTEST_WORK/interop-mount.syslog" | head -n 1)
mechs=${mechs#mechs=}
if [ -n "$mechs" ]; then
	say "server mechs: $mechs ($(mech_names "$mechs"))"
else
	say "server mechs: none seen (the kernel made no IAKerb upcall)"
fi
iakerb=0
[ -n "$mechs" ] && [ $((mechs & 0x8)) != 0 ] && iakerb=1

if [ $mounted = 1 ]; then
	ok iakerb-password-mount "mount -t cifs $server -o sec=iakerb,credentials=... succeeded"
	n=$(round_trips)
	if [ "$n" -gt 0 ]; then
		ok legs-traced "$n round trips traced by smb3_krb5_leg"
	else
		ko legs-traced "no smb3_krb5_leg round trip traced"
	fi
	legs | ev
	d=$(grep -aoE 'dialect: .*' "$KTEST_WORK/interop-mount.syslog" | head -n 1 | cut -c1-120)
	if [ -n "$d" ]; then
		ok iakerb-dialect "helper: $d"
	else
		ko iakerb-dialect "the helper logged no 'dialect:' line"
	fi
	sd=$(grep -o 'Dialect 0x[0-9a-f]*' /proc/fs/cifs/DebugData | head -n 1)
	st=$(grep -o 'Security type: [A-Za-z]*' /proc/fs/cifs/DebugData | head -n 1)
	if [ -n "$sd" ]; then
		ok smb-dialect "DebugData: $sd, $st"
	else
		ko smb-dialect "no dialect in DebugData"
	fi
	src=$KTEST_WORK/interop.src
	ktest_random_file "$src" 1048576
	if cp "$src" "$mnt/iakerb-interop.bin" && sync && cmp "$src" "$mnt/iakerb-interop.bin"; then
		ok io "1 MiB written and read back identical"
	else
		ko io "write/read back of 1 MiB failed"
	fi
	# reconnect: reset the TCP connection under the mount, then I/O
	echo >"$trace"
	d1=$(dmesg_mark)
	ss -K dst "$target" dport = 445 >/dev/null 2>&1
	sleep 2
	if cmp "$src" "$mnt/iakerb-interop.bin" 2>/dev/null &&
	   cp "$src" "$mnt/iakerb-interop2.bin" && sync &&
	   cmp "$src" "$mnt/iakerb-interop2.bin"; then
		if grep -q 'smb3_krb5_leg: .*dir=final .*rc=0' "$trace"; then
			ok reconnect "connection reset (ss -K), session set up again ($(round_trips) round trips), I/O identical"
		else
			ko reconnect "I/O worked but no new session set-up was traced (was the connection reset?)"
		fi
	else
		ko reconnect "I/O after ss -K failed"
	fi
	legs | ev
	dmesg_since "$d1" | tail -n 4 | ev
	rm -f "$mnt/iakerb-interop.bin" "$mnt/iakerb-interop2.bin"
	umount "$mnt"
	# the stored ticket: a mount with no password at all
	if klist -c FILE:/tmp/krb5cc_0 2>/dev/null | grep -q 'cifs/'; then
		echo >"$trace"
		# mount.cifs asks for a password anyway: end of input is an
		# empty one, and the helper uses the ticket
		if timeout -k 5 120 setsid -w mount -t cifs "$server" "$mnt" \
			-o "${opts}sec=iakerb,username=$user" </dev/null >/dev/null 2>&1; then
			ok stored-ticket-remount "mounted with the stored ticket, no password, $(round_trips) round trips"
			umount "$mnt"
		else
			ko stored-ticket-remount "the mount with the stored ticket failed"
		fi
		legs | ev
	else
		ko stored-ticket-remount "no cifs/ ticket was stored by the password mount"
	fi
	rm -f /tmp/krb5cc_0
	# a wrong password: one attempt only (a real domain may lock the
	# account after a few)
	d2=$(dmesg_mark)
	out=$(timeout -k 5 180 mount -t cifs "$server" "$mnt" -o "${opts}sec=iakerb,credentials=$cred.bad" 2>&1)
	why=$(dmesg_since "$d2" | grep -o 'Kerberos upcall leg [0-9]* failed: .*' | head -n 1)
	if mountpoint -q "$mnt"; then
		umount "$mnt"
		ko wrong-password "a wrong password mounted"
	elif echo "$why" | grep -q 'wrong password'; then
		ok wrong-password "refused: $(echo "$out" | head -n 1); kernel: $why"
	else
		ko wrong-password "refused without the wrong-password line: $(echo "$out" | head -n 1); kernel: ${why:-nothing}"
	fi
else
	say "sec=iakerb mount: $(echo "$out" | head -n 1)"
	dmesg_since "$d0" | tail -n 3 | ev
	if [ $iakerb = 1 ]; then
		ko iakerb-password-mount "$(echo "$out" | head -n 1)"
	fi
fi

# --- What a user gets without IAKerb --------------------------------------------
if [ $iakerb = 0 ] || [ $mounted = 0 ]; then
	say ""
	say "fallback (what the user gets without IAKerb):"
	# sec=krb5 needs a KDC this client can reach: it names none.  The
	# kernel's upcall for it says what the server offered (mechs=) when
	# sec=iakerb made none.
	s1=$(syslog_mark)
	d1=$(dmesg_mark)
	out=$(timeout -k 5 120 setsid -w mount -t cifs "$server" "$mnt" -o "${opts}sec=krb5,username=$user" </dev/null 2>&1)
	if mountpoint -q "$mnt"; then
		say "  sec=krb5: mounted"
		umount "$mnt"
	else
		say "  sec=krb5: $(echo "$out" | head -n 1) (this client names no KDC of its own)"
		dmesg_since "$d1" | grep -o 'Kerberos upcall leg .*' | head -n 1 | ev
	fi
	if [ -z "$mechs" ]; then
		mechs=$(syslog_since "$s1" | grep -ao 'mechs=[0-9a-fx]*' | head -n 1)
		mechs=${mechs#mechs=}
		[ -n "$mechs" ] && say "  server mechs (sec=krb5 upcall): $mechs ($(mech_names "$mechs"))"
		[ -n "$mechs" ] && [ $((mechs & 0x8)) != 0 ] && iakerb=1
	fi
	if [ $iakerb = 0 ]; then
		say "  server offers no IAKerb (mechs=${mechs:-none: no Kerberos mechanism at all}): the IAKerb checks are skipped"
		skip iakerb-password-mount "server offers no IAKerb (mechs=${mechs:-none})"
	fi
	if timeout -k 5 120 mount -t cifs "$server" "$mnt" -o "${opts}sec=ntlmssp,credentials=$cred" >/dev/null 2>&1; then
		st=$(grep -o 'Security type: [A-Za-z]*' /proc/fs/cifs/DebugData | head -n 1)
		sd=$(grep -o 'Dialect 0x[0-9a-f]*' /proc/fs/cifs/DebugData | head -n 1)
		src=$KTEST_WORK/interop.src
		ktest_random_file "$src" 1048576
		if cp "$src" "$mnt/iakerb-interop.bin" && sync && cmp "$src" "$mnt/iakerb-interop.bin"; then
			ok ntlmssp-fallback "sec=ntlmssp mounted ($st, $sd), 1 MiB read back identical"
		else
			ko ntlmssp-fallback "sec=ntlmssp mounted, I/O failed"
		fi
		rm -f "$mnt/iakerb-interop.bin"
		umount "$mnt"
	else
		ko ntlmssp-fallback "sec=ntlmssp did not mount either"
	fi
fi

say ""
if [ $nskip -gt 0 ]; then
	say "$npass passed, $nfail failed, $nskip skipped"
else
	say "$npass passed, $nfail failed"
fi
[ $nfail = 0 ]
