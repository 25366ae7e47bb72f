#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The scenario behind `make demo`, run in the VM by tests/ktest/run.sh: it
# shows the main job step by step.  Today that is the Kerberos baseline
# (real MIT KDC on a UNIX socket, real Samba, stock cifs.upcall); it turns
# into the IAKerb mount with no line of sight to the KDC as the series
# lands.
. "$KTEST_SRC/tests/ktest/lib.sh"

realm=DEMO.LAN
mnt=/tmp/mnt/share
step() { echo "  demo: \$ $*"; "$@" 2>&1 | sed 's/^/  demo:   /'; return "${PIPESTATUS[0]}"; }

info "kernel $(uname -r), cifs.ko srcversion $(cat /sys/module/cifs/srcversion)"
info "starting MIT krb5kdc $(krb5-config --version | awk '{print $NF}') on a UNIX socket, realm $realm"
ktest_ensure_kdc "$realm" || { fail kdc "krb5kdc did not start"; exit 1; }
ktest_kdc_addprinc alice 'Alice-pass-1'
ktest_kdc_addprinc cifs/srv.test
mkdir -p "$KTEST_WORK/samba"
ktest_kdc_ktadd "$KTEST_WORK/samba/smb.keytab" cifs/srv.test
ktest_ensure_user alice
info "starting Samba $(smbd --version | awk '{print $2}') with a keytab for cifs/srv.test"
ktest_ensure_samba "$realm" || { fail samba "smbd did not start"; exit 1; }
echo "hello from the share" >"$KTEST_WORK/samba/share/hello.txt"
ktest_use_upcall stock

export KRB5CCNAME=FILE:/tmp/krb5cc_0
echo Alice-pass-1 | kinit alice@$realm >/dev/null || { fail kinit "kinit failed"; exit 1; }
mkdir -p "$mnt"
info "the client has a TGT for alice; cifs.upcall gets the service ticket"
if step mount -t cifs //srv.test/share "$mnt" -o sec=krb5,username=alice,vers=3.1.1; then
	pass mount
else
	fail mount "mount -t cifs failed"
	dmesg | tail -n 20
	exit 1
fi
step grep -E 'Security type|Dialect' /proc/fs/cifs/DebugData
step ls -l "$mnt"
step cat "$mnt/hello.txt"
check read-file grep -q 'hello from the share' "$mnt/hello.txt"
step klist
step umount "$mnt"
