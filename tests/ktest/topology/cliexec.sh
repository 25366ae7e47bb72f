#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command on the client side (its own netns if up.sh was given
# --client-netns, else here), with KRB5_CONFIG naming no KDC.
# Usage: cliexec.sh WORK CMD [ARGS...]
set -eu
. "$1/topo.env"; shift
if [ -n "$CLI_PID" ]; then
	exec nsenter -t "$CLI_PID" -n -- env KRB5_CONFIG="$CLI_KRB5_CONFIG" "$@"
fi
exec env KRB5_CONFIG="$CLI_KRB5_CONFIG" "$@"
