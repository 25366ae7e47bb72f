#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who calls the helper, as cifs-upcall-iakerb sees it: real Samba, a real
# MIT KDC on a UNIX socket (the set-up of 12-samba-krb5-ourhelper.sh),
# upcall_target=app, and callers that are not a plain process in the
# host's mount namespace.
#
#   1. a mount(2) from a thread that is not its process's leader: pid= is
#      that thread's id (PIDFD_THREAD), and it mounts
#   2. the same thread in a mount namespace of its own, where alone the
#      user's ccache exists: the helper enters the thread's namespace, not
#      its process's
#   3. root (creduid 0) in another mount namespace: refused (EPERM, its
#      NSS modules and krb5 plugins would run as global uid 0), unless the
#      helper is given --allow-root-mntns
#   4. a caller in another mount namespace with a /dev/log of its own:
#      the helper's and the agent's lines, failures included, reach the
#      host's log, none the caller's
. "$KTEST_SRC/tests/ktest/lib.sh"

realm=KTEST.LAN
mnt=$KTEST_WORK/mnt-callers
helper=$KTEST_SRC/cifs-upcall-iakerb/build/cifs-upcall-iakerb
mount_thread=$KTEST_SRC/tests/ktest/build/mount_thread
syslog=$KTEST_SYSLOG
nslog=$KTEST_WORK/callers-ns-syslog.log
nssock=$KTEST_WORK/callers-ns-dev-log
mkdir -p "$mnt"

helper_lines() { grep -a 'cifs-upcall-iakerb' "$syslog" 2>/dev/null | sed 's/^/    syslog: /'; }
cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	[ -n "${nspid:-}" ] && kill "$nspid" 2>/dev/null
	ktest_use_upcall "$helper"
}
trap cleanup EXIT

check helper-built test -x "$helper"
check tool-built test -x "$mount_thread"
check syslog-catcher ktest_catch_syslog
ktest_samba_krb5 "$realm"
ktest_use_upcall "$helper"
alice=$(id -u alice)
unset KRB5CCNAME
kdestroy -A 2>/dev/null
rm -f "/tmp/krb5cc_$alice"

# what mount.cifs would pass for //srv.test/share
cifs_opts() {
	echo "ip=127.0.0.1,unc=\\\\srv.test\\share,vers=3.1.1,sec=krb5,upcall_target=app$1"
}
# expect_mount NAME WANT OUT: WANT is "ok" or an errno number
expect_mount() {
	if [ "$2" = ok ] && [ "$3" = "mount: ok" ]; then
		pass "$1"
	elif [ "$2" != ok ] && echo "$3" | grep -q "^mount: errno $2 "; then
		pass "$1"
	else
		fail "$1" "wanted $2, got '$3'"
	fi
}
# Alice's TGT and service ticket in FILE $1, owned by alice (got as root:
# only root may reach the KDC's socket, so the helper, as alice, must find
# the service ticket there)
alice_ticket() {
	rm -f "$1"
	KRB5CCNAME="FILE:$1" sh -c "echo Alice-pass-1 | kinit alice@$realm" >/dev/null &&
		KRB5CCNAME="FILE:$1" kvno "cifs/srv.test@$realm" >/dev/null &&
		chown alice "$1"
}

# 1. root's ticket, a mount from a thread
check kinit-root sh -c "echo Alice-pass-1 | KRB5CCNAME=FILE:/tmp/krb5cc_0 kinit alice@$realm"
: >"$syslog"
out=$("$mount_thread" //srv.test/share "$mnt" "$(cifs_opts ,user=alice)" 2>&1)
info "$out"
expect_mount thread-mount ok "$(echo "$out" | grep '^mount:')"
check thread-mount-established grep -aq 'ESTABLISHED payload' "$syslog"
helper_lines

# 2. alice's ticket exists only in the thread's own mount namespace: an
#    empty ccache file where the process (and the host) look
check kinit-alice-elsewhere alice_ticket "$KTEST_WORK/alice-thread.cc"
install -o alice -m 600 /dev/null "/tmp/krb5cc_$alice"
: >"$syslog"
out=$("$mount_thread" --bind "$KTEST_WORK/alice-thread.cc" "/tmp/krb5cc_$alice" \
	//srv.test/share "$mnt" "$(cifs_opts ",user=alice,cruid=$alice")" 2>&1)
info "$out"
expect_mount thread-own-namespace ok "$(echo "$out" | grep '^mount:')"
helper_lines
rm -f "/tmp/krb5cc_$alice"

# 3. root in a mount namespace of its own: refused with one line...
: >"$syslog"
out=$(unshare -m --propagation private sh -c \
	"mount -t cifs //srv.test/share '$mnt' -o sec=krb5,username=alice,vers=3.1.1,upcall_target=app && umount '$mnt'" 2>&1)
info "$out"
check root-foreign-mntns-refused sh -c "echo '$out' | grep -q 'error(1)'"
check root-foreign-mntns-line grep -aq 'NOT_PERMITTED.*creduid 0 in another mount namespace' "$syslog"
helper_lines
#    ... unless the helper is told to allow it
ktest_use_upcall "$helper --allow-root-mntns"
: >"$syslog"
check root-foreign-mntns-allowed unshare -m --propagation private sh -c \
	"mount -t cifs //srv.test/share '$mnt' -o sec=krb5,username=alice,vers=3.1.1,upcall_target=app && umount '$mnt'"
helper_lines
ktest_use_upcall "$helper"
kdestroy -A -c FILE:/tmp/krb5cc_0 2>/dev/null

# 4. a caller's /dev/log of its own: a second reader, bound over /dev/log
#    in the caller's mount namespace only
rm -f "$nssock"
: >"$nslog"
python3 - "$nssock" "$nslog" >/dev/null 2>&1 <<-'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
PY
nspid=$!
for _ in $(seq 50); do [ -S "$nssock" ] && break; sleep 0.1; done
chmod 666 "$nssock"	# as a real /dev/log: any user may log
ns_mount() {
	unshare -m --propagation private sh -c \
		"mount --bind '$nssock' /dev/log &&
		 mount -t cifs //srv.test/share '$mnt' -o sec=krb5,username=alice,cruid=$alice,vers=3.1.1,upcall_target=app &&
		 umount '$mnt'" 2>&1
}
#    a failure: alice has no ticket (NO_CREDS, from the helper after setns)
: >"$syslog"
out=$(ns_mount)
info "$out"
check ns-log-failure-mount sh -c "echo '$out' | grep -q 'error(126)'"
check ns-log-failure-line-host grep -aq 'NO_CREDS' "$syslog"
helper_lines
#    a success: the agent's lines (after its close_range) as well
check kinit-alice alice_ticket "/tmp/krb5cc_$alice"
: >"$syslog"
out=$(ns_mount)
info "$out"
check ns-log-mount test -z "$out"
check ns-log-agent-line-host grep -aq 'agent alice@srv.test .*leg 2: ' "$syslog"
check ns-log-established-host grep -aq 'ESTABLISHED payload' "$syslog"
helper_lines
check ns-log-nothing-in-caller-log sh -c "! grep -aq cifs-upcall-iakerb '$nslog'"
grep -a cifs-upcall-iakerb "$nslog" | sed 's/^/    caller log: /'
rm -f "/tmp/krb5cc_$alice"

sleep 1
check no-helper-left sh -c "! pgrep -f '^$helper'"
[ -z "${KTEST_FAILED:-}" ]
