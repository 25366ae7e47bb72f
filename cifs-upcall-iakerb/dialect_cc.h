/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dialect_cc.c: the IAKerb dialect a server spoke, remembered in the
 * user's ccache as a config entry next to the tickets.
 */
#ifndef CIFS_UPCALL_IAKERB_DIALECT_CC_H
#define CIFS_UPCALL_IAKERB_DIALECT_CC_H

#include "gss_glue.h"

/* krb5_cc_set_config key; the principal is cifs/<host>@<client realm> */
#define DIALECT_CC_KEY	"iakerb-dialect"

/* "mit" or "windows" for an entry; NULL for anything else */
const char *dialect_cc_value(enum upcall_dialect d);
/* An entry's value: 0 and *d, -EINVAL if it names no dialect */
int dialect_cc_parse(const krb5_data *v, enum upcall_dialect *d);

/* The principal an entry of @host is kept under, @realm's */
krb5_error_code dialect_cc_principal(krb5_context k, const char *host,
				     const char *realm, krb5_principal *out);

/*
 * Open @ccname and name the principal of @host's entries in its client's
 * realm (*svc; *spn, a child of @mem, for the log).  realm_cc.c keeps its
 * entry under the same principal.  On success the caller closes *cc and
 * frees *svc.
 */
int dialect_cc_open(TALLOC_CTX *mem, krb5_context k, const char *ccname,
		    const char *host, krb5_ccache *cc, krb5_principal *svc,
		    char **spn);

/* On an open cache: 0 and *d, -ENOENT (no entry), -EINVAL (a value we do
 * not know), or a krb5 error.  @d == UPCALL_DIALECT_AUTO removes it. */
int dialect_cc_get(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		   enum upcall_dialect *d);
int dialect_cc_set(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		   enum upcall_dialect d);


/* The same by ccache name, under the cache's client realm; *spn (a child
 * of @mem, set when known) names the entry's principal for the log */
int dialect_cc_recall(TALLOC_CTX *mem, krb5_context k, const char *ccname,
		      const char *host, enum upcall_dialect *d, char **spn);
int dialect_cc_remember(TALLOC_CTX *mem, krb5_context k, const char *ccname,
			const char *host, enum upcall_dialect d, char **spn);

/*
 * Write @value (NULL: only remove) as the config entry @key of @svc in
 * @cc.  @have is what reading it gave (0, -ENOENT, or -EINVAL for an
 * unreadable value; anything else is returned as is).  A FILE cache keeps
 * entries in order and MIT's lookup takes the first, so an old entry is
 * removed before the new one is written.  Shared by the dialect's and the
 * realm's entries.
 */
int cc_config_replace(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		      const char *key, int have, const char *value);

#endif
