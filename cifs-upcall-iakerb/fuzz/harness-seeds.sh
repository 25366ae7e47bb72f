#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Seeds from real tokens: run the no-kernel harness (tests/harness/run.sh,
# MIT's KDC behind our acceptor, in its MIT and Windows modes), which
# keeps every server blob as DIR/server.LEG of its flow, and turn them
# into inputs for
#   fuzz_reply   each server blob as it is,
#   fuzz_kproxy  the IAKerb proxy tokens of one flow, in order, after the
#                mode byte its flow calls for (make_harness_seeds).
# They go to BUILD/fuzz-corpus/NAME/harness-FLOW[-LEG], where `make
# fuzz-merge` keeps those that add coverage.  One line at the end:
# "PASS harness-seeds: N reply, M kproxy" or FAIL.
#
# Usage: harness-seeds.sh BUILD    (as root, in the image: make
#        harness-seeds)

set -u
here=$(cd "$(dirname "$0")" && pwd)
B=$(cd "$1" && pwd)
work=$B/harness-seeds.work
rm -rf "$work"
mkdir -p "$work" "$B/fuzz-corpus/reply" "$B/fuzz-corpus/kproxy"
# the harness's own PASS/FAIL lines are not this target's
IAKERB_HARNESS_WORK=$work "$here/../tests/harness/run.sh" "$B" \
	>"$B/harness-seeds.log" 2>&1
nr=0 nk=0
for d in "$work"/d/*/; do
	flow=$(basename "$d")
	blobs=()
	for leg in $(seq 1 16); do
		[ -f "$d/server.$leg" ] || continue
		blobs+=("$d/server.$leg")
		cp "$d/server.$leg" "$B/fuzz-corpus/reply/harness-$flow-$leg"
		nr=$((nr + 1))
	done
	[ ${#blobs[@]} -gt 0 ] || continue
	# fuzz_kproxy's modes: 0 password, 1 realm discovery, 2 a TGT; +4
	# Windows' framing (the acceptor's --windows flows are win-*)
	case $flow in
	*discovery*) mode=1 ;;
	*tgt*) mode=2 ;;
	*) mode=0 ;;
	esac
	case $flow in win-*) mode=$((mode + 4)) ;; esac
	"$B/make_harness_seeds" "$mode" \
		"$B/fuzz-corpus/kproxy/harness-$flow" "${blobs[@]}"
	case $? in
	0) nk=$((nk + 1)) ;;
	3) ;;
	*) echo "FAIL harness-seeds: $flow"; exit 1 ;;
	esac
done
if [ $nr -eq 0 ] || [ $nk -eq 0 ]; then
	echo "FAIL harness-seeds: no server tokens (see $B/harness-seeds.log)"
	exit 1
fi
echo "PASS harness-seeds: $nr reply, $nk kproxy"
