// SPDX-License-Identifier: GPL-2.0
/*
 * A server of another realm than the user's TGT: the cross-realm TGT
 * from the user's own KDC, before the IAKerb exchange starts.
 *
 * IAKerb sends every KDC request through the SMB server, to the realm
 * MIT's tkt_creds names.  For alice@A and cifs/<host>@B, tkt_creds first
 * asks A for krbtgt/B@A, which would go through B's server: a server that
 * cannot reach A's KDC (a local KDC answers on its own machine's UNIX
 * socket only) and has no business seeing A's requests.  tkt_creds takes
 * a cached TGT for the service realm before it asks anybody, though.  So
 * when krb5.conf maps the host to a realm B other than the TGT's and this
 * machine reaches A's KDC, krbtgt/B@A is fetched here from A's KDC and
 * stored in the user's cache, as kvno or smbclient would store it: only
 * the TGS-REQ for cifs/<host>@B and the AP-REQ go through the server.
 *
 * Where this machine reaches no KDC of A nothing is fetched, and the
 * exchange goes as before (a member server of a forest may reach A
 * itself).  Where A's KDC answers no (no trust to B, or it ended), the
 * mount fails with that cause: the server could not do better.
 */
#include <string.h>

#include "crossrealm.h"
#include "initiator.h"

/* krb5.conf's realm of @host ([domain_realm], or DNS when enabled) */
static char *host_realm(TALLOC_CTX *mem, krb5_context k, const char *host)
{
	char **realms = NULL, *r = NULL;

	if (krb5_get_host_realm(k, host, &realms))
		return NULL;
	/* no mapping: MIT answers the referral (empty) realm */
	if (realms && realms[0] && realms[0][0])
		r = talloc_strdup(mem, realms[0]);
	krb5_free_host_realm(k, realms);
	return r;
}

static int trust_fail(struct result *res, krb5_context k, krb5_error_code code,
		      const char *from, const char *to)
{
	const char *msg = krb5_get_error_message(k, code);

	fail(res, IAKERB_OUT_NO_TRUST, "no cross-realm TGT krbtgt/%s@%s from "
	     "%s's KDC: %s (no trust from %s to %s, or it has ended)", to,
	     from, from, msg ? msg : "?", from, to);
	krb5_free_error_message(k, msg);
	return -outcome_errno(IAKERB_OUT_NO_TRUST);
}

int xrealm_prepare(struct initiator *in, TALLOC_CTX *mem,
		   const struct cc_choice *cc)
{
	struct result *res = &in->u->res;
	krb5_context k = in->k;
	krb5_ccache ccache = NULL;
	krb5_creds want, *got = NULL;
	const char *how = "cached";
	krb5_error_code code;
	char *host, *realm;
	int ret = 0;

	in->srv_realm = NULL;
	host = spn_host(mem, in->u->r->d.host);
	if (!host)
		return fail_oom(res, "the host name");
	/* the same realm: the referral realm as ever, nothing changes */
	realm = host_realm(in, k, host);
	if (!realm || !cc->realm || !strcmp(realm, cc->realm)) {
		talloc_free(realm);
		return 0;
	}
	in->srv_realm = realm;
	/* a ticket for cifs/<host> is there already: nothing to ask */
	if (cc->state != CC_TGT)
		return 0;

	memset(&want, 0, sizeof(want));
	code = krb5_cc_resolve(k, cc->name, &ccache);
	if (!code)
		code = krb5_cc_get_principal(k, ccache, &want.client);
	if (!code)
		code = krb5_build_principal(k, &want.server,
					    (unsigned int)strlen(cc->realm),
					    cc->realm, "krbtgt", realm, NULL);
	if (code) {
		ret = fail(res, IAKERB_OUT_NO_CREDS, "the TGT's ccache %s: %s",
			   cc->name, error_message(code));
		goto out;
	}
	/* unexpired only (MIT matches the end time against now) */
	code = krb5_get_credentials(k, KRB5_GC_CACHED, ccache, &want, &got);
	if (code) {
		how = "from its KDC";
		code = krb5_get_credentials(k, 0, ccache, &want, &got);
	}
	if (!code) {
		ulog(LOG_INFO, "server realm %s (krb5.conf): cross-realm TGT "
		     "krbtgt/%s@%s %s; only the TGS and AP exchanges go "
		     "through the server", realm, realm, cc->realm, how);
	} else if (krb5_code_outcome(code) == IAKERB_OUT_OWN_KDC_UNREACHABLE) {
		const char *msg = krb5_get_error_message(k, code);

		ulog(LOG_INFO, "server realm %s (krb5.conf): no KDC of %s "
		     "answers this machine (%s): the server is asked for "
		     "krbtgt/%s@%s", realm, cc->realm, msg ? msg : "?",
		     realm, cc->realm);
		krb5_free_error_message(k, msg);
	} else {
		ret = trust_fail(res, k, code, cc->realm, realm);
	}
out:
	krb5_free_creds(k, got);
	krb5_free_principal(k, want.client);
	krb5_free_principal(k, want.server);
	if (ccache)
		krb5_cc_close(k, ccache);
	return ret;
}

int xrealm_reply_failed(struct initiator *in, enum krb_msg_type sent)
{
	struct result *res = &in->u->res;
	char *why;

	/*
	 * The server realm's KDC says S_PRINCIPAL_UNKNOWN both for a
	 * cifs/<host> it does not know and for the krbtgt/SERVER@USER that
	 * encrypts our cross-realm TGT (MIT's kdc_get_server_key()): the
	 * trust's half on the server's side is gone, or the mapping in
	 * krb5.conf names the wrong realm.  Say both; the kernel's line is
	 * the trust's.
	 */
	if (!in->srv_realm || sent != KRB_MSG_TGS_REQ ||
	    res->outcome != IAKERB_OUT_NO_SERVICE)
		return res->outcome;
	res->outcome = IAKERB_OUT_NO_TRUST;
	why = talloc_asprintf(in, "%s's KDC knows neither the trust "
			      "krbtgt/%s@%s nor cifs/%s (no trust from %s to "
			      "%s, or the wrong realm in krb5.conf): %s",
			      in->srv_realm, in->srv_realm, in->cc_realm,
			      in->u->r->d.host, in->cc_realm, in->srv_realm,
			      res->why);
	if (why)
		snprintf(res->why, sizeof(res->why), "%s", why);
	talloc_free(why);
	return res->outcome;
}
