#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 23's flows (sec=iakerb and sec=krb5, the password in the mount
# options and in a credentials file, preauthentication on and off, realm
# discovery, every KDC request made by the server) against a server
# speaking Windows' IAKerb dialect.
IAKERB_SRV_MODE=windows exec "$(dirname "$0")/23-iakerb-flows.sh"
