#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict (from the same linux-source as the module) on each
# patch of the series; one PASS/FAIL line per patch.
#
# The one filter: CHECK:CAMELCASE for an identifier that already exists in
# the pristine fs/smb (enum securityEnum, sesInfo, ...) is not ours to fix;
# a new CamelCase identifier still fails, except a new Opt_xxx of the
# mount-option enums, whose Opt_ prefix is the fs_context.h convention.
# And WARNING:FILE_PATH_CHANGES ("does MAINTAINERS need updating?"), which
# --no-tree prints for every new file, is checked here instead: it passes
# when MAINTAINERS has an F: entry for the directory of each new file.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pristine=$(ls -d "$top"/build/pristine/linux-source-* 2>/dev/null | sort -V | tail -n1)
cp=$pristine/scripts/checkpatch.pl
[ -f "$cp" ] || { echo "FAIL checkpatch: no checkpatch.pl (run make module first)"; exit 1; }
patches=$(ls "$top"/fs-smb-client-iakerb/*.patch 2>/dev/null)
if [ -z "$patches" ]; then
	echo "checkpatch: the series has no patches yet"
	exit 0
fi

maintainers=$pristine/MAINTAINERS
if [ ! -f "$maintainers" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n1)
	tar -C "$(dirname "$pristine")" -xf "$tarball" \
		"$(basename "$pristine")/MAINTAINERS" 2>/dev/null
fi

# Every file the patch creates lies in a directory MAINTAINERS covers.
new_files_maintained() {
	local f
	for f in $(grep -A1 '^--- /dev/null' "$1" | sed -n 's|^+++ b/||p'); do
		grep -q "^F:[[:space:]]*$(dirname "$f")/\$" "$maintainers" ||
			return 1
	done
}

preexisting() {
	[[ $1 =~ ^Opt_[a-z0-9_]+$ ]] && return 0
	grep -rqw -- "$1" "$pristine/fs/smb"
}

rc=0
for p in $patches; do
	name=$(basename "$p")
	out=$(perl "$cp" --strict --no-tree --terse --show-types "$p" 2>&1 |
		grep -E ': (ERROR|WARNING|CHECK):')
	problems=
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		case "$line" in
		*WARNING:FILE_PATH_CHANGES:*)
			new_files_maintained "$p" && continue ;;
		esac
		ident=$(echo "$line" | sed -n 's/.*CHECK:CAMELCASE: Avoid CamelCase: <\(.*\)>$/\1/p')
		if [ -n "$ident" ] && preexisting "$ident"; then
			continue
		fi
		problems+="$line"$'\n'
	done <<<"$out"
	if [ -z "$problems" ]; then
		echo "PASS checkpatch/$name"
	else
		echo "FAIL checkpatch/$name: $(printf '%s' "$problems" | grep -c .) problems"
		printf '%s' "$problems" | sed 's/^/  /'
		rc=1
	fi
done
exit $rc
