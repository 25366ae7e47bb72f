#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall, tested inside the image (as root):
#  - the file list: a temporary DESTDIR laid out like a stock system
#    (cifs-utils' request-key.d files, keyutils' request-key.conf, another
#    package's program in sbin) gets exactly our files, with their modes,
#    and uninstall brings every file back as it was;
#  - which program request-key runs: keyutils' own /sbin/request-key in
#    its debugging mode (-d: nothing is executed, no key is touched) with
#    -l (the configuration of the current directory, here DESTDIR/etc), for
#    the descriptions and callout data a 7.2 kernel and the patched one
#    send.  A real upcall cannot be made here: the kernel would run the
#    host's /sbin/request-key with the host's /etc, not the image's.
#
# Prints PASS install/<name> or FAIL install/<name>: why, then
# "N passed, N failed"; exits non-zero on any failure.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
T_PREFIX=install
. "$top/tests/scripts/passfail.sh"

helper=$top/cifs-upcall-iakerb/build/cifs-upcall-iakerb
for f in "$helper" "$top/man/cifs-upcall-iakerb.8" "$top/man/cifs-iakerb.7"; do
	if [ ! -f "$f" ]; then
		fail setup "$f is missing (make userspace first)"
		finish
	fi
done
rk=$(command -v request-key || echo /sbin/request-key)

# What the tests expect make install to add under DESTDIR, PREFIX=/usr/local
expected="-rwxr-xr-x usr/local/sbin/cifs-upcall-iakerb
-rw-r--r-- usr/local/share/man/man8/cifs-upcall-iakerb.8
-rw-r--r-- usr/local/share/man/man7/cifs-iakerb.7
-rw-r--r-- etc/request-key.d/cifs-iakerb.conf
-rwxr-xr-x usr/local/sbin/localkdc
-rw-r--r-- usr/local/share/man/man8/localkdc.8
-rw-r--r-- usr/local/lib/systemd/system/localkdc.socket
-rw-r--r-- usr/local/lib/systemd/system/localkdc.service"

# A stock system: the image's own request-key configuration (keyutils,
# cifs-utils) and a file of another package in the directories we use.
stock_root() {
	local r=$1
	mkdir -p "$r/etc/request-key.d" "$r/usr/local/sbin"
	cp -p /etc/request-key.conf "$r/etc/"
	cp -p /etc/request-key.d/*.conf "$r/etc/request-key.d/"
	echo 'other package' >"$r/usr/local/sbin/other-tool"
	chmod 755 "$r/usr/local/sbin/other-tool"
}

# Every file and link under $1: type, mode, size, checksum, path
snapshot() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%y %M %s %P\n' |
		sort -k4 | while read -r y m s p; do
			echo "$y $m $s $(sha256sum <"$p" | cut -c1-16) $p"
		done)
}

mk() { make -s --no-print-directory -C "$top" "$@"; }

# The program request-key would run for DESC with CALLOUT, configuration
# from $1/etc: "PROG ARG1 ..." (request-key's "- argv[n]" lines).
resolve() {
	local root=$1 desc=$2 callout=$3
	(cd "$root/etc" && "$rk" -d -l -n -v -v -D "cifs.spnego;0;0;3f010000;$desc" \
		create 1234 0 0 0 0 0 "$callout" 2>&1) |
		awk '/^Run / { prog = $2 }
		     /^- argv\[[0-9]+\] = / { v = $0; sub(/^- argv\[[0-9]+\] = "/, "", v)
			sub(/"$/, "", v); if ($2 != "argv[0]") args = args " " v }
		     END { if (prog != "") print prog args; else print "NONE" }'
}

# Descriptions and callout data as the kernels write them (PROTOCOL.md
# §2, §4): request-key sees the callout up to its first NUL, "CIAK\1\1".
d72='ver=0x2;host=srv.test;ip4=10.0.0.2;sec=krb5;uid=0x3e8;creduid=0x3e8;user=alice;pid=0x4d2;upcall_target=app'
ml="mechs=krb5,iakerb,ntlmssp;exch=0123456789abcdef"
ciak=$'CIAK\x01\x01'
cases=(
	"7.2-krb5|$d72||/usr/sbin/cifs.upcall 1234"
	"7.2-iakerb|${d72/sec=krb5/sec=iakerb}||/usr/sbin/cifs.upcall 1234"
	"leg1|$d72;$ml;leg=1;tmo=30|$ciak|@HELPER@ 1234"
	"leg2|$d72;$ml;leg=2;tmo=30;agent=4321|$ciak|@HELPER@ 1234"
	"final-leg|$d72;$ml;leg=5;tmo=30;agent=4321|$ciak|@HELPER@ 1234"
	"reconnect|$d72;$ml;leg=1;tmo=30;recon=1|$ciak|@HELPER@ 1234"
	"mount-target|${d72/upcall_target=app/upcall_target=mount};$ml;leg=1;tmo=30|$ciak|@HELPER@ 1234"
)

# check_resolution NAME ROOT HELPERPATH: every case above against ROOT;
# with HELPERPATH empty (no install), every case must go to cifs.upcall.
check_resolution() {
	local name=$1 root=$2 hp=$3 c cname desc callout want got bad=
	for c in "${cases[@]}"; do
		IFS='|' read -r cname desc callout want <<<"$c"
		if [ -n "$hp" ]; then
			want=${want//@HELPER@/$hp}
		else
			want="/usr/sbin/cifs.upcall 1234"
		fi
		got=$(resolve "$root" "$desc" "$callout")
		[ "$got" = "$want" ] || bad="$bad $cname: '$got' (want '$want');"
	done
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "${bad% ;}"; fi
}

# ---- install into a stock root -------------------------------------------

root=$work/root
stock_root "$root"
before=$(snapshot "$root")
check_resolution request-key-stock "$root" ""

if out=$(mk install DESTDIR="$root" 2>&1); then
	pass install-runs
else
	fail install-runs "make install failed: $out"
fi

after=$(snapshot "$root")
added=$(diff <(echo "$before" | awk '{ print $5 }') \
	<(echo "$after" | awk '{ print $5 }') | sed -n 's/^> //p')
removed=$(diff <(echo "$before") <(echo "$after") | sed -n 's/^< //p')
got=$(cd "$root" && for f in $added; do stat -c '%A %n' "$f"; done)
if [ "$(echo "$got" | sort)" = "$(echo "$expected" | sort)" ]; then
	pass install-file-list
else
	fail install-file-list "added: $(echo "$got" | tr '\n' ',') expected: $(echo "$expected" | tr '\n' ',')"
fi
if [ -z "$removed" ]; then
	pass install-leaves-stock-files
else
	fail install-leaves-stock-files "changed or removed: $(echo "$removed" | tr '\n' ',')"
fi

conf=$root/etc/request-key.d/cifs-iakerb.conf
line=$(grep -v '^#' "$conf" | grep .)
if [ "$line" = "$(printf 'create\tcifs.spnego\t*\t\tCIAK*\t/usr/local/sbin/cifs-upcall-iakerb %%k')" ]; then
	pass conf-line
else
	fail conf-line "installed line is '$line'"
fi
if grep -v '^#' "$conf" | grep -q '%c'; then
	fail conf-no-callout-arg "%c on a line of $conf"
else
	pass conf-no-callout-arg
fi

if "$root/usr/local/sbin/cifs-upcall-iakerb" --version 2>&1 |
		grep -q '^cifs-upcall-iakerb version '; then
	pass installed-helper-runs
else
	fail installed-helper-runs "$root/usr/local/sbin/cifs-upcall-iakerb --version"
fi

check_resolution request-key-installed "$root" /usr/local/sbin/cifs-upcall-iakerb

# The order request-key reads request-key.d in is the directory's (tmpfs:
# newest first), not the names': the choice must not depend on it.
for order in ours-first cifs-utils-first; do
	r=$work/order-$order
	mkdir -p "$r/etc/request-key.d"
	cp -p /etc/request-key.conf "$r/etc/"
	if [ $order = ours-first ]; then
		cp "$conf" "$r/etc/request-key.d/"
		cp /etc/request-key.d/cifs.spnego.conf "$r/etc/request-key.d/"
	else
		cp /etc/request-key.d/cifs.spnego.conf "$r/etc/request-key.d/"
		cp "$conf" "$r/etc/request-key.d/"
	fi
	check_resolution "request-key-order-$order" "$r" /usr/local/sbin/cifs-upcall-iakerb
done

# ---- uninstall -------------------------------------------------------------

if out=$(mk uninstall DESTDIR="$root" 2>&1); then
	pass uninstall-runs
else
	fail uninstall-runs "make uninstall failed: $out"
fi
final=$(snapshot "$root")
if [ "$final" = "$before" ]; then
	pass uninstall-restores-files
else
	fail uninstall-restores-files "$(diff <(echo "$before") <(echo "$final") | grep '^[<>]' | tr '\n' ',')"
fi
check_resolution request-key-uninstalled "$root" ""
if out=$(mk uninstall DESTDIR="$root" 2>&1) && [ "$(snapshot "$root")" = "$before" ]; then
	pass uninstall-twice
else
	fail uninstall-twice "a second uninstall failed or changed files: $out"
fi

# ---- PREFIX, refusals, where install runs -----------------------------------

r=$work/usr-prefix
if mk install DESTDIR="$r" PREFIX=/usr >/dev/null 2>&1 &&
		[ -x "$r/usr/sbin/cifs-upcall-iakerb" ] &&
		[ -f "$r/usr/share/man/man7/cifs-iakerb.7" ] &&
		grep -q '^create.*CIAK\*.*[[:space:]]/usr/sbin/cifs-upcall-iakerb %k$' \
			"$r/etc/request-key.d/cifs-iakerb.conf"; then
	pass prefix-usr
else
	fail prefix-usr "PREFIX=/usr did not put the helper in /usr/sbin and name it there"
fi

out=$(DESTDIR=$work/x "$top/scripts/install.sh" install \
	0644:README:/etc/request-key.d/cifs.spnego.conf 2>&1)
if [ $? -ne 0 ] && [ ! -e "$work/x/etc/request-key.d/cifs.spnego.conf" ]; then
	pass refuses-cifs-utils-file
else
	fail refuses-cifs-utils-file "installed over cifs.spnego.conf: $out"
fi

out=$(DESTDIR=$work/y "$top/scripts/install.sh" install \
	0755:no/such/file:/usr/sbin/x 0644:README:/usr/share/doc/x 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q 'run make first' && [ ! -e "$work/y" ]; then
	pass install-needs-build
else
	fail install-needs-build "a missing file did not stop install before any copy: $out"
fi

# On the host, install and uninstall must not go through the image.
plan=$(cd "$top" && env -u IAKERB_IN_IMAGE make -n install DESTDIR=/nonexistent 2>&1)
if echo "$plan" | grep -q 'scripts/install.sh install' &&
		! echo "$plan" | grep -q 'in-image'; then
	pass install-runs-where-called
else
	fail install-runs-where-called "host make install would run: $plan"
fi

finish
