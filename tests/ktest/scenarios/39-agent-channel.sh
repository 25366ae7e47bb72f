#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Later legs over the agent's channel (PROTOCOL.md §8, "The channel";
# keyutils-glue/FAST-LEGS.md): a password IAKerb mount starts the helper
# once, for leg 1, and every later leg goes from the kernel to the agent
# over the socket leg 1's helper handed over.  The same mount with the
# helper's --no-channel starts it once per leg, as before, on the same
# kernel.  An agent killed between legs fails the mount with its own line
# and leaves nothing behind; one stopped makes the leg time out in tmo,
# and the mount waiting on it still dies at once with kill -9; the next
# mount works.  Helper starts are counted from the kernel's
# sched_process_exec event.  The stopped agent, mid-exchange, has its
# secrets' pages locked and no more (VmLck).
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi

ev=/sys/kernel/tracing/events/sched/sched_process_exec
echo "filename ~ \"*cifs-upcall-iakerb\"" >"$ev/filter"
echo 1 >"$ev/enable"
trap 'echo 0 >"$ev/enable"; echo 0 >"$ev/filter"; iakerb_cleanup' EXIT

helper_starts() { grep -c 'sched_process_exec: .*cifs-upcall-iakerb' "$trace"; }
agents() { pgrep -x cifs-upcall-iak | wc -l; }

# mount_counted NAME: a password mount; prints "round_trips helper_starts"
mount_counted() {
	local name=$1
	rm -f /tmp/krb5cc_0
	echo >"$trace"
	check "$name-mount" mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "sec=iakerb,username=alice,password=alicepw,$opts"
	mountpoint -q "$mnt" || return 1
	legs_seen=$(traced_round_trips)
	starts=$(helper_starts)
	info "$name: $legs_seen round trips, helper started $starts times"
	ktest_file_roundtrip "$name" "$mnt"
	check "$name-umount" umount "$mnt"
}

# --- the channel: one helper start for the whole exchange ------------------
if mount_counted chan; then
	# discovery, AS, AS with preauth, TGS, AP: five round trips, six legs
	check chan-five-round-trips test "$legs_seen" -ge 5
	check chan-helper-started-once test "$starts" -eq 1
fi
check chan-agent-gone-after-umount sh -c "sleep 1; [ \$(pgrep -x cifs-upcall-iak | wc -l) -eq 0 ]"
check chan-no-leftovers ktest_leftovers

# --- the same kernel, the helper refusing the channel: a start per leg -----
ktest_use_upcall "$helper --no-channel"
if mount_counted per-leg; then
	check per-leg-five-round-trips test "$legs_seen" -ge 5
	# one start per leg: each round trip's, and the final upcall's
	check per-leg-helper-started-each-leg test "$starts" -eq $((legs_seen + 1))
fi
check per-leg-no-leftovers ktest_leftovers
ktest_use_upcall "$helper"

# --- the agent killed between legs -----------------------------------------
# The server holds each KDC-bound leg for 3 s; meanwhile leg 1's helper has
# exited and the agent, alone, waits for the kernel's next leg: kill it.
iakerb_restart --fault kdc-delay=3000
rm -f /tmp/krb5cc_0
mark=$(dmesg_mark)
mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts" \
	>"$KTEST_WORK/killed.out" 2>&1 &
mpid=$!
killed=
for _ in $(seq 100); do
	a=$(pgrep -x cifs-upcall-iak)
	# exactly one, and it is the agent: its parent (leg 1's helper) is gone
	if [ "$(echo "$a" | grep -c .)" -eq 1 ] &&
			[ "$(ps -o ppid= -p "$a" | tr -d ' ')" = 1 ]; then
		kill -KILL "$a" && killed=$a
		break
	fi
	sleep 0.1
done
wait "$mpid"
rc=$?
if [ -n "$killed" ]; then pass agent-killed-between-legs; else
	fail agent-killed-between-legs "no lone agent seen"; fi
check killed-agent-fails-the-mount test "$rc" -ne 0
check killed-agent-nothing-mounted sh -c "! mountpoint -q '$mnt'"
check killed-agent-kernel-says-so sh -c \
	"dmesg | tail -n +$((mark + 1)) | grep -q 'the IAKerb agent is gone'"
check killed-agent-no-leftovers ktest_leftovers


# --- the agent stopped between legs: the kernel waits tmo (30 s), no more --
rm -f /tmp/krb5cc_0
mark=$(dmesg_mark)
t0=$SECONDS
mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts" \
	>"$KTEST_WORK/stopped.out" 2>&1 &
mpid=$!
stopped=$(lone_agent 100) && kill -STOP "$stopped"
# Mid-exchange, the agent holds the password and the exchange secret: the
# pages of those, and only those, are locked (secret.c; no mlockall(),
# which locked some 12 MB).  VmLck is in kB.
lck=$(sed -n 's/^VmLck:[[:space:]]*\([0-9]*\) kB$/\1/p' \
	"/proc/$stopped/status" 2>/dev/null)
info "stopped agent: VmLck ${lck:-?} kB," \
	"$(grep VmRSS "/proc/$stopped/status" 2>/dev/null | tr -s '\t ' ' ')"
if [ "${lck:-0}" -gt 0 ]; then pass agent-secret-pages-locked; else
	fail agent-secret-pages-locked "VmLck ${lck:-unreadable} kB"; fi
if [ -n "$lck" ] && [ "$lck" -le 64 ]; then pass agent-locks-few-pages; else
	fail agent-locks-few-pages "VmLck ${lck:-unreadable} kB, over 64 kB"; fi
wait "$mpid"
rc=$?
secs=$((SECONDS - t0))
info "stopped agent: mount rc $rc after ${secs}s: $(tr '\n' ' ' <"$KTEST_WORK/stopped.out")"
if [ -n "$stopped" ]; then pass agent-stopped-between-legs; else
	fail agent-stopped-between-legs "no lone agent seen"; fi
check stopped-agent-times-out grep -q 'mount error(110)' "$KTEST_WORK/stopped.out"
check stopped-agent-within-45s test "$secs" -le 45
check stopped-agent-kernel-says-so sh -c \
	"dmesg | tail -n +$((mark + 1)) | grep -q 'the helper or its agent missed the deadline'"
[ -n "$stopped" ] && kill -KILL "$stopped" 2>/dev/null
check stopped-agent-no-leftovers ktest_leftovers

# --- kill -9 of the mount while the kernel waits for a stopped agent -------
rm -f /tmp/krb5cc_0
mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts" \
	>/dev/null 2>&1 &
mpid=$!
stopped=$(lone_agent 100) && kill -STOP "$stopped"
# the server holds the leg 3 s; then the kernel waits on the agent
sleep 5
kill -9 "$mpid" $(pgrep -P "$mpid") 2>/dev/null
gone=
for _ in $(seq 50); do
	kill -0 "$mpid" 2>/dev/null || { gone=1; break; }
	sleep 0.1
done
if [ -n "$gone" ]; then pass kill-9-mount-gone-within-5s; else
	fail kill-9-mount-gone-within-5s "$(ps -o stat=,wchan:32= -p "$mpid")"
	[ -n "$stopped" ] && kill -KILL "$stopped"
fi
{ wait "$mpid"; } 2>/dev/null
[ -n "$stopped" ] && kill -KILL "$stopped" 2>/dev/null
check kill-9-nothing-mounted sh -c "! mountpoint -q '$mnt'"
check kill-9-no-leftovers ktest_leftovers

# the next exchange is a new one, and works
iakerb_restart
rm -f /tmp/krb5cc_0
check after-kill-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"
mountpoint -q "$mnt" && check after-kill-umount umount "$mnt"
check no-leftovers-at-end ktest_leftovers
