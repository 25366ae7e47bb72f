// SPDX-License-Identifier: GPL-2.0
/*
 * What may happen to a mount's password (see policy.h).
 *
 * The threat: whoever answers as the SMB server, or reads the path to it,
 * sees the AS exchange that IAKerb relays: with preauthentication the
 * AS-REQ's PA-ENC-TIMESTAMP, and the AS-REP, both encrypted in a key made
 * from the password (no FAST armour: there is no TGT yet to armour with).
 * Either can be attacked offline, as NTLMv2 responses can.  A KDC this
 * machine reaches itself sees the same messages, but a network attacker
 * cannot make us send them to a server of its choosing.  So:
 *
 *   1. The realm is the user's (user=alice@REALM, domain=), else the one
 *      krb5.conf maps the server's name to, else its default_realm; only
 *      when none is known does realm discovery ask the server, and a
 *      realm the server names never replaces one of these.  A realm an
 *      earlier discovery found, remembered in the ccache (realm_cc.c),
 *      is the server's word as well and is treated as such.
 *   2. A realm krb5.conf gives a KDC for is asked there, from here,
 *      first; so is one libkrb5 may find KDCs for in DNS, unless the
 *      mount said sec=iakerb itself.  A KDC that answers at all, with a
 *      TGT or an error, decides: its answer stands.
 *   3. Only then may the password go through the server: when no KDC of
 *      the realm could be found or reached ("reachable": a KDC answered
 *      this machine's AS-REQ with any Kerberos message; unreachable:
 *      libkrb5's KRB5_KDC_UNREACH, KRB5_REALM_UNKNOWN,
 *      KRB5_REALM_CANT_RESOLVE, or every KDC saying SVC_UNAVAILABLE),
 *      and never for a realm krb5.conf gives a KDC, unless the
 *      administrator said iakerb_password = fallback (-I);
 *      iakerb_password = no forbids it altogether.
 *
 * Tickets: only STORE_OWNER stores, and only when the uid that made the
 * mount is the credential owner (privs.c finds out, as root).
 */
#include <arpa/inet.h>
#include <string.h>
#include <profile.h>

#include "policy.h"

enum pw_step pw_decide(const struct pw_facts *f, const char **why)
{
	/* a remembered realm is the server's word too (realm_cc.c) */
	bool named = f->from != PW_REALM_NONE && f->from != PW_REALM_SERVER &&
		     f->from != PW_REALM_REMEMBERED;

	*why = "";
	if (f->kdc == PW_KDC_ANSWERED) {
		*why = "a KDC of the realm answered this machine";
		return PW_USE_KDC;
	}
	if (named && f->kdc == PW_KDC_NOT_ASKED &&
	    (f->conf_kdc || (f->dns_kdc && !f->sec_iakerb)))
		return PW_ASK_KDC;
	if (f->mode == PW_MODE_NO) {
		*why = "iakerb_password = no: a password never goes through "
		       "the SMB server";
		return PW_REFUSE;
	}
	if (f->conf_kdc && f->mode != PW_MODE_FALLBACK) {
		*why = "krb5.conf names a KDC for the realm: the password "
		       "goes to it alone (iakerb_password = fallback lets it "
		       "through the server when it is unreachable)";
		return PW_REFUSE;
	}
	return PW_VIA_SERVER;
}

const char *pw_realm_from_name(enum pw_realm_from from)
{
	switch (from) {
	case PW_REALM_USER:
		return "the user name";
	case PW_REALM_DOMAIN:
		return "domain=";
	case PW_REALM_HOST:
		return "krb5.conf [domain_realm]";
	case PW_REALM_DEFAULT:
		return "krb5.conf default_realm";
	case PW_REALM_SERVER:
		return "the server's realm discovery";
	case PW_REALM_REMEMBERED:
		return "an earlier realm discovery, remembered in the ccache";
	default:
		return "nothing yet";
	}
}

bool realm_has_kdc(krb5_context k, const char *realm)
{
	const char *path[] = { "realms", realm, "kdc", NULL };
	profile_t prof = NULL;
	char **vals = NULL;
	bool has = false;

	if (!realm || !realm[0] || krb5_get_profile(k, &prof))
		return false;
	if (!profile_get_values(prof, path, &vals) && vals && vals[0])
		has = true;
	profile_free_list(vals);
	profile_release(prof);
	return has;
}

/* libkrb5's rule (locate_kdc.c): dns_lookup_kdc, else dns_fallback, else
 * on (Debian builds with DNS lookups) */
bool realm_dns_kdc(krb5_context k)
{
	profile_t prof = NULL;
	int fallback = 1, use = 1;

	if (krb5_get_profile(k, &prof))
		return true;
	if (profile_get_boolean(prof, "libdefaults", "dns_fallback", NULL, 1,
				&fallback))
		fallback = 1;
	if (profile_get_boolean(prof, "libdefaults", "dns_lookup_kdc", NULL,
				fallback, &use))
		use = fallback;
	profile_release(prof);
	return use != 0;
}

static char *profile_string(TALLOC_CTX *mem, profile_t prof, const char *sect,
			    const char *name)
{
	char *v = NULL, *out = NULL;

	if (!profile_get_string(prof, sect, name, NULL, NULL, &v) && v &&
	    v[0])
		out = talloc_strdup(mem, v);
	profile_release_string(v);
	return out;
}

static bool numeric_host(const char *h)
{
	unsigned char a[16];

	return inet_pton(AF_INET, h, a) == 1 || inet_pton(AF_INET6, h, a) == 1;
}

enum pw_realm_from pw_conf_realm(TALLOC_CTX *mem, krb5_context k,
				 const char *host, char **realm)
{
	profile_t prof = NULL;
	char *h, *p;
	size_t n;

	*realm = NULL;
	if (krb5_get_profile(k, &prof))
		return PW_REALM_NONE;
	/* as libkrb5's profile module: the host, then .b.c, b.c, .c, c */
	h = talloc_strdup(mem, host);
	if (h && !numeric_host(h)) {
		for (p = h; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		n = strlen(h);
		if (n && h[n - 1] == '.')
			h[n - 1] = 0;
		for (p = h; p && *p && !*realm;
		     p = *p == '.' ? p + 1 : strchr(p, '.'))
			*realm = profile_string(mem, prof, "domain_realm", p);
	}
	talloc_free(h);
	if (*realm) {
		profile_release(prof);
		return PW_REALM_HOST;
	}
	*realm = profile_string(mem, prof, "libdefaults", "default_realm");
	profile_release(prof);
	return *realm ? PW_REALM_DEFAULT : PW_REALM_NONE;
}

bool pw_kdc_unreachable(krb5_error_code code)
{
	switch (code) {
	case KRB5_KDC_UNREACH:		/* none answered in time */
	case KRB5_REALM_UNKNOWN:	/* none in krb5.conf or DNS */
	case KRB5_REALM_CANT_RESOLVE:	/* their names do not resolve */
	case KRB5KDC_ERR_SVC_UNAVAILABLE: /* every one said so */
		return true;
	}
	return false;
}

/* [appdefaults] cifs-upcall-iakerb = { NAME = ... }, or NULL */
static char *appdefault(krb5_context k, const char *name)
{
	krb5_data none = { .magic = KV5M_DATA, .length = 0, .data = "" };
	char *s = NULL;

	krb5_appdefault_string(k, UPCALL_PROG, &none, name, "", &s);
	if (s && !s[0]) {
		free(s);
		s = NULL;
	}
	return s;
}

enum pw_mode pw_mode_configured(krb5_context k, enum pw_mode cmdline,
				const char **from)
{
	enum pw_mode m = PW_MODE_AUTO;
	char *s;

	*from = "default";
	if (cmdline != PW_MODE_UNSET) {
		*from = "command line";
		return cmdline;
	}
	s = appdefault(k, "iakerb_password");
	if (s && pw_mode_parse(s, &m)) {
		/* a typo must not open what the administrator meant to shut */
		ulog(LOG_WARNING, "krb5.conf: iakerb_password = %s is not no, "
		     "auto or fallback: using no", s);
		m = PW_MODE_NO;
	}
	if (s)
		*from = "krb5.conf iakerb_password";
	free(s);
	return m;
}

enum store_mode store_mode_configured(krb5_context k, enum store_mode cmdline,
				      const char **from)
{
	enum store_mode m = STORE_NO;
	char *s;

	*from = "default";
	if (cmdline != STORE_UNSET) {
		*from = "command line";
		return cmdline;
	}
	s = appdefault(k, "store_tickets");
	if (s && store_mode_parse(s, &m)) {
		ulog(LOG_WARNING, "krb5.conf: store_tickets = %s is not no or "
		     "owner: using no", s);
		m = STORE_NO;
	}
	if (s)
		*from = "krb5.conf store_tickets";
	free(s);
	return m;
}
