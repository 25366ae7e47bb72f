#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the kernel under virtme-ng, load the cifs.ko under test and run the
# scenarios in one boot (a boot costs 20-50 s under TCG).
#
# Usage: tests/ktest/run.sh [SCENARIO...]   (default: scenarios/*.sh)
# Env:   KTEST_FILTER   glob on scenario names (e.g. '1*' or '*krb5*')
#        KTEST_KERNEL   kernel to boot: a bzImage/vmlinuz or a kernel build
#                       tree (default: the image's /boot/vmlinuz-*)
#        KTEST_MODULE   cifs.ko for the guest (default build/cifs.ko), or
#                       "none" to modprobe the kernel's own cifs, or
#                       "installed": also plain "modprobe cifs", on a root
#                       where DKMS installed ours (tests/scripts/test-dkms.sh)
#        KTEST_KVM      1 or 0 to force; default: probe once, then cache
#        KTEST_TIMEOUT  seconds per scenario (default 300; a scenario may
#                       ask for more: "# ktest-timeout: N", see guest.sh)
#        KTEST_MEMORY   guest memory (default 2G)
#        KTEST_BOOT_TIMEOUT  seconds from qemu's start to guest.sh's first
#                       act (default 420); past it the boot counts as hung
#                       and is tried once more (the hung console is kept)
#        KTEST_VM_TIMEOUT  seconds one whole boot may run (default 4800)
#        KTEST_APPEND   extra kernel command line words for every boot
#                       (after log_buf_len=32M, which every boot gets)
#        KTEST_TAG      prefix for the scenario names in the results (no "/":
#                       it names files and directories)
#        KTEST_GUEST_ENV  NAME=VALUE words (no spaces in a value) put in
#                       the guest's environment (make bench's BENCH_*)
#        KTEST_NET      a virtme-ng --network value (e.g. "user": the
#                       guest gets eth0 behind QEMU's user-mode NAT, the
#                       way out that make interop uses); default none
#        KTEST_VM_LOCK_FD  an open file descriptor to flock from the KVM
#                       probe to the last VM boot only, for a caller that
#                       does more than boot (tests/scripts/test-dkms.sh
#                       builds first) on a
#                       machine whose VMs take turns: e.g.
#                       KTEST_VM_LOCK_FD=9 scripts/in-image.sh CMD 9>LOCKFILE
#                       (the descriptor crosses the chroot, the path need
#                       not).  Not under a caller that already holds that
#                       lock through another descriptor: it would wait
#                       for ever.  Unset: no locking (CI runs alone).
#
# A scenario with the line "# ktest-init: systemd" needs systemd as PID 1:
# such scenarios run in a second boot of their own, with vng --systemd
# (virtme-ng's init then runs as serial-getty@ttyS0.service and starts
# guest.sh as usual; its logs go to OUT/systemd/).  The others boot as
# before.
#
# It prints every scenario's lines as they come, then the bad kernel log
# lines, then "N passed, N failed"; exits 1 on any failure.

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 1

die() { echo "ktest: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

kernel=${KTEST_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)}
[ -n "$kernel" ] || die "no kernel to boot (set KTEST_KERNEL)"
command -v vng >/dev/null || die "virtme-ng (vng) is not installed"
module=${KTEST_MODULE:-$top/build/cifs.ko}
if [ "$module" != none ] && [ "$module" != installed ] && [ ! -f "$module" ]; then
	die "no $module: build it first (make module)"
fi

# Scenarios to run.
scenarios=()
if [ $# -gt 0 ]; then
	for s in "$@"; do
		s=$(cd "$(dirname "$s")" && pwd)/$(basename "$s")
		[ -f "$s" ] || die "no scenario $s"
		scenarios+=("$s")
	done
else
	for s in "$here"/scenarios/*.sh; do
		[ -f "$s" ] || continue
		# shellcheck disable=SC2053
		[[ $(basename "$s" .sh) == ${KTEST_FILTER:-*} ]] || continue
		scenarios+=("$s")
	done
fi
[ ${#scenarios[@]} -gt 0 ] || die "no scenario matches '${KTEST_FILTER:-*}'"

# KVM on these machines opens but the guest dies with an emulation failure
# and qemu hangs: probe once with a short boot and fall back to TCG.
kvm_probe() {
	local cache=/var/cache/iakerb-ktest/kvm-probe.$(uname -r)
	if [ -n "${KTEST_KVM:-}" ]; then
		echo "$KTEST_KVM"
		return
	fi
	if [ -f "$cache" ]; then
		cat "$cache"
		return
	fi
	local ok=0
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		if timeout -k 5 45 vng --run "$kernel" --memory 512M \
			--exec 'echo ktest-kvm-ok' </dev/null 2>&1 | grep -q '^ktest-kvm-ok'; then
			ok=1
		fi
	fi
	mkdir -p "$(dirname "$cache")" && echo "$ok" >"$cache"
	echo "$ok"
}

vm_lock() {
	[ -n "${KTEST_VM_LOCK_FD:-}" ] || return 0
	echo "ktest: waiting for the VM lock (fd $KTEST_VM_LOCK_FD)"
	flock "$KTEST_VM_LOCK_FD" || die "cannot flock fd $KTEST_VM_LOCK_FD"
}
vm_unlock() {
	[ -z "${KTEST_VM_LOCK_FD:-}" ] || flock -u "$KTEST_VM_LOCK_FD"
}

# one hold from the probe to the last boot: nobody boots in between
vm_lock
kvm=$(kvm_probe)
accel=(--disable-kvm)
[ "$kvm" = 1 ] && accel=()

outdir=$here/out/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$outdir"
ln -sfn "$(basename "$outdir")" "$here/out/latest"

# Which scenarios need systemd as PID 1 (a boot of their own).
plain=() sysd=()
for s in "${scenarios[@]}"; do
	if grep -q '^# ktest-init: systemd$' "$s"; then
		sysd+=("$s")
	else
		plain+=("$s")
	fi
done

# How long the guest may take from qemu's start to guest.sh's first act
# (a normal TCG boot takes 20-110 s; --systemd the longest).
boot_tmo=${KTEST_BOOT_TIMEOUT:-420}

# vm_run OUT INITARGS GUEST-OUT GUEST-MODULE GUEST-SCENARIO...: one qemu run,
# its whole console (the kernel's own messages too: --verbose) in
# OUT/console.log.  A watchdog stops it if guest.sh has not created
# OUT/results within boot_tmo seconds, and leaves OUT/boot-hung.
vm_run() {
	local out=$1 init=$2 gout=$3 gmod=$4 rc dog
	shift 4
	rm -f "$out/results" "$out/boot-hung" "$out/vm.pid"
	# virtme-ng passes --exec on the kernel command line (base64), which
	# x86 cuts at 2048 bytes: past that the kernel's fortified strlen()
	# panics at boot, before any console, and qemu sits there.  A list of
	# scenarios that long did it (the length also changed with the pid in
	# the output directory's name): the guest's command goes in a file in
	# the shared output directory, and the command line only names it.
	printf '%s\n' "exec env ${KTEST_GUEST_ENV:+$KTEST_GUEST_ENV }KTEST_MODULE=$gmod KTEST_TIMEOUT=${KTEST_TIMEOUT:-300} KTEST_VERBOSE=${KTEST_VERBOSE:-} KTEST_TAG=${KTEST_TAG:-} /src/tests/ktest/guest.sh $gout $*" \
		>"$out/guest.cmd"
	(
		waited=0
		while [ $waited -lt "$boot_tmo" ]; do
			sleep 5
			waited=$((waited + 5))
			[ -f "$out/results" ] && exit 0
		done
		[ -f "$out/results" ] && exit 0
		touch "$out/boot-hung"
		[ -s "$out/vm.pid" ] && kill -TERM "$(cat "$out/vm.pid")" 2>/dev/null
	) &
	dog=$!
	# A kernel log that holds the whole boot: the scenarios find their
	# lines after a mark counted in lines, and scenario 46 alone logs
	# more than the default buffer holds, after which the count stops
	# growing and every later mark sees nothing (48 and 49 failed so)
	append="log_buf_len=32M${KTEST_APPEND:+ $KTEST_APPEND}"
	# shellcheck disable=SC2016
	bash -c 'echo $$ >"$0"; exec "$@"' "$out/vm.pid" \
		timeout -k 10 "${KTEST_VM_TIMEOUT:-4800}" vng --run "$kernel" "${accel[@]}" \
		${init:+"$init"} --verbose \
		--append "$append" \
		${KTEST_NET:+--network "$KTEST_NET"} \
		--cpus 2 --memory "${KTEST_MEMORY:-2G}" \
		--overlay-rwdir=/etc --overlay-rwdir=/var \
		--rwdir="$out" --cwd /src \
		--exec "bash $gout/guest.cmd" \
		</dev/null 2>&1 | tee "$out/console.log" |
		grep --line-buffered -E '^(PASS|FAIL|ktest:|  )'
	rc=${PIPESTATUS[0]}
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	rm -f "$out/vm.pid"
	return "$rc"
}

# boot OUT INITARGS SCENARIO...: one VM boot running the scenarios, its
# logs and results in OUT; INITARGS: extra vng arguments (one word).
boot() {
	local out=$1 init=$2 gout gmod start vmrc s attempt
	local gscen=() bad
	shift 2
	mkdir -p "$out"
	for s in "$@"; do gscen+=("${s/#$top//src}"); done
	gout=${out/#$top//src}
	gmod=$module
	case $module in none | installed) ;; *) gmod=${module/#$top//src} ;; esac

	echo "ktest: booting $(basename "$kernel") ($([ "$kvm" = 1 ] && echo KVM || echo TCG)${init:+, $init}), $# scenarios, log in ${out#$top/}"
	for attempt in 1 2; do
		start=$(date +%s)
		vm_run "$out" "$init" "$gout" "$gmod" "${gscen[@]}"
		vmrc=$?
		echo "ktest: VM ran $(($(date +%s) - start)) s (exit $vmrc)"
		[ -f "$out/boot-hung" ] || break
		# guest.sh's first act is to create the results file: without it
		# nothing of ours ran (not even insmod), so the hang is the
		# emulator's or the guest's boot, not the code under test.  Keep
		# that boot's console log and boot once more.
		rm -f "$out/boot-hung"
		echo "ktest: the guest had not started after $boot_tmo s"
		[ "$attempt" = 2 ] && break
		mv "$out/console.log" "$out/console.hung.log"
		echo "ktest: booting once more (the hung boot's console: ${out#$top/}/console.hung.log)"
	done

	results=$out/results
	[ -f "$results" ] || { echo "FAIL ktest/vm: the guest wrote no results (see $out/console.log)"; echo "FAIL ktest/vm" >"$results"; }
	if [ ! -s "$out/dmesg.txt" ]; then
		echo "FAIL ktest/vm: no kernel log from the guest (it crashed or timed out)" | tee -a "$results"
	else
		# Any of these in the guest's kernel log fails the run.
		bad=$(grep -E 'BUG:|WARNING:|Oops|general protection|INFO: task .* blocked|Kernel panic' "$out/dmesg.txt")
		if [ -n "$bad" ]; then
			echo "$bad" | sed 's/^/ktest: dmesg: /'
			echo "FAIL ktest/dmesg: the kernel logged $(echo "$bad" | wc -l) bad lines" | tee -a "$results"
		else
			echo "PASS ktest/dmesg" | tee -a "$results"
		fi
	fi
}

[ ${#plain[@]} -gt 0 ] && boot "$outdir" "" "${plain[@]}"
if [ ${#sysd[@]} -gt 0 ]; then
	boot "$outdir/systemd" --systemd "${sysd[@]}"
	# one list for the count below (and for whoever reads results)
	sed 's|^\(PASS\|FAIL\) ktest/|\1 ktest-systemd/|' "$outdir/systemd/results" >>"$outdir/results"
fi
vm_unlock
results=$outdir/results

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
