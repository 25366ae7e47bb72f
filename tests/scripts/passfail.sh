# SPDX-License-Identifier: GPL-2.0
#
# PASS/FAIL lines and the closing count for the test scripts that run
# outside the VM.  Source it with the name prefix set:
#   T_PREFIX=install
#   . "$top/tests/scripts/passfail.sh"
# pass NAME, fail NAME WHY; finish prints "N passed, N failed" and exits,
# non-zero if anything failed.  $work is a scratch directory, removed at
# exit.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npass=0 nfail=0
pass() { echo "PASS $T_PREFIX/$1"; npass=$((npass + 1)); }
fail() { echo "FAIL $T_PREFIX/$1: $2"; nfail=$((nfail + 1)); }
finish() { echo "$npass passed, $nfail failed"; [ "$nfail" -eq 0 ]; exit; }
