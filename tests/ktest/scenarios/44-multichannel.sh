#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 600
#
# Multichannel over IAKerb: smbsrv with two interfaces (up.sh
# --second-link) announces multichannel and lists both addresses; a
# mount with multichannel,max_channels=2 binds a second channel on the
# second interface (SESSION_SETUP with SMB2_SESSION_FLAG_BINDING), which
# runs an IAKerb exchange of its own on that connection and gets its own
# signing key.  I/O goes over both channels; the second channel's
# connection is then reset from the server side and the client binds it
# again.  Data reads back byte-identical throughout.
#
#   1. a password, nothing stored: the binding goes through the KDC
#      again (AS, TGS) on the second connection
#   2. the ticket 1 stored (store_tickets = owner), sec=krb5: the binding
#      is the AP exchange alone
#
# IAKERB_MC_SERVER=ARG,ARG...: other smbsrv options instead of
# --multichannel, comma-separated (to see the checks fail against a server
# that refuses binding: KTEST_GUEST_ENV=IAKERB_MC_SERVER=--multichannel,--fault=no-bind).
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

# the server's log and the kernel's channel view go with the results
mc_cleanup() {
	cp "$LOG_DIR/smbsrv.log" "$KTEST_OUT/$KTEST_NAME.smbsrv.log" 2>/dev/null
	iakerb_cleanup
}
trap mc_cleanup EXIT

IFS=, read -r -a mc_args <<<"${IAKERB_MC_SERVER:---multichannel}"
iakerb_topo_args=(--second-link)
# both addresses: listen on all of them
if iakerb_up --listen 0.0.0.0 "${mc_args[@]}"; then
	pass up
else
	fail up "topology or smbsrv"; exit 1
fi
check second-link ip -4 addr show dev kt-c2
# the kernel's own view of each session and channel
debugdata=/proc/fs/cifs/DebugData
slog=$LOG_DIR/smbsrv.log
loglines() { wc -l <"$slog"; }
since() { tail -n "+$(($1 + 1))" "$slog"; }

# wait_channels N: DebugData shows N-1 extra channels, none disconnected
# or reconnecting (channels are added by a work item after the mount)
wait_channels() {
	local extra=$(($1 - 1)) i
	for i in $(seq 60); do
		if grep -q "Extra Channels: $extra" "$debugdata" &&
		   ! grep -Eq 'DISCONNECTED|RECONNECTING' "$debugdata"; then
			return 0
		fi
		sleep 0.5
	done
	grep -E 'Extra Channels|Channel:|DISCONNECTED|RECONNECT' "$debugdata"
	return 1
}

# The connection of the channel on the second interface: the last CONN
# open from CLI_ADDR2 after log line $1
second_conn() {
	since "$1" | sed -n "s/.* CONN open conn=\([0-9]*\) peer=$CLI_ADDR2\$/\1/p" |
		tail -n 1
}
# The connection of the mount's own session: the SESSION ... new line
first_conn() {
	since "$1" | sed -n 's/.* SESSION conn=\([0-9]*\) .* new .*/\1/p' |
		tail -n 1
}

# log_has N PATTERN...: every PATTERN is in the log since line N
log_has() {
	local l=$1 p part=$KTEST_WORK/smbsrv-part.log
	shift
	since "$l" >"$part"
	for p in "$@"; do
		grep -q -- "$p" "$part" || { echo "not logged: $p"; return 1; }
	done
}
# log_lacks N PATTERN: PATTERN is not in the log since line N
log_lacks() {
	! since "$1" | grep -- "$2"
}

# a SESSLEG summary of connection $2 since line $1
show_legs() {
	since "$1" | grep "SESSLEG conn=$2 " |
		sed -e 's/^[0-9.]* /    smbsrv: /' -e 's/ major=.*user=/ user=/'
}

# run_case TAG MOUNTOPTS EXPECT: EXPECT is "kdc" (the binding must reach
# the KDC: AS and TGS legs on the second connection) or "ap" (one AP
# exchange, no KDC leg)
run_case() {
	local tag=$1 mopts=$2 expect=$3 l0 c1 c2 c3 src n
	l0=$(loglines)
	echo >"$trace"
	check "$tag-mount" mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "$mopts,multichannel,max_channels=2,$opts"
	mountpoint -q "$mnt" || return 1
	check "$tag-two-channels-in-debugdata" wait_channels 2
	c1=$(first_conn "$l0")
	c2=$(second_conn "$l0")
	info "$tag: session on conn ${c1:-?}, second interface conn ${c2:-?}"
	show_legs "$l0" "$c2"
	check "$tag-second-conn-on-second-interface" test -n "$c2" -a "$c2" != "$c1"
	check "$tag-binding-requested-on-second-conn" log_has "$l0" \
		"BIND conn=$c2 sess=.* master-conn=$c1\$"
	check "$tag-binding-established" log_has "$l0" \
		"SESSION conn=$c2 sess=.* bind signing=1"
	n=$(since "$l0" | grep -c "SESSLEG conn=$c2 .*status=0x00000000")
	check "$tag-binding-one-successful-exchange" test "$n" = 1
	if [ "$expect" = kdc ]; then
		check "$tag-binding-iakerb-as-tgs-ap-legs" log_has "$l0" \
			"SESSLEG conn=$c2 .*what=AS-REQ" \
			"SESSLEG conn=$c2 .*what=TGS-REQ" \
			"SESSLEG conn=$c2 .*what=AP-REQ"
	else
		check "$tag-binding-ap-leg" log_has "$l0" \
			"SESSLEG conn=$c2 .*what=AP-REQ"
		check "$tag-binding-no-kdc-leg" log_lacks "$l0" \
			"SESSLEG conn=$c2 .*kdc=1"
	fi
	# the helper ran the legs of both exchanges: two finals, each after
	# the server's SUCCESS, the binding's with the session's id
	n=$(grep -c 'smb3_krb5_leg: .*dir=final len=0 status=0x0 flags=0x0 rc=0' "$trace")
	check "$tag-helper-ran-both-exchanges" test "$n" -ge 2
	info "$tag: traced legs: $(grep -o 'sid=0x[0-9a-f]* leg=[0-9]* dir=[a-z]* len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
	check "$tag-no-bad-signatures" log_lacks "$l0" BADSIG

	# I/O over both channels: cifs_pick_channel() goes round the
	# channels, so 8 MiB in 1 MiB writes and reads use both
	src=$KTEST_WORK/$tag.src
	ktest_random_file "$src" 8388608
	check "$tag-write" dd if="$src" of="$mnt/$tag.bin" bs=1M conv=fsync \
		status=none
	echo 3 >/proc/sys/vm/drop_caches
	check "$tag-readback" cmp "$src" "$mnt/$tag.bin"
	check "$tag-writes-on-both-channels" log_has "$l0" \
		"IO conn=$c1 .*first=write" "IO conn=$c2 .*first=write"
	check "$tag-reads-on-both-channels" log_has "$l0" \
		"IO conn=$c1 .*first=read" "IO conn=$c2 .*first=read"

	# the second channel's connection reset by the server's side: the
	# client binds a new connection to the same session
	l1=$(loglines)
	echo >"$trace"
	check "$tag-reset-second-conn" "$topo/srvexec.sh" "$w" \
		ss -K dst "$CLI_ADDR2"
	check "$tag-second-conn-closed" sh -c "
		for i in \$(seq 40); do
			grep -q 'CONN close conn=$c2 ' '$slog' && exit 0
			sleep 0.25
		done; exit 1"
	# I/O meanwhile goes over the first channel; the channel comes back
	# when a request finds it disconnected, or from the interface poll
	check "$tag-write-while-down" dd if="$src" of="$mnt/$tag-2.bin" bs=1M \
		conv=fsync status=none
	check "$tag-rebound-two-channels" bash -c "
		for i in \$(seq 30); do
			grep -q 'SESSION conn=[0-9]* sess=.* bind signing=1' <(tail -n +$((l1 + 1)) '$slog') &&
				exit 0
			ls -l '$mnt' >/dev/null; sleep 1
		done; exit 1"
	check "$tag-two-channels-again" wait_channels 2
	c3=$(second_conn "$l1")
	show_legs "$l1" "$c3"
	check "$tag-rebinding-on-new-conn" test -n "$c3" -a "$c3" != "$c2"
	check "$tag-rebinding-of-the-session" log_has "$l1" \
		"BIND conn=$c3 sess=.* master-conn=$c1\$" \
		"SESSION conn=$c3 sess=.* bind signing=1"
	if [ "$expect" = kdc ]; then
		check "$tag-rebinding-iakerb-as-tgs-legs" log_has "$l1" \
			"SESSLEG conn=$c3 .*what=AS-REQ" \
			"SESSLEG conn=$c3 .*what=TGS-REQ"
	else
		check "$tag-rebinding-no-kdc-leg" log_lacks "$l1" \
			"SESSLEG conn=$c3 .*kdc=1"
	fi
	n=$(grep -c 'smb3_krb5_leg: .*dir=final len=0 status=0x0 flags=0x0 rc=0' "$trace")
	check "$tag-helper-ran-rebinding" test "$n" -ge 1
	info "$tag: rebinding legs: $(grep -o 'sid=0x[0-9a-f]* leg=[0-9]* dir=[a-z]* len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
	echo 3 >/proc/sys/vm/drop_caches
	check "$tag-readback-after-rebind" cmp "$src" "$mnt/$tag.bin"
	check "$tag-readback-written-while-down" cmp "$src" "$mnt/$tag-2.bin"
	check "$tag-io-on-rebound-channel" log_has "$l1" \
		"IO conn=$c3 .*first=read"
	check "$tag-no-bad-signatures-after" log_lacks "$l1" BADSIG
	info "kernel: $(dmesg | grep CIFS | tail -n 4 | tr '\n' ' ')"
	grep -E 'Extra Channels|Channel:|DISCONNECTED|RECONNECT|SessionId' \
		"$debugdata" | sed "s/^/    $tag DebugData: /"
	check "$tag-umount" umount "$mnt"
	rm -f "$src"
}

# 1. password, nothing stored: each binding goes to the KDC
iakerb_store_tickets no
run_case password "sec=iakerb,username=alice,password=alicepw" kdc
# 2. a ticket stored by a single-channel mount: every exchange is AP only
iakerb_store_tickets owner
check store-ticket sh -c "mount -t cifs '//$SRV_NAME/share' '$mnt' \
	-o 'sec=iakerb,username=alice,password=alicepw,$opts' && umount '$mnt' &&
	klist -c FILE:/tmp/krb5cc_0 | grep -q 'cifs/'"
run_case ticket "sec=krb5,username=alice" ap

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
