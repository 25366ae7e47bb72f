# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Functions for the scenarios that tests/ktest/guest.sh runs inside the VM.
# A scenario is a bash script under scenarios/ that sources this file and
# reports with pass/fail; it may also exit non-zero, which counts as a FAIL.
#
# Everything a scenario creates lives under $KTEST_WORK (a tmpfs), and the
# services it starts (KDC, smbd) are shared with the scenarios that follow
# in the same boot: use the ktest_ensure_* functions, which start them once.

KTEST_SRC=${KTEST_SRC:-/src}
KTEST_WORK=${KTEST_WORK:-/tmp/ktest}
KTEST_OUT=${KTEST_OUT:-$KTEST_SRC/tests/ktest/out}
KTEST_NAME=${KTEST_NAME:-$(basename "$0" .sh)}
mkdir -p "$KTEST_WORK"

# Result lines.  Every check prints exactly one of them.
pass() { echo "PASS $KTEST_NAME/$1"; }
fail() { echo "FAIL $KTEST_NAME/$1: ${2:-failed}"; KTEST_FAILED=1; }
info() { echo "  $KTEST_NAME: $*"; }

# check NAME CMD...: PASS if CMD succeeds, FAIL with its output otherwise.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# ktest_slack SECONDS: a wall-time bound that tells a hang from a late
# answer, for this kernel.  make check-debug's kernel (KASAN, kmemleak,
# lockdep; /proc/lockdep exists only with lock debugging) runs 10 to 20
# times slower than Debian's under TCG, and a kernel timeout of 30 s ends
# a mount there in about 50 s of wall time: the bound doubles.
# KTEST_SLACK overrides the factor.
ktest_slack() {
	local f=${KTEST_SLACK:-1}
	[ -z "${KTEST_SLACK:-}" ] && [ -e /proc/lockdep ] && f=2
	echo $(($1 * f))
}

# expect_fail NAME CMD...: PASS if CMD fails (a test that must be refused).
expect_fail() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		fail "$name" "succeeded but should have failed: $*"
	else
		pass "$name"
	fi
}

# ktest_cifs_keys [FILE]: the live keys of cifs' two upcall key types, as
# /proc/keys lines: cifs.spnego (description "ver=0x...") and
# cifs.iakerb_cred, the password key ("exch=...").  /proc/keys prints the
# type with %-9.9s (security/keys/proc.c), so it reads "cifs.spne" and
# "cifs.iake"; the description's shape pins the type.  Live: positive, under construction, or negative
# and not yet expired (a negative key makes request_key fail at once, with
# no helper run, for the same description until it expires: the kernel
# leaves 60 s when a helper exits without answering).  Not live, and kept
# listed until the garbage collector reaps them 5 min later: revoked (R),
# dead (D), invalidated (i, what cifs does with every key it used) and
# expired ("expd" in the timeout column).  FILE: a saved copy of
# /proc/keys instead.
ktest_cifs_keys() {
	awk '(($8 == "cifs.spne" && $9 ~ /^ver=0x/) ||
	      ($8 == "cifs.iake" && $9 ~ /^exch=/)) &&
	     $2 !~ /[RDi]/ && $4 != "expd"' "${1:-/proc/keys}"
}

# Request-key helpers (stock or ours) and their agents still running.
ktest_helper_re='cifs\.upcall|cifs-upcall-iakerb|request-key'
ktest_helper_procs() {
	pgrep -a -f "$ktest_helper_re" || true
}

# ktest_check_watched NAME BUDGET CMD...: check NAME CMD (a mount or
# other call into cifs), but if CMD has not returned after BUDGET seconds,
# print where it and the upcall's processes wait (wchan and kernel stack),
# cifs' DebugData, the live keys and the kernel log's tail, then kill it
# and fail NAME.  For a call that returns at once on one kernel and may
# wait on another: the report comes at once, not at the scenario's limit.
ktest_check_watched() {
	local name=$1 budget=$2 out=$KTEST_WORK/$1.watched pid p end
	shift 2
	"$@" >"$out" 2>&1 &
	pid=$!
	end=$((SECONDS + budget))
	while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do
		sleep 0.5
	done
	if ! kill -0 "$pid" 2>/dev/null; then
		if wait "$pid"; then
			pass "$name"
		else
			fail "$name" "$(tail -n 3 "$out" | tr '\n' ' ')"
		fi
		return
	fi
	info "$name: no answer after $budget s; where it waits:"
	# blocked tasks' stacks into the kernel log first, before anything
	# below that reads /proc could itself wait on the stuck task
	echo w 2>/dev/null >/proc/sysrq-trigger
	for p in $pid $(timeout 10 pgrep -x mount.cifs) \
		 $(timeout 10 pgrep -f "$ktest_helper_re"); do
		[ -r "/proc/$p/stat" ] || continue
		info "  $p $(timeout 5 cat "/proc/$p/comm" "/proc/$p/wchan" | tr '\n' ' ')"
		timeout 5 sed 's/^/      /' "/proc/$p/stack" 2>/dev/null | head -n 24
	done
	info "  keys: $(ktest_cifs_keys | tr '\n' ';')"
	sed 's/^/      /' /proc/fs/cifs/DebugData 2>/dev/null | head -n 40
	dmesg | tail -n 30 | sed 's/^/      /'
	kill -9 "$pid" $(pgrep -x mount.cifs) 2>/dev/null
	fail "$name" "no answer after $budget s (where it waited: above)"
}

# ktest_leftovers [SECONDS]: the live cifs keys and helper processes that
# are still there after up to SECONDS (default 6): an agent ends on its own
# once its exchange is over, and cifs-upcall-iakerb rejects a leg it
# refuses with a 1 s timeout (IAKERB_REJECT_TIMEOUT_SEC), so neither is a
# leftover.  A 60 s negative key is: request-key's answer when a helper
# exits without instantiating or rejecting (a crash, a kill, or stock
# cifs.upcall, whose keyctl_negate is behind "rc != 0 && key == 0").
# Prints one line per leftover; the runner calls it after each scenario
# (out/<scenario>.leftovers), scenarios check it.
ktest_leftovers() {
	local keys procs i
	for i in $(seq $((${1:-6} * 5))); do
		keys=$(ktest_cifs_keys)
		procs=$(ktest_helper_procs)
		[ -z "$keys$procs" ] && return 0
		sleep 0.2
	done
	[ -n "$keys" ] && echo "$keys" | sed 's/^/  leftover key: /'
	[ -n "$procs" ] && echo "$procs" | sed 's/^/  leftover process: /'
	return 1
}

# Users for the mounts: a local unix user per name (Samba maps principals
# and NTLM users to them).  /etc is a writable overlay in the guest.
ktest_ensure_user() {
	id "$1" >/dev/null 2>&1 || useradd -M -d /tmp -s /bin/false "$1"
}

# --- A real MIT KDC on a UNIX socket --------------------------------------
#
# ktest_ensure_kdc REALM: krb5kdc for REALM listening on
# $KTEST_WORK/kdc/kdc.sock, with /etc/krb5.conf naming it.  Principals are
# added with ktest_kdc_addprinc.
ktest_ensure_kdc() {
	local realm=$1 d=$KTEST_WORK/kdc
	# Written every time: a scenario before this one (the IAKerb ones)
	# may have left a client krb5.conf that names no KDC.
	mkdir -p "$d"
	cat >/etc/krb5.conf <<-EOF
	[libdefaults]
	    default_realm = $realm
	    dns_lookup_kdc = false
	    dns_lookup_realm = false
	    rdns = false
	    udp_preference_limit = 0
	[realms]
	    $realm = {
	        kdc = $d/kdc.sock
	    }
	[domain_realm]
	    .test = $realm
	    srv.test = $realm
	EOF
	if [ -S "$d/kdc.sock" ] && pgrep -x krb5kdc >/dev/null; then
		return 0
	fi
	cat >"$d/kdc.conf" <<-EOF
	[kdcdefaults]
	    kdc_listen = $d/kdc.sock
	    kdc_tcp_listen = $d/kdc.sock
	[realms]
	    $realm = {
	        database_name = $d/principal
	        key_stash_file = $d/stash
	        acl_file = $d/kadm5.acl
	        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
	    }
	[logging]
	    kdc = FILE:$d/kdc.log
	EOF
	: >"$d/kadm5.acl"
	export KRB5_KDC_PROFILE=$d/kdc.conf
	kdb5_util -r "$realm" -P "master-$$-$RANDOM" create -s >"$d/create.log" 2>&1 ||
		{ cat "$d/create.log"; return 1; }
	krb5kdc -r "$realm" -P "$d/kdc.pid" || return 1
	local i
	for i in $(seq 50); do
		[ -S "$d/kdc.sock" ] && return 0
		sleep 0.1
	done
	echo "krb5kdc did not create $d/kdc.sock" >&2
	return 1
}

# ktest_kdc_addprinc NAME [PASSWORD]: a principal with that password, or
# with a random key when no password is given (for services).
ktest_kdc_addprinc() {
	local name=$1 pw=${2:-}
	export KRB5_KDC_PROFILE=$KTEST_WORK/kdc/kdc.conf
	if [ -n "$pw" ]; then
		kadmin.local -q "addprinc -pw $pw $name" >/dev/null
	else
		kadmin.local -q "addprinc -randkey $name" >/dev/null
	fi
}

# ktest_kdc_ktadd KEYTAB PRINC...
ktest_kdc_ktadd() {
	local kt=$1
	shift
	export KRB5_KDC_PROFILE=$KTEST_WORK/kdc/kdc.conf
	kadmin.local -q "ktadd -k $kt $*" >/dev/null
}

# ktest_samba_krb5 REALM: the krb5 set-up of the Samba scenarios: the KDC,
# alice (password Alice-pass-1) and cifs/srv.test with Samba's keytab, the
# unix user alice, smbd.  Prints the kdc-start and samba-start lines.
ktest_samba_krb5() {
	local realm=$1
	check kdc-start ktest_ensure_kdc "$realm"
	ktest_kdc_addprinc alice 'Alice-pass-1'
	ktest_kdc_addprinc cifs/srv.test
	rm -f "$KTEST_WORK/samba/smb.keytab"
	mkdir -p "$KTEST_WORK/samba"
	ktest_kdc_ktadd "$KTEST_WORK/samba/smb.keytab" cifs/srv.test
	ktest_ensure_user alice
	check samba-start ktest_ensure_samba "$realm"
}

# --- Real Samba -------------------------------------------------------------
#
# ktest_ensure_samba [REALM]: smbd serving $KTEST_WORK/samba/share as
# "share" on 127.0.0.1, for NTLM users added with ktest_samba_adduser and,
# when REALM is given, for Kerberos through a dedicated keytab holding
# cifs/srv.test.  Restarts smbd if the configuration changes.
ktest_ensure_samba() {
	local realm=${1:-} d=$KTEST_WORK/samba krbconf=
	mkdir -p "$d/share" "$d/private" "$d/lock" "$d/state" "$d/cache" "$d/pid" "$d/ncalrpc"
	chmod 1777 "$d/share"
	if [ -n "$realm" ]; then
		krbconf="    realm = $realm
    kerberos method = dedicated keytab
    dedicated keytab file = FILE:$d/smb.keytab"
	fi
	cat >"$d/smb.conf.new" <<-EOF
	[global]
	    server role = standalone
	    security = user
	    netbios name = SRV
	    interfaces = lo
	    bind interfaces only = yes
	    smb ports = 445
	    disable netbios = yes
	    server min protocol = ${KTEST_SAMBA_MIN_PROTOCOL:-SMB3}
	    log level = 1
	    log file = $d/log.smbd
	    private dir = $d/private
	    lock directory = $d/lock
	    state directory = $d/state
	    cache directory = $d/cache
	    pid directory = $d/pid
	    ncalrpc dir = $d/ncalrpc
	    passdb backend = tdbsam:$d/private/passdb.tdb
	$krbconf
	[share]
	    path = $d/share
	    read only = no
	    guest ok = no
	EOF
	if pgrep -x smbd >/dev/null && cmp -s "$d/smb.conf" "$d/smb.conf.new"; then
		return 0
	fi
	pkill -x smbd && sleep 1
	mv "$d/smb.conf.new" "$d/smb.conf"
	smbd -F -s "$d/smb.conf" --debug-stdout >"$d/smbd.out" 2>&1 &
	local i
	for i in $(seq 100); do
		if (exec 3<>/dev/tcp/127.0.0.1/445) 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "smbd did not start listening" >&2
	tail -n 20 "$d/smbd.out" >&2
	return 1
}

ktest_samba_adduser() {
	ktest_ensure_user "$1"
	printf '%s\n%s\n' "$2" "$2" |
		smbpasswd -c "$KTEST_WORK/samba/smb.conf" -s -a "$1" >/dev/null
}

# The request-key line for cifs.spnego keys: "stock" (cifs-utils'
# cifs.upcall) or a helper path.
ktest_use_upcall() {
	local helper=$1
	[ "$helper" = stock ] && helper=/usr/sbin/cifs.upcall
	mkdir -p /etc/request-key.d
	echo "create cifs.spnego * * $helper %k" >/etc/request-key.d/cifs.spnego.conf
}

# A file of N random bytes and its checksum, to compare after a round trip.
ktest_random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# The standard file round trip on a mounted share: write, read back, list,
# rename, unlink.  Prints one PASS/FAIL line per step, prefixed by $1.
ktest_file_roundtrip() {
	local tag=$1 mnt=$2 src=$KTEST_WORK/payload.$$
	ktest_random_file "$src" 1048576
	check "$tag-write" cp "$src" "$mnt/payload.bin"
	sync
	check "$tag-readback" cmp "$src" "$mnt/payload.bin"
	check "$tag-list" sh -c "ls -l '$mnt' | grep -q payload.bin"
	check "$tag-rename" mv "$mnt/payload.bin" "$mnt/renamed.bin"
	check "$tag-unlink" rm "$mnt/renamed.bin"
	expect_fail "$tag-gone" test -e "$mnt/renamed.bin"
	rm -f "$src"
}

# No syslog daemon in the guest: a small /dev/log reader keeps the lines in
# $KTEST_SYSLOG, for every scenario after the first that asks for it.
KTEST_SYSLOG=$KTEST_WORK/helper-syslog.log
ktest_catch_syslog() {
	[ -S /dev/log ] && return 0
	# its own stdio: check()'s $(...) must not wait for it
	python3 - "$KTEST_SYSLOG" >/dev/null 2>&1 <<-'EOF' &
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind("/dev/log")
	with open(sys.argv[1], "ab", buffering=0) as f:
	    while True:
	        f.write(s.recv(65536) + b"\n")
	EOF
	for _ in $(seq 50); do
		# as a real /dev/log: any user may log
		[ -S /dev/log ] && chmod 666 /dev/log && return 0
		sleep 0.1
	done
	return 1
}
