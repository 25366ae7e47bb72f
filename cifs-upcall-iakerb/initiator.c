// SPDX-License-Identifier: GPL-2.0
/*
 * The initiator of a multi-leg exchange: MIT's IAKerb mechanism
 * (gss_mech_iakerb, 1.3.6.1.5.2.5), driven directly, in the agent.
 *
 * Credentials, in this order:
 *   1. the user's ccache, if it holds a valid service ticket for
 *      cifs/<host> (only the AP exchange goes through the server) or a TGT
 *      (TGS and AP go through the server);
 *   2. the password given for this mount (the cifs.iakerb_cred key):
 *      gss_acquire_cred_with_password on the IAKerb mech, which defers the
 *      AS exchange to gss_init_sec_context, i.e. to the server.  A user
 *      name without a realm ("alice") becomes "alice@": MIT then asks the
 *      server for its realm first (realm discovery).
 *
 * Two rules protect the password (both checked on the tokens MIT makes,
 * before they leave, so they hold whatever MIT's state machine does):
 *   - an AS-REQ may only go to the user's own realm, or to the realm this
 *     server told us in realm discovery for this mount: never to a realm
 *     the server merely suggests later (a referral, a WRONG_REALM error);
 *   - a realm that krb5.conf gives a KDC for is not asked through the
 *     server unless the user opted in (-I, or sec=iakerb by name), since
 *     a hostile network could otherwise make us send that realm's AS
 *     exchange to a hostile server.
 *
 * What the exchange obtains goes into the user's ccache collection as a
 * cache of its own (gss_store_cred_into, not default: the primary stays
 * primary), so the next mount and every reconnect are one AP leg.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "initiator.h"
#include "ccache_find.h"
#include "krb5_proxy.h"

#define REQ_FLAGS	(GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG)

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static int import_krb5_name(const char *s, gss_name_t *out, OM_uint32 *minor)
{
	gss_buffer_desc b = { strlen(s), (void *)s };

	return (int)gss_import_name(minor, &b, GSS_KRB5_NT_PRINCIPAL_NAME, out);
}

/* May an AS exchange for @realm go through the server? */
int init_as_realm_ok(struct initiator *in, const char *realm)
{
	if (!realm_has_kdc(in->k, realm))
		return 0;
	if (in->u->o->iakerb_fallback || in->explicit_iakerb)
		return 0;
	return fail(&in->u->res, IAKERB_OUT_KDC_UNREACHABLE,
		    "realm %s has a KDC in krb5.conf: its AS exchange does "
		    "not go through the server without --iakerb-fallback "
		    "or sec=iakerb", realm);
}

/* The policy on what MIT is about to send (see the top of the file) */
static int check_ours(struct initiator *in, const gss_buffer_t out)
{
	struct der_blob tok = { out->value, out->length };
	struct gtok_krb5 g;
	struct iakerb_proxy p;
	char realm[256];

	describe_token(&tok, in->note.client, sizeof(in->note.client));
	in->note.client_len = out->length;
	if (gtok_krb5_parse(tok.data, tok.len, &g) ||
	    g.tok_id != GTOK_IAKERB_PROXY)
		return 0;
	if (iakerb_proxy_parse_body(&g.body, &p))
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "MIT made an IAKerb token we cannot parse");
	if (p.kdc_msg_type != KRB_MSG_AS_REQ || !in->from_password)
		return 0;
	snprintf(realm, sizeof(realm), "%.*s", (int)p.header.target_realm.len,
		 (const char *)p.header.target_realm.data);
	if (!in->user_realm || strcmp(realm, in->user_realm))
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "the server steered the password's AS exchange "
			    "to realm %s (user's realm: %s): refused", realm,
			    in->user_realm ? in->user_realm : "not known");
	return init_as_realm_ok(in, realm);
}

/* What the server sent: remember a discovered realm */
static int check_theirs(struct initiator *in, const struct der_blob *tok)
{
	struct gtok_krb5 g;
	struct iakerb_proxy p;

	describe_token(tok, in->note.server, sizeof(in->note.server));
	in->note.server_len = tok->len;
	if (gtok_krb5_parse(tok->data, tok->len, &g) ||
	    g.tok_id != GTOK_IAKERB_PROXY ||
	    iakerb_proxy_parse_body(&g.body, &p))
		return 0;	/* MIT will judge it */
	if (p.kdc_msg_type == KRB_MSG_NONE && in->discovery &&
	    !in->user_realm && p.header.target_realm.len) {
		in->user_realm = talloc_strndup(in, (const char *)
						p.header.target_realm.data,
						p.header.target_realm.len);
		if (!in->user_realm)
			return fail(&in->u->res, IAKERB_OUT_PROTOCOL, "ENOMEM");
		ulog(LOG_INFO, "realm discovery: the server's realm is %s",
		     in->user_realm);
		return init_as_realm_ok(in, in->user_realm);
	}
	return 0;
}

static int creds_from_ccache(struct initiator *in, TALLOC_CTX *mem,
			     const struct cc_choice *cc)
{
	gss_OID_set_desc mechs = { 1, in->mech };
	gss_key_value_element_desc kv = { "ccache", cc->name };
	gss_key_value_set_desc store = { 1, &kv };
	OM_uint32 major, minor;

	major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
				      &mechs, GSS_C_INITIATE, &store,
				      &in->cred, NULL, NULL);
	if (GSS_ERROR(major))
		return gss_fail(&in->u->res, mem, "credentials from ccache",
				major, minor, in->mech);
	in->ccname = talloc_strdup(in, cc->name);
	ulog(LOG_INFO, "using %s from %s (%s)",
	     cc->state == CC_SERVICE ? "the service ticket" : "the TGT",
	     cc->name, cc->principal);
	return 0;
}

/* The password's principal: "user@REALM", or "user@" for discovery */
static int password_principal(struct initiator *in, TALLOC_CTX *mem)
{
	struct upcall_ctx *u = in->u;
	const char *user = u->r->d.user, *at;
	char *princ;
	int ret;

	if (!(u->r->d.have & IAKERB_F_USER))
		return fail(&u->res, IAKERB_OUT_NO_CREDS,
			    "a password but no user name");
	at = strrchr(user, '@');
	if (at && at[1]) {
		princ = talloc_strdup(in, user);
		in->user_realm = talloc_strdup(in, at + 1);
	} else if (!at && u->domain && u->domain[0]) {
		/* the mount's domain= is the realm hint (PROTOCOL.md §14) */
		in->user_realm = talloc_strdup(in, u->domain);
		if (in->user_realm)
			upper(in->user_realm);
		princ = talloc_asprintf(in, "%s@%s", user, in->user_realm);
	} else {
		/* "alice" or "alice@": the server is asked for its realm */
		princ = at ? talloc_strdup(in, user) :
			     talloc_asprintf(in, "%s@", user);
		in->discovery = true;
	}
	if (!princ || (!in->discovery && !in->user_realm))
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "ENOMEM");
	in->princ = princ;
	if (!in->discovery) {
		ret = init_as_realm_ok(in, in->user_realm);
		if (ret)
			return ret;
	}
	(void)mem;
	return 0;
}

/* Windows' AS exchange, or a switch to it, needs the password itself */
static int keep_password(struct initiator *in)
{
	struct upcall_ctx *u = in->u;

	in->pw = secret_alloc(in, u->pass_len + 1);
	if (!in->pw)
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "ENOMEM");
	memcpy(in->pw, u->pass, u->pass_len);
	in->pw[u->pass_len] = 0;
	in->pw_len = u->pass_len;
	return 0;
}

static int creds_from_password(struct initiator *in, TALLOC_CTX *mem)
{
	struct upcall_ctx *u = in->u;
	gss_OID_set_desc mechs = { 1, in->mech };
	gss_buffer_desc pw = { u->pass_len, u->pass };
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 major = GSS_S_COMPLETE, minor = 0;
	int ret;

	ret = password_principal(in, mem);
	/* auto starts in MIT's framing and may have to switch */
	if (!ret && (in->windows || in->want == UPCALL_DIALECT_AUTO))
		ret = keep_password(in);
	if (ret)
		goto wipe;
	if (!in->windows) {
		major = (OM_uint32)import_krb5_name(in->princ, &name, &minor);
		if (GSS_ERROR(major)) {
			ret = gss_fail(&u->res, mem, "user name", major, minor,
				       NULL);
			goto wipe;
		}
		major = gss_acquire_cred_with_password(&minor, name, &pw,
						       GSS_C_INDEFINITE,
						       &mechs, GSS_C_INITIATE,
						       &in->cred, NULL, NULL);
		gss_release_name(&minor, &name);
	}
wipe:
	/* MIT (or in->pw) keeps its own copy; ours goes now */
	secret_wipe(u->pass, u->pass_len);
	u->pass_len = 0;
	if (ret)
		return ret;
	if (GSS_ERROR(major))
		return gss_fail(&u->res, mem, "password credentials", major,
				minor, in->mech);
	in->from_password = true;
	ulog(LOG_INFO, "using the mount's password for %s%s", in->princ,
	     in->discovery ? " (realm discovery)" : "");
	return 0;
}

/* The GSS context, credential and target name, released and cleared */
void init_release_gss(struct initiator *in)
{
	OM_uint32 minor;

	if (in->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &in->ctx, GSS_C_NO_BUFFER);
	if (in->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &in->cred);
	if (in->target != GSS_C_NO_NAME)
		gss_release_name(&minor, &in->target);
	in->ctx = GSS_C_NO_CONTEXT;
	in->cred = GSS_C_NO_CREDENTIAL;
	in->target = GSS_C_NO_NAME;
}

static int init_destructor(struct initiator *in)
{
	init_release_gss(in);
	/* the proxy's krb5 objects need the context */
	TALLOC_FREE(in->kp);
	if (in->k)
		krb5_free_context(in->k);
	in->k = NULL;
	return 0;
}

void init_free(struct initiator *in)
{
	talloc_free(in);
}

/* Forget a failed attempt, so the next mechanism starts clean */
static void init_reset(struct initiator *in)
{
	init_release_gss(in);
	in->from_password = in->discovery = false;
	in->user_realm = NULL;
	in->u->res.outcome = OUT_OK;
	in->u->res.why[0] = 0;
}

/* The first token of in->mech, framed in a negTokenInit of @offer */
static int first_token(struct initiator *in, TALLOC_CTX *mem,
		       const struct der_blob *offer, size_t n_offer,
		       uint8_t **blob, size_t *blob_len)
{
	struct result *res = &in->u->res;
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	int ret;

	major = gss_init_sec_context(&minor, in->cred, &in->ctx, in->target,
				     in->mech, REQ_FLAGS, 0,
				     GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER,
				     NULL, &out, NULL, NULL);
	if (GSS_ERROR(major))
		return gss_fail(res, mem, in->mech == &mech_iakerb_oid ?
				"IAKerb first token" : "krb5 AP-REQ", major,
				minor, in->mech);
	if (major != GSS_S_CONTINUE_NEEDED || !out.length) {
		gss_release_buffer(&minor, &out);
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "the context completed without the server");
	}
	ret = check_ours(in, &out);
	if (!ret) {
		memcpy(in->offer, offer, n_offer * sizeof(*offer));
		in->n_offer = n_offer;
		if (spnego_wrap_first(in, offer, n_offer, out.value,
				      out.length, blob, blob_len,
				      &in->mech_list, &in->mech_list_len))
			ret = fail(res, IAKERB_OUT_PROTOCOL,
				   "cannot frame the negTokenInit");
	}
	snprintf(in->note.server, sizeof(in->note.server), "NEGOTIATE");
	gss_release_buffer(&minor, &out);
	if (!ret)
		talloc_steal(mem, *blob);
	return ret;
}

/*
 * Plain krb5 with a verified AP-REP, the kernel's sec=krb5/mskrb5 on a
 * server that also lets us use an agent: the user's ccache (or root's
 * keytab) and a KDC we can reach, as cifs.upcall would use them, but with
 * mutual authentication (PROTOCOL.md §1: prefer CONTINUE).
 */
struct krb5_try {
	struct initiator	*in;
	const struct der_blob	*offer;
	size_t			n_offer;
	uint8_t			**blob;
	size_t			*blob_len;
};

/* One name of cifs/<host>: a fresh context, its first token */
static int try_krb5_host(void *arg, TALLOC_CTX *mem, const char *host)
{
	struct krb5_try *t = arg;
	struct initiator *in = t->in;
	OM_uint32 major, minor;

	if (in->target != GSS_C_NO_NAME)
		gss_release_name(&minor, &in->target);
	if (in->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &in->ctx, GSS_C_NO_BUFFER);
	major = (OM_uint32)gss_service_name(host, &in->target, &minor);
	if (GSS_ERROR(major))
		return gss_fail(&in->u->res, mem, "service name", major, minor,
				NULL);
	return first_token(in, mem, t->offer, t->n_offer, t->blob,
			   t->blob_len);
}

static int try_krb5(struct initiator *in, TALLOC_CTX *mem, uint8_t **blob,
		    size_t *blob_len)
{
	struct upcall_ctx *u = in->u;
	const struct iakerb_desc *d = &u->r->d;
	struct der_blob offer[2];
	struct krb5_try t;
	struct cc_choice cc;
	char *ccname = NULL;
	int ret;

	in->mech = &mech_krb5_oid;
	if (cc_find_k(mem, in->k, u->env_ccname, d->host,
		      (d->have & IAKERB_F_USER) ? d->user : "", false,
		      &cc) == 0) {
		ret = creds_from_ccache(in, mem, &cc);
		if (ret)
			return ret;
	} else if (u->r->uid == 0 && (d->have & IAKERB_F_USER)) {
		if (krb5_keytab_ccache(mem, in->k, u->o->keytab, d->user,
				       &ccname, &u->res))
			return -outcome_errno(u->res.outcome);
		cc.name = ccname;
		cc.principal = (char *)d->user;
		cc.state = CC_TGT;
		ret = creds_from_ccache(in, mem, &cc);
		if (ret)
			return ret;
	} else {
		return fail(&u->res, IAKERB_OUT_NO_CREDS,
			    "no ccache with a valid TGT or ticket for "
			    "cifs/%s", d->host);
	}
	/* Windows lists the MS OID first for sec=mskrb5; the token itself
	 * is the krb5 mech's either way */
	if (d->sec == IAKERB_SEC_MSKRB5) {
		offer[0] = oid_ms_krb5;
		offer[1] = oid_krb5;
	} else {
		offer[0] = oid_krb5;
	}
	t.in = in;
	t.offer = offer;
	t.n_offer = d->sec == IAKERB_SEC_MSKRB5 ? 2 : 1;
	t.blob = blob;
	t.blob_len = blob_len;
	return krb5_try_hosts(mem, u, try_krb5_host, &t, NULL);
}

static int try_iakerb(struct initiator *in, TALLOC_CTX *mem, uint8_t **blob,
		      size_t *blob_len)
{
	struct upcall_ctx *u = in->u;
	const struct iakerb_desc *d = &u->r->d;
	struct cc_choice cc;
	OM_uint32 major, minor;
	char *host, *spn;
	int ret;

	in->mech = &mech_iakerb_oid;
	dialect_choose(in);
	ret = cc_find_k(mem, in->k, u->env_ccname, d->host,
			(d->have & IAKERB_F_USER) ? d->user : "",
			u->pass_len != 0, &cc);
	if (ret == 0) {
		in->cc_state = cc.state;
		in->cc_realm = talloc_strdup(in, cc.realm ? cc.realm : "");
		dialect_recall(in, &cc);
		if (in->windows) {
			/* our own KDC legs read the ccache themselves */
			in->ccname = talloc_strdup(in, cc.name);
			ulog(LOG_INFO, "using %s from %s (%s)",
			     cc.state == CC_SERVICE ? "the service ticket" :
			     "the TGT", cc.name, cc.principal);
			ret = in->ccname && in->cc_realm ? 0 :
			      fail(&u->res, IAKERB_OUT_PROTOCOL, "ENOMEM");
		} else {
			ret = creds_from_ccache(in, mem, &cc);
		}
	} else if (u->pass_len)
		ret = creds_from_password(in, mem);
	else
		ret = fail(&u->res, IAKERB_OUT_NO_CREDS,
			   "no ticket for %s in the ccache and no password "
			   "for this mount", (d->have & IAKERB_F_USER) ?
			   d->user : "the user");
	if (ret)
		return ret;
	if (in->windows)
		return win_first(in, mem, blob, blob_len);

	/*
	 * "cifs/<host>@": the referral realm.  Not a host-based name: MIT
	 * would canonicalise that through DNS, and an IAKerb client talks to
	 * nobody but the server.
	 */
	host = spn_host(mem, d->host);
	if (!host)
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "ENOMEM");
	spn = talloc_asprintf(mem, "cifs/%s@", host);
	major = spn ? (OM_uint32)import_krb5_name(spn, &in->target, &minor) :
		      GSS_S_FAILURE;
	if (GSS_ERROR(major))
		return gss_fail(&u->res, mem, "service name", major, minor,
				NULL);
	return first_token(in, mem, &oid_iakerb, 1, blob, blob_len);
}

int init_first(struct initiator *in, TALLOC_CTX *mem, struct upcall_ctx *u,
	       uint8_t **blob, size_t *blob_len)
{
	const struct iakerb_desc *d = &u->r->d;
	bool krb5 = d->sec != IAKERB_SEC_IAKERB &&
		    (d->mechs & (IAKERB_MECH_KRB5 | IAKERB_MECH_MSKRB5));
	bool iakerb = d->mechs & IAKERB_MECH_IAKERB;
	struct cc_choice cc;
	int ret;

	in->u = u;
	snprintf(in->note.server, sizeof(in->note.server), "NEGOTIATE");
	in->ctx = GSS_C_NO_CONTEXT;
	in->cred = GSS_C_NO_CREDENTIAL;
	in->target = GSS_C_NO_NAME;
	talloc_set_destructor(in, init_destructor);
	/* sec=iakerb although the server also offers krb5: the user's word */
	in->explicit_iakerb = d->sec == IAKERB_SEC_IAKERB &&
			      (d->mechs & (IAKERB_MECH_KRB5 |
					   IAKERB_MECH_MSKRB5));
	if (krb5_init_context(&in->k))
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "krb5_init_context");
	/* where what we obtain will go: the user's default collection */
	cc_find_k(mem, in->k, u->env_ccname, d->host, "", false, &cc);
	in->collection = talloc_strdup(in, cc.collection ? cc.collection : "");

	if (krb5) {
		ret = try_krb5(in, mem, blob, blob_len);
		if (!ret || !legacy_failure_allows_iakerb(&u->res))
			return ret;
		if (!iakerb) {
			/* a password is of no use without IAKerb: say so */
			if (!u->pass_len)
				return ret;
			init_reset(in);
			return fail(&u->res, IAKERB_OUT_NO_MECH,
				    "no krb5 ticket, and the server offers no "
				    "IAKerb for the password (mechs=0x%x)",
				    d->mechs);
		}
		ulog(LOG_INFO, "krb5 failed (%s: %s): trying IAKerb",
		     outcome_name(u->res.outcome), u->res.why);
		init_reset(in);
	} else if (!iakerb) {
		return fail(&u->res, IAKERB_OUT_NO_MECH,
			    "the server offers no IAKerb (mechs=0x%x)",
			    d->mechs);
	}
	return try_iakerb(in, mem, blob, blob_len);
}

/* After a verified AP-REP: keep what a password obtained */
static void store_creds(struct initiator *in)
{
	gss_key_value_element_desc kv = { "ccache", in->collection };
	gss_key_value_set_desc store = { 1, &kv };
	gss_buffer_desc nb = GSS_C_EMPTY_BUFFER;
	gss_name_t name = GSS_C_NO_NAME;
	krb5_principal p = NULL;
	OM_uint32 major, minor;
	bool allowed = false;
	char *pn = NULL;

	/* a ccache's own TGT path already stored its new ticket there */
	if (!in->from_password || !in->collection[0])
		return;
	major = gss_inquire_cred(&minor, in->cred, &name, NULL, NULL, NULL);
	if (!GSS_ERROR(major))
		major = gss_display_name(&minor, name, &nb, NULL);
	if (!GSS_ERROR(major))
		pn = talloc_strndup(in, nb.value, nb.length);
	gss_release_buffer(&minor, &nb);
	gss_release_name(&minor, &name);
	if (!pn || krb5_parse_name(in->k, pn, &p) ||
	    cc_store_allowed(in->k, in->collection, p, &allowed)) {
		ulog(LOG_WARNING, "credentials not stored: cannot check %s",
		     in->collection);
		goto out;
	}
	if (!allowed) {
		ulog(LOG_NOTICE, "credentials for %s not stored: %s holds "
		     "another principal", pn, in->collection);
		goto out;
	}
	major = gss_store_cred_into(&minor, in->cred, GSS_C_INITIATE, in->mech,
				    1, 0, &store, NULL, NULL);
	if (GSS_ERROR(major)) {
		char *t = gss_text(in, major, minor, in->mech);

		ulog(LOG_WARNING, "credentials for %s not stored in %s: %s",
		     pn, in->collection, t ? t : "");
	} else {
		ulog(LOG_INFO, "stored the TGT and ticket of %s in %s", pn,
		     in->collection);
		/* which cache of the collection: the dialect goes there too */
		if (cc_stored_name(in, in->collection, p, &in->stored_cc))
			ulog(LOG_WARNING, "cannot name the cache of %s in %s",
			     pn, in->collection);
	}
out:
	krb5_free_principal(in->k, p);
}

static bool offered(const struct initiator *in, const struct der_blob *oid)
{
	size_t i;

	for (i = 0; i < in->n_offer; i++)
		if (oid_equal(&in->offer[i], oid))
			return true;
	return false;
}

static int verify_mic(struct initiator *in, TALLOC_CTX *mem,
		      const struct der_blob *mic)
{
	gss_buffer_desc msg = { in->mech_list_len, in->mech_list };
	gss_buffer_desc tok = { mic->len, (void *)mic->data };
	OM_uint32 major, minor;

	major = gss_verify_mic(&minor, in->ctx, &msg, &tok, NULL);
	if (major != GSS_S_COMPLETE) {
		gss_fail(&in->u->res, mem, "server's mechListMIC", major,
			 minor, in->mech);
		in->u->res.outcome = IAKERB_OUT_MUTUAL_AUTH;
		return -outcome_errno(IAKERB_OUT_MUTUAL_AUTH);
	}
	return 0;
}

static int make_mic(struct initiator *in, TALLOC_CTX *mem, uint8_t **blob,
		    size_t *blob_len)
{
	gss_buffer_desc msg = { in->mech_list_len, in->mech_list };
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	int ret = 0;

	major = gss_get_mic(&minor, in->ctx, GSS_C_QOP_DEFAULT, &msg, &mic);
	if (GSS_ERROR(major))
		return gss_fail(&in->u->res, mem, "our mechListMIC", major,
				minor, in->mech);
	if (spnego_wrap_next(mem, NULL, 0, mic.value, mic.length, blob,
			     blob_len))
		ret = fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			   "cannot frame our mechListMIC");
	snprintf(in->note.client, sizeof(in->note.client), "mechListMIC");
	in->note.client_len = mic.length;
	gss_release_buffer(&minor, &mic);
	in->mic_sent = true;
	return ret;
}

int init_next(struct initiator *in, TALLOC_CTX *mem, const uint8_t *srv,
	      size_t srv_len, uint32_t status, uint8_t **blob,
	      size_t *blob_len, bool *done, uint8_t *key, size_t *key_len)
{
	struct result *res = &in->u->res;
	gss_buffer_desc input, out = GSS_C_EMPTY_BUFFER;
	struct server_reply rep;
	OM_uint32 major, minor;
	bool success = status == IAKERB_STATUS_SUCCESS;
	int ret = 0;

	*done = false;
	memset(&in->note, 0, sizeof(in->note));
	in->server_legs++;
	if (spnego_unwrap_reply(srv, srv_len, &rep))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "malformed SPNEGO reply from the server");
	if (rep.reject)
		return fail(res, IAKERB_OUT_NO_MECH,
			    "the server rejected our mechanism");
	if (in->server_legs == 1 && der_blob_present(&rep.supported_mech) &&
	    !offered(in, &rep.supported_mech))
		return fail(res, IAKERB_OUT_NO_MECH,
			    "the server chose a mechanism we did not offer");

	/* Windows' dialect: our own KDC legs until the AP-REQ is out */
	if (in->kp && in->kp->state != KPROXY_DONE)
		return win_next(in, mem, &rep, success, blob, blob_len);

	if (der_blob_present(&rep.token) && rep.token.len) {
		bool switched;

		if (in->established)
			return fail(res, IAKERB_OUT_PROTOCOL,
				    "a token after the context was complete");
		ret = check_theirs(in, &rep.token);
		if (ret)
			return ret;
		if (in->mech == &mech_iakerb_oid) {
			ret = dialect_on_reply(in, mem, &rep.token, blob,
					       blob_len, &switched);
			if (ret || switched)
				return ret;
		}
		input.value = (void *)rep.token.data;
		input.length = rep.token.len;
		major = gss_init_sec_context(&minor, in->cred, &in->ctx,
					     in->target, in->mech, REQ_FLAGS, 0,
					     GSS_C_NO_CHANNEL_BINDINGS, &input,
					     NULL, &out, NULL, NULL);
		if (GSS_ERROR(major)) {
			char what[96];

			snprintf(what, sizeof(what), "after the server's %s",
				 in->note.server);
			ret = gss_fail(res, mem, what, major, minor, in->mech);
			goto out;
		}
		if (major == GSS_S_COMPLETE)
			in->established = true;
		if (out.length) {
			ret = check_ours(in, &out);
			if (ret)
				goto out;
		}
	} else {
		snprintf(in->note.server, sizeof(in->note.server), "%s",
			 der_blob_present(&rep.mic) ? "mechListMIC" : "empty");
	}

	if (!in->established) {
		if (success) {
			ret = fail(res, IAKERB_OUT_MUTUAL_AUTH,
				   "the server reported success before "
				   "its AP-REP");
		} else if (!out.length) {
			ret = fail(res, IAKERB_OUT_PROTOCOL,
				   "no token to send and no context");
		} else if (spnego_wrap_next(mem, out.value, out.length, NULL,
					    0, blob, blob_len)) {
			ret = fail(res, IAKERB_OUT_PROTOCOL,
				   "cannot frame a negTokenResp");
		}
		goto out;
	}

	/* established: the AP-REP checked out; now the MIC, if any */
	if (der_blob_present(&rep.mic)) {
		ret = verify_mic(in, mem, &rep.mic);
		if (ret)
			goto out;
		strncat(in->note.server, "+MIC",
			sizeof(in->note.server) - strlen(in->note.server) - 1);
	}
	if (!success) {
		/* the server wants our MIC (accept-incomplete/request-mic) */
		if (in->mic_sent)
			ret = fail(res, IAKERB_OUT_PROTOCOL,
				   "the server wants more after our MIC");
		else
			ret = make_mic(in, mem, blob, blob_len);
		goto out;
	}
	ret = gss_session_key(in->ctx, key, IAKERB_SESSKEY_MAX, key_len, res,
			      mem, in->mech);
	if (ret)
		goto out;
	store_creds(in);
	dialect_record(in);
	snprintf(in->note.client, sizeof(in->note.client), "session key");
	*done = true;
out:
	gss_release_buffer(&minor, &out);
	return ret;
}
