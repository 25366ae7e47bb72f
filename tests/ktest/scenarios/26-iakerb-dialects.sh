#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The two IAKerb dialects through the patched module: smbsrv answering
# like Windows (--mode windows: realm "." and header-flags in the proxy
# replies, a krb5-framed final leg, then the client's mechListMIC) and
# like MIT's acceptor (--mode mit).  The helper runs with --dialect=auto
# and must pick each by itself, with a password and then with the ticket
# it stored; forcing the wrong dialect must fail with a clear error.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

ktest_catch_syslog || info "no syslog catcher: helper log lines not checked"

# helper_args ARGS...: the request-key line with these helper options,
# for $helper_exec (the helper, or slow_exit below)
helper_exec=$helper
helper_args() {
	echo "create cifs.spnego * * $helper_exec -d $* %k" \
		>/etc/request-key.d/cifs.spnego.conf
}

# The helper, slow to exit after it said no, as on a loaded machine: the
# keys core's own actor reads the rejected key again only once
# request-key has exited, and takes a key that has expired by then for
# ENOKEY (PROTOCOL.md §3).  1.2 s is past a 1 s reject timeout whatever
# the phase of the clock.  (Scenario 24's slow-exit-rejection: the same
# with a handler that rejects for 1 s, for the kernel's actor alone.)
slow_exit=$KTEST_WORK/helper-slow-exit.sh
cat >"$slow_exit" <<EOF
#!/bin/sh
"$helper" "\$@" && exit 0
sleep 1.2
exit 1
EOF
chmod +x "$slow_exit"

# not through check: it runs its command in a subshell
if iakerb_up --mode windows --mechs windows; then pass up; else fail up "topology or smbsrv"; exit 1; fi
helper_args --dialect=auto
# the *-cached mounts use what the password mounts before them obtained
iakerb_store_tickets owner

# srvlog_since MARK: the smbsrv log lines after line MARK
srvlog_mark() { wc -l <"$LOG_DIR/smbsrv.log"; }
srvlog_since() { tail -n "+$(($1 + 1))" "$LOG_DIR/smbsrv.log"; }
syslog_mark() { wc -l <"$KTEST_SYSLOG" 2>/dev/null || echo 0; }
syslog_since() { tail -n "+$(($1 + 1))" "$KTEST_SYSLOG" 2>/dev/null; }

# dialect_mount NAME DIALECT ROUND_TRIPS OPTIONS [WHY]: mount, check
# which final leg the server saw and what the helper said (and why, a
# pattern), the round trips (exactly: auto must cost no leg more than
# knowing the dialect from the start), umount
dialect_mount() {
	local name=$1 dialect=$2 want=$3 o=$4 why=${5:-} s0 l0 n
	s0=$(srvlog_mark)
	l0=$(syslog_mark)
	echo >"$trace"
	check "$name-mount" mount ${MOUNT_I:-} -t cifs "//$SRV_NAME/share" "$mnt" -o "$o,$opts"
	mountpoint -q "$mnt" || return
	n=$(traced_round_trips)
	info "$name: $n round trips: $(grep -o 'dir=recv len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
	if [ "$n" -eq "$want" ]; then
		pass "$name-round-trips"
	else
		fail "$name-round-trips" "$n round trips, not $want"
	fi
	srvlog_since "$s0" >"$KTEST_WORK/$name.srv"
	check "$name-server-final-$dialect" grep -q \
		"SESSLEG .*status=0x00000000 .*dialect=$dialect" "$KTEST_WORK/$name.srv"
	check "$name-server-no-failed-leg" sh -c "! grep 'SESSLEG ' '$KTEST_WORK/$name.srv' |
		grep -v 'status=0x00000000 \\|status=0xc0000016 '"
	if [ -S /dev/log ]; then
		syslog_since "$l0" >"$KTEST_WORK/$name.syslog"
		check "$name-helper-says-$dialect" grep -q "dialect: $dialect.*$why" \
			"$KTEST_WORK/$name.syslog"
		info "$name: $(grep -o 'dialect: .*' "$KTEST_WORK/$name.syslog" | head -n 2 | tr '\n' ' ')"
	fi
	ktest_file_roundtrip "$name" "$mnt"
	check "$name-umount" umount "$mnt"
}

# refusal_line MARK: since the dmesg line MARK, the kernel's line for a
# protocol error (EPROTO); else print the line it logged instead
refusal_line() {
	local l
	l=$(dmesg | tail -n "+$(($1 + 1))" |
		grep -o 'Kerberos upcall leg [0-9]* failed: .*')
	echo "$l" | grep -q 'failed: malformed or out-of-order' && return 0
	echo "${l:-no upcall failure line}"
	return 1
}

# dialect_refused NAME HELPER_DIALECT OPTIONS [HELPER]: the mount fails
# with the kernel's line for a protocol error, nothing is left behind
dialect_refused() {
	local name=$1 forced=$2 o=$3 out m0
	helper_exec=${4:-$helper}
	helper_args "--dialect=$forced"
	rm -f /tmp/krb5cc_0
	m0=$(dmesg_mark)
	out=$(timeout -k 5 150 mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$o,$opts" 2>&1)
	local rc=$?
	if [ $rc = 0 ]; then
		umount "$mnt"
		fail "$name-refused" "the mount succeeded with --dialect=$forced"
	else
		pass "$name-refused"
	fi
	info "$name: $out / $(dmesg_since "$m0" | tr '\n' ' ')"
	check "$name-dmesg" refusal_line "$m0"
	check "$name-no-leftovers" ktest_leftovers
	helper_exec=$helper
	helper_args --dialect=auto
}

pw="sec=iakerb,username=alice,password=alicepw"

# Windows, offering NEGOEX in NEGOTIATE as Windows does: the kernel hands
# that buffer over on leg 1 and the helper speaks Windows' dialect from
# the start: discovery, AS (PREAUTH_REQUIRED), AS, TGS, AP, MIC
rm -f /tmp/krb5cc_0
dialect_mount win-password windows 6 "$pw" "NEGOTIATE"
# the stored service ticket: AP (krb5-framed) and the MIC leg.  mount.cifs
# 7.9 asks for a password with any sec= but krb5: -i skips it, as a
# systemd mount unit or a direct mount(2) caller would.
MOUNT_I=-i dialect_mount win-cached windows 2 "sec=iakerb,username=alice"
# sec=krb5 with the stored ticket: plain Kerberos, which needs no dialect
check win-cached-krb5-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,$opts"
mountpoint -q "$mnt" && check win-cached-krb5-umount umount "$mnt"
dialect_refused win-forced-mit mit "$pw"
# ... and still EPROTO, not ENOKEY, when the helper is slow to exit
dialect_refused win-forced-mit-slow-exit mit "$pw" "$slow_exit"

# The same server not listing NEGOEX: leg 1 in MIT's framing, the first
# proxied reply (realm ".", header-flags) switches to Windows' dialect,
# and MIT's KDC legs carry on: the same 6 round trips as with NEGOEX
# (7 when the switch started the AS exchange again)
iakerb_restart --mode windows
rm -f /tmp/krb5cc_0
dialect_mount win-switch windows 6 "$pw" "KRB-ERROR reply"

# MIT's acceptor: the same client, no other option
iakerb_restart
rm -f /tmp/krb5cc_0
dialect_mount mit-password mit 5 "$pw"
MOUNT_I=-i dialect_mount mit-cached mit 1 "sec=iakerb,username=alice"
dialect_refused mit-forced-windows windows "$pw"

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
