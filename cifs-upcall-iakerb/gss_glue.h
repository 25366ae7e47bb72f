/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GSS-side helpers of the helper (gss_util.c, ccache.c, spnego_glue.c,
 * initiator.c).  Kept apart from upcall.h so that files without krb5 do
 * not pull in its headers.
 */
#ifndef CIFS_UPCALL_IAKERB_GSS_GLUE_H
#define CIFS_UPCALL_IAKERB_GSS_GLUE_H

#include <krb5/krb5.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "upcall.h"
#include "gss_token.h"

extern gss_OID_desc mech_iakerb_oid;
extern gss_OID_desc mech_krb5_oid;

int krb5_code_outcome(long code);
int gss_outcome(OM_uint32 major, OM_uint32 minor);
/*
 * A failure on the server's reply to what we sent last (@sent: AS-REQ,
 * TGS-REQ, AP-REQ): BAD_PASSWORD only stands for the AS exchange
 */
int reply_outcome(int outcome, enum krb_msg_type sent);
/* A KDC's KRB-ERROR error-code (RFC 4120 7.5.9): its outcome, or -1 */
int krb_error_outcome(int32_t error_code);
/* On a path that reaches no SMB server's KDC: "unreachable" is ours */
void own_kdc_outcome(struct result *res);
char *gss_text(TALLOC_CTX *mem, OM_uint32 major, OM_uint32 minor,
	       const gss_OID mech);
int gss_fail(struct result *res, TALLOC_CTX *mem, const char *what,
	     OM_uint32 major, OM_uint32 minor, const gss_OID mech);
char *spn_host(TALLOC_CTX *mem, const char *host);
char *gss_cred_principal(TALLOC_CTX *mem, krb5_context k, gss_cred_id_t cred,
			 krb5_principal *out);
int gss_service_name(const char *host, gss_name_t *out, OM_uint32 *minor);
int gss_session_key(gss_ctx_id_t ctx, uint8_t *key, size_t cap, size_t *len,
		    struct result *res, TALLOC_CTX *mem, const gss_OID mech);

/* krb5_legacy.c, shared with the agent's krb5 path */
int krb5_keytab_ccache(TALLOC_CTX *mem, krb5_context k, const char *keytab,
		       const char *user, char **ccname, struct result *res);
/*
 * A password's AS exchange with the realm's KDC, from this machine: a
 * TGT in a MEMORY cache (*cc, *ccname).  On failure *unreachable says
 * whether no KDC answered (policy.c); @res has the outcome either way.
 */
int krb5_password_ccache(TALLOC_CTX *mem, krb5_context k, const char *princ,
			 const char *pass, size_t pass_len, krb5_ccache *cc,
			 char **ccname, bool *unreachable, struct result *res);
/*
 * Call @try for each name of cifs/<host>, in cifs.upcall's order (as
 * given, the canonical name of a name without a dot, with -t the reverse
 * name of ip=), in lower case, until one returns 0.  The first failure is
 * the one u->res keeps (it explains best); success clears it and sets
 * *used (may be NULL) to the name that worked, a child of @mem.
 */
typedef int (*krb5_host_try)(void *arg, TALLOC_CTX *mem, const char *host);
int krb5_try_hosts(TALLOC_CTX *mem, struct upcall_ctx *u, krb5_host_try try,
		   void *arg, const char **used);

/* ccache.c */
int cc_store_allowed(krb5_context k, const char *collection,
		     krb5_principal princ, bool *allowed);
int cc_stored_name(TALLOC_CTX *mem, const char *collection,
		   krb5_const_principal princ, char **name);

#endif
