#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Replay the regression inputs of one fuzz target: each file of DIR
# (default fuzz/regress/NAME) runs once through BUILD/fuzz_NAME, one line
# each: "PASS fuzz-regress/NAME/FILE" or "FAIL ...: reason".  These are
# the inputs that once crashed or leaked; the log of a failure stays in
# BUILD/fuzz-regress-NAME-FILE.log.
#
# Usage: replay.sh NAME BUILD [DIR]

name=$1 build=$2
here=$(dirname "$0")
dir=${3:-$here/regress/$name}
bin=$build/fuzz_$name
rc=0

LSAN_OPTIONS=suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	base=${f##*/}
	log=$build/fuzz-regress-$name-$base.log
	if "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >"$log" 2>&1; then
		echo "PASS fuzz-regress/$name/$base"
		rm -f "$log"
		continue
	fi
	reason=$(grep -m1 -E 'ERROR: |runtime error|SUMMARY: |deadly signal' \
		"$log" | sed -e 's/^==[0-9]*==//' -e 's/^ *//')
	echo "FAIL fuzz-regress/$name/$base: ${reason:-exit status, see $log}"
	rc=1
done
exit $rc
