#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# localkdc tests, in the sid image, against MIT's real krb5kdc, kinit and
# klist: no mocks.  Every realm lives in its own temporary root
# (--root / LOCALKDC_ROOT), nothing touches the image's /etc or /run.
# Each test prints "PASS localkdc/NAME" or "FAIL localkdc/NAME: why";
# the run ends with "N passed, N failed" and fails if any test did.
#
# Usage: tests/run.sh BUILD_DIR [TEST_NAME_GLOB]
# Needs root (KDB files, keytabs owned by accounts, setpriv).

set -uo pipefail

B=${1:?usage: run.sh BUILD_DIR [GLOB]}
FILTER=${2:-*}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
L=$B/localkdc
WORK=$(mktemp -d /tmp/localkdc-test.XXXXXX)
chmod 755 "$WORK"
PASSED=0
FAILED=0
# Local accounts of the image used as users (they exist in any Debian)
U1=daemon
U2=bin
PW1='Daemon-pw-1 with spaces'
PW2='Bin-pw-2'

# ---- harness ---------------------------------------------------------------

pass() { echo "PASS localkdc/$1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL localkdc/$1: $2"; FAILED=$((FAILED + 1)); }

# t NAME FUNCTION: run one test; it fails by "echo reason; return 1"
t() {
	local name=$1 rc why
	# shellcheck disable=SC2053
	[[ $name == $FILTER ]] || return 0
	# a subshell each: a test's exports and cd stay in it
	("$2") >"$WORK/$name.log" 2>&1
	rc=$?
	why=$(tail -n 3 "$WORK/$name.log" | tr '\n' ' ')
	if [ $rc = 0 ]; then pass "$name"; else fail "$name" "${why:-exited $rc}"; fi
}

cleanup() {
	local r
	# every realm's KDC, by its pid file (the tests make them in $WORK/*)
	for r in "$WORK"/*/; do
		[ -f "$r/var/lib/localkdc/localkdc.state" ] &&
			"$L" --root "${r%/}" stop >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

# newroot NAME: an empty root for one realm, printed
newroot() {
	local r=$WORK/$1
	mkdir -p "$r"
	echo "$r"
}

realm_of() { sed -n 's/^realm //p' "$1/var/lib/localkdc/localkdc.state"; }
# a listing of a tree: path, mode, owner, and a hash of each file
tree() {
	(cd "$1" && find . -printf '%p %m %u\n' | sort &&
		find . -type f ! -name kdc.log ! -name '*.lock' -exec md5sum {} + | sort -k2)
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
expect_rc() {	# expect_rc WANT CMD...: run, check the exit code
	local want=$1 got
	shift
	"$@" >"$WORK/out" 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		echo "exit $got, not $want: $(tail -n 2 "$WORK/out")"
		return 1
	fi
}
# running_as PID COMM: PID runs COMM and is not a zombie (PID 1 here may
# never reap orphans)
running_as() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $st == *"($2) "[^ZX]* ]]
}
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups -- "$@"; }
# endtime of the TGT in a cache, as klist prints it ("Expires" column)
tgt_line() { klist -c "$1" 2>/dev/null | grep -m1 krbtgt/; }

# ---- one shared realm for the tests that only use it -----------------------

R1=$(newroot main)
export_main() {
	export LOCALKDC_ROOT=$R1
	export KRB5_CONFIG=$R1/etc/krb5.conf.d/localkdc.conf
}

test_help() {
	"$L" --help | grep -q "Exit codes" || { echo "no exit codes in --help"; return 1; }
	expect_rc 2 "$L" bogus || return 1
	expect_rc 2 "$L" status --user x || return 1
	expect_rc 2 "$L" || return 1
}

test_setup() {
	local realm r=$R1
	printf '%s\n%s\n' "$PW1" "$PW2" |
		"$L" --root "$r" setup --host srv.test --user $U1 --user $U2 \
		--cifs-owner $U2 >"$WORK/setup.out" 2>&1 || { cat "$WORK/setup.out"; return 1; }
	realm=$(realm_of "$r")
	[[ $realm =~ ^LOCALKDC\.[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$ ]] ||
		{ echo "realm $realm is not LOCALKDC.<UUID>"; return 1; }
	local s=$r/var/lib/localkdc
	[ "$(stat -c '%a %U' "$s/db")" = "700 root" ] || { echo "db dir not 0700 root"; return 1; }
	[ "$(stat -c '%a %U' "$s/keytabs/cifs.keytab")" = "600 $U2" ] || { echo "cifs.keytab not 0600 $U2 (--cifs-owner)"; return 1; }
	[ "$(stat -c '%a %U' "$s/keytabs/host.keytab")" = "600 root" ] || { echo "host.keytab not 0600 root"; return 1; }
	[ "$(stat -c '%a %U' "$s/users/$U1.keytab")" = "600 $U1" ] || { echo "$U1.keytab not 0600 $U1"; return 1; }
	klist -k "$s/keytabs/cifs.keytab" | grep -q "cifs/srv.test@$realm" || { echo "no cifs/ key"; return 1; }
	klist -k "$s/keytabs/host.keytab" | grep -q "host/srv.test@$realm" || { echo "no host/ key"; return 1; }
	grep -q "kdc = $r/run/localkdc/kdc.sock" "$r/etc/krb5.conf.d/localkdc.conf" &&
		grep -q "^	$realm = {" "$r/etc/krb5.conf.d/localkdc.conf" ||
		{ echo "snippet does not map the realm to the socket"; return 1; }
	grep -q "kdc_listen = $r/run/localkdc/kdc.sock" "$s/kdc.conf" &&
		grep -q 'kdc_tcp_listen = ""' "$s/kdc.conf" ||
		{ echo "kdc.conf listens elsewhere than the socket"; return 1; }
	[ "$(stat -c '%a %U %F' "$r/run/localkdc/kdc.sock")" = "666 root socket" ] ||
		{ echo "socket is $(stat -c '%a %U %F' "$r/run/localkdc/kdc.sock")"; return 1; }
}

# The first request starts the KDC: setup armed the socket only
test_socket_activation() {
	export_main
	local act kdc
	[ "$("$L" status --json | json 'd["kdc"]')" = waiting ] ||
		{ echo "kdc is $("$L" status --json | json 'd["kdc"]') before any request"; return 1; }
	[ -e "$R1/run/localkdc/kdc.pid" ] && { echo "a KDC pid file before any request"; return 1; }
	act=$(cat "$R1/run/localkdc/activator.pid")
	[ "$(cat "/proc/$act/comm")" = localkdc-act ] || { echo "no activator"; return 1; }
	echo "$PW1" | kinit -c "FILE:$WORK/cc-act" "$U1@$(realm_of "$R1")" >/dev/null ||
		{ echo "kinit failed"; return 1; }
	kdc=$(cat "$R1/run/localkdc/kdc.pid")
	[ "$(cat "/proc/$kdc/comm")" = krb5kdc ] || { echo "no krb5kdc after the request"; return 1; }
	[ "$(awk '{print $4}' "/proc/$kdc/stat")" = "$act" ] ||
		{ echo "krb5kdc is not the activator's child"; return 1; }
	[ "$("$L" status --json | json 'd["kdc"]')" = running ] || { echo "status does not say running"; return 1; }
}

# With --idle-exit the KDC stops when unused and comes back on demand
test_idle_exit() {
	local r realm kdc1 kdc2 i state
	r=$(newroot idle)
	echo "$PW1" | "$L" --root "$r" setup --user $U1 --idle-exit 2 >/dev/null 2>&1 || { echo "setup failed"; return 1; }
	realm=$(realm_of "$r")
	export KRB5_CONFIG=$r/etc/krb5.conf.d/localkdc.conf
	echo "$PW1" | kinit -c "FILE:$WORK/cc-idle" "$U1@$realm" >/dev/null || { echo "first kinit failed"; return 1; }
	kdc1=$(cat "$r/run/localkdc/kdc.pid")
	for i in $(seq 40); do
		state=$("$L" --root "$r" status --json | json 'd["kdc"]')
		[ "$state" = waiting ] && break
		sleep 0.25
	done
	[ "$state" = waiting ] || { echo "KDC still $state after 10 s idle"; return 1; }
	running_as "$kdc1" krb5kdc && { echo "krb5kdc $kdc1 still runs"; return 1; }
	echo "$PW1" | kinit -c "FILE:$WORK/cc-idle" "$U1@$realm" >/dev/null || { echo "kinit after idle exit failed"; return 1; }
	kdc2=$(cat "$r/run/localkdc/kdc.pid")
	[ "$kdc2" != "$kdc1" ] && [ "$(cat "/proc/$kdc2/comm")" = krb5kdc ] ||
		{ echo "no new KDC after the idle exit"; return 1; }
	"$L" --root "$r" teardown >/dev/null || { echo "teardown failed"; return 1; }
}

# A KDC that cannot start (no database) must not leave clients hanging
test_broken_kdc_no_hang() {
	local r realm t0 rc
	r=$(newroot broken)
	echo "$PW1" | "$L" --root "$r" setup --user $U1 >/dev/null 2>&1 || { echo "setup failed"; return 1; }
	realm=$(realm_of "$r")
	mv "$r/var/lib/localkdc/db/principal" "$r/var/lib/localkdc/db/principal.away"
	t0=$(date +%s)
	echo "$PW1" | KRB5_CONFIG="$r/etc/krb5.conf.d/localkdc.conf" timeout 30 \
		kinit -c "FILE:$WORK/cc-broken" "$U1@$realm" >/dev/null 2>&1
	rc=$?
	mv "$r/var/lib/localkdc/db/principal.away" "$r/var/lib/localkdc/db/principal"
	[ $rc = 124 ] && { echo "kinit hung for 30 s"; return 1; }
	[ $rc = 0 ] && { echo "kinit worked without a database"; return 1; }
	[ $(($(date +%s) - t0)) -le 10 ] || { echo "kinit took $(($(date +%s) - t0)) s to fail"; return 1; }
	# with the database back, the next request (after the back-off) is served
	sleep 3
	echo "$PW1" | KRB5_CONFIG="$r/etc/krb5.conf.d/localkdc.conf" timeout 30 \
		kinit -c "FILE:$WORK/cc-broken" "$U1@$realm" >/dev/null 2>&1 ||
		{ echo "kinit failed once the database was back"; return 1; }
	"$L" --root "$r" teardown >/dev/null || { echo "teardown failed"; return 1; }
}

test_kinit_socket() {
	export_main
	local realm pid inodes
	realm=$(realm_of "$R1")
	echo "$PW2" | kinit -c "FILE:$WORK/cc-kinit" "$U2@$realm" >/dev/null || { echo "kinit $U2 failed"; return 1; }
	tgt_line "FILE:$WORK/cc-kinit" | grep -q "krbtgt/$realm@$realm" || { echo "no TGT in cache"; return 1; }
	grep -q "AS_REQ.*$U2@$realm" "$R1/var/lib/localkdc/kdc.log" || { echo "KDC log has no AS_REQ"; return 1; }
	echo wrong | kinit -c "FILE:$WORK/cc-bad" "$U2@$realm" >/dev/null 2>&1 && { echo "wrong password accepted"; return 1; }
	# the KDC has no network socket: none of its fds is in /proc/net/{tcp,udp}*
	pid=$(cat "$R1/run/localkdc/kdc.pid")
	inodes=$(ls -l "/proc/$pid/fd" | sed -n 's/.*socket:\[\([0-9]*\)\]/\1/p')
	for i in $inodes; do
		if awk '{print $10}' /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 | grep -qx "$i"; then
			echo "krb5kdc has a network socket (inode $i)"; return 1
		fi
	done
}

test_status_human() {
	export_main
	local realm out
	realm=$(realm_of "$R1")
	out=$("$L" status) || { echo "status exited $?"; return 1; }
	for want in "realm:      $realm" "socket:     $R1/run/localkdc/kdc.sock (listening)" \
		"kdc:        running" "cifs/srv.test@$realm" "host/srv.test@$realm" \
		"$U1@$realm" "trusts:     (none)"; do
		grep -qF "$want" <<<"$out" || { echo "no \"$want\" in status"; return 1; }
	done
}

test_status_json() {
	export_main
	local realm
	realm=$(realm_of "$R1")
	"$L" status --json >"$WORK/st.json" || { echo "status --json exited $?"; return 1; }
	python3 - "$WORK/st.json" "$realm" "$R1" "$U1" "$U2" <<-'EOF' || return 1
		import json, sys
		f, realm, root, u1, u2 = sys.argv[1:]
		d = json.load(open(f))
		def need(c, m):
		    if not c:
		        print(m); sys.exit(1)
		need(d["set_up"] is True, "set_up not true")
		need(d["realm"] == realm, "realm %r" % d["realm"])
		need(d["socket"] == root + "/run/localkdc/kdc.sock", "socket %r" % d["socket"])
		need(d["listening"] is True and d["kdc"] == "running", "kdc %r" % d["kdc"])
		need(isinstance(d["pid"], int), "pid %r" % d["pid"])
		for p in ("cifs/srv.test", "host/srv.test", u1, u2, "krbtgt/" + realm):
		    need(p + "@" + realm in d["principals"], "no principal " + p)
		need(d["users"] == [u1, u2], "users %r" % d["users"])
		need(d["trusts"] == [], "trusts %r" % d["trusts"])
		need(d["problem"] is None, "problem %r" % d["problem"])
	EOF
	# any user may ask; the principals are root's to list
	as_user $U1 "$L" status --json >"$WORK/st-user.json" || { echo "status as $U1 exited $?"; return 1; }
	python3 - "$WORK/st-user.json" "$realm" <<-'EOF' || return 1
		import json, sys
		d = json.load(open(sys.argv[1]))
		if d["realm"] != sys.argv[2] or d["principals"] is not None or \
		   d["trusts"] is not None or d["kdc"] != "running":
		    print("as a user: %r" % d); sys.exit(1)
	EOF
}

test_status_not_setup() {
	local r out
	r=$(newroot empty)
	out=$("$L" --root "$r" status --json)
	[ $? = 4 ] || { echo "exit not 4"; return 1; }
	[ "$(json 'd["set_up"]' <<<"$out")" = False ] || { echo "set_up not false: $out"; return 1; }
	expect_rc 4 "$L" --root "$r" status || return 1
	[ -z "$(ls -A "$r")" ] || { echo "status created files"; return 1; }
}

# Same command again: nothing changes; a new --user is added alone
test_setup_idempotent() {
	export_main
	local before realm
	realm=$(realm_of "$R1")
	before=$(tree "$R1")
	"$L" setup --host srv.test --user $U1 --user $U2 </dev/null >"$WORK/out" 2>&1 ||
		{ echo "second setup failed: $(cat "$WORK/out")"; return 1; }
	grep -q "already set up" "$WORK/out" || { echo "did not say already set up"; return 1; }
	[ "$before" = "$(tree "$R1")" ] || { echo "second setup changed files: $(diff <(echo "$before") <(tree "$R1") | head -3)"; return 1; }
	[ "$(realm_of "$R1")" = "$realm" ] || { echo "realm changed"; return 1; }
	"$L" setup </dev/null >/dev/null 2>&1 || { echo "bare setup on a realm failed"; return 1; }
	[ "$before" = "$(tree "$R1")" ] || { echo "bare setup changed files"; return 1; }
}

test_setup_exists_no_force() {
	export_main
	local before
	before=$(tree "$R1")
	expect_rc 3 "$L" setup --realm LOCALKDC.OTHER </dev/null || return 1
	grep -q -- "--force" "$WORK/out" || { echo "error does not mention --force"; return 1; }
	expect_rc 3 "$L" setup --host other.test </dev/null || return 1
	[ "$before" = "$(tree "$R1")" ] || { echo "refused setup changed files"; return 1; }
}

test_setup_force() {
	local r old new
	r=$(newroot force)
	echo "$PW1" | "$L" --root "$r" setup --host srv.test --user $U1 >/dev/null 2>&1 || { echo "setup failed"; return 1; }
	old=$(realm_of "$r")
	echo "$PW1" | "$L" --root "$r" setup --force --realm LOCALKDC.FORCED --user $U1 >"$WORK/out" 2>&1 ||
		{ echo "setup --force failed: $(cat "$WORK/out")"; return 1; }
	new=$(realm_of "$r")
	[ "$new" = LOCALKDC.FORCED ] || { echo "realm is $new"; return 1; }
	grep -q "removed realm $old" "$WORK/out" || { echo "old realm not reported removed"; return 1; }
	"$L" --root "$r" status --json | json 'd["principals"]' | grep -q "$U1@LOCALKDC.FORCED" ||
		{ echo "new realm lacks $U1"; return 1; }
	"$L" --root "$r" status --json | json 'd["principals"]' | grep -q "$old" &&
		{ echo "old realm's principals remain"; return 1; }
	"$L" --root "$r" teardown >/dev/null || { echo "teardown failed"; return 1; }
}

# A KDB localkdc did not make is not overwritten without --force
test_setup_foreign_db() {
	local r before
	r=$(newroot foreign)
	mkdir -p "$r/var/lib/localkdc/db"
	echo precious >"$r/var/lib/localkdc/db/principal"
	before=$(tree "$r")
	expect_rc 3 "$L" --root "$r" setup </dev/null || return 1
	[ "$before" = "$(tree "$r")" ] || { echo "refused setup changed files"; return 1; }
}

# Passwords typed at a terminal: asked twice, not echoed, must match
test_setup_prompt() {
	local r
	r=$(newroot prompt)
	{ sleep 0.5; echo "$PW1"; sleep 0.3; echo "$PW1"; } |
		script -qec "$L --root $r setup --user $U1" /dev/null >"$WORK/out" 2>&1 ||
		{ echo "setup on a terminal failed: $(tail -n 2 "$WORK/out")"; return 1; }
	grep -q "Password for $U1@LOCALKDC" "$WORK/out" && grep -q "Again, password for $U1@" "$WORK/out" ||
		{ echo "no prompts: $(head -c 200 "$WORK/out")"; return 1; }
	grep -qF "$PW1" "$WORK/out" && { echo "the password was echoed"; return 1; }
	echo "$PW1" | KRB5_CONFIG="$r/etc/krb5.conf.d/localkdc.conf" \
		kinit -c "FILE:$WORK/cc-prompt" "$U1@$(realm_of "$r")" >/dev/null ||
		{ echo "kinit with the typed password failed"; return 1; }
	"$L" --root "$r" teardown >/dev/null || return 1
	{ sleep 0.5; echo "$PW1"; sleep 0.3; echo "$PW2"; } |
		script -qec "$L --root $r setup --user $U1" /dev/null >"$WORK/out" 2>&1
	[ $? = 2 ] || { echo "different passwords not refused with 2"; return 1; }
	grep -q "differ" "$WORK/out" || { echo "unclear: $(tail -n 1 "$WORK/out")"; return 1; }
	[ -z "$(ls -A "$r")" ] || { echo "left: $(cd "$r" && find . | head -3)"; return 1; }
}

# Teardown removes what setup made and only that; twice is fine
test_teardown_exact() {
	local r before
	r=$(newroot teardown)
	mkdir -p "$r/etc/krb5.conf.d"
	echo "# the admin's" >"$r/etc/krb5.conf.d/other.conf"
	before=$(tree "$r")
	echo "$PW1" | "$L" --root "$r" setup --user $U1 >/dev/null 2>&1 || { echo "setup failed"; return 1; }
	echo "$PW1" | KRB5_CONFIG="$r/etc/krb5.conf.d/localkdc.conf" \
		kinit -c "FILE:$WORK/cc-td" "$U1@$(realm_of "$r")" >/dev/null 2>&1 ||
		{ echo "kinit failed"; return 1; }
	local pid; pid=$(cat "$r/run/localkdc/kdc.pid")
	[ "$(cat "/proc/$pid/comm")" = krb5kdc ] || { echo "no KDC running"; return 1; }
	"$L" --root "$r" teardown >/dev/null || { echo "teardown failed"; return 1; }
	[ "$before" = "$(tree "$r")" ] || { echo "left: $(diff <(echo "$before") <(tree "$r") | grep '^>' | head -3)"; return 1; }
	running_as "$pid" krb5kdc && { echo "the KDC survived teardown"; return 1; }
	expect_rc 0 "$L" --root "$r" teardown || return 1
	grep -q "nothing to do" "$WORK/out" || { echo "second teardown did not say nothing to do"; return 1; }
}

# Bad input: clear error, exit code, nothing created
test_setup_bad_input() {
	local r
	r=$(newroot bad)
	expect_rc 2 "$L" --root "$r" setup --user no-such-account-x </dev/null || return 1
	grep -q "no local account" "$WORK/out" || { echo "unclear error: $(cat "$WORK/out")"; return 1; }
	expect_rc 2 "$L" --root "$r" setup --realm lower.case </dev/null || return 1
	# two users, one password on stdin: refused before anything is made
	echo "$PW1" | expect_rc 2 "$L" --root "$r" setup --user $U1 --user $U2 || return 1
	[ -z "$(ls -A "$r")" ] || { echo "left: $(cd "$r" && find . | head -3)"; return 1; }
	# kdb5_util fails half-way: everything made so far is undone
	LOCALKDC_KDB5_UTIL=/bin/false expect_rc 1 "$L" --root "$r" setup </dev/null || return 1
	grep -q "kdb5_util create" "$WORK/out" || { echo "unclear error: $(cat "$WORK/out")"; return 1; }
	[ -z "$(ls -A "$r")" ] || { echo "left after rollback: $(cd "$r" && find . | head -3)"; return 1; }
}

# The password is in the KDB as keys only: not in any file, not in output
test_no_secret_stored() {
	grep -rqF "$PW1" "$R1" "$WORK/setup.out" && { echo "the password is stored in clear"; return 1; }
	return 0
}

test_ensure_obtain() {
	export_main
	local cc=$WORK/u1/cc
	mkdir -p "$WORK/u1" && chown $U1 "$WORK/u1"
	"$L" ensure --user $U1 --ccache "FILE:$cc" --min-lifetime 60 >"$WORK/out" 2>&1 ||
		{ echo "ensure failed: $(cat "$WORK/out")"; return 1; }
	grep -q "^tgt obtained $U1@" "$WORK/out" || { echo "said: $(cat "$WORK/out")"; return 1; }
	[ "$(stat -c %U "$cc")" = $U1 ] || { echo "cache not owned by $U1"; return 1; }
	tgt_line "FILE:$cc" | grep -q krbtgt/ || { echo "no TGT in $cc"; return 1; }
	"$L" ensure --user $U1 --ccache "FILE:$cc" --min-lifetime 60 >"$WORK/out" 2>&1 &&
		grep -q "^tgt valid" "$WORK/out" || { echo "second ensure: $(cat "$WORK/out")"; return 1; }
}

# A TGT close to its end is renewed (same renew-until, new start time)
test_ensure_renew() {
	export_main
	local cc=$WORK/u1/cc-renew realm before after
	realm=$(realm_of "$R1")
	as_user $U1 kinit -k -t "$R1/var/lib/localkdc/users/$U1.keytab" -l 3m -r 1d \
		-c "FILE:$cc" "$U1@$realm" || { echo "kinit -k failed"; return 1; }
	before=$(klist -c "FILE:$cc" | sed -n '/krbtgt/{p;n;p}')
	sleep 1.2
	"$L" ensure --user $U1 --ccache "FILE:$cc" --min-lifetime 600 >"$WORK/out" 2>&1 ||
		{ echo "ensure failed: $(cat "$WORK/out")"; return 1; }
	grep -q "^tgt renewed" "$WORK/out" || { echo "said: $(cat "$WORK/out")"; return 1; }
	after=$(klist -c "FILE:$cc" | sed -n '/krbtgt/{p;n;p}')
	[ "$(sed -n 2p <<<"$before")" = "$(sed -n 2p <<<"$after")" ] ||
		{ echo "renew-until changed: a new TGT, not a renewal"; return 1; }
	[ "$(head -c 17 <<<"$before")" != "$(head -c 17 <<<"$after")" ] ||
		{ echo "start time unchanged"; return 1; }
	# an expired-soon ticket that cannot be renewed: a new one from the keytab
	as_user $U1 kinit -k -t "$R1/var/lib/localkdc/users/$U1.keytab" -l 3m \
		-c "FILE:$cc" "$U1@$realm" || { echo "kinit -k failed"; return 1; }
	"$L" ensure --user $U1 --ccache "FILE:$cc" --min-lifetime 600 >"$WORK/out" 2>&1 &&
		grep -q "^tgt obtained" "$WORK/out" || { echo "not renewable: $(cat "$WORK/out")"; return 1; }
}

# The library call, linked the way the upcall helper will link it
test_ensure_api() {
	export_main
	mkdir -p "$WORK/u2" && chown $U2 "$WORK/u2"
	"$B/test_ensure_api" $U2 "FILE:$WORK/u2/cc" 60 >"$WORK/out" 2>&1 ||
		{ echo "$(cat "$WORK/out")"; return 1; }
	grep -q "^rc=0 (ok) tgt=3" "$WORK/out" || { echo "$(cat "$WORK/out")"; return 1; }
}

test_ensure_starts_kdc() {
	export_main
	"$L" stop || { echo "stop failed"; return 1; }
	[ "$("$L" status --json | json 'd["kdc"]')" = stopped ] || { echo "KDC not stopped"; return 1; }
	[ -e "$R1/run/localkdc/kdc.sock" ] && { echo "socket left after stop"; return 1; }
	expect_rc 5 "$L" ensure --user $U1 --ccache "FILE:$WORK/u1/cc-ns" --no-start || return 1
	"$L" ensure --user $U1 --ccache "FILE:$WORK/u1/cc-st" --min-lifetime 60 >"$WORK/out" 2>&1 ||
		{ echo "ensure failed: $(cat "$WORK/out")"; return 1; }
	grep -q "(KDC started)" "$WORK/out" || { echo "said: $(cat "$WORK/out")"; return 1; }
	[ "$("$L" status --json | json 'd["kdc"]')" = running ] || { echo "KDC not running"; return 1; }
}

# A socket another user made may impersonate the KDC: refused, kept
test_socket_other_owner() {
	export_main
	local sock=$R1/run/localkdc/kdc.sock
	"$L" stop || return 1
	python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$sock"
	chown 4242 "$sock"
	expect_rc 7 "$L" ensure --user $U1 --ccache "FILE:$WORK/u1/cc-x" || return 1
	grep -q "owned by uid 4242" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	expect_rc 7 "$L" start || return 1
	expect_rc 7 "$L" status || return 1
	[ "$(stat -c %u "$sock" 2>/dev/null)" = 4242 ] || { echo "the foreign socket was removed"; return 1; }
	rm -f "$sock"
	chmod 777 "$R1/run/localkdc"
	expect_rc 7 "$L" start || return 1
	chmod 755 "$R1/run/localkdc"
	"$L" start || { echo "start failed"; return 1; }
}

test_ensure_db_missing() {
	export_main
	local db=$R1/var/lib/localkdc/db/principal
	mv "$db" "$db.away"
	expect_rc 4 "$L" ensure --user $U1 --ccache "FILE:$WORK/u1/cc-db" ; local rc=$?
	local msg; msg=$(cat "$WORK/out")
	expect_rc 4 "$L" status; local rc2=$?
	mv "$db.away" "$db"
	[ $rc = 0 ] && [ $rc2 = 0 ] || { echo "${msg}"; return 1; }
	grep -q "database.*missing" <<<"$msg" || { echo "unclear: $msg"; return 1; }
}

# A user's ensure for someone else is refused; for itself it works
test_ensure_as_user() {
	export_main
	as_user $U2 "$L" ensure --user $U1 >"$WORK/out" 2>&1
	[ $? = 2 ] || { echo "a user ensured another's TGT: $(cat "$WORK/out")"; return 1; }
	as_user $U2 env KRB5CCNAME="FILE:$WORK/u2/cc-self" "$L" ensure --min-lifetime 60 >"$WORK/out" 2>&1 ||
		{ echo "user ensure failed: $(cat "$WORK/out")"; return 1; }
	grep -q "^tgt .* $U2@" "$WORK/out" || { echo "said: $(cat "$WORK/out")"; return 1; }
}

# A cache holding someone else's tickets is never overwritten: a lone
# FILE cache is refused, a collection (DIR:) gets a new cache beside it
test_ensure_other_principal() {
	export_main
	local realm d=$WORK/u2/coll
	realm=$(realm_of "$R1")
	echo "$PW1" | as_user $U2 kinit -c "FILE:$WORK/u2/cc-other" "$U1@$realm" >/dev/null ||
		{ echo "kinit $U1 into $U2's file failed"; return 1; }
	as_user $U2 "$L" ensure --ccache "FILE:$WORK/u2/cc-other" --min-lifetime 60 >"$WORK/out" 2>&1
	[ $? = 6 ] || { echo "a FILE cache of $U1 was not refused: $(cat "$WORK/out")"; return 1; }
	grep -q "holds another principal's tickets" "$WORK/out" || { echo "unclear: $(cat "$WORK/out")"; return 1; }
	klist -c "FILE:$WORK/u2/cc-other" | grep -q "principal: $U1@" || { echo "the FILE cache was changed"; return 1; }
	as_user $U2 mkdir -p "$d"
	echo "$PW1" | as_user $U2 env KRB5CCNAME="DIR:$d" kinit "$U1@$realm" >/dev/null ||
		{ echo "kinit into the collection failed"; return 1; }
	as_user $U2 env KRB5CCNAME="DIR:$d" "$L" ensure --min-lifetime 60 >"$WORK/out" 2>&1 ||
		{ echo "ensure in a collection failed: $(cat "$WORK/out")"; return 1; }
	grep -q "^tgt obtained $U2@" "$WORK/out" || { echo "said: $(cat "$WORK/out")"; return 1; }
	as_user $U2 env KRB5CCNAME="DIR:$d" klist -A >"$WORK/out" 2>&1
	grep -q "principal: $U1@$realm" "$WORK/out" && grep -q "principal: $U2@$realm" "$WORK/out" ||
		{ echo "collection: $(cat "$WORK/out")"; return 1; }
}

# systemd's own activator hands the socket to krb5kdc as the units do
test_systemd_socket_activate() {
	export_main
	local realm sock=$R1/run/localkdc/kdc.sock env=$R1/var/lib/localkdc/kdc.env
	command -v systemd-socket-activate >/dev/null || { echo "no systemd-socket-activate"; return 1; }
	"$L" stop || return 1
	realm=$(realm_of "$R1")
	# shellcheck disable=SC2046
	systemd-socket-activate -l "$sock" $(grep '^KRB5' "$env" | sed 's/^/-E /') \
		/usr/sbin/krb5kdc -n -r "$realm" >/dev/null 2>&1 &
	local sa=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
	chmod 666 "$sock"
	echo "$PW2" | kinit -c "FILE:$WORK/cc-sa" "$U2@$realm" >/dev/null 2>&1; local rc=$?
	kill $sa 2>/dev/null; wait $sa 2>/dev/null
	rm -f "$sock"
	"$L" start || { echo "start failed"; return 1; }
	[ $rc = 0 ] || { echo "kinit through systemd-socket-activate failed"; return 1; }
}

test_units_verify() {
	mkdir -p "$WORK/units" && cp "$SRC"/units/localkdc.* "$WORK/units/"
	systemd-analyze verify --man=no "$WORK/units/localkdc.socket" \
		"$WORK/units/localkdc.service" >"$WORK/out" 2>&1 || { cat "$WORK/out"; return 1; }
	[ -s "$WORK/out" ] && { cat "$WORK/out"; return 1; }
	return 0
}

test_man_page() {
	man --warnings -l "$SRC/localkdc.8" >/dev/null 2>"$WORK/out" || { cat "$WORK/out"; return 1; }
	[ -s "$WORK/out" ] && { cat "$WORK/out"; return 1; }
	return 0
}

test_teardown_main() {
	export_main
	"$L" teardown >/dev/null || { echo "teardown failed"; return 1; }
	[ -z "$(ls -A "$R1")" ] || { echo "left: $(cd "$R1" && find . | head -3)"; return 1; }
}

# ---- run -------------------------------------------------------------------

[ "$(id -u)" = 0 ] || { echo "FAIL localkdc/run: needs root"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$L" ] || { echo "FAIL localkdc/run: no $L"; echo "0 passed, 1 failed"; exit 1; }

t help test_help
t setup test_setup
t socket-activation test_socket_activation
t idle-exit test_idle_exit
t broken-kdc-no-hang test_broken_kdc_no_hang
t kinit-socket test_kinit_socket
t status-human test_status_human
t status-json test_status_json
t status-not-setup test_status_not_setup
t setup-idempotent test_setup_idempotent
t setup-exists-no-force test_setup_exists_no_force
t setup-force test_setup_force
t setup-foreign-db test_setup_foreign_db
t setup-bad-input test_setup_bad_input
t setup-prompt test_setup_prompt
t teardown-exact test_teardown_exact
t no-secret-stored test_no_secret_stored
t ensure-obtain test_ensure_obtain
t ensure-renew test_ensure_renew
t ensure-api test_ensure_api
t ensure-as-user test_ensure_as_user
t ensure-other-principal test_ensure_other_principal
t ensure-starts-kdc test_ensure_starts_kdc
t socket-other-owner test_socket_other_owner
t ensure-db-missing test_ensure_db_missing
t systemd-socket-activate test_systemd_socket_activate
t units-verify test_units_verify
if command -v man >/dev/null; then
	t man-page test_man_page
else
	echo "SKIP localkdc/man-page: no man(1) in this image (checked on the host)"
fi
t teardown-main test_teardown_main

# shellcheck source=tests/trust.sh
. "$HERE/trust.sh"
trust_tests

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
