// SPDX-License-Identifier: GPL-2.0
/*
 * The single-leg Kerberos path, as cifs.upcall answers a 7.2 kernel: an
 * AP-REQ from the user's ccache (or, for root, a keytab), wrapped in a
 * SPNEGO negTokenInit whose one mechType is the one the kernel asked for
 * (krb5, or the MS krb5 OID for sec=mskrb5; the token itself is framed
 * with the krb5 OID either way), and the session key.  No mutual
 * authentication: the kernel will not show us the server's answer.
 *
 * Service principal: cifs/<host> as given, then (like cifs.upcall) the
 * host's canonical name when it has no dot, then with --trust-dns the
 * reverse lookup of ip=.  All of this runs as the user.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "gss_glue.h"
#include "ccache_find.h"
#include "policy.h"

/* Root's last resort: a TGT from the keytab into a MEMORY cache */
int krb5_keytab_ccache(TALLOC_CTX *mem, krb5_context k, const char *keytab,
		       const char *user, char **ccname, struct result *res)
{
	krb5_get_init_creds_opt *opt = NULL;
	krb5_principal p = NULL;
	krb5_keytab kt = NULL;
	krb5_ccache cc = NULL;
	krb5_creds creds;
	krb5_error_code ret;
	char *full = NULL;

	memset(&creds, 0, sizeof(creds));
	ret = krb5_parse_name(k, user, &p);
	if (!ret)
		ret = krb5_kt_resolve(k, keytab, &kt);
	if (!ret)
		ret = krb5_get_init_creds_opt_alloc(k, &opt);
	if (!ret)
		ret = krb5_get_init_creds_keytab(k, &creds, p, kt, 0, NULL,
						 opt);
	if (!ret)
		ret = krb5_cc_new_unique(k, "MEMORY", NULL, &cc);
	if (!ret)
		ret = krb5_cc_initialize(k, cc, p);
	if (!ret)
		ret = krb5_cc_store_cred(k, cc, &creds);
	if (!ret)
		ret = krb5_cc_get_full_name(k, cc, &full);
	if (!ret) {
		*ccname = talloc_strdup(mem, full);
		/* the MEMORY cache lives as long as a handle is open */
		cc = NULL;
	} else {
		const char *m = krb5_get_error_message(k, ret);
		int o = krb5_code_outcome(ret);

		fail(res, o >= 0 ? o : IAKERB_OUT_NO_CREDS,
		     "no ccache with a valid ticket, and keytab %s for %s: "
		     "%s", keytab, user, m);
		own_kdc_outcome(res);
		krb5_free_error_message(k, m);
	}
	krb5_free_string(k, full);
	if (cc)
		krb5_cc_destroy(k, cc);
	krb5_free_cred_contents(k, &creds);
	krb5_get_init_creds_opt_free(k, opt);
	if (kt)
		krb5_kt_close(k, kt);
	krb5_free_principal(k, p);
	return ret ? -1 : 0;
}

int krb5_password_ccache(TALLOC_CTX *mem, krb5_context k, const char *princ,
			 const char *pass, size_t pass_len, krb5_ccache *cc,
			 char **ccname, bool *unreachable, struct result *res)
{
	krb5_get_init_creds_opt *opt = NULL;
	krb5_principal p = NULL;
	krb5_creds creds;
	krb5_error_code ret;
	char *pw, *full = NULL;

	*cc = NULL;
	*unreachable = false;
	memset(&creds, 0, sizeof(creds));
	/* libkrb5 wants a C string; the kernel's has no NUL */
	pw = secret_alloc(mem, pass_len + 1);
	if (!pw)
		return fail_oom(res, "the password for the KDC");
	memcpy(pw, pass, pass_len);
	pw[pass_len] = 0;
	ret = krb5_parse_name(k, princ, &p);
	if (!ret)
		ret = krb5_get_init_creds_opt_alloc(k, &opt);
	if (!ret)
		ret = krb5_get_init_creds_password(k, &creds, p, pw, NULL, NULL,
						   0, NULL, opt);
	talloc_free(pw);	/* wiped by its destructor */
	if (!ret)
		ret = krb5_cc_new_unique(k, "MEMORY", NULL, cc);
	if (!ret)
		ret = krb5_cc_initialize(k, *cc, creds.client);
	if (!ret)
		ret = krb5_cc_store_cred(k, *cc, &creds);
	if (!ret)
		ret = krb5_cc_get_full_name(k, *cc, &full);
	if (!ret) {
		*ccname = talloc_strdup(mem, full);
		if (!*ccname)
			ret = ENOMEM;
	}
	if (ret) {
		const char *m = krb5_get_error_message(k, ret);
		int o = krb5_code_outcome(ret);

		*unreachable = pw_kdc_unreachable(ret);
		fail(res, o >= 0 ? o : IAKERB_OUT_PROTOCOL,
		     "the AS exchange for %s with its realm's KDC: %s", princ,
		     m);
		krb5_free_error_message(k, m);
		own_kdc_outcome(res);
		if (*cc)
			krb5_cc_destroy(k, *cc);
		*cc = NULL;
	}
	krb5_free_string(k, full);
	krb5_free_cred_contents(k, &creds);
	krb5_get_init_creds_opt_free(k, opt);
	krb5_free_principal(k, p);
	return ret ? -outcome_errno(res->outcome) : 0;
}
/* What one try of legacy_run needs, and where it puts its results */
struct legacy_try {
	gss_cred_id_t	cred;
	gss_buffer_t	token;
	uint8_t		*key;
	size_t		*key_len;
	struct result	*res;
};

/* One try: AP-REQ for cifs/<host> and its session key */
static int try_host(void *arg, TALLOC_CTX *mem, const char *host)
{
	struct legacy_try *t = arg;
	gss_cred_id_t cred = t->cred;
	gss_buffer_t token = t->token;
	struct result *res = t->res;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_name_t target = GSS_C_NO_NAME;
	OM_uint32 major, minor, min2;
	int ret;

	major = (OM_uint32)gss_service_name(host, &target, &minor);
	if (GSS_ERROR(major))
		return gss_fail(res, mem, "service name", major, minor, NULL);
	major = gss_init_sec_context(&minor, cred, &ctx, target,
				     &mech_krb5_oid, 0, 0,
				     GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER,
				     NULL, token, NULL, NULL);
	/* not &minor: it holds MIT's reason for a failure */
	gss_release_name(&min2, &target);
	if (major != GSS_S_COMPLETE) {
		char what[IAKERB_HOST_MAX + 32];

		snprintf(what, sizeof(what), "service ticket for cifs/%s",
			 host);
		ret = gss_fail(res, mem, what, major, minor, &mech_krb5_oid);
		gss_release_buffer(&minor, token);
		if (ctx != GSS_C_NO_CONTEXT)
			gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
		return ret;
	}
	ret = gss_session_key(ctx, t->key, IAKERB_SESSKEY_MAX, t->key_len,
			      res, mem, &mech_krb5_oid);
	gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
	if (ret)
		gss_release_buffer(&minor, token);
	return ret;
}

/* Host names to try, in cifs.upcall's order */
static int host_candidate(TALLOC_CTX *mem, struct upcall_ctx *u, int step,
			  char **host)
{
	const struct iakerb_desc *d = &u->r->d;
	char name[NI_MAXHOST];

	*host = NULL;
	if (step == 0) {
		*host = talloc_strdup(mem, d->host);
		return 0;
	}
	if (step == 1 && !strchr(d->host, '.')) {
		struct addrinfo hints = { .ai_flags = AI_CANONNAME };
		struct addrinfo *ai = NULL;
		const char *dot;

		if (getaddrinfo(d->host, NULL, &hints, &ai) == 0 && ai &&
		    ai->ai_canonname && (dot = strchr(ai->ai_canonname, '.')))
			*host = talloc_asprintf(mem, "%s%s", d->host, dot);
		if (ai)
			freeaddrinfo(ai);
		return 0;
	}
	if (step == 2 && u->o->trust_dns) {
		struct sockaddr_storage ss = { 0 };
		socklen_t sl;

		if (d->have & IAKERB_F_IP4) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, d->addr, 4);
			sl = sizeof(*s4);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, d->addr, 16);
			sl = sizeof(*s6);
		}
		if (getnameinfo((struct sockaddr *)&ss, sl, name, sizeof(name),
				NULL, 0, NI_NAMEREQD) == 0)
			*host = talloc_strdup(mem, name);
		return 0;
	}
	return step > 2 ? -ENOENT : 0;
}

int krb5_try_hosts(TALLOC_CTX *mem, struct upcall_ctx *u, krb5_host_try try,
		   void *arg, const char **used)
{
	char *cand, *host = NULL;
	int step, ret = -1;

	for (step = 0; ret && host_candidate(mem, u, step, &cand) == 0;
	     step++) {
		if (!cand)
			continue;
		host = spn_host(mem, cand);
		talloc_free(cand);
		/* the first failure explains best; later tries keep it */
		ret = host ? try(arg, mem, host) :
			     fail_oom(&u->res, "a service host name");
	}
	if (ret)
		return ret;
	u->res.outcome = OUT_OK;
	u->res.why[0] = 0;
	if (used)
		*used = host;
	return 0;
}

int legacy_run(struct upcall_ctx *u, TALLOC_CTX *mem, struct payload *p)
{
	const struct iakerb_desc *d = &u->r->d;
	gss_OID_set_desc mechs = { 1, &mech_krb5_oid };
	gss_key_value_element_desc kv = { "ccache", NULL };
	gss_key_value_set_desc store = { 1, &kv };
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	gss_buffer_desc token = GSS_C_EMPTY_BUFFER;
	struct spnego_token st = { .kind = SPNEGO_NEG_TOKEN_INIT,
				   .gss_framed = true };
	struct cc_choice cc;
	OM_uint32 major, minor;
	krb5_context k = NULL;
	uint8_t *key, *blob;
	size_t key_len = 0, blob_len;
	const char *host = NULL;
	char *ccname = NULL;
	struct legacy_try t = { .token = &token, .key_len = &key_len,
				.res = &u->res };
	int ret;

	key = t.key = secret_alloc(mem, IAKERB_SESSKEY_MAX);
	if (!key)
		return fail_oom(&u->res, "the session key buffer");
	ret = krb5_init_context(&k);
	if (ret)
		return fail(&u->res, ret == ENOMEM ? IAKERB_OUT_NO_MEMORY :
			    IAKERB_OUT_PROTOCOL, "krb5_init_context: %s",
			    error_message(ret));

	if (cc_find_k(mem, k, u->env_ccname, d->host, d->user, false,
		      &cc) == 0) {
		ccname = cc.name;
		ulog(LOG_DEBUG, "ccache %s (%s, %s)", cc.name, cc.principal,
		     cc.state == CC_SERVICE ? "service ticket" : "TGT");
	} else if (u->r->uid == 0 && (d->have & IAKERB_F_USER)) {
		/* only root, and only for a named user, as cifs.upcall */
		if (krb5_keytab_ccache(mem, k, u->o->keytab, d->user, &ccname,
				       &u->res)) {
			cc_stale_hint(&u->res, &cc);
			goto out;
		}
	} else {
		char why[IAKERB_HOST_MAX + 80];

		snprintf(why, sizeof(why), "no ccache with a valid TGT or "
			 "ticket for cifs/%s (uid %u)", d->host,
			 (unsigned int)u->r->uid);
		cc_none(&u->res, &cc, why);
		goto out;
	}

	kv.value = ccname;
	major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
				      &mechs, GSS_C_INITIATE, &store, &cred,
				      NULL, NULL);
	if (GSS_ERROR(major)) {
		gss_fail(&u->res, mem, "credentials", major, minor,
			 &mech_krb5_oid);
		goto out;
	}

	t.cred = cred;
	if (krb5_try_hosts(mem, u, try_host, &t, &host)) {
		/* only this machine's KDC was asked */
		own_kdc_outcome(&u->res);
		goto out;
	}

	st.init.n_mechs = 1;
	st.init.mechs[0] = d->sec == IAKERB_SEC_MSKRB5 ? oid_ms_krb5 : oid_krb5;
	st.init.mech_token = (struct der_blob){ token.value, token.length };
	ret = spnego_build(mem, &st, &blob, &blob_len);
	if (!ret)
		ret = payload_legacy(mem, key, key_len, blob, blob_len, p);
	if (ret) {
		fail(&u->res, outcome_from_errno(ret),
		     "cannot build the payload: %s", strerror(-ret));
		goto out;
	}
	ulog(LOG_INFO, "krb5: AP-REQ for cifs/%s from %s (%zu bytes)", host,
	     ccname, token.length);
out:
	gss_release_buffer(&minor, &token);
	if (cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &cred);
	krb5_free_context(k);
	return u->res.outcome == OUT_OK ? 0 : -outcome_errno(u->res.outcome);
}

bool legacy_failure_allows_iakerb(const struct result *res)
{
	return res->outcome == IAKERB_OUT_NO_CREDS ||
	       res->outcome == IAKERB_OUT_TICKET_EXPIRED ||
	       res->outcome == IAKERB_OUT_OWN_KDC_UNREACHABLE;
}
