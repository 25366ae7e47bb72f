#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 900
#
# The kernel's side of issue 11, section 1: what cifs.ko does when a
# helper or a server breaks the rules.  A misbehaving helper
# (tests/ktest/fakehelper) answers LEGACY to sec=iakerb, names an agent
# that is not its child or another agent on leg 2, stops, exits or
# crashes on leg 2; smbsrv pads the KDC replies it proxies (kdc-pad),
# spoils the final signature (bad-final-sig), answers a reconnect's
# NEGOTIATE without a security buffer or speaks SMB 3.0 only; and
# the stock cifs.upcall reconnects a sec=krb5 mount with
# upcall_target=app.  Each failing case pins the mount's errno and the
# kernel's line, and checks that nothing is left behind: no key, no
# helper, no stopped task and no task in D state.
#
# Every mount runs in the background under timeout(1), and a mount still
# waiting for a stopped helper after its budget is freed by killing that
# helper, so that a kernel without a bounded upcall wait fails the checks
# instead of hanging the run.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

fake=$KTEST_SRC/tests/ktest/fakehelper/build/fakehelper
flog=$KTEST_WORK/$KTEST_NAME-fakehelper.log
mount_cifs=$(command -v mount.cifs)
pw="sec=iakerb,username=alice,password=alicepw"
: >"$flog"

[ -x "$fake" ] || { fail build "no $fake (make -C tests/ktest)"; exit 1; }
# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi

# --- the request-key line --------------------------------------------------

# fake_line ARGS...: every cifs.spnego key goes to the fakehelper
fake_line() {
	echo "create cifs.spnego * * $fake --log $flog $* %k" \
		>/etc/request-key.d/cifs.spnego.conf
}
real_line() { ktest_use_upcall "$helper"; }

flog_mark() { wc -l <"$flog"; }
flog_since() { tail -n "+$(($1 + 1))" "$flog"; }
# fake_pids MARK WHAT: the pids the fakehelper logged as "WHAT pid=N"
fake_pids() {
	flog_since "$1" | sed -n "s/.* $2 pid=\\([0-9]*\\).*/\\1/p" | sort -u
}
# is_fake PID: PID is still one of this scenario's fakehelper processes
# (request-key gives it argv[0] "fakehelper"; --log names our log)
is_fake() {
	{ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null |
		grep -q -- "--log $flog "
}
fake_procs() { pgrep -af -- "--log $flog " || true; }
# reap MARK: end, by pid, the stopped helpers and sleepers the fakehelper
# left since MARK (the scenario's cleaning up, not a check)
reap() {
	local p
	for p in $(fake_pids "$1" stopping) $(fake_pids "$1" sleeper); do
		is_fake "$p" && kill -9 "$p" 2>/dev/null
	done
}

srvlog_mark() { wc -l <"$LOG_DIR/smbsrv.log"; }
srvlog_since() { tail -n "+$(($1 + 1))" "$LOG_DIR/smbsrv.log"; }
kdclog_mark() { wc -l <"$KDC_LOG"; }
kdclog_since() { tail -n "+$(($1 + 1))" "$KDC_LOG"; }

# --- what is left ------------------------------------------------------------

# Tasks whose state starts with $1 (D: uninterruptible, T: stopped).
tasks_in() { ps -eo stat,pid,comm | awk -v s="$1" 'substr($1, 1, 1) == s'; }
# No live cifs key, no helper, agent or fakehelper process (lib.sh's
# ktest_leftovers, which gives the helper's agent a few seconds), and no
# task stopped or in D state (kworkers may pass through D: wait a little).
nothing_left() {
	local i d t f h rc=0
	h=$(ktest_leftovers) || rc=1
	for i in $(seq 25); do
		d=$(tasks_in D)
		t=$(tasks_in T)
		f=$(fake_procs)
		[ -z "$d$t$f" ] && break
		sleep 0.2
	done
	[ -z "$d$t$f" ] && [ $rc = 0 ] && return 0
	# one line: check() shows only the last lines of the output
	{
		[ -n "$h" ] && echo "$h |"
		[ -n "$d" ] && echo "in D state: $d |"
		[ -n "$t" ] && echo "stopped: $t |"
		[ -n "$f" ] && echo "fakehelper: $f"
	} | tr -s ' \n' ' '
	echo
	return 1
}

# --- a mount that cannot hang the scenario -----------------------------------

# proc_live PID: PID exists and is not a zombie
proc_live() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -n "$s" ] && [ "${s:0:1}" != Z ]
}
# wait_gone PID SECONDS (by the clock: ps is slow under TCG)
wait_gone() {
	local end=$((SECONDS + $2))
	while [ $SECONDS -lt $end ]; do
		proc_live "$1" || return 0
		sleep 0.2
	done
	! proc_live "$1"
}
# A mount.cifs process in this guest: the mounts here run one at a time,
# and timeout(1) cannot end one stuck in D state (mount(8) goes, it stays).
mounts_running() { pgrep -x mount.cifs >/dev/null; }
mounts_state() {
	ps -eo stat,pid,wchan:32,comm | awk '$4 == "mount.cifs"' |
		tr -s ' ' | tr '\n' ';'
}
# settle NAME: before a case, no mount of an earlier one may be left;
# one that stays stuck after its stopped helpers are killed would hang
# every later mount of the server, so the scenario stops there
settle() {
	local end=$((SECONDS + 60))
	mounts_running || return 0
	reap 0
	while mounts_running && [ $SECONDS -lt $end ]; do sleep 0.2; done
	mounts_running || return 0
	fail "$1-not-started" "an earlier mount is stuck: $(mounts_state)"
	exit 1
}

# bmount BUDGET OPTIONS [keep]: mount in the background; if it has not
# returned after BUDGET seconds, note the state of mount.cifs in $hung and
# free it by killing what the fakehelper stopped.  Sets $rc, $out and
# $secs (the wall time until it returned by itself, or the budget).
# Unmounts at once unless told to keep the mount.
bmount() {
	local budget=$1 o=$2 keep=${3:-} pid t0 fm end
	settle mount
	fm=$(flog_mark)
	hung=
	t0=$SECONDS
	timeout -k 5 90 mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "$o,$opts" >"$KTEST_WORK/mount.out" 2>&1 &
	pid=$!
	while proc_live "$pid" || mounts_running; do
		if [ $((SECONDS - t0)) -ge "$budget" ]; then
			hung=$(mounts_state)
			[ -z "$hung" ] && hung="mount(8) itself"
			reap "$fm"
			break
		fi
		sleep 0.2
	done
	secs=$((SECONDS - t0))
	if [ -n "$hung" ]; then
		end=$((SECONDS + 60))
		while { proc_live "$pid" || mounts_running; } &&
			[ $SECONDS -lt $end ]; do
			sleep 0.2
		done
	fi
	wait "$pid"
	rc=$?
	out=$(tr '\n' ' ' <"$KTEST_WORK/mount.out")
	[ -z "$keep" ] && mountpoint -q "$mnt" && umount "$mnt"
	return 0
}

# report NAME DMESG_MARK: what happened, for the log
report() {
	info "$1: rc=$rc ${secs}s${hung:+ HUNG [$hung]}: $out"
	info "$1: kernel: $(dmesg | tail -n "+$(($2 + 1))" | grep CIFS |
		head -n 4 | tr '\n' ' ')"
}

# expect_errno NAME ERRNO: the last bmount failed with mount error(ERRNO)
expect_errno() {
	if [ -n "$hung" ]; then
		fail "$1-errno" "still in mount(2) after ${secs}s ($hung); freed by killing the stopped helper, then: $out"
	elif [ "$rc" = 0 ]; then
		fail "$1-errno" "mounted (wanted error($2))"
	elif echo "$out" | grep -q "mount error($2)"; then
		pass "$1-errno"
	else
		fail "$1-errno" "wanted error($2), got: $out"
	fi
}

# expect_dmesg NAME MARK TEXT...: one kernel log line since MARK holds
# every TEXT
expect_dmesg() {
	local name=$1 m=$2 lines t
	shift 2
	lines=$(dmesg | tail -n "+$((m + 1))")
	for t in "$@"; do
		lines=$(echo "$lines" | grep -F -- "$t")
	done
	if [ -n "$lines" ]; then
		pass "$name-dmesg"
	else
		fail "$name-dmesg" "no kernel line with '$*'; it said: $(dmesg |
			tail -n "+$((m + 1))" | grep CIFS | head -n 3 | tr '\n' ' ')"
	fi
}

# helper_case NAME ERRNO BUDGET TEXT...: the fakehelper line is set;
# a password mount fails with ERRNO within BUDGET s and the kernel says
# TEXT; nothing is left
helper_case() {
	local name=$1 errno=$2 budget=$3 m fm p
	shift 3
	rm -f /tmp/krb5cc_0
	m=$(dmesg_mark)
	fm=$(flog_mark)
	bmount "$budget" "$pw"
	report "$name" "$m"
	info "$name: helper: $(flog_since "$fm" | grep -v ': leg [0-9]*: ver=' |
		sed 's/^fakehelper//' | tr '\n' ' ')"
	expect_errno "$name" "$errno"
	expect_dmesg "$name" "$m" "$@"
	# the sleepers stand in for agents the kernel never took (or took
	# and then refused): not the kernel's to end
	for p in $(fake_pids "$fm" sleeper); do
		info "$name: sleeper $p $(is_fake "$p" && echo alive || echo gone)"
		is_fake "$p" && kill -9 "$p" 2>/dev/null
	done
	if [ -n "$hung" ]; then
		fail "$name-nothing-left" "the scenario had to free the mount: [$hung]"
	else
		check "$name-nothing-left" nothing_left
	fi
	reap "$fm"
}

# --- 1. a one-leg answer to sec=iakerb ---------------------------------------
fake_line legacy
helper_case legacy-for-iakerb 71 100 "a one-leg answer cannot complete IAKerb"

# --- 2. an agent that is not the helper's child ------------------------------
sleep 300 &
innocent=$!
fake_line agent-not-child "$innocent"
helper_case agent-not-child 71 100 "not its child"
# the kernel must not signal a process it cannot prove is the agent
if proc_live "$innocent"; then
	pass agent-not-child-not-signalled
else
	fail agent-not-child-not-signalled "pid $innocent, named by the helper, was killed"
fi
kill "$innocent" 2>/dev/null
{ wait "$innocent"; } 2>/dev/null

# --- 3. another agent on leg 2 -----------------------------------------------
fake_line agent-changes 60
helper_case agent-changes 71 100 "named agent" "not"

# --- 4. a helper that stops on leg 2 -----------------------------------------
# The leg's budget is tmo=30 s: the mount fails by 45 s of wall time (90 s
# on the debug kernel, see ktest_slack).
# Cases 4 and 5 need a helper on leg 2: the real one runs with
# --no-channel (with the channel no process runs there; scenario 39 stops
# and kills the agent instead).
fake_line stop-at-leg 2 -- "$helper" --no-channel
bound=$(ktest_slack 45)
helper_case stop-at-leg-2 110 "$bound" "did not answer within"
if [ -z "$hung" ] && [ "$secs" -le "$bound" ]; then
	pass stop-at-leg-2-within-leg-budget
else
	fail stop-at-leg-2-within-leg-budget "${secs}s (bound ${bound}s)${hung:+, and still waiting}"
fi

# kill -9 of the mount process, waiting for the stopped helper of leg 2
settle stop-kill-9
rm -f /tmp/krb5cc_0
fm=$(flog_mark)
"$mount_cifs" "//$SRV_NAME/share" "$mnt" -o "$pw,$opts" \
	>"$KTEST_WORK/mount.out" 2>&1 &
mpid=$!
end=$((SECONDS + 60))
while [ $SECONDS -lt $end ]; do
	fake_pids "$fm" stopping | grep -q . && break
	sleep 0.2
done
sleep 3
info "stop-kill-9: mount.cifs $mpid: $(ps -o stat=,wchan:32= -p "$mpid")"
kill -9 "$mpid" $(pgrep -P "$mpid") 2>/dev/null
if wait_gone "$mpid" 5; then
	pass stop-kill-9-mount-gone
	freed=
else
	freed=$(ps -o stat=,wchan:32= -p "$mpid")
	fail stop-kill-9-mount-gone "mount.cifs still there 5 s after kill -9: $freed"
	# free it: the stopped helper goes, request_key returns
	reap "$fm"
	wait_gone "$mpid" 60
fi
{ wait "$mpid"; } 2>/dev/null
mountpoint -q "$mnt" && umount "$mnt"
if [ -n "$freed" ]; then
	fail stop-kill-9-nothing-left "the scenario had to free the mount: [$freed]"
else
	check stop-kill-9-nothing-left nothing_left
fi
reap "$fm"

# --- 5. a helper that ends without answering on leg 2 ------------------------
# ENOKEY as upstream (stock cifs.upcall exits without answering whenever
# it fails), but with the kernel's own line, not the one a helper's
# ENOKEY (no credentials) gets
# no_creds_line NAME: no "no Kerberos credentials" line since $m
no_creds_line() {
	local l
	l=$(dmesg | tail -n "+$((m + 1))" | grep -F "no Kerberos credentials")
	if [ -z "$l" ]; then
		pass "$1-not-no-credentials"
	else
		fail "$1-not-no-credentials" "$l"
	fi
}
fake_line exit-at-leg 2 -- "$helper" --no-channel
m=$(dmesg_mark)
helper_case exit-at-leg-2 126 100 "ended without answering (exit status 0)"
no_creds_line exit-at-leg-2
fake_line segv-at-leg 2 -- "$helper" --no-channel
m=$(dmesg_mark)
helper_case segv-at-leg-2 126 100 "ended without answering (killed by signal 11)"
no_creds_line segv-at-leg-2

# --- 6. KDC replies of 20 and 60 KB, and one beyond a security buffer -------
real_line
# pad_mount NAME BYTES SMBSRV-OPTIONS...: a password mount through KDC
# replies of BYTES each, the file round trip, nothing left
pad_mount() {
	local name=$1 bytes=$2 s0 m n
	shift 2
	iakerb_restart --fault "kdc-pad=$bytes" "$@"
	rm -f /tmp/krb5cc_0
	s0=$(srvlog_mark)
	m=$(dmesg_mark)
	bmount 100 "$pw" keep
	report "$name" "$m"
	n=$(srvlog_since "$s0" | grep -cE "KDCPAD reply=.* out=$bytes\$")
	# the knob works: the first reply (KRB-ERROR PREAUTH_REQUIRED) grew
	check "$name-padded" test "$n" -ge 1
	if mountpoint -q "$mnt"; then
		pass "$name-mount"
		# through all three: PREAUTH_REQUIRED, AS-REP, TGS-REP
		check "$name-three-padded-replies" test "$n" -ge 3
		ktest_file_roundtrip "$name" "$mnt"
		check "$name-umount" umount "$mnt"
	else
		fail "$name-mount" "rc=$rc${hung:+ hung}: $out"
	fi
	check "$name-nothing-left" nothing_left
}
pad_mount kdc-pad-20000-mit 20000
pad_mount kdc-pad-60000-mit 60000
pad_mount kdc-pad-20000-windows 20000 --mode windows --mechs windows
pad_mount kdc-pad-60000-windows 60000 --mode windows --mechs windows

iakerb_restart --fault kdc-pad=70000
rm -f /tmp/krb5cc_0
m=$(dmesg_mark)
bmount 100 "$pw"
report kdc-pad-70000 "$m"
if [ -n "$hung" ]; then
	fail kdc-pad-70000-fails "hung: $hung"
elif [ "$rc" = 0 ]; then
	fail kdc-pad-70000-fails "mounted"
elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail kdc-pad-70000-fails "the mount took more than 90 s"
else
	pass kdc-pad-70000-fails
fi
expect_dmesg kdc-pad-70000 "$m" "SESSION_SETUP response too long"
check kdc-pad-70000-nothing-left nothing_left

# --- 7. a bad signature on the final response --------------------------------
iakerb_restart --fault bad-final-sig=1
rm -f /tmp/krb5cc_0
m=$(dmesg_mark)
bmount 100 "$pw"
report bad-final-sig "$m"
expect_errno bad-final-sig 13
expect_dmesg bad-final-sig "$m" "has a bad signature"
check bad-final-sig-nothing-left nothing_left
# the same server process signs the next session well: the failed session
# left nothing that this mount could trip over
settle bad-final-sig-next-mount
check bad-final-sig-next-mount timeout -k 5 90 mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "$pw,$opts"
if mountpoint -q "$mnt"; then
	check bad-final-sig-next-io sh -c "echo ok >'$mnt/after-bad-sig' &&
		grep -q ok '$mnt/after-bad-sig' && rm '$mnt/after-bad-sig'"
	umount "$mnt"
fi

# --- 8a/8. SMB 2.1 and 3.0: IAKerb refused before leg 1 -----------------------
# refused_below_311 NAME SMBSRV-OPTION VERS DMESG: a password mount with
# vers=VERS against smbsrv offering no newer dialect fails with
# EOPNOTSUPP and DMESG, and the password never crossed the server.
# (smbsrv --smb21 logs, then refuses, a SESSION_SETUP that comes anyway.)
refused_below_311() {
	local name=$1 srvopt=$2 vers=$3 msg=$4
	iakerb_restart "$srvopt"
	rm -f /tmp/krb5cc_0
	m=$(dmesg_mark)
	s0=$(srvlog_mark)
	k0=$(kdclog_mark)
	opts="vers=$vers,ip=$SRV_ADDR" bmount 100 "$pw"
	report "$name" "$m"
	expect_errno "$name" 95
	expect_dmesg "$name" "$m" "$msg"
	check "$name-no-leg-sent" sh -c "! tail -n +$((s0 + 1)) '$LOG_DIR/smbsrv.log' |
		grep 'SESSLEG '"
	check "$name-no-as-req" sh -c "! tail -n +$((k0 + 1)) '$KDC_LOG' | grep -q AS_REQ"
	check "$name-nothing-left" nothing_left
}
refused_below_311 smb21-iakerb --smb21 2.1 "IAKerb needs SMB 3.1.1 (2.1 negotiated"
refused_below_311 smb30-iakerb --smb30 3.0 "IAKerb needs SMB 3.1.1"
# sec=krb5 with a ticket (obtained on the server side: the client has no
# line of sight to the KDC) over 3.0
"$topo/srvexec.sh" "$w" sh -c "echo alicepw | KRB5CCNAME=FILE:$SRV_DIR/cc \
	kinit alice >/dev/null && KRB5CCNAME=FILE:$SRV_DIR/cc kvno -q \
	cifs/$SRV_NAME && cat $SRV_DIR/cc" >/tmp/krb5cc_0
chmod 600 /tmp/krb5cc_0
cp "$CLI_KRB5_CONFIG" /etc/krb5.conf
settle smb30-krb5-mount
check smb30-krb5-mount timeout -k 5 90 mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,ip=$SRV_ADDR,vers=3.0"
if mountpoint -q "$mnt"; then
	check smb30-krb5-dialect grep -q 'Dialect 0x300' /proc/fs/cifs/DebugData
	ktest_file_roundtrip smb30-krb5 "$mnt"
	check smb30-krb5-umount umount "$mnt"
fi
check smb30-krb5-nothing-left nothing_left

# --- 9. stock cifs.upcall: a sec=krb5 reconnect keeps upcall_target=app ----
# the ticket of case 8 is still in /tmp/krb5cc_0, krb5.conf names the realm
iakerb_restart
fake_line log -- /usr/sbin/cifs.upcall
fm=$(flog_mark)
settle stock-app-mount
check stock-app-mount timeout -k 5 90 mount -t cifs "//$SRV_NAME/share" \
	"$mnt" -o "sec=krb5,username=alice,upcall_target=app,cache=none,$opts"
if mountpoint -q "$mnt"; then
	check stock-app-mount-upcall sh -c "tail -n +$((fm + 1)) '$flog' |
		grep -q 'leg 1: .*upcall_target=app'"
	src=$KTEST_WORK/stock-app.src
	ktest_random_file "$src" 262144
	check stock-app-write cp "$src" "$mnt/stock-app.bin"
	fm=$(flog_mark)
	s0=$(srvlog_mark)
	iakerb_restart
	# I/O (cache=none: every read and write goes to the server) until
	# the session is back
	for _ in $(seq 30); do
		timeout -k 5 60 cp "$src" "$mnt/stock-app-after.bin" 2>/dev/null &&
			break
		sleep 1
	done
	check stock-app-reconnected-write timeout -k 5 60 cmp "$src" \
		"$mnt/stock-app-after.bin"
	check stock-app-reconnected-read timeout -k 5 60 cmp "$src" \
		"$mnt/stock-app.bin"
	info "stock-app: reconnect upcalls: $(flog_since "$fm" |
		sed -n 's/.*: leg [0-9]*: \(ver=.*\)/\1/p' | tr '\n' ' ')"
	descs=$(flog_since "$fm" | grep ': leg [0-9]*: ver=')
	check stock-app-reconnect-upcalled test -n "$descs"
	# every upcall of the reconnect (there must be one) as the mount said
	if [ -n "$descs" ] && ! echo "$descs" | grep -v 'upcall_target=app'; then
		pass stock-app-reconnect-target-app
	else
		fail stock-app-reconnect-target-app "${descs:-no upcall}"
	fi
	check stock-app-reauthenticated sh -c "tail -n +$((s0 + 1)) '$LOG_DIR/smbsrv.log' |
		grep -q 'SESSION .*user=alice@'"
	check stock-app-umount umount "$mnt"
fi
cp "$CLI_KRB5_CONFIG_NOREALM" /etc/krb5.conf
rm -f /tmp/krb5cc_0
check stock-app-nothing-left nothing_left

# --- 10. the password key: only the helper holding the request reads it ---
# Leg 1's helper is stopped before it even looks at its key: the password
# key exists, and every other root process (this shell) tries every key
# it can find, in /proc/keys and in the .cifs_spnego keyring, for the
# password.  Then the helper goes on and must still read it.
fake_line stop-at-leg 1 -- "$helper" -d
settle secret-key
rm -f /tmp/krb5cc_0
fm=$(flog_mark)
timeout -k 5 90 mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$pw,$opts" \
	>"$KTEST_WORK/mount.out" 2>&1 &
mpid=$!
stopped=
for _ in $(seq 100); do
	stopped=$(fake_pids "$fm" stopping)
	[ -n "$stopped" ] && break
	sleep 0.2
done
check secret-key-helper-stopped test -n "$stopped"
spnego_ring=$(awk '$8 == "keyring" && $9 ~ /^\.cifs_spnego:/ { print $1 }' /proc/keys)
# the key is there: a member of .cifs_spnego that root may not even
# describe (first: the leg's time runs while this shell looks)
hidden_member() {
	local k
	for k in $(keyctl rlist "$((16#$spnego_ring))" 2>/dev/null); do
		keyctl rdescribe "$k" >/dev/null 2>&1 || return 0
	done
	return 1
}
check secret-key-exists-hidden hidden_member
# every cifs key this shell can name: in /proc/keys, and the members of
# the keyring the kernel links the password key into
candidates() {
	awk '$8 ~ /^cifs\./ { print $1 }' /proc/keys
	[ -n "$spnego_ring" ] &&
		keyctl rlist "$((16#$spnego_ring))" 2>/dev/null | tr ' ' '\n' |
		while read -r k; do [ -n "$k" ] && printf '%08x\n' "$k"; done
}
password_readable() {
	local k
	for k in $(candidates | sort -u); do
		# reading a key under construction waits for it: not the leg's
		if timeout 2 keyctl pipe "$((16#$k))" 2>/dev/null |
				grep -aq alicepw; then
			echo "key $k: $(grep "^$k " /proc/keys)"
			return 0
		fi
	done
	return 1
}
expect_fail secret-key-not-readable-by-root password_readable
for p in $stopped; do is_fake "$p" && kill -CONT "$p"; done
info "secret-key: let $stopped go"

wait "$mpid"
info "secret-key: $(tr '\n' ' ' <"$KTEST_WORK/mount.out")"
if mountpoint -q "$mnt"; then
	pass secret-key-helper-read-it
	umount "$mnt"
else
	fail secret-key-helper-read-it "the mount failed once the helper went on: $(cat "$KTEST_WORK/mount.out")"
fi
rm -f /tmp/krb5cc_0
check secret-key-nothing-left nothing_left

# --- 11. no password key where IAKerb cannot use it ---------------------------
# A server that offers krb5 and no IAKerb: a sec=krb5 mount with a
# password sends no CRED_KEY (mount -i: mount.cifs 7.9 drops password=
# with sec=krb5).  The same mount against an IAKerb server does.
cred_records() {
	flog_since "$1" | grep -o 'leg 1: callout of .*' | head -n 1
}
fake_line log -- "$helper" -d
iakerb_restart --mechs krb5,ntlmssp
settle nocred
fm=$(flog_mark)
timeout -k 5 90 mount -i -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,password=alicepw,$opts" >/dev/null 2>&1
mountpoint -q "$mnt" && umount "$mnt"
info "nocred: $(cred_records "$fm")"
check nocred-leg1-logged sh -c "[ -n \"\$(tail -n +$((fm + 1)) '$flog' | grep 'leg 1: callout of')\" ]"
expect_fail nocred-no-cred-key sh -c "tail -n +$((fm + 1)) '$flog' |
	grep 'leg 1: callout of' | grep -q CRED_KEY"
iakerb_restart
fm=$(flog_mark)
timeout -k 5 90 mount -i -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,password=alicepw,$opts" >/dev/null 2>&1
mountpoint -q "$mnt" && umount "$mnt"
info "cred: $(cred_records "$fm")"
check cred-key-with-iakerb sh -c "tail -n +$((fm + 1)) '$flog' |
	grep 'leg 1: callout of' | grep -q CRED_KEY"
rm -f /tmp/krb5cc_0
check nocred-nothing-left nothing_left

# --- 12. SMB1: a helper's lengths are checked there too ----------------------
# sess_auth_kerberos copied the session key and blob by the lengths the
# helper wrote, reading past a short payload and sending what follows it
# in the slab to the server.  Samba allows NT1 for this case only.
realm=KTEST.LAN
ktest_ensure_kdc "$realm" >/dev/null
ktest_kdc_addprinc cifs/srv.test
mkdir -p "$KTEST_WORK/samba"
rm -f "$KTEST_WORK/samba/smb.keytab"
ktest_kdc_ktadd "$KTEST_WORK/samba/smb.keytab" cifs/srv.test
KTEST_SAMBA_MIN_PROTOCOL=NT1 check smb1-samba ktest_ensure_samba "$realm"
fake_line legacy-short
m=$(dmesg_mark)
out=$(timeout -k 5 90 mount -t cifs //srv.test/share "$mnt" \
	-o "sec=krb5,username=alice,vers=1.0" 2>&1)
info "smb1-short: $out / $(dmesg | tail -n "+$((m + 1))" | grep CIFS | head -n 3 | tr '\n' ' ')"
if mountpoint -q "$mnt"; then
	umount "$mnt"
	fail smb1-short-refused "mounted"
elif echo "$out" | grep -q 'mount error(129)'; then
	pass smb1-short-refused
else
	fail smb1-short-refused "wanted error(129), got: $out"
fi
expect_dmesg smb1-short "$m" "cifs.upcall answer shorter than its lengths say"
check smb1-samba-back ktest_ensure_samba "$realm"
cp "$CLI_KRB5_CONFIG_NOREALM" /etc/krb5.conf
check smb1-nothing-left nothing_left

# --- 13. a NEGOTIATE without a security buffer drops the kept one ------------
# The kernel keeps the server's NEGOTIATE security buffer for the helper
# (NEG_BLOB, leg 1).  When the server that answers a reconnect's
# NEGOTIATE sends none (it may), the reconnect's leg 1 must not carry the
# old server's list.
# leg1_records MARK: the records of the first leg 1 callout since MARK
leg1_records() {
	flog_since "$1" | grep -o 'leg 1: callout of .*' | head -n 1
}
iakerb_restart
fake_line log -- "$helper" -d
settle negblob-mount
fm=$(flog_mark)
check negblob-mount timeout -k 5 90 mount -t cifs "//$SRV_NAME/share" \
	"$mnt" -o "$pw,cache=none,$opts"
if mountpoint -q "$mnt"; then
	info "negblob: first mount: $(leg1_records "$fm")"
	check negblob-first-leg1-has-it sh -c "tail -n +$((fm + 1)) '$flog' |
		grep 'leg 1: callout of' | head -n 1 | grep -q NEG_BLOB"
	src=$KTEST_WORK/negblob.src
	ktest_random_file "$src" 65536
	fm=$(flog_mark)
	iakerb_restart --fault no-neg-blob
	for _ in $(seq 30); do
		timeout -k 5 60 cp "$src" "$mnt/negblob.bin" 2>/dev/null &&
			break
		sleep 1
	done
	check negblob-reconnected timeout -k 5 60 cmp "$src" "$mnt/negblob.bin"
	info "negblob: reconnect: $(leg1_records "$fm")"
	check negblob-reconnect-upcalled sh -c "tail -n +$((fm + 1)) '$flog' |
		grep -q 'leg 1: callout of .* ok'"
	expect_fail negblob-reconnect-leg1-without-it sh -c "tail -n +$((fm + 1)) '$flog' |
		grep 'leg 1: callout of' | head -n 1 | grep -q NEG_BLOB"
	check negblob-umount umount "$mnt"
fi
iakerb_restart
rm -f /tmp/krb5cc_0
check negblob-nothing-left nothing_left

real_line
cp "$flog" "$KTEST_OUT/$KTEST_NAME.fakehelper.log" 2>/dev/null
cp "$LOG_DIR/smbsrv.log" "$KTEST_OUT/$KTEST_NAME.smbsrv.log" 2>/dev/null
[ -z "${KTEST_FAILED:-}" ]
