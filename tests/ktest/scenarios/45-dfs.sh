#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 420
#
# DFS with IAKerb (issue 14, item 4): two servers, two realms, no trust.
#
#   client (this VM)           srv1 iakerb-srv.test      srv2 dfs-srv2.test
#   krb5.conf: no realm,       realm A, its own KDC      realm B, its own KDC
#   no KDC                     share dfsroot: DFS root,  share "share"
#                              link -> \\dfs-srv2.test\share
#
# alice has a principal in each realm, with the same password (a user
# whose accounts in two organisations share one password is the case
# this covers; a trust between the realms is not needed).  She mounts
# //srv1/dfsroot with sec=iakerb and her password.  Opening dfsroot/link
# gets STATUS_PATH_NOT_COVERED, the kernel asks srv1 for a referral,
# connects to srv2 and sets up a second IAKerb session with the mount's
# user and password: the helper must find realm B by discovery through
# srv2 (not A, srv1's), and srv2 proxies the AS and TGS exchanges to B's
# KDC.  Then alice's password changes in B only: the link fails with the
# KDC's answer in the helper's log, the root stays usable.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

w2=$KTEST_WORK/$KTEST_NAME-topo2
srv2_name=dfs-srv2.test
dfs_cleanup() {
	mountpoint -q "$mnt" && umount -R "$mnt"
	iakerb_cleanup
	"$topo/down.sh" "$w2" >/dev/null 2>&1
}
trap dfs_cleanup EXIT

check syslog-catcher ktest_catch_syslog
syslog=$KTEST_SYSLOG

# srv2: realm B, on 169.254.78.0/24, exporting "share"
if "$topo/up.sh" --srv-name "$srv2_name" --net 78 "$w2" &&
	env SMBSRV="$srv_bin" "$topo/smbsrv-start.sh" "$w2" "${srv_mode[@]}"; then
	pass srv2-up
else
	fail srv2-up "second topology or its smbsrv"
	exit 1
fi
R2=$(. "$w2/topo.env"; echo "$REALM")
S2_ADDR=$(. "$w2/topo.env"; echo "$SRV_ADDR")
S2_DIR=$(. "$w2/topo.env"; echo "$SRV_DIR")
S2_LOG=$(. "$w2/topo.env"; echo "$LOG_DIR")
S2_KDC_LOG=$(. "$w2/topo.env"; echo "$KDC_LOG")
grep -q " $srv2_name\$" /etc/hosts || echo "$S2_ADDR $srv2_name" >>/etc/hosts
s2() { "$topo/srvexec.sh" "$w2" "$@"; }

# srv1: realm A; the topology's share first, then the DFS root beside it
if iakerb_up && "$topo/srvexec.sh" "$w" mkdir -p "$SRV_DIR/shares/dfsroot" &&
	iakerb_restart --share "dfsroot=$SRV_DIR/shares/dfsroot" \
		--dfs-root dfsroot \
		--dfs-link "dfsroot/link=\\\\$srv2_name\\share"; then
	pass srv1-up
else
	fail srv1-up "topology or smbsrv with DFS"
	exit 1
fi
R1=$REALM
info "srv1 $SRV_NAME realm $R1; srv2 $srv2_name realm $R2"
check realms-differ test "$R1" != "$R2"
check client-names-no-realm sh -c "! grep -Eq 'default_realm|^[[:space:]]*kdc[[:space:]]*=' /etc/krb5.conf"

# srv1.log / srv2.log / kdc logs since a mark
l1() { wc -l <"$LOG_DIR/smbsrv.log"; }
l2() { wc -l <"$S2_LOG/smbsrv.log"; }
since1() { tail -n "+$(($1 + 1))" "$LOG_DIR/smbsrv.log"; }
since2() { tail -n "+$(($1 + 1))" "$S2_LOG/smbsrv.log"; }
k1() { wc -l <"$KDC_LOG"; }
k2() { wc -l <"$S2_KDC_LOG"; }
ksince1() { tail -n "+$(($1 + 1))" "$KDC_LOG"; }
ksince2() { tail -n "+$(($1 + 1))" "$S2_KDC_LOG"; }
show() { sed -e 's/^[0-9.]* /    /' -e 's/ major=.*user=/ user=/'; }
# has TEXT PATTERN: TEXT has a line matching PATTERN
has() { printf '%s\n' "$1" | grep -q -- "$2"; }

# A file put on srv2 by its side, to read through the link
payload=$KTEST_WORK/dfs-payload.$$
ktest_random_file "$payload" 262144
s2 sh -c "cat > '$S2_DIR/shares/share/from-srv2.bin'" <"$payload"

# 1. the root, with alice's password
: >"$syslog"
a=$(l1) b=$(l2) ka=$(k1) kb=$(k2) d0=$(dmesg_mark)
check mount-dfs-root mount -t cifs "//$SRV_NAME/dfsroot" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"
mountpoint -q "$mnt" || { info "$(dmesg_since "$d0")"; exit 1; }
s1=$(since1 "$a")
printf '%s\n' "$s1" | grep -E 'DFS|TREE' | show
check root-tree-connect has "$s1" "TREE .* share=dfsroot"
check root-referral-answered has "$s1" "DFS referral .*result=root version=3"
check root-session-realm-a has "$s1" "SESSION .*user=alice@$R1 new"
check srv2-untouched-by-root test "$(since2 "$b" | grep -c 'CONN open')" = 0

# 2. through the link: the referral, srv2, and its own IAKerb session
echo >"$trace"
check link-read-srv2-file cmp "$payload" "$mnt/link/from-srv2.bin"
s1=$(since1 "$a") s2l=$(since2 "$b")
printf '%s\n' "$s1" | grep 'DFS' | show
printf '%s\n' "$s2l" | grep -E 'SESSLEG|SESSION|TREE' | show
check link-not-covered has "$s1" "DFS not-covered .*path=link"
check link-referral-to-srv2 has "$s1" "DFS referral .*result=link version=3 .*target=\\\\$srv2_name\\\\share"
check srv2-leg-discovery has "$s2l" "SESSLEG .*what=discovery"
check srv2-leg-as-req has "$s2l" "SESSLEG .*what=AS-REQ"
check srv2-leg-tgs-req has "$s2l" "SESSLEG .*what=TGS-REQ"
check srv2-session-realm-b has "$s2l" "SESSION .*user=alice@$R2 new signing=1"
check srv2-tree-share has "$s2l" "TREE .* share=share"
kl2=$(ksince2 "$kb")
printf '%s\n' "$kl2" | grep _REQ | sed 's/^.*}) /    kdc B: /'
check kdc-b-as-alice has "$kl2" "AS_REQ .*ISSUE.*alice@$R2 for krbtgt/$R2@$R2"
check kdc-b-tgs-srv2 has "$kl2" "TGS_REQ .*ISSUE.*alice@$R2 for cifs/$srv2_name@$R2"
check kdc-a-nothing-for-srv2 sh -c "! tail -n +$((ka + 1)) '$KDC_LOG' | grep -q '$srv2_name\|$R2'"
check helper-discovered-realm-b grep -aq "alice@$srv2_name .*realm discovery: the server's realm is $R2" "$syslog"
check helper-no-realm-a-for-srv2 sh -c "! grep -a 'alice@$srv2_name' '$syslog' | grep -q '$R1'"
grep -a "alice@$srv2_name" "$syslog" | grep -a 'realm' | sed 's/^.*cifs-upcall-iakerb/    syslog: cifs-upcall-iakerb/'
check srv2-legs-traced test "$(grep -c 'smb3_krb5_leg: .*dir=recv' "$trace")" -ge 4
dd=$(cat /proc/fs/cifs/DebugData)
printf '%s\n' "$dd" | grep -E 'Hostname|Security type' | sed 's/^/    /'
check debugdata-both-servers sh -c "printf '%s\n' \"\$0\" | grep -q 'Hostname: $SRV_NAME' && printf '%s\n' \"\$0\" | grep -q 'Hostname: $srv2_name'" "$dd"
check debugdata-two-iakerb-sessions test "$(printf '%s\n' "$dd" | grep -c 'Security type: IAKerb')" -ge 2
ktest_file_roundtrip link "$mnt/link"
check link-write-lands-on-srv2 sh -c "cp '$payload' '$mnt/link/from-client.bin' && sync && '$topo/srvexec.sh' '$w2' cat '$S2_DIR/shares/share/from-client.bin' | cmp - '$payload'"
check link-nothing-on-srv1 sh -c "! '$topo/srvexec.sh' '$w' test -e '$SRV_DIR/shares/dfsroot/from-client.bin'"
ktest_file_roundtrip root "$mnt"
# Linux keeps one connection per DFS path it resolves (server->leaf_fullpath,
# for failover): every one is its own IAKerb exchange with the password
info "srv1: $(grep -c 'SESSION .*new' "$LOG_DIR/smbsrv.log") IAKerb sessions for one mount and one link, $(grep -c 'SESSLEG .*kdc=1' "$LOG_DIR/smbsrv.log") KDC legs relayed"
check umount-all umount -R "$mnt"

# 3. alice's password changes in realm B only: the link fails, by name
s2 env KRB5_CONFIG="$S2_DIR/krb5.conf" KRB5_KDC_PROFILE="$S2_DIR/kdc.conf" \
	kadmin.local -r "$R2" -q "cpw -pw alice-b-new alice" >/dev/null 2>&1
: >"$syslog"
a=$(l1) b=$(l2) kb=$(k2) d0=$(dmesg_mark)
check mount-dfs-root-again mount -t cifs "//$SRV_NAME/dfsroot" "$mnt" \
	-o "sec=iakerb,username=alice,password=alicepw,$opts"
mountpoint -q "$mnt" || exit 1
out=$(ls "$mnt/link/" 2>&1)
info "ls link: $out"
check link-refused sh -c "! ls '$mnt/link/from-srv2.bin'"
s2l=$(since2 "$b")
printf '%s\n' "$s2l" | grep -E 'SESSLEG|SESSION' | show
check srv2-no-session has "$s2l" "SESSLEG .*what=AS-REQ"
check srv2-no-session-made sh -c "! printf '%s\n' \"\$0\" | grep -q 'SESSION .*user=alice'" "$s2l"
check kdc-b-preauth-failed has "$(ksince2 "$kb")" "PREAUTH_FAILED.*alice@$R2"
check helper-says-bad-password grep -aq "alice@$srv2_name .*BAD_PASSWORD" "$syslog"
grep -a "alice@$srv2_name" "$syslog" | grep -aiE 'password|fail|error' | sed 's/^.*cifs-upcall-iakerb/    syslog: cifs-upcall-iakerb/' | head -5
info "kernel: $(dmesg_since "$d0" | tr '\n' ' ')"
ktest_file_roundtrip root-after "$mnt"
check root-session-kept grep -q "Hostname: $SRV_NAME" /proc/fs/cifs/DebugData
check umount-again umount -R "$mnt"

sleep 1
check no-helper-left sh -c "! pgrep -f '^$helper'"
cp "$LOG_DIR/smbsrv.log" "$KTEST_OUT/$KTEST_NAME.srv1.log" 2>/dev/null
cp "$S2_LOG/smbsrv.log" "$KTEST_OUT/$KTEST_NAME.srv2.log" 2>/dev/null
cp "$S2_KDC_LOG" "$KTEST_OUT/$KTEST_NAME.kdc2.log" 2>/dev/null
[ -z "${KTEST_FAILED:-}" ]
