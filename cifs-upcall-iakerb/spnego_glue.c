// SPDX-License-Identifier: GPL-2.0
/*
 * Our SPNEGO framing around MIT's IAKerb mechanism (MIT's own SPNEGO
 * never offers IAKerb: FACTS.md).  Only what an initiator needs:
 *
 *   leg 1:   InitialContextToken(SPNEGO, negTokenInit{mechTypes, mechToken})
 *   later:   negTokenResp{responseToken} or negTokenResp{mechListMIC}
 *   server:  negTokenResp{negState, supportedMech, responseToken,
 *            mechListMIC}; an empty buffer is a reply with nothing in it
 *
 * The MechTypeList bytes we send are kept: both mechListMICs cover them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "initiator.h"

int spnego_wrap_first(TALLOC_CTX *mem, const struct der_blob *mechs,
		      size_t n_mechs, const void *tok, size_t tok_len,
		      uint8_t **out, size_t *out_len, uint8_t **mech_list,
		      size_t *mech_list_len)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_INIT,
				  .gss_framed = true };
	int ret;

	if (n_mechs < 1 || n_mechs > SPNEGO_MAX_MECHS)
		return -EINVAL;
	t.init.n_mechs = n_mechs;
	memcpy(t.init.mechs, mechs, n_mechs * sizeof(*mechs));
	t.init.mech_token = (struct der_blob){ tok, tok_len };
	ret = spnego_mech_list_build(mem, t.init.mechs, t.init.n_mechs,
				     mech_list, mech_list_len);
	if (ret)
		return ret;
	return spnego_build(mem, &t, out, out_len);
}

int spnego_wrap_next(TALLOC_CTX *mem, const void *tok, size_t tok_len,
		     const void *mic, size_t mic_len, uint8_t **out,
		     size_t *out_len)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_RESP };

	if (tok_len)
		t.resp.response_token = (struct der_blob){ tok, tok_len };
	if (mic_len)
		t.resp.mech_list_mic = (struct der_blob){ mic, mic_len };
	return spnego_build(mem, &t, out, out_len);
}

int spnego_unwrap_reply(const uint8_t *buf, size_t len,
			struct server_reply *out)
{
	struct spnego_token t;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	ret = spnego_parse(buf, len, &t);
	if (ret)
		return ret;
	if (t.kind != SPNEGO_NEG_TOKEN_RESP)
		return -EPROTO;
	out->has_state = t.resp.has_neg_state;
	out->state = t.resp.neg_state;
	out->reject = t.resp.has_neg_state &&
		      t.resp.neg_state == SPNEGO_REJECT;
	out->supported_mech = t.resp.supported_mech;
	out->token = t.resp.response_token;
	out->mic = t.resp.mech_list_mic;
	return 0;
}

void describe_token(const struct der_blob *tok, char *buf, size_t cap)
{
	struct gtok_krb5 g;
	struct iakerb_proxy p;
	struct krb_error_info e;
	const char *name;

	snprintf(buf, cap, "none");
	if (!der_blob_present(tok) || !tok->len)
		return;
	if (gtok_krb5_parse(tok->data, tok->len, &g)) {
		snprintf(buf, cap, "unknown token");
		return;
	}
	switch (g.tok_id) {
	case GTOK_IAKERB_PROXY:
		if (iakerb_proxy_parse_body(&g.body, &p)) {
			snprintf(buf, cap, "bad IAKerb token");
			return;
		}
		if (p.kdc_msg_type == KRB_MSG_NONE) {
			snprintf(buf, cap, "realm discovery%s%.*s",
				 p.header.target_realm.len ? " " : "",
				 (int)p.header.target_realm.len,
				 (const char *)p.header.target_realm.data);
			return;
		}
		name = krb_msg_type_name(p.kdc_msg_type);
		if (p.kdc_msg_type == KRB_MSG_ERROR &&
		    !krb_error_parse(&p.kdc_msg, &e))
			snprintf(buf, cap, "%s %d", name, (int)e.error_code);
		else
			snprintf(buf, cap, "%s", name ? name : "?");
		return;
	case GTOK_KRB5_AP_REQ:
		/* MIT's IAKerb final (FINISHED) vs the krb5 mech's */
		snprintf(buf, cap, "%s", oid_equal(&g.mech, &oid_iakerb) ?
			 "AP-REQ (IAKerb)" : "AP-REQ");
		return;
	case GTOK_KRB5_AP_REP:
		snprintf(buf, cap, "AP-REP");
		return;
	case GTOK_KRB5_ERROR:
		snprintf(buf, cap, "KRB-ERROR (GSS)");
		return;
	}
	snprintf(buf, cap, "token %04x", g.tok_id);
}
