/* SPDX-License-Identifier: GPL-2.0 */
/* crossrealm.c: a server of another realm than the user's TGT. */
#ifndef CIFS_UPCALL_IAKERB_CROSSREALM_H
#define CIFS_UPCALL_IAKERB_CROSSREALM_H

#include "gss_glue.h"

struct initiator;

/*
 * Before IAKerb from @cc: the server's realm from krb5.conf (in->srv_realm,
 * NULL when it maps none), and for a TGT of another realm the cross-realm
 * TGT from that realm's own KDC, stored in @cc.  0, or the failure in
 * in->u->res when the user's KDC refused it (NO_TRUST).
 */
int xrealm_prepare(struct initiator *in, TALLOC_CTX *mem,
		   const struct cc_choice *cc);

/*
 * The exchange failed on the server's reply to @sent: a TGS-REQ of a
 * cross-realm exchange refused as "unknown server" is the trust's
 * failure.  Returns the outcome now in in->u->res.
 */
int xrealm_reply_failed(struct initiator *in, enum krb_msg_type sent);

#endif
