#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Baseline: the module under test mounts real Samba with NTLMSSP and does
# the usual file round trip.  Proves the harness and the module's basics.
. "$KTEST_SRC/tests/ktest/lib.sh"

mnt=$KTEST_WORK/mnt-ntlm
mkdir -p "$mnt"
check samba-start ktest_ensure_samba
ktest_samba_adduser bob 'Ntlm-pass-1'

check mount mount -t cifs //127.0.0.1/share "$mnt" \
	-o sec=ntlmssp,username=bob,password=Ntlm-pass-1,vers=3.1.1
if mountpoint -q "$mnt"; then
	check dialect-3.1.1 grep -q 'Dialect 0x311' /proc/fs/cifs/DebugData
	check sectype-ntlmssp grep -q 'Security type: RawNTLMSSP' /proc/fs/cifs/DebugData
	ktest_file_roundtrip ntlm "$mnt"
	check umount umount "$mnt"
fi
expect_fail wrong-password mount -t cifs //127.0.0.1/share "$mnt" \
	-o sec=ntlmssp,username=bob,password=wrong,vers=3.1.1
mountpoint -q "$mnt" && umount "$mnt"
[ -z "${KTEST_FAILED:-}" ]
