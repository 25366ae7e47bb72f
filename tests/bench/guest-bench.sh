#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 14400
#
# make bench, inside the VM: run by tests/ktest/guest.sh as a scenario of
# the one boot tests/bench/run.sh makes.  It measures and writes raw data
# to $KTEST_OUT/bench/; tests/bench/report.py turns them into the table
# and the JSON file.  It fails only when it could not set up or measure.
#
#   paths    BENCH_REPS repetitions of mount(2)+stat(2)+umount(2)
#            (tools/bench_mount) for each of the six paths below, the
#            order rotated at each repetition so that every path runs
#            early and late; for the IAKerb paths the smb3_krb5_leg
#            trace and smbsrv's SESSLEG lines of every mount
#   conc     N simultaneous IAKerb password mounts (N in BENCH_CONC),
#            distinct users and the same user: helpers and agents alive
#            and hung tasks (process events traced), their memory (/proc
#            sampled)
#   storm    BENCH_STORM mounts, each its own connection (nosharesock) and
#            session with a stored ticket, smbsrv restarted, the time until
#            each answers statfs(2)
#
# Env (tests/bench/run.sh passes them): BENCH_REPS (20), BENCH_CONC
# ("1,10,50,100"), BENCH_STORM (100).
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

reps=${BENCH_REPS:-20}
conc=${BENCH_CONC:-1,10,50,100}
conc=${conc//,/ }
storm=${BENCH_STORM:-100}
bm=$KTEST_SRC/tests/ktest/build/bench_mount
sampler=$KTEST_SRC/tests/bench/proc_sample.py
d=$KTEST_OUT/bench
cc=$KTEST_WORK/bench-cc
mkdir -p "$d" "$cc"
[ -x "$bm" ] || { fail build "no $bm (make -C tests/ktest all)"; exit 1; }

{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "kernel=$(uname -r)"
	echo "cpus=$(nproc)"
	echo "cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "reps=$reps"
	echo "conc=$conc"
	echo "storm=$storm"
	echo "hung_task_timeout_secs=$(cat /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null)"
} >"$d/env.txt"
# Process events in a trace instance of our own (trace_mark clears it,
# trace_save BASE keeps it in BASE.procs): report.py counts from them
# the helpers and agents alive at once (exec of the helper, its fork of
# the agent, their exits: exact, where sampling /proc misses short-lived
# helpers on a loaded guest), and the hung tasks: the kernel log wraps
# under a hundred reports with their stacks, and guest.sh lets only the
# first 100 be printed.  khungtaskd repeats a report at every check while
# the task stays blocked: hung_since gives the reports and the tasks.
hi=/sys/kernel/tracing/instances/bench
mkdir -p "$hi" 2>/dev/null
echo 16384 >"$hi/buffer_size_kb" 2>/dev/null
for e in sched_process_hang sched_process_exec sched_process_fork \
	sched_process_exit; do
	echo 1 >"$hi/events/sched/$e/enable" 2>/dev/null ||
		fail trace-instance "no $e event"
done
trace_mark() { echo >"$hi/trace"; }
trace_save() {
	grep -E 'sched_process_(hang|exec|fork|exit):' "$hi/trace" >"$1.procs"
}
hung_since() {
	local l
	l=$(grep -o 'sched_process_hang: .*' "$1.procs")
	echo "hung_reports=$(echo -n "$l" | grep -c .)"
	echo "hung_tasks=$(echo -n "$l" | sort -u | grep -c .)"
}

# Both helpers run from a tmpfs of the guest, as from an installed
# system's local disk: the shared root the guest boots from is a 9p export
# whose reads idle the vCPUs, and the build tree (/src) is slower still.
# Measured: the same helper's leg 1 took 168 ms from /src and 127 ms from
# the guest's RAM, stock cifs.upcall 127 ms from /usr/sbin and 111 ms from
# RAM.  Run both from the same place, so the ratio compares helpers, not
# mounts.
bin=/run/bench-bin
mkdir -p "$bin"
mount -t tmpfs -o mode=0755,size=64m bench-bin "$bin" ||
	{ fail helpers-in-ram "tmpfs on $bin"; exit 1; }
check helpers-in-ram sh -c "cp /usr/sbin/cifs.upcall '$helper' '$bin/'"
stock_helper=$bin/cifs.upcall
helper=$bin/$(basename "$helper")

# --- set-up: smbsrv with its KDC (topology), Samba for NTLMSSP ----------
# the helpers' and agents' syslog lines, kept with the raw data: a failed
# mount's reason is there (ktest_catch_syslog)
check helper-syslog ktest_catch_syslog
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
check samba-start ktest_ensure_samba
ktest_samba_adduser bob 'Ntlm-pass-1'
unc="//$SRV_NAME/share"

# ccaches: a TGT only (kinit on the server side, copied in, like scenario
# 20), a TGT and service ticket the same way for the stock baseline, and
# what a password mount stores (store_tickets = owner) for IAKerb
"$topo/srvexec.sh" "$w" sh -c "echo alicepw | KRB5CCNAME=FILE:$SRV_DIR/cc.b \
	kinit alice >/dev/null && cat $SRV_DIR/cc.b" >"$cc/tgt"
"$topo/srvexec.sh" "$w" sh -c "KRB5CCNAME=FILE:$SRV_DIR/cc.b kvno -q \
	cifs/$SRV_NAME && cat $SRV_DIR/cc.b" >"$cc/svc"
check cc-tgt-only sh -c "klist -c FILE:$cc/tgt | grep -q krbtgt/ &&
	! klist -c FILE:$cc/tgt | grep -q cifs/"
check cc-service-ticket sh -c "klist -c FILE:$cc/svc | grep -q cifs/"
cp "$CLI_KRB5_CONFIG" "$cc/krb5-krb5.conf"

rm -f /tmp/krb5cc_0
iakerb_store_tickets owner
check cc-stored "$bm" "$unc" "$mnt" \
	"sec=iakerb,username=alice,password=alicepw,$opts"
# the agent stores what it obtained as it ends, maybe after the mount
for _ in $(seq 50); do
	klist -c FILE:/tmp/krb5cc_0 2>/dev/null | grep -q cifs/ && break
	sleep 0.1
done
cp /tmp/krb5cc_0 "$cc/stored" 2>/dev/null
check cc-stored-has-ticket sh -c "klist -c FILE:$cc/stored | grep -q cifs/"
iakerb_store_tickets no
cp /etc/krb5.conf "$cc/krb5-iakerb.conf"

# prepare PATH: the ccache, krb5.conf and request-key line of PATH, and
# its mount arguments in $src $opt
prepare() {
	case $1 in
	stock|ours)
		cp "$cc/svc" /tmp/krb5cc_0
		cp "$cc/krb5-krb5.conf" /etc/krb5.conf
		if [ "$1" = stock ]; then
			ktest_use_upcall "$stock_helper"
		else
			ktest_use_upcall "$helper"
		fi
		src=$unc opt="sec=krb5,username=alice,$opts" ;;
	iakerb-ticket|iakerb-tgt|iakerb-password)
		cp "$cc/krb5-iakerb.conf" /etc/krb5.conf
		ktest_use_upcall "$helper"
		rm -f /tmp/krb5cc_0
		src=$unc opt="sec=iakerb,username=alice,$opts"
		case $1 in
		iakerb-ticket) cp "$cc/stored" /tmp/krb5cc_0 ;;
		iakerb-tgt) cp "$cc/tgt" /tmp/krb5cc_0 ;;
		*) opt="$opt,password=alicepw" ;;
		esac ;;
	ntlmssp)
		rm -f /tmp/krb5cc_0
		src=//127.0.0.1/share
		opt="sec=ntlmssp,username=bob,password=Ntlm-pass-1,vers=3.1.1,ip=127.0.0.1" ;;
	esac
	[ -f /tmp/krb5cc_0 ] && chmod 600 /tmp/krb5cc_0
	return 0
}

# --- paths ----------------------------------------------------------------
paths=(stock ours iakerb-ticket iakerb-tgt iakerb-password ntlmssp)
np=${#paths[@]}
mkdir -p "$d/legs"
: >"$d/reps.tsv"
errors=0
for r in $(seq "$reps"); do
	for i in $(seq 0 $((np - 1))); do
		p=${paths[$(((r + i) % np))]}
		prepare "$p"
		sync
		echo >"$trace"
		l0=$(wc -l <"$LOG_DIR/smbsrv.log")
		res=$("$bm" "$src" "$mnt" "$opt" 2>&1)
		echo "$r	$p	$res" >>"$d/reps.tsv"
		case $res in
		ok*) ;;
		*) errors=$((errors + 1))
		   info "rep $r $p: $res"
		   mountpoint -q "$mnt" && umount "$mnt" ;;
		esac
		case $p in
		iakerb-*|ours|stock)
			# every cifs event: smb3_kerberos_auth is traced as
			# request_key() returns, the task's event before it
			# is when the kernel asked
			grep -v '^#' "$trace" >"$d/legs/$p.$r.trace"
			tail -n "+$((l0 + 1))" "$LOG_DIR/smbsrv.log" |
				grep 'SESSLEG conn=' >"$d/legs/$p.$r.smbsrv" ;;
		esac
	done
done
check paths-all-mounted test "$errors" -eq 0
rm -f /tmp/krb5cc_0
ktest_leftovers >"$d/paths.leftovers" 2>&1

# --- concurrency ------------------------------------------------------------
# Users u1..uN (password pw-uN, preauthentication required like alice)
nmax=0
for n in $conc; do [ "$n" -gt "$nmax" ] && nmax=$n; done
for i in $(seq "$nmax"); do
	echo "addprinc -pw pw-u$i +requires_preauth u$i"
done | "$topo/srvexec.sh" "$w" kadmin.local -r "$REALM" >/dev/null 2>&1
check conc-users sh -c "'$topo/srvexec.sh' '$w' kadmin.local -r '$REALM' \
	-q 'getprinc u$nmax' 2>/dev/null | grep -q 'Principal: u$nmax@'"

cp "$cc/krb5-iakerb.conf" /etc/krb5.conf
ktest_use_upcall "$helper"
rm -f /tmp/krb5cc_0

# start_sampler BASE: proc_sample.py (memory) into BASE.sample until
# stop_sampler
# (its stop file on the guest's tmpfs: the output directory is 9p, slow
# to look at on a loaded host)
start_sampler() {
	rm -f "$KTEST_WORK/sampler.stop" "$KTEST_WORK/sampler.stop.ready"
	python3 "$sampler" "$KTEST_WORK/sampler.stop" >"$1.sample" 2>&1 &
	sampler_pid=$!
	for _ in $(seq 100); do
		[ -e "$KTEST_WORK/sampler.stop.ready" ] && return 0
		sleep 0.1
	done
}
stop_sampler() {
	touch "$KTEST_WORK/sampler.stop"
	wait "$sampler_pid"
}

# run_conc MODE N: N bench_mount at once; writes conc.MODE.N.*
run_conc() {
	local mode=$1 n=$2 i user pw t0 t1 m pids=() base=$d/conc.$1.$2
	mkdir -p "$KTEST_WORK/cm"
	for i in $(seq "$n"); do mkdir -p "$KTEST_WORK/cm/$i"; done
	trace_mark
	start_sampler "$base"
	t0=$(date +%s.%N)
	for i in $(seq "$n"); do
		if [ "$mode" = distinct ]; then
			user=u$i pw=pw-u$i
		else
			user=alice pw=alicepw
		fi
		"$bm" "$unc" "$KTEST_WORK/cm/$i" \
			"sec=iakerb,username=$user,password=$pw,$opts" \
			>"$base.$i.out" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=$(date +%s.%N)
	stop_sampler "$base"
	trace_save "$base"
	{
		echo "t0=$t0"
		echo "t1=$t1"
		echo "ok=$(cat "$base".*.out | grep -c '^ok ')"
		echo "failed=$(cat "$base".*.out | grep -vc '^ok ')"
		hung_since "$base"
	} >"$base.result"
	cat "$base".*.out | grep -v '^ok ' | sort | uniq -c |
		sed 's/^/  error: /' >>"$base.result"
	for i in $(seq "$n"); do
		grep -q '^ok ' "$base.$i.out" && continue
		[ "$mode" = distinct ] && user=u$i || user=alice
		info "conc $mode $n: mount $i ($user) failed: $(cat "$base.$i.out")"
		grep -a " $user@" "$KTEST_SYSLOG" | tail -n 20 | sed 's/^/    /'
	done
	rm -f "$base".*.out
	ktest_leftovers >"$base.leftovers" 2>&1
	echo "leftovers=$(grep -c . "$base.leftovers")" >>"$base.result"
	for i in $(seq "$n"); do
		mountpoint -q "$KTEST_WORK/cm/$i" && umount "$KTEST_WORK/cm/$i"
	done
	info "concurrency $mode $n: $(tr '\n' ' ' <"$base.result")"
}

for n in $conc; do
	run_conc distinct "$n"
	run_conc same "$n"
done

# --- re-authentication storm --------------------------------------------------
# K sessions of alice, each on its own connection, from the stored ticket
cp "$cc/stored" /tmp/krb5cc_0
chmod 600 /tmp/krb5cc_0
base=$d/storm
mounted=0
for i in $(seq "$storm"); do
	mkdir -p "$KTEST_WORK/sm/$i"
	mount -i -t cifs "$unc" "$KTEST_WORK/sm/$i" \
		-o "sec=iakerb,username=alice,nosharesock,hard,$opts" \
		>/dev/null 2>&1 && mounted=$((mounted + 1))
done
check storm-mounted test "$mounted" -eq "$storm"
l0=$(wc -l <"$LOG_DIR/smbsrv.log")
trace_mark
start_sampler "$base"
tstop=$(date +%s.%N)
"$topo/smbsrv-stop.sh" "$w"
env SMBSRV="$srv_bin" "$topo/smbsrv-start.sh" "$w" "${srv_mode[@]}"
t0=$(date +%s.%N)
pids=()
for i in $(seq "$storm"); do
	( timeout 600 stat -f "$KTEST_WORK/sm/$i" >/dev/null 2>&1 &&
	  date +%s.%N ||
	  echo fail ) >"$base.$i.out" &
	pids+=($!)
done
wait "${pids[@]}"
t1=$(date +%s.%N)
stop_sampler "$base"
trace_save "$base"
{
	echo "sessions=$mounted"
	echo "tstop=$tstop"
	echo "t0=$t0"
	echo "t1=$t1"
	echo "recovered=$(cat "$base".*.out | grep -vc fail)"
	echo "sessions_after=$(tail -n "+$((l0 + 1))" "$LOG_DIR/smbsrv.log" |
		grep -c '^[0-9.]* SESSION conn=')"
	# smbsrv's own clock: when it listened again (the kernel reconnects
	# from then on, before smbsrv-start.sh has seen the port open) and
	# when it set up the last session
	tail -n "+$((l0 + 1))" "$LOG_DIR/smbsrv.log" | awk '
		/^[0-9.]+ START pid=/ && !s { s = $1 }
		/^[0-9.]+ SESSION conn=/ { l = $1 }
		END { print "server_start=" s; print "last_session=" l }'
	echo "kdc_legs=$(tail -n "+$((l0 + 1))" "$LOG_DIR/smbsrv.log" |
		grep -c 'SESSLEG .* kdc=1 ')"
	echo "failed_legs=$(tail -n "+$((l0 + 1))" "$LOG_DIR/smbsrv.log" |
		grep 'SESSLEG conn=' | grep -vc 'status=0x00000000\|status=0xc0000016')"
	hung_since "$base"
} >"$base.result"
cat "$base".*.out | grep -v fail | sort -n | tail -n 1 >"$base.last"
rm -f "$base".*.out
for i in $(seq "$storm"); do
	mountpoint -q "$KTEST_WORK/sm/$i" && umount "$KTEST_WORK/sm/$i"
done
ktest_leftovers >"$base.leftovers" 2>&1
echo "leftovers=$(grep -c . "$base.leftovers")" >>"$base.result"
info "storm: $(tr '\n' ' ' <"$base.result")"
rm -f /tmp/krb5cc_0

cp "$LOG_DIR/smbsrv.log" "$d/smbsrv.log" 2>/dev/null
cp "$KTEST_SYSLOG" "$d/helper-syslog.log" 2>/dev/null
dmesg >"$d/dmesg.txt"
pass measured
[ -z "${KTEST_FAILED:-}" ]
