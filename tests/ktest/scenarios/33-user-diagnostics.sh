#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 900
#
# What a user can find out and type (issue 13, items 4 and 6).
#
# cifs-upcall-iakerb --check //host/share against smbsrv in MIT mode, in
# Windows mode and with IAKerb not offered; with no realm, a realm with no
# KDC, an unreachable KDC and a reachable one (the check run on the
# server's side, where the KDC's socket is); with no ticket, a valid one
# and an expired one.  Where it predicts a mount, the real mount is made
# and must agree.
#
# Then the first mount as users type it through the real mount.cifs:
# what happens to a password given with sec=krb5 (credentials=,
# password=, the prompt, PASSWD=) and the ways that work
# (man/cifs-iakerb.7, "FIRST MOUNT").  And the text mount.cifs prints
# when the server's KDC is down.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
out=$KTEST_WORK/check.out

# check_rc NAME WANT_RC CMD...: CMD's output shown and kept in $out;
# PASS NAME-rc if it exits WANT_RC
check_rc() {
	local name=$1 want=$2 rc
	shift 2
	timeout -k 5 60 "$@" >"$out" 2>&1
	rc=$?
	sed "s/^/  $KTEST_NAME: $name| /" "$out"
	if [ "$rc" = "$want" ]; then
		pass "$name-rc"
	else
		fail "$name-rc" "exit $rc, wanted $want"
	fi
}
# run_check NAME WANT_RC [ARGS...]: --check of the share as root on the
# client side
run_check() {
	local name=$1 want=$2
	shift 2
	check_rc "$name" "$want" "$helper" --check "//$SRV_NAME/share" \
		--ip "$SRV_ADDR" "$@"
}

# the same on the server's side (its krb5.conf names the KDC's socket)
run_check_srv() {
	local name=$1 want=$2
	shift 2
	check_rc "$name" "$want" "$topo/srvexec.sh" "$w" env "$@" "$helper" \
		--check "//$SRV_NAME/share" --ip "$SRV_ADDR"
}

# says NAME REGEX: a line of the last check's output matches
says() {
	if grep -Eq -- "$2" "$out"; then
		pass "$1"
	else
		fail "$1" "no line matching '$2'"
	fi
}

# mount_ok NAME CMD...: the mount works, a file goes through it, it
# unmounts
mount_ok() {
	local name=$1 o
	shift
	if o=$(timeout -k 5 120 "$@" 2>&1) && mountpoint -q "$mnt"; then
		pass "$name"
		check "$name-file" sh -c "echo $name >'$mnt/$name.txt' &&
			grep -q $name '$mnt/$name.txt' && rm '$mnt/$name.txt'"
		umount "$mnt"
	else
		fail "$name" "$(echo "$o" | tr '\n' ' ')"
		mountpoint -q "$mnt" && umount "$mnt"
	fi
}

# mount_refused NAME ERRNO REGEX CMD...: it fails with mount error(ERRNO)
# and prints REGEX; its output is in $mout
mount_refused() {
	local name=$1 want=$2 re=$3
	shift 3
	mout=$(timeout -k 5 120 "$@" 2>&1)
	info "$name: $(echo "$mout" | tr '\n' ' ')"
	if mountpoint -q "$mnt"; then
		umount "$mnt"
		fail "$name" "mounted"
	elif ! echo "$mout" | grep -q "mount error($want)"; then
		fail "$name" "wanted error($want), got: $(echo "$mout" | tr '\n' ' ')"
	elif ! echo "$mout" | grep -Eq -- "$re"; then
		fail "$name" "no '$re' in: $(echo "$mout" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

src=//$SRV_NAME/share
cred=$KTEST_WORK/alice.cred
printf 'username=alice\npassword=alicepw\n' >"$cred"
chmod 600 "$cred"

# ---- --check, MIT mode ------------------------------------------------

# no realm in krb5.conf, no ticket: IAKerb needs a password
run_check mit-norealm 0
says mit-offers '^server offers: MS-krb5, krb5, IAKerb$'
says mit-not-offered '^server does not offer: NTLMSSP, NEGOEX$'
says mit-dialect '^server: .* SMB dialect 3\.1\.1$'
says mit-norealm-realm '^realm: none known'
says mit-norealm-nocreds '^credentials: none usable for any user in FILE:/tmp/krb5cc_0$'
says mit-norealm-nopass '^mount sec=krb5, no password: fail: no Kerberos credentials.*mount error\(126\)'
says mit-norealm-pass '^mount sec=krb5, with a password: IAKerb with the password'
# as predicted: no password, ENOKEY; a password, IAKerb
mount_refused predicted-nocreds 126 . mount -t cifs "$src" "$mnt" \
	-o "sec=krb5,username=alice,$opts"
mount_ok predicted-iakerb-password mount -t cifs "$src" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"

# a realm, and krb5.conf names no KDC for it (DNS off)
cp "$CLI_KRB5_CONFIG" /etc/krb5.conf
run_check mit-nokdc 0
says mit-nokdc-realm "^realm: $REALM \(from krb5.conf \[domain_realm\]\)$"
says mit-nokdc-kdc "^kdc: $REALM no KDC configured from this machine$"

# krb5.conf names a KDC this machine cannot reach (the server's address,
# nothing on port 88): a password stays here
cp "$CLI_KRB5_CONFIG_NOREALM" /etc/krb5.conf
printf '[libdefaults]\n\tdefault_realm = %s\n[realms]\n\t%s = {\n\t\tkdc = %s\n\t}\n' \
	"$REALM" "$REALM" "$SRV_ADDR" >>/etc/krb5.conf
run_check mit-unreachable 1
says mit-unreachable-kdc "^kdc: $REALM unreachable from this machine \(krb5.conf names one\): "
says mit-unreachable-pass '^mount sec=krb5, with a password: fail: krb5.conf names a KDC for the realm.*mount error\(101\)'
mount_refused predicted-own-kdc 101 . mount -t cifs "$src" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"
cp "$CLI_KRB5_CONFIG_NOREALM" /etc/krb5.conf

# a reachable KDC: on the server's side, its krb5.conf names the KDC
run_check_srv mit-reachable 0 KRB5CCNAME=FILE:$SRV_DIR/cc.none
says mit-reachable-kdc "^kdc: $REALM reachable from this machine \(krb5.conf names one\): "
says mit-reachable-pass "^mount sec=krb5, with a password: plain krb5: the password's AS exchange goes to the realm's KDC"
# with a TGT there
"$topo/srvexec.sh" "$w" sh -c "echo alicepw | KRB5CCNAME=FILE:$SRV_DIR/cc.alice kinit alice >/dev/null"
run_check_srv mit-reachable-tgt 0 KRB5CCNAME=FILE:$SRV_DIR/cc.alice
says mit-reachable-tgt-creds "^credentials: alice@$REALM in FILE:$SRV_DIR/cc.alice, TGT, expires 20[0-9-]+ [0-9:]+ UTC$"
says mit-reachable-tgt-plan '^mount sec=krb5, no password: plain krb5: the stored TGT gets a service ticket from the realm.s KDC'

# that TGT on the client, which has no KDC: IAKerb's TGS leg
"$topo/srvexec.sh" "$w" cat "$SRV_DIR/cc.alice" >/tmp/krb5cc_0
chmod 600 /tmp/krb5cc_0
run_check mit-tgt 0 --user alice
says mit-tgt-creds "^credentials: alice@$REALM in FILE:/tmp/krb5cc_0, TGT, expires "
says mit-tgt-plan '^mount sec=krb5, no password: IAKerb with the stored TGT: the TGS exchange goes through the server$'
# as predicted, through mount.cifs, which does not prompt with sec=krb5
mount_ok predicted-tgt mount -t cifs "$src" "$mnt" \
	-o "sec=krb5,username=alice,$opts"
# the mount stored the service ticket it got through the server
run_check mit-service 0 --user alice
says mit-service-creds "^credentials: alice@$REALM in FILE:/tmp/krb5cc_0, service ticket for cifs/<host>, expires [^(]*$"
says mit-service-plan '^mount sec=krb5, no password: plain krb5 with the stored service ticket$'
# another user's name: the helper falls back to any principal's cache
# (ccache.c, as cifs.upcall), and the check says so
run_check mit-tgt-otheruser 0 --user bob
says mit-tgt-otheruser "^credentials: alice@$REALM in FILE:/tmp/krb5cc_0, .*\(not the user named: a mount uses it all the same"

# an expired TGT (20 s: within the helper's minute)
"$topo/srvexec.sh" "$w" sh -c "echo alicepw | KRB5CCNAME=FILE:$SRV_DIR/cc.short kinit -l 20s alice >/dev/null"
"$topo/srvexec.sh" "$w" cat "$SRV_DIR/cc.short" >/tmp/krb5cc_0
run_check mit-expired 0
says mit-expired-creds "^credentials: expired: alice@$REALM in FILE:/tmp/krb5cc_0"
says mit-expired-plan '^mount sec=krb5, no password: fail: the user.s tickets have expired.*mount error\(116\)'
mount_refused predicted-expired 116 . mount -t cifs "$src" "$mnt" \
	-o "sec=krb5,username=alice,$opts"
rm -f /tmp/krb5cc_0

# no server there
timeout 30 "$helper" --check "//$SRV_NAME/share" --ip "$CLI_ADDR" >"$out" 2>&1
rc=$?
check no-server-rc test "$rc" = 3
says no-server '^server: 169\.254\.77\.1 port 445: connect: Connection refused$'
"$helper" --check nonsense >"$out" 2>&1
rc=$?
check usage-rc test "$rc" = 2

# ---- --check, Windows mode and IAKerb not offered ---------------------

iakerb_restart --mode windows --mechs windows
run_check win 0
says win-offers '^server offers: NEGOEX, MS-krb5, krb5, IAKerb, NTLMSSP$'
check win-nothing-missing sh -c "! grep -q '^server does not offer' '$out'"
says win-pass '^mount sec=krb5, with a password: IAKerb with the password'
mount_ok predicted-win-password mount -t cifs "$src" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"

iakerb_restart --mechs mskrb5,krb5,ntlmssp
run_check noiakerb 1
says noiakerb-offers '^server offers: MS-krb5, krb5, NTLMSSP$'
says noiakerb-missing '^server does not offer: IAKerb, NEGOEX$'
says noiakerb-pass '^mount sec=krb5, with a password: fail: no KDC of the realm is reachable from here and the server does not offer IAKerb'
run_check noiakerb-sec 1 --sec iakerb
says noiakerb-sec '^mount sec=iakerb, no password: fail: sec=iakerb, and the server does not offer IAKerb$'
iakerb_restart

# ---- first mount as users type it (mount.cifs 7.9) --------------------

# sec=krb5 and a password: mount.cifs drops it, every way it is given
mount_refused krb5-password-dropped 126 'password specified twice' \
	mount -t cifs "$src" "$mnt" -o "sec=krb5,username=alice,password=alicepw,$opts"
mount_refused krb5-password-first-dropped 126 . \
	mount -t cifs "$src" "$mnt" -o "username=alice,password=alicepw,sec=krb5,$opts"
mount_refused krb5-credfile-dropped 126 . \
	mount -t cifs "$src" "$mnt" -o "sec=krb5,credentials=$cred,$opts"
mount_refused krb5-passwd-env-dropped 126 . \
	env PASSWD=alicepw mount -t cifs "$src" "$mnt" -o "sec=krb5,username=alice,$opts"
# and never prompts: the password on stdin is not read
mount_refused krb5-no-prompt 126 . sh -c "echo alicepw | setsid -w mount -t cifs \
	'$src' '$mnt' -o 'sec=krb5,username=alice,$opts'"
check krb5-no-prompt-text sh -c "! echo \"\$0\" | grep -q 'Password for'" "$mout"

# the ways that work: sec=iakerb for a password, through mount.cifs
mount_ok iakerb-password mount -t cifs "$src" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"
mount_ok iakerb-credfile mount -t cifs "$src" "$mnt" \
	-o "sec=iakerb,credentials=$cred,$opts"
mount_ok iakerb-passwd-env env PASSWD=alicepw mount -t cifs "$src" "$mnt" \
	-o "sec=iakerb,username=alice,$opts"
# the prompt (no terminal: getpass reads stdin)
mount_ok iakerb-prompt sh -c "echo alicepw | setsid -w mount -t cifs \
	'$src' '$mnt' -o 'sec=iakerb,username=alice,$opts'"
# sec=krb5 with the password straight to the kernel: mount -i
mount_ok krb5-mount-i mount -i -t cifs "$src" "$mnt" \
	-o "sec=krb5,username=alice,password=alicepw,$opts"

# sec=iakerb and a stored ticket: mount.cifs prompts anyway; an empty
# answer (here: end of input) sends an empty password, and the ticket is
# used
"$topo/srvexec.sh" "$w" cat "$SRV_DIR/cc.alice" >/tmp/krb5cc_0
chmod 600 /tmp/krb5cc_0
mount_ok iakerb-ticket-empty-answer sh -c "setsid -w mount -t cifs '$src' \
	'$mnt' -o 'sec=iakerb,username=alice,$opts' </dev/null"
# with a ticket, sec=krb5 is the way (no prompt): shown above, again here
mount_ok ticket-krb5 mount -t cifs "$src" "$mnt" -o "sec=krb5,username=alice,$opts"
rm -f /tmp/krb5cc_0

# ---- what the user reads for two outcomes mount.cifs rewrites ---------

# mounted by address: the KDC knows no cifs/<address> (NO_SERVICE, ENXIO);
# mount.cifs 7.9 first retries with the share name in upper case
mount_refused no-service-uppercase-retry 6 'Retrying with upper case share name' \
	mount -t cifs "//$SRV_ADDR/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"

# the server's KDC is down (KDC_UNREACHABLE, EREMOTEIO): mount.cifs must
# say what the kernel said, not "could not connect" (which it prints for
# EHOSTUNREACH, the errno this outcome had before)
"$topo/srvexec.sh" "$w" sh -c "kill \$(cat $SRV_DIR/kdc.pid)"
m=$(dmesg_mark)
mount_refused dead-kdc-mount 121 'Remote I/O error' mount -t cifs "$src" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"
check dead-kdc-dmesg sh -c "dmesg | tail -n +$((m + 1)) | grep -q 'the server could not reach a KDC'"
not_a_connect_failure() { ! printf '%s\n' "$mout" | grep -q 'could not connect'; }
check dead-kdc-not-connect-failure not_a_connect_failure

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
