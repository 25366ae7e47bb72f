/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the helper may do with a mount's password and with what it
 * obtained (policy.c): which realm the password is for, whether a KDC of
 * that realm is asked from this machine first, whether the AS exchange
 * may go through the SMB server (IAKerb), and where tickets may be kept.
 *
 * One decision, pw_decide(), on facts gathered once; the initiator asks
 * it before leg 1, when realm discovery names a realm, and for every
 * AS-REQ before it leaves (initiator.c, iakerb_windows.c).  The reasons
 * are in the README ("Passwords: what goes where").
 */
#ifndef CIFS_UPCALL_IAKERB_POLICY_H
#define CIFS_UPCALL_IAKERB_POLICY_H

#include "gss_glue.h"

/* Where the realm of the password's principal came from, first wins */
enum pw_realm_from {
	PW_REALM_NONE,		/* unknown yet: realm discovery asks */
	PW_REALM_USER,		/* user=alice@REALM */
	PW_REALM_DOMAIN,	/* domain= (the password key's domain) */
	PW_REALM_HOST,		/* krb5.conf [domain_realm] for the host */
	PW_REALM_DEFAULT,	/* krb5.conf [libdefaults] default_realm */
	PW_REALM_SERVER,	/* the server's realm discovery */
	PW_REALM_REMEMBERED,	/* an earlier discovery's, in the ccache */
};

/* This machine's own try of the realm's KDC with the password */
enum pw_kdc {
	PW_KDC_NOT_ASKED,
	PW_KDC_ANSWERED,	/* a KDC answered: a TGT or a KRB-ERROR */
	PW_KDC_UNREACHABLE,	/* none was found, or none answered */
};

struct pw_facts {
	enum pw_mode	mode;		/* configured: no, auto, fallback */
	enum pw_realm_from from;
	bool		conf_kdc;	/* krb5.conf names a KDC for it */
	bool		dns_kdc;	/* libkrb5 may look KDCs up in DNS */
	bool		sec_iakerb;	/* the mount itself said sec=iakerb */
	enum pw_kdc	kdc;
};

enum pw_step {
	PW_ASK_KDC,		/* ask the realm's KDC from here first */
	PW_USE_KDC,		/* a KDC answered: its answer stands */
	PW_VIA_SERVER,		/* the AS exchange may go through the server */
	PW_REFUSE,		/* neither: OWN_KDC_UNREACHABLE, *why says */
};

/* The rule; *why is a static sentence for a log line */
enum pw_step pw_decide(const struct pw_facts *f, const char **why);
const char *pw_realm_from_name(enum pw_realm_from from);

/* ---- the facts, from krb5.conf (the profile of @k) ------------------ */

/* Does krb5.conf's [realms] name a KDC for @realm?  (DNS does not) */
bool realm_has_kdc(krb5_context k, const char *realm);
/* Would libkrb5 look KDCs up in DNS (dns_lookup_kdc, dns_fallback)? */
bool realm_dns_kdc(krb5_context k);
/*
 * The realm krb5.conf maps the server's @host to ([domain_realm], as
 * libkrb5's profile module reads it), else its default_realm: *realm is a
 * child of @mem, or NULL and PW_REALM_NONE.
 */
enum pw_realm_from pw_conf_realm(TALLOC_CTX *mem, krb5_context k,
				 const char *host, char **realm);
/* Did a KDC of the realm answer, judging by libkrb5's code? */
bool pw_kdc_unreachable(krb5_error_code code);

/* The command line if given, else [appdefaults] cifs-upcall-iakerb */
enum pw_mode pw_mode_configured(krb5_context k, enum pw_mode cmdline,
				const char **from);
enum store_mode store_mode_configured(krb5_context k, enum store_mode cmdline,
				      const char **from);

#endif
