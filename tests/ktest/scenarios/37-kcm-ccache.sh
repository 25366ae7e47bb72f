#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-init: systemd
# ktest-timeout: 420
#
# Tickets kept by sssd's KCM daemon (issue 13): krb5.conf's
# default_ccache_name = KCM:, as sssd users have it, served by the real
# sssd_kcm of the image through systemd's sssd-kcm.socket (run.sh boots
# this scenario alone under vng --systemd).  alice gets her TGT and
# cifs/<host> ticket with kinit and kvno, as alice, into her KCM caches;
# then, through mount.cifs and cifs-upcall-iakerb:
#   - sec=krb5 and sec=iakerb for cruid=alice take her stored ticket (one
#     AP round trip, the server sees alice);
#   - the helper reads the KCM as alice, never as root: a ticket of bob's
#     in root's KCM is not used for alice's mount, nor alice's for root's;
#   - a password IAKerb mount made by alice herself (store_tickets =
#     owner) leaves cifs/<host> in her KCM, and the next mount needs no
#     password;
#   - with the KCM daemon stopped a mount fails at once with ENOKEY and a
#     log line naming the KCM cache, not a hang.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"
unset KRB5CCNAME

mount_thread=$KTEST_SRC/tests/ktest/build/mount_thread
sssd_conf=/etc/sssd/sssd.conf
wrote_conf=

kcm_cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	[ -n "${auid:-}" ] && as_alice kdestroy -A >/dev/null 2>&1
	kdestroy -A >/dev/null 2>&1
	systemctl stop sssd-kcm.socket sssd-kcm.service >/dev/null 2>&1
	systemctl reset-failed sssd-kcm.socket sssd-kcm.service 2>/dev/null
	[ -n "$wrote_conf" ] && rm -f "$sssd_conf"
	iakerb_cleanup
}
trap kcm_cleanup EXIT

if [ "$(cat /proc/1/comm)" = systemd ]; then pass pid1-is-systemd; else
	fail pid1-is-systemd "PID 1 is $(cat /proc/1/comm)"; exit 1; fi
# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
iakerb_store_tickets owner
sed -i '/^\[libdefaults\]/a\	default_ccache_name = KCM:' /etc/krb5.conf
ktest_ensure_user alice
auid=$(id -u alice)
# an earlier scenario of the same systemd boot (34: localkdc ensure as
# alice) may have left her a FILE cache; no-file-cache below is about
# where this scenario's kinit puts her tickets
rm -f "/tmp/krb5cc_$auid"
agid=$(id -g alice)
# alice on this machine, and on the server side (where the KDC is)
as_alice() { setpriv --reuid="$auid" --regid="$agid" --clear-groups "$@"; }
as_alice_srv() {
	"$topo/srvexec.sh" "$w" setpriv --reuid="$auid" --regid="$agid" \
		--clear-groups env KRB5CCNAME=KCM: "$@"
}
# The server's KDC is root's alone (a 0700 tmpfs): open it to alice
# there, so that she gets her own tickets as alice.
"$topo/srvexec.sh" "$w" sh -c "chmod 711 '$SRV_DIR' && chmod 666 '$SRV_DIR/kdc.sock'"

# sssd_kcm, started by its socket on the first request (klist -l as
# alice).  Without an sssd.conf first (sssd-kcm(8): the [kcm] section is
# optional); only if this sssd refuses that, the smallest one.
kcm_active() {
	as_alice klist -l >/dev/null 2>&1
	systemctl -q is-active sssd-kcm.service
}
check kcm-socket systemctl start sssd-kcm.socket
if [ ! -e "$sssd_conf" ] && ! kcm_active; then
	info "sssd_kcm: $(systemctl status sssd-kcm.service 2>&1 | tail -n 3 | tr '\n' ' ')"
	printf '[sssd]\nservices = kcm\n\n[kcm]\n' >"$sssd_conf"
	chmod 600 "$sssd_conf"
	wrote_conf=1
	systemctl reset-failed sssd-kcm.service 2>/dev/null
fi
info "sssd.conf: $([ -n "$wrote_conf" ] && echo "a minimal one written" || echo "none needed")"
check kcm-activated-by-klist kcm_active

# journald holds the helper's lines (its /dev/log)
jcur() { journalctl -q -n 1 --show-cursor -o cat 2>/dev/null | sed -n 's/^-- cursor: //p'; }
helper_since() {
	journalctl --sync 2>/dev/null
	journalctl -q --after-cursor="$1" -t cifs-upcall-iakerb -o cat 2>/dev/null
}
smb_mark() { wc -l <"$LOG_DIR/smbsrv.log"; }
# out_has REGEX: the last mount's output ($mout) says it
out_has() { printf '%s\n' "$mout" | grep -q -- "$1"; }
# smb_saw MARK USER: the server set up a session for USER since MARK
smb_saw() { smb_since "$1" | grep 'SESSION ' | grep -q "user=$2@"; }
smb_since() { tail -n "+$(($1 + 1))" "$LOG_DIR/smbsrv.log"; }
kdc_mark() { wc -l <"$KDC_LOG"; }

# alice's tickets: kinit and kvno as alice, into KCM:
alice_tickets() {
	as_alice_srv sh -c "echo alicepw | kinit alice >/dev/null &&
		kvno -q cifs/$SRV_NAME"
}
check kinit-alice-into-kcm alice_tickets
# in_klist REGEX: alice's klist (her default cache, KCM:) shows it
in_klist() { as_alice klist 2>&1 | grep -q -- "$1"; }
info "alice's klist: $(as_alice klist 2>&1 | head -n 2 | tr '\n' ' ')"
check alice-cache-is-kcm in_klist "^Ticket cache: KCM:$auid"
check alice-kcm-holds-service-ticket in_klist "cifs/$SRV_NAME@$REALM"
check no-file-cache test ! -e "/tmp/krb5cc_$auid"
# root's KCM: bob's tickets
root_bob() {
	"$topo/srvexec.sh" "$w" env KRB5CCNAME=KCM: sh -c "echo bobpw |
		kinit bob >/dev/null && kvno -q cifs/$SRV_NAME"
}
check kinit-bob-into-root-kcm root_bob
check root-kcm-holds-bob sh -c "klist | grep -q 'Default principal: bob@'"
check alice-does-not-see-bob sh -c "! setpriv --reuid=$auid --regid=$agid \
	--clear-groups klist -l 2>&1 | grep -q bob@"

# mount_as NAME SEC [MORE OPTIONS]: root mounts for alice (cruid=) with
# mount.cifs; one AP round trip, the server saw alice and not bob
mount_as_alice() {
	local name=$1 sec=$2 more=${3:-} s0 m0 k0
	s0=$(smb_mark) m0=$(jcur) k0=$(kdc_mark)
	echo >"$trace"
	check "$name-mount" mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "sec=$sec,username=alice,cruid=$auid$more,$opts"
	mountpoint -q "$mnt" || { helper_since "$m0" | sed 's/^/    helper: /'; return; }
	check "$name-ap-only" test "$(traced_round_trips)" = "$iakerb_ap_round_trips"
	check "$name-no-kdc-request" test "$(kdc_mark)" = "$k0"
	check "$name-server-saw-alice" sh -c "tail -n +$((s0 + 1)) '$LOG_DIR/smbsrv.log' |
		grep 'SESSION ' | grep -q 'user=alice@' &&
		! tail -n +$((s0 + 1)) '$LOG_DIR/smbsrv.log' | grep -q 'user=bob@'"
	check "$name-helper-used-kcm" sh -c "journalctl --sync; journalctl -q \
		--after-cursor='$m0' -t cifs-upcall-iakerb -o cat |
		grep -q 'KCM:$auid'"
	check "$name-umount" umount "$mnt"
}
mount_as_alice kcm-krb5 krb5
mount_as_alice kcm-iakerb iakerb

# --- isolation: the helper opens KCM as the credential owner ---------------
# alice has nothing, root has bob: alice's mount must not take bob's
as_alice kdestroy -A
m0=$(jcur) s0=$(smb_mark)
mout=$(mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,cruid=$auid,$opts" 2>&1)
if mountpoint -q "$mnt"; then
	umount "$mnt"
	fail alice-mount-not-from-root-kcm "mounted: $(smb_since "$s0" | grep SESSION)"
else
	info "alice, none of her own: $(echo "$mout" | head -n 1)"
	not_bob() { out_has 'mount error(126)' && ! smb_saw "$s0" bob; }
	check alice-mount-not-from-root-kcm not_bob
fi
info "helper: $(helper_since "$m0" | tail -n 1)"
# ... and the other way round: root's own mount takes bob's, never alice's
check kinit-alice-again alice_tickets
s0=$(smb_mark)
check root-mount-own-kcm mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=bob,$opts"
mountpoint -q "$mnt" && umount "$mnt"
was_bob() { smb_saw "$s0" bob && ! smb_saw "$s0" alice; }
check root-mount-was-bob was_bob
kdestroy -A
s0=$(smb_mark)
mout=$(mount -t cifs "//$SRV_NAME/share" "$mnt" -o "sec=krb5,username=alice,$opts" 2>&1)
if mountpoint -q "$mnt"; then
	umount "$mnt"
	fail root-mount-not-from-alice-kcm "mounted: $(smb_since "$s0" | grep SESSION)"
else
	info "root, none of its own: $(echo "$mout" | head -n 1)"
	check root-mount-not-from-alice-kcm out_has 'mount error(126)'
fi

# --- a password IAKerb mount by alice keeps its tickets in her KCM ----------
# alice mounts herself (real uid alice, CAP_SYS_ADMIN only): she is the
# credential owner and the mounter, so store_tickets = owner applies
as_alice kdestroy -A
pw_mount() {
	setpriv --reuid="$auid" --regid="$agid" --clear-groups \
		--inh-caps=+sys_admin --ambient-caps=+sys_admin \
		"$mount_thread" "//$SRV_NAME/share" "$mnt" \
		"ip=$SRV_ADDR,unc=\\\\$SRV_NAME\\share,vers=3.1.1,sec=iakerb,user=alice,password=alicepw"
}
check tool-built test -x "$mount_thread"
k0=$(kdc_mark) m0=$(jcur)
check alice-password-mount pw_mount
info "helper: $(helper_since "$m0" | grep -i 'stor' | tail -n 1)"
check password-went-to-kdc test "$(kdc_mark)" -gt "$k0"
stored_in_kcm() {
	in_klist "^Ticket cache: KCM:$auid" && in_klist "cifs/$SRV_NAME@$REALM"
}
check password-ticket-in-alice-kcm stored_in_kcm
check password-ticket-not-in-root-kcm sh -c "! klist -l 2>&1 | grep -q alice@"
# the next mount: that ticket, no password, one AP leg
mount_as_alice kcm-stored krb5

# --- the KCM daemon stopped: a clear failure, at once ---------------------
systemctl stop sssd-kcm.socket sssd-kcm.service
check kcm-stopped sh -c "! systemctl -q is-active sssd-kcm.service &&
	! systemctl -q is-active sssd-kcm.socket"
m0=$(jcur)
t0=$(date +%s)
mout=$(timeout 60 mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=krb5,username=alice,cruid=$auid,$opts" 2>&1)
t1=$(date +%s)
lines=$(helper_since "$m0")
info "KCM down ($((t1 - t0)) s): $(echo "$mout" | head -n 1)"
echo "$lines" | tail -n 3 | sed 's/^/    helper: /'
if mountpoint -q "$mnt"; then
	umount "$mnt"
	fail kcm-down-refused "mounted"
else
	check kcm-down-enokey out_has 'mount error(126)'
	check kcm-down-no-hang test $((t1 - t0)) -lt 15
	names_kcm() { printf '%s\n' "$lines" | grep -q 'NO_CREDS.*KCM:.*cannot be read'; }
	check kcm-down-line-names-kcm names_kcm
fi

check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
