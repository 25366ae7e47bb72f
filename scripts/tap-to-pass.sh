#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Turn TAP (as printed by cmocka with CMOCKA_MESSAGE_OUTPUT=TAP) into this
# project's PASS/FAIL lines.  Usage: TESTBIN | tap-to-pass.sh [PREFIX]
# Exits non-zero if any test failed or if no test ran at all.
exec awk -v pfx="${1:+$1/}" '
/^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, ""); print "PASS " pfx $0; p++; next }
/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "FAIL " pfx $0; f++; next }
/^#/ { print; next }
{ print "  " $0 }
END { if (f > 0 || p == 0) { if (p == 0 && f == 0) print "FAIL " pfx "no test ran"; exit 1 } }'
