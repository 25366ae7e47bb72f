#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The leftover check (ktest_cifs_keys and ktest_leftovers in lib.sh, used
# after every scenario and by the IAKerb scenarios) must see what it is
# for.  It once compared /proc/keys' type column with "cifs.spnego",
# which the kernel prints as "cifs.spne" (%-9.9s, security/keys/proc.c),
# so it matched nothing.  No userspace program can make a cifs.spnego key
# (its vet_description refuses every credential but cifs' own), so one is
# made the way the kernel makes it: a mount whose request-key handler
# takes its time.  While it runs, the key is under construction, and the
# check must list it.  The patched module kills the handler when the
# leg's time (tmo=30) is up and invalidates the key: from then on the
# check must not list it (the garbage collector reaps it soon; until then
# /proc/keys shows it invalidated).  The stock module leaves a 60 s
# negative key instead; the check lists those too.
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

# The handler: never answers (exec: the kernel kills this very process).
slow=$KTEST_WORK/slow-handler.sh
printf '#!/bin/sh\nexec sleep 120\n' >"$slow"
chmod +x "$slow"
ktest_use_upcall "$slow"
t0=$(date +%s)
timeout -k 5 100 mount -t cifs //srv.test/share "$mnt" \
	-o "sec=krb5,username=$user,vers=3.1.1" >"$KTEST_WORK/leftover-mount.out" 2>&1 &
mpid=$!

key_seen() {
	local i
	for i in $(seq 50); do
		grep -q " cifs\.spne ver=0x2;host=srv\.test;.*;user=$user;" /proc/keys &&
			return 0
		sleep 0.2
	done
	return 1
}
check key-under-construction key_seen

# What the kernel prints, and why "$8 == cifs.spnego" never matched.
check proc-keys-type-truncated sh -c \
	"grep -q ' cifs\.spne ver=0x2;host=srv\.test;.*;user=$user;' /proc/keys &&
	 ! grep -q ' cifs\.spnego ' /proc/keys"

# The check lists the key under construction (U) and the handler.
sees_live_key() {
	local out
	if out=$(ktest_leftovers 1); then
		echo "ktest_leftovers found nothing"
		grep ' cifs\.' /proc/keys
		return 1
	fi
	echo "$out"
	echo "$out" | grep -Eq "leftover key: [0-9a-f]{8} [-I]...U.. .* cifs\.spne ver=0x2;host=srv\.test;.*;user=$user;"
}
check leftover-check-sees-live-key sees_live_key
info "$(grep " cifs\.spne .*;user=$user;" /proc/keys)"

# The kernel gives up at tmo: the mount fails with ETIMEDOUT, the handler
# is gone, and the key is invalidated, which the check must not list.
wait "$mpid"
t1=$(date +%s)
info "mount: $(cat "$KTEST_WORK/leftover-mount.out") after $((t1 - t0)) s"
check mount-timed-out grep -q 'mount error(110)' "$KTEST_WORK/leftover-mount.out"
check mount-ended-in-time test $((t1 - t0)) -le 45
drops_dead_key() {
	if ! ktest_leftovers 6 >/dev/null; then
		ktest_leftovers 0
		return 1
	fi
	# the garbage collector reaps an invalidated key soon; until then
	# /proc/keys must show it invalidated
	if grep " cifs\.spne .*;user=$user;" /proc/keys |
			grep -Evq "^[0-9a-f]{8} [-I].....i "; then
		echo "listed, not invalidated:"
		grep " cifs\.spne .*;user=$user;" /proc/keys
		return 1
	fi
}
check leftover-check-drops-invalidated-key drops_dead_key
ktest_use_upcall stock
[ -z "${KTEST_FAILED:-}" ]
