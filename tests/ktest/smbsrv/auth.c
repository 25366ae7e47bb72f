// SPDX-License-Identifier: GPL-2.0
/*
 * SESSION_SETUP authentication: our own SPNEGO framing (MIT's SPNEGO will
 * not negotiate IAKerb) around MIT's IAKerb and krb5 acceptors, used
 * unchanged.
 *
 *  - IAKerb: an acceptor credential acquired for gss_mech_iakerb; MIT
 *    answers realm discovery and proxies AS/TGS requests to the KDC itself
 *    (krb5_sendto_kdc, synchronously: this runs in a worker thread).
 *  - Two final-leg dialects (FACTS.md): MIT's (AP-REQ inside the IAKerb
 *    context, IAKerb OID, with FINISHED) and Windows' (AP-REQ framed with
 *    the krb5 OID, no FINISHED).  Which one is accepted depends on --mode,
 *    so that the tests meet what the real servers do:
 *      mit      everything goes to the IAKerb context, as in MIT 1.22: a
 *               Windows final after proxy legs fails there (invalid MIC);
 *      windows  the Windows final goes to a fresh krb5 acceptor context
 *               and is answered as in vector 04 (accept-incomplete, krb5
 *               AP-REP, mechListMIC, then a leg for the client's MIC); an
 *               IAKerb-OID final is refused; proxy replies get realm "."
 *               and header-flags 01 00 00 00;
 *      both     MIT-shaped replies, either final accepted (the routing).
 *  - Plain krb5 and the MS krb5 OID: the krb5 acceptor.
 *  - --auth mit-spnego hands the whole blob to MIT's SPNEGO acceptor
 *    instead (krb5 only), as a reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>
#include <profile.h>
#include <talloc.h>

#include "auth.h"
#include "gss_token.h"
#include "smbsrv.h"
#include "win_mic.h"

enum amech { M_NONE, M_IAKERB, M_KRB5, M_MSKRB5 };

struct auth_ctx {
	const struct srv_config *cfg;
	bool started;			/* first token seen */
	bool spnego;			/* SPNEGO framing (else raw mech) */
	enum amech mech;		/* negotiated */
	bool mech_first;		/* it was the client's first choice */
	bool proxied;			/* IAKerb context has proxied */
	int mech_legs;			/* mech tokens processed */
	bool proxy_legs_seen;
	bool krb_error_done;
	bool mic_checked;
	bool established;
	bool await_mic;			/* windows: AP-REP sent, client MIC due */
	gss_ctx_id_t ctx;		/* IAKerb or krb5 context */
	gss_ctx_id_t kctx;		/* Windows final leg: krb5 context */
	bool final_in_kctx;
	uint8_t *mech_list;		/* the client's MechTypeList DER */
	size_t mech_list_len;
	char realm[256];		/* from the last proxy reply */
	gss_ctx_id_t mit_ctx;		/* --auth mit-spnego */
};

static const char *keytab_name;
/* krb5.conf's clockskew (MIT's default 300 s): an acceptor's context time
 * includes it (MIT krb5_gss_context_time adds it when !initiate) */
static int clockskew = 300;

static const struct der_blob *amech_oid(enum amech m)
{
	switch (m) {
	case M_IAKERB: return &oid_iakerb;
	case M_KRB5: return &oid_krb5;
	case M_MSKRB5: return &oid_ms_krb5;
	default: return NULL;
	}
}

static const char *amech_name(enum amech m)
{
	switch (m) {
	case M_IAKERB: return "iakerb";
	case M_KRB5: return "krb5";
	case M_MSKRB5: return "mskrb5";
	default: return "-";
	}
}

static enum amech oid_amech(const struct der_blob *oid)
{
	if (oid_equal(oid, &oid_iakerb))
		return M_IAKERB;
	if (oid_equal(oid, &oid_krb5))
		return M_KRB5;
	if (oid_equal(oid, &oid_ms_krb5))
		return M_MSKRB5;
	return M_NONE;
}

static const struct der_blob *name_oid(const char *n)
{
	if (!strcmp(n, "iakerb")) return &oid_iakerb;
	if (!strcmp(n, "krb5")) return &oid_krb5;
	if (!strcmp(n, "mskrb5")) return &oid_ms_krb5;
	if (!strcmp(n, "ntlmssp")) return &oid_ntlmssp;
	if (!strcmp(n, "negoex")) return &oid_negoex;
	return NULL;
}

/* Is this mech one we advertise and can accept? */
static bool mech_offered(const struct srv_config *cfg, enum amech m)
{
	int i;

	for (i = 0; i < cfg->nmechs; i++)
		if (m != M_NONE && name_oid(cfg->mechs[i]) &&
		    oid_equal(name_oid(cfg->mechs[i]), amech_oid(m)))
			return true;
	return false;
}

int auth_init(const struct srv_config *cfg, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < cfg->nmechs; i++) {
		if (!name_oid(cfg->mechs[i])) {
			snprintf(err, errlen, "unknown mech %s", cfg->mechs[i]);
			return -1;
		}
	}
	keytab_name = cfg->keytab;
	{
		krb5_context k;
		profile_t prof;

		if (!krb5_init_context(&k)) {
			if (!krb5_get_profile(k, &prof)) {
				profile_get_integer(prof, "libdefaults",
						    "clockskew", NULL, 300,
						    &clockskew);
				profile_release(prof);
			}
			krb5_free_context(k);
		}
	}
	if (cfg->keytab && krb5_gss_register_acceptor_identity(cfg->keytab)) {
		snprintf(err, errlen, "cannot use keytab %s", cfg->keytab);
		return -1;
	}
	return 0;
}

int auth_neg_hints(const struct srv_config *cfg, uint8_t **out, size_t *len)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_INIT,
				  .gss_framed = true };
	void *tmp = talloc_new(NULL);
	uint8_t *p;
	int i, rc;

	for (i = 0; i < cfg->nmechs && i < SPNEGO_MAX_MECHS; i++)
		t.init.mechs[t.init.n_mechs++] = *name_oid(cfg->mechs[i]);
	t.init.has_neg_hints = true;
	t.init.hint_name = (struct der_blob){
		(const uint8_t *)SPNEGO_HINT_NAME_IGNORE,
		strlen(SPNEGO_HINT_NAME_IGNORE) };
	rc = spnego_build(tmp, &t, &p, len);
	if (!rc) {
		*out = malloc(*len);
		if (*out)
			memcpy(*out, p, *len);
		else
			rc = -1;
	}
	talloc_free(tmp);
	return rc;
}

struct auth_ctx *auth_ctx_new(const struct srv_config *cfg)
{
	struct auth_ctx *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->cfg = cfg;
	a->ctx = GSS_C_NO_CONTEXT;
	a->kctx = GSS_C_NO_CONTEXT;
	a->mit_ctx = GSS_C_NO_CONTEXT;
	return a;
}

void auth_ctx_free(struct auth_ctx *a)
{
	OM_uint32 minor;

	if (!a)
		return;
	if (a->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &a->ctx, GSS_C_NO_BUFFER);
	if (a->kctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &a->kctx, GSS_C_NO_BUFFER);
	if (a->mit_ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &a->mit_ctx, GSS_C_NO_BUFFER);
	free(a->mech_list);
	free(a);
}

static void gss_err(struct auth_result *res, const char *what,
		    OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 m, ctx = 0;
	gss_buffer_desc b;
	size_t o;

	res->major = major;
	res->minor = minor;
	o = (size_t)snprintf(res->err, sizeof(res->err), "%s:", what);
	/* a zero minor code only says "Unknown error": show the major */
	do {
		if (!minor)
			break;
		if (gss_display_status(&m, minor, GSS_C_MECH_CODE,
				       GSS_C_NO_OID, &ctx, &b))
			break;
		if (o < sizeof(res->err))
			o += (size_t)snprintf(res->err + o,
					      sizeof(res->err) - o, " %.*s",
					      (int)b.length, (char *)b.value);
		gss_release_buffer(&m, &b);
	} while (ctx);
	if (!minor) {
		ctx = 0;
		if (!gss_display_status(&m, major, GSS_C_GSS_CODE,
					GSS_C_NO_OID, &ctx, &b)) {
			if (o < sizeof(res->err))
				snprintf(res->err + o, sizeof(res->err) - o,
					 " %.*s", (int)b.length,
					 (char *)b.value);
			gss_release_buffer(&m, &b);
		}
	}
	/* the log line quotes it */
	for (o = 0; res->err[o]; o++)
		if (res->err[o] == '"')
			res->err[o] = '\'';
}

static void set_out(struct auth_result *res, const void *p, size_t len)
{
	free(res->out);
	res->out = NULL;
	res->out_len = 0;
	if (!len)
		return;
	res->out = malloc(len);
	if (res->out) {
		memcpy(res->out, p, len);
		res->out_len = len;
	}
}

static gss_cred_id_t acquire(enum amech m, struct auth_result *res)
{
	gss_OID_desc oid;
	gss_OID_set_desc set = { 1, &oid };
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	OM_uint32 major, minor;

	oid = m == M_IAKERB ? *gss_mech_iakerb : *gss_mech_krb5;
	major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
				 &set, GSS_C_ACCEPT, &cred, NULL, NULL);
	if (GSS_ERROR(major)) {
		gss_err(res, "acquire_cred", major, minor);
		return GSS_C_NO_CREDENTIAL;
	}
	return cred;
}

/* Session key and client name of an established context. */
static int finish_ctx(gss_ctx_id_t ctx, gss_name_t src,
		      struct auth_result *res)
{
	gss_buffer_set_t keys = GSS_C_NO_BUFFER_SET;
	gss_buffer_desc nb;
	OM_uint32 major, minor, life;

	major = gss_inquire_sec_context_by_oid(&minor, ctx,
					       GSS_C_INQ_SSPI_SESSION_KEY,
					       &keys);
	if (GSS_ERROR(major) || !keys || keys->count < 1 ||
	    !keys->elements[0].length) {
		gss_err(res, "inquire session key", major, minor);
		gss_release_buffer_set(&minor, &keys);
		return -1;
	}
	res->key_len = keys->elements[0].length;
	if (res->key_len > sizeof(res->key))
		res->key_len = sizeof(res->key);
	memcpy(res->key, keys->elements[0].value, res->key_len);
	gss_release_buffer_set(&minor, &keys);
	/* the ticket's end, for fault expire-at-ticket-end: the context
	 * time less the clock skew an acceptor's context time includes */
	if (!GSS_ERROR(gss_context_time(&minor, ctx, &life)) &&
	    life != GSS_C_INDEFINITE)
		res->lifetime = life > (OM_uint32)clockskew ?
				life - (OM_uint32)clockskew : 1;
	if (src != GSS_C_NO_NAME &&
	    !gss_display_name(&minor, src, &nb, NULL)) {
		snprintf(res->user, sizeof(res->user), "%.*s",
			 (int)nb.length, (char *)nb.value);
		gss_release_buffer(&minor, &nb);
	}
	return 0;
}

/* What a mech token is, for the log and the routing. */
static void classify(const uint8_t *p, size_t len, struct auth_result *res,
		     bool *proxy_req, bool *krb5_ap_req, bool *iakerb_ap_req)
{
	struct gtok_krb5 k;
	struct iakerb_proxy ip;

	*proxy_req = false;
	*krb5_ap_req = false;
	*iakerb_ap_req = false;
	if (gtok_krb5_parse(p, len, &k)) {
		snprintf(res->what, sizeof(res->what), "unknown");
		return;
	}
	if (k.tok_id == GTOK_IAKERB_PROXY &&
	    !iakerb_proxy_parse_body(&k.body, &ip)) {
		if (ip.kdc_msg_type == KRB_MSG_NONE)
			snprintf(res->what, sizeof(res->what), "discovery");
		else
			snprintf(res->what, sizeof(res->what), "%s",
				 krb_msg_type_name(ip.kdc_msg_type));
		*proxy_req = ip.kdc_msg_type == KRB_MSG_AS_REQ ||
			     ip.kdc_msg_type == KRB_MSG_TGS_REQ;
		return;
	}
	if (k.tok_id == GTOK_KRB5_AP_REQ) {
		snprintf(res->what, sizeof(res->what), "AP-REQ(%s)",
			 oid_name(&k.mech) ? oid_name(&k.mech) : "?");
		*krb5_ap_req = !oid_equal(&k.mech, &oid_iakerb);
		*iakerb_ap_req = !*krb5_ap_req;
		return;
	}
	snprintf(res->what, sizeof(res->what), "tok%04x", k.tok_id);
}

/* Build an IAKerb proxy token carrying a KRB-ERROR (fault knob). */
static int make_krb_error(void *mem, struct auth_ctx *a, int code,
			  const char *realm, uint8_t **out, size_t *len)
{
	krb5_context kc;
	krb5_error e = { 0 };
	krb5_data der = { 0 };
	krb5_principal sp = NULL;
	char *defrealm = NULL;
	struct iakerb_proxy ip = { 0 };
	uint8_t flags[IAKERB_HEADER_FLAGS_LEN];
	int rc = -1;

	if (krb5_init_context(&kc))
		return -1;
	if (!realm[0] && krb5_get_default_realm(kc, &defrealm) == 0)
		realm = defrealm;
	if (krb5_build_principal(kc, &sp, (unsigned int)strlen(realm), realm,
				 "krbtgt", realm, NULL))
		goto out;
	e.stime = (krb5_timestamp)time(NULL);
	e.error = (krb5_ui_4)code;
	e.server = sp;
	e.text.data = (char *)"smbsrv fault";
	e.text.length = 12;
	if (krb5_mk_error(kc, &e, &der))
		goto out;
	ip.header.target_realm = (struct der_blob){ (const uint8_t *)realm,
						    strlen(realm) };
	if (a->cfg->mode == MODE_WINDOWS) {
		ip.header.target_realm = (struct der_blob){
			(const uint8_t *)".", 1 };
		ip.header.header_flags = iakerb_header_flags_encode(flags,
								   0x01000000);
	}
	ip.kdc_msg = (struct der_blob){ (const uint8_t *)der.data,
					der.length };
	rc = iakerb_proxy_build(mem, &ip, out, len);
out:
	krb5_free_data_contents(kc, &der);
	krb5_free_principal(kc, sp);
	krb5_free_default_realm(kc, defrealm);
	krb5_free_context(kc);
	return rc;
}

/* Reshape an IAKerb proxy reply like a Windows server would send it. */
static void windows_shape(void *mem, struct auth_ctx *a, uint8_t **tok,
			  size_t *len)
{
	struct iakerb_proxy ip;
	uint8_t flags[IAKERB_HEADER_FLAGS_LEN];
	uint8_t *out;
	size_t olen;

	if (iakerb_proxy_parse(*tok, *len, &ip))
		return;
	snprintf(a->realm, sizeof(a->realm), "%.*s",
		 (int)ip.header.target_realm.len,
		 (const char *)ip.header.target_realm.data);
	/* a realm-discovery answer keeps the realm: it is the answer */
	if (a->cfg->mode != MODE_WINDOWS || ip.kdc_msg_type == KRB_MSG_NONE)
		return;
	ip.header.target_realm = (struct der_blob){ (const uint8_t *)".", 1 };
	ip.header.header_flags = iakerb_header_flags_encode(flags, 0x01000000);
	if (!iakerb_proxy_build(mem, &ip, &out, &olen)) {
		*tok = out;
		*len = olen;
	}
}

/*
 * Feed one mech token.  On return (*out, *olen) hold the mech's reply
 * (talloc child of mem or pointing into a gss buffer copied to mem),
 * and *complete says whether the context is established.
 */
static uint32_t mech_step(void *mem, struct auth_ctx *a, int leg,
			  const uint8_t *in, size_t inlen, uint8_t **out,
			  size_t *olen, bool *complete,
			  struct auth_result *res)
{
	const struct faults *f = &a->cfg->faults;
	gss_buffer_desc ib = { inlen, (void *)in }, ob = { 0, NULL };
	gss_cred_id_t cred;
	gss_name_t src = GSS_C_NO_NAME;
	gss_ctx_id_t *ctxp;
	OM_uint32 major, minor, flags = 0;
	struct timespec t0, t1;
	bool proxy_req, krb5_ap_req, iakerb_ap_req, wrong_dialect = false;
	enum dialect_mode mode = a->cfg->mode;
	enum amech use;

	*complete = false;
	*out = NULL;
	*olen = 0;
	classify(in, inlen, res, &proxy_req, &krb5_ap_req, &iakerb_ap_req);
	a->mech_legs++;

	use = a->mech == M_IAKERB ? M_IAKERB : M_KRB5;
	ctxp = &a->ctx;
	if (a->mech == M_IAKERB && iakerb_ap_req)
		snprintf(res->dialect, sizeof(res->dialect), "mit");
	if (a->mech == M_IAKERB && krb5_ap_req && a->proxied)
		snprintf(res->dialect, sizeof(res->dialect), "windows");
	if (a->mech == M_IAKERB && iakerb_ap_req && mode == MODE_WINDOWS) {
		/*
		 * Windows ends an IAKerb exchange in krb5 framing (vector
		 * 04).  Whether a Windows server takes MIT's final is not
		 * known here (FACTS.md); refuse it by name, so that a client
		 * forcing the MIT dialect fails on this leg and says why.
		 */
		snprintf(res->mech, sizeof(res->mech), "iakerb");
		snprintf(res->err, sizeof(res->err), "wrong-dialect: MIT final "
			 "(AP-REQ with the IAKerb OID) refused in windows "
			 "mode");
		return STATUS_LOGON_FAILURE;
	}
	if (a->mech == M_IAKERB && krb5_ap_req && mode != MODE_MIT) {
		/* Windows dialect: final AP-REQ with the krb5 OID. */
		use = M_KRB5;
		ctxp = &a->kctx;
		a->final_in_kctx = true;
	} else if (a->mech == M_IAKERB && krb5_ap_req && a->proxied) {
		/* MIT 1.22 feeds it to the IAKerb context, which wants
		 * FINISHED once it has proxied: it fails there. */
		wrong_dialect = true;
	}
	snprintf(res->mech, sizeof(res->mech), "%s",
		 ctxp == &a->kctx ? "krb5(win)" : amech_name(a->mech));

	if (proxy_req && f->krb_error &&
	    (f->krb_error_leg ? f->krb_error_leg == leg : !a->krb_error_done)) {
		a->krb_error_done = true;
		snprintf(res->fault, sizeof(res->fault), "krb-error=%d",
			 f->krb_error);
		if (make_krb_error(mem, a, f->krb_error, a->realm, out, olen))
			return STATUS_INTERNAL_ERROR;
		return STATUS_MORE_PROCESSING_REQUIRED;
	}
	if (proxy_req) {
		res->kdc_msgs = 1;
		if (f->kdc_delay_ms)
			usleep((useconds_t)f->kdc_delay_ms * 1000);
	}

	cred = acquire(use, res);
	if (cred == GSS_C_NO_CREDENTIAL)
		return STATUS_LOGON_FAILURE;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	major = gss_accept_sec_context(&minor, ctxp, cred, &ib,
				       GSS_C_NO_CHANNEL_BINDINGS, &src, NULL,
				       &ob, &flags, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->accept_ms = (t1.tv_sec - t0.tv_sec) * 1e3 +
			 (t1.tv_nsec - t0.tv_nsec) / 1e6;
	gss_release_cred(&minor, &cred);
	res->major = major;
	res->minor = minor;
	if (ob.length) {
		*out = talloc_memdup(mem, ob.value, ob.length);
		*olen = *out ? ob.length : 0;
	}
	gss_release_buffer(&minor, &ob);
	if (GSS_ERROR(major)) {
		gss_err(res, wrong_dialect ? "wrong-dialect: Windows final "
			"(krb5 OID, no FINISHED) in mit mode: "
			"accept_sec_context" : "accept_sec_context", major,
			res->minor);
		gss_release_name(&minor, &src);
		return STATUS_LOGON_FAILURE;
	}
	if (major & GSS_S_CONTINUE_NEEDED) {
		gss_release_name(&minor, &src);
		if (proxy_req)
			a->proxied = true;
		if (use == M_IAKERB && *olen)
			windows_shape(mem, a, out, olen);
		return STATUS_MORE_PROCESSING_REQUIRED;
	}
	*complete = true;
	if (finish_ctx(*ctxp, src, res)) {
		gss_release_name(&minor, &src);
		return STATUS_LOGON_FAILURE;
	}
	gss_release_name(&minor, &src);
	if ((flags & GSS_C_MUTUAL_FLAG) && !*olen) {
		snprintf(res->err, sizeof(res->err), "mutual requested, "
			 "no AP-REP");
		return STATUS_LOGON_FAILURE;
	}
	if (f->bad_aprep && *olen > 8) {
		(*out)[*olen - 5] ^= 0x5a;
		snprintf(res->fault, sizeof(res->fault), "bad-aprep");
	}
	return STATUS_SUCCESS;
}

static gss_ctx_id_t done_ctx(struct auth_ctx *a)
{
	return a->final_in_kctx ? a->kctx : a->ctx;
}

static int check_mic(struct auth_ctx *a, const struct der_blob *mic,
		     struct auth_result *res)
{
	gss_buffer_desc msg = { a->mech_list_len, a->mech_list };
	gss_buffer_desc tok = { mic->len, (void *)mic->data };
	OM_uint32 major, minor;

	major = gss_verify_mic(&minor, done_ctx(a), &msg, &tok, NULL);
	if (GSS_ERROR(major)) {
		gss_err(res, "mechListMIC", major, minor);
		return -1;
	}
	a->mic_checked = true;
	return 0;
}

static int make_mic(void *mem, struct auth_ctx *a, struct der_blob *mic,
		    struct auth_result *res)
{
	gss_buffer_desc msg = { a->mech_list_len, a->mech_list }, tok;
	OM_uint32 major, minor;
	uint8_t *p, *w = NULL;
	size_t wlen = 0;

	major = gss_get_mic(&minor, done_ctx(a), GSS_C_QOP_DEFAULT, &msg,
			    &tok);
	if (GSS_ERROR(major)) {
		gss_err(res, "get_mic", major, minor);
		return -1;
	}
	snprintf(res->mic, sizeof(res->mic), "mit");
	/* Windows' final: Windows' MIC, SND_SEQ 0 (win_mic.c) */
	if (a->cfg->mode == MODE_WINDOWS && a->final_in_kctx) {
		int rc = win_mic_seq0(done_ctx(a), a->mech_list,
				      a->mech_list_len, tok.value, tok.length,
				      &w, &wlen, res->err, sizeof(res->err));

		gss_release_buffer(&minor, &tok);
		if (rc)
			return -1;
		snprintf(res->mic, sizeof(res->mic), "0");
		p = talloc_memdup(mem, w, wlen);
		mic->len = p ? wlen : 0;
		free(w);
	} else {
		p = talloc_memdup(mem, tok.value, tok.length);
		mic->len = p ? tok.length : 0;
		gss_release_buffer(&minor, &tok);
	}
	mic->data = p;
	if (p && a->cfg->faults.bad_mic) {
		p[mic->len - 1] ^= 0xff;
		snprintf(res->fault, sizeof(res->fault), "bad-mic");
	}
	return p ? 0 : -1;
}

/*
 * --mode windows, the leg after the AP-REP: vector 04 answered the final
 * AP-REQ with accept-incomplete and the server's mechListMIC, which in
 * RFC 4178 terms asks for the client's MIC before the negotiation is
 * complete.  Take it, check it, and finish with a bare accept-completed.
 */
static void mic_leg(void *mem, struct auth_ctx *a,
		    const struct spnego_token *tok, struct auth_result *res)
{
	struct spnego_token reply = { .kind = SPNEGO_NEG_TOKEN_RESP };
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 major, minor;
	uint8_t *p;
	size_t plen;

	snprintf(res->mech, sizeof(res->mech), "krb5(win)");
	snprintf(res->what, sizeof(res->what), "mechListMIC");
	snprintf(res->dialect, sizeof(res->dialect), "windows");
	res->status = STATUS_LOGON_FAILURE;
	if (der_blob_present(&tok->resp.response_token)) {
		snprintf(res->err, sizeof(res->err), "a mech token after the "
			 "AP-REP (wanted only the client's mechListMIC)");
		return;
	}
	if (!der_blob_present(&tok->resp.mech_list_mic)) {
		snprintf(res->err, sizeof(res->err), "no mechListMIC after "
			 "accept-incomplete with ours");
		return;
	}
	if (check_mic(a, &tok->resp.mech_list_mic, res))
		return;
	major = gss_inquire_context(&minor, done_ctx(a), &src, NULL, NULL,
				    NULL, NULL, NULL, NULL);
	if (GSS_ERROR(major)) {
		gss_err(res, "inquire_context", major, minor);
		return;
	}
	if (finish_ctx(done_ctx(a), src, res)) {
		gss_release_name(&minor, &src);
		return;
	}
	gss_release_name(&minor, &src);
	a->await_mic = false;
	reply.resp.has_neg_state = true;
	reply.resp.neg_state = SPNEGO_ACCEPT_COMPLETED;
	if (spnego_build(mem, &reply, &p, &plen)) {
		res->status = STATUS_INTERNAL_ERROR;
		return;
	}
	set_out(res, p, plen);
	res->status = STATUS_SUCCESS;
}

/* --auth mit-spnego: MIT's SPNEGO acceptor takes the whole blob. */
static void mit_spnego_step(struct auth_ctx *a, const uint8_t *in,
			    size_t len, struct auth_result *res)
{
	gss_buffer_desc ib = { len, (void *)in }, ob = { 0, NULL };
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 major, minor;

	snprintf(res->mech, sizeof(res->mech), "mit-spnego");
	major = gss_accept_sec_context(&minor, &a->mit_ctx,
				       GSS_C_NO_CREDENTIAL, &ib,
				       GSS_C_NO_CHANNEL_BINDINGS, &src, NULL,
				       &ob, NULL, NULL, NULL);
	res->major = major;
	res->minor = minor;
	set_out(res, ob.value, ob.length);
	gss_release_buffer(&minor, &ob);
	if (GSS_ERROR(major)) {
		gss_err(res, "accept_sec_context", major, res->minor);
		res->status = STATUS_LOGON_FAILURE;
	} else if (major & GSS_S_CONTINUE_NEEDED) {
		res->status = STATUS_MORE_PROCESSING_REQUIRED;
	} else {
		res->status = finish_ctx(a->mit_ctx, src, res) ?
			      STATUS_LOGON_FAILURE : STATUS_SUCCESS;
	}
	gss_release_name(&minor, &src);
}

/* Fault "endless": a plausible IAKerb reply, forever. */
static void endless_step(void *mem, struct auth_ctx *a,
			 struct auth_result *res)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_RESP };
	struct iakerb_proxy ip = { 0 };
	const char *realm = a->realm[0] ? a->realm : "ENDLESS";
	uint8_t *tok = NULL, *p;
	size_t tlen = 0, plen;

	ip.header.target_realm = (struct der_blob){ (const uint8_t *)realm,
						    strlen(realm) };
	iakerb_proxy_build(mem, &ip, &tok, &tlen);
	t.resp.has_neg_state = true;
	t.resp.neg_state = SPNEGO_ACCEPT_INCOMPLETE;
	t.resp.supported_mech = *amech_oid(a->mech ? a->mech : M_IAKERB);
	t.resp.response_token = (struct der_blob){ tok, tlen };
	if (spnego_build(mem, &t, &p, &plen)) {
		res->status = STATUS_INTERNAL_ERROR;
		return;
	}
	set_out(res, p, plen);
	snprintf(res->fault, sizeof(res->fault), "endless");
	res->status = STATUS_MORE_PROCESSING_REQUIRED;
}

void auth_step(struct auth_ctx *a, int leg, const uint8_t *in, size_t len,
	       struct auth_result *res)
{
	void *mem = talloc_new(NULL);
	struct spnego_token tok, reply = { .kind = SPNEGO_NEG_TOKEN_RESP };
	const struct der_blob *mech_token = NULL, *client_mic = NULL;
	struct der_blob raw;
	struct gtok_initial gi;
	uint8_t *mout = NULL, *p;
	size_t molen = 0, plen;
	bool complete = false, send_mic;
	uint32_t st;

	memset(res, 0, sizeof(*res));
	if (!mem) {
		res->status = STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	if (a->cfg->auth == AUTH_MIT_SPNEGO) {
		mit_spnego_step(a, in, len, res);
		goto out;
	}
	if (a->cfg->faults.endless && a->started) {
		endless_step(mem, a, res);
		goto out;
	}

	if (!a->started) {
		a->started = true;
		if (spnego_parse(in, len, &tok) == 0) {
			size_t i;
			enum amech pick = M_NONE;

			if (tok.kind != SPNEGO_NEG_TOKEN_INIT) {
				snprintf(res->err, sizeof(res->err),
					 "first token is not a negTokenInit");
				res->status = STATUS_INVALID_PARAMETER;
				goto out;
			}
			a->spnego = true;
			for (i = 0; i < tok.init.n_mechs; i++) {
				enum amech m = oid_amech(&tok.init.mechs[i]);

				if (mech_offered(a->cfg, m)) {
					pick = m;
					a->mech_first = i == 0;
					break;
				}
			}
			if (pick == M_NONE) {
				snprintf(res->err, sizeof(res->err),
					 "no common mechanism");
				res->status = STATUS_LOGON_FAILURE;
				goto out;
			}
			a->mech = pick;
			a->mech_list = malloc(tok.init.mech_types.len);
			if (!a->mech_list) {
				res->status = STATUS_INSUFFICIENT_RESOURCES;
				goto out;
			}
			memcpy(a->mech_list, tok.init.mech_types.data,
			       tok.init.mech_types.len);
			a->mech_list_len = tok.init.mech_types.len;
			if (a->mech_first &&
			    der_blob_present(&tok.init.mech_token))
				mech_token = &tok.init.mech_token;
			if (der_blob_present(&tok.init.mech_list_mic))
				client_mic = &tok.init.mech_list_mic;
		} else if (gtok_initial_parse(in, len, &gi) == 0 &&
			   oid_amech(&gi.mech) != M_NONE &&
			   mech_offered(a->cfg, oid_amech(&gi.mech))) {
			/* a raw mechanism token, no SPNEGO */
			a->mech = oid_amech(&gi.mech);
			a->mech_first = true;
			raw = (struct der_blob){ in, len };
			mech_token = &raw;
		} else {
			snprintf(res->err, sizeof(res->err),
				 "not a SPNEGO or Kerberos token");
			res->status = STATUS_INVALID_PARAMETER;
			goto out;
		}
	} else if (a->spnego) {
		if (spnego_parse(in, len, &tok) ||
		    tok.kind != SPNEGO_NEG_TOKEN_RESP) {
			snprintf(res->err, sizeof(res->err),
				 "bad negTokenResp");
			res->status = STATUS_INVALID_PARAMETER;
			goto out;
		}
		if (tok.resp.has_neg_state &&
		    tok.resp.neg_state == SPNEGO_REJECT) {
			snprintf(res->err, sizeof(res->err), "client rejects");
			res->status = STATUS_LOGON_FAILURE;
			goto out;
		}
		if (a->await_mic) {
			mic_leg(mem, a, &tok, res);
			goto out;
		}
		if (der_blob_present(&tok.resp.response_token))
			mech_token = &tok.resp.response_token;
		if (der_blob_present(&tok.resp.mech_list_mic))
			client_mic = &tok.resp.mech_list_mic;
	} else {
		raw = (struct der_blob){ in, len };
		mech_token = &raw;
	}

	if (mech_token) {
		st = mech_step(mem, a, leg, mech_token->data, mech_token->len,
			       &mout, &molen, &complete, res);
		if (st != STATUS_SUCCESS &&
		    st != STATUS_MORE_PROCESSING_REQUIRED) {
			res->status = st;
			goto out;
		}
		if (st == STATUS_MORE_PROCESSING_REQUIRED && res->fault[0])
			complete = false;
	} else if (!a->spnego || !a->mech_legs) {
		/* nothing to do yet: the client must send the mech token */
		snprintf(res->what, sizeof(res->what), "no-token");
		if (a->spnego && !a->mech_first) {
			reply.resp.has_neg_state = true;
			reply.resp.neg_state = SPNEGO_ACCEPT_INCOMPLETE;
			reply.resp.supported_mech = *amech_oid(a->mech);
			res->status = STATUS_MORE_PROCESSING_REQUIRED;
			goto send;
		}
		snprintf(res->err, sizeof(res->err), "no mechanism token");
		res->status = STATUS_INVALID_PARAMETER;
		goto out;
	}

	if (!a->spnego) {
		set_out(res, mout, molen);
		res->status = complete ? STATUS_SUCCESS :
			      STATUS_MORE_PROCESSING_REQUIRED;
		goto out;
	}
	if (complete)
		a->established = true;
	/* A MIC before the context is established cannot be checked yet
	 * (MIT's initiator sends its MIC only once it is). */
	if (client_mic && a->established && check_mic(a, client_mic, res)) {
		res->status = STATUS_LOGON_FAILURE;
		goto out;
	}
	send_mic = complete && (client_mic || !a->mech_first ||
				a->mech_legs > 1 || a->cfg->faults.bad_mic);
	/*
	 * Windows answers the krb5-OID final as in vector 04: the AP-REP
	 * with its mechListMIC but accept-incomplete, until it has the
	 * client's MIC (unless that came with the AP-REQ).
	 */
	if (complete && a->cfg->mode == MODE_WINDOWS && a->final_in_kctx &&
	    !a->mic_checked) {
		complete = false;
		send_mic = true;
		a->await_mic = true;
	}
	reply.resp.has_neg_state = true;
	reply.resp.neg_state = complete ? SPNEGO_ACCEPT_COMPLETED :
					  SPNEGO_ACCEPT_INCOMPLETE;
	if (a->mech_legs == 1 && mech_token)
		reply.resp.supported_mech = *amech_oid(a->mech);
	if (molen)
		reply.resp.response_token = (struct der_blob){ mout, molen };
	if (send_mic && make_mic(mem, a, &reply.resp.mech_list_mic, res)) {
		res->status = STATUS_LOGON_FAILURE;
		goto out;
	}
	if (complete)
		res->status = STATUS_SUCCESS;
	else
		res->status = STATUS_MORE_PROCESSING_REQUIRED;
send:
	if (spnego_build(mem, &reply, &p, &plen)) {
		res->status = STATUS_INTERNAL_ERROR;
		goto out;
	}
	set_out(res, p, plen);
out:
	talloc_free(mem);
}
