#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command on the server side (its network and mount namespaces), with
# KRB5_CONFIG, KRB5_KDC_PROFILE and KRB5RCACHEDIR set for the server.
# Usage: srvexec.sh WORK CMD [ARGS...]
set -eu
. "$1/topo.env"; shift
exec nsenter -t "$SRV_PID" -m -n -r --wd="$PWD" -- env KRB5_CONFIG="$SRV_KRB5_CONFIG" \
	KRB5_KDC_PROFILE="$SRV_DIR/kdc.conf" KRB5RCACHEDIR="$SRV_DIR/rcache" "$@"
