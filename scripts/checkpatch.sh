#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict (from the same linux-source as the module) on each
# patch of the series; one PASS/FAIL line per patch.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cp=$(ls -d "$top"/build/pristine/linux-source-*/scripts/checkpatch.pl 2>/dev/null | tail -n1)
[ -n "$cp" ] || { echo "FAIL checkpatch: no checkpatch.pl (run make module first)"; exit 1; }
patches=$(ls "$top"/fs-smb-client-iakerb/*.patch 2>/dev/null)
if [ -z "$patches" ]; then
	echo "checkpatch: the series has no patches yet"
	exit 0
fi
rc=0
for p in $patches; do
	name=$(basename "$p")
	if out=$(perl "$cp" --strict --no-tree --terse --show-types "$p" 2>&1); then
		echo "PASS checkpatch/$name"
	else
		echo "FAIL checkpatch/$name: $(echo "$out" | grep -cE ': (ERROR|WARNING|CHECK):') problems"
		echo "$out" | grep -E ': (ERROR|WARNING|CHECK):' | sed 's/^/  /'
		rc=1
	fi
done
exit $rc
