#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Start smbsrv on the server side of a topology made by up.sh.
#
# Usage: smbsrv-start.sh WORK [SMBSRV OPTIONS...]
# Env:   SMBSRV   the binary (default: ../smbsrv/build/smbsrv)
#
# It listens on $SRV_ADDR:445 with the server's keytab, exports share "share"
# = $SRV_DIR/shares/share (created if missing; it survives restarts: the
# tmpfs is the namespace holder's) and logs to $LOG_DIR/smbsrv.log (appended,
# so a restart keeps the earlier lines).  Extra options go after these, so
# they may add shares or fault knobs.  Waits until the port answers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1; shift
. "$work/topo.env"
bin=${SMBSRV:-$here/../smbsrv/build/smbsrv}
"$here/srvexec.sh" "$work" mkdir -p "$SRV_DIR/shares/share"
"$here/srvexec.sh" "$work" "$bin" --listen "$SRV_ADDR" --port 445 \
	--keytab "$SRV_KEYTAB" --log "$LOG_DIR/smbsrv.log" \
	--pid-file "$SRV_DIR/smbsrv.pid" --server-name "$SRV_NAME" \
	--share "share=$SRV_DIR/shares/share" "$@" \
	</dev/null >>"$LOG_DIR/smbsrv.out" 2>&1 &
echo $! > "$work/pids/smbsrv"
for _ in $(seq 200); do
	if "$here/srvexec.sh" "$work" bash -c "exec 3<>/dev/tcp/$SRV_ADDR/445" \
		2>/dev/null; then
		exit 0
	fi
	kill -0 "$(cat "$work/pids/smbsrv")" 2>/dev/null || break
	sleep 0.05
done
echo "smbsrv-start: smbsrv did not come up:" >&2
cat "$LOG_DIR/smbsrv.out" >&2
exit 1
