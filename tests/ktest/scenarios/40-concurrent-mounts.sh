#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Concurrent mounts (fs-smb-client-iakerb 0019 and 0020): password IAKerb
# mounts by distinct users to one server set up their sessions side by
# side, each a multi-leg exchange, where the stock kernel's global
# cifs_mount_mutex ran them one after the other; they still share one
# connection.  Mounts by one user at once still end with one session:
# the later ones wait and find the first one's.  Who ran when is read
# from the kernel's smb3_krb5_leg events: each names the mounting task.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

users=6
same=4

if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi

for i in $(seq "$users"); do
	echo "addprinc -pw pw-u$i +requires_preauth u$i"
done | "$topo/srvexec.sh" "$w" kadmin.local -r "$REALM" >/dev/null 2>&1
check users-created sh -c "'$topo/srvexec.sh' '$w' kadmin.local -r '$REALM' \
	-q 'getprinc u$users' 2>/dev/null | grep -q 'Principal: u$users@'"

cm=$KTEST_WORK/cm-$KTEST_NAME
cleanup_all() {
	local d
	for d in "$cm"/*; do
		mountpoint -q "$d" && umount "$d"
	done
	iakerb_cleanup
}
trap cleanup_all EXIT

# mount_many USER-FORMAT PASSWORD-FORMAT N: N mounts at once, the i-th
# by USER-FORMAT with i; waits for all; prints how many failed
mount_many() {
	local i pids=() bad=0
	for i in $(seq "$3"); do
		mkdir -p "$cm/$i"
		# shellcheck disable=SC2059
		mount -t cifs "//$SRV_NAME/share" "$cm/$i" \
			-o "sec=iakerb,username=$(printf "$1" "$i"),password=$(printf "$2" "$i"),$opts" \
			>"$KTEST_WORK/cm.$i.out" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || bad=$((bad + 1))
	done
	echo "$bad"
}

# The legs' tasks in trace order, one line each: "pid leg dir"
legs_by_task() {
	sed -n 's/^ *[^ ]*-\([0-9][0-9]*\) .* smb3_krb5_leg: .* leg=\([0-9]*\) dir=\([a-z]*\) .*/\1 \2 \3/p' \
		"$trace"
}

# How many runs of one task's legs the trace holds: as many as tasks when
# each exchange ran from start to end alone, more when they interleaved.
task_runs() {
	legs_by_task | awk '$1 != last { runs++; last = $1 } END { print runs + 0 }'
}
tasks_traced() { legs_by_task | awk '{ print $1 }' | sort -u | grep -c .; }
connections() { grep -c 'ConnectionId:' /proc/fs/cifs/DebugData; }
sessions() { grep -c 'SessionId:' /proc/fs/cifs/DebugData; }

# expect NAME ACTUAL OP WANTED WHAT: PASS if [ ACTUAL OP WANTED ], else a
# FAIL that says what was counted
expect() {
	if [ "$2" "$3" "$4" ]; then
		pass "$1"
	else
		fail "$1" "$5: $2, wanted $3 $4"
	fi
}

unmount_all() {
	local d
	for d in "$cm"/*; do
		mountpoint -q "$d" && umount "$d"
	done
	rm -rf "${cm:?}"/*
}

# --- distinct users: side by side, one connection --------------------------
rm -f /tmp/krb5cc_0
echo >"$trace"
failed=$(mount_many 'u%d' 'pw-u%d' "$users")
expect distinct-all-mounted "$failed" -eq 0 "mounts failed"
[ "$failed" -eq 0 ] || cat "$KTEST_WORK"/cm.*.out | sort | uniq -c |
	sed 's/^/  error: /'
ntasks=$(tasks_traced)
runs=$(task_runs)
info "distinct users: $ntasks mounting tasks traced, their legs in $runs runs"
expect distinct-each-traced "$ntasks" -eq "$users" "mounting tasks in the trace"
# one run per task when serialised; interleaved exchanges make more
expect distinct-exchanges-interleaved "$runs" -gt "$ntasks" "runs of one task's legs (one per task: serialised)"
expect distinct-one-connection "$(connections)" -eq 1 "connections"
expect distinct-session-each "$(sessions)" -eq "$users" "sessions"
ktest_file_roundtrip distinct-u1 "$cm/1"
ktest_file_roundtrip "distinct-u$users" "$cm/$users"
unmount_all
check distinct-no-leftovers ktest_leftovers

# --- one user, several mounts at once: one session -------------------------
echo >"$trace"
failed=$(mount_many alice alicepw "$same")
expect same-all-mounted "$failed" -eq 0 "mounts failed"
info "one user: $(sessions) sessions, $(connections) connections, legs of $(tasks_traced) tasks"
# the first mount's exchange; the others waited and found its session
expect same-one-session "$(sessions)" -eq 1 "sessions"
expect same-one-exchange "$(tasks_traced)" -eq 1 "tasks that ran an exchange"
ktest_file_roundtrip same "$cm/$same"
unmount_all
check same-no-leftovers ktest_leftovers

# --- a mount queued behind one by the same user can be given up -----------
# The server holds each KDC-bound leg for 3 s: the first mount's exchange
# lasts several of them.  A second mount by alice waits for it; kill -9
# ends the wait at once, the first mount goes on and mounts.
iakerb_restart --fault kdc-delay=3000
bm=$KTEST_SRC/tests/ktest/build/bench_mount
mkdir -p "$cm/first" "$cm/queued"
"$bm" "//$SRV_NAME/share" "$cm/first" \
	"sec=iakerb,username=alice,password=alicepw,$opts" \
	>"$KTEST_WORK/first.out" 2>&1 &
first=$!
sleep 1
"$bm" "//$SRV_NAME/share" "$cm/queued" \
	"sec=iakerb,username=alice,password=alicepw,$opts" \
	>"$KTEST_WORK/queued.out" 2>&1 &
queued=$!
sleep 1
kill -KILL "$queued"
gone=
for _ in $(seq 30); do
	kill -0 "$queued" 2>/dev/null || { gone=1; break; }
	sleep 0.1
done
first_running=
kill -0 "$first" 2>/dev/null && first_running=1
if [ -n "$gone" ] && [ -n "$first_running" ]; then
	pass queued-mount-killed-while-first-runs
elif [ -z "$gone" ]; then
	fail queued-mount-killed-while-first-runs "the queued mount still ran 3 s after kill -9"
else
	fail queued-mount-killed-while-first-runs "the first mount had ended: nothing was queued ($(cat "$KTEST_WORK/first.out"))"
fi
wait "$queued" 2>/dev/null
wait "$first"
expect queued-first-mounts "$?" -eq 0 "the first mount's exit ($(cat "$KTEST_WORK/first.out"))"
check queued-not-mounted sh -c "! mountpoint -q '$cm/queued'"
unmount_all
check queued-no-leftovers ktest_leftovers
