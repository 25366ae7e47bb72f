#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tear down what up.sh (and smbsrv-start.sh) started.  Usage: down.sh WORK
set -u
work=$1
# up.sh --localkdc: the tool's activator and KDC run detached on the
# server side; the tool stops them (before the holder goes)
if [ -f "$work/pids/localkdc-root" ] && [ -f "$work/pids/srv-holder" ]; then
	nsenter -t "$(cat "$work/pids/srv-holder")" -m -n -r -- \
		"$(cat "$work/pids/localkdc-tool")" \
		--root "$(cat "$work/pids/localkdc-root")" stop >/dev/null 2>&1
	rm -f "$work/pids/localkdc-root"
fi
for f in smbsrv kdc cli-holder srv-holder; do
	[ -f "$work/pids/$f" ] || continue
	pid=$(cat "$work/pids/$f")
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
	kill -9 "$pid" 2>/dev/null
	rm -f "$work/pids/$f"
done
# The veth pair and the tmpfs go away with the namespaces.
exit 0
