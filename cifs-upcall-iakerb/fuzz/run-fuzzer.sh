#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run one libFuzzer target for a bounded time and print one line:
# "PASS fuzz-NAME" or "FAIL fuzz-NAME: reason".  The full log stays in
# BUILD/fuzz-NAME.log, crash inputs in BUILD/fuzz-artifacts/.
#
# Usage: run-fuzzer.sh NAME SECONDS BUILD [smoke]
# Expects BUILD/fuzz_NAME and seeds in BUILD/fuzz-seeds/NAME.  The
# committed corpus fuzz/corpus/NAME is read, never written: new inputs go
# to BUILD/fuzz-corpus/NAME (`make fuzz-merge` folds them back in).
# With "smoke" (make check) they go to an emptied BUILD/fuzz-smoke/NAME
# instead, so that what `make fuzz` gathered does not slow make check.

name=$1 secs=$2 build=$3
here=$(dirname "$0")
bin=$build/fuzz_$name
corpus=$build/fuzz-corpus/$name
if [ "${4:-}" = smoke ]; then
	corpus=$build/fuzz-smoke/$name
	rm -rf "$corpus"
fi
kept=$here/corpus/$name
seeds=$build/fuzz-seeds/$name
log=$build/fuzz-$name.log

mkdir -p "$corpus" "$build/fuzz-artifacts"
[ -d "$kept" ] || kept=
# MIT's own leaks (lsan.supp says which and why)
LSAN_OPTIONS=suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
# New inputs go to the first directory; the others stay as they are.
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$build/fuzz-artifacts/$name-" \
	"$corpus" $kept "$seeds" >"$log" 2>&1; then
	echo "PASS fuzz-$name"
	exit 0
fi
reason=$(grep -m1 -E 'ERROR: |runtime error|SUMMARY: |deadly signal' "$log" |
	sed -e 's/^==[0-9]*==//' -e 's/^ *//')
echo "FAIL fuzz-$name: ${reason:-fuzzer exited with an error, see $log}"
exit 1
