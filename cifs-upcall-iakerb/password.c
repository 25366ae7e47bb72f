// SPDX-License-Identifier: GPL-2.0
/*
 * A mount's password in the agent: the principal and realm it is for,
 * and the one place that applies policy.c's rule to this exchange.
 *
 *   pw_principal()     user@REALM from the user name, domain=, krb5.conf
 *                      ([domain_realm], default_realm), the realm an
 *                      earlier discovery found (realm_cc.c), or "user@"
 *                      for realm discovery when none of them names one
 *   pw_ask_kdc()       the realm's KDC from this machine, when the rule
 *                      says so: a TGT in a MEMORY cache, the KDC's error,
 *                      or "unreachable"
 *   pw_via_server()    may the AS exchange go through the server now?
 *   pw_realm_learnt()  realm discovery answered: the same question
 *   pw_token_ok()      every token we make, before it leaves: an AS-REQ
 *                      of the password only to its realm, only if allowed
 *   pw_realm_seen(), pw_realm_record(), pw_realm_on_failure()
 *                      a remembered realm: confirmed by its KDC's answer,
 *                      written back after success, dropped when the
 *                      exchange ends without that answer
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "initiator.h"
#include "realm_cc.h"

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static void facts(struct initiator *in, const char *realm, struct pw_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->mode = in->pw_mode;
	f->from = in->realm_from;
	f->conf_kdc = realm_has_kdc(in->k, realm);
	f->dns_kdc = realm_dns_kdc(in->k);
	f->sec_iakerb = in->explicit_iakerb;
	f->kdc = in->pw_kdc;
}

/*
 * No realm from the user, domain= or krb5.conf: an earlier discovery's,
 * if the user's ccache remembers one for this user and host.  It is the
 * server's word as much as a discovery's answer (policy.c treats it so)
 * and passes the same checks (realm_cc_valid(), krb5_proxy.c's).
 */
static char *pw_realm_recall(struct initiator *in, const char *user,
			     size_t len)
{
	const char *host = in->u->r->d.host;
	char *name = talloc_strndup(in, user, len), *realm, *cc, *spn;

	if (!name || realm_cc_find(in, in->collection, host, name, &realm,
				   &cc, &spn)) {
		ulog(LOG_DEBUG, "realm: nothing remembered for %s and %s in "
		     "%s: realm discovery", name ? name : "the user", host,
		     in->collection && in->collection[0] ? in->collection :
		     "the ccache");
		return NULL;
	}
	in->realm_cc = cc;
	in->realm_spn = spn;
	ulog(LOG_DEBUG, "realm: %s (remembered for %s in the ccache %s, %s)",
	     realm, host, cc, spn ? spn : "");
	return realm;
}

int pw_principal(struct initiator *in)
{
	struct upcall_ctx *u = in->u;
	const char *user = u->r->d.user, *at;
	char *realm = NULL;
	size_t name_len;

	if (!(u->r->d.have & IAKERB_F_USER))
		return fail(&u->res, IAKERB_OUT_NO_CREDS,
			    "a password but no user name");
	in->pw_mode = pw_mode_configured(in->k, u->o->iakerb_password,
					 &in->pw_mode_from);
	at = strrchr(user, '@');
	name_len = at ? (size_t)(at - user) : strlen(user);
	if (at && at[1]) {
		in->realm_from = PW_REALM_USER;
		realm = talloc_strdup(in, at + 1);
	} else if (u->domain && u->domain[0]) {
		/* the mount's domain= is the realm hint (PROTOCOL.md §14) */
		in->realm_from = PW_REALM_DOMAIN;
		realm = talloc_strdup(in, u->domain);
		if (realm)
			upper(realm);
	} else {
		/* krb5.conf's word before the server's (policy.c, 1.) */
		in->realm_from = pw_conf_realm(in, in->k, u->r->d.host,
					       &realm);
		if (in->realm_from == PW_REALM_NONE) {
			realm = pw_realm_recall(in, user, name_len);
			if (realm)
				in->realm_from = PW_REALM_REMEMBERED;
		}
	}
	if (in->realm_from != PW_REALM_NONE && !realm)
		return fail_oom(&u->res, "the password's realm");
	in->user_realm = realm;
	in->discovery = !realm;
	/* "alice@": MIT then asks the server for its realm */
	in->princ = talloc_asprintf(in, "%.*s@%s", (int)name_len, user,
				    realm ? realm : "");
	if (!in->princ)
		return fail_oom(&u->res, "the password's principal");
	ulog(LOG_DEBUG, "password: %s (realm from %s), iakerb_password = %s "
	     "(%s)", in->princ, pw_realm_from_name(in->realm_from),
	     pw_mode_name(in->pw_mode), in->pw_mode_from);
	return 0;
}

enum pw_step pw_next(struct initiator *in, const char **why)
{
	struct pw_facts f;

	facts(in, in->user_realm, &f);
	return pw_decide(&f, why);
}

int pw_ask_kdc(struct initiator *in, TALLOC_CTX *mem, struct cc_choice *cc)
{
	struct upcall_ctx *u = in->u;
	bool unreachable = false;
	char *name = NULL;
	int ret;

	memset(cc, 0, sizeof(*cc));
	ret = krb5_password_ccache(in, in->k, in->princ, u->pass, u->pass_len,
				   &in->direct_cc, &name, &unreachable,
				   &u->res);
	if (!ret) {
		in->pw_kdc = PW_KDC_ANSWERED;
		cc->name = name;
		cc->principal = in->princ;
		cc->realm = in->user_realm;
		cc->state = CC_TGT;
		ulog(LOG_INFO, "password: a KDC of %s answered this machine: "
		     "TGT for %s", in->user_realm, in->princ);
		return 0;
	}
	if (!unreachable) {
		/* the KDC's own answer (wrong password, ...) stands */
		in->pw_kdc = PW_KDC_ANSWERED;
		return ret;
	}
	in->pw_kdc = PW_KDC_UNREACHABLE;
	ulog(LOG_INFO, "password: no KDC of %s answered this machine (%s)",
	     in->user_realm, u->res.why);
	snprintf(in->kdc_why, sizeof(in->kdc_why), "%.199s", u->res.why);
	u->res.outcome = OUT_OK;
	u->res.why[0] = 0;
	(void)mem;
	return 0;
}

/* Anything but PW_VIA_SERVER: refused, saying what was tried */
int pw_via_server(struct initiator *in, bool say)
{
	const char *why;
	enum pw_step step = pw_next(in, &why);

	if (step == PW_VIA_SERVER) {
		if (say)
			ulog(LOG_INFO, "password: %s's AS exchange goes "
			     "through the SMB server (IAKerb): %s", in->princ,
			     in->pw_kdc == PW_KDC_UNREACHABLE ?
			     "no KDC of the realm answered this machine" :
			     !in->user_realm ? "realm discovery first" :
			     "no KDC of the realm is known here");
		return 0;
	}
	if (step != PW_REFUSE && !why[0])
		why = "its KDC is to be asked from this machine";
	return fail(&in->u->res, IAKERB_OUT_OWN_KDC_UNREACHABLE,
		    "the password of %s (realm from %s) does not go through "
		    "the SMB server: %s%s%s", in->princ,
		    pw_realm_from_name(in->realm_from), why,
		    in->kdc_why[0] ? "; this machine's try: " : "",
		    in->kdc_why);
}

int pw_realm_learnt(struct initiator *in, const char *realm)
{
	in->user_realm = talloc_strdup(in, realm);
	if (!in->user_realm)
		return fail_oom(&in->u->res, "the discovered realm");
	in->realm_from = PW_REALM_SERVER;
	ulog(LOG_INFO, "realm discovery: the server's realm is %s",
	     in->user_realm);
	return pw_via_server(in, true);
}

int pw_token_ok(struct initiator *in, enum krb_msg_type type,
		const char *realm)
{
	if (type != KRB_MSG_AS_REQ || !in->from_password)
		return 0;
	/* never a realm the server merely suggests (a referral, ...) */
	if (!in->user_realm || strcmp(realm, in->user_realm))
		return fail(&in->u->res, IAKERB_OUT_PROTOCOL,
			    "the server steered the password's AS exchange "
			    "to realm %s (user's realm: %s): refused", realm,
			    in->user_realm ? in->user_realm : "not known");
	return pw_via_server(in, false);
}

/*
 * KRB-ERROR codes only a KDC that knows the client sends (RFC 4120,
 * 7.5.9): CLIENT_REVOKED, KEY_EXPIRED, PREAUTH_FAILED, PREAUTH_REQUIRED.
 * Not C_PRINCIPAL_UNKNOWN or WRONG_REALM, and not what the server makes
 * itself when it finds no KDC of the realm (KRB-ERROR 85, "The IAKERB
 * proxy could not find a KDC": measured, smbsrv with MIT's acceptor).
 */
static bool kdc_knows_client(int32_t code)
{
	return code == 18 || code == 23 || code == 24 || code == 25;
}

void pw_realm_seen(struct initiator *in, const struct der_blob *tok)
{
	struct krb_error_info e;
	struct iakerb_proxy p;

	if (in->realm_from != PW_REALM_REMEMBERED || in->realm_confirmed ||
	    iakerb_proxy_parse(tok->data, tok->len, &p))
		return;
	/*
	 * An AS-REP, or an error only the realm's KDC can give about this
	 * user (a wrong password's PREAUTH_FAILED too): the realm was
	 * right, whatever follows
	 */
	if (p.kdc_msg_type == KRB_MSG_AS_REP ||
	    p.kdc_msg_type == KRB_MSG_TGS_REP ||
	    (p.kdc_msg_type == KRB_MSG_ERROR &&
	     !krb_error_parse(&p.kdc_msg, &e) &&
	     kdc_knows_client(e.error_code)))
		in->realm_confirmed = true;
}

void pw_realm_record(struct initiator *in)
{
	const char *cc = in->stored_cc;
	char *spn = NULL;
	int ret;

	/* only a realm the server's discovery gave (now or earlier), only
	 * into the cache the tickets went to (store_creds(): the user's) */
	if (!in->from_password || !cc || !cc[0] || !in->user_realm ||
	    (in->realm_from != PW_REALM_SERVER &&
	     in->realm_from != PW_REALM_REMEMBERED))
		return;
	ret = realm_cc_remember(in, in->k, cc, in->u->r->d.host,
				in->user_realm, &spn);
	if (ret)
		ulog(LOG_WARNING, "realm: %s not remembered for %s in %s "
		     "(error %d)", in->user_realm, in->u->r->d.host, cc, ret);
	else
		ulog(LOG_DEBUG, "realm: remembered %s for %s in %s",
		     in->user_realm, spn ? spn : in->u->r->d.host, cc);
}

void pw_realm_on_failure(struct initiator *in)
{
	char *spn = NULL;
	int ret;

	if (in->realm_from != PW_REALM_REMEMBERED || in->realm_confirmed ||
	    !in->realm_cc)
		return;
	/*
	 * The exchange ended before a KDC of the remembered realm knew the
	 * user: the realm may be stale (the server moved, the user is in
	 * another realm now).  The kernel does not restart a failed
	 * exchange, so this mount fails; without the entry the next one
	 * asks the server again.  A passing network fault costs that
	 * mount one discovery leg, no more.
	 */
	ret = realm_cc_remember(in, in->k, in->realm_cc, in->u->r->d.host,
				NULL, &spn);
	if (ret)
		ulog(LOG_WARNING, "realm: cannot drop %s, remembered for %s "
		     "in %s (error %d)", in->user_realm, in->u->r->d.host,
		     in->realm_cc, ret);
	else
		ulog(LOG_NOTICE, "realm: %s, remembered for %s in %s, was not "
		     "confirmed by a KDC of it: entry dropped, the next "
		     "mount asks the server (realm discovery)",
		     in->user_realm, in->u->r->d.host, in->realm_cc);
	in->realm_cc = NULL;
}
