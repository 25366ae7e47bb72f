#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A mount issued from a container (issue 13): a container made with
# unshare (mount, UTS and PID namespaces of its own; a tmpfs only it sees;
# its own /etc/krb5.conf, bind-mounted, naming its KDC through a socket
# bound into that tmpfs), and user alice inside it with
# KRB5CCNAME=FILE:<tmpfs>/alice.cc holding the tickets kinit and kvno got
# her there.  The host has no such file and no ticket of alice's.
#   - upcall_target=app, alice mounting herself (CAP_SYS_ADMIN only) and
#     root in the container mounting for her (cruid=): the helper enters
#     the container and uses the cache her KRB5CCNAME names;
#   - upcall_target=mount: the helper stays in the host's namespaces, as
#     documented: the container's cache is not seen (ENOKEY), the owner's
#     default cache on the host is;
#   - root (creduid 0) in the container: refused with EPERM and one line,
#     unless the helper has --allow-root-mntns; then root's default cache
#     as the container's krb5.conf names it.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"
unset KRB5CCNAME

mount_thread=$KTEST_SRC/tests/ktest/build/mount_thread
ctr=$KTEST_WORK/ctr38
ctr_conf=$KTEST_WORK/ctr38-krb5.conf
upid=

ctr_cleanup() {
	# the container's init: the kernel ends all of its namespace with it
	[ -n "${cpid:-}" ] && kill -9 "$cpid" 2>/dev/null
	[ -n "$upid" ] && wait "$upid" 2>/dev/null
	ktest_use_upcall "$helper"
	[ -n "${auid:-}" ] && rm -f "/tmp/krb5cc_$auid"
	iakerb_cleanup
}
trap ctr_cleanup EXIT

check syslog-catcher ktest_catch_syslog
# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
check tool-built test -x "$mount_thread"
ktest_ensure_user alice
auid=$(id -u alice)
agid=$(id -g alice)
rm -f "/tmp/krb5cc_$auid"
kdestroy -A >/dev/null 2>&1

# The container's krb5.conf: its realm, its KDC (a socket in its tmpfs),
# its users' caches in its tmpfs.
cat >"$ctr_conf" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	default_ccache_name = FILE:$ctr/krb5cc_%{uid}
[realms]
	$REALM = {
		kdc = $ctr/kdc.sock
	}
[domain_realm]
	$SRV_NAME = $REALM
EOF
mkdir -p "$ctr"
unshare --mount --uts --pid --fork --propagation private sh -c "
	mount -t tmpfs -o mode=1777 ctr38 '$ctr' && mkdir '$ctr/mnt' &&
	mount --bind '$ctr_conf' /etc/krb5.conf &&
	hostname ctr38 && exec sleep infinity" </dev/null >/dev/null 2>&1 &
upid=$!
cpid=
for _ in $(seq 100); do
	cpid=$(pgrep -P "$upid" -x sleep) && break
	sleep 0.05
done
cexec() { nsenter -t "$cpid" -m -u -p -- "$@"; }
# The container's KDC socket: a relay in its tmpfs to the server's KDC
# (a bind mount cannot reach into the server's mount namespace; root can
# connect through /proc/<pid>/root, alice cannot).  It lives in the
# container's PID namespace and ends with it.
[ -n "$cpid" ] && cexec python3 -c '
import os, socket, sys, threading
src, dst = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(src)
os.chmod(src, 0o666)
s.listen(16)
def pipe(a, b):
    while True:
        d = a.recv(65536)
        if not d:
            break
        b.sendall(d)
    b.shutdown(socket.SHUT_WR)
while True:
    c = s.accept()[0]
    u = socket.socket(socket.AF_UNIX)
    u.connect(dst)
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
' "$ctr/kdc.sock" "/proc/$SRV_PID/root$SRV_DIR/kdc.sock" </dev/null >/dev/null 2>&1 &
for _ in $(seq 50); do
	nsenter -t "$cpid" -m test -S "$ctr/kdc.sock" 2>/dev/null && break
	sleep 0.1
done
ctr_up() {
	[ -n "$cpid" ] && [ "$(cexec hostname)" = ctr38 ] &&
		[ "$(hostname)" != ctr38 ] &&
		cexec mountpoint -q "$ctr" && ! mountpoint -q "$ctr" &&
		cexec grep -q "kdc = $ctr/kdc.sock" /etc/krb5.conf &&
		cexec test -S "$ctr/kdc.sock" && ! test -e "$ctr/kdc.sock"
}
check container-up ctr_up
as_alice_ctr() {
	cexec setpriv --reuid="$auid" --regid="$agid" --clear-groups "$@"
}
cc=FILE:$ctr/alice.cc
kinit_in_ctr() {
	as_alice_ctr env KRB5CCNAME="$cc" sh -c "echo alicepw |
		kinit alice >/dev/null && kvno -q cifs/$SRV_NAME"
}
check kinit-in-container kinit_in_ctr
check cache-only-in-container sh -c "! test -e '$ctr/alice.cc' &&
	! test -e /tmp/krb5cc_$auid &&
	nsenter -t $cpid -m -- test -s '$ctr/alice.cc'"

log_mark() { wc -l <"$KTEST_SYSLOG"; }
log_since() { tail -n "+$(($1 + 1))" "$KTEST_SYSLOG" | grep -a cifs-upcall-iakerb; }
smb_mark() { wc -l <"$LOG_DIR/smbsrv.log"; }
# out_has REGEX: the last mount's output ($mout) says it
out_has() { printf '%s\n' "$mout" | grep -q -- "$1"; }
# saw_alice NAME MARK: the server set up a session for alice since MARK
saw_alice() {
	check "$1-server-saw-alice" sh -c "tail -n +$(($2 + 1)) '$LOG_DIR/smbsrv.log' |
		grep 'SESSION ' | grep -q 'user=alice@'"
}
# helper_used NAME MARK CACHE: the helper said it used CACHE
helper_used() {
	check "$1-helper-used-$3" sh -c "tail -n +$(($2 + 1)) '$KTEST_SYSLOG' |
		grep -a 'cifs-upcall-iakerb' | grep -aq 'using .* from $4'"
}
opts_app="vers=3.1.1,ip=$SRV_ADDR,upcall_target=app"

# --- upcall_target=app: the container's KRB5CCNAME ----------------------
# alice herself (real uid alice, CAP_SYS_ADMIN only: cifs has no user
# namespace mounts), her KRB5CCNAME in her environment
l0=$(log_mark) s0=$(smb_mark)
mout=$(cexec setpriv --reuid="$auid" --regid="$agid" --clear-groups \
	--inh-caps=+sys_admin --ambient-caps=+sys_admin \
	env KRB5CCNAME="$cc" "$mount_thread" "//$SRV_NAME/share" "$ctr/mnt" \
	"ip=$SRV_ADDR,unc=\\\\$SRV_NAME\\share,vers=3.1.1,sec=krb5,user=alice,upcall_target=app" 2>&1)
info "alice: $(echo "$mout" | grep '^mount:')"
check alice-mount-in-container out_has '^mount: ok'
saw_alice alice "$s0"
helper_used alice "$l0" container-cache "$cc"
log_since "$l0" | tail -n 2 | sed 's/^/    helper: /'

# root in the container for alice (cruid=), KRB5CCNAME in root's
# environment, as cifs.upcall takes it
l0=$(log_mark) s0=$(smb_mark)
check root-cruid-mount-in-container cexec env KRB5CCNAME="$cc" \
	mount -t cifs "//$SRV_NAME/share" "$ctr/mnt" \
	-o "sec=krb5,username=alice,cruid=$auid,$opts_app"
cexec umount "$ctr/mnt" 2>/dev/null
saw_alice root-cruid "$s0"
helper_used root-cruid "$l0" container-cache "$cc"
log_since "$l0" | tail -n 2 | sed 's/^/    helper: /'

# --- upcall_target=mount: the host's world, not the container's ---------
l0=$(log_mark)
mout=$(cexec env KRB5CCNAME="$cc" mount -t cifs "//$SRV_NAME/share" "$ctr/mnt" \
	-o "sec=krb5,username=alice,cruid=$auid,vers=3.1.1,ip=$SRV_ADDR,upcall_target=mount" 2>&1)
if cexec mountpoint -q "$ctr/mnt"; then
	cexec umount "$ctr/mnt"
	fail target-mount-not-container-cache "mounted from the container's cache"
else
	info "upcall_target=mount: $(echo "$mout" | head -n 1)"
	not_ctr() {
		out_has 'mount error(126)' && log_since "$l0" | grep -aq NO_CREDS &&
			! log_since "$l0" | grep -aq "$ctr"
	}
	check target-mount-not-container-cache not_ctr
fi
#   ... and the owner's default cache on the host is what it uses
cexec cat "$ctr/alice.cc" >"/tmp/krb5cc_$auid"
chown alice "/tmp/krb5cc_$auid"
chmod 600 "/tmp/krb5cc_$auid"
l0=$(log_mark) s0=$(smb_mark)
check target-mount-host-cache-mount cexec env KRB5CCNAME="$cc" \
	mount -t cifs "//$SRV_NAME/share" "$ctr/mnt" \
	-o "sec=krb5,username=alice,cruid=$auid,vers=3.1.1,ip=$SRV_ADDR,upcall_target=mount"
cexec umount "$ctr/mnt" 2>/dev/null
saw_alice target-mount "$s0"
helper_used target-mount "$l0" host-cache "FILE:/tmp/krb5cc_$auid"
rm -f "/tmp/krb5cc_$auid"

# --- root (creduid 0) in the container -----------------------------------
# root's tickets (alice's principal) in root's default cache there
kinit_root_ctr() {
	cexec sh -c "echo alicepw | kinit alice >/dev/null && kvno -q cifs/$SRV_NAME"
}
check kinit-root-in-container kinit_root_ctr
check root-cache-only-in-container sh -c "! test -e '$ctr/krb5cc_0' &&
	nsenter -t $cpid -m -- test -s '$ctr/krb5cc_0'"
l0=$(log_mark)
t0=$(date +%s)
mout=$(cexec mount -t cifs "//$SRV_NAME/share" "$ctr/mnt" \
	-o "sec=krb5,username=alice,$opts_app" 2>&1)
t1=$(date +%s)
if cexec mountpoint -q "$ctr/mnt"; then
	cexec umount "$ctr/mnt"
	fail root-in-container-refused "mounted"
else
	info "root in the container: $(echo "$mout" | head -n 1) ($((t1 - t0)) s)"
	check root-in-container-eperm out_has 'mount error(1)'
	check root-in-container-line sh -c "tail -n +$((l0 + 1)) '$KTEST_SYSLOG' |
		grep -aq 'NOT_PERMITTED.*creduid 0 in another mount namespace'"
fi
ktest_use_upcall "$helper --allow-root-mntns"
l0=$(log_mark) s0=$(smb_mark)
check root-in-container-allowed cexec mount -t cifs "//$SRV_NAME/share" \
	"$ctr/mnt" -o "sec=krb5,username=alice,$opts_app"
cexec umount "$ctr/mnt" 2>/dev/null
saw_alice root-allowed "$s0"
helper_used root-allowed "$l0" container-default-cache "FILE:$ctr/krb5cc_0"
ktest_use_upcall "$helper"

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
