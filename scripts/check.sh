#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test, inside the image.  Each stage prints PASS/FAIL
# lines; a stage that fails without saying why counts as one FAIL.  The
# run ends with one line "N passed, N failed" and exits non-zero on any
# failure.
#
# Env: CHECK_STAGES  space-separated subset of the stages below
#      FUZZ_SECONDS  per fuzz target (default 20)

set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mkdir -p build
log=build/check.log
: >"$log"
stages=${CHECK_STAGES:-"versions build-script kdir dkms module unit fuzz checkpatch series-builds ktest ktest-stock"}

# Each stage's wall time, printed at the end (issue 16: where CI's time goes)
times=()

stage() {
	local name=$1 rc t0
	shift
	echo "=== $name" | tee -a "$log"
	t0=$(date +%s)
	"$@" 2>&1 | tee "build/check-$name.log" | tee -a "$log"
	rc=${PIPESTATUS[0]}
	times+=("$(printf '%-14s %4d s' "$name" $(($(date +%s) - t0)))")
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "build/check-$name.log"; then
		echo "FAIL stage/$name: exited $rc (see build/check-$name.log)" | tee -a "$log"
	fi
	return 0
}

versions() {
	dpkg-query -W -f='${Package} ${Version}\n' 'linux-image-[0-9]*' \
		krb5-kdc samba cifs-utils keyutils virtme-ng | sed 's/^/  /'
}

for s in $stages; do
	case $s in
	versions)     stage versions versions ;;
	build-script) stage build-script tests/scripts/test-build-module.sh ;;
	# KDIR=... make module: a real build against a given tree (~2 min)
	kdir)         stage kdir tests/scripts/test-kdir.sh ;;
	# make dkms-install/uninstall for real, in overlays, and the VM
	# booting the installed module in between (~4 min; a VM boot)
	dkms)         stage dkms tests/scripts/test-dkms.sh ;;
	module)       stage module scripts/build-module.sh ;;
	unit)         stage unit make --no-print-directory unit ;;
	fuzz)         stage fuzz make --no-print-directory fuzz ;;
	checkpatch)   stage checkpatch scripts/checkpatch.sh ;;
	series-builds) stage series-builds scripts/series.sh each-builds ;;
	ktest)        stage ktest tests/ktest/run.sh ;;
	# Compatibility: the Debian kernel's own cifs module with the stock
	# cifs.upcall and with ours, against Samba and smbsrv.
	ktest-stock)  stage ktest-stock env KTEST_MODULE=none KTEST_TAG=stock- \
			tests/ktest/run.sh tests/ktest/scenarios/11-samba-krb5-stock.sh \
			tests/ktest/scenarios/12-samba-krb5-ourhelper.sh \
			tests/ktest/scenarios/20-smbsrv-krb5-stock.sh ;;
	*) echo "check: unknown stage $s" >&2; exit 2 ;;
	esac
done

passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo
echo "stage times:"
printf '  %s\n' "${times[@]}"
grep '^FAIL ' "$log" | sed 's/^/  /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
