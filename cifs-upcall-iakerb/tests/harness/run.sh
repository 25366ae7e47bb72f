#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The no-kernel harness: the helper's real code paths (its test binary,
# io_file.c in place of keyctl) against a plain MIT IAKerb acceptor and an
# MIT KDC that only the acceptor can reach.
#
#   client side (this mount namespace)   | server side (own mount namespace)
#   kharness plays cifs.ko: descriptions,| tmpfs at $W/srv, seen only here:
#   callout data, payload checks         |   krb5kdc on the UNIX socket
#   cifs-upcall-iakerb-test + its agents |   $W/srv/kdc.sock, its database,
#   krb5.conf naming no realm, no KDC    |   the service keytab, krb5.conf
#                 <--- two FIFOs --->      acceptor (tests/harness/acceptor.c)
#
# Every flow prints the legs it took and one PASS/FAIL line.  Flows run
# under strace (-f, socket/connect/sendto) and the trace must show no
# socket but AF_UNIX and no connect() but syslog's /dev/log (or nscd's,
# for the host's passwd): every KDC message went through the acceptor.
#
# Usage: run.sh [BUILD_DIR]     (as root, in the image: make check)
# Env:   IAKERB_HARNESS_WORK=DIR works (and stays) there;
#        IAKERB_HARNESS_FILTER=glob runs only the flows it matches.

set -u
# The harness's users are users the host knows, as real ones are: passwd
# and group entries for uids 1000-1070 but 1041, one it does not know,
# bound over /etc/passwd and /etc/group in a mount namespace of our own.
# (In a chroot "/" is no mount point: "private" fails there, and the
# image's mounts are private already.)
if [ -z "${IAKERB_HARNESS_NS:-}" ]; then
	p=private
	unshare -m --propagation private true 2>/dev/null || p=unchanged
	exec env IAKERB_HARNESS_NS=1 unshare -m --propagation $p "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
B=$(cd "${1:-$here/../../build}" && pwd)
HELPER=$B/cifs-upcall-iakerb-test
REALHELPER=$B/cifs-upcall-iakerb
KH=$B/harness/kharness
ACC=$B/harness/acceptor
REALM=HARNESS.TEST
FILTER=${IAKERB_HARNESS_FILTER:-*}
if [ -n "${IAKERB_HARNESS_WORK:-}" ]; then
	rm -rf "$IAKERB_HARNESS_WORK"; mkdir -p "$IAKERB_HARNESS_WORK"
	W=$(cd "$IAKERB_HARNESS_WORK" && pwd)
else
	W=$(mktemp -d /tmp/iakerb-harness.XXXXXX)
fi
chmod 755 "$W"
failed=0
passed=0
HOLDER=

pass() { echo "PASS harness/$1${2:+ ($2)}"; passed=$((passed + 1)); }
fail() { echo "FAIL harness/$1: $2"; failed=$((failed + 1)); }

cleanup() {
	# krb5kdc daemonised itself: stop it by its pid file, while the
	# holder (whose mount namespace has the file) is still there
	if [ -n "$HOLDER" ]; then
		kdc_pid=$(nsenter -t "$HOLDER" -m -r cat "$W/srv/kdc.pid" 2>/dev/null)
		[ -n "$kdc_pid" ] && kill "$kdc_pid" 2>/dev/null
	fi
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	# agents leave our session (setsid): kill the ones kharness recorded
	for p in $(cat "$W"/d/*/agents 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "${IAKERB_HARNESS_WORK:-}" ] && echo "  harness: kept $W" && return
	rm -rf "$W"
}
trap cleanup EXIT

for t in "$HELPER" "$REALHELPER" "$KH" "$ACC" krb5kdc kadmin.local strace \
	setpriv nsenter unshare; do
	command -v "$t" >/dev/null || { fail setup "missing $t"; exit 1; }
done

mkdir -p "$W/srv" "$W/client" "$W/cc" "$W/log" "$W/d" "$W/pw" "$W/direct"
chmod 711 "$W/cc"
cp /etc/passwd "$W/passwd" && cp /etc/group "$W/group"
for u in $(seq 1000 1040) $(seq 1042 1070); do
	echo "hu$u:x:$u:$u:harness user:/nonexistent:/usr/sbin/nologin" >>"$W/passwd"
	echo "hu$u:x:$u:" >>"$W/group"
done
chmod 644 "$W/passwd" "$W/group"
mount --bind "$W/passwd" /etc/passwd && mount --bind "$W/group" /etc/group ||
	{ fail setup "cannot put the harness's users in passwd"; exit 1; }

# --- the server side: a mount namespace with a private tmpfs ------------
# (in a chroot "/" is no mount point: "private" fails there, and our
# mounts are private already)
prop=private
unshare -m --propagation private true 2>/dev/null || prop=unchanged
unshare -m --propagation $prop sh -c \
	"mount -t tmpfs -o mode=700 tmpfs '$W/srv' && touch '$W/log/holder' &&
	 exec sleep 100000" &
HOLDER=$!
for _ in $(seq 100); do [ -e "$W/log/holder" ] && break; sleep 0.05; done
srvexec() {
	nsenter -t "$HOLDER" -m -r -w -- env KRB5_CONFIG="$W/srv/krb5.conf" \
		KRB5_KDC_PROFILE="$W/srv/kdc.conf" \
		KRB5_KTNAME="FILE:$W/srv/keytab" KRB5RCACHEDIR="$W/srv" "$@"
}
srvexec sh -c "cat >'$W/srv/krb5.conf'" <<EOF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
[realms]
    $REALM = {
        kdc = $W/srv/kdc.sock
    }
[domain_realm]
    srv.test = $REALM
EOF
srvexec sh -c "cat >'$W/srv/kdc.conf'" <<EOF
[kdcdefaults]
    kdc_listen = $W/srv/kdc.sock $W/direct/kdc.sock
    kdc_tcp_listen = $W/srv/kdc.sock $W/direct/kdc.sock
[realms]
    $REALM = {
        database_name = $W/srv/principal
        key_stash_file = $W/srv/stash
        acl_file = $W/srv/kadm5.acl
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }
[logging]
    kdc = FILE:$W/log/kdc.log
EOF
srvexec sh -c ": >'$W/srv/kadm5.acl'"
srvexec kdb5_util -r "$REALM" -P "master-$$" create -s >"$W/log/kdb.log" 2>&1 ||
	{ fail setup "kdb5_util: $(tail -1 "$W/log/kdb.log")"; exit 1; }
addprinc() { srvexec kadmin.local -r "$REALM" -q "addprinc $*" >>"$W/log/kadmin.log" 2>&1; }
addprinc -pw Alice-pass-1 alice
addprinc -pw Bob-pass-1 +requires_preauth bob
addprinc -pw Carol-pass-1 +requires_preauth carol
addprinc -pw Dave-pass-1 +requires_preauth dave
addprinc -pw Erin-pass-1 +requires_preauth erin
addprinc -randkey cifs/srv.test
srvexec kadmin.local -r "$REALM" -q "ktadd -k $W/srv/keytab cifs/srv.test" \
	>>"$W/log/kadmin.log" 2>&1
kdc_start() {
	srvexec krb5kdc -r "$REALM" -P "$W/srv/kdc.pid" || return 1
	for _ in $(seq 100); do
		if srvexec test -S "$W/srv/kdc.sock"; then
			# the users of the direct flows connect to it
			chmod 666 "$W/direct/kdc.sock"
			return 0
		fi
		sleep 0.05
	done
	return 1
}
kdc_stop() {
	srvexec sh -c "kill \$(cat '$W/srv/kdc.pid')"
	for _ in $(seq 100); do
		srvexec test -S "$W/srv/kdc.sock" || break
		sleep 0.05
	done
	srvexec rm -f "$W/srv/kdc.sock" "$W/direct/kdc.sock"
}
kdc_start || { fail setup "krb5kdc did not start"; exit 1; }
[ -S "$W/srv/kdc.sock" ] && { fail setup "the client can see the KDC"; exit 1; }
# ... but for the flows whose krb5.conf says so (krb5-direct.conf), the
# same KDC listens where the client sees it: a realm's KDC this machine
# reaches itself
[ -S "$W/direct/kdc.sock" ] || { fail setup "no direct KDC socket"; exit 1; }

# --- the client side ------------------------------------------------------
cat >"$W/client/krb5.conf" <<EOF
[libdefaults]
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
    default_ccache_name = DIR:$W/cc/%{uid}
EOF
# the same, following client referrals (canonicalize): what a hostile
# server would like a client to do with a WRONG_REALM answer
cat >"$W/client/krb5-canon.conf" <<EOF
[libdefaults]
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    canonicalize = true
    default_ccache_name = DIR:$W/cc/%{uid}
EOF
# the same, but the user's realm has a KDC line (unreachable from here)
cat >"$W/client/krb5-kdc.conf" <<EOF
[libdefaults]
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    default_ccache_name = DIR:$W/cc/%{uid}
[realms]
    $REALM = {
        kdc = $W/client/no-such-kdc.sock
    }
EOF
# krb5conf_with FILE LINE...: krb5.conf and these lines (a section named
# again is merged into the first by libkrb5's profile parser)
krb5conf_with() {
	local f=$1
	shift
	{ cat "$W/client/krb5.conf"; printf '%s\n' "$@"; } >"$W/client/$f"
}
# the user's realm has a KDC line, reachable from here
krb5conf_with krb5-direct.conf '[realms]' "    $REALM = {" \
	"        kdc = $W/direct/kdc.sock" '    }'
# a realm krb5.conf names, without a KDC: the default, or the host's
krb5conf_with krb5-default.conf '[libdefaults]' "    default_realm = $REALM"
krb5conf_with krb5-other.conf '[libdefaults]' '    default_realm = OTHER.TEST'
krb5conf_with krb5-hostmap.conf '[domain_realm]' "    srv.test = $REALM"
# store_tickets = owner, by krb5.conf
krb5conf_with krb5-store.conf '[appdefaults]' '    cifs-upcall-iakerb = {' \
	'        store_tickets = owner' '    }'
# no password through the server, by krb5.conf
krb5conf_with krb5-forbid.conf '[appdefaults]' '    cifs-upcall-iakerb = {' \
	'        iakerb_password = no' '    }'
printf 'passwd: files evilnss\ngroup: files evilnss\nshadow: files\n' \
	>"$W/client/evil-nsswitch.conf"
chmod 644 "$W/client/"*.conf
pwfile() { printf '%s\n' "$2" >"$W/pw/$1"; chmod 600 "$W/pw/$1"; }
pwfile alice Alice-pass-1
pwfile bob Bob-pass-1
pwfile carol Carol-pass-1
pwfile erin Erin-pass-1
pwfile wrong Not-the-password
for u in $(seq 1000 1070); do
	mkdir -p "$W/cc/$u"
	chown "$u:$u" "$W/cc/$u"
	chmod 700 "$W/cc/$u"
done

# A TGT for dave (uid 1001), got where the KDC is, put in his collection,
# and one in a FILE cache of uid 1014, for the caller's KRB5CCNAME
srvexec env KRB5CCNAME="DIR:$W/cc/1001" sh -c \
	"echo Dave-pass-1 | kinit dave@$REALM" >"$W/log/kinit.log" 2>&1
chown -R 1001:1001 "$W/cc/1001"
srvexec env KRB5CCNAME="FILE:$W/cc/file-1014" sh -c \
	"echo Dave-pass-1 | kinit dave@$REALM" >>"$W/log/kinit.log" 2>&1
chown 1014:1014 "$W/cc/file-1014"
# ... and one of uid 1041, a user the host's passwd does not know
srvexec env KRB5CCNAME="DIR:$W/cc/1041" sh -c \
	"echo Dave-pass-1 | kinit dave@$REALM" >>"$W/log/kinit.log" 2>&1
chown -R 1041:1041 "$W/cc/1041"
# ... and one of uid 1038, for a caller that is a thread
srvexec env KRB5CCNAME="FILE:$W/cc/file-1038" sh -c \
	"echo Dave-pass-1 | kinit dave@$REALM" >>"$W/log/kinit.log" 2>&1
chown 1038:1038 "$W/cc/file-1038"
# ... and one for uid 1024, for Windows' dialect from a TGT
srvexec env KRB5CCNAME="DIR:$W/cc/1024" sh -c \
	"echo Dave-pass-1 | kinit dave@$REALM" >>"$W/log/kinit.log" 2>&1
chown -R 1024:1024 "$W/cc/1024"
# ... and uid 1037, to learn Windows' dialect from a TGT and remember it
srvexec env KRB5CCNAME="DIR:$W/cc/1037" sh -c \
	"echo Dave-pass-1 | kinit dave@$REALM" >>"$W/log/kinit.log" 2>&1
chown -R 1037:1037 "$W/cc/1037"
# ... uid 1038 one that has run out (20 s: less than the helper's 60 s
# minimum), for TICKET_EXPIRED; uid 1039 a good one, for a krb5 mount
# whose own KDC is down
srvexec env KRB5CCNAME="DIR:$W/cc/1038" sh -c \
	"echo Dave-pass-1 | kinit -l 20s dave@$REALM" >>"$W/log/kinit.log" 2>&1
chown -R 1038:1038 "$W/cc/1038"
mkdir -p "$W/cc/0" && chmod 700 "$W/cc/0"
srvexec env KRB5CCNAME="DIR:$W/cc/0" sh -c \
	"echo Dave-pass-1 | kinit -l 20s dave@$REALM" >>"$W/log/kinit.log" 2>&1
srvexec env KRB5CCNAME="DIR:$W/cc/1039" sh -c \
	"echo Dave-pass-1 | kinit dave@$REALM" >>"$W/log/kinit.log" 2>&1
chown -R 1039:1039 "$W/cc/1039"
# ... and uids 1060 and 1061, for a TGT with --dialect=mit and =windows
for u in 1060 1061; do
	srvexec env KRB5CCNAME="DIR:$W/cc/$u" sh -c \
		"echo Dave-pass-1 | kinit dave@$REALM" >>"$W/log/kinit.log" 2>&1
	chown -R "$u:$u" "$W/cc/$u"
done
# the dialect from krb5.conf's [appdefaults] instead of the command line
{ cat "$W/client/krb5.conf"; printf '[appdefaults]\n    cifs-upcall-iakerb = {\n        iakerb_dialect = windows\n    }\n'; } \
	>"$W/client/krb5-windows.conf"
chmod 644 "$W/client/krb5-windows.conf"

# --- one flow --------------------------------------------------------------
# flow NAME UID "ACCEPTOR OPTS" [KHARNESS OPTIONS...]
#   runs the acceptor and kharness; the caller (pid=) is a sleep as UID,
#   or as CALLER_UID (uid=) for a mount made by another uid (cruid=UID)
flow() {
	local name=$1 uid=$2 accopts=$3 out caller callpid rc t0 t1 st d cuid
	cuid=${CALLER_UID:-$2}
	shift 3
	# shellcheck disable=SC2053
	[[ $name == $FILTER ]] || return 0
	d=$W/d/$name
	mkdir -p "$d" && chmod 700 "$d"
	rm -f "$d/to" "$d/from"
	mkfifo "$d/to" "$d/from"
	# shellcheck disable=SC2086
	srvexec "$ACC" $accopts <"$d/to" >"$d/from" 2>>"$W/log/acceptor.$name.log" &
	if [ -n "${CALLER_NS:-}" ]; then
		# a caller in a mount namespace of its own, whose nsswitch.conf
		# would load a module no root process may ever load
		unshare -m --propagation "$prop" sh -c \
			"mount --bind '$W/client/evil-nsswitch.conf' /etc/nsswitch.conf &&
			 exec setpriv --reuid $cuid --regid $cuid --clear-groups \
			 env KRB5CCNAME='${CALLER_CCNAME:-}' sleep 600" &
	elif [ -n "${CALLER_THREAD:-}" ]; then
		# pid= is a thread that is not its process's leader (the
		# kernel writes current->pid): a thread of python3's
		rm -f "$d/tid"
		setpriv --reuid "$uid" --regid "$uid" --clear-groups \
			env KRB5CCNAME="${CALLER_CCNAME:-}" python3 -c '
import os, sys, threading, time
def run():
    sys.stdout.write("%d\n" % threading.get_native_id())
    sys.stdout.flush()
    time.sleep(600)
threading.Thread(target=run).start()' >"$d/tid" &
	else
		setpriv --reuid "$cuid" --regid "$cuid" --clear-groups \
			env KRB5CCNAME="${CALLER_CCNAME:-}" sleep 600 &
	fi
	caller=$!
	callpid=$caller
	sleep 0.05
	if [ -n "${CALLER_THREAD:-}" ]; then
		for _ in $(seq 100); do [ -s "$d/tid" ] && break; sleep 0.05; done
		callpid=$(cat "$d/tid")
		if [ -z "$callpid" ] || [ "$callpid" = "$caller" ]; then
			fail "$name" "no thread to call from"
			kill "$caller"
			return
		fi
	fi
	out=$W/log/$name.out
	st=$W/log/strace.$name
	t0=$(date +%s%N)
	env -i PATH="$PATH" strace -f -qq -o "$st" \
		-e trace=socket,connect,sendto,setns,setresuid,openat \
		"$KH" --helper "$HELPER" --dir "$d" --to "$d/to" --from "$d/from" \
		--creduid "$uid" --uid "$cuid" --pid "$callpid" \
		--helper-arg -k --helper-arg "${CLIENT_CONF:-$W/client/krb5.conf}" \
		--helper-arg -s --helper-arg -d \
		"$@" >"$out" 2>"$W/log/$name.err"
	rc=$?
	t1=$(date +%s%N)
	kill "$caller" 2>/dev/null
	wait "$caller" 2>/dev/null
	sed 's/^/  '"$name"': /' "$out"
	if [ $rc -ne 0 ]; then
		fail "$name" "$(grep -h 'RESULT' "$out" | tail -1) (see $name.err)"
		sed 's/^/    /' "$W/log/$name.err" | tail -n 8
		return
	fi
	check_trace "$name" "$st" || return
	check_ns_order "$name" "$st" || return
	pass "$name" "$(grep -c '^leg ' "$out") upcalls, $(((t1 - t0) / 1000000)) ms"
}

# Nothing but AF_UNIX sockets, no connect() but to /dev/log (syslog),
# nscd's socket (glibc's NSS asks it first when the host's passwd is read)
# and sssd's NSS pipe (where nsswitch.conf lists sss, as sssd-kcm's
# packages make it),
# and, in a flow that sets OWN_KDC=1, to the KDC sockets the client's own
# krb5.conf names ($W/client/no-such-kdc.sock, $W/direct/kdc.sock)
check_trace() {
	local name=$1 st=$2 bad own='$^'
	[ -n "${OWN_KDC:-}" ] &&
		own="^[0-9]+ +connect\\([0-9]+, \\{sa_family=AF_UNIX, sun_path=\"$W/(client/no-such-kdc|direct/kdc)\\.sock\"\\}"
	bad=$(grep -E 'socket\(|connect\(|sendto\(' "$st" |
		grep -vE "$own" |
		grep -vE 'socket\((AF_UNIX|PF_LOCAL|AF_LOCAL)' |
		grep -vE 'connect\([0-9]+, \{sa_family=AF_UNIX, sun_path="(/dev/log|/var/run/nscd/socket|/run/nscd/socket|/var/lib/sss/pipes/nss)"\}' |
		grep -vE 'sendto\(.*, NULL, 0(\) += | <unfinished)' |
		grep -vE '^[0-9]+ +(\+\+\+|---)' | grep -vE 'resumed>' || true)
	if [ -n "$bad" ]; then
		fail "$name" "network activity outside the agent's socket: $(echo "$bad" | head -2 | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# Between entering the caller's namespaces and dropping to the user, a
# helper opens nothing (no NSS, no krb5.conf, no plugin); and no process
# that is still root ever opens the caller's NSS module.
check_ns_order() {
	local name=$1 st=$2 bad
	bad=$(awk '
		/ setns\(/ && !/= -1/ { ns[$1] = 1 }
		/ setresuid\(/ && !/= -1/ { if ($0 !~ /setresuid\(0, 0, 0\)/) user[$1] = 1 }
		/ openat\(/ && ns[$1] && !user[$1] { print "opened as root after setns: " $0 }
		/libnss_evilnss/ && !user[$1] { print "root loaded the caller NSS: " $0 }
	' "$st")
	if [ -n "$bad" ]; then
		fail "$name" "$(echo "$bad" | head -2 | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# expect_log NAME WHAT REGEX: the helper's log of flow NAME says REGEX
expect_log() {
	[[ $1 == $FILTER ]] || return 0
	if grep -qE "$3" "$W/log/$1.err" 2>/dev/null; then
		pass "$1-$2" "$(grep -oE "$3" "$W/log/$1.err" | head -1)"
	else
		fail "$1-$2" "no '$3' in $1.err"
	fi
}

# expect_no_out NAME WHAT REGEX: ... and these do not
expect_no_out() {
	[[ $1 == $FILTER ]] || return 0
	if [ -e "$W/log/$1.out" ] && ! grep -qE "$3" "$W/log/$1.out"; then
		pass "$1-$2"
	else
		fail "$1-$2" "'$3' in $1.out: $(grep -E "$3" "$W/log/$1.out" 2>/dev/null | head -1)"
	fi
}

# expect_out NAME WHAT REGEX: the legs kharness printed for NAME match
expect_out() {
	[[ $1 == $FILTER ]] || return 0
	if grep -qE "$3" "$W/log/$1.out" 2>/dev/null; then
		pass "$1-$2" "$(grep -oE "$3" "$W/log/$1.out" | head -1)"
	else
		fail "$1-$2" "no '$3' in $1.out"
	fi
}

# expect_legs NAME N: flow NAME took exactly N upcalls (kharness's "leg"
# lines: N - 1 SESSION_SETUP round trips and the final upcall)
expect_legs() {
	local got
	[[ $1 == $FILTER ]] || return 0
	got=$(grep -c '^leg ' "$W/log/$1.out" 2>/dev/null)
	if [ "$got" = "$2" ]; then
		pass "$1-legs" "$got upcalls"
	else
		fail "$1-legs" "$got upcalls, not $2"
	fi
}

# cc_none NAME UID: uid has no ccache at all (nothing was stored for it;
# libkrb5 writes a DIR collection's "primary" file on any look at it)
cc_none() {
	local got
	[[ $1 == $FILTER ]] || return 0
	got=$(setpriv --reuid "$2" --regid "$2" --clear-groups env \
		KRB5_CONFIG="$W/client/krb5.conf" klist -l 2>/dev/null |
		grep -c "@$R")
	if [ "$got" = 0 ] &&
		[ -z "$(ls -A "$W/cc/$2" 2>/dev/null | grep -vx primary)" ]; then
		pass "$1-nothing-stored" "uid $2 has no ccache"
	else
		fail "$1-nothing-stored" "uid $2 has $got caches: $(ls "$W/cc/$2")"
	fi
}

# cc_entry NAME UID VALUE: uid's caches hold the iakerb-dialect entry
# for cifs/srv.test with VALUE ("none": no such entry)
cc_entry() {
	local got
	[[ $1 == $FILTER ]] || return 0
	got=$(setpriv --reuid "$2" --regid "$2" --clear-groups env \
		KRB5_CONFIG="$W/client/krb5.conf" klist -A -C 2>/dev/null |
		grep -oE "iakerb-dialect\(cifs/srv\.test@$REALM\) = [a-z]+" |
		sed 's/.* = //' | sort -u | tr '\n' ' ')
	got=${got% }
	if [ "${got:-none}" = "$3" ]; then
		pass "$1-ccache-entry" "iakerb-dialect = $3"
	else
		fail "$1-ccache-entry" "iakerb-dialect = '${got:-none}', not $3"
	fi
}

R=$REALM
echo "  harness: realm $R, KDC on $W/srv/kdc.sock (server namespace only), work $W"

# 1. password, no preauth: AS, TGS, AP through the server; what it got is
#    kept (store_tickets = owner: uid 1000 made the mount itself)
flow password-no-preauth 1000 "" --user "alice@$R" \
	--password-file "$W/pw/alice" --target app --helper-arg --store-tickets=owner
# 2. what flow 1 stored makes the next mount one AP leg
flow cached-service-ticket 1000 "" --user "alice@$R" --target app
# 3. preauth: PREAUTH_REQUIRED, AS again, TGS, AP
flow password-preauth 1002 "" --user "bob@$R" --password-file "$W/pw/bob"
# 4. no realm in the user name: ask the server first
flow realm-discovery 1003 "" --user carol --password-file "$W/pw/carol"
# 5. a TGT in the user's ccache (kinit elsewhere): TGS and AP only
flow cached-tgt 1001 "" --user "dave@$R"
# 6. the server asks for our mechListMIC before it says SUCCESS
flow mic-round 1004 "--mic-round" --user "bob@$R" --password-file "$W/pw/bob"
#    ... or sends none (IAKerb was our first and only mechanism: allowed)
flow no-server-mic 1018 "--no-mic" --user "bob@$R" --password-file "$W/pw/bob"
#    ... or a forged one: mutual authentication fails
flow bad-server-mic 1018 "--bad-mic" --user "bob@$R" \
	--password-file "$W/pw/bob" --expect EBADMSG
#    ... and so does a damaged AP-REP (not "wrong password?": the
#    integrity check that failed is the server's, not the AS-REP's)
flow bad-aprep 1056 "--bad-aprep" --user "bob@$R" \
	--password-file "$W/pw/bob" --expect EBADMSG
expect_log bad-aprep line 'MUTUAL_AUTH \(Bad message\)'
flow win-bad-aprep 1057 "--windows --bad-aprep" --user "bob@$R" \
	--password-file "$W/pw/bob" --expect EBADMSG
# 7. wrong password, with and without preauth
flow wrong-password-preauth 1005 "" --user "bob@$R" \
	--password-file "$W/pw/wrong" --expect EKEYREJECTED
flow wrong-password 1005 "" --user "alice@$R" \
	--password-file "$W/pw/wrong" --expect EKEYREJECTED
# 8. unknown user
flow unknown-principal 1005 "" --user "nobody@$R" \
	--password-file "$W/pw/wrong" --expect EACCES
#    ... and a server that steers the password's AS exchange to a realm
#    it merely suggests (a WRONG_REALM referral): refused, nothing sent
CLIENT_CONF=$W/client/krb5-canon.conf flow steered-realm 1019 \
	"--steer-realm bob@EVIL.TEST" --user "bob@$R" \
	--password-file "$W/pw/bob" --expect EPROTO
#    ... and after realm discovery (MIT ticket 9194's state machine)
flow discovery-wrong-password 1017 "" --user carol \
	--password-file "$W/pw/wrong" --expect EKEYREJECTED
flow discovery-unknown-user 1017 "" --user nobody \
	--password-file "$W/pw/wrong" --expect EACCES
# 9. no ticket and no password
flow no-credentials 1006 "" --user "erin@$R" --expect ENOKEY
expect_log no-credentials line 'NO_CREDS \(Required key not available\): no ticket for erin@[^ ]* in the ccache and no password'
#    ... only a ticket that has run out: renew it (not "no credentials"),
#    through IAKerb and on a 7.2 kernel alike
flow expired-ticket 1038 "" --user "dave@$R" --expect ESTALE
expect_log expired-ticket line 'TICKET_EXPIRED \(Stale file handle\): .*tickets of dave@[^ ]* in DIR::[^ ]* have expired'
flow expired-ticket-legacy 1038 "" --user "dave@$R" --legacy --sec krb5 \
	--expect ESTALE
#    ... root's too, whose keytab fallback finds nothing either
flow expired-ticket-root 0 "" --user "dave@$R" --legacy --sec krb5 \
	--helper-arg -K --helper-arg "FILE:$W/no-such.keytab" --expect ESTALE
flow expired-ticket-root-krb5 0 "" --user "dave@$R" --sec krb5 \
	--mechs krb5 --helper-arg -K --helper-arg "FILE:$W/no-such.keytab" \
	--expect ESTALE
# 9b. the KDC knows the user but not cifs/<host> (a mount by IP address or
#     an alias): the service, not the user, is unknown
flow unknown-service 1040 "" --user "alice@$R" --host alias.test \
	--password-file "$W/pw/alice" --expect ENXIO
expect_log unknown-service line 'NO_SERVICE \(No such device or address\)'
flow unknown-service-ip 1040 "" --user "alice@$R" --host 10.9.8.7 \
	--password-file "$W/pw/alice" --expect ENXIO
# 9c. krb5 with a TGT, and this machine's own KDC (krb5.conf) is down: it
#     is ours that could not be reached, not the server's
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-kdc.conf flow own-kdc-down 1039 "" \
	--user "dave@$R" --sec krb5 --mechs krb5 --expect ENETUNREACH
expect_log own-kdc-down line 'OWN_KDC_UNREACHABLE \(Network is unreachable\): .*[Cc]annot contact any KDC'
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-kdc.conf flow own-kdc-down-legacy 1039 "" \
	--user "dave@$R" --legacy --sec krb5 --expect ENETUNREACH
# 10. the server offers no IAKerb, and there is only a password
flow no-iakerb-offered 1006 "" --user "erin@$R" --sec krb5 --mechs krb5 \
	--password-file "$W/pw/erin" --expect EOPNOTSUPP
# 11. sec=krb5 with IAKerb offered: krb5 finds no ticket, IAKerb takes over
flow krb5-then-iakerb 1007 "" --user "erin@$R" --sec krb5 \
	--mechs krb5,iakerb --password-file "$W/pw/erin"
# 12. The password's rule (policy.c).  A realm with a KDC line: that KDC
#     is asked from here first; unreachable, the password is not sent
#     through the server (ENETUNREACH), unless -I (fallback) says so
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-kdc.conf flow kdc-realm-refused 1008 "" \
	--user "erin@$R" --password-file "$W/pw/erin" --expect ENETUNREACH
expect_log kdc-realm-refused line 'OWN_KDC_UNREACHABLE \(Network is unreachable\): the password of erin@HARNESS.TEST \(realm from the user name\) does not go through the SMB server: krb5.conf names a KDC'
expect_log kdc-realm-refused tried-first 'no KDC of HARNESS.TEST answered this machine'
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-kdc.conf flow kdc-realm-opt-in 1008 "" \
	--user "erin@$R" --password-file "$W/pw/erin" --helper-arg -I
expect_out kdc-realm-opt-in as-via-server 'CONTINUE negTokenInit\{AS-REQ\}'
#     ... reachable: the AS exchange goes to it from here, never through
#     the server; then TGS and AP through the server (IAKerb), or plain
#     krb5 when the server offers it
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-direct.conf flow direct-kdc-iakerb 1042 \
	"" --user "erin@$R" --password-file "$W/pw/erin"
expect_out direct-kdc-iakerb tgs-first 'leg 1: CONTINUE negTokenInit\{TGS-REQ\}'
expect_no_out direct-kdc-iakerb no-as-via-server 'AS-REQ|realm discovery'
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-direct.conf flow direct-kdc-krb5 1043 \
	"" --user "bob@$R" --sec krb5 --mechs krb5,iakerb \
	--password-file "$W/pw/bob"
expect_out direct-kdc-krb5 one-ap-leg 'leg 1: CONTINUE negTokenInit\{AP-REQ\}'
expect_no_out direct-kdc-krb5 no-as-via-server 'AS-REQ|TGS-REQ'
#     ... the same when the mount says sec=iakerb itself: IAKerb, but the
#     password's AS exchange still goes to the KDC from here
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-direct.conf flow direct-kdc-sec-iakerb \
	1044 "" --user "bob@$R" --sec iakerb --mechs krb5,iakerb \
	--password-file "$W/pw/bob"
expect_no_out direct-kdc-sec-iakerb no-as-via-server 'AS-REQ'
#     ... Windows' dialect from the TGT it got
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-direct.conf flow direct-kdc-windows \
	1045 "--windows" --user "erin@$R" --password-file "$W/pw/erin"
expect_no_out direct-kdc-windows no-as-via-server 'AS-REQ'
#     ... and a KDC that answers decides: a wrong password is the KDC's
#     answer, nothing goes to the server
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-direct.conf flow direct-kdc-wrong-password \
	1046 "" --user "erin@$R" --password-file "$W/pw/wrong" \
	--expect EKEYREJECTED
expect_out direct-kdc-wrong-password nothing-sent '^leg 1: helper rejected'
#     iakerb_password = no, on the command line or in krb5.conf: never
#     through the server, not even realm discovery
flow forbid-cmdline 1047 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--helper-arg --iakerb-password=no --expect ENETUNREACH
expect_out forbid-cmdline nothing-sent '^leg 1: helper rejected'
CLIENT_CONF=$W/client/krb5-forbid.conf flow forbid-krb5conf 1047 "" \
	--user carol --password-file "$W/pw/carol" --expect ENETUNREACH
expect_log forbid-krb5conf line 'iakerb_password = no: a password never goes through'
#     a realm krb5.conf names (default_realm, [domain_realm] for the
#     host) is used: no realm discovery, and the server's realm never
#     replaces it
CLIENT_CONF=$W/client/krb5-default.conf flow default-realm 1048 "" \
	--user carol --password-file "$W/pw/carol"
expect_no_out default-realm no-discovery 'realm discovery'
CLIENT_CONF=$W/client/krb5-hostmap.conf flow host-realm 1049 "" \
	--user carol --password-file "$W/pw/carol"
expect_no_out host-realm no-discovery 'realm discovery'
CLIENT_CONF=$W/client/krb5-other.conf flow default-realm-kept 1050 "" \
	--user carol --password-file "$W/pw/carol" --expect EREMOTEIO
expect_log default-realm-kept realm 'password: carol@OTHER\.TEST \(realm from krb5.conf default_realm\)'
expect_no_out default-realm-kept no-discovery 'realm discovery'
# 13. the agent is killed between legs
flow agent-killed 1009 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--kill-agent-after 1 --expect ECONNRESET
#     ... or the kernel gives up on it (SIGTERM): it exits at once
flow agent-sigterm 1009 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--term-agent-after 1 --expect ECONNRESET
#     ... or stopped: the next leg's helper answers ETIMEDOUT in time
flow agent-stopped 1009 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--stop-agent-after 1 --tmo 5 --expect ETIMEDOUT
# 14. the mount attempt ends: its agent ends with it
flow caller-gone 1009 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--kill-caller-after 2
# 15. a leg replayed to the agent is refused, and the agent, failing
#     closed, ends the exchange
flow replayed-leg 1010 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--replay-leg 2 --probe-agent-as 1010 --expect ECONNRESET
# 16. non-root, even the agent's own uid, cannot take the agent's socket
flow agent-probe 1011 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--probe-agent-as 1011
#     ... nor may a leg of a user's exchange talk to an agent that made
#     its socket as root (another exchange's agent at that pid): leg 1 as
#     uid 0, leg 2 says creduid 1040
mkdir -p "$W/cc/0"
flow agent-not-owners 0 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--later-creduid 1040 --expect ECONNRESET
expect_log agent-not-owners peer-uid 'socket was made by pid [0-9]+ as uid 0, not as uid 1040'
# 17. upcall_target=app, the caller in a mount namespace of its own (with
#     an NSS module no root process may load): the helper enters it and
#     drops to the user before it opens anything there
CALLER_NS=1 flow app-own-namespace 1016 "" --user "bob@$R" \
	--password-file "$W/pw/bob" --target app
if [[ app-own-namespace == $FILTER ]] &&
	! grep -q ' setns(' "$W/log/strace.app-own-namespace"; then
	fail app-own-namespace-entered "the helper did not enter the caller's namespace"
fi
#     ... and a caller that is a thread, not its process's leader (pid=
#     is the thread's id): its pidfd, /proc and namespaces are the
#     thread's; the ccache is found through the process's KRB5CCNAME
CALLER_THREAD=1 CALLER_CCNAME=FILE:$W/cc/file-1038 flow app-thread-caller \
	1038 "" --user "dave@$R" --target app
#     ... and its agent ends when that thread does (its pidfd polls
#     readable when the thread exits, here with its process)
CALLER_THREAD=1 CALLER_CCNAME=FILE:$W/cc/file-1038 flow caller-thread-gone \
	1038 "" --user "dave@$R" --target app --kill-caller-after 1
#     ... but not for root: creduid 0 in a mount namespace of its own is
#     refused before anything of that namespace is opened (its NSS
#     modules and krb5 plugins would run as global uid 0)
CALLER_NS=1 flow root-own-namespace 0 "" --user "erin@$R" --target app \
	--expect EPERM
expect_log root-own-namespace refused 'NOT_PERMITTED \(Operation not permitted\): creduid 0 in another mount namespace'
if [[ root-own-namespace == $FILTER ]]; then
	if grep -q ' setns(' "$W/log/strace.root-own-namespace"; then
		fail root-own-namespace-not-entered "the helper entered the caller's namespace"
	else
		pass root-own-namespace-not-entered
	fi
fi
# 18. the caller's KRB5CCNAME (a FILE cache with a TGT) is found (env probe)
CALLER_CCNAME=FILE:$W/cc/file-1014 flow env-probe-file 1014 "" \
	--user "dave@$R" --target app
# 19. what a password obtains goes into the collection as a cache of its
#     own: the collection's primary (dave, kinit) stays primary
before=$(cat "$W/cc/1001/primary" 2>/dev/null)
flow store-keeps-primary 1001 "" --user "bob@$R" --password-file "$W/pw/bob" \
	--helper-arg --store-tickets=owner
if [[ store-keeps-primary == $FILTER ]]; then
	after=$(cat "$W/cc/1001/primary" 2>/dev/null)
	caches=$(setpriv --reuid 1001 --regid 1001 --clear-groups env \
		KRB5_CONFIG="$W/client/krb5.conf" klist -l 2>/dev/null |
		grep -c "@$R")
	if [ -n "$before" ] && [ "$before" = "$after" ] && [ "$caches" -ge 2 ]; then
		pass store-keeps-primary-collection "primary $after kept, $caches caches"
	else
		fail store-keeps-primary-collection "primary '$before' -> '$after', $caches caches"
	fi
fi
flow stored-then-ap-only 1001 "" --user "bob@$R"
# 19b. What a password obtained is kept only where it may be (policy.c).
#     By default nowhere: the next mount needs the password again
flow store-default-none 1051 "" --user "alice@$R" \
	--password-file "$W/pw/alice"
expect_log store-default-none said 'not stored \(store_tickets = no, default\)'
cc_none store-default-none 1051
flow store-default-none-next 1051 "" --user "alice@$R" --expect ENOKEY
#     store_tickets = owner (command line or krb5.conf) and the owner
#     mounted: kept, the next mount is one AP leg
CLIENT_CONF=$W/client/krb5-store.conf flow store-owner 1052 "" \
	--user "alice@$R" --password-file "$W/pw/alice"
flow store-owner-next 1052 "" --user "alice@$R"
expect_out store-owner-next one-ap-leg '^leg 2: ESTABLISHED'
#     root mounts for uid 1053 (cruid=): nothing for 1053, even with owner
CALLER_UID=0 flow store-cruid 1053 "" --user "alice@$R" \
	--password-file "$W/pw/alice" --helper-arg --store-tickets=owner
expect_log store-cruid said 'not stored: the mount was made, not by uid 1053 itself'
cc_none store-cruid 1053
#     ... and app mounts alike
CALLER_UID=0 flow store-cruid-app 1054 "" --user "alice@$R" \
	--password-file "$W/pw/alice" --target app --helper-arg --store-tickets=owner
cc_none store-cruid-app 1054
#     a reconnect's task says nothing about who mounted: nothing kept
flow store-recon 1055 "" --user "alice@$R" --password-file "$W/pw/alice" \
	--recon --target app --helper-arg --store-tickets=owner
expect_log store-recon said 'not stored: a reconnect'
cc_none store-recon 1055
# 20. the KDC is down: the acceptor says so (KDC_NO_RESPONSE)
kdc_stop
flow dead-kdc 1012 "" --user "erin@$R" --password-file "$W/pw/erin" \
	--expect EREMOTEIO
kdc_start
# 21. a 7.2 kernel (no exch=): one leg from the ticket flow 1 stored
flow legacy-single-leg 1000 "" --user "alice@$R" --legacy --sec krb5
flow legacy-mskrb5 1000 "" --user "alice@$R" --legacy --sec mskrb5
# 22. ... and sec=iakerb on it: it cannot relay IAKerb
flow legacy-sec-iakerb 1000 "" --user "alice@$R" --legacy --sec iakerb \
	--expect EOPNOTSUPP
# 23. a patched kernel, sec=krb5 and a ticket: krb5 through the agent, with
#     the server's AP-REP and MIC verified (CONTINUE, then ESTABLISHED)
flow krb5-multileg 1000 "" --user "alice@$R" --sec krb5 --mechs krb5,iakerb
flow mskrb5-multileg 1000 "" --user "alice@$R" --sec mskrb5 \
	--mechs mskrb5,iakerb
# 24. the mount's domain= is the realm: no discovery leg
flow domain-realm-hint 1013 "" --user erin --domain harness.test \
	--password-file "$W/pw/erin"
# 25. sec=iakerb by the mount's choice (krb5 offered too) does not let a
#     realm with a KDC line through the server (it once did): only the
#     administrator's fallback does
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-kdc.conf flow sec-iakerb-by-mount 1008 \
	"" --user "bob@$R" --sec iakerb --mechs krb5,iakerb \
	--password-file "$W/pw/bob" --expect ENETUNREACH
OWN_KDC=1 CLIENT_CONF=$W/client/krb5-kdc.conf flow sec-iakerb-fallback 1008 \
	"" --user "bob@$R" --sec iakerb --mechs krb5,iakerb \
	--password-file "$W/pw/bob" --helper-arg --iakerb-password=fallback
# 26. a reconnect (recon=1): nothing of pid= is used; the stored ticket is
flow reconnect 1000 "" --user "alice@$R" --recon --target app
#     ... and a user the host does not know has no group to run as (the
#     kernel sends none, pid= is not the user's): refused, not run with
#     the uid's number as its gid
flow reconnect-unknown-user 1041 "" --user "dave@$R" --recon --expect ENOKEY
expect_log reconnect-unknown-user no-gid 'uid 1041 has no passwd entry on the host'

# --- Windows' dialect --------------------------------------------------------
# The acceptor answers as Windows does (--windows): realm "." and
# header-flags 01000000 in proxy replies, a krb5-framed AP-REQ to a fresh
# krb5 context, accept-incomplete + MIC with the last reply.
# 27. auto against MIT: leg 1 in MIT's framing, MIT's replies keep it
expect_log password-preauth auto-chose-mit 'dialect: mit confirmed'
expect_log realm-discovery auto-chose-mit 'dialect: mit confirmed'
# 28. auto against Windows: the first "." reply switches to our own legs
flow win-password-no-preauth 1021 "--windows" --user "alice@$R" \
	--password-file "$W/pw/alice" --target app --helper-arg --store-tickets=owner
expect_log win-password-no-preauth auto-chose-windows 'dialect: windows \(auto[^)]*\)'
flow win-password-preauth 1022 "--windows" --user "bob@$R" \
	--password-file "$W/pw/bob" --helper-arg --store-tickets=owner
expect_log win-password-preauth auto-chose-windows 'dialect: windows \(auto[^)]*\)'
flow win-realm-discovery 1023 "--windows" --user carol \
	--password-file "$W/pw/carol"
expect_log win-realm-discovery auto-chose-windows 'dialect: windows \(auto[^)]*\)'
flow win-cached-tgt 1024 "--windows" --user "dave@$R"
expect_log win-cached-tgt auto-chose-windows 'dialect: windows \(auto[^)]*\)'
#     ... and it costs no leg more than the forced dialect (below): the
#     KDC legs MIT's mech began carry on in Windows' framing
expect_legs win-password-no-preauth 4
expect_legs win-password-preauth 5
expect_legs win-realm-discovery 6
expect_legs win-cached-tgt 3
# 29. forced from the start: every KDC leg in Windows' framing
flow win-forced-password 1028 "--windows" --user "erin@$R" \
	--password-file "$W/pw/erin" --helper-arg --dialect=windows
expect_log win-forced-password confirmed 'dialect: windows confirmed'
flow win-forced-discovery-preauth 1031 "--windows" --user bob \
	--password-file "$W/pw/bob" --helper-arg --dialect=windows
# ... or by krb5.conf's [appdefaults]
CLIENT_CONF=$W/client/krb5-windows.conf flow win-config-dialect 1032 \
	"--windows" --user "erin@$R" --password-file "$W/pw/erin"
expect_log win-config-dialect from-krb5conf 'dialect: windows \(krb5.conf iakerb_dialect\)'
# ... and a realm learnt by discovery that has a KDC line: not without -I
CLIENT_CONF=$W/client/krb5-kdc.conf flow win-discovery-kdc-realm-refused \
	1034 "--windows" --user erin --password-file "$W/pw/erin" \
	--helper-arg --dialect=windows --expect ENETUNREACH
expect_log win-discovery-kdc-realm-refused line 'realm from the server.s realm discovery\) does not go through the SMB server: krb5.conf names a KDC'
CLIENT_CONF=$W/client/krb5-kdc.conf flow discovery-kdc-realm-refused \
	1034 "" --user erin --password-file "$W/pw/erin" --expect ENETUNREACH
# 30. what the password got is stored: the next mount is one AP leg,
#     krb5-framed when Windows' dialect is asked for, MIT's framing in auto
flow win-cached-service-ticket 1021 "--windows" --user "alice@$R" \
	--target app --helper-arg --dialect=windows
expect_log win-cached-service-ticket krb5-ap-req 'AP-REQ \(krb5\)'
#     ... and in auto too: win-password-preauth left "windows" in the
#     ccache (below, 34)
flow win-cached-service-ticket-auto 1022 "--windows" --user "bob@$R"
expect_log win-cached-service-ticket-auto remembered 'dialect: windows \(remembered for [^)]*\)'
expect_out win-cached-service-ticket-auto krb5-ap-req 'leg 1: CONTINUE negTokenInit\{AP-REQ\}'
# 31. wrong password, unknown user: the same outcome as MIT's dialect
flow win-wrong-password 1025 "--windows" --user "alice@$R" \
	--password-file "$W/pw/wrong" --expect EKEYREJECTED
flow win-wrong-password-preauth 1025 "--windows" --user "bob@$R" \
	--password-file "$W/pw/wrong" --expect EKEYREJECTED
flow win-discovery-wrong-password 1030 "--windows" --user carol \
	--password-file "$W/pw/wrong" --expect EKEYREJECTED
flow win-unknown-principal 1030 "--windows" --user "nobody@$R" \
	--password-file "$W/pw/wrong" --expect EACCES
flow win-unknown-service 1041 "--windows" --user "alice@$R" \
	--host alias.test --password-file "$W/pw/alice" --expect ENXIO
# 32. a forced wrong dialect fails at the first KDC reply, with a reason
flow win-forced-mit 1026 "--windows" --user "bob@$R" \
	--password-file "$W/pw/bob" --helper-arg --dialect=mit --expect EPROTO
expect_log win-forced-mit reason "speaks Windows' IAKerb dialect[^:]*"
flow mit-forced-windows 1027 "" --user "bob@$R" \
	--password-file "$W/pw/bob" --helper-arg --dialect=windows --expect EPROTO
expect_log mit-forced-windows reason "speaks MIT's IAKerb dialect[^:]*"
flow mit-forced-mit 1033 "" --user "bob@$R" \
	--password-file "$W/pw/bob" --helper-arg --dialect=mit
# 33. the server's KDC is down
kdc_stop
flow win-dead-kdc 1029 "--windows" --user "erin@$R" \
	--password-file "$W/pw/erin" --expect EREMOTEIO
flow win-forced-dead-kdc 1029 "--windows" --user "erin@$R" \
	--password-file "$W/pw/erin" --helper-arg --dialect=windows \
	--expect EREMOTEIO
kdc_start

# 34. the dialect a KDC reply showed is remembered in the ccache, next to
#     the tickets (config entry "iakerb-dialect" for cifs/<host>@<realm>),
#     once the server proved itself; auto from a cached ticket or TGT uses
#     it.  Windows: a password, then the stored ticket gives one AP leg,
#     krb5-framed (the acceptor, like smbsrv --mode windows, refuses MIT's
#     final)
flow win-remember-password 1035 "--windows" --user "erin@$R" \
	--password-file "$W/pw/erin" --helper-arg --store-tickets=owner
expect_log win-remember-password written "dialect: remembered windows for cifs/srv\.test@$R"
cc_entry win-remember-password 1035 windows
flow win-remembered-ticket 1035 "--windows" --user "erin@$R"
expect_log win-remembered-ticket chose "dialect: windows \(remembered for cifs/srv\.test@$R in the ccache\)"
expect_out win-remembered-ticket krb5-final 'leg 1: CONTINUE negTokenInit\{AP-REQ\}'
expect_out win-remembered-ticket one-ap-leg '^leg 2: ESTABLISHED'
#     MIT: the same, MIT's final
flow mit-remember-password 1036 "" --user "erin@$R" \
	--password-file "$W/pw/erin" --helper-arg --store-tickets=owner
expect_log mit-remember-password written "dialect: remembered mit for cifs/srv\.test@$R"
cc_entry mit-remember-password 1036 mit
flow mit-remembered-ticket 1036 "" --user "erin@$R"
expect_log mit-remembered-ticket chose "dialect: mit \(remembered for cifs/srv\.test@$R in the ccache\)"
expect_out mit-remembered-ticket mit-final 'leg 1: CONTINUE negTokenInit\{AP-REQ \(IAKerb\)\}'
#     Windows learnt from a TGT's TGS leg is remembered in the TGT's cache
#     (where the ticket went too)
flow win-remember-tgt 1037 "--windows" --user "dave@$R"
expect_log win-remember-tgt written "dialect: remembered windows for cifs/srv\.test@$R"
cc_entry win-remember-tgt 1037 windows
#     ... and the server is MIT now: it refuses the krb5-framed final, the
#     kernel gives up (SIGTERM) and the agent drops the stale entry
flow remembered-windows-vs-mit 1037 "" --user "dave@$R" --expect EACCES
expect_log remembered-windows-vs-mit reason "ended after our AP-REQ in the Windows framing remembered for cifs/srv\.test@$R"
expect_log remembered-windows-vs-mit dropped 'dialect: dropped the stale entry'
cc_entry remembered-windows-vs-mit 1037 none
#     ... so the next mount is MIT's again, and succeeds
flow remember-relearn 1037 "" --user "dave@$R"
expect_out remember-relearn mit-final 'leg 1: CONTINUE negTokenInit\{AP-REQ \(IAKerb\)\}'
#     a remembered MIT (or none) and a cached ticket against Windows: MIT's
#     final, refused by the server (no proxy leg tells us otherwise)
flow remembered-mit-ticket-vs-windows 1036 "--windows" --user "erin@$R" \
	--expect EACCES
#     a forced dialect wins over the remembered one
flow remembered-forced-mit 1035 "--windows" --user "erin@$R" \
	--helper-arg --dialect=mit --expect EACCES
expect_log remembered-forced-mit forced 'dialect: mit \(--dialect\)'

# 35. legs per case: server kind x --dialect x credentials, exactly (the
#     README's table).  Auto must cost no leg more than the forced dialect
#     against either acceptor: MIT's (27, and below) and Windows' (28).
expect_legs password-no-preauth 4
expect_legs password-preauth 5
expect_legs realm-discovery 6
expect_legs cached-tgt 3
expect_legs cached-service-ticket 2
expect_legs win-cached-service-ticket-auto 2
expect_legs win-cached-service-ticket 2
expect_legs win-forced-password 5
expect_legs win-forced-discovery-preauth 6
flow mit-forced-no-preauth 1063 "" --user "alice@$R" \
	--password-file "$W/pw/alice" --helper-arg --dialect=mit
expect_legs mit-forced-no-preauth 4
flow mit-forced-preauth 1062 "" --user "bob@$R" \
	--password-file "$W/pw/bob" --helper-arg --dialect=mit
expect_legs mit-forced-preauth 5
flow mit-forced-discovery 1064 "" --user carol \
	--password-file "$W/pw/carol" --helper-arg --dialect=mit
expect_legs mit-forced-discovery 6
flow mit-forced-cached-tgt 1060 "" --user "dave@$R" --helper-arg --dialect=mit
expect_legs mit-forced-cached-tgt 3
flow win-forced-no-preauth 1065 "--windows" --user "alice@$R" \
	--password-file "$W/pw/alice" --helper-arg --dialect=windows
expect_legs win-forced-no-preauth 4
flow win-forced-cached-tgt 1061 "--windows" --user "dave@$R" \
	--helper-arg --dialect=windows
expect_legs win-forced-cached-tgt 3

# The probe lines must say EPERM
for n in replayed-leg agent-probe; do
	[[ $n == $FILTER ]] || continue
	if grep -q 'probe: .*EPERM (refused)' "$W/log/$n.out" 2>/dev/null; then
		pass "$n-nonroot-cannot-take-agent-socket"
	else
		fail "$n-nonroot-cannot-take-agent-socket" "see $n.out"
	fi
done

# --- non-root callers of the helper itself --------------------------------
if [[ nonroot == $FILTER ]] || [ "$FILTER" = '*' ]; then
	# the real helper, run by a user on some key: no authority, no answer
	if setpriv --reuid 1000 --regid 1000 --clear-groups "$REALHELPER" 123456 \
		>/dev/null 2>&1; then
		fail nonroot-real-helper "a user's run of the helper succeeded"
	else
		pass nonroot-real-helper
	fi
	# the test binary with a forged creduid: it cannot become alice
	d=$W/d/forged
	mkdir -p "$d"
	printf 'ver=0x2;host=srv.test;ip4=127.0.0.1;sec=krb5;uid=0x3f1;creduid=0x3e8;user=alice@%s;pid=0x1;upcall_target=mount' \
		"$R" >"$d/desc"
	chown -R 1009:1009 "$d"
	setpriv --reuid 1009 --regid 1009 --clear-groups "$HELPER" -k \
		"$W/client/krb5.conf" "$d" >/dev/null 2>"$W/log/forged.err"
	if [ "$(head -c1 "$d/result" 2>/dev/null)" = P ]; then
		fail nonroot-forged-creduid "uid 1009 got a key for uid 1000"
	else
		pass nonroot-forged-creduid "$(grep -o 'NOT_PERMITTED[^:]*' "$W/log/forged.err" | head -1)"
	fi
fi

# no agent may outlive the harness's exchanges (all completed or failed)
sleep 0.3
left=0
for p in $(cat "$W"/d/*/agents 2>/dev/null); do
	[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$HELPER" ] &&
		left=$((left + 1))
done
if [ "$left" -eq 0 ]; then
	pass no-agent-left
else
	fail no-agent-left "$left helper/agent processes still running"
fi

# No password in any log, trace or helper output (only in $W/pw)
leaked=$(grep -rlaF -e Alice-pass-1 -e Bob-pass-1 -e Carol-pass-1 \
	-e Erin-pass-1 -e Not-the-password --exclude='cred.*' \
	"$W/log" "$W/d" 2>/dev/null)
if [ -z "$leaked" ]; then
	pass passwords-in-no-log
else
	fail passwords-in-no-log "found in $(echo "$leaked" | tr '\n' ' ')"
fi

# The KDC saw the requests: they came through the acceptor
if [ "$FILTER" != '*' ]; then
	:	# a partial run need not have made both
elif grep -q 'AS_REQ' "$W/log/kdc.log" && grep -q 'TGS_REQ' "$W/log/kdc.log"; then
	pass kdc-saw-requests "$(grep -c AS_REQ "$W/log/kdc.log") AS, $(grep -c TGS_REQ "$W/log/kdc.log") TGS"
else
	fail kdc-saw-requests "no AS/TGS in the KDC log"
fi

echo "  harness: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
