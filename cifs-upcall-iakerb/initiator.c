// SPDX-License-Identifier: GPL-2.0
/*
 * The initiator of a multi-leg exchange: MIT's IAKerb mechanism
 * (gss_mech_iakerb, 1.3.6.1.5.2.5), driven directly, in the agent.
 *
 * Credentials, in this order:
 *   1. the user's ccache, if it holds a valid service ticket for
 *      cifs/<host> (only the AP exchange goes through the server) or a TGT
 *      (TGS and AP go through the server);
 *   2. the password given for this mount (the cifs.iakerb_cred key), for
 *      the principal password.c makes, as policy.c's rule says: the
 *      realm's KDC asked from this machine first (a TGT in a MEMORY
 *      cache, then plain krb5 or IAKerb from it), and only when no KDC
 *      of the realm is known or reachable, the AS exchange through the
 *      server: gss_acquire_cred_with_password on the IAKerb mech, which
 *      defers it to gss_init_sec_context.  With no realm known ("alice@")
 *      MIT asks the server for its realm first (realm discovery).
 *
 * The rule is checked again on every token MIT makes, before it leaves,
 * so it holds whatever MIT's state machine does: an AS-REQ of the
 * password goes only to its realm (never one the server suggests later:
 * a referral, a WRONG_REALM error) and only if policy.c allows it.
 *
 * What a password obtained is kept only where policy.c allows it
 * (store_tickets = owner: the credential owner's default ccache, a cache
 * of its own in a collection); with nothing kept, the kernel resends the
 * password on reconnect.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "initiator.h"
#include "ccache_find.h"
#include "crossrealm.h"
#include "localrealm.h"
#include "krb5_proxy.h"

static int import_krb5_name(const char *s, gss_name_t *out, OM_uint32 *minor)
{
	gss_buffer_desc b = { strlen(s), (void *)s };

	return (int)gss_import_name(minor, &b, GSS_KRB5_NT_PRINCIPAL_NAME, out);
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
	if (gtok_krb5_parse(tok.data, tok.len, &g))
		return 0;
	if (g.tok_id == GTOK_KRB5_AP_REQ)
		in->sent_type = KRB_MSG_AP_REQ;
	if (g.tok_id != GTOK_IAKERB_PROXY)
		return 0;
	if (iakerb_proxy_parse_body(&g.body, &p))
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "MIT made an IAKerb token we cannot parse");
	in->sent_type = p.kdc_msg_type;
	snprintf(realm, sizeof(realm), "%.*s", (int)p.header.target_realm.len,
		 (const char *)p.header.target_realm.data);
	talloc_free(in->sent_realm);
	in->sent_realm = talloc_strdup(in, realm);
	if (!in->sent_realm)
		return fail_oom(&in->u->res, "the request's realm");
	return pw_token_ok(in, p.kdc_msg_type, realm);
}

/* What the server sent: remember a discovered realm */
static int check_theirs(struct initiator *in, const struct der_blob *tok)
{
	struct krb_error_info e;
	struct gtok_krb5 g;
	struct iakerb_proxy p;

	describe_token(tok, in->note.server, sizeof(in->note.server));
	in->note.server_len = tok->len;
	in->srv_error = 0;
	if (gtok_krb5_parse(tok->data, tok->len, &g) ||
	    g.tok_id != GTOK_IAKERB_PROXY ||
	    iakerb_proxy_parse_body(&g.body, &p))
		return 0;	/* MIT will judge it */
	if (p.kdc_msg_type == KRB_MSG_ERROR && !krb_error_parse(&p.kdc_msg, &e))
		in->srv_error = e.error_code;
	pw_realm_seen(in, tok);
	if (p.kdc_msg_type == KRB_MSG_NONE && in->discovery &&
	    !in->user_realm && p.header.target_realm.len) {
		char realm[256];

		snprintf(realm, sizeof(realm), "%.*s",
			 (int)p.header.target_realm.len,
			 (const char *)p.header.target_realm.data);
		return pw_realm_learnt(in, realm);
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

/* Windows' AS exchange (ours, krb5_proxy.c) needs the password itself */
static int keep_password(struct initiator *in)
{
	struct upcall_ctx *u = in->u;

	in->pw = secret_alloc(in, u->pass_len + 1);
	if (!in->pw)
		return fail_oom(&u->res, "the kept password");
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
	int ret = 0;

	/* Windows' AS is ours; auto carries MIT's over a switch */
	if (in->windows)
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
	if (in->direct_cc)
		krb5_cc_destroy(in->k, in->direct_cc);
	in->direct_cc = NULL;
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
	in->realm_from = PW_REALM_NONE;
	in->pw_kdc = PW_KDC_NOT_ASKED;
	in->kdc_why[0] = 0;
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
				     in->mech, INITIATOR_GSS_FLAGS, 0,
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

static int try_krb5(struct initiator *in, TALLOC_CTX *mem,
		    const struct cc_choice *given, uint8_t **blob,
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
	if (given) {
		/* the TGT the password just got from the realm's KDC */
		ret = creds_from_ccache(in, mem, given);
		if (ret)
			return ret;
	} else if (cc_find_k(mem, in->k, u->env_ccname, d->host,
			     (d->have & IAKERB_F_USER) ? d->user : "", false,
			     &cc) == 0) {
		/* the krb5 mech would fetch it too: a refusal is final */
		ret = xrealm_prepare(in, mem, &cc);
		if (!ret)
			ret = creds_from_ccache(in, mem, &cc);
		if (ret)
			return ret;
	} else if (u->r->uid == 0 && (d->have & IAKERB_F_USER)) {
		if (krb5_keytab_ccache(mem, in->k, u->o->keytab, d->user,
				       &ccname, &u->res)) {
			cc_stale_hint(&u->res, &cc);
			return -outcome_errno(u->res.outcome);
		}
		cc.name = ccname;
		cc.principal = (char *)d->user;
		cc.state = CC_TGT;
		ret = creds_from_ccache(in, mem, &cc);
		if (ret)
			return ret;
	} else {
		char why[IAKERB_HOST_MAX + 64];

		snprintf(why, sizeof(why), "no ccache with a valid TGT or "
			 "ticket for cifs/%s", d->host);
		return cc_none(&u->res, &cc, why);
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
	ret = krb5_try_hosts(mem, u, try_krb5_host, &t, NULL);
	/* plain krb5 asks this machine's KDC only */
	own_kdc_outcome(&u->res);
	return ret;
}

/* The first IAKerb token, once the credentials are chosen */
static int iakerb_first(struct initiator *in, TALLOC_CTX *mem, uint8_t **blob,
			size_t *blob_len)
{
	struct upcall_ctx *u = in->u;
	OM_uint32 major, minor;
	char *host, *spn;

	if (in->windows)
		return win_first(in, mem, blob, blob_len);
	/*
	 * "cifs/<host>@": the referral realm, unless krb5.conf maps the host
	 * to a realm (crossrealm.c).  Not a host-based name: MIT would
	 * canonicalise that through DNS, and an IAKerb client talks to
	 * nobody but the server.
	 */
	host = spn_host(mem, u->r->d.host);
	if (!host)
		return fail_oom(&u->res, "the host name");
	spn = talloc_asprintf(mem, "cifs/%s@%s", host,
			      in->srv_realm ? in->srv_realm : "");
	major = spn ? (OM_uint32)import_krb5_name(spn, &in->target, &minor) :
		      GSS_S_FAILURE;
	if (GSS_ERROR(major))
		return gss_fail(&u->res, mem, "service name", major, minor,
				NULL);
	return first_token(in, mem, &oid_iakerb, 1, blob, blob_len);
}

/* IAKerb from a ccache's ticket or TGT */
static int iakerb_from_cc(struct initiator *in, TALLOC_CTX *mem,
			  const struct cc_choice *cc, uint8_t **blob,
			  size_t *blob_len)
{
	struct upcall_ctx *u = in->u;
	int ret;

	in->mech = &mech_iakerb_oid;
	in->cc_state = cc->state;
	in->cc_realm = talloc_strdup(in, cc->realm ? cc->realm : "");
	ret = xrealm_prepare(in, mem, cc);
	if (ret)
		return ret;
	dialect_recall(in, cc);
	if (in->windows) {
		/* our own KDC legs read the ccache themselves */
		in->ccname = talloc_strdup(in, cc->name);
		ulog(LOG_INFO, "using %s from %s (%s)",
		     cc->state == CC_SERVICE ? "the service ticket" :
		     "the TGT", cc->name, cc->principal);
		ret = in->ccname && in->cc_realm ? 0 :
		      fail_oom(&u->res, "the ccache's name");
	} else {
		ret = creds_from_ccache(in, mem, cc);
	}
	return ret ? ret : iakerb_first(in, mem, blob, blob_len);
}

/*
 * The mount's password (policy.c): its realm's KDC from here first when
 * the rule says so, then plain krb5 (if offered, and the mount did not
 * ask for IAKerb) or IAKerb from the TGT it gave; else, if allowed, the
 * AS exchange through the server.
 */
static int from_password(struct initiator *in, TALLOC_CTX *mem, bool krb5,
			 bool iakerb, uint8_t **blob, size_t *blob_len)
{
	struct upcall_ctx *u = in->u;
	struct cc_choice cc;
	const char *why;
	int ret;

	ret = pw_principal(in);
	if (!ret && pw_next(in, &why) == PW_ASK_KDC) {
		ret = pw_ask_kdc(in, mem, &cc);
		if (!ret && in->pw_kdc == PW_KDC_ANSWERED) {
			secret_wipe(u->pass, u->pass_len);
			u->pass_len = 0;
			in->from_password = true;
			if (krb5 && !in->explicit_iakerb)
				return try_krb5(in, mem, &cc, blob, blob_len);
			return iakerb_from_cc(in, mem, &cc, blob, blob_len);
		}
	}
	if (!ret && !iakerb && in->pw_kdc == PW_KDC_UNREACHABLE)
		ret = fail(&u->res, IAKERB_OUT_OWN_KDC_UNREACHABLE,
			   "no KDC of %s answered this machine (%s), and the "
			   "server offers no IAKerb (mechs=0x%x)",
			   in->user_realm, in->kdc_why, u->r->d.mechs);
	if (!ret && !iakerb)
		ret = fail(&u->res, IAKERB_OUT_NO_MECH,
			   "no krb5 ticket, and the server offers no IAKerb "
			   "for the password (mechs=0x%x)", u->r->d.mechs);
	if (!ret)
		ret = pw_via_server(in, true);
	if (ret) {
		secret_wipe(u->pass, u->pass_len);
		u->pass_len = 0;
		return ret;
	}
	in->mech = &mech_iakerb_oid;
	ret = creds_from_password(in, mem);
	return ret ? ret : iakerb_first(in, mem, blob, blob_len);
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
	/*
	 * sec=iakerb although the server also offers krb5: the mount's own
	 * word (the kernel writes sec=iakerb for an IAKerb-only server too)
	 */
	in->explicit_iakerb = d->sec == IAKERB_SEC_IAKERB &&
			      (d->mechs & (IAKERB_MECH_KRB5 |
					   IAKERB_MECH_MSKRB5));
	ret = krb5_init_context(&in->k);
	if (ret)
		return fail(&u->res, ret == ENOMEM ? IAKERB_OUT_NO_MEMORY :
			    IAKERB_OUT_PROTOCOL, "krb5_init_context: %s",
			    error_message(ret));
	/* where what we obtain may go: the user's default collection */
	cc_find_k(mem, in->k, u->env_ccname, d->host, "", false, &cc);
	in->collection = talloc_strdup(in, cc.collection ? cc.collection : "");
	/* no ticket and no password: the local realm's TGT, as at login */
	if (!u->pass_len &&
	    cc_find_k(mem, in->k, u->env_ccname, d->host,
		      (d->have & IAKERB_F_USER) ? d->user : "", false, &cc))
		local_realm_tgt();

	if (krb5) {
		ret = try_krb5(in, mem, NULL, blob, blob_len);
		if (!ret || !legacy_failure_allows_iakerb(&u->res))
			return ret;
		/* no usable ticket: IAKerb from one, or the password */
		if (!iakerb && !u->pass_len)
			return ret;
		ulog(LOG_INFO, "krb5 failed (%s: %s): %s",
		     outcome_name(u->res.outcome), u->res.why,
		     iakerb ? "trying IAKerb" : "trying the password");
		init_reset(in);
	} else if (!iakerb) {
		return fail(&u->res, IAKERB_OUT_NO_MECH,
			    "the server offers no IAKerb (mechs=0x%x)",
			    d->mechs);
	}
	if (iakerb) {
		in->mech = &mech_iakerb_oid;
		dialect_choose(in);
		if (cc_find_k(mem, in->k, u->env_ccname, d->host,
			      (d->have & IAKERB_F_USER) ? d->user : "",
			      u->pass_len != 0, &cc) == 0)
			return iakerb_from_cc(in, mem, &cc, blob, blob_len);
		if (!u->pass_len) {
			char why[IAKERB_USER_MAX + 64];

			snprintf(why, sizeof(why), "no ticket for %s in the "
				 "ccache and no password for this mount",
				 (d->have & IAKERB_F_USER) ? d->user :
				 "the user");
			return cc_none(&u->res, &cc, why);
		}
	}
	return from_password(in, mem, krb5, iakerb, blob, blob_len);
}

/*
 * May what a password obtained be kept (policy.c)?  Only with
 * store_tickets = owner, only into the credential owner's own default
 * ccache, and only when that uid made this mount itself: never a TGT
 * for another uid (cruid=), never on a reconnect (whose task says nothing
 * about who mounted).
 */
static bool store_allowed(struct initiator *in)
{
	struct upcall_ctx *u = in->u;
	const char *from;
	enum store_mode m = store_mode_configured(in->k, u->o->store, &from);

	if (m != STORE_OWNER) {
		ulog(LOG_INFO, "what the password obtained is not stored "
		     "(store_tickets = %s, %s)", store_mode_name(m), from);
		return false;
	}
	if (u->r->d.recon || !u->caller.owner_mounted) {
		ulog(LOG_NOTICE, "what the password obtained is not stored: "
		     "%s, not by uid %u itself (store_tickets = owner)",
		     u->r->d.recon ? "a reconnect" : "the mount was made",
		     (unsigned int)u->r->uid);
		return false;
	}
	return true;
}

/* After a verified AP-REP: keep what a password obtained, if allowed */
static void store_creds(struct initiator *in)
{
	gss_key_value_element_desc kv = { "ccache", in->collection };
	gss_key_value_set_desc store = { 1, &kv };
	krb5_principal p = NULL;
	OM_uint32 major, minor;
	bool allowed = false;
	char *pn = NULL;

	/* a ccache's own TGT path already stored its new ticket there */
	if (!in->from_password || !in->collection[0] || !store_allowed(in))
		return;
	pn = gss_cred_principal(in, in->k, in->cred, &p);
	if (!pn || cc_store_allowed(in->k, in->collection, p, &allowed)) {
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
		if (in->established)
			return fail(res, IAKERB_OUT_PROTOCOL,
				    "a token after the context was complete");
		ret = check_theirs(in, &rep.token);
		if (ret)
			return ret;
		if (in->mech == &mech_iakerb_oid) {
			ret = dialect_on_reply(in, &rep.token);
			if (ret)
				return ret;
		}
		input.value = (void *)rep.token.data;
		input.length = rep.token.len;
		if (in->carry) {
			ret = carry_reply(in, mem, &rep.token, &input.value,
					  &input.length);
			if (ret)
				return ret;
		}
		major = gss_init_sec_context(&minor, in->cred, &in->ctx,
					     in->target, in->mech,
					     INITIATOR_GSS_FLAGS, 0,
					     GSS_C_NO_CHANNEL_BINDINGS, &input,
					     NULL, &out, NULL, NULL);
		if (GSS_ERROR(major)) {
			char what[96];

			snprintf(what, sizeof(what), "after the server's %s",
				 in->note.server);
			ret = gss_fail(res, mem, what, major, minor, in->mech);
			/*
			 * MIT may try something else after a KDC's error
			 * (another realm for cifs/<host>@) and report how
			 * that failed: the KDC's error says more
			 */
			if (res->outcome == IAKERB_OUT_PROTOCOL &&
			    krb_error_outcome(in->srv_error) >= 0)
				res->outcome = krb_error_outcome(in->srv_error);
			res->outcome = reply_outcome(res->outcome,
						     in->sent_type);
			ret = -outcome_errno(xrealm_reply_failed(in,
								 in->sent_type));
			goto out;
		}
		if (major == GSS_S_COMPLETE)
			in->established = true;
		if (out.length) {
			ret = check_ours(in, &out);
			if (ret)
				goto out;
		}
		if (in->carry && !in->established) {
			ret = out.length ? carry_next(in, mem, out.value,
						      out.length, blob,
						      blob_len) :
			      fail(res, IAKERB_OUT_PROTOCOL,
				   "no token to send and no context");
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
	pw_realm_record(in);
	snprintf(in->note.client, sizeof(in->note.client), "session key");
	*done = true;
out:
	gss_release_buffer(&minor, &out);
	return ret;
}
