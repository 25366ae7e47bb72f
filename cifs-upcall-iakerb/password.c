// SPDX-License-Identifier: GPL-2.0
/*
 * A mount's password in the agent: the principal and realm it is for,
 * and the one place that applies policy.c's rule to this exchange.
 *
 *   pw_principal()     user@REALM from the user name, domain=, krb5.conf
 *                      ([domain_realm], default_realm), or "user@" for
 *                      realm discovery when none of them names a realm
 *   pw_ask_kdc()       the realm's KDC from this machine, when the rule
 *                      says so: a TGT in a MEMORY cache, the KDC's error,
 *                      or "unreachable"
 *   pw_via_server()    may the AS exchange go through the server now?
 *   pw_realm_learnt()  realm discovery answered: the same question
 *   pw_token_ok()      every token we make, before it leaves: an AS-REQ
 *                      of the password only to its realm, only if allowed
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "initiator.h"

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
