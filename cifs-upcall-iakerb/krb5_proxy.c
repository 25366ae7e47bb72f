// SPDX-License-Identifier: GPL-2.0
/*
 * The KDC legs of IAKerb, driven by us (see krb5_proxy.h).
 *
 * MIT's krb5_init_creds_step and krb5_tkt_creds_step do the Kerberos
 * work (preauthentication, enctype negotiation, reply checks); they hand
 * us each request and the realm it is meant for, and take the KDC's
 * reply.  We only move those messages through the SMB server, framed as
 * IAKerb proxy tokens:
 *
 *   InitialContextToken(1.3.6.1.5.2.5) | TOK_ID 05 01 |
 *   IAKERB-HEADER { [1] target-realm, [2] cookie?, [3] header-flags? } |
 *   KDC message
 *
 * What we trust from the server's replies: the KDC message, which MIT
 * checks (nonce, keys).  The reply's target-realm is ignored except in
 * realm discovery (Windows answers "." anyway); the realm a request goes
 * to is always the one MIT's step function names.  Whether a password's
 * AS-REQ may leave at all, and for which realm, the initiator decides
 * (password.c) from sent_type and realm.  A cookie is echoed as is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "krb5_proxy.h"

static int kproxy_destructor(struct kproxy *kp)
{
	krb5_context k = kp->k;

	if (!k)
		return 0;
	if (kp->icc)
		krb5_init_creds_free(k, kp->icc);
	if (kp->tcc)
		krb5_tkt_creds_free(k, kp->tcc);
	if (kp->opt)
		krb5_get_init_creds_opt_free(k, kp->opt);
	if (kp->out_cc) {
		if (kp->own_cc)
			krb5_cc_destroy(k, kp->out_cc);
		else
			krb5_cc_close(k, kp->out_cc);
	}
	krb5_free_principal(k, kp->client);
	krb5_free_principal(k, kp->server);
	kp->k = NULL;
	return 0;
}

static int kfail(struct result *res, krb5_context k, krb5_error_code code,
		 const char *what)
{
	const char *msg = krb5_get_error_message(k, code);
	int o = krb5_code_outcome(code);

	fail(res, o >= 0 ? o : IAKERB_OUT_PROTOCOL, "%s: %s", what,
	     msg ? msg : "?");
	krb5_free_error_message(k, msg);
	return -outcome_errno(res->outcome);
}

int kproxy_frame(TALLOC_CTX *mem, const char *realm, const uint8_t *cookie,
		 size_t cookie_len, bool send_flags, const void *kdc_msg,
		 size_t kdc_len, uint8_t **tok, size_t *tok_len)
{
	uint8_t flags[IAKERB_HEADER_FLAGS_LEN];
	struct iakerb_proxy p = { 0 };

	p.header.target_realm = (struct der_blob){ (const uint8_t *)realm,
						   strlen(realm) };
	if (cookie)
		p.header.cookie = (struct der_blob){ cookie, cookie_len };
	/* Windows' client sends the flags, all zero (FACTS.md) */
	if (send_flags)
		p.header.header_flags = iakerb_header_flags_encode(flags, 0);
	p.kdc_msg = (struct der_blob){ kdc_msg, kdc_len };
	return iakerb_proxy_build(mem, &p, tok, tok_len);
}

/* Frame MIT's request @out for @realm; remember what went where */
static int frame_request(struct kproxy *kp, TALLOC_CTX *mem,
			 const krb5_data *out, const krb5_data *realm,
			 uint8_t **tok, size_t *tok_len, struct result *res)
{
	enum krb_msg_type type;
	struct der_blob m = { (const uint8_t *)out->data, out->length };
	const char *name;

	talloc_free(kp->realm);
	kp->realm = talloc_strndup(kp, realm->data, realm->length);
	if (!kp->realm)
		return fail_oom(res, "the request's realm");
	if (memchr(realm->data, 0, realm->length))
		return fail(res, IAKERB_OUT_PROTOCOL, "bad realm from MIT");
	if (krb_msg_identify(&m, &type))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "MIT made a request we cannot identify");
	/* the password's rule is the initiator's, before the token leaves */
	kp->sent_type = type;
	name = krb_msg_type_name(type);
	snprintf(kp->sent, sizeof(kp->sent), "%s", name ? name : "?");
	if (kproxy_frame(mem, kp->realm, kp->cookie, kp->cookie_len,
			 kp->send_flags, out->data, out->length, tok, tok_len))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "cannot frame the IAKerb token");
	return 0;
}

static int as_begin(struct kproxy *kp, TALLOC_CTX *mem, uint8_t **tok,
		    size_t *tok_len, struct result *res)
{
	krb5_data in = { 0 }, out = { 0 }, realm = { 0 };
	unsigned int flags = 0;
	krb5_error_code code;
	int ret;

	code = krb5_get_init_creds_opt_alloc(kp->k, &kp->opt);
	if (!code)
		code = krb5_init_creds_init(kp->k, kp->client, NULL, NULL, 0,
					    kp->opt, &kp->icc);
	if (!code)
		code = krb5_init_creds_set_password(kp->k, kp->icc, kp->pw);
	/* MIT has its own copy now (and wipes it when freed) */
	secret_wipe(kp->pw, strlen(kp->pw));
	TALLOC_FREE(kp->pw);
	if (!code)
		code = krb5_init_creds_step(kp->k, kp->icc, &in, &out, &realm,
					    &flags);
	if (code)
		return kfail(res, kp->k, code, "AS request");
	kp->state = KPROXY_AS;
	ret = frame_request(kp, mem, &out, &realm, tok, tok_len, res);
	krb5_free_data_contents(kp->k, &out);
	krb5_free_data_contents(kp->k, &realm);
	return ret;
}

static int tgs_begin(struct kproxy *kp, TALLOC_CTX *mem, uint8_t **tok,
		     size_t *tok_len, struct result *res)
{
	krb5_data in = { 0 }, out = { 0 }, realm = { 0 };
	krb5_creds want = { 0 };
	unsigned int flags = 0;
	krb5_error_code code;
	char *spn;
	int ret;

	if (kp->srv_realm)
		spn = talloc_asprintf(kp, "cifs/%s@%s", kp->host,
				      kp->srv_realm);
	else
		spn = talloc_asprintf(kp, "cifs/%s@%.*s", kp->host,
				      (int)kp->client->realm.length,
				      kp->client->realm.data);
	if (!spn)
		return fail_oom(res, "the service principal's name");
	code = krb5_parse_name(kp->k, spn, &kp->server);
	talloc_free(spn);
	want.client = kp->client;
	want.server = kp->server;
	if (!code)
		code = krb5_tkt_creds_init(kp->k, kp->out_cc, &want, 0,
					   &kp->tcc);
	if (!code)
		code = krb5_tkt_creds_step(kp->k, kp->tcc, &in, &out, &realm,
					   &flags);
	if (code)
		return kfail(res, kp->k, code, "TGS request");
	if (!(flags & KRB5_TKT_CREDS_STEP_FLAG_CONTINUE)) {
		/* already in the cache: nothing to ask */
		kp->state = KPROXY_DONE;
		return 0;
	}
	kp->state = KPROXY_TGS;
	ret = frame_request(kp, mem, &out, &realm, tok, tok_len, res);
	krb5_free_data_contents(kp->k, &out);
	krb5_free_data_contents(kp->k, &realm);
	return ret;
}

/* The AS exchange is over: the TGT goes into a MEMORY cache of our own */
static int as_done(struct kproxy *kp, struct result *res)
{
	krb5_creds c = { 0 };
	krb5_error_code code;

	code = krb5_init_creds_get_creds(kp->k, kp->icc, &c);
	if (!code)
		code = krb5_cc_new_unique(kp->k, "MEMORY", NULL, &kp->out_cc);
	if (!code) {
		kp->own_cc = true;
		code = krb5_cc_initialize(kp->k, kp->out_cc, kp->client);
	}
	if (!code)
		code = krb5_cc_store_cred(kp->k, kp->out_cc, &c);
	krb5_free_cred_contents(kp->k, &c);
	krb5_init_creds_free(kp->k, kp->icc);
	kp->icc = NULL;
	return code ? kfail(res, kp->k, code, "keeping the TGT") : 0;
}

static int new_principal(struct kproxy *kp, const char *user,
			 const char *realm, struct result *res)
{
	krb5_error_code code;

	code = krb5_parse_name_flags(kp->k, user,
				     KRB5_PRINCIPAL_PARSE_NO_REALM,
				     &kp->client);
	if (!code)
		code = krb5_set_principal_realm(kp->k, kp->client, realm);
	return code ? kfail(res, kp->k, code, "user name") : 0;
}

static int kproxy_init(struct kproxy *kp, krb5_context k, const char *host,
		       bool send_flags, struct result *res)
{
	kp->k = k;
	kp->send_flags = send_flags;
	talloc_set_destructor(kp, kproxy_destructor);
	kp->host = talloc_strdup(kp, host);
	if (!kp->host)
		return fail_oom(res, "the proxy's host name");
	return 0;
}

int kproxy_start_password(struct kproxy *kp, TALLOC_CTX *mem, krb5_context k,
			  const char *princ, const char *pw, size_t pw_len,
			  const char *host, bool send_flags, uint8_t **tok,
			  size_t *tok_len, struct result *res)
{
	const char *at = strrchr(princ, '@');
	int ret;

	ret = kproxy_init(kp, k, host, send_flags, res);
	if (ret)
		return ret;
	kp->user = at ? talloc_strndup(kp, princ, (size_t)(at - princ)) :
			talloc_strdup(kp, princ);
	kp->pw = secret_alloc(kp, pw_len + 1);
	if (!kp->user || !kp->pw)
		return fail_oom(res, "the proxy's user name and password");
	memcpy(kp->pw, pw, pw_len);
	kp->pw[pw_len] = 0;
	if (at && at[1]) {
		kp->user_realm = talloc_strdup(kp, at + 1);
		if (!kp->user_realm)
			return fail_oom(res, "the user's realm");
		ret = new_principal(kp, kp->user, kp->user_realm, res);
		return ret ? ret : as_begin(kp, mem, tok, tok_len, res);
	}
	/* no realm: ask the server (an empty target-realm, no message) */
	kp->state = KPROXY_DISCOVERY;
	snprintf(kp->sent, sizeof(kp->sent), "realm discovery");
	if (kproxy_frame(mem, "", NULL, 0, send_flags, NULL, 0, tok, tok_len))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "cannot frame the IAKerb token");
	return 0;
}

int kproxy_start_tgt(struct kproxy *kp, TALLOC_CTX *mem, krb5_context k,
		     const char *ccname, const char *host,
		     const char *srv_realm, bool send_flags, uint8_t **tok,
		     size_t *tok_len, struct result *res)
{
	krb5_error_code code;
	int ret;

	ret = kproxy_init(kp, k, host, send_flags, res);
	if (ret)
		return ret;
	if (srv_realm) {
		kp->srv_realm = talloc_strdup(kp, srv_realm);
		if (!kp->srv_realm)
			return fail_oom(res, "the server's realm");
	}
	code = krb5_cc_resolve(k, ccname, &kp->out_cc);
	if (!code)
		code = krb5_cc_get_principal(k, kp->out_cc, &kp->client);
	if (code)
		return kfail(res, k, code, "the TGT's ccache");
	return tgs_begin(kp, mem, tok, tok_len, res);
}

int kproxy_peek(const uint8_t *srv, size_t srv_len, struct kproxy_seen *seen)
{
	struct iakerb_proxy p;
	int ret;

	memset(seen, 0, sizeof(*seen));
	ret = iakerb_proxy_parse(srv, srv_len, &p);
	if (ret)
		return ret;
	seen->has_flags = !iakerb_header_flags_value(&p.header, &seen->flags);
	seen->realm_dot = iakerb_realm_is_dot(&p.header);
	seen->msg = p.kdc_msg_type;
	return 0;
}

static int keep_cookie(struct kproxy *kp, const struct iakerb_header *h,
		       struct result *res)
{
	TALLOC_FREE(kp->cookie);
	kp->cookie_len = 0;
	if (!der_blob_present(&h->cookie))
		return 0;
	if (h->cookie.len > KPROXY_COOKIE_MAX)
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "the server's IAKerb cookie is %zu bytes",
			    h->cookie.len);
	kp->cookie = talloc_memdup(kp, h->cookie.data,
				   h->cookie.len ? h->cookie.len : 1);
	if (!kp->cookie)
		return fail_oom(res, "the server's IAKerb cookie");
	kp->cookie_len = h->cookie.len;
	return 0;
}

static int discovery_reply(struct kproxy *kp, TALLOC_CTX *mem,
			   const struct iakerb_proxy *p, uint8_t **tok,
			   size_t *tok_len, struct result *res)
{
	const struct der_blob *r = &p->header.target_realm;
	int ret;

	if (p->kdc_msg_type != KRB_MSG_NONE)
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "a KDC message in answer to realm discovery");
	if (!r->len || iakerb_realm_is_dot(&p->header) ||
	    memchr(r->data, 0, r->len) || memchr(r->data, '@', r->len))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "realm discovery gave no usable realm");
	kp->user_realm = talloc_strndup(kp, (const char *)r->data, r->len);
	if (!kp->user_realm)
		return fail_oom(res, "the discovered realm");
	ret = new_principal(kp, kp->user, kp->user_realm, res);
	return ret ? ret : as_begin(kp, mem, tok, tok_len, res);
}

int kproxy_step(struct kproxy *kp, TALLOC_CTX *mem, const uint8_t *srv,
		size_t srv_len, uint8_t **tok, size_t *tok_len,
		struct result *res)
{
	krb5_data in, out = { 0 }, realm = { 0 };
	struct iakerb_proxy p;
	unsigned int flags = 0;
	krb5_error_code code;
	int ret;

	*tok = NULL;
	*tok_len = 0;
	if (kproxy_peek(srv, srv_len, &kp->seen) ||
	    iakerb_proxy_parse(srv, srv_len, &p))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "the server's token is not an IAKerb proxy token");
	ret = keep_cookie(kp, &p.header, res);
	if (ret)
		return ret;
	if (kp->state == KPROXY_DISCOVERY)
		return discovery_reply(kp, mem, &p, tok, tok_len, res);
	if (p.kdc_msg_type == KRB_MSG_NONE)
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "an IAKerb token without a KDC reply");
	in.magic = KV5M_DATA;
	in.data = (char *)p.kdc_msg.data;
	in.length = (unsigned int)p.kdc_msg.len;
	if (kp->state == KPROXY_AS)
		code = krb5_init_creds_step(kp->k, kp->icc, &in, &out, &realm,
					    &flags);
	else if (kp->state == KPROXY_TGS)
		code = krb5_tkt_creds_step(kp->k, kp->tcc, &in, &out, &realm,
					   &flags);
	else
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "an IAKerb token after the service ticket");
	if (code) {
		kfail(res, kp->k, code, kp->state == KPROXY_AS ?
		      "the AS exchange" : "the TGS exchange");
		res->outcome = reply_outcome(res->outcome,
					     kp->state == KPROXY_AS ?
					     KRB_MSG_AS_REQ : KRB_MSG_TGS_REQ);
		return -outcome_errno(res->outcome);
	}
	/* both step functions share the CONTINUE bit's value */
	if (flags & KRB5_INIT_CREDS_STEP_FLAG_CONTINUE) {
		ret = frame_request(kp, mem, &out, &realm, tok, tok_len, res);
	} else if (kp->state == KPROXY_AS) {
		ret = as_done(kp, res);
		if (!ret)
			ret = tgs_begin(kp, mem, tok, tok_len, res);
	} else {
		/* krb5_tkt_creds_step stored the ticket in kp->out_cc */
		kp->state = KPROXY_DONE;
		ret = 0;
	}
	krb5_free_data_contents(kp->k, &out);
	krb5_free_data_contents(kp->k, &realm);
	return ret;
}
