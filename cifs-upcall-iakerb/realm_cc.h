/* SPDX-License-Identifier: GPL-2.0 */
/*
 * realm_cc.c: the realm that realm discovery found for a user through a
 * server, remembered in the user's ccache as a config entry next to the
 * dialect (dialect_cc.c), so that the next password mount skips the
 * discovery leg.
 */
#ifndef CIFS_UPCALL_IAKERB_REALM_CC_H
#define CIFS_UPCALL_IAKERB_REALM_CC_H

#include "gss_glue.h"

/* krb5_cc_set_config key; the principal is cifs/<host>@<client realm> */
#define REALM_CC_KEY	"iakerb-realm"
/* a realm longer than this is not one discovery would have accepted */
#define REALM_CC_MAX	255

/*
 * Could @s (@len bytes) be a realm discovery accepted?  Not empty, not
 * Windows' ".", no NUL, no '@' (as krb5_proxy.c's discovery check), and
 * nothing that is not printable ASCII (a config value is the user's
 * file: it must not put control characters into a log line).
 */
bool realm_cc_valid(const char *s, size_t len);
/* An entry's value: 0 and *realm (a child of @mem), or -EINVAL */
int realm_cc_parse(TALLOC_CTX *mem, const krb5_data *v, char **realm);

/* On an open cache: 0 and *realm, -ENOENT, -EINVAL, or a krb5 error.
 * realm_cc_set() with @realm NULL removes the entry. */
int realm_cc_get(TALLOC_CTX *mem, krb5_context k, krb5_ccache cc,
		 krb5_const_principal svc, char **realm);
int realm_cc_set(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		 const char *realm);

/*
 * The cache of @collection (a single cache, or every cache of a DIR,
 * KEYRING or KCM collection, primary first) whose client is @user (the
 * name as the mount gave it, no realm) in some realm R and which holds
 * an entry for @host under cifs/<host>@R whose value is R (any case):
 * 0 and *realm, *ccname and *spn (children of @mem), or -ENOENT.
 */
int realm_cc_find(TALLOC_CTX *mem, const char *collection, const char *host,
		  const char *user, char **realm, char **ccname, char **spn);

/* By cache name, under the cache's client realm (dialect_cc.c's rule):
 * write @realm, or remove the entry when @realm is NULL */
int realm_cc_remember(TALLOC_CTX *mem, krb5_context k, const char *ccname,
		      const char *host, const char *realm, char **spn);

#endif
