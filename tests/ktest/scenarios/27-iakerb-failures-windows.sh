#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 24's failures against a server speaking Windows' IAKerb dialect
# (smbsrv --mode windows, NEGOEX offered): the helper's own KDC legs and
# krb5-framed final must fail as cleanly as MIT's mechanism does.
IAKERB_SRV_MODE=windows exec "$(dirname "$0")/24-iakerb-failures.sh"
