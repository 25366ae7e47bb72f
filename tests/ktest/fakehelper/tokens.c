// SPDX-License-Identifier: GPL-2.0
/*
 * Security blobs for the fake answers, built with the helper's own codec
 * (cifs-upcall-iakerb: spnego.c, iakerb_token.c, gss_token.c), so that
 * what the kernel relays is what a real client would send.
 */
#include "fakehelper.h"
#include "gss_token.h"

/*
 * The first token of MIT's IAKerb initiator when it does not know the
 * realm: an IAKerb proxy token with an empty target-realm and no KDC
 * message.  smbsrv in mit mode answers it with MORE_PROCESSING and its
 * realm.
 */
int tok_discovery(TALLOC_CTX *mem, bool first, uint8_t **out, size_t *len)
{
	struct iakerb_proxy ip = { 0 };
	struct spnego_token t = { 0 };
	uint8_t *tok;
	size_t tlen;
	int ret;

	ip.header.target_realm = (struct der_blob){ (const uint8_t *)"", 0 };
	ret = iakerb_proxy_build(mem, &ip, &tok, &tlen);
	if (ret)
		return ret;
	if (first) {
		t.kind = SPNEGO_NEG_TOKEN_INIT;
		t.gss_framed = true;
		t.init.n_mechs = 1;
		t.init.mechs[0] = oid_iakerb;
		t.init.mech_token = (struct der_blob){ tok, tlen };
	} else {
		t.kind = SPNEGO_NEG_TOKEN_RESP;
		t.resp.response_token = (struct der_blob){ tok, tlen };
	}
	return spnego_build(mem, &t, out, len);
}

/*
 * What a one-leg krb5 helper sends, in shape: a negTokenInit offering
 * krb5 with a krb5 token.  The AP-REQ inside is an empty [APPLICATION 14]
 * SEQUENCE: DER, but no server accepts it.
 */
int tok_krb5_init(TALLOC_CTX *mem, uint8_t **out, size_t *len)
{
	static const uint8_t ap_req[] = { 0x6e, 0x02, 0x30, 0x00 };
	struct gtok_krb5 k = {
		.mech = oid_krb5,
		.tok_id = GTOK_KRB5_AP_REQ,
		.body = DER_BLOB_ARRAY(ap_req),
	};
	struct spnego_token t = {
		.kind = SPNEGO_NEG_TOKEN_INIT,
		.gss_framed = true,
	};
	uint8_t *tok;
	size_t tlen;
	int ret;

	ret = gtok_krb5_build(mem, &k, &tok, &tlen);
	if (ret)
		return ret;
	t.init.n_mechs = 1;
	t.init.mechs[0] = oid_krb5;
	t.init.mech_token = (struct der_blob){ tok, tlen };
	return spnego_build(mem, &t, out, len);
}
