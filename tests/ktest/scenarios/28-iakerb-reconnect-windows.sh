#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 25's reconnects against a server speaking Windows' IAKerb
# dialect: the stored ticket (AP, then the mechListMIC leg), the kept
# password, the credential owner's cache.
IAKERB_SRV_MODE=windows exec "$(dirname "$0")/25-iakerb-reconnect.sh"
