#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The scenario behind `make demo-trust`, run in the VM by tests/ktest/run.sh:
# two machines, each with its own local KDC made by localkdc, and a trust
# between them that ends by itself.  Machine B (the server side of the
# topology, its own network and mount namespaces) serves a share with
# smbsrv; machine A (the VM's own namespaces) has alice.  After a trust
# offered on A and accepted on B, alice mounts B's share with sec=krb5 and
# no password: her helper gets krbtgt/B@A from A's KDC over A's socket, and
# only the TGS and AP exchanges go through B's server.
. "$KTEST_SRC/tests/ktest/lib.sh"

. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"
. "$KTEST_SRC/tests/ktest/demo-lib.sh"
mnt=/tmp/mnt/share
lkdc=$KTEST_SRC/localkdc-helper/build/localkdc
A=$KTEST_WORK/machine-a

# localkdc on machine A, on machine B (as the admin of each would type it)
on_a() { "$lkdc" --root "$A" "$@"; }
on_b() { "$topo/srvexec.sh" "$w" "$lkdc" --root "$SRV_DIR/lkdc" "$@"; }
realm_of() { sed -n 's/.*"realm": *"\([^"]*\)".*/\1/p'; }

demo_cleanup() {
	on_a stop >/dev/null 2>&1
	iakerb_cleanup
	rm -f "/tmp/krb5cc_$(id -u alice 2>/dev/null)"
}
trap demo_cleanup EXIT

say "machine B: its own network and mount namespaces, localkdc and smbsrv"
iakerb_topo_args=(--localkdc "$lkdc")
iakerb_up || { fail set-up "topology, localkdc, smbsrv or the builds"; exit 1; }
RB=$REALM
step on_b status
"$topo/srvexec.sh" "$w" sh -c "echo 'hello across the trust' >$SRV_DIR/shares/share/hello.txt"

say "machine A: its own realm, and alice in it (her password goes to A's KDC only)"
ktest_ensure_user alice
uid=$(id -u alice)
rm -rf "$A"
mkdir -p "$A"
echo alice-A-pw | step on_a setup --host client.test --user alice ||
	{ fail set-up "localkdc setup on A"; exit 1; }
RA=$(on_a status --json | realm_of)
iakerb_client_krb5_conf "include $A/etc/krb5.conf.d/localkdc.conf"

say "the trust: offered on A for an hour, accepted on B with the passphrase"
on_a trust offer --expires 1h --peer-host "$SRV_NAME" "$RB" \
	>"$KTEST_WORK/tok" 2>"$KTEST_WORK/offer.err" ||
	{ fail trust "offer: $(cat "$KTEST_WORK/offer.err")"; exit 1; }
say "A printed the token ($(wc -c <"$KTEST_WORK/tok") bytes, sealed) and:"
sed 's/^/  demo:   /' "$KTEST_WORK/offer.err"
printf '%s\n%s\n' "$(cat "$KTEST_WORK/tok")" \
	"$(sed -n 's/^passphrase .*: //p' "$KTEST_WORK/offer.err")" |
	step on_b trust accept || { fail trust "accept on B"; exit 1; }
step on_a trust list
step on_b trust list
say "A's krb5.conf: its own realm's socket and the trusted host's realm, no KDC of B"
step cat /etc/krb5.conf "$A/etc/krb5.conf.d/localkdc.conf"

say "alice's TGT of A, as at her login"
a0=$(wc -l <"$A/var/lib/localkdc/kdc.log")
step on_a ensure --user alice
b0=$("$topo/srvexec.sh" "$w" cat "$KDC_LOG" | wc -l)

mkdir -p "$mnt"
echo >"$trace"
demo_mount mount-across-trust "sec=krb5,username=alice,cruid=$uid"
say "the legs, as the kernel traced them (smb3_krb5_leg): TGS for B, then AP"
demo_legs
say "the legs, as B's smbsrv saw them:"
grep 'SESSLEG' "$LOG_DIR/smbsrv.log" | sed -e 's/^[0-9.]* /  demo:   /' -e 's/ major=.*user=/ user=/'
say "A's KDC: alice's TGT (ensure) and the cross-realm TGT, asked over A's socket"
tail -n +"$((a0 + 1))" "$A/var/lib/localkdc/kdc.log" | grep '_REQ' |
	sed -E -e 's/.*\(info\): //' -e 's/\([0-9]+ etypes \{[^}]*\}\) //' \
		-e 's/, etypes \{[^}]*\}//' -e 's/^/  demo:   /'
say "B's KDC: one TGS request, relayed by B's server; no AS request ever"
"$topo/srvexec.sh" "$w" cat "$KDC_LOG" | tail -n +"$((b0 + 1))" | grep '_REQ' |
	sed -E -e 's/.*\(info\): //' -e 's/\([0-9]+ etypes \{[^}]*\}\) //' \
		-e 's/, etypes \{[^}]*\}//' -e 's/^/  demo:   /'
check b-kdc-no-as-req sh -c "! '$topo/srvexec.sh' '$w' grep -q AS_REQ '$KDC_LOG'"
step klist -c "FILE:/tmp/krb5cc_$uid"
check read-file grep -q 'hello across the trust' "$mnt/hello.txt"
step cat "$mnt/hello.txt"
step umount "$mnt"

say "B removes its half of the trust: alice's next mount fails, and says why"
step on_b trust remove "$RA"
rm -f "/tmp/krb5cc_$uid"
on_a ensure --user alice >/dev/null
m=$(dmesg | wc -l)
if step mount -t cifs "//$SRV_NAME/share" "$mnt" \
		-o "sec=krb5,username=alice,cruid=$uid,$opts"; then
	fail refused-without-trust "mounted"
	umount "$mnt"
else
	dmesg | tail -n +"$((m + 1))" | grep 'VFS: Kerberos' | sed 's/^/  demo:   /'
	check refused-without-trust sh -c "dmesg | tail -n +$((m + 1)) | grep -q 'no valid trust'"
fi
[ -z "${KTEST_FAILED:-}" ]
