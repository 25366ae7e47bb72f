#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The series' KUnit suites, in the debug kernel only (make check-debug):
# the Debian kernel has no KUnit.  build-module.sh builds them next to
# cifs.ko when the kernel's config has CONFIG_SMB_KUNIT_TESTS=m; loading
# one runs its suite, and KUnit keeps each suite's KTAP results in
# debugfs.  Every case becomes a PASS/FAIL line of its own, and a suite
# that ran no case at all fails.
# ktest-timeout: 300
. "$KTEST_SRC/tests/ktest/lib.sh"

dir=$(dirname "${KTEST_MODULE:-}")
kunit=/sys/kernel/debug/kunit
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug

# suite name : module file
for pair in cifs_iakerb:cifs_iakerb_test smb2_maperror:smb2maperror_test; do
	suite=${pair%%:*} mod=${pair#*:}
	if [ ! -f "$dir/$mod.ko" ]; then
		fail "$suite-built" "no $dir/$mod.ko (is CONFIG_SMB_KUNIT_TESTS=m in the kernel?)"
		continue
	fi
	if ! insmod "$dir/$mod.ko" 2>"$KTEST_WORK/kunit.err"; then
		fail "$suite-loads" "insmod $mod.ko: $(cat "$KTEST_WORK/kunit.err")"
		continue
	fi
	res=$kunit/$suite/results
	if [ ! -r "$res" ]; then
		fail "$suite-ran" "no $res"
		continue
	fi
	cp "$res" "$KTEST_WORK/kunit-$suite.ktap"
	# the cases are the indented "ok N name" / "not ok N name" lines;
	# the suite's own line is not indented
	cases=0
	while read -r verdict rest; do
		case "$verdict" in
		ok)
			name=${rest#* }
			pass "$suite/${name%% *}"
			cases=$((cases + 1)) ;;
		not)
			name=${rest#ok * }
			fail "$suite/${name%% *}" "$(grep -B20 "not ok .* ${name%% *}" "$res" |
				grep -m3 -E 'Expected|EXPECTATION|ASSERTION|but' | tr '\n' ' ')"
			cases=$((cases + 1)) ;;
		esac
	done < <(sed -n 's/^[[:space:]]\{4\}\(\(not \)\{0,1\}ok [0-9].*\)$/\1/p' "$res")
	check "$suite-ran-cases" test "$cases" -gt 0
	info "$suite: $cases cases"
	rmmod "$mod" 2>/dev/null
done
