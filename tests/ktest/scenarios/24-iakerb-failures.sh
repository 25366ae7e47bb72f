#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile or broken server, a wrong password, a dead KDC: each mount
# fails within its time, with a line in the kernel log, and leaves no
# positive key and no helper or agent behind.  (No oops, WARN or hung
# task: the runner fails the run on any.)  Then a clean server still
# mounts: nothing is stuck.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
pw="sec=iakerb,username=alice,password=alicepw"

# must_fail NAME ERRNO_RE MOUNT_OPTIONS: the mount fails with a mount error
# matching ERRNO_RE, the kernel says why, nothing is left behind
must_fail() {
	local name=$1 want=$2 o=$3 m out rc
	m=$(dmesg_mark)
	out=$(timeout -k 5 150 mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$o,$opts" 2>&1)
	rc=$?
	if mountpoint -q "$mnt"; then
		umount "$mnt"
		fail "$name" "mounted"
		return
	fi
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		fail "$name" "the mount hung"
		return
	fi
	if echo "$out" | grep -Eq "mount error\\(($want)\\)"; then
		pass "$name"
	else
		fail "$name" "wanted error($want), got: $out"
	fi
	info "$name: $(dmesg_since "$m" | head -n 2 | tr '\n' ' ')"
	check "$name-logged" sh -c "dmesg | tail -n +$((m + 1)) | grep -q 'CIFS: VFS:'"
	check "$name-no-leftovers" ktest_leftovers
}

# a wrong password: the KDC says PREAUTH_FAILED through the server
must_fail wrong-password 129 "sec=iakerb,username=alice,password=wrong"

# a server that says its KDC cannot be found
iakerb_restart --fault krb-error=85
must_fail kdc-not-found '[0-9]+' "$pw"

# tokens: garbled, cut, oversized (each on the AS-REP leg: a tampered
# proxy leg), a server that never finishes, a corrupted AP-REP, a wrong
# mechListMIC, a connection closed mid-exchange
for f in garble=3 truncate=3 oversize=3 endless bad-aprep bad-mic close=3; do
	iakerb_restart --fault "$f"
	must_fail "fault-${f%%=*}" '[0-9]+' "$pw"
done

# the server's KDC is gone
iakerb_restart
"$topo/srvexec.sh" "$w" sh -c "kill \$(cat $SRV_DIR/kdc.pid)"
must_fail dead-kdc '[0-9]+' "$pw"

# nothing is stuck: a clean server (its KDC restarted) mounts again
"$topo/smbsrv-stop.sh" "$w"
"$topo/down.sh" "$w" >/dev/null 2>&1
if iakerb_up; then pass up-again; else fail up-again "topology or smbsrv"; fi
check clean-mount mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$pw,$opts"
mountpoint -q "$mnt" && umount "$mnt"
check no-leftovers-at-end ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
