// SPDX-License-Identifier: GPL-2.0
/*
 * The codec against real Windows IAKerb tokens (vectors/windows-iakerb,
 * README there): fields, byte-exact rebuilds, truncations, mutations.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const char WIN_REALM[] = "WIN25H2INS";

/* The SPNEGO blob of vector @id, and its mech token / response token. */
static void parse_vector(enum vector_id id, struct spnego_token *tok,
			 struct der_blob *mech_token)
{
	assert_int_equal(spnego_parse(vectors[id].data, vectors[id].len, tok),
			 0);
	*mech_token = tok->kind == SPNEGO_NEG_TOKEN_INIT ?
		      tok->init.mech_token : tok->resp.response_token;
	assert_non_null(mech_token->data);
}

static void parse_vector_proxy(enum vector_id id, struct iakerb_proxy *p)
{
	struct spnego_token tok;
	struct der_blob inner;

	parse_vector(id, &tok, &inner);
	assert_int_equal(iakerb_proxy_parse(inner.data, inner.len, p), 0);
}

static void vector_00_negtokeninit_fields(void **state)
{
	static const char *const dotted[] = {
		"1.3.6.1.5.2.5",		/* IAKerb */
		"1.3.6.1.4.1.311.2.2.30",	/* NEGOEX */
		"1.3.6.1.4.1.311.2.2.10",	/* NTLMSSP */
		"1.3.6.1.4.1.311.2.2.40",
	};
	struct spnego_token tok;
	struct der_blob inner;
	char str[OID_STR_MAX];
	size_t i;

	(void)state;
	parse_vector(VEC_CLIENT_INIT, &tok, &inner);
	assert_int_equal(tok.kind, SPNEGO_NEG_TOKEN_INIT);
	assert_true(tok.gss_framed);
	assert_int_equal(tok.init.n_mechs, 4);
	for (i = 0; i < 4; i++) {
		assert_true(oid_to_str(&tok.init.mechs[i], str, sizeof(str)) > 0);
		assert_string_equal(str, dotted[i]);
	}
	assert_true(oid_equal(&tok.init.mechs[0], &oid_iakerb));
	assert_true(oid_equal(&tok.init.mechs[1], &oid_negoex));
	assert_true(oid_equal(&tok.init.mechs[2], &oid_ntlmssp));
	assert_null(oid_name(&tok.init.mechs[3]));

	/* The MIC covers the MechTypeList as sent: 30 2c + 44 octets. */
	assert_int_equal(tok.init.mech_types.len, 46);
	assert_int_equal(tok.init.mech_types.data[0], 0x30);
	assert_int_equal(tok.init.mech_types.data[1], 0x2c);
	assert_ptr_equal(tok.init.mech_types.data, vectors[VEC_CLIENT_INIT].data + 22);

	assert_null(tok.init.req_flags.data);
	assert_null(tok.init.mech_list_mic.data);
	assert_false(tok.init.has_neg_hints);
	assert_int_equal(inner.len, 257);
}

static void vector_00_iakerb_as_req(void **state)
{
	struct spnego_token tok;
	struct der_blob inner;
	struct gtok_krb5 k;
	struct iakerb_proxy p;
	uint32_t flags = 1;

	(void)state;
	parse_vector(VEC_CLIENT_INIT, &tok, &inner);
	assert_int_equal(gtok_krb5_parse(inner.data, inner.len, &k), 0);
	assert_true(oid_equal(&k.mech, &oid_iakerb));
	assert_int_equal(k.tok_id, GTOK_IAKERB_PROXY);

	assert_int_equal(iakerb_proxy_parse(inner.data, inner.len, &p), 0);
	assert_blob_str(p.header.target_realm, WIN_REALM);
	assert_null(p.header.cookie.data);
	assert_blob_equal(p.header.header_flags, "\0\0\0\0\0", 5);
	assert_int_equal(iakerb_header_flags_value(&p.header, &flags), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(iakerb_header_dialect(&p.header), IAKERB_DIALECT_WINDOWS);
	assert_false(iakerb_realm_is_dot(&p.header));
	assert_int_equal(p.kdc_msg_type, KRB_MSG_AS_REQ);
	assert_int_equal(p.kdc_msg.len, 219);
	assert_int_equal(p.kdc_msg.data[0], 0x6a);
	/* The KDC message runs to the end of the token. */
	assert_ptr_equal(p.kdc_msg.data + p.kdc_msg.len, inner.data + inner.len);
}

static void vector_01_krb_error_preauth_required(void **state)
{
	struct spnego_token tok;
	struct der_blob inner;
	struct iakerb_proxy p;
	struct krb_error_info err;
	uint32_t flags = 0;

	(void)state;
	parse_vector(VEC_KRB_ERROR, &tok, &inner);
	assert_int_equal(tok.kind, SPNEGO_NEG_TOKEN_RESP);
	assert_false(tok.gss_framed);
	assert_true(tok.resp.has_neg_state);
	assert_int_equal(tok.resp.neg_state, SPNEGO_ACCEPT_INCOMPLETE);
	assert_true(oid_equal(&tok.resp.supported_mech, &oid_iakerb));
	assert_null(tok.resp.mech_list_mic.data);

	assert_int_equal(iakerb_proxy_parse(inner.data, inner.len, &p), 0);
	assert_true(iakerb_realm_is_dot(&p.header));
	assert_null(p.header.cookie.data);
	assert_int_equal(iakerb_header_flags_value(&p.header, &flags), 0);
	assert_int_equal(flags, 0x01000000);
	assert_int_equal(iakerb_header_dialect(&p.header), IAKERB_DIALECT_WINDOWS);
	assert_int_equal(p.kdc_msg_type, KRB_MSG_ERROR);

	assert_int_equal(krb_error_parse(&p.kdc_msg, &err), 0);
	assert_int_equal(err.error_code, KRB_ERR_PREAUTH_REQUIRED);
	assert_blob_str(err.realm, WIN_REALM);
	assert_null(err.e_text.data);
	assert_non_null(err.e_data.data);
	assert_int_equal(err.e_data.len, 178);
}

static void check_kdc_reply(enum vector_id id, enum krb_msg_type type)
{
	struct spnego_token tok;
	struct der_blob inner;
	struct iakerb_proxy p;
	struct krb_error_info err;

	parse_vector(id, &tok, &inner);
	assert_int_equal(tok.kind, SPNEGO_NEG_TOKEN_RESP);
	assert_int_equal(tok.resp.neg_state, SPNEGO_ACCEPT_INCOMPLETE);
	assert_null(tok.resp.supported_mech.data);
	assert_null(tok.resp.mech_list_mic.data);

	parse_vector_proxy(id, &p);
	assert_true(iakerb_realm_is_dot(&p.header));
	assert_int_equal(p.kdc_msg_type, type);
	assert_string_equal(krb_msg_type_name(p.kdc_msg_type),
			    type == KRB_MSG_AS_REP ? "AS-REP" : "TGS-REP");
	assert_int_equal(krb_error_parse(&p.kdc_msg, &err), -EPROTO);
}

static void vector_02_as_rep(void **state)
{
	(void)state;
	check_kdc_reply(VEC_AS_REP, KRB_MSG_AS_REP);
}

static void vector_03_tgs_rep(void **state)
{
	(void)state;
	check_kdc_reply(VEC_TGS_REP, KRB_MSG_TGS_REP);
}

static void vector_04_ap_rep_and_mechlistmic(void **state)
{
	struct spnego_token tok;
	struct der_blob inner;
	struct gtok_krb5 k;
	struct iakerb_proxy p;
	enum krb_msg_type type;

	(void)state;
	parse_vector(VEC_AP_REP_MIC, &tok, &inner);
	assert_int_equal(tok.kind, SPNEGO_NEG_TOKEN_RESP);
	/*
	 * The README calls this accept-completed, but the octet sent is
	 * 01: accept-incomplete.  Callers must not insist on 0 here.
	 */
	assert_true(tok.resp.has_neg_state);
	assert_int_equal(tok.resp.neg_state, SPNEGO_ACCEPT_INCOMPLETE);
	assert_null(tok.resp.supported_mech.data);

	/* An IAKerb exchange ends in krb5 framing. */
	assert_int_equal(gtok_krb5_parse(inner.data, inner.len, &k), 0);
	assert_true(oid_equal(&k.mech, &oid_krb5));
	assert_int_equal(k.tok_id, GTOK_KRB5_AP_REP);
	assert_int_equal(krb_msg_identify(&k.body, &type), 0);
	assert_int_equal(type, KRB_MSG_AP_REP);
	assert_int_equal(iakerb_proxy_parse(inner.data, inner.len, &p), -EPROTO);

	/* mechListMIC: an RFC 4121 MIC token (TOK_ID 04 04), 28 octets. */
	assert_int_equal(tok.resp.mech_list_mic.len, 28);
	assert_int_equal(tok.resp.mech_list_mic.data[0], 0x04);
	assert_int_equal(tok.resp.mech_list_mic.data[1], 0x04);
}

static void assert_rebuilt(const uint8_t *out, size_t out_len,
			   const uint8_t *orig, size_t orig_len)
{
	assert_int_equal(out_len, orig_len);
	assert_memory_equal(out, orig, orig_len);
}

/* Windows encodes minimal DER: rebuilding from the fields is byte-exact. */
static void vectors_rebuild_byte_exact(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token tok;
	struct der_blob inner;
	struct iakerb_proxy p;
	struct gtok_krb5 k;
	uint8_t *out;
	size_t len, i;

	(void)state;
	for (i = 0; i < VEC_COUNT; i++) {
		parse_vector(i, &tok, &inner);
		assert_int_equal(spnego_build(mem, &tok, &out, &len), 0);
		assert_rebuilt(out, len, vectors[i].data, vectors[i].len);

		assert_int_equal(gtok_krb5_parse(inner.data, inner.len, &k), 0);
		assert_int_equal(gtok_krb5_build(mem, &k, &out, &len), 0);
		assert_rebuilt(out, len, inner.data, inner.len);

		if (k.tok_id != GTOK_IAKERB_PROXY)
			continue;
		assert_int_equal(iakerb_proxy_parse(inner.data, inner.len, &p), 0);
		assert_int_equal(iakerb_proxy_build(mem, &p, &out, &len), 0);
		assert_rebuilt(out, len, inner.data, inner.len);
	}

	/* The MechTypeList builder gives what the client sent. */
	parse_vector(VEC_CLIENT_INIT, &tok, &inner);
	assert_int_equal(spnego_mech_list_build(mem, tok.init.mechs,
						tok.init.n_mechs, &out, &len), 0);
	assert_rebuilt(out, len, tok.init.mech_types.data,
		       tok.init.mech_types.len);
	talloc_free(mem);
}

/* Parse every prefix as a buffer of exactly that size. */
static void vectors_every_truncation_rejected(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token tok;
	struct der_blob inner;
	struct iakerb_proxy p;
	struct krb_error_info err;
	struct gtok_krb5 k;
	enum krb_msg_type type;
	size_t i, n;

	(void)state;
	for (i = 0; i < VEC_COUNT; i++) {
		parse_vector(i, &tok, &inner);
		for (n = 0; n < vectors[i].len; n++) {
			uint8_t *cut = exact_copy(mem, vectors[i].data, n);

			assert_true(spnego_parse(cut, n, &tok) < 0);
			talloc_free(cut);
		}
		for (n = 0; n < inner.len; n++) {
			uint8_t *cut = exact_copy(mem, inner.data, n);
			struct der_blob b = { cut, n };

			assert_true(gtok_krb5_parse(cut, n, &k) < 0);
			assert_true(iakerb_proxy_parse(cut, n, &p) < 0);
			assert_true(krb_msg_identify(&b, &type) < 0);
			talloc_free(cut);
		}
	}

	/* The KRB-ERROR of vector 01 on its own. */
	parse_vector_proxy(VEC_KRB_ERROR, &p);
	for (n = 0; n < p.kdc_msg.len; n++) {
		uint8_t *cut = exact_copy(mem, p.kdc_msg.data, n);
		struct der_blob b = { cut, n };

		assert_true(krb_error_parse(&b, &err) < 0);
		talloc_free(cut);
	}
	talloc_free(mem);
}

static void vectors_trailing_byte_rejected(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token tok;
	struct der_blob inner;
	struct iakerb_proxy p;
	size_t i;

	(void)state;
	for (i = 0; i < VEC_COUNT; i++) {
		uint8_t *longer = talloc_size(mem, vectors[i].len + 1);

		memcpy(longer, vectors[i].data, vectors[i].len);
		longer[vectors[i].len] = 0;
		assert_int_equal(spnego_parse(longer, vectors[i].len + 1, &tok),
				 -EBADMSG);

		parse_vector(i, &tok, &inner);
		longer = talloc_size(mem, inner.len + 1);
		memcpy(longer, inner.data, inner.len);
		longer[inner.len] = 0;
		assert_true(iakerb_proxy_parse(longer, inner.len + 1, &p) < 0);
	}
	talloc_free(mem);
}

/* Whatever a parser says of a damaged token, it must not misbehave. */
static void parse_everything(const uint8_t *buf, size_t len)
{
	struct spnego_token tok;
	struct iakerb_proxy p;
	struct krb_error_info err;
	struct gtok_krb5 k;
	char str[OID_STR_MAX];
	size_t i;

	if (spnego_parse(buf, len, &tok) == 0) {
		struct der_blob inner = tok.kind == SPNEGO_NEG_TOKEN_INIT ?
			tok.init.mech_token : tok.resp.response_token;

		for (i = 0; i < tok.init.n_mechs; i++)
			assert_true(oid_to_str(&tok.init.mechs[i], str,
					       sizeof(str)) > 0);
		if (inner.data && gtok_krb5_parse(inner.data, inner.len, &k) == 0)
			(void)krb_error_parse(&k.body, &err);
		if (inner.data &&
		    iakerb_proxy_parse(inner.data, inner.len, &p) == 0 &&
		    p.kdc_msg_type == KRB_MSG_ERROR)
			(void)krb_error_parse(&p.kdc_msg, &err);
	}
}

static void vectors_byte_mutations_do_not_crash(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t i, pos, m;

	(void)state;
	for (i = 0; i < VEC_COUNT; i++) {
		uint8_t *buf = exact_copy(mem, vectors[i].data, vectors[i].len);

		for (pos = 0; pos < vectors[i].len; pos++) {
			const uint8_t orig = buf[pos];
			const uint8_t values[] = {
				0x00, 0xff, 0x80, 0x84, orig ^ 0x01, orig ^ 0x80
			};

			for (m = 0; m < sizeof(values); m++) {
				buf[pos] = values[m];
				parse_everything(buf, vectors[i].len);
			}
			buf[pos] = orig;
		}
	}
	talloc_free(mem);
}

/* A length octet one too large or small must be noticed, not trusted. */
static void vectors_outer_length_off_by_one_rejected(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token tok;
	size_t i, last;
	int delta;

	(void)state;
	for (i = 0; i < VEC_COUNT; i++) {
		uint8_t *buf = exact_copy(mem, vectors[i].data, vectors[i].len);

		/* The last length octet of the outermost element. */
		last = (buf[1] & 0x80) ? 1 + (buf[1] & 0x7f) : 1;
		for (delta = -1; delta <= 1; delta += 2) {
			buf[last] = (uint8_t)(vectors[i].data[last] + delta);
			assert_int_equal(spnego_parse(buf, vectors[i].len, &tok),
					 -EBADMSG);
		}
	}
	talloc_free(mem);
}

const struct CMUnitTest vector_tests[] = {
	cmocka_unit_test(vector_00_negtokeninit_fields),
	cmocka_unit_test(vector_00_iakerb_as_req),
	cmocka_unit_test(vector_01_krb_error_preauth_required),
	cmocka_unit_test(vector_02_as_rep),
	cmocka_unit_test(vector_03_tgs_rep),
	cmocka_unit_test(vector_04_ap_rep_and_mechlistmic),
	cmocka_unit_test(vectors_rebuild_byte_exact),
	cmocka_unit_test(vectors_every_truncation_rejected),
	cmocka_unit_test(vectors_trailing_byte_rejected),
	cmocka_unit_test(vectors_byte_mutations_do_not_crash),
	cmocka_unit_test(vectors_outer_length_off_by_one_rejected),
};
const size_t n_vector_tests = sizeof(vector_tests) / sizeof(vector_tests[0]);
