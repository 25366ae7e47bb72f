#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Turn TAP (as printed by cmocka with CMOCKA_MESSAGE_OUTPUT=TAP) into this
# project's PASS/FAIL lines.  Usage: TESTBIN | tap-to-pass.sh [PREFIX]
# A FAIL line carries its reason: the first line of the test's YAML
# "message:", or, for a failed group setup ("not ok 0 - GROUP"), the
# "[  ERROR   ] --- " line cmocka printed before it.  Other lines are
# passed through indented.  Exits non-zero if any test failed or if no
# test ran at all.
exec awk -v pfx="${1:+$1/}" '
function flush() {
	if (pend == "")
		return
	print "FAIL " pfx pend (why != "" ? ": " why : "")
	f++
	pend = why = ""
}
function reason(m) {
	sub(/^ +/, "", m)
	sub(/^ERROR: /, "", m)
	if (why == "")
		why = m
}
/^ok [0-9]+ - / {
	flush(); err = ""
	sub(/^ok [0-9]+ - /, ""); print "PASS " pfx $0; p++; next
}
/^not ok [0-9]+ - / {
	flush()
	sub(/^not ok [0-9]+ - /, ""); pend = $0; why = err; err = ""; next
}
/^\[  ERROR   \] --- / {
	e = $0; sub(/^\[  ERROR   \] --- (ERROR: )?/, "", e)
	if (err == "")
		err = e
}
pend != "" && inmsg { inmsg = 0; reason($0) }
pend != "" && /^  message: / {
	m = $0; sub(/^  message: /, "", m)
	if (m ~ /^\|/)
		inmsg = 1
	else {
		gsub(/^\047|\047$/, "", m); reason(m)
	}
}
/^  \.\.\.$/ { print "  " $0; flush(); next }
/^#/ { flush(); print; next }
{ print "  " $0 }
END {
	flush()
	if (f > 0 || p == 0) {
		if (p == 0 && f == 0)
			print "FAIL " pfx "no test ran"
		exit 1
	}
}'
