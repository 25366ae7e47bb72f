#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make interop: boot the test VM (tests/ktest/run.sh: virtme-ng, our
# cifs.ko and cifs-upcall-iakerb) with user-mode networking, run the IAKerb
# checks of tests/ktest/interop/interop.sh against ONE external server, and
# print a report to attach to a bug.
#
# Usage: scripts/interop.sh //HOST/SHARE USER PASSFILE [REALM]
# Env:   IAKERB_INTEROP_ADDR      the server's IPv4 address, when the guest
#                                 cannot resolve HOST (it is mounted with
#                                 ip=ADDR; HOST still names the ticket)
#        IAKERB_INTEROP_EXTERNAL  "yes": allow an address that is not on
#                                 this machine (a real Windows or Samba
#                                 host).  Without it only a link-local
#                                 (169.254/16) address, an address of one of
#                                 this machine's interfaces or 10.0.2.2
#                                 (QEMU's alias of this machine's loopback)
#                                 is accepted.
# PASSFILE: its first line is the password.  It is copied for the guest
# into a 0700 directory under tests/ktest/out and removed afterwards; it
# never reaches a log or the report.
#
# Takes 2-4 minutes under TCG (one VM boot).  Exit status: 0 when every
# check passed.

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
die() { echo "interop: $*" >&2; exit 2; }

[ $# -ge 3 ] && [ $# -le 4 ] ||
	die "usage: $0 //HOST/SHARE USER PASSFILE [REALM]"
server=$1 user=$2 passfile=$3 realm=${4:-}
[[ $server =~ ^//[A-Za-z0-9._-]+/[^/[:space:]]+$ ]] ||
	die "SERVER must be //HOST/SHARE, not '$server'"
host=${server#//}
host=${host%%/*}
[[ $user =~ ^[A-Za-z0-9._$-]+$ ]] || die "USER '$user': letters, digits, . _ - \$ only"
[ -z "$realm" ] || [[ $realm =~ ^[A-Za-z0-9.-]+$ ]] || die "REALM '$realm'?"
[ -r "$passfile" ] || die "PASSFILE '$passfile' is not readable"
addr=${IAKERB_INTEROP_ADDR:-}

# The one address the guest will contact.
if [ -z "$addr" ]; then
	addr=$(getent ahostsv4 "$host" | awk '{ print $1; exit }')
	[ -n "$addr" ] || die "cannot resolve $host: set IAKERB_INTEROP_ADDR"
	resolved=1
fi
[[ $addr =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "'$addr' is no IPv4 address"
local_addr() {
	case $1 in
	169.254.*|10.0.2.2) return 0 ;;
	esac
	ip -4 -o addr show | awk '{ sub("/.*", "", $4); print $4 }' | grep -qxF "$1"
}
if [ "${IAKERB_INTEROP_EXTERNAL:-}" != yes ] && ! local_addr "$addr"; then
	die "$addr is not on this machine: set IAKERB_INTEROP_EXTERNAL=yes to test a real server there"
fi
# a name the host resolved: the guest resolves it again through QEMU's
# DNS relay; pin it to the same address so only that one is contacted
[ "${resolved:-0}" = 1 ] && echo "interop: $host is $addr"

# The password, where the guest can read it (the repository is /src
# there), only for the length of the run.
secret=$top/tests/ktest/out/.interop-$$
mkdir -p "$top/tests/ktest/out"
(umask 077 && mkdir "$secret") || die "cannot make $secret"
trap 'rm -rf "$secret"' EXIT
(umask 077 && head -n 1 "$passfile" >"$secret/pass")

genv="INTEROP_SERVER=$server INTEROP_USER=$user INTEROP_ADDR=$addr"
genv="$genv INTEROP_PASSFILE=/src/tests/ktest/out/.interop-$$/pass"
[ -n "$realm" ] && genv="$genv INTEROP_REALM=$realm"
# the guest cannot read a worktree's .git: say which source ran from here
# (make passes it into the image, where git may not see it either)
src=${IAKERB_SOURCE:-$(git -C "$top" describe --always --dirty 2>/dev/null)}
[ -n "$src" ] && genv="$genv INTEROP_SOURCE=$src"

run=(tests/ktest/run.sh "$top/tests/ktest/interop/interop.sh")
cd "$top" || exit 2
if [ -n "${IAKERB_IN_IMAGE:-}" ]; then
	KTEST_NET=user KTEST_GUEST_ENV="$genv" KTEST_TIMEOUT=900 "${run[@]}"
else
	KTEST_NET=user KTEST_GUEST_ENV="$genv" KTEST_TIMEOUT=900 \
		scripts/in-image.sh "${run[@]/#$top//src}"
fi
rc=$?
rm -rf "$secret"
report=$top/tests/ktest/out/latest/interop-report.txt
echo
if [ -s "$report" ]; then
	echo "interop: report in tests/ktest/out/$(readlink "$top/tests/ktest/out/latest")/interop-report.txt"
	echo
	cat "$report"
else
	echo "interop: the guest wrote no report (see tests/ktest/out/latest/console.log)"
	echo "0 passed, 1 failed"
	rc=1
fi
exit $rc
