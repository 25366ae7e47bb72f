#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Do the tests catch bugs?  Each mutant is a scratch copy of the patched
# cifs_iakerb_proto.c with one deliberate bug (a sed expression); the unit
# tests and a short fuzz run go against it, and whatever fails beyond what
# already fails against the real file counts as caught.  The series is not
# touched.  A mutant whose expression no longer matches the source is
# reported as stale.
#
# Usage (in the image): make -C tests/kernel-pure mutants [MUTANTS=name...]
# Env: KSRC (the patched fs/smb/client), MUTANT_FUZZ_SECONDS (default 5)

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ksrc=${KSRC:-$here/../../build/src/fs/smb/client}
fuzz_secs=${MUTANT_FUZZ_SECONDS:-5}
out=build/mutants
cd "$here" || exit 1

# name | what breaks | sed expression on cifs_iakerb_proto.c
mutants=(
"legs-tmo|tmo=601 passes|s/li->tmo > IAKERB_TMO_MAX/li->tmo > IAKERB_TMO_MAX + 1/"
"legs-agent|agent= on leg 1 passes|s/needs_agent != !!li->agent ||/(needs_agent \&\& !li->agent) ||/"
"legs-mech-order|mechanism names swapped|s/\"krb5u2u\", \"iakerb\"/\"iakerb\", \"krb5u2u\"/"
"legs-none|no mechs=none|s/if (!rc \&\& first)/if (0)/"
"legs-recon|recon=yes|s/\";recon=1\"/\";recon=yes\"/"
"legs-truncate|a truncated field goes unnoticed|s/(size_t)n >= cap - \*pos/(size_t)n > cap - *pos/"
"callout-len|cred key record not counted|s/(cred_key ? IAKERB_REC_HDR_LEN + 4 : 0)/(cred_key ? IAKERB_REC_HDR_LEN : 0)/"
"callout-status|any NTSTATUS passes|s/status != IAKERB_STATUS_SUCCESS \&\&/0 \&\&/"
"callout-total|header total_len off by one|s/cifs_iakerb_put_u32(buf + 8, len)/cifs_iakerb_put_u32(buf + 8, len - 1)/"
"callout-blob-max|65536-byte token passes|s/blob_len > IAKERB_TOKEN_MAX/blob_len > IAKERB_TOKEN_MAX + 1/"
"callout-type|status under the wrong record type|s/IAKERB_T_SMB_STATUS, word, 4/IAKERB_T_LEG, word, 4/"
"payload-version|wrong version is EPROTO|s/return -EKEYREJECTED;/return -EPROTO;/"
"payload-slack-all|every answer may carry slack|s/(r->flags != IAKERB_MSG_LEGACY \&\& len != want)/0/"
"payload-no-slack|legacy slack refused|s/r->flags != IAKERB_MSG_LEGACY \&\& len != want/len != want/"
"payload-klen|session key length unbounded|s/klen > IAKERB_SESSKEY_MAX || blen/blen/"
"payload-agent|agent pid 1 passes|s/r->agent_pid < 2/r->agent_pid < 1/"
"payload-magic|trailer magic unchecked|s/cifs_iakerb_get_u32(b) != IAKERB_TRAILER_MAGIC/0/"
"payload-expect|expectation ignored|s/!(expect \& (1u << r->flags))/0/"
"payload-established|ESTABLISHED may carry a blob|s/if (!klen || blen)/if (!klen)/"
"secbuf-fixed|offset into the header passes|s/off < CIFS_IAKERB_SESS_RSP_FIXED ||/off < 64 ||/"
"secbuf-edge|one byte past the end passes|s/blen > len - off/blen > len - off + 1/"
"secbuf-swap|offset read from the length field|s/rsp + CIFS_IAKERB_SECBUF_OFF_POS/rsp + CIFS_IAKERB_SECBUF_LEN_POS/"
"secbuf-empty|empty buffer checked like a full one|s/if (!blen)/if (0)/"
"secbuf-short|70-byte response passes|s/if (len < CIFS_IAKERB_SESS_RSP_FIXED)/if (len < 70)/"
)

# name: failing test names, one a line
failures() {
	grep '^FAIL ' | sed 's/^FAIL //; s/:.*//' | sort -u
}

run_one() {	# dir -> unit/fuzz failures in dir/unit.fail, dir/fuzz.fail
	local d=$1
	{ CMOCKA_MESSAGE_OUTPUT=TAP ./$d/test_kernel_pure; \
		echo "exit $?" >"$d/unit.rc"; } 2>&1 |
		../../scripts/tap-to-pass.sh kpure >"$d/unit.out"
	grep -q '^exit 0$' "$d/unit.rc" ||
		echo "FAIL kpure/test_kernel_pure: $(cat "$d/unit.rc")" >>"$d/unit.out"
	failures <"$d/unit.out" >"$d/unit.fail"
	rm -rf "$d/work"; mkdir -p "$d/work" "$d/crash"
	if ./$d/fuzz_kernel_payload -max_total_time="$fuzz_secs" -timeout=10 \
		-artifact_prefix="$d/crash/" "$d/work" build/corpus \
		>"$d/fuzz.log" 2>&1; then
		: >"$d/fuzz.fail"
	else
		grep -m1 -E 'fuzz_kernel_payload:|ERROR|SUMMARY' "$d/fuzz.log" \
			>"$d/fuzz.fail"
	fi
}

fuzz_kind() {	# dir -> what the fuzzer found, without sizes
	sed 's/: [0-9]* bytes.*//' "$1/fuzz.fail"
}

build() {	# dir ksrc
	make -s --no-print-directory -j"$(nproc)" B="$1" KSRC="$2" \
		"$1/test_kernel_pure" "$1/fuzz_kernel_payload" \
		>"$1.build.log" 2>&1
}

make -s --no-print-directory all || exit 1
mkdir -p $out
# What fails against the real file is not to the mutants' credit.
base=$out/base
mkdir -p $base
build $base "$ksrc" || { echo "mutants: baseline does not build"; exit 1; }
run_one $base

caught=0 missed=0 stale=0
for m in "${mutants[@]}"; do
	IFS='|' read -r name what expr <<<"$m"
	if [ -n "${MUTANTS:-}" ] && ! [[ " $MUTANTS " == *" $name "* ]]; then
		continue
	fi
	d=$out/$name
	rm -rf "$d" "$d.src"
	mkdir -p "$d" "$d.src"
	cp "$ksrc"/cifs_iakerb_proto.[ch] "$ksrc"/cifs_iakerb_abi.h "$d.src/"
	sed -i -e "$expr" "$d.src/cifs_iakerb_proto.c"
	if cmp -s "$ksrc/cifs_iakerb_proto.c" "$d.src/cifs_iakerb_proto.c"; then
		echo "STALE  $name: the expression no longer applies"
		stale=$((stale + 1))
		continue
	fi
	if ! build "$d" "$(pwd)/$d.src"; then
		echo "CAUGHT $name ($what): does not compile (-Werror)"
		caught=$((caught + 1))
		continue
	fi
	run_one "$d"
	unit=$(comm -13 $base/unit.fail "$d/unit.fail" | sed 's|^kpure/||' |
		grep -v '^test_kernel_pure$' | tr '\n' ' ')
	# the fuzzer stops at its first finding: count a different one
	fuzz=
	[ -s "$d/fuzz.fail" ] &&
		[ "$(fuzz_kind "$d")" != "$(fuzz_kind $base)" ] && fuzz="fuzz"
	if [ -n "$unit$fuzz" ]; then
		echo "CAUGHT $name ($what): ${unit}${fuzz}"
		caught=$((caught + 1))
	else
		echo "MISSED $name ($what)"
		missed=$((missed + 1))
	fi
done
echo "mutants: $caught caught, $missed missed, $stale stale"
[ "$missed" -eq 0 ]
