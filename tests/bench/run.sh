#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: one VM boot (tests/ktest/run.sh) running guest-bench.sh,
# then report.py: a table on stdout, build/bench/<date>.json and
# build/bench/latest.json.  Not part of make check.
#
# Env:   BENCH_REPS   repetitions of each mount path (default 20); 1 is
#                     the smoke mode: concurrency 1 and 10, a storm of 10
#        BENCH_CONC   concurrency levels, comma-separated (1,10,50,100)
#        BENCH_STORM  sessions of the re-authentication storm (100)
#        and tests/ktest/run.sh's KTEST_* (kernel, module, KVM).
# The VM is shared: run it under the lock, flock /work/.vm.lock make bench.
# Prints the table, then one PASS/FAIL line per row the run must produce;
# exits 1 if one is missing.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 1

reps=${BENCH_REPS:-20}
case $reps in
'' | *[!0-9]* | 0) echo "bench: BENCH_REPS must be a positive number" >&2
	exit 2 ;;
esac
if [ "$reps" -eq 1 ]; then
	conc=${BENCH_CONC:-1,10}
	storm=${BENCH_STORM:-10}
	# smoke: nothing above 10
	conc=$(echo "$conc" | tr , '\n' | awk '$1 > 10 { $1 = 10 } 1' |
		sort -nu | paste -sd,)
	[ "$storm" -gt 10 ] && storm=10
else
	conc=${BENCH_CONC:-1,10,50,100}
	storm=${BENCH_STORM:-100}
fi
case $conc,$storm in
*[!0-9,]*) echo "bench: BENCH_CONC and BENCH_STORM are numbers" >&2
	exit 2 ;;
esac

start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "bench: $reps repetitions, concurrency $conc, storm $storm"
# The scenario's own time limit is in guest-bench.sh; the VM's: 5 hours.
KTEST_GUEST_ENV="BENCH_REPS=$reps BENCH_CONC=$conc BENCH_STORM=$storm" \
	KTEST_VM_TIMEOUT=${KTEST_VM_TIMEOUT:-18000} \
	"$top/tests/ktest/run.sh" "$here/guest-bench.sh" | tee "$log" |
	sed -u 's/^\(PASS\|FAIL\) /  vm: \1 /'
# (the VM run's own PASS/FAIL lines, its set-up checks and ktest/dmesg,
# which fails on the hung-task reports the table counts, are shown
# indented: only report.py's lines below are the bench's verdict)
out=$(readlink -f "$top/tests/ktest/out/latest")
mode=$(sed -n 's/^ktest: booting .* (\(TCG\|KVM\)[,)].*/\1/p' "$log" | head -n 1)

date=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$top/build/bench"
json=build/bench/$date.json
echo
python3 "$here/report.py" "$out/bench" "$json" "${mode:-unknown}" \
	"$(($(date +%s) - start))"
rc=$?
[ -f "$json" ] && ln -sfn "$date.json" "$top/build/bench/latest.json"
cp -r "$out/bench" "$top/build/bench/$date.raw" 2>/dev/null
echo "bench: raw data in build/bench/$date.raw, VM logs in ${out#$top/}"
echo "bench: took $(($(date +%s) - start)) s"
exit $rc
