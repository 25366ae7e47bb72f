// SPDX-License-Identifier: GPL-2.0
/*
 * Is a KDC of the realm reachable from this machine?  One AS-REQ for a
 * principal nobody has, through libkrb5's own KDC location and transport
 * (krb5.conf, DNS, UNIX sockets, TCP/UDP, timeouts): any Kerberos answer,
 * PRINCIPAL_UNKNOWN the expected one, means a KDC answered; libkrb5's
 * "cannot reach" codes mean none did (pw_kdc_unreachable(), the rule the
 * upcall uses).  No password is involved and nothing is stored.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"

#define PROBE_NAME	"cifs-upcall-iakerb-check-probe"

/* libkrb5's text for @code, kept until the next call */
static const char *krb_text(krb5_context k, krb5_error_code code)
{
	static char buf[200];
	const char *m = krb5_get_error_message(k, code);

	snprintf(buf, sizeof(buf), "%s", m ? m : "?");
	krb5_free_error_message(k, m);
	return buf;
}

enum check_kdc check_kdc_probe(krb5_context k, const char *realm,
			       const char **detail)
{
	krb5_init_creds_context ic = NULL;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_principal p = NULL;
	krb5_error_code ret;
	enum check_kdc res;

	*detail = "";
	if (!realm || !realm[0])
		return CHECK_KDC_NO_REALM;
	if (!realm_has_kdc(k, realm) && !realm_dns_kdc(k))
		return CHECK_KDC_NONE;
	ret = krb5_build_principal(k, &p, (unsigned int)strlen(realm), realm,
				   PROBE_NAME, (char *)NULL);
	if (!ret)
		ret = krb5_get_init_creds_opt_alloc(k, &opt);
	if (!ret) {
		/* no preauth to do, nothing to ask a prompter */
		krb5_get_init_creds_opt_set_preauth_list(opt, NULL, 0);
		ret = krb5_init_creds_init(k, p, NULL, NULL, 0, opt, &ic);
	}
	if (!ret)
		ret = krb5_init_creds_get(k, ic);
	if (!ret) {
		*detail = "a KDC issued a ticket for the probe principal";
		res = CHECK_KDC_REACHABLE;
	} else if (pw_kdc_unreachable(ret)) {
		*detail = krb_text(k, ret);
		res = ret == KRB5_REALM_UNKNOWN ? CHECK_KDC_NONE :
						  CHECK_KDC_UNREACHABLE;
	} else if (ret > KRB5KDC_ERR_NONE && ret <= KRB5KDC_ERR_NONE + 127) {
		/* a KRB-ERROR: someone speaking Kerberos answered */
		*detail = krb_text(k, ret);
		res = CHECK_KDC_REACHABLE;
	} else {
		*detail = krb_text(k, ret);
		res = CHECK_KDC_UNREACHABLE;
	}
	krb5_init_creds_free(k, ic);
	krb5_get_init_creds_opt_free(k, opt);
	krb5_free_principal(k, p);
	return res;
}
