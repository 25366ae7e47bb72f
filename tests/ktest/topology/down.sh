#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tear down what up.sh (and smbsrv-start.sh) started.  Usage: down.sh WORK
set -u
work=$1
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
