// SPDX-License-Identifier: GPL-2.0
/*
 * When the kernel should authenticate the session again (reauth=1 in the
 * final leg's description, PROTOCOL.md §5).
 *
 * A server expires a Kerberos session when its service ticket ends.  The
 * kernel can authenticate the session again in place before that, which
 * keeps its files open, but only we know whether doing so would get
 * anything fresher: a kept password gets a new TGT through the server, a
 * TGT that outlives the service ticket gets a later one.  A cached ticket
 * that ends with its TGT gets nothing: no advice, and the session ends
 * when the server says so, as before.
 */
#include <time.h>

#include "initiator.h"
#include "upcall.h"

/*
 * Pure: seconds from now to re-authenticate, or 0.  The margin before the
 * end is a quarter of what is left, at least IAKERB_REAUTH_MIN (a leg's
 * worth of slack for a slow exchange) and at most REAUTH_MARGIN_MAX.
 * @tgt_left < 0: no TGT known.
 */
uint32_t reauth_seconds(int64_t svc_left, int64_t tgt_left, bool password)
{
	int64_t margin, at;

	if (svc_left <= 0)
		return 0;
	margin = svc_left / 4;
	if (margin < IAKERB_REAUTH_MIN)
		margin = IAKERB_REAUTH_MIN;
	if (margin > REAUTH_MARGIN_MAX)
		margin = REAUTH_MARGIN_MAX;
	at = svc_left - margin;
	if (at < IAKERB_REAUTH_MIN)
		return 0;		/* too short-lived to be worth it */
	/* fresher by then: a password, or a TGT that lasts past the ticket */
	if (!password && tgt_left < svc_left + margin)
		return 0;
	return at > IAKERB_REAUTH_MAX ? IAKERB_REAUTH_MAX : (uint32_t)at;
}

/* Seconds the cache's TGT for @client's realm has left, or -1 */
static int64_t tgt_left(krb5_context k, const char *ccname, time_t now)
{
	krb5_principal client = NULL, tgs = NULL;
	krb5_creds want = { 0 }, got = { 0 };
	krb5_ccache cc = NULL;
	int64_t left = -1;

	if (!ccname || krb5_cc_resolve(k, ccname, &cc))
		return -1;
	if (!krb5_cc_get_principal(k, cc, &client) &&
	    !krb5_build_principal_ext(k, &tgs, client->realm.length,
				      client->realm.data, KRB5_TGS_NAME_SIZE,
				      KRB5_TGS_NAME, client->realm.length,
				      client->realm.data, 0)) {
		want.client = client;
		want.server = tgs;
		if (!krb5_cc_retrieve_cred(k, cc, 0, &want, &got)) {
			left = (int64_t)(uint32_t)got.times.endtime - now;
			krb5_free_cred_contents(k, &got);
		}
	}
	krb5_free_principal(k, tgs);
	krb5_free_principal(k, client);
	krb5_cc_close(k, cc);
	return left;
}

uint32_t reauth_advice(struct initiator *in)
{
	OM_uint32 minor, left = 0;
	time_t now = time(NULL);

	if (!in->ctx || gss_context_time(&minor, in->ctx, &left) ||
	    left == GSS_C_INDEFINITE)
		return 0;
	return reauth_seconds(left, in->from_password ? -1 :
			      tgt_left(in->k, in->ccname, now),
			      in->from_password);
}
