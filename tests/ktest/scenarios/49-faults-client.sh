#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 420
#
# Faults on the client's side of an IAKerb mount (issue 17, item 3), each
# a named group of checks; the server is smbsrv with its MIT KDC
# (tests/ktest/topology), the client names no KDC.
#
#   leg1-missing, legN-missing   the helper binary is not there on leg 1,
#                                or is removed after it (per-leg upcalls:
#                                --no-channel); with the agent's channel
#                                (the default) no later leg needs it
#   leg1-segv, legN-segv         the helper dies of SIGSEGV on leg 1 (after
#                                forking its agent, when the agent's first
#                                answer arrives) or on a later leg (after
#                                the agent answered it); agent-segv: the
#                                agent itself, which runs the later legs
#                                over the channel
#   agent-kill                   the agent killed (SIGKILL) between legs
#   skew-*                       the server's KDC and smbsrv with their
#                                clock 2 or 10 minutes ahead (libfaketime)
#   ccache-full, ccache-old      store_tickets = owner into a FILE ccache on
#                                a full tmpfs: none yet, or an expired one
#
# Each fault: the mount fails within its time with its errno and kernel
# log line, leaves no live key, helper or agent (ktest_leftovers), and the
# next normal mount works and reads back, byte for byte, a file written
# before the faults (NAME/data-intact).
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

ktest_catch_syslog || info "no syslog catcher: helper lines not shown"
# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
pw="sec=iakerb,username=alice,password=alicepw"
faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
bin=$KTEST_WORK/faults-bin
hbin=$bin/cifs-upcall-iakerb		# a link to the helper, to remove
ccdir=$KTEST_WORK/faults-ccache
mkdir -p "$bin" "$ccdir"
ln -sf "$helper" "$hbin"

faults_cleanup() {
	mountpoint -q "$ccdir" && umount "$ccdir"
	ktest_use_upcall "$helper"
	iakerb_cleanup
}
trap faults_cleanup EXIT

# The kernel's lines (PROTOCOL.md §3 and §11), as extended regexes
leg() { echo "Kerberos upcall leg [0-9]+ failed: $1"; }
AGENT_LOST=$(leg 'the IAKerb agent is gone')
CLOCK_SKEW=$(leg 'clock skew too great \(check time synchronisation\)')
NO_ANSWER='Kerberos upcall: the helper ended without answering'
SEGV="$NO_ANSWER \\(killed by signal 11\\)"
NOT_RUN="$NO_ANSWER \\(exit status 1\\)"

dmesg_has() { dmesg | tail -n "+$(($1 + 1))" | grep -Eq "CIFS: VFS: .*$2"; }
syslog_mark() { wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0; }
helper_says() {
	tail -n "+$(($1 + 1))" "$KTEST_SYSLOG" 2>/dev/null |
		grep -aoE '[A-Z_]{4,} \([^)]+\): .*' | head -n 1
}

# upcall LINE...: the request-key line for cifs.spnego keys
upcall() {
	echo "create cifs.spnego * * $*" >/etc/request-key.d/cifs.spnego.conf
}

# --- the data every recovery reads back ----------------------------------
data=$KTEST_WORK/faults-data.bin
ktest_random_file "$data" 1048576
sum=$(sha256sum <"$data" | cut -d' ' -f1)
rm -f /tmp/krb5cc_0
check data-mount mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$pw,$opts"
check data-write sh -c "mountpoint -q '$mnt' && cp '$data' '$mnt/faults-data.bin'"
mountpoint -q "$mnt" && umount "$mnt"
info "data: 1 MiB, sha256 $sum"

# data_intact NAME: the file on the mounted share is the one written
# first; then unmount
data_intact() {
	local got
	if ! mountpoint -q "$mnt"; then
		fail "$1/data-intact" "not mounted"
		return
	fi
	got=$(sha256sum <"$mnt/faults-data.bin" | cut -d' ' -f1)
	if [ "$got" = "$sum" ]; then pass "$1/data-intact"; else
		fail "$1/data-intact" "sha256 $got, wanted $sum"; fi
	umount "$mnt"
}

# recover NAME: the normal set-up again, and a password mount reads the
# data back
recover() {
	ktest_use_upcall "$helper"
	rm -f /tmp/krb5cc_0
	check "$1/next-mount" mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "$pw,$opts"
	data_intact "$1"
}

# judge NAME RC OUT SECS MAX ERRNO LINE MARK SYSLOG_MARK: a failed mount
# (exit RC, output OUT, SECS long) failed with mount error(ERRNO) within
# MAX seconds, the kernel logged LINE after MARK, nothing is left
judge() {
	local name=$1 rc=$2 out=$3 secs=$4 max=$5 want=$6 line=$7 m=$8 l=$9
	if mountpoint -q "$mnt"; then
		umount "$mnt"
		fail "$name/error" "mounted"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "$name/error" "the mount hung"
	elif echo "$out" | grep -q "mount error($want)"; then
		pass "$name/error"
	else
		fail "$name/error" "wanted error($want), got: $out"
	fi
	if [ "$secs" -le "$max" ]; then pass "$name/within-${max}s"; else
		fail "$name/within-${max}s" "took ${secs}s"; fi
	info "$name: ${secs}s: $(dmesg | tail -n "+$((m + 1))" | grep 'CIFS: VFS:' |
		head -n 3 | tr '\n' ' ')"
	info "$name: helper: $(helper_says "$l")"
	if dmesg_has "$m" "$line"; then pass "$name/logged"; else
		fail "$name/logged" "no '$line' in the kernel log"; fi
	check "$name/no-leftovers" ktest_leftovers
}

# must_fail NAME MAX ERRNO LINE: a password mount fails so
must_fail() {
	local m l t0 out rc
	m=$(dmesg_mark)
	l=$(syslog_mark)
	t0=$SECONDS
	rm -f /tmp/krb5cc_0
	out=$(timeout -k 5 150 mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "$pw,$opts" 2>&1)
	rc=$?
	judge "$1" "$rc" "$out" $((SECONDS - t0)) "$2" "$3" "$4" "$m" "$l"
}


# between_legs NAME MAX ERRNO LINE ACTION: a password mount against a
# server that holds each KDC-bound leg 1.5 s; once leg 1's helper has gone
# and its agent waits alone, ACTION runs with the agent's pid; then the
# mount is judged (ERRNO "ok": it must work)
between_legs() {
	local name=$1 max=$2 want=$3 line=$4 action=$5 m l t0 mpid a rc
	m=$(dmesg_mark)
	l=$(syslog_mark)
	t0=$SECONDS
	rm -f /tmp/krb5cc_0
	timeout -k 5 150 mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "$pw,$opts" >"$KTEST_WORK/$name.out" 2>&1 &
	mpid=$!
	if a=$(lone_agent); then
		$action "$a"
		pass "$name/between-legs"
	else
		fail "$name/between-legs" "no lone agent seen"
	fi
	wait "$mpid"
	rc=$?
	if [ "$want" = ok ]; then
		if [ "$rc" -eq 0 ]; then pass "$name/mount-works"; else
			fail "$name/mount-works" "$(cat "$KTEST_WORK/$name.out")"; fi
		data_intact "$name"
		check "$name/no-leftovers" ktest_leftovers
		return
	fi
	judge "$name" "$rc" "$(cat "$KTEST_WORK/$name.out")" \
		$((SECONDS - t0)) "$max" "$want" "$line" "$m" "$l"
}
remove_helper() { rm -f "$hbin"; }
kill_agent() { kill -KILL "$1"; }
segv_agent() { kill -SEGV "$1"; }

# A request-key handler that crashes the real helper on one leg: the
# description (%d) says the leg; on leg LEG the helper runs under strace,
# which sends it SIGSEGV when it enters its Nth recvmsg() (the agent's
# answers: leg 1's first RESULT; on a later leg, 1 the agent's PROOF and
# 2 its RESULT) and then dies of the same signal itself, as the helper
# would have for request-key.  Every other leg runs the helper as it is.
segv_at=$bin/segv-at-leg
cat >"$segv_at" <<EOF
#!/bin/sh
# segv-at-leg LEG N KEY DESCRIPTION [HELPER OPTIONS]
at=\$1 n=\$2 key=\$3 desc=\$4
shift 4
case ";\$desc;" in
*";leg=\$at;"*)
	exec strace -o /dev/null -e inject=recvmsg:signal=SIGSEGV:when=\$n \\
		"$helper" "\$@" "\$key" ;;
esac
exec "$helper" "\$@" "\$key"
EOF
chmod +x "$segv_at"

# --- 1. the helper binary missing ----------------------------------------
# on leg 1: the request-key line names a program that is not there;
# request-key's exec fails and it exits 1
upcall "$bin/gone/cifs-upcall-iakerb %k"
must_fail leg1-missing 20 126 "$NOT_RUN"
recover leg1-missing

# The channel's later legs go to the agent, which leg 1's helper forked:
# with the helper removed after leg 1, nothing needs it again
iakerb_restart --fault kdc-delay=1500
ln -sf "$helper" "$hbin"
upcall "$hbin %k"
between_legs chan-helper-removed - ok "" remove_helper
# per-leg upcalls (a helper that declines the channel): removed once leg
# 1's helper has gone, the next leg's request-key finds no program
ln -sf "$helper" "$hbin"
upcall "$hbin --no-channel %k"
between_legs legN-missing 30 126 "$NOT_RUN" remove_helper
ln -sf "$helper" "$hbin"
iakerb_restart
recover legN-missing

# --- 1. the helper dies of SIGSEGV ---------------------------------------
iakerb_restart
upcall "$segv_at 1 1 %k %d"
must_fail leg1-segv 20 126 "$SEGV"
recover leg1-segv
# on leg 3 (the AS request with preauthentication), per-leg upcalls
upcall "$segv_at 3 2 %k %d --no-channel"
must_fail legN-segv 20 126 "$SEGV"
recover legN-segv

# --- 1, 2. the agent dies between legs (the channel) ---------------------
ktest_use_upcall "$helper"
iakerb_restart --fault kdc-delay=1500
between_legs agent-segv 20 104 "$AGENT_LOST" segv_agent
iakerb_restart
recover agent-segv
iakerb_restart --fault kdc-delay=1500
between_legs agent-kill 20 104 "$AGENT_LOST" kill_agent
iakerb_restart
recover agent-kill

# --- 3. clock skew between this client and the server's KDC --------------
# The server side (its KDC and smbsrv: one machine's clock) runs OFFSET
# seconds ahead.  MIT's client (1.22, get_in_tkt.c) takes the KDC's time
# from the PREAUTH_REQUIRED error and, with kdc_timesync (on by default),
# makes its encrypted timestamp and every later authenticator with that
# offset: no skew error at any distance.  With kdc_timesync = 0 the KDC
# refuses a timestamp more than clockskew (300 s) off: KRB_AP_ERR_SKEW.
server_clock() {
	local off=$1 pre=() kpid
	[ "$off" != 0 ] && pre=(env "LD_PRELOAD=$faketime_lib" "FAKETIME=+$off"
		FAKETIME_DONT_FAKE_MONOTONIC=1)
	"$topo/smbsrv-stop.sh" "$w"
	kpid=$(cat "$w/pids/kdc")
	kill "$kpid"
	for _ in $(seq 50); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.1; done
	"$topo/srvexec.sh" "$w" rm -f "$SRV_DIR/kdc.sock"
	"$topo/srvexec.sh" "$w" "${pre[@]}" "$topo/listen-exec.py" \
		"$SRV_DIR/kdc.sock" krb5kdc -n -r "$REALM" -P "$SRV_DIR/kdc.pid" \
		</dev/null >>"$LOG_DIR/kdc.out" 2>&1 &
	echo $! >"$w/pids/kdc"
	for _ in $(seq 100); do
		"$topo/srvexec.sh" "$w" test -S "$SRV_DIR/kdc.sock" && break
		sleep 0.05
	done
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${pre[*]}" "$srv_bin" \
		>"$bin/smbsrv"
	chmod +x "$bin/smbsrv"
	env SMBSRV="$bin/smbsrv" "$topo/smbsrv-start.sh" "$w" "${srv_mode[@]}"
}
# kdc_timesync 0|default: the client's krb5.conf says so, or not at all
kdc_timesync() {
	sed -i '/kdc_timesync/d' /etc/krb5.conf
	[ "$1" = 0 ] && sed -i 's/^\[libdefaults\]$/&\n\tkdc_timesync = 0/' /etc/krb5.conf
	return 0
}
# kdc_ahead SECS: the KDC's last log line is stamped at least SECS ahead
# of this clock (MIT writes "Dec 01 12:00:00 host krb5kdc[...]")
kdc_ahead() {
	local t
	t=$(date -d "$(tail -n 1 "$KDC_LOG" | cut -c1-15)" +%s) || return 1
	echo "the KDC's clock: $((t - $(date +%s))) s ahead"
	[ $((t - $(date +%s))) -ge "$1" ]
}
# skew_mount NAME SECS: a password mount works, and reads the data back;
# the KDC that answered was SECS ahead
skew_mount() {
	rm -f /tmp/krb5cc_0
	check "$1/mount-works" mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "$pw,$opts"
	check "$1/kdc-clock-ahead" kdc_ahead "$2"
	data_intact "$1"
	check "$1/no-leftovers" ktest_leftovers
}
ktest_use_upcall "$helper"
# within tolerance, with no correction
server_clock 120
kdc_timesync 0
skew_mount skew-2min-nosync 110
# beyond it: refused with no correction, corrected by default
server_clock 600
must_fail skew-10min-nosync 20 62 "$CLOCK_SKEW"
kdc_timesync default
skew_mount skew-10min 590
server_clock 0

# --- 4. the ccache on a full file system ---------------------------------
# store_tickets = owner into root's FILE ccache on a 64 KiB tmpfs, full.
# Storing comes after the session is set up, so the mount works; MIT
# (cc_file.c, fcc_replace) writes the whole cache to a temporary file and
# renames it over the old one, so a failed write leaves nothing half
# written and an earlier cache as it was.
iakerb_store_tickets owner
sed -i "s|^\[libdefaults\]\$|&\n\tdefault_ccache_name = FILE:$ccdir/krb5cc_0|" \
	/etc/krb5.conf
mount -t tmpfs -o size=64k,mode=0700 faults-ccache "$ccdir"
cc_fill() { dd if=/dev/zero of="$ccdir/fill" bs=4096 count=16 2>/dev/null; true; }
cc_state() {
	echo "$(ls "$ccdir" | tr '\n' ' '); $(klist -c "FILE:$ccdir/krb5cc_0" 2>&1 |
		grep -cE '(krbtgt|cifs)/') tickets"
}
# cc_mount NAME: a password mount works, reads the data back, and the
# helper says it could not store the tickets
cc_mount() {
	local l
	l=$(syslog_mark)
	check "$1/mount-works" mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "$pw,$opts"
	data_intact "$1"
	info "$1: ccache: $(cc_state); helper: $(tail -n "+$((l + 1))" \
		"$KTEST_SYSLOG" 2>/dev/null | grep -aoE 'credentials .*not stored.*|stored the TGT.*' | head -n 1)"
	check "$1/store-failure-logged" sh -c "tail -n +$((l + 1)) \
		'$KTEST_SYSLOG' | grep -aq 'credentials for .* not stored in '"
	check "$1/no-leftovers" ktest_leftovers
}
# no cache yet
cc_fill
cc_mount ccache-full
check ccache-full/nothing-half-written sh -c "! ls '$ccdir' | grep -q krb5cc"
# the next mount, the file system still full
cc_mount ccache-full-again
# room again: the password mount stores, a mount with no password uses
# the ticket
rm -f "$ccdir/fill"
check ccache-full/room-mount-works mount -t cifs "//$SRV_NAME/share" \
	"$mnt" -o "$pw,$opts"
data_intact ccache-full-room
check ccache-full/room-stored sh -c \
	"klist -c FILE:$ccdir/krb5cc_0 | grep -q 'cifs/'"
check ccache-full/stored-ticket-mount mount -t cifs "//$SRV_NAME/share" \
	"$mnt" -o "sec=krb5,username=alice,$opts"
data_intact ccache-full-ticket
# an earlier cache of alice's whose tickets have expired (20 s: less than
# the helper's minute): the password is used, its tickets cannot replace
# the cache, which stays as it was
check ccache-old/expired-cache sh -c "'$topo/srvexec.sh' '$w' sh -c \"echo alicepw |
	KRB5CCNAME=FILE:$SRV_DIR/cc.short kinit -l 20s alice >/dev/null &&
	cat $SRV_DIR/cc.short\" >'$ccdir/krb5cc_0'"
old=$(sha256sum <"$ccdir/krb5cc_0")
cc_fill
cc_mount ccache-old
check ccache-old/old-cache-kept sh -c "[ \"\$(sha256sum <'$ccdir/krb5cc_0')\" = '$old' ]"
rm -f "$ccdir/fill"
umount "$ccdir"
iakerb_store_tickets no
sed -i '/default_ccache_name/d' /etc/krb5.conf

check no-leftovers-at-end ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
