#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace tests of smbsrv across the namespace topology (no VM): Samba's
# smbclient for plain krb5 + file operations + signing, our IAKerb client
# for IAKerb, and every fault knob.  One "PASS smbsrv/<name>" or
# "FAIL smbsrv/<name>: reason" line per test; exits non-zero on failure.
# Needs root (namespaces, veth).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
B=$(cd "$HERE/../build" && pwd)
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || { echo "FAIL smbsrv/setup: needs root"; exit 1; }
trap topo_down EXIT
topo_up || { echo "FAIL smbsrv/setup: topology did not come up"; exit 1; }

for f in "$HERE"/t-*.sh; do
	. "$f"
done

echo "smbsrv: $npass passed, $nfail failed"
[ $nfail = 0 ]
