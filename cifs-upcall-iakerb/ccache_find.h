/* SPDX-License-Identifier: GPL-2.0 */
/* ccache.c: finding the user's credential cache (see there). */
#ifndef CIFS_UPCALL_IAKERB_CCACHE_FIND_H
#define CIFS_UPCALL_IAKERB_CCACHE_FIND_H

#include "gss_glue.h"

int cc_find_k(TALLOC_CTX *mem, krb5_context k, const char *env_ccname,
	      const char *host, const char *user, bool strict_user,
	      struct cc_choice *out);
bool cc_principal_is_user(krb5_context k, krb5_principal p, const char *user);
/* After cc_find_k() found nothing: NO_CREDS or TICKET_EXPIRED, and why */
int cc_none(struct result *res, const struct cc_choice *cc, const char *why);
/* Root's keytab gave nothing either (none, or no KDC for it): expired
 * tickets say more */
void cc_stale_hint(struct result *res, const struct cc_choice *cc);

#endif
