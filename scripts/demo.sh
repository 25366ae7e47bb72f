#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build what is needed, boot the kernel under virtme-ng and run
# tests/ktest/demo.sh in it, printing every step.
# make demo-trust (scripts/demo.sh trust): tests/ktest/demo-trust.sh, the
# passwordless mount across a trust between two local KDCs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/build-module.sh
make --no-print-directory userspace
KTEST_VERBOSE=1 exec tests/ktest/run.sh "tests/ktest/demo${1:+-$1}.sh"
