#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make interop-selftest: make interop against two servers run on this
# machine, each in the server network namespace of tests/ktest/topology
# (a veth pair, 169.254.91.0/24: the VM reaches 169.254.91.2 through
# QEMU's user-mode NAT, which connects from this machine's side of the
# pair; no other address is ever contacted):
#   a) smbsrv with its own MIT KDC (IAKerb offered): every check passes;
#   b) real Samba (no IAKerb in 4.25): the report says the server offers
#      no IAKerb, with its mechs=, and the NTLMSSP fallback mounts.
# Runs in the image (make re-runs itself there), two VM boots, 2.5-5 min
# under TCG.  Ends with "N passed, N failed" over the two reports' own
# checks and what each must show.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
topo=$top/tests/ktest/topology
w=$(mktemp -d /tmp/interop-selftest.XXXXXX)
passed=0 failed=0
ok() { echo "PASS interop-selftest/$1"; passed=$((passed + 1)); }
ko() { echo "FAIL interop-selftest/$1: $2"; failed=$((failed + 1)); }
smbd_pid=
cleanup() {
	[ -n "$smbd_pid" ] && kill "$smbd_pid" 2>/dev/null
	"$topo/smbsrv-stop.sh" "$w" >/dev/null 2>&1
	"$topo/down.sh" "$w" >/dev/null 2>&1
	rm -rf "$w"
}
trap cleanup EXIT

"$topo/up.sh" --net 91 --srv-name iakerb-srv.test "$w" >/dev/null ||
	{ echo "interop-selftest: topology failed"; echo "0 passed, 1 failed"; exit 1; }
. "$w/topo.env"
printf 'alicepw\n' >"$w/alice.pass"
chmod 600 "$w/alice.pass"
export IAKERB_INTEROP_ADDR=$SRV_ADDR

# a) smbsrv
env SMBSRV="$top/tests/ktest/smbsrv/build/smbsrv" "$topo/smbsrv-start.sh" "$w" ||
	ko smbsrv-start "smbsrv did not start"
"$top/scripts/interop.sh" "//$SRV_NAME/share" alice "$w/alice.pass" | tee "$w/smbsrv.out"
rc=${PIPESTATUS[0]}
cp "$top/tests/ktest/out/latest/interop-report.txt" "$w/smbsrv.report" 2>/dev/null
[ $rc = 0 ] && ok smbsrv-all-checks-pass || ko smbsrv-all-checks-pass "exit $rc"
for c in iakerb-password-mount legs-traced iakerb-dialect smb-dialect io \
	reconnect stored-ticket-remount wrong-password; do
	grep -q "^PASS $c:" "$w/smbsrv.report" && ok "smbsrv-$c" ||
		ko "smbsrv-$c" "no PASS $c in the report"
done
grep -q 'server mechs: 0x[0-9a-f]* (.*iakerb' "$w/smbsrv.report" &&
	ok smbsrv-mechs-iakerb || ko smbsrv-mechs-iakerb "no mechs with iakerb"
tail -n 1 "$w/smbsrv.report" | grep -qE '^[1-9][0-9]* passed, 0 failed$' &&
	ok smbsrv-report-end || ko smbsrv-report-end "$(tail -n 1 "$w/smbsrv.report")"
"$topo/smbsrv-stop.sh" "$w"

# b) Samba 4.25, standalone, Kerberos through a dedicated keytab (so it
# offers krb5 and NTLMSSP, as a member server would), user alice in a
# passwd of the server namespace's own (bind-mounted there only)
sd=$w/samba
mkdir -p "$sd/share" "$sd/private" "$sd/lock" "$sd/state" "$sd/cache" "$sd/pid" "$sd/ncalrpc"
chmod 1777 "$sd/share"
# Samba serves the share as alice: mktemp's 0700 would stop her at $w
chmod 0755 "$w" "$sd"
cp /etc/passwd "$sd/passwd"
cp /etc/group "$sd/group"
echo 'alice:x:2001:2001::/tmp:/bin/false' >>"$sd/passwd"
echo 'alice:x:2001:' >>"$sd/group"
"$topo/srvexec.sh" "$w" mount --bind "$sd/passwd" /etc/passwd
"$topo/srvexec.sh" "$w" mount --bind "$sd/group" /etc/group
cat >"$sd/smb.conf" <<CONF
[global]
    server role = standalone
    security = user
    netbios name = IAKERB-SRV
    interfaces = $SRV_ADDR/24
    bind interfaces only = yes
    smb ports = 445
    disable netbios = yes
    server min protocol = SMB2_10
    realm = $REALM
    kerberos method = dedicated keytab
    dedicated keytab file = FILE:$SRV_KEYTAB
    log level = 1
    log file = $sd/log.smbd
    private dir = $sd/private
    lock directory = $sd/lock
    state directory = $sd/state
    cache directory = $sd/cache
    pid directory = $sd/pid
    ncalrpc dir = $sd/ncalrpc
    passdb backend = tdbsam:$sd/private/passdb.tdb
[share]
    path = $sd/share
    read only = no
CONF
printf 'alicepw\nalicepw\n' | "$topo/srvexec.sh" "$w" smbpasswd -c "$sd/smb.conf" -s -a alice >/dev/null
"$topo/srvexec.sh" "$w" smbd -F -s "$sd/smb.conf" --debug-stdout </dev/null >"$sd/smbd.out" 2>&1 &
smbd_pid=$!
up=0
for _ in $(seq 100); do
	"$topo/srvexec.sh" "$w" bash -c "exec 3<>/dev/tcp/$SRV_ADDR/445" 2>/dev/null && { up=1; break; }
	sleep 0.2
done
[ $up = 1 ] && ok samba-start || ko samba-start "$(tail -n 5 "$sd/smbd.out")"
"$top/scripts/interop.sh" "//$SRV_NAME/share" alice "$w/alice.pass" | tee "$w/samba.out"
cp "$top/tests/ktest/out/latest/interop-report.txt" "$w/samba.report" 2>/dev/null
grep -q 'server offers no IAKerb (mechs=0x[0-9a-f]*)' "$w/samba.report" &&
	ok samba-says-no-iakerb || ko samba-says-no-iakerb "no 'server offers no IAKerb (mechs=0x..)' line"
grep -q '^PASS ntlmssp-fallback:' "$w/samba.report" &&
	ok samba-ntlmssp-fallback || ko samba-ntlmssp-fallback "no PASS ntlmssp-fallback"
grep -q '^SKIP iakerb-password-mount' "$w/samba.report" &&
	ok samba-iakerb-skipped || ko samba-iakerb-skipped "no SKIP iakerb-password-mount"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
