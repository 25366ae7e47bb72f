#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PROTOCOL.md §1 rests on how stock cifs.upcall reads descriptions: it
# skips fields it does not know, and rejects ver > 2 and sec=iakerb.  Run
# the installed cifs.upcall on descriptions our builder writes and check.
# Usage: stock-upcall-compat.sh SHIM.so GEN_CORPUS   (PASS/FAIL lines)
shim=$1 gen=$2
upcall=${CIFS_UPCALL:-/usr/sbin/cifs.upcall}
rc=0

if [ ! -x "$upcall" ]; then
	echo "FAIL glue/stock-upcall: no $upcall"
	exit 1
fi

run() {
	SHIM_DESCRIBE="cifs.spnego;0;0;3f010000;$1" LD_PRELOAD=$shim \
		KRB5_CONFIG=/dev/null KRB5CCNAME=FILE:/nonexistent/cc \
		timeout 20 "$upcall" -E 123 2>&1
}

# $1 name, $2 description, $3 pattern that must appear, $4 must not
expect() {
	out=$(run "$2")
	if printf '%s\n' "$out" | grep -q -- "$3" &&
	   ! printf '%s\n' "$out" | grep -q -- "$4"; then
		echo "PASS glue/stock-upcall-$1"
	else
		echo "FAIL glue/stock-upcall-$1: wanted '$3' without '$4'"
		printf '%s\n' "$out" | sed 's/^/  /' | head -20
		rc=1
	fi
}

legacy='ver=0x2;host=srv.test;ip4=127.0.0.1;sec=krb5;uid=0x0;creduid=0x0;user=alice;pid=0x1;upcall_target=mount'
multi=$("$gen" --sample-desc) || { echo "FAIL glue/stock-upcall: gen"; exit 1; }

# Both get past decoding to the Kerberos work (which fails: no ccache)
expect legacy "$legacy" 'handle_krb5_mech' 'necessary params'
expect skips-new-fields "$multi" 'handle_krb5_mech' 'necessary params'
expect skips-critical "$multi;!future=1" 'handle_krb5_mech' 'necessary params'
expect rejects-ver3 "$(echo "$legacy" | sed 's/ver=0x2/ver=0x3/')" \
	'incompatible kernel upcall version' 'handle_krb5_mech'
expect rejects-sec-iakerb "$(echo "$legacy" | sed 's/sec=krb5/sec=iakerb/')" \
	'necessary params' 'handle_krb5_mech'
exit $rc
