#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The leftover check (ktest_cifs_keys and ktest_leftovers in lib.sh, used
# after every scenario and by the IAKerb scenarios) must see what it is
# for.  It once compared /proc/keys' type column with "cifs.spnego",
# which the kernel prints as "cifs.spne" (%-9.9s, security/keys/proc.c),
# so it matched nothing.  No userspace program can make a cifs.spnego key
# (its vet_description refuses every credential but cifs' own), so one is
# left the way the kernel leaves it: a request-key handler that exits
# without answering.  request_key then negates the key for 60 s, and the
# same description fails at once, with no helper run, until it expires.
# The check must list that key, and must stop listing it once it expired
# (it stays in /proc/keys as "expd" until the garbage collector runs).
. "$KTEST_SRC/tests/ktest/lib.sh"

realm=KTEST.LAN
mnt=$KTEST_WORK/mnt-leftover
# user= is in the key's description: it tells this key from any other
user=ktestleft
mkdir -p "$mnt"

cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	ktest_use_upcall stock
}
trap cleanup EXIT

check kdc-start ktest_ensure_kdc "$realm"
ktest_kdc_addprinc cifs/srv.test
rm -f "$KTEST_WORK/samba/smb.keytab"
mkdir -p "$KTEST_WORK/samba"
ktest_kdc_ktadd "$KTEST_WORK/samba/smb.keytab" cifs/srv.test
check samba-start ktest_ensure_samba "$realm"

# The handler: runs, exits 0, neither instantiates nor rejects the key.
ktest_use_upcall /bin/true
expect_fail mount-with-silent-handler mount -t cifs //srv.test/share "$mnt" \
	-o "sec=krb5,username=$user,vers=3.1.1"
ktest_use_upcall stock

# What the kernel prints, and why "$8 == cifs.spnego" never matched.
check proc-keys-type-truncated sh -c \
	"grep -q ' cifs\.spne ver=0x2;host=srv\.test;.*;user=$user;' /proc/keys &&
	 ! grep -q ' cifs\.spnego ' /proc/keys"

# The check lists the live negative key (flags I...-N-, timeout in s/m).
sees_negative_key() {
	local out
	if out=$(ktest_leftovers 1); then
		echo "ktest_leftovers found nothing"
		grep ' cifs\.' /proc/keys
		return 1
	fi
	echo "$out"
	echo "$out" | grep -Eq "leftover key: [0-9a-f]{8} I...-N- +[0-9]+ +[0-9]+[sm] .* cifs\.spne ver=0x2;host=srv\.test;.*;user=$user;"
}
check leftover-check-sees-negative-key sees_negative_key
info "$(grep " cifs\.spne .*;user=$user;" /proc/keys)"

# Dead after 60 s: no longer a leftover, though /proc/keys still lists
# it, as expired, until the garbage collector reaps it.
drops_expired_key() {
	local i
	for i in $(seq 75); do
		ktest_cifs_keys | grep -q ";user=$user;" || break
		sleep 1
	done
	if ktest_cifs_keys | grep ";user=$user;"; then
		echo "still listed after 75 s"
		return 1
	fi
	grep -Eq "^[0-9a-f]{8} I...-N- +[0-9]+ +expd .* cifs\.spne ver=0x2;host=srv\.test;.*;user=$user;" /proc/keys ||
		{ echo "not in /proc/keys as expired:"; grep ' cifs\.' /proc/keys; return 1; }
}
check leftover-check-drops-expired-key drops_expired_key
[ -z "${KTEST_FAILED:-}" ]
