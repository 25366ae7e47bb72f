// SPDX-License-Identifier: GPL-2.0
/*
 * Windows' IAKerb dialect, and choosing between it and MIT's.
 *
 * What differs (FACTS.md, "Two IAKerb dialects"; tests/vectors/windows-iakerb):
 *
 *                     MIT 1.22                  Windows
 *   proxy legs        IAKerb OID, 05 01         the same
 *   IAKERB-HEADER     target-realm (+cookie)    + header-flags [3] BIT
 *                                               STRING: client all zero,
 *                                               server 01 00 00 00 with
 *                                               target-realm "."
 *   final AP-REQ      IAKerb OID, 01 00,        krb5 OID, 01 00,
 *                     IAKERB-FINISHED           no FINISHED
 *   AP-REP            IAKerb OID, 02 00         krb5 OID, 02 00
 *
 * MIT 1.22's IAKerb initiator cannot make a krb5-framed final AP-REQ, so
 * when Windows' dialect is known from the start we drive the KDC legs
 * ourselves (krb5_proxy.c) and make the AP-REQ with MIT's plain krb5
 * mechanism from the tickets obtained, kept in a MEMORY ccache; when auto
 * finds it mid-exchange, MIT's IAKerb mech carries its KDC legs on.
 *
 * header-flags.  draft-ietf-kitten-iakerb-03 defines IAKERB-HEADER as
 * target-realm [1] and cookie [2] followed by an extension marker; it
 * names no [3].  Windows' client sends [3] as a 32-bit BIT STRING, all
 * zero, and the Windows server answers 01 00 00 00 (vectors 00-03).  No
 * public text we could find (the draft, MS-KILE, MS-SPNG, as stored here
 * on 2026-11-22) defines the bits or reports a change to them in 2026;
 * one public ASN.1 module of MS-SPNG (wildboar's) names them after the
 * DsGetDcName flags (kdc_required = bit 21, is_dns_name, ...), which
 * we could not confirm.  So we send them as Windows' client does (zero)
 * and read them only as a sign of the dialect, never as a request.
 *
 * Choosing (auto, the default):
 *
 *   - MIT's IAKerb acceptor keeps a transcript of the proxy legs and
 *     requires the final AP-REQ to carry FINISHED over exactly those
 *     tokens: once a leg has gone to an MIT server in Windows' framing,
 *     MIT's dialect cannot be resumed.  Windows' final AP-REQ carries no
 *     transcript, so a Windows server does not care what went before.
 *     Therefore leg 1 is MIT's (its token differs from Windows' only by
 *     the missing header-flags; MIT's acceptor takes both, Windows' is
 *     not known to refuse either) unless the server's NEGOTIATE offered
 *     NEGOEX, which only Windows does.
 *   - The first proxy reply that carries header-flags or realm "." means
 *     Windows, and MIT's mech carries on (in->carry): the reply answers
 *     its own request (nonce, pre-auth hints, TGS subkey are its), and
 *     outside realm discovery it reads nothing of the header but the
 *     cookie.  Its requests go out with header-flags, the replies reach
 *     it framed as MIT's acceptor frames them (carry_reply), and its
 *     IAKerb AP-REQ is replaced by a krb5-framed one from its tickets
 *     (carry_next): no leg more than the forced dialect, no request made
 *     twice.  The first reply that carries a KDC message without either
 *     means MIT, for good.  Realm discovery answers decide nothing
 *     (Windows' keep the realm).
 *   - A cached service ticket has no proxy legs to learn from.  So an
 *     exchange whose KDC reply showed the dialect, once the server has
 *     proved itself (AP-REP, mechListMIC), leaves it in the cache that
 *     holds the tickets (dialect_cc.c), and auto starting from a cached
 *     ticket or TGT takes it from there.  Nothing there: MIT's framing,
 *     as before (see the README).  A remembered Windows contradicted by
 *     an MIT reply fails the exchange and drops the entry.
 *
 * Forced (--dialect=mit|windows, or iakerb_dialect in krb5.conf's
 * [appdefaults] cifs-upcall-iakerb): the first reply that contradicts the
 * choice ends the exchange with EPROTO and a line saying which dialect
 * the server speaks, rather than a failure much later at the final leg.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "initiator.h"
#include "dialect_cc.h"
#include "crossrealm.h"
#include "krb5_proxy.h"
#include "gss_token.h"
#include "iakerb_token.h"

/* The command line, else krb5.conf's [appdefaults], else auto */
static enum upcall_dialect dialect_configured(struct initiator *in,
					      const char **from)
{
	krb5_data none = { .magic = KV5M_DATA, .length = 0, .data = "" };
	enum upcall_dialect d = UPCALL_DIALECT_AUTO;
	char *s = NULL;

	*from = "default";
	if (in->u->o->dialect != UPCALL_DIALECT_UNSET) {
		*from = "--dialect";
		return in->u->o->dialect;
	}
	krb5_appdefault_string(in->k, UPCALL_PROG, &none, "iakerb_dialect", "",
			       &s);
	if (s && s[0]) {
		if (dialect_parse(s, &d))
			ulog(LOG_WARNING, "krb5.conf: iakerb_dialect = %s is "
			     "not auto, mit or windows: using auto", s);
		else
			*from = "krb5.conf iakerb_dialect";
	}
	free(s);
	return d;
}

/* NEGOEX in the server's NEGOTIATE hints: only Windows offers it */
static bool negotiate_says_windows(const struct upcall_req *r)
{
	struct spnego_token t;
	size_t i;

	if (!r->msg.neg_blob || !r->msg.neg_blob_len ||
	    spnego_parse(r->msg.neg_blob, r->msg.neg_blob_len, &t) ||
	    t.kind != SPNEGO_NEG_TOKEN_INIT)
		return false;
	for (i = 0; i < t.init.n_mechs; i++)
		if (oid_equal(&t.init.mechs[i], &oid_negoex))
			return true;
	return false;
}

void dialect_choose(struct initiator *in)
{
	const char *from;

	in->want = dialect_configured(in, &from);
	if (in->want == UPCALL_DIALECT_WINDOWS) {
		in->windows = true;
		ulog(LOG_DEBUG, "dialect: windows (%s)", from);
	} else if (in->want == UPCALL_DIALECT_MIT) {
		ulog(LOG_DEBUG, "dialect: mit (%s)", from);
	} else if (negotiate_says_windows(in->u->r)) {
		in->windows = true;
		ulog(LOG_DEBUG, "dialect: windows (auto: the server's NEGOTIATE "
		     "offers NEGOEX)");
	} else {
		ulog(LOG_DEBUG, "dialect: mit for now (auto: leg 1 in MIT's "
		     "framing; the server's first KDC reply decides)");
	}
}

/* A krb5 error code or a negative errno, for a log line */
static const char *cc_err_text(struct initiator *in, int ret, char *buf,
			       size_t cap)
{
	const char *m;

	if (ret < 0)
		return strerror(-ret);
	m = krb5_get_error_message(in->k, ret);
	snprintf(buf, cap, "%s", m ? m : "krb5 error");
	krb5_free_error_message(in->k, m);
	return buf;
}

void dialect_recall(struct initiator *in, const struct cc_choice *cc)
{
	enum upcall_dialect d;
	char *spn = NULL;
	char buf[160];
	int ret;

	/* forced, or NEGOEX already said Windows */
	if (in->want != UPCALL_DIALECT_AUTO || in->windows)
		return;
	ret = dialect_cc_recall(in, in->k, cc->name, in->u->r->d.host, &d,
				&spn);
	if (ret == -ENOENT) {
		ulog(LOG_DEBUG, "dialect: mit (auto: nothing remembered for "
		     "%s in the ccache; %s)", spn ? spn : "the server",
		     cc->state == CC_SERVICE ? "a cached ticket has no proxy "
		     "legs to learn from" : "the TGS reply decides");
		return;
	}
	if (ret) {
		ulog(LOG_NOTICE, "dialect: what the ccache remembers for %s "
		     "is not used (%s): auto as without it",
		     spn ? spn : "the server",
		     ret == -EINVAL ? "a value that names no dialect" :
		     cc_err_text(in, ret, buf, sizeof(buf)));
		return;
	}
	in->dialect_remembered = true;
	in->dialect_spn = spn;
	in->windows = d == UPCALL_DIALECT_WINDOWS;
	ulog(LOG_DEBUG, "dialect: %s (remembered for %s in the ccache)",
	     dialect_name(d), spn ? spn : "the server");
}

/* Drop a remembered dialect the server has just contradicted */
static void dialect_forget(struct initiator *in)
{
	char buf[160];
	char *spn = NULL;
	int ret;

	if (!in->dialect_remembered || !in->ccname)
		return;
	ret = dialect_cc_remember(in, in->k, in->ccname, in->u->r->d.host,
				  UPCALL_DIALECT_AUTO, &spn);
	if (ret)
		ulog(LOG_WARNING, "dialect: cannot drop the stale entry for "
		     "%s in %s: %s", spn ? spn : "the server", in->ccname,
		     cc_err_text(in, ret, buf, sizeof(buf)));
	else
		ulog(LOG_INFO, "dialect: dropped the stale entry for %s in %s",
		     spn ? spn : "the server", in->ccname);
	in->dialect_remembered = false;
}

/*
 * A cached ticket, the remembered dialect's AP-REQ out, and the kernel
 * gives up before any answer reached us: the server refused that final
 * (a Windows server refuses MIT's, MIT's refuses Windows').  It may also
 * have been the connection, but without the entry we are no worse off
 * than before there were entries; with a wrong one every mount fails.
 */
void dialect_on_abandon(struct initiator *in)
{
	if (!in->dialect_remembered || in->cc_state != CC_SERVICE ||
	    in->server_legs || in->established)
		return;
	ulog(LOG_NOTICE, "dialect: the exchange ended after our AP-REQ in "
	     "the %s framing remembered for %s: the server refused it?",
	     in->windows ? "Windows" : "MIT", in->dialect_spn ?
	     in->dialect_spn : "this server");
	dialect_forget(in);
}

void dialect_record(struct initiator *in)
{
	enum upcall_dialect d = in->windows ? UPCALL_DIALECT_WINDOWS :
					      UPCALL_DIALECT_MIT;
	const char *cc = in->from_password ? in->stored_cc : in->ccname;
	char buf[160];
	char *spn = NULL;
	int ret;

	/* only what a KDC reply showed, and only once the server proved
	 * itself: an impostor plants nothing */
	if (!in->dialect_confirmed || !cc || !cc[0])
		return;
	ret = dialect_cc_remember(in, in->k, cc, in->u->r->d.host, d, &spn);
	if (ret)
		ulog(LOG_WARNING, "dialect: not remembered for %s in %s: %s",
		     spn ? spn : "the server", cc,
		     cc_err_text(in, ret, buf, sizeof(buf)));
	else
		ulog(LOG_DEBUG, "dialect: remembered %s for %s in %s",
		     dialect_name(d), spn ? spn : "the server", cc);
}

/* The negTokenInit for our first token, offering IAKerb only */
static int wrap_first(struct initiator *in, TALLOC_CTX *mem, const void *tok,
		      size_t tok_len, uint8_t **blob, size_t *blob_len)
{
	in->offer[0] = oid_iakerb;
	in->n_offer = 1;
	if (spnego_wrap_first(in, in->offer, 1, tok, tok_len, blob, blob_len,
			      &in->mech_list, &in->mech_list_len))
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "cannot frame the negTokenInit");
	talloc_steal(mem, *blob);
	return 0;
}

/*
 * The final AP-REQ, krb5-framed, mutual authentication: MIT's krb5 mech
 * from the ccache @ccname, which holds the ticket for @server.
 */
static int win_ap_req(struct initiator *in, TALLOC_CTX *mem,
		      const char *ccname, const char *server, void **tok,
		      size_t *tok_len)
{
	gss_OID_set_desc mechs = { 1, &mech_krb5_oid };
	gss_key_value_element_desc kv = { "ccache", ccname };
	gss_key_value_set_desc store = { 1, &kv };
	gss_buffer_desc nb = { strlen(server), (void *)server };
	gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
	struct result *res = &in->u->res;
	OM_uint32 major, minor;

	init_release_gss(in);
	in->mech = &mech_krb5_oid;
	major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
				      &mechs, GSS_C_INITIATE, &store,
				      &in->cred, NULL, NULL);
	if (GSS_ERROR(major))
		return gss_fail(res, mem, "krb5 credentials", major, minor,
				in->mech);
	major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME,
				&in->target);
	if (GSS_ERROR(major))
		return gss_fail(res, mem, "service name", major, minor, NULL);
	major = gss_init_sec_context(&minor, in->cred, &in->ctx, in->target,
				     in->mech, INITIATOR_GSS_FLAGS, 0,
				     GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER,
				     NULL, &out, NULL, NULL);
	if (GSS_ERROR(major))
		return gss_fail(res, mem, "krb5 AP-REQ", major, minor,
				in->mech);
	if (major != GSS_S_CONTINUE_NEEDED || !out.length) {
		gss_release_buffer(&minor, &out);
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "the krb5 context completed without an AP-REP");
	}
	*tok = talloc_memdup(mem, out.value, out.length);
	*tok_len = out.length;
	gss_release_buffer(&minor, &out);
	if (!*tok)
		return fail_oom(res, "the krb5 AP-REQ");
	snprintf(in->note.client, sizeof(in->note.client), "AP-REQ (krb5)");
	in->note.client_len = *tok_len;
	in->sent_type = KRB_MSG_AP_REQ;
	return 0;
}

/* The KDC legs are over: the AP-REQ from what they obtained */
static int ap_from_proxy(struct initiator *in, TALLOC_CTX *mem, void **tok,
			 size_t *tok_len)
{
	struct kproxy *kp = in->kp;
	const char *ccname = NULL;
	char *server = NULL;
	int ret = -1;

	if (!krb5_cc_get_full_name(in->k, kp->out_cc, (char **)&ccname) &&
	    !krb5_unparse_name(in->k, kp->server, &server))
		ret = win_ap_req(in, mem, ccname, server, tok, tok_len);
	else
		ret = fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			   "cannot name the obtained tickets");
	krb5_free_string(in->k, (char *)ccname);
	krb5_free_unparsed_name(in->k, server);
	return ret;
}

/* Start Windows' KDC legs (or its single AP leg); *tok is the token */
static int win_start(struct initiator *in, TALLOC_CTX *mem, void **tok,
		     size_t *tok_len)
{
	struct upcall_ctx *u = in->u;
	const char *host = u->r->d.host;
	uint8_t *t = NULL;
	size_t tl = 0;
	char *spn, *h;
	int ret;

	h = spn_host(mem, host);
	if (!h)
		return fail_oom(&u->res, "the host name");
	if (in->cc_state == CC_SERVICE) {
		spn = talloc_asprintf(mem, "cifs/%s@%s", h, in->srv_realm ?
				      in->srv_realm : in->cc_realm);
		if (!spn)
			return fail_oom(&u->res, "the service principal's name");
		return win_ap_req(in, mem, in->ccname, spn, tok, tok_len);
	}
	in->kp = talloc_zero(in, struct kproxy);
	if (!in->kp)
		return fail_oom(&u->res, "the KDC proxy");
	if (in->cc_state == CC_TGT) {
		ret = kproxy_start_tgt(in->kp, mem, in->k, in->ccname, h,
				       in->srv_realm, true, &t, &tl, &u->res);
	} else {
		ret = kproxy_start_password(in->kp, mem, in->k, in->princ,
					    in->pw, in->pw_len, h, true, &t,
					    &tl, &u->res);
		/* the proxy (or MIT's init_creds) has its own copy now */
		TALLOC_FREE(in->pw);
		in->pw_len = 0;
	}
	if (!ret && in->kp->state != KPROXY_DONE)
		ret = pw_token_ok(in, in->kp->sent_type, in->kp->realm);
	if (ret)
		return ret;
	if (in->kp->state == KPROXY_DONE)
		return ap_from_proxy(in, mem, tok, tok_len);
	snprintf(in->note.client, sizeof(in->note.client), "%s (windows)",
		 in->kp->sent);
	in->note.client_len = tl;
	*tok = t;
	*tok_len = tl;
	return 0;
}

int win_first(struct initiator *in, TALLOC_CTX *mem, uint8_t **blob,
	      size_t *blob_len)
{
	void *tok = NULL;
	size_t tok_len = 0;
	int ret;

	snprintf(in->note.server, sizeof(in->note.server), "NEGOTIATE");
	ret = win_start(in, mem, &tok, &tok_len);
	return ret ? ret : wrap_first(in, mem, tok, tok_len, blob, blob_len);
}

/*
 * Is @c the ticket MIT's TGS leg got for cifs/<@host>?  Any realm: it
 * asked for the referral realm ("") or for the one krb5.conf maps the
 * host to.
 */
static bool is_service_ticket(krb5_context k, const krb5_creds *c,
			      const char *host)
{
	const krb5_data *svc, *h;

	if (krb5_is_config_principal(k, c->server) ||
	    krb5_princ_size(k, c->server) != 2)
		return false;
	svc = krb5_princ_component(k, c->server, 0);
	h = krb5_princ_component(k, c->server, 1);
	return svc->length == 4 && !memcmp(svc->data, "cifs", 4) &&
	       h->length == strlen(host) &&
	       !strncasecmp(h->data, host, h->length);
}

/*
 * The name of the service ticket in @cc, unparsed into *server.  MIT
 * keeps a ticket asked for by the referral realm under that name only;
 * Windows' path (and the next mount from the stored ticket, win_start())
 * names the server by its realm, so such a ticket is stored again in
 * @cc under the name the ticket itself carries.
 */
static krb5_error_code find_service(krb5_context k, krb5_ccache cc,
				    const char *host, char **server)
{
	krb5_cc_cursor cur;
	krb5_creds c, copy;
	krb5_ticket *t = NULL;
	krb5_error_code code;
	bool found = false;

	*server = NULL;
	code = krb5_cc_start_seq_get(k, cc, &cur);
	if (code)
		return code;
	while (!found && !krb5_cc_next_cred(k, cc, &cur, &c)) {
		if (is_service_ticket(k, &c, host))
			found = true;
		else
			krb5_free_cred_contents(k, &c);
	}
	krb5_cc_end_seq_get(k, cc, &cur);
	if (!found)
		return KRB5_CC_NOTFOUND;
	code = krb5_decode_ticket(&c.ticket, &t);
	if (!code && !krb5_principal_compare(k, c.server, t->server)) {
		copy = c;
		copy.server = t->server;
		code = krb5_cc_store_cred(k, cc, &copy);
	}
	if (!code)
		code = krb5_unparse_name(k, t->server, server);
	krb5_free_ticket(k, t);
	krb5_free_cred_contents(k, &c);
	return code;
}

/* find_service() in the user's cache @ccname; only a log line if not */
static void same_name_in(struct initiator *in, const char *ccname,
			 const char *host)
{
	krb5_ccache cc = NULL;
	char *server = NULL;

	if (krb5_cc_resolve(in->k, ccname, &cc) ||
	    find_service(in->k, cc, host, &server))
		ulog(LOG_NOTICE, "dialect: the ticket for cifs/%s in %s keeps "
		     "MIT's name only", host, ccname);
	krb5_free_unparsed_name(in->k, server);
	if (cc)
		krb5_cc_close(in->k, cc);
}

/*
 * MIT's TGS leg is over and it made its IAKerb AP-REQ, which only MIT's
 * acceptor takes (FINISHED over its transcript).  Its tickets are in its
 * credential's cache: copy them to a MEMORY cache of ours and make
 * Windows' krb5-framed AP-REQ from there, as after our own KDC legs.
 */
static int carry_ap_req(struct initiator *in, TALLOC_CTX *mem, void **tok,
			size_t *tok_len)
{
	struct result *res = &in->u->res;
	krb5_principal client = NULL;
	krb5_ccache cc = NULL;
	char *ccname = NULL, *server = NULL, *h;
	OM_uint32 major, minor;
	int ret = -1;

	h = spn_host(mem, in->u->r->d.host);
	if (!h)
		return fail_oom(res, "the host name");
	if (!gss_cred_principal(mem, in->k, in->cred, &client)) {
		ret = fail(res, IAKERB_OUT_PROTOCOL, "cannot name the client "
			   "of MIT's tickets");
		goto out;
	}
	if (krb5_cc_new_unique(in->k, "MEMORY", NULL, &cc) ||
	    krb5_cc_initialize(in->k, cc, client)) {
		ret = fail(res, IAKERB_OUT_PROTOCOL, "cannot make a MEMORY "
			   "ccache for MIT's tickets");
		goto out;
	}
	major = gss_krb5_copy_ccache(&minor, in->cred, cc);
	if (GSS_ERROR(major)) {
		ret = gss_fail(res, mem, "MIT's tickets", major, minor,
			       in->mech);
		goto out;
	}
	if (find_service(in->k, cc, h, &server) ||
	    krb5_cc_get_full_name(in->k, cc, &ccname)) {
		ret = fail(res, IAKERB_OUT_PROTOCOL, "no ticket for cifs/%s "
			   "after MIT's TGS leg", h);
		goto out;
	}
	/* a TGT's cache got the ticket by MIT's name only: the next mount's
	 * Windows AP-REQ (win_start) looks for it by the realm's */
	if (in->cc_state == CC_TGT && in->ccname)
		same_name_in(in, in->ccname, h);
	/* win_ap_req releases MIT's context and credential */
	ret = win_ap_req(in, mem, ccname, server, tok, tok_len);
out:
	/* a MEMORY cache lives until destroyed: the krb5 cred holds it */
	if (cc)
		krb5_cc_close(in->k, cc);
	krb5_free_string(in->k, ccname);
	krb5_free_unparsed_name(in->k, server);
	krb5_free_principal(in->k, client);
	return ret;
}

/*
 * MIT 1.22.1's initiator, once it did realm discovery, stays in that
 * state and copies every reply's target-realm into the client's name
 * (fixed after 1.22.2: krb5 commit 5de16db5, "Fix IAKERB realm discovery
 * state machine logic"); Windows' "." would then name no realm.  So MIT
 * gets the reply as MIT's acceptor frames it: the realm its request went
 * to, no header-flags, the cookie and the KDC message as they came.
 */
int carry_reply(struct initiator *in, TALLOC_CTX *mem,
		const struct der_blob *tok, void **out, size_t *out_len)
{
	struct iakerb_proxy p;
	struct gtok_krb5 g;
	uint8_t *t = NULL;
	size_t tl = 0;

	if (gtok_krb5_parse(tok->data, tok->len, &g) ||
	    g.tok_id != GTOK_IAKERB_PROXY ||
	    iakerb_proxy_parse_body(&g.body, &p) || !in->sent_realm)
		return 0;	/* not a proxy reply: MIT will judge it */
	if (kproxy_frame(mem, in->sent_realm,
			 der_blob_present(&p.header.cookie) ?
			 p.header.cookie.data : NULL, p.header.cookie.len,
			 false, p.kdc_msg.data, p.kdc_msg.len, &t, &tl))
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "cannot frame the server's reply for MIT");
	*out = t;
	*out_len = tl;
	return 0;
}

int carry_next(struct initiator *in, TALLOC_CTX *mem, const void *out,
	       size_t out_len, uint8_t **blob, size_t *blob_len)
{
	struct result *res = &in->u->res;
	struct iakerb_proxy p;
	struct gtok_krb5 g;
	char realm[256];
	uint8_t *t = NULL;
	void *ap = NULL;
	size_t tl = 0, ap_len = 0;
	int ret;

	if (gtok_krb5_parse(out, out_len, &g))
		return fail(res, IAKERB_OUT_PROTOCOL, "MIT made a token we "
			    "cannot parse");
	if (g.tok_id == GTOK_KRB5_AP_REQ) {
		ret = carry_ap_req(in, mem, &ap, &ap_len);
		if (ret)
			return ret;
		in->carry = false;
		t = ap;
		tl = ap_len;
	} else if (g.tok_id == GTOK_IAKERB_PROXY &&
		   !iakerb_proxy_parse_body(&g.body, &p) &&
		   p.header.target_realm.len < sizeof(realm)) {
		/* the same request, header-flags added as Windows' client
		 * sends them; MIT's transcript no longer matters */
		memcpy(realm, p.header.target_realm.data,
		       p.header.target_realm.len);
		realm[p.header.target_realm.len] = 0;
		if (kproxy_frame(mem, realm, der_blob_present(&p.header.cookie)
				 ? p.header.cookie.data : NULL,
				 p.header.cookie.len, true, p.kdc_msg.data,
				 p.kdc_msg.len, &t, &tl))
			return fail(res, IAKERB_OUT_PROTOCOL,
				    "cannot frame the IAKerb token");
		snprintf(in->note.client, sizeof(in->note.client),
			 "%s (windows)", krb_msg_type_name(p.kdc_msg_type) ?
			 krb_msg_type_name(p.kdc_msg_type) : "KDC request");
		in->note.client_len = tl;
	} else {
		return fail(res, IAKERB_OUT_PROTOCOL, "MIT made a token "
			    "Windows' dialect has no place for");
	}
	if (spnego_wrap_next(mem, t, tl, NULL, 0, blob, blob_len))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "cannot frame a negTokenResp");
	return 0;
}

static void seen_text(const struct kproxy_seen *s, char *buf, size_t cap)
{
	const char *m = krb_msg_type_name(s->msg);

	snprintf(buf, cap, "%s reply: target-realm%s \".\", header-flags %s"
		 "%08x", s->msg == KRB_MSG_NONE ? "realm discovery" :
		 (m ? m : "KDC"), s->realm_dot ? "" : " not",
		 s->has_flags ? "" : "absent, ", s->has_flags ? s->flags : 0);
}

int dialect_on_reply(struct initiator *in, const struct der_blob *tok)
{
	struct kproxy_seen s;
	bool windows;
	char what[128];

	if (in->dialect_confirmed)
		return 0;
	if (kproxy_peek(tok->data, tok->len, &s))
		return 0;	/* not a proxy token: the mech will judge it */
	windows = s.has_flags || s.realm_dot;
	if (!windows && s.msg == KRB_MSG_NONE)
		return 0;	/* discovery answers decide nothing */
	seen_text(&s, what, sizeof(what));
	if (windows == in->windows) {
		ulog(LOG_DEBUG, "dialect: %s confirmed (the server's %s)",
		     windows ? "windows" : "mit", what);
		in->dialect_confirmed = true;
		/* MIT for good: no switch can need the password any more */
		if (!windows) {
			TALLOC_FREE(in->pw);
			in->pw_len = 0;
		}
		return 0;
	}
	if (in->want != UPCALL_DIALECT_AUTO)
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "the server speaks %s IAKerb dialect (its %s) but "
			    "--dialect=%s was chosen", windows ? "Windows'" :
			    "MIT's", what, dialect_name(in->want));
	if (!windows && in->dialect_remembered) {
		dialect_forget(in);
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "the server speaks MIT's IAKerb dialect (its %s) "
			    "but Windows' was remembered for %s in the "
			    "ccache: the entry is dropped, the next mount "
			    "starts in MIT's", what, in->dialect_spn ?
			    in->dialect_spn : "this server");
	}
	if (!windows)
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "the server speaks MIT's IAKerb dialect (its %s) "
			    "after Windows' was chosen from its NEGOTIATE; "
			    "use --dialect=mit", what);
	ulog(LOG_DEBUG, "dialect: windows (auto: the server's %s): MIT's "
	     "KDC legs carry on, framed as Windows'", what);
	in->dialect_confirmed = true;
	in->windows = true;
	in->carry = true;
	return 0;
}

int win_next(struct initiator *in, TALLOC_CTX *mem,
	     const struct server_reply *rep, bool success, uint8_t **blob,
	     size_t *blob_len)
{
	struct result *res = &in->u->res;
	uint8_t *t = NULL;
	size_t tl = 0;
	void *ap = NULL;
	size_t ap_len = 0;
	int ret;

	if (!der_blob_present(&rep->token) || !rep->token.len)
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "no IAKerb token from the server mid-exchange");
	if (success)
		return fail(res, IAKERB_OUT_MUTUAL_AUTH,
			    "the server reported success before its AP-REP");
	describe_token(&rep->token, in->note.server, sizeof(in->note.server));
	in->note.server_len = rep->token.len;
	pw_realm_seen(in, &rep->token);
	ret = dialect_on_reply(in, &rep->token);
	if (ret)
		return ret;
	ret = kproxy_step(in->kp, mem, rep->token.data, rep->token.len, &t,
			  &tl, res);
	if (ret && in->kp->state == KPROXY_TGS)
		return -outcome_errno(xrealm_reply_failed(in,
							  KRB_MSG_TGS_REQ));
	if (ret)
		return ret;
	/* a realm learnt by discovery: the AS-REQ is made, not yet sent */
	if (in->discovery && !in->user_realm && in->kp->user_realm) {
		ret = pw_realm_learnt(in, in->kp->user_realm);
		if (ret)
			return ret;
	}
	if (in->kp->state != KPROXY_DONE) {
		ret = pw_token_ok(in, in->kp->sent_type, in->kp->realm);
		if (ret)
			return ret;
	}
	if (in->kp->state == KPROXY_DONE) {
		ret = ap_from_proxy(in, mem, &ap, &ap_len);
		if (ret)
			return ret;
		t = ap;
		tl = ap_len;
	} else {
		snprintf(in->note.client, sizeof(in->note.client),
			 "%s (windows)", in->kp->sent);
		in->note.client_len = tl;
	}
	if (spnego_wrap_next(mem, t, tl, NULL, 0, blob, blob_len))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "cannot frame a negTokenResp");
	return 0;
}
