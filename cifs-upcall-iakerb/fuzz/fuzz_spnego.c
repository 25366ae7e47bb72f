// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: SPNEGO blobs as they arrive in SMB2 security buffers.
 *
 * Besides not crashing, whatever parses must rebuild, re-parse to the same
 * fields and rebuild to the same bytes; the mech token goes on through the
 * Kerberos/IAKerb parsers.
 */
#include <stdlib.h>
#include <string.h>

#include "gss_token.h"

static void require(bool cond)
{
	if (!cond)
		abort();
}

static bool blob_same(const struct der_blob *a, const struct der_blob *b)
{
	return der_blob_present(a) == der_blob_present(b) &&
	       der_blob_equal(a, b);
}

static bool init_same(const struct spnego_init *a, const struct spnego_init *b)
{
	size_t i;

	if (a->n_mechs != b->n_mechs || a->has_neg_hints != b->has_neg_hints)
		return false;
	for (i = 0; i < a->n_mechs; i++)
		if (!der_blob_equal(&a->mechs[i], &b->mechs[i]))
			return false;
	return blob_same(&a->mech_types, &b->mech_types) &&
	       blob_same(&a->req_flags, &b->req_flags) &&
	       blob_same(&a->mech_token, &b->mech_token) &&
	       blob_same(&a->hint_name, &b->hint_name) &&
	       blob_same(&a->hint_address, &b->hint_address) &&
	       blob_same(&a->mech_list_mic, &b->mech_list_mic);
}

static bool resp_same(const struct spnego_resp *a, const struct spnego_resp *b)
{
	if (a->has_neg_state != b->has_neg_state ||
	    (a->has_neg_state && a->neg_state != b->neg_state))
		return false;
	return blob_same(&a->supported_mech, &b->supported_mech) &&
	       blob_same(&a->response_token, &b->response_token) &&
	       blob_same(&a->mech_list_mic, &b->mech_list_mic);
}

static bool token_same(const struct spnego_token *a,
		       const struct spnego_token *b)
{
	if (a->kind != b->kind || a->gss_framed != b->gss_framed)
		return false;
	if (a->kind == SPNEGO_NEG_TOKEN_INIT)
		return init_same(&a->init, &b->init);
	return resp_same(&a->resp, &b->resp);
}

static void check_rebuild(const struct spnego_token *tok)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token again;
	uint8_t *first, *second;
	size_t first_len, second_len;

	require(mem != NULL);
	require(spnego_build(mem, tok, &first, &first_len) == 0);
	require(spnego_parse(first, first_len, &again) == 0);
	require(token_same(tok, &again));
	require(spnego_build(mem, &again, &second, &second_len) == 0);
	require(first_len == second_len);
	require(memcmp(first, second, first_len) == 0);
	talloc_free(mem);
}

static void check_mech_token(const struct der_blob *inner)
{
	struct krb_error_info err;
	struct iakerb_proxy proxy;
	struct gtok_krb5 k;
	enum krb_msg_type type;

	if (!der_blob_present(inner) ||
	    gtok_krb5_parse(inner->data, inner->len, &k))
		return;
	if (k.tok_id == GTOK_IAKERB_PROXY) {
		if (iakerb_proxy_parse_body(&k.body, &proxy) == 0 &&
		    proxy.kdc_msg_type == KRB_MSG_ERROR)
			(void)krb_error_parse(&proxy.kdc_msg, &err);
		return;
	}
	if (krb_msg_identify(&k.body, &type) == 0 && type == KRB_MSG_ERROR)
		(void)krb_error_parse(&k.body, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spnego_token tok;
	char str[OID_STR_MAX];
	size_t i;

	if (spnego_parse(data, size, &tok))
		return 0;
	if (tok.kind == SPNEGO_NEG_TOKEN_INIT) {
		for (i = 0; i < tok.init.n_mechs; i++) {
			int n = oid_to_str(&tok.init.mechs[i], str, sizeof(str));

			require(n < 0 || strlen(str) == (size_t)n);
		}
		check_mech_token(&tok.init.mech_token);
	} else {
		check_mech_token(&tok.resp.response_token);
	}
	check_rebuild(&tok);
	return 0;
}
