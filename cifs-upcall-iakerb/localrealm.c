// SPDX-License-Identifier: GPL-2.0
/*
 * The local realm's TGT when the user's caches hold none: what
 * "localkdc ensure" does at login, done by the mount itself.
 *
 * A machine set up with localkdc (localkdc-helper) has a realm of its own
 * and, for each account given to "localkdc setup --user", a keytab of the
 * account's password keys that only the account reads.  When a mount
 * finds no ticket and has no password, localkdc_ensure() gets the TGT from
 * that keytab and the local KDC's socket into the user's default cache,
 * and the mount goes on from there: after login nothing else is needed,
 * even once the login's TGT has ended.  We run as the user, in the user's
 * namespaces (privs.c), which is also what localkdc_ensure() wants of a
 * caller acting for itself.  The KDC is not started from here: its socket
 * is held by systemd or localkdc's activator once the realm is set up,
 * and a helper must not leave a daemon behind in the caller's world.
 */
#include <string.h>
#include <syslog.h>

#include "localkdc.h"
#include "localrealm.h"

bool local_realm_tgt(void)
{
	struct localkdc_ensure_args a;
	struct localkdc_ensure_result r;
	int rc;

	memset(&a, 0, sizeof(a));
	a.flags = LOCALKDC_NO_START;
	rc = localkdc_ensure(&a, &r);
	if (rc == LOCALKDC_NOTSETUP) {
		ulog(LOG_DEBUG, "no local realm: %s", r.why);
		return false;
	}
	if (rc) {
		ulog(LOG_INFO, "the local realm gave no TGT (%s): %s",
		     localkdc_rc_name(rc), r.why);
		return false;
	}
	ulog(LOG_INFO, "local realm: %s", r.why);
	return r.tgt != LOCALKDC_TGT_NONE;
}
