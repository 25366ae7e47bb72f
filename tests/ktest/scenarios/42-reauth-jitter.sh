#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Re-authentication after a server restart backs off with jitter.  Twelve
# mounts, each its own connection (nosharesock) and session, from a
# stored ticket.  The server restarts while every upcall fails, so every
# connection's session set-up fails at about the same moment, and each
# connection's reconnect work is queued again after its backoff delay
# (cifs_requeue_server_reconn: 30 s at the first step).  Then upcalls
# work again.  Without jitter all twelve retry together, as a burst, as
# they would at every later step; with it each retry falls in the last
# quarter of its delay: the retries must spread over more time than the
# failures did, and none may come before the backoff.
#
# No I/O touches the mounts while they wait (a system call on a mount
# would set its session up at once) and echo_interval=600 keeps the echo
# work from doing it either.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

n=12
jw=$KTEST_WORK/jitter
mkdir -p "$jw"
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi

# alice's ticket, stored by a password mount
iakerb_store_tickets owner
check stored-ticket sh -c "mount -t cifs '//$SRV_NAME/share' '$mnt' \
	-o 'sec=iakerb,username=alice,password=alicepw,$opts' &&
	umount '$mnt' && sleep 1 && klist -c FILE:/tmp/krb5cc_0 | grep -q cifs/"

# every upcall through a wrapper that notes its time, and fails while
# $jw/fail exists
cat >"$jw/upcall.sh" <<WRAP
#!/bin/sh
if [ -e "$jw/fail" ]; then
	echo "fail \$(date +%s.%N)" >>"$jw/times"
	exit 1
fi
echo "ok \$(date +%s.%N)" >>"$jw/times"
exec "$helper" "\$@"
WRAP
chmod 755 "$jw/upcall.sh"
ktest_use_upcall "$jw/upcall.sh"

mounted=0
for i in $(seq "$n"); do
	mkdir -p "$jw/m$i"
	mount -t cifs "//$SRV_NAME/share" "$jw/m$i" \
		-o "sec=iakerb,username=alice,nosharesock,echo_interval=600,$opts" &&
		mounted=$((mounted + 1))
done
check mounted-$n test "$mounted" -eq "$n"
check sessions-$n sh -c "[ \$(grep -c 'SessionId:' /proc/fs/cifs/DebugData) -ge $n ]"

: >"$jw/times"
touch "$jw/fail"
iakerb_restart
# every connection's set-up fails (the kernel tries twice: 2n upcalls),
# then it waits for its backoff
for _ in $(seq 120); do
	[ "$(grep -c '^fail' "$jw/times")" -ge "$n" ] && break
	sleep 0.5
done
# the last of them, once they stop coming
sleep 3
check failed-together sh -c "[ \$(grep -c '^fail' '$jw/times') -ge $n ]"
rm -f "$jw/fail"
# the retries: at most 30 s after the failures, plus the timer's slack
for _ in $(seq 100); do
	[ "$(grep -c '^ok' "$jw/times")" -ge "$n" ] && break
	sleep 0.5
done
info "upcall times: $(awk '{ print $1, $2 }' "$jw/times" | tr '\n' ' ')"

# spread SELECTOR: max - min of those times; first/last likewise
span() { awk -v k="$1" '$1 == k { if (!n++ || $2 < lo) lo = $2;
	if ($2 > hi) hi = $2 } END { printf "%.2f %.2f %.2f\n", lo, hi, hi - lo }' \
	"$jw/times"; }
read -r f_lo f_hi f_span < <(span fail)
read -r r_lo r_hi r_span < <(span ok)
info "failures spread over $f_span s, retries over $r_span s," \
	"first retry $(echo "$r_lo - $f_hi" | bc) s after the last failure"
check retried-all sh -c "[ \$(grep -c '^ok' '$jw/times') -ge $n ]"
# the backoff: no retry earlier than three quarters of 30 s, less the
# failures' own spread
check retries-backed-off sh -c "echo '$r_lo - $f_lo >= 22' | bc | grep -qx 1"
check retries-within-delay sh -c "echo '$r_hi - $f_hi <= 35' | bc | grep -qx 1"
# jitter: twelve uniform draws over 7.5 s span less than 2.5 s more than
# the failures with a probability under 1e-4; identical delays cannot
# (the timer wheel rounds a 30 s timer by at most 2 s)
check retries-spread-by-jitter sh -c \
	"echo '$r_span >= $f_span + 2.5' | bc | grep -qx 1"

ok=0
for i in $(seq "$n"); do
	stat -f "$jw/m$i" >/dev/null 2>&1 && ok=$((ok + 1))
done
check all-usable-again test "$ok" -eq "$n"
for i in $(seq "$n"); do umount "$jw/m$i" 2>/dev/null; done
iakerb_store_tickets no
rm -f /tmp/krb5cc_0
check no-leftovers ktest_leftovers
