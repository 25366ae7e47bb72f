#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (started by tests/ktest/run.sh): prepares the guest,
# loads the cifs.ko under test, runs each scenario in turn and records its
# PASS/FAIL lines, the leftovers it left and, at the end, the kernel log.
#
# Usage: guest.sh OUTDIR SCENARIO...
# Env:   KTEST_MODULE   cifs.ko to insmod; "none" or "installed": plain
#                       "modprobe cifs", the module depmod prefers for the
#                       running kernel (the kernel's own, or one DKMS put
#                       in updates/dkms: tests/ktest/dkms-installed.sh)
#        KTEST_TIMEOUT  seconds one scenario may take (default 300); a
#                       scenario that needs more says so in a line
#                       "# ktest-timeout: SECONDS" (the larger one wins)
#        KTEST_TAG      prefix of the scenario names (a second run of the
#                       same scenarios, e.g. with the stock module)
#        KTEST_CONSOLE_LOGLEVEL  dmesg -n for the run (default 1)

set -u
out=$1
shift
src=${KTEST_SRC:-/src}
export KTEST_SRC=$src KTEST_OUT=$out
: >"$out/results"

log() { echo "ktest: $*"; }

# The guest starts with loopback down and a read-only root (writable
# overlays on /etc and /var only).
ip link set lo up
hostname srv.test 2>/dev/null || true
grep -q 'srv.test' /etc/hosts 2>/dev/null ||
	echo '127.0.0.1 srv.test srv' >>/etc/hosts
# Under systemd (run.sh's "# ktest-init: systemd" boot) virtme-ng's init
# overlays /tmp after systemd-tmpfiles ran and does not run it again: the
# overlay's root is 0755, and no other user could write there.
[ "$(cat /proc/1/comm)" = systemd ] && chmod 1777 /tmp
mkdir -p /tmp/ktest /run/samba /var/lib/samba /var/log/samba
# A stuck upcall (request_key waits uninterruptibly) must show up as a hung
# task within the run, not after the default 120 s.
sysctl -qw kernel.hung_task_timeout_secs=20 2>/dev/null
sysctl -qw kernel.hung_task_warnings=100 2>/dev/null
# KTEST_CONSOLE_LOGLEVEL: kernel messages below it reach the console as
# they come (4: errors, hung tasks' stacks), to watch a stuck boot live
dmesg -n "${KTEST_CONSOLE_LOGLEVEL:-1}" 2>/dev/null

module=${KTEST_MODULE:-$src/build/cifs.ko}
if [ "$module" = none ] || [ "$module" = installed ]; then
	modprobe cifs || { echo "FAIL boot/load-cifs: modprobe cifs" >>"$out/results"; }
	log "modprobe cifs: $(modinfo -n cifs 2>&1)"
else
	# what this cifs.ko needs, as its build recorded it (the debug
	# kernel's cifs also needs libmd5, which Debian's has built in)
	deps=$(modinfo -F depends "$module" 2>/dev/null | tr ',' ' ')
	if [ -n "$deps" ] && ! modprobe -a $deps 2>"$out/modprobe.err"; then
		log "modprobe -a $deps: $(tr '\n' ' ' <"$out/modprobe.err")"
		# the debug kernel's module directory may not be in sight:
		# load the files themselves, copied beside the module
		# (check-debug.sh) or found under that directory
		for d in $deps; do
			f=$(find -L "$(dirname "$module")" \
				"/lib/modules/$(uname -r)/" -name "$d.ko*" \
				2>/dev/null | head -n 1)
			[ -n "$f" ] && insmod "$f" 2>/dev/null
			log "dependency $d: ${f:-not found} ($(grep -c "^$d " /proc/modules) loaded)"
		done
	fi
	if ! insmod "$module" 2>"$out/insmod.err"; then
		echo "FAIL boot/load-cifs: insmod $module: $(cat "$out/insmod.err")" >>"$out/results"
		# the kernel names the symbol it could not resolve
		log "insmod $module failed (needs: ${deps:-nothing}): $(dmesg |
			grep -E 'Unknown symbol|disagrees|namespace' | tail -n 5 |
			tr '\n' ' ')"
		log "modules dir: $(ls -ld "/lib/modules/$(uname -r)" 2>&1)"
	fi
fi
if grep -q '^cifs ' /proc/modules; then
	log "cifs loaded ($(cat /sys/module/cifs/srcversion 2>/dev/null))"
	# Record every cifs event (per-leg SESSION_SETUP events, once the
	# series adds them) for scenarios to read.
	if [ -d /sys/kernel/tracing/events/cifs ]; then
		echo 1 >/sys/kernel/tracing/events/cifs/enable 2>/dev/null
		echo 16384 >/sys/kernel/tracing/buffer_size_kb 2>/dev/null
	fi
fi

for scenario in "$@"; do
	name=${KTEST_TAG:-}$(basename "$scenario" .sh)
	log "running $name"
	start=$(date +%s)
	tmo=${KTEST_TIMEOUT:-300}
	own=$(sed -n 's/^# ktest-timeout: *\([0-9][0-9]*\)$/\1/p' "$scenario" | head -n 1)
	[ -n "$own" ] && [ "$own" -gt "$tmo" ] && tmo=$own
	# In a session of its own, with no terminal: virtme-ng gives the
	# command the serial console as stdin and controlling terminal when
	# it finds no virtio port for stdin (seen on the debug kernel), and a
	# prompt on /dev/tty (mount.cifs asks for a password with sec=iakerb)
	# from timeout's background process group then stops the whole
	# scenario with SIGTTOU.  On Debian's kernel stdin is an empty port
	# and there is no terminal: the same as here.
	KTEST_NAME=$name setsid -w timeout -k 10 "$tmo" \
		bash "$scenario" </dev/null >"$out/$name.log" 2>&1
	rc=$?
	cat "$out/$name.log"
	grep -E '^(PASS|FAIL) ' "$out/$name.log" >>"$out/results"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "FAIL $name: timed out after $tmo s" | tee -a "$out/results"
	elif [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out/$name.log"; then
		echo "FAIL $name: exited $rc" | tee -a "$out/results"
	elif ! grep -qE '^(PASS|FAIL) ' "$out/$name.log"; then
		echo "FAIL $name: reported nothing" | tee -a "$out/results"
	fi
	# What the scenario left behind: recorded for later tests to assert on.
	(
		# shellcheck source=lib.sh
		. "$src/tests/ktest/lib.sh"
		ktest_leftovers
	) >"$out/$name.leftovers" 2>&1
	log "$name took $(($(date +%s) - start)) s"
done

dmesg >"$out/dmesg.txt"
cat /sys/kernel/tracing/trace >"$out/trace.txt" 2>/dev/null
sync
