#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 600
#
# Two machines, each with its own local KDC made by localkdc
# (localkdc-helper), and a time-limited trust between them (issue 12):
#
#   machine A (the client: this VM's namespaces)   machine B (its own netns)
#   localkdc realm A, alice@A, socket of its own    localkdc realm B, smbsrv
#
# After "trust offer" on A and "trust accept" on B, alice mounts B's share
# with sec=krb5 and no password: the helper gets krbtgt/B@A from A's KDC
# over A's socket, and only the TGS-REQ for B and the AP-REQ go through
# B's server (B's KDC has no line to A's, and A's KDC never sees B).
# Removing the trust, on either side, and its expiry make the mount fail
# with one line that says so.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

lkdc=$KTEST_SRC/localkdc-helper/build/localkdc
[ -x "$lkdc" ] || { fail built "no $lkdc"; exit 1; }

# Machine A's localkdc keeps the standard paths (/var/lib/localkdc,
# /run/localkdc, /etc/krb5.conf.d): the helper, started by request-key,
# finds the local realm there as on a real machine.
la() { "$lkdc" "$@"; }
lb() { "$topo/srvexec.sh" "$w" "$lkdc" --root "$SRV_DIR/lkdc" "$@"; }
realm_of() { sed -n 's/.*"realm": *"\([^"]*\)".*/\1/p'; }
a_kdc_log=/var/lib/localkdc/kdc.log
b_kdc_log() { "$topo/srvexec.sh" "$w" cat "$KDC_LOG"; }
# b_count_since N PATTERN COUNT: B's KDC logged COUNT such lines after line N
b_count_since() {
	[ "$(b_kdc_log | tail -n +$(($1 + 1)) | grep -c -- "$2")" = "$3" ]
}

trust_cleanup() {
	la teardown >/dev/null 2>&1
	iakerb_cleanup
	rm -f "/tmp/krb5cc_$(id -u alice 2>/dev/null)"
}
trap trust_cleanup EXIT

ktest_catch_syslog || info "no syslog catcher: helper lines not shown"

# Machine B: the topology's server side, its realm made by localkdc
iakerb_topo_args=(--localkdc "$lkdc")
if iakerb_up; then pass b-up; else fail b-up "topology, localkdc or smbsrv"; exit 1; fi
RB=$REALM
b_realm_is() { [ "$(lb status --json | realm_of)" = "$1" ]; }
check b-realm-by-localkdc b_realm_is "$RB"

# Machine A: its own realm and alice in it
ktest_ensure_user alice
uid=$(id -u alice)
la teardown >/dev/null 2>&1
check a-setup sh -c "echo alice-A-pw | '$lkdc' setup --host client.test --user alice"
RA=$(la status --json | realm_of)
info "machine A: $RA, machine B: $RB"
# A's krb5.conf names no KDC but its own realm's (localkdc's snippet)
iakerb_client_krb5_conf "includedir /etc/krb5.conf.d/"

# trust PEER-HOST-OPTIONS...: offer on A, accept on B; "trust" lines
trust() {
	la trust offer "$@" "$RB" >"$KTEST_WORK/tok" 2>"$KTEST_WORK/offer.err" ||
		{ cat "$KTEST_WORK/offer.err"; return 1; }
	sed -n 's/^passphrase .*: //p' "$KTEST_WORK/offer.err" >"$KTEST_WORK/pass"
	printf '%s\n%s\n' "$(cat "$KTEST_WORK/tok")" "$(cat "$KTEST_WORK/pass")" |
		lb trust accept
}
# fresh_tgt: alice's ccache holds her TGT of A and nothing else
fresh_tgt() {
	rm -f "/tmp/krb5cc_$uid"
	la ensure --user alice
}
xmount() {
	mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "sec=krb5,username=alice,cruid=$uid,$opts" 2>&1
}
# Count of lines matching $2 in KDC log text $1
count() { printf '%s\n' "$1" | grep -c -- "$2"; }

check trust-made trust --expires 1h --peer-host "$SRV_NAME"
listed() { "$1" trust list | grep -q "^$2 $3 "; }
check a-trust-out listed la "$RB" out
check b-trust-in listed lb "$RA" in
check a-ensure fresh_tgt
check a-tgt-local sh -c "klist -c /tmp/krb5cc_$uid | grep -q 'krbtgt/$RA@$RA'"

# The passwordless mount across the trust
b0=$(b_kdc_log | wc -l)
a0=$(wc -l <"$a_kdc_log")
s0=$(grep -c 'SESSLEG .*kdc=1' "$LOG_DIR/smbsrv.log")
echo >"$trace"
check x-mount xmount
if mountpoint -q "$mnt"; then
	n=$(traced_round_trips)
	info "kernel legs: $(grep -o 'dir=recv len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
	check x-two-legs-tgs-and-ap test "$n" = 2
	bl=$(b_kdc_log | tail -n +$((b0 + 1)))
	al=$(tail -n +$((a0 + 1)) "$a_kdc_log")
	info "B's KDC: $(printf '%s\n' "$bl" | grep _REQ | sed 's/.*}) //')"
	info "A's KDC: $(printf '%s\n' "$al" | grep _REQ | sed 's/.*}) //' | tr '\n' ' ')"
	check x-b-kdc-cross-realm-tgs test "$(count "$bl" "TGS_REQ.*alice@$RA for cifs/$SRV_NAME@$RB")" = 1
	check x-b-kdc-nothing-else test "$(count "$bl" '_REQ')" = 1
	check x-b-kdc-never-as-req test "$(b_kdc_log | grep -c 'AS_REQ')" = 0
	check x-a-kdc-cross-tgt test "$(count "$al" "TGS_REQ.*alice@$RA for krbtgt/$RB@$RA")" = 1
	check x-server-relayed-one-kdc-leg test \
		"$(( $(grep -c 'SESSLEG .*kdc=1' "$LOG_DIR/smbsrv.log") - s0 ))" = 1
	check x-helper-said-cross-realm grep -q "cross-realm TGT krbtgt/$RB@$RA from its KDC" "$KTEST_SYSLOG"
	check x-session-user sh -c "grep -q 'alice@$RA' '$LOG_DIR/smbsrv.log'"
	ktest_file_roundtrip x "$mnt"
	check x-umount umount "$mnt"
fi

# Again, with what the first mount cached: the AP exchange only, and
# neither KDC asked
b0=$(b_kdc_log | wc -l)
a0=$(wc -l <"$a_kdc_log")
echo >"$trace"
check cached-mount xmount
if mountpoint -q "$mnt"; then
	check cached-one-leg test "$(traced_round_trips)" = "$iakerb_ap_round_trips"
	check cached-no-kdc test "$(b_kdc_log | tail -n +$((b0 + 1)) | grep -c _REQ)$(tail -n +$((a0 + 1)) "$a_kdc_log" | grep -c _REQ)" = 00
	check cached-umount umount "$mnt"
fi

# After login, nothing else: no ticket at all in alice's cache, and the
# helper gets her TGT of A itself (localkdc_ensure(), from the keytab
# setup made for her account), then goes on across the trust
rm -f "/tmp/krb5cc_$uid"
s1=$(wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0)
check login-only-mount xmount
if mountpoint -q "$mnt"; then
	check login-only-helper-got-tgt sh -c "tail -n +$((s1 + 1)) '$KTEST_SYSLOG' | grep -q 'local realm: TGT obtained alice@$RA'"
	check login-only-tgt-in-cache sh -c "klist -c /tmp/krb5cc_$uid | grep -q 'krbtgt/$RA@$RA'"
	check login-only-umount umount "$mnt"
fi

# Windows' dialect on B's server: the same trust, our own KDC legs
if iakerb_restart --mode windows --mechs windows; then
	b0=$(b_kdc_log | wc -l)
	check win-ensure fresh_tgt
	echo >"$trace"
	check win-mount xmount
	if mountpoint -q "$mnt"; then
		# TGS, AP, then Windows' mechListMIC leg
		check win-three-legs test "$(traced_round_trips)" = 3
		check win-b-kdc-cross-realm-tgs b_count_since "$b0" \
			"TGS_REQ.*alice@$RA for cifs/$SRV_NAME@$RB" 1
		check win-umount umount "$mnt"
	fi
	iakerb_restart
else
	fail win-restart "smbsrv in Windows mode"
fi

# refused NAME ERRNO DMESG HELPER: the mount fails with ERRNO, the kernel
# logs DMESG (after "Kerberos upcall leg N failed: ") and the helper a
# line with HELPER, both since the mount began
refused() {
	local name=$1 errno=$2 dm=$3 hl=$4 m s out
	m=$(dmesg_mark)
	s=$(wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0)
	out=$(xmount)
	if mountpoint -q "$mnt"; then
		umount "$mnt"
		fail "$name-refused" "mounted"
		return
	fi
	info "$name: $(echo "$out" | head -n 1); helper: $(tail -n +$((s + 1)) "$KTEST_SYSLOG" | grep -E 'leg [0-9]+: .*\(' | tail -n 1 | sed 's/.*\(leg [0-9]*: \)/\1/')"
	check "$name-mount-error-$errno" sh -c "echo '$out' | grep -q 'mount error($errno)'"
	check "$name-dmesg-line" sh -c "dmesg | tail -n +$((m + 1)) | grep -q 'Kerberos upcall leg [0-9]* failed: $dm'"
	check "$name-helper-line" sh -c "tail -n +$((s + 1)) '$KTEST_SYSLOG' | grep -q -- \"$hl\""
}

# B removes its half: A still hands out krbtgt/B@A, B's KDC refuses it
check b-remove lb trust remove "$RA"
check b-removed-a-ensure fresh_tgt
refused b-removed 67 "the user.s realm has no valid trust" \
	"$RB's KDC knows neither the trust krbtgt/$RB@$RA"
info "B's KDC: $(b_kdc_log | grep TGS_REQ | tail -n 1 | sed 's/.*}) //')"

# A removes its half too, and with it the mapping of B's host: A knows
# nothing of B any more, and its KDC no cifs/<host> of its own
check a-remove la trust remove "$RB"
check a-removed-ensure fresh_tgt
refused a-removed 6 "the KDC does not know the server.s principal" \
	"NO_SERVICE (No such device or address): krb5 AP-REQ"

# A trust that ends by itself: works, then stops at its expiry
check short-trust trust --expires 40 --peer-host "$SRV_NAME"
end=$(( $(date +%s) + 40 ))
check short-ensure fresh_tgt
check short-mount xmount
mountpoint -q "$mnt" && check short-umount umount "$mnt"
left=$(( end - $(date +%s) + 2 ))
info "waiting ${left}s for the trust to end"
[ "$left" -gt 0 ] && sleep "$left"
# the cache still holds alice's TGT of A (valid for hours) and the
# cross-realm TGT, which ended with the trust
check expired-tgt-still-valid sh -c "klist -s -c /tmp/krb5cc_$uid"
refused expired 67 "the user.s realm has no valid trust" \
	"no cross-realm TGT krbtgt/$RB@$RA from $RA's KDC"

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
