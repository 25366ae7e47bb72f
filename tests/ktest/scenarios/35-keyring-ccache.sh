#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Daily use with the tickets in the kernel's keyring (issue 13): krb5.conf's
# default_ccache_name = KEYRING:persistent:%{uid}, as sssd and most desktop
# distributions set it.  A password mount keeps what it obtained there
# (store_tickets = owner, root mounting for itself), not in a FILE: cache;
# the next mount, with no password, takes the ticket from that keyring
# (one AP round trip); once the keyring is emptied, a mount with no
# password fails with ENOKEY.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

keyring_cleanup() {
	kdestroy -A -c KEYRING:persistent:0 >/dev/null 2>&1
	iakerb_cleanup
}
trap keyring_cleanup EXIT

ktest_catch_syslog || info "no syslog catcher: helper lines not shown"
# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
iakerb_store_tickets owner
sed -i '/^\[libdefaults\]/a\	default_ccache_name = KEYRING:persistent:%{uid}' /etc/krb5.conf
kdestroy -A -c KEYRING:persistent:0 >/dev/null 2>&1

# keyring_has PRINCIPAL-REGEX: root's persistent keyring collection holds it
keyring_has() {
	local c
	for c in $(KRB5CCNAME=KEYRING:persistent:0 klist -l 2>/dev/null |
		   awk 'NR > 2 && $2 ~ /^KEYRING:persistent:0/ { print $2 }'); do
		klist -c "$c" 2>/dev/null | grep -Eq -- "$1" && return 0
	done
	return 1
}

check password-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"
mountpoint -q "$mnt" && check password-umount umount "$mnt"
check stored-in-keyring keyring_has "cifs/$SRV_NAME@$REALM"
check not-in-a-file test ! -e /tmp/krb5cc_0

s0=$(wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0)
echo >"$trace"
check keyring-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,$opts"
if mountpoint -q "$mnt"; then
	check keyring-ap-only test "$(traced_round_trips)" = "$iakerb_ap_round_trips"
	check keyring-helper-said sh -c "tail -n +$((s0 + 1)) '$KTEST_SYSLOG' |
		grep -q 'using the service ticket from KEYRING:persistent:0'"
	ktest_file_roundtrip keyring "$mnt"
	check keyring-umount umount "$mnt"
fi

kdestroy -A -c KEYRING:persistent:0 >/dev/null 2>&1
# (not $out: check() has a local of that name)
mout=$(mount -t cifs "//$SRV_NAME/share" "$mnt" -o "sec=krb5,username=alice,$opts" 2>&1)
if mountpoint -q "$mnt"; then
	umount "$mnt"
	fail emptied-keyring-refused "mounted"
else
	info "emptied: $(echo "$mout" | head -n 1)"
	enokey() { printf '%s\n' "$mout" | grep -q 'mount error(126)'; }
	check emptied-keyring-enokey enokey
fi

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
