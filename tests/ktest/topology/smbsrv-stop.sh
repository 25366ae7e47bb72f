#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stop the smbsrv started by smbsrv-start.sh.  Usage: smbsrv-stop.sh WORK
set -u
work=$1
[ -f "$work/pids/smbsrv" ] || exit 0
pid=$(cat "$work/pids/smbsrv")
kill "$pid" 2>/dev/null
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
kill -9 "$pid" 2>/dev/null
rm -f "$work/pids/smbsrv"
exit 0
