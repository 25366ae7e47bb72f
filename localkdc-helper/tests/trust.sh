# SPDX-License-Identifier: GPL-2.0
#
# localkdc trust tests (issue 12 item 4), sourced by run.sh, which owns the
# harness (t, pass/fail, expect_rc, newroot) and the summary line.
# Realms A and B (and C for bad tokens) live in their own roots, each
# with its own activator, socket and krb5kdc; KRB5_CONFIG lists their
# snippets and nothing else (no [capaths]: MIT asks for krbtgt/B@A
# directly).
# Every refused token is checked to leave the KDB, trusts file and
# snippet as they were.  --peer-host: A's users reach B's host b.test;
# $B/host_realm prints what MIT's krb5_get_host_realm() makes of a host
# name, as the upcall helper asks it.

TA=$(newroot trust-a)
TB=$(newroot trust-b)
TC=$(newroot trust-c)
RA=LOCALKDC.TRUST-A
RB=LOCALKDC.TRUST-B
RC=LOCALKDC.TRUST-C

trust_env() {
	export KRB5_CONFIG=$TA/etc/krb5.conf.d/localkdc.conf:$TB/etc/krb5.conf.d/localkdc.conf:$TC/etc/krb5.conf.d/localkdc.conf
}
# what a realm has of trusts: its principals, trusts file and snippet
trust_snap() {
	"$L" --root "$1" status --json | json '"\n".join(d["principals"])'
	grep -v '^#' "$1/var/lib/localkdc/trusts"
	cat "$1/etc/krb5.conf.d/localkdc.conf"
}
snippet() { echo "$1/etc/krb5.conf.d/localkdc.conf"; }
# host_realm ROOT HOST: the realm(s) krb5 finds for HOST under ROOT's snippet
host_realm() { KRB5_CONFIG=$(snippet "$1") "$B/host_realm" "$2"; }
# offer ROOT PEER [OPTIONS]: the token in $WORK/tok, the passphrase in $WORK/pass
offer() {
	local root=$1 peer=$2
	shift 2
	"$L" --root "$root" trust offer "$@" "$peer" >"$WORK/tok" 2>"$WORK/offer.err" ||
		{ echo "offer failed: $(cat "$WORK/offer.err")"; return 1; }
	sed -n 's/^passphrase .*: //p' "$WORK/offer.err" >"$WORK/pass"
	[ -s "$WORK/pass" ] || { echo "no passphrase on stderr: $(cat "$WORK/offer.err")"; return 1; }
}
# accept ROOT TOKEN PASSPHRASE [OPTIONS]: both on stdin, output in $WORK/out
accept() {
	local root=$1 tok=$2 pass=$3
	shift 3
	printf '%s\n%s\n' "$tok" "$pass" | "$L" --root "$root" trust accept "$@" >"$WORK/out" 2>&1
}
# refused WANT_RC WANT_TEXT ROOT TOKEN PASSPHRASE [OPTIONS]: one line,
# nothing made
refused() {
	local rc want=$1 text=$2 root=$3 before
	before=$(trust_snap "$root")
	accept "$root" "$4" "$5" "${@:6}"
	rc=$?
	[ $rc = "$want" ] || { echo "exit $rc, not $want: $(cat "$WORK/out")"; return 1; }
	[ "$(wc -l <"$WORK/out")" = 1 ] || { echo "not one line: $(cat "$WORK/out")"; return 1; }
	grep -q "$text" "$WORK/out" || { echo "no \"$text\" in: $(cat "$WORK/out")"; return 1; }
	[ "$before" = "$(trust_snap "$root")" ] ||
		{ echo "the refused token changed $root: $(diff <(echo "$before") <(trust_snap "$root") | head -3)"; return 1; }
}
# cross USER@REALM PASSWORD SERVICE: a fresh TGT, then a service ticket
cross() {
	local cc=$WORK/cc-cross
	rm -f "$cc"
	echo "$2" | kinit -c "FILE:$cc" "$1" >/dev/null || { echo "kinit $1 failed"; return 2; }
	kvno -c "FILE:$cc" "$3" >"$WORK/kvno.out" 2>&1
}

# Command line mistakes: exit 2 and a one-line cause, before anything runs
test_trust_usage() {
	expect_rc 2 "$L" trust || return 1
	expect_rc 2 "$L" trust bogus || return 1
	expect_rc 2 "$L" trust offer || return 1
	grep -q "needs a realm" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	expect_rc 2 "$L" trust list extra || return 1
	expect_rc 2 "$L" trust accept --both-ways || return 1
	grep -q "does not apply to accept" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	for bad in 0 -5 2y 1hh 367d; do
		expect_rc 2 "$L" trust offer --expires "$bad" $RB || return 1
	done
	expect_rc 2 "$L" --root "$TA" trust offer lower.case || return 1
	# a bad host is a usage error even where no realm is set up
	expect_rc 2 "$L" --root "$WORK/nowhere" trust offer --peer-host b_test $RB || return 1
	expect_rc 2 "$L" trust remove --peer-host b.test $RB || return 1
	grep -q "does not apply to remove" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
}

test_trust_setup() {
	echo "$PW1" | "$L" --root "$TA" setup --realm $RA --host a.test --user $U1 >/dev/null 2>&1 ||
		{ echo "setup A failed"; return 1; }
	echo "$PW2" | "$L" --root "$TB" setup --realm $RB --host b.test --user $U2 >/dev/null 2>&1 ||
		{ echo "setup B failed"; return 1; }
	"$L" --root "$TC" setup --realm $RC --host c.test </dev/null >/dev/null 2>&1 ||
		{ echo "setup C failed"; return 1; }
}

# offer on A, accept on B: both hold krbtgt/B@A, a line each
test_trust_offer_accept() {
	trust_env
	offer "$TA" $RB --peer-host B.Test --peer-host b.test || return 1
	[ "$(wc -l <"$WORK/tok")" = 1 ] || { echo "token is not one line"; return 1; }
	grep -qE "^LKDC-TRUST-1:$RA:$RB:[0-9]+:one:[A-Za-z0-9+/=]+$" "$WORK/tok" ||
		{ echo "token: $(cat "$WORK/tok")"; return 1; }
	grep -qF "$(cat "$WORK/pass")" "$WORK/tok" && { echo "the passphrase is in the token"; return 1; }
	accept "$TB" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")" ||
		{ echo "accept failed: $(cat "$WORK/out")"; return 1; }
	grep -qx "$RB out [0-9]* b.test" "$TA/var/lib/localkdc/trusts" || { echo "A's trusts: $(cat "$TA/var/lib/localkdc/trusts")"; return 1; }
	grep -qx "$RA in [0-9]*" "$TB/var/lib/localkdc/trusts" || { echo "B's trusts: $(cat "$TB/var/lib/localkdc/trusts")"; return 1; }
	[ "$(awk '!/^#/{print $3}' "$TA/var/lib/localkdc/trusts")" = "$(awk '!/^#/{print $3}' "$TB/var/lib/localkdc/trusts")" ] ||
		{ echo "the two sides' expiries differ"; return 1; }
	for r in "$TA" "$TB"; do
		trust_snap "$r" >"$WORK/snap"
		grep -qx "krbtgt/$RB@$RA" "$WORK/snap" || { echo "no krbtgt/$RB@$RA in $r"; return 1; }
		grep -q "krbtgt/$RA@$RB" "$WORK/snap" && { echo "a reverse trust in $r, not asked"; return 1; }
	done
	return 0
}

# A's snippet maps b.test (lower case, once) to B, and krb5 reads it so;
# B's, whose users go nowhere, maps nothing
test_trust_peer_host_mapped() {
	local a=$(snippet "$TA")
	[ "$(sed -n '/^\[domain_realm\]$/,$p' "$a")" = "$(printf '[domain_realm]\n\tb.test = %s' $RB)" ] ||
		{ echo "A's snippet: $(cat "$a")"; return 1; }
	grep -q "^[[:space:]]*kdc = $TA/run/localkdc/kdc.sock$" "$a" || { echo "A's snippet lost its kdc: $(cat "$a")"; return 1; }
	[ "$(host_realm "$TA" B.TEST)" = $RB ] || { echo "krb5_get_host_realm(B.TEST) under A: $(host_realm "$TA" B.TEST)"; return 1; }
	[ -z "$(host_realm "$TA" other.test)" ] || { echo "other.test maps to $(host_realm "$TA" other.test)"; return 1; }
	grep -q domain_realm "$(snippet "$TB")" && { echo "B's snippet maps hosts: $(cat "$(snippet "$TB")")"; return 1; }
	# setup puts a removed snippet back with its mapping
	cp "$a" "$WORK/snippet-a"
	rm "$a"
	"$L" --root "$TA" setup </dev/null >"$WORK/out" 2>&1 || { echo "setup again: $(cat "$WORK/out")"; return 1; }
	cmp -s "$a" "$WORK/snippet-a" || { echo "the put back snippet: $(cat "$a")"; return 1; }
}

# alice@A names only B's host (kvno -S, a host-based name as the upcall
# helper has): the realm comes from A's [domain_realm]
test_trust_peer_host_kvno() {
	local cc=$WORK/cc-host
	trust_env
	echo "$PW1" | kinit -c "FILE:$cc" "$U1@$RA" >/dev/null || { echo "kinit failed"; return 1; }
	kvno -c "FILE:$cc" -S cifs b.test >"$WORK/kvno.out" 2>&1 || { echo "kvno -S cifs b.test: $(cat "$WORK/kvno.out")"; return 1; }
	grep -q "^cifs/b.test@$RB: kvno" "$WORK/kvno.out" || { echo "kvno said: $(cat "$WORK/kvno.out")"; return 1; }
}

# Bad host names, a host of another trust: exit 2, one line, nothing made
test_trust_peer_host_bad() {
	local before h
	before=$(trust_snap "$TA")
	for h in "" -b.test .b.test b.test. b..test b_test "b test" "b.test/x" \
		"$(printf 'a%.0s' {1..64}).test" "$(printf 'abcdefghi.%.0s' {1..25})test"; do
		expect_rc 2 "$L" --root "$TA" trust offer --peer-host "$h" $RC || { echo "for \"$h\""; return 1; }
		[ "$(wc -l <"$WORK/out")" = 1 ] || { echo "not one line for \"$h\": $(cat "$WORK/out")"; return 1; }
		grep -qF "bad --peer-host \"$h\"" "$WORK/out" || { echo "unclear for \"$h\": $(cat "$WORK/out")"; return 1; }
		[ "$before" = "$(trust_snap "$TA")" ] ||
			{ echo "refused \"$h\" changed A: $(diff <(echo "$before") <(trust_snap "$TA") | head -3)"; return 1; }
	done
	expect_rc 2 "$L" --root "$TA" trust offer --peer-host c.test --peer-host B.test $RC || return 1
	grep -q "b.test is a host of the trust with $RB already" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	[ "$before" = "$(trust_snap "$TA")" ] ||
		{ echo "a refused --peer-host changed A: $(diff <(echo "$before") <(trust_snap "$TA") | head -3)"; return 1; }
	# the longest name allowed: 253 bytes, labels of 63
	h=$(printf 'abcdefghi.%.0s' {1..24})$(printf 'x%.0s' {1..13})
	[ ${#h} = 253 ] || { echo "test's name is ${#h} bytes"; return 1; }
	offer "$TA" $RC --peer-host "$h" --peer-host "$(printf 'c%.0s' {1..63}).test" || return 1
	"$L" --root "$TA" trust remove $RC >/dev/null || { echo "remove failed"; return 1; }
}

# --force replaces the hosts with the trust; remove drops them, others stay
test_trust_peer_host_replace() {
	offer "$TA" $RC --peer-host c.test || return 1
	[ "$(host_realm "$TA" c.test)" = $RC ] || { echo "c.test maps to \"$(host_realm "$TA" c.test)\""; return 1; }
	offer "$TA" $RC --force --peer-host C2.test || return 1
	[ "$(host_realm "$TA" c2.test)" = $RC ] || { echo "c2.test maps to \"$(host_realm "$TA" c2.test)\""; return 1; }
	[ -z "$(host_realm "$TA" c.test)" ] || { echo "the replaced c.test still maps to $(host_realm "$TA" c.test)"; return 1; }
	grep -qx "$RC out [0-9]* c2.test" "$TA/var/lib/localkdc/trusts" || { echo "A's trusts: $(cat "$TA/var/lib/localkdc/trusts")"; return 1; }
	"$L" --root "$TA" trust remove $RC >/dev/null || { echo "remove failed"; return 1; }
	grep -q "c2\?\.test" "$(snippet "$TA")" && { echo "removed, still in the snippet: $(cat "$(snippet "$TA")")"; return 1; }
	[ "$(host_realm "$TA" b.test)" = $RB ] || { echo "B's b.test went with C's trust"; return 1; }
	return 0
}

# A line written before --peer-host (three fields) still loads; a host on
# an "in" line or one not lower case does not
test_trust_old_line() {
	local f=$TC/var/lib/localkdc/trusts
	cp "$f" "$WORK/trusts-c"
	echo "LOCALKDC.OLD out 1999999999" >>"$f"
	[ "$("$L" --root "$TC" trust list)" = "LOCALKDC.OLD out 1999999999 -" ] ||
		{ echo "list: $("$L" --root "$TC" trust list 2>&1)"; return 1; }
	[ "$("$L" --root "$TC" status --json | json 'd["trusts"][0]["hosts"]')" = "[]" ] ||
		{ echo "status --json: $("$L" --root "$TC" status --json)"; return 1; }
	"$L" --root "$TC" trust remove LOCALKDC.OLD >/dev/null || { echo "remove of the old line failed"; return 1; }
	for bad in "LOCALKDC.OLD in 1999999999 x.test" "LOCALKDC.OLD out 1999999999 X.test" \
		"LOCALKDC.OLD out 1999999999 x.test extra"; do
		cp "$WORK/trusts-c" "$f"
		echo "$bad" >>"$f"
		expect_rc 1 "$L" --root "$TC" trust list || { echo "for \"$bad\""; return 1; }
		grep -qF "bad line \"$bad\"" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	done
	cp "$WORK/trusts-c" "$f"
}

# alice@A gets a ticket for B's cifs/ through A's krbtgt/B@A
test_trust_cross_realm_ticket() {
	trust_env
	cross "$U1@$RA" "$PW1" "cifs/b.test@$RB" || { echo "kvno failed: $(cat "$WORK/kvno.out")"; return 1; }
	grep -q "ISSUE.* $U1@$RA for krbtgt/$RB@$RA" "$TA/var/lib/localkdc/kdc.log" ||
		{ echo "A's KDC log has no cross-realm TGT issued"; return 1; }
	grep -q "TGS_REQ.*ISSUE.* $U1@$RA for cifs/b.test@$RB" "$TB/var/lib/localkdc/kdc.log" ||
		{ echo "B's KDC log has no cross-realm TGS"; return 1; }
	# one way only: B's users get nothing of A
	cross "$U2@$RB" "$PW2" "host/a.test@$RA" && { echo "B's user reached A's service"; return 1; }
	return 0
}

test_trust_list_status() {
	local exp
	exp=$(awk '!/^#/{print $3}' "$TA/var/lib/localkdc/trusts")
	[ "$("$L" --root "$TA" trust list)" = "$RB out $exp b.test" ] || { echo "A lists: $("$L" --root "$TA" trust list)"; return 1; }
	[ "$("$L" --root "$TB" trust list)" = "$RA in $exp -" ] || { echo "B lists: $("$L" --root "$TB" trust list)"; return 1; }
	"$L" --root "$TA" status | grep -qF "trusts:     $RB (out, expires $exp, hosts b.test)" ||
		{ echo "status: $("$L" --root "$TA" status | grep trusts)"; return 1; }
	"$L" --root "$TB" status | grep -qF "trusts:     $RA (in, expires $exp)" ||
		{ echo "B's status: $("$L" --root "$TB" status | grep trusts)"; return 1; }
	[ "$("$L" --root "$TA" status --json | json 'd["trusts"]')" = "[{'realm': '$RB', 'direction': 'out', 'expires': $exp, 'expired': False, 'hosts': ['b.test']}]" ] ||
		{ echo "A's status --json: $("$L" --root "$TA" status --json | json 'd["trusts"]')"; return 1; }
	[ "$("$L" --root "$TB" status --json | json 'd["trusts"]')" = "[{'realm': '$RA', 'direction': 'in', 'expires': $exp, 'expired': False, 'hosts': []}]" ] ||
		{ echo "status --json: $("$L" --root "$TB" status --json | json 'd["trusts"]')"; return 1; }
}

# The offered token for C is good; each damaged form of it is refused
test_trust_garbage() {
	offer "$TA" $RC || return 1
	refused 8 "not a localkdc trust token" "$TC" "hello world" "x" || return 1
	refused 8 "damaged" "$TC" "$(cut -c1-60 "$WORK/tok")" "$(cat "$WORK/pass")" || return 1
	refused 8 "damaged" "$TC" "LKDC-TRUST-1:$RA:$RC:1:one:@@@@" "$(cat "$WORK/pass")" || return 1
	refused 2 "no passphrase" "$TC" "$(cat "$WORK/tok")" "" || return 1
}

# A one-way token makes C's side "in": its users reach nothing of A, so
# there is no host of A to map.  Refused (with the right passphrase).
test_trust_peer_host_oneway() {
	refused 2 "^localkdc: --peer-host: the token lets $RA's users reach this realm" \
		"$TC" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")" --peer-host a.test
}

test_trust_tampered() {
	local tok sealed head c
	tok=$(cat "$WORK/tok")
	# one character of the sealed part changed
	sealed=${tok##*:}
	head=${tok%:*}
	c=${sealed:20:1}
	[ "$c" = A ] && c=B || c=A
	refused 8 "wrong passphrase, or the token was altered" "$TC" \
		"$head:${sealed:0:20}$c${sealed:21}" "$(cat "$WORK/pass")" || return 1
	# a day more written into the clear header
	local exp
	exp=$(cut -d: -f4 <<<"$tok")
	refused 8 "wrong passphrase, or the token was altered" "$TC" \
		"${tok/:$exp:/:$((exp + 86400)):}" "$(cat "$WORK/pass")" || return 1
	# one way made into both ways
	refused 8 "wrong passphrase, or the token was altered" "$TC" \
		"${tok/:one:/:both:}" "$(cat "$WORK/pass")" || return 1
}

test_trust_wrong_passphrase() {
	local p c
	p=$(cat "$WORK/pass")
	# the last character changed (to another one)
	c=x
	[ "${p: -1}" = x ] && c=y
	refused 8 "wrong passphrase" "$TC" "$(cat "$WORK/tok")" "${p%?}$c" || return 1
	refused 8 "wrong passphrase" "$TC" "$(cat "$WORK/tok")" "guess" || return 1
}

# A good token for C, taken to B: for another realm
test_trust_other_realm() {
	refused 8 "the token is for realm $RC; this realm is $RB" "$TB" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")"
}

test_trust_expired_token() {
	offer "$TA" $RC --force --expires 2 || return 1
	sleep 3
	refused 8 "the token expired" "$TC" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")"
}

# A realm with a trust already: refused without --force, replaced with it
test_trust_clash() {
	expect_rc 2 "$L" --root "$TA" trust offer $RA || return 1
	expect_rc 3 "$L" --root "$TA" trust offer $RB || return 1
	grep -q -- "--force" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	offer "$TA" $RC --force || return 1
	accept "$TC" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")" || { echo "accept on C failed: $(cat "$WORK/out")"; return 1; }
	refused 3 "a trust with $RA exists" "$TC" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")" || return 1
	# a principal made by hand, without a trust line, also clashes
	"$L" --root "$TC" trust remove $RA >/dev/null || { echo "remove on C failed"; return 1; }
	KRB5_KDC_PROFILE=$TC/var/lib/localkdc/kdc.conf KRB5_CONFIG=/dev/null \
		kadmin.local -r $RC -q "addprinc -randkey krbtgt/$RC@$RA" >/dev/null 2>&1
	refused 3 "krbtgt/$RC@$RA is in the database" "$TC" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")" || return 1
	accept "$TC" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")" --force || { echo "--force failed: $(cat "$WORK/out")"; return 1; }
	[ "$("$L" --root "$TC" trust list | cut -d' ' -f1,2)" = "$RA in" ] || { echo "C lists: $("$L" --root "$TC" trust list)"; return 1; }
}

# The second principal of a both-ways accept fails: the first is undone
test_trust_rollback() {
	local before
	cat >"$WORK/kadmin-fail" <<-EOF
	#!/bin/sh
	case "\$*" in *"addprinc"*"krbtgt/$RA@$RC"*) echo "injected failure"; exit 1;; esac
	exec /usr/sbin/kadmin.local "\$@"
	EOF
	chmod 755 "$WORK/kadmin-fail"
	"$L" --root "$TC" trust remove $RA >/dev/null || { echo "remove on C failed"; return 1; }
	offer "$TA" $RC --force --both-ways || return 1
	before=$(trust_snap "$TC")
	LOCALKDC_KADMIN_LOCAL=$WORK/kadmin-fail accept "$TC" "$(cat "$WORK/tok")" "$(cat "$WORK/pass")"
	[ $? = 1 ] || { echo "not exit 1: $(cat "$WORK/out")"; return 1; }
	grep -q "injected failure" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	[ "$before" = "$(trust_snap "$TC")" ] ||
		{ echo "half a trust left: $(diff <(echo "$before") <(trust_snap "$TC") | head -3)"; return 1; }
	"$L" --root "$TA" trust remove $RC >/dev/null || { echo "remove on A failed"; return 1; }
}

# No secret on any argv (strace sees every execve), none in any file
test_trust_no_secret() {
	local pass
	command -v strace >/dev/null || { echo "no strace"; return 1; }
	# offer under strace too: its kadmin.local runs get no secret either
	strace -f -qq -s 4096 -e trace=execve -o "$WORK/strace-offer" \
		"$L" --root "$TA" trust offer --both-ways $RC >"$WORK/tok" 2>"$WORK/offer.err" ||
		{ echo "offer under strace failed: $(cat "$WORK/offer.err")"; return 1; }
	sed -n 's/^passphrase .*: //p' "$WORK/offer.err" >"$WORK/pass"
	pass=$(cat "$WORK/pass")
	[ -n "$pass" ] || { echo "no passphrase"; return 1; }
	grep -q 'kadmin.local.*addprinc' "$WORK/strace-offer" || { echo "strace saw no kadmin.local in offer"; return 1; }
	grep -qE "[0-9a-f]{64}|$pass" "$WORK/strace-offer" && { echo "a secret on argv in offer"; return 1; }
	"$L" --root "$TC" trust remove $RA >/dev/null 2>&1
	printf '%s\n%s\n' "$(cat "$WORK/tok")" "$pass" |
		strace -f -qq -s 4096 -e trace=execve -o "$WORK/strace" "$L" --root "$TC" trust accept >/dev/null 2>&1 ||
		{ echo "accept under strace failed"; return 1; }
	grep -q 'kadmin.local.*addprinc' "$WORK/strace" || { echo "strace saw no kadmin.local"; return 1; }
	grep -qE "[0-9a-f]{64}|$pass" "$WORK/strace" && { echo "a secret on argv: $(grep -E "[0-9a-f]{64}|$pass" "$WORK/strace" | head -1)"; return 1; }
	grep -rqF "$pass" "$TA" "$TB" "$TC" && { echo "the passphrase is in a file"; return 1; }
	grep -rqE "[0-9a-f]{64}" "$TA/var/lib/localkdc/trusts" "$TC/var/lib/localkdc/trusts" "$TC/var/lib/localkdc/kdc.log" &&
		{ echo "a key password in a file"; return 1; }
	"$L" --root "$TA" trust remove $RC >/dev/null && "$L" --root "$TC" trust remove $RA >/dev/null ||
		{ echo "remove failed"; return 1; }
}

# After trust remove (either side) the cross-realm ticket is refused
test_trust_remove() {
	trust_env
	"$L" --root "$TA" trust remove $RB >"$WORK/out" 2>&1 || { echo "remove on A: $(cat "$WORK/out")"; return 1; }
	grep -q "deleted krbtgt/$RB@$RA" "$WORK/out" || { echo "said: $(cat "$WORK/out")"; return 1; }
	grep -q domain_realm "$(snippet "$TA")" && { echo "removed, A's snippet still maps: $(cat "$(snippet "$TA")")"; return 1; }
	[ -z "$(host_realm "$TA" b.test)" ] || { echo "b.test still maps to $(host_realm "$TA" b.test)"; return 1; }
	cross "$U1@$RA" "$PW1" "cifs/b.test@$RB" && { echo "kvno still works after remove"; return 1; }
	grep -q "krbtgt/$RB@$RA not found" "$WORK/kvno.out" || { echo "kvno said: $(cat "$WORK/kvno.out")"; return 1; }
	"$L" --root "$TB" trust remove $RA >/dev/null || { echo "remove on B failed"; return 1; }
	for r in "$TA" "$TB"; do
		trust_snap "$r" >"$WORK/snap"
		grep -qE "krbtgt/($RA@$RB|$RB@$RA)" "$WORK/snap" && { echo "trust principals left in $r"; return 1; }
		[ -z "$("$L" --root "$r" trust list)" ] || { echo "$r still lists a trust"; return 1; }
	done
	expect_rc 1 "$L" --root "$TA" trust remove $RB || return 1
	grep -q "no trust with $RB" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
}

# Both ways, 6 seconds: each realm's users reach the other's services,
# then the trust stops working by itself
test_trust_expiry() {
	local exp end
	trust_env
	offer "$TA" $RB --both-ways --expires 6 || return 1
	# the token from a file, the passphrase typed at a terminal
	{ sleep 0.5; cat "$WORK/pass"; } |
		script -qec "$L --root $TB trust accept --peer-host a.test $WORK/tok" /dev/null >"$WORK/out" 2>&1 ||
		{ echo "accept of a file at a terminal failed: $(cat "$WORK/out")"; return 1; }
	grep -q "^passphrase: " "$WORK/out" || { echo "no prompt: $(head -c 200 "$WORK/out")"; return 1; }
	grep -qF "$(cat "$WORK/pass")" "$WORK/out" && { echo "the passphrase was echoed"; return 1; }
	exp=$(awk '!/^#/{print $3}' "$TB/var/lib/localkdc/trusts")
	grep -qx "$RA both $exp a.test" "$TB/var/lib/localkdc/trusts" || { echo "B's trusts: $(cat "$TB/var/lib/localkdc/trusts")"; return 1; }
	[ "$(host_realm "$TB" a.test)" = $RA ] || { echo "a.test under B: \"$(host_realm "$TB" a.test)\""; return 1; }
	cross "$U1@$RA" "$PW1" "cifs/b.test@$RB" || { echo "A to B failed: $(cat "$WORK/kvno.out")"; return 1; }
	cp "$WORK/cc-cross" "$WORK/cc-before"
	end=$(klist -c "FILE:$WORK/cc-before" | awk -v p="krbtgt/$RB@$RA" '$5 == p {print $3, $4}')
	[ "$(date -d "$end" +%s)" -le $((exp + 6)) ] || { echo "the cross-realm TGT ends $end, long after the trust"; return 1; }
	cross "$U2@$RB" "$PW2" "host/a.test@$RA" || { echo "B to A failed: $(cat "$WORK/kvno.out")"; return 1; }
	while [ "$(date +%s)" -le "$exp" ]; do sleep 0.5; done
	sleep 1
	cross "$U1@$RA" "$PW1" "cifs/b.test@$RB" && { echo "A to B works after the expiry"; return 1; }
	grep -qi "expired" "$WORK/kvno.out" || { echo "kvno said: $(cat "$WORK/kvno.out")"; return 1; }
	cross "$U2@$RB" "$PW2" "host/a.test@$RA" && { echo "B to A works after the expiry"; return 1; }
	# a cross-realm TGT had before the end: B's KDC honours it until it
	# ends itself, which is no later than its issue + the trust's length
	while [ "$(date +%s)" -le $((exp + 6)) ]; do sleep 0.5; done
	kvno -c "FILE:$WORK/cc-before" "host/b.test@$RB" >"$WORK/kvno.out" 2>&1 &&
		{ echo "a cross-realm TGT from before the end still works"; return 1; }
	"$L" --root "$TA" trust list | grep -q "(expired)" || { echo "list does not say expired"; return 1; }
	"$L" --root "$TB" status | grep -qF "$RA (both, expired $exp, hosts a.test)" || { echo "status: $("$L" --root "$TB" status | grep trusts)"; return 1; }
	[ "$("$L" --root "$TB" status --json | json 'd["trusts"][0]["expired"]')" = True ] || { echo "status --json does not say expired"; return 1; }
	"$L" --root "$TA" trust remove $RB >/dev/null && "$L" --root "$TB" trust remove $RA >/dev/null ||
		{ echo "removing the expired trust failed"; return 1; }
}

test_trust_teardown() {
	local r
	# a snippet with a [domain_realm] goes too
	offer "$TA" $RC --peer-host c.test || return 1
	grep -q "c.test = $RC" "$(snippet "$TA")" || { echo "no mapping to tear down"; return 1; }
	for r in "$TA" "$TB" "$TC"; do
		"$L" --root "$r" teardown >/dev/null || { echo "teardown $r failed"; return 1; }
		[ -z "$(ls -A "$r")" ] || { echo "left in $r: $(cd "$r" && find . | head -3)"; return 1; }
	done
}

trust_tests() {
	t trust-setup test_trust_setup
	t trust-usage test_trust_usage
	t trust-offer-accept test_trust_offer_accept
	t trust-peer-host-mapped test_trust_peer_host_mapped
	t trust-peer-host-kvno test_trust_peer_host_kvno
	t trust-peer-host-bad test_trust_peer_host_bad
	t trust-peer-host-replace test_trust_peer_host_replace
	t trust-old-line test_trust_old_line
	t trust-cross-realm-ticket test_trust_cross_realm_ticket
	t trust-list-status test_trust_list_status
	t trust-garbage test_trust_garbage
	t trust-peer-host-oneway test_trust_peer_host_oneway
	t trust-tampered test_trust_tampered
	t trust-wrong-passphrase test_trust_wrong_passphrase
	t trust-other-realm test_trust_other_realm
	t trust-expired-token test_trust_expired_token
	t trust-clash test_trust_clash
	t trust-rollback test_trust_rollback
	t trust-no-secret test_trust_no_secret
	t trust-remove test_trust_remove
	t trust-expiry test_trust_expiry
	t trust-teardown test_trust_teardown
}
