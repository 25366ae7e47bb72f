#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# smbsrv, our IAKerb-capable test server, before IAKerb is involved: the
# cifs module mounts it with sec=krb5 through the stock cifs.upcall, with
# no line of sight to the KDC.  The KDC lives in the server's own network
# and mount namespaces (tests/ktest/topology); the client gets its service
# ticket copied in, and its /etc/krb5.conf names no KDC.
. "$KTEST_SRC/tests/ktest/lib.sh"

topo=$KTEST_SRC/tests/ktest/topology
bin=$KTEST_SRC/tests/ktest/smbsrv/build/smbsrv
w=$KTEST_WORK/smbsrv-topo
mnt=$KTEST_WORK/mnt-smbsrv
mkdir -p "$mnt"

cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	[ -f "$KTEST_WORK/krb5.conf.before-smbsrv" ] &&
		cp "$KTEST_WORK/krb5.conf.before-smbsrv" /etc/krb5.conf
	rm -f /tmp/krb5cc_0
	"$topo/down.sh" "$w" >/dev/null 2>&1
}
trap cleanup EXIT

[ -x "$bin" ] || { fail build "no $bin (make -C tests/ktest all)"; exit 1; }
check topology-up "$topo/up.sh" "$w"
. "$w/topo.env"
check smbsrv-start env SMBSRV="$bin" "$topo/smbsrv-start.sh" "$w"

# The service ticket, fetched on the server side and copied in.
"$topo/srvexec.sh" "$w" sh -c "echo alicepw | KRB5CCNAME=FILE:$SRV_DIR/cc \
	kinit alice >/dev/null && KRB5CCNAME=FILE:$SRV_DIR/cc kvno -q \
	cifs/$SRV_NAME && cat $SRV_DIR/cc" >/tmp/krb5cc_0
chmod 600 /tmp/krb5cc_0
check ticket-copied test -s /tmp/krb5cc_0

[ -f /etc/krb5.conf ] && cp /etc/krb5.conf "$KTEST_WORK/krb5.conf.before-smbsrv"
cp "$CLI_KRB5_CONFIG" /etc/krb5.conf
check no-kdc-in-krb5conf sh -c "! grep -Eq '^[[:space:]]*kdc[[:space:]]*=' /etc/krb5.conf"
check no-kdc-socket test ! -e "$SRV_DIR/kdc.sock"
ktest_use_upcall stock

kreq0=$(grep -c '_REQ' "$KDC_LOG")
check mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,vers=3.1.1,ip=$SRV_ADDR"
if mountpoint -q "$mnt"; then
	check sectype-kerberos grep -q 'Security type: Kerberos' /proc/fs/cifs/DebugData
	check server-saw-krb5 grep -q "SESSLEG .*status=0x00000000 .*what=AP-REQ" "$LOG_DIR/smbsrv.log"
	check session-signed grep -q "SESSION .*user=alice@$REALM new signing=1" "$LOG_DIR/smbsrv.log"
	ktest_file_roundtrip smbsrv "$mnt"
	check mkdir mkdir "$mnt/dir1"
	check cp-into-dir sh -c "echo hello >'$mnt/dir1/a' && cp '$mnt/dir1/a' '$mnt/dir1/b'"
	check stat sh -c "[ \$(stat -c %s '$mnt/dir1/b') = 6 ]"
	check truncate sh -c "truncate -s 3 '$mnt/dir1/b' && [ \$(stat -c %s '$mnt/dir1/b') = 3 ]"
	check mv-dir sh -c "mv '$mnt/dir1' '$mnt/dir2' && [ -f '$mnt/dir2/a' ]"
	check on-server "$topo/srvexec.sh" "$w" test -f "$SRV_DIR/shares/share/dir2/a"
	check rm-r rm -r "$mnt/dir2"
	check no-bad-signatures sh -c "! grep -q BADSIG '$LOG_DIR/smbsrv.log'"
	check umount umount "$mnt"
fi
check kdc-untouched-by-client sh -c "[ \$(grep -c '_REQ' '$KDC_LOG') = $kreq0 ]"
cp "$LOG_DIR/smbsrv.log" "$KTEST_OUT/$KTEST_NAME.smbsrv.log" 2>/dev/null
[ -z "${KTEST_FAILED:-}" ]
