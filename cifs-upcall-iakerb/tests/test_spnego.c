// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: GSS InitialContextToken framing and SPNEGO.
 *
 * Expected encodings are written out by hand from the ASN.1, not produced
 * by the code under test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* ---- GSS framing ------------------------------------------------------ */

static void gtok_initial_roundtrip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gtok_initial in = { oid_krb5, blob_str("abc") }, out;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(gtok_initial_build(mem, &in, &buf, &len), 0);
	assert_bytes_hex(buf, len,
			 "60 0e 06 09 2a 86 48 86 f7 12 01 02 02 61 62 63");
	assert_int_equal(gtok_initial_parse(buf, len, &out), 0);
	assert_true(oid_equal(&out.mech, &oid_krb5));
	assert_blob_str(out.inner, "abc");

	/* Empty inner token. */
	in.inner.len = 0;
	assert_int_equal(gtok_initial_build(mem, &in, &buf, &len), 0);
	assert_int_equal(gtok_initial_parse(buf, len, &out), 0);
	assert_int_equal(out.inner.len, 0);
	talloc_free(mem);
}

static void gtok_krb5_roundtrip_and_rejects(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gtok_krb5 in = { oid_krb5, GTOK_KRB5_AP_REQ, { NULL, 0 } }, out;
	struct gtok_initial frame = { oid_ntlmssp, blob_str("01") };
	uint8_t buf[64], *p;
	size_t len;

	(void)state;
	p = HEX(mem, "6e 02 30 00", &in.body.len);
	in.body.data = p;
	assert_int_equal(gtok_krb5_encode(&in, NULL, 0, &len), 0);
	assert_int_equal(len, 19);
	assert_int_equal(gtok_krb5_encode(&in, buf, 18, &len), -ENOSPC);
	assert_int_equal(gtok_krb5_encode(&in, buf, sizeof(buf), &len), 0);
	assert_bytes_hex(buf, len,
			 "60 11 06 09 2a 86 48 86 f7 12 01 02 02 01 00 6e 02 30 00");
	assert_int_equal(gtok_krb5_parse(buf, len, &out), 0);
	assert_int_equal(out.tok_id, GTOK_KRB5_AP_REQ);
	assert_blob_equal(out.body, p, 4);

	/* Not a Kerberos mechanism. */
	assert_int_equal(gtok_initial_build(mem, &frame, &p, &len), 0);
	assert_int_equal(gtok_krb5_parse(p, len, &out), -EPROTO);
	in.mech = oid_ntlmssp;
	assert_int_equal(gtok_krb5_build(mem, &in, &p, &len), -EINVAL);

	/* Too short for a TOK_ID; OID not minimal; not a frame. */
	frame.mech = oid_iakerb;
	frame.inner.len = 1;
	assert_int_equal(gtok_initial_build(mem, &frame, &p, &len), 0);
	assert_int_equal(gtok_krb5_parse(p, len, &out), -EBADMSG);
	p = HEX(mem, "60 0b 06 07 2b 80 06 01 05 02 05 05 01", &len);
	assert_int_equal(gtok_krb5_parse(p, len, &out), -EBADMSG);
	p = HEX(mem, "30 0a 06 06 2b 06 01 05 02 05 05 01", &len);
	assert_int_equal(gtok_krb5_parse(p, len, &out), -EBADMSG);
	talloc_free(mem);
}

/* ---- SPNEGO ----------------------------------------------------------- */

static void spnego_init_build_parse_roundtrip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token in = { .kind = SPNEGO_NEG_TOKEN_INIT,
				   .gss_framed = true }, out;
	uint8_t flags[] = { 0x07, 0x80 };
	uint8_t *buf, *list;
	size_t len, list_len;

	(void)state;
	in.init.n_mechs = 2;
	in.init.mechs[0] = oid_iakerb;
	in.init.mechs[1] = oid_krb5;
	in.init.req_flags = DER_BLOB_ARRAY(flags);
	in.init.mech_token = blob_str("token");
	in.init.mech_list_mic = blob_str("mic");
	assert_int_equal(spnego_build(mem, &in, &buf, &len), 0);
	assert_int_equal(spnego_parse(buf, len, &out), 0);

	assert_int_equal(out.kind, SPNEGO_NEG_TOKEN_INIT);
	assert_true(out.gss_framed);
	assert_int_equal(out.init.n_mechs, 2);
	assert_true(oid_equal(&out.init.mechs[0], &oid_iakerb));
	assert_true(oid_equal(&out.init.mechs[1], &oid_krb5));
	assert_blob_equal(out.init.req_flags, flags, 2);
	assert_blob_str(out.init.mech_token, "token");
	assert_blob_str(out.init.mech_list_mic, "mic");
	assert_false(out.init.has_neg_hints);

	assert_int_equal(spnego_mech_list_build(mem, in.init.mechs, 2, &list,
						&list_len), 0);
	assert_bytes_hex(list, list_len,
			 "30 13 06 06 2b 06 01 05 02 05"
			 " 06 09 2a 86 48 86 f7 12 01 02 02");
	assert_blob_equal(out.init.mech_types, list, list_len);

	/* Bare, nothing but the list. */
	in.gss_framed = false;
	in.init.req_flags.data = NULL;
	in.init.mech_token.data = NULL;
	in.init.mech_list_mic.data = NULL;
	assert_int_equal(spnego_build(mem, &in, &buf, &len), 0);
	assert_bytes_hex(buf, len,
			 "a0 19 30 17 a0 15 30 13 06 06 2b 06 01 05 02 05"
			 " 06 09 2a 86 48 86 f7 12 01 02 02");
	assert_int_equal(spnego_parse(buf, len, &out), 0);
	assert_false(out.gss_framed);
	assert_null(out.init.mech_token.data);
	talloc_free(mem);
}

/* What an acceptor puts in the SMB2 NEGOTIATE response. */
static void spnego_init2_hints_exact_bytes(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token in = { .kind = SPNEGO_NEG_TOKEN_INIT,
				   .gss_framed = true }, out;
	uint8_t *buf;
	size_t len;

	(void)state;
	in.init.n_mechs = 2;
	in.init.mechs[0] = oid_iakerb;
	in.init.mechs[1] = oid_krb5;
	in.init.has_neg_hints = true;
	in.init.hint_name = blob_str(SPNEGO_HINT_NAME_IGNORE);
	assert_int_equal(spnego_build(mem, &in, &buf, &len), 0);
	assert_bytes_hex(buf, len,
		"60 4f 06 06 2b 06 01 05 05 02 a0 45 30 43"
		" a0 15 30 13 06 06 2b 06 01 05 02 05 06 09 2a 86 48 86 f7 12 01 02 02"
		" a3 2a 30 28 a0 26 1b 24"
		" 6e 6f 74 5f 64 65 66 69 6e 65 64 5f 69 6e 5f 52 46 43 34 31 37 38"
		" 40 70 6c 65 61 73 65 5f 69 67 6e 6f 72 65");
	assert_int_equal(spnego_parse(buf, len, &out), 0);
	assert_true(out.init.has_neg_hints);
	assert_blob_str(out.init.hint_name, SPNEGO_HINT_NAME_IGNORE);
	assert_null(out.init.hint_address.data);
	assert_null(out.init.mech_list_mic.data);
	talloc_free(mem);
}

static void spnego_init2_mic_follows_hints(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token in = { .kind = SPNEGO_NEG_TOKEN_INIT }, out;
	uint8_t *buf;
	size_t len;

	(void)state;
	in.init.has_neg_hints = true;
	in.init.hint_address = blob_str("addr");
	in.init.mech_list_mic = blob_str("mic");
	assert_int_equal(spnego_build(mem, &in, &buf, &len), 0);
	/* No mechTypes; [3] { [1] addr }, then the MIC in [4]. */
	assert_bytes_hex(buf, len,
			 "a0 15 30 13 a3 0a 30 08 a1 06 04 04 61 64 64 72"
			 " a4 05 04 03 6d 69 63");
	assert_int_equal(spnego_parse(buf, len, &out), 0);
	assert_int_equal(out.init.n_mechs, 0);
	assert_null(out.init.mech_types.data);
	assert_true(out.init.has_neg_hints);
	assert_null(out.init.hint_name.data);
	assert_blob_str(out.init.hint_address, "addr");
	assert_blob_str(out.init.mech_list_mic, "mic");
	talloc_free(mem);
}

static void spnego_rfc4178_mic_then_unknown_field(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token out;
	size_t len;
	uint8_t *buf = HEX(mem, "a0 19 30 17 a0 0a 30 08 06 06 2b 06 01 05 02 05"
			   " a3 04 04 02 6d 69 a4 03 04 01 78", &len);

	(void)state;
	assert_int_equal(spnego_parse(buf, len, &out), 0);
	assert_false(out.init.has_neg_hints);
	assert_blob_str(out.init.mech_list_mic, "mi");
	talloc_free(mem);
}

static void spnego_resp_build_parse_roundtrip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token in = { .kind = SPNEGO_NEG_TOKEN_RESP }, out;
	uint8_t buf[128];
	uint8_t *p;
	size_t len;

	(void)state;
	in.resp.has_neg_state = true;
	in.resp.neg_state = SPNEGO_ACCEPT_COMPLETED;
	assert_int_equal(spnego_encode(&in, buf, sizeof(buf), &len), 0);
	assert_bytes_hex(buf, len, "a1 07 30 05 a0 03 0a 01 00");

	in.resp.neg_state = SPNEGO_REQUEST_MIC;
	in.resp.supported_mech = oid_iakerb;
	in.resp.response_token = blob_str("resp");
	in.resp.mech_list_mic = blob_str("");
	assert_int_equal(spnego_build(mem, &in, &p, &len), 0);
	assert_bytes_hex(p, len,
			 "a1 1d 30 1b a0 03 0a 01 03 a1 08 06 06 2b 06 01 05 02 05"
			 " a2 06 04 04 72 65 73 70 a3 02 04 00");
	assert_int_equal(spnego_parse(p, len, &out), 0);
	assert_int_equal(out.kind, SPNEGO_NEG_TOKEN_RESP);
	assert_false(out.gss_framed);
	assert_true(out.resp.has_neg_state);
	assert_int_equal(out.resp.neg_state, SPNEGO_REQUEST_MIC);
	assert_true(oid_equal(&out.resp.supported_mech, &oid_iakerb));
	assert_blob_str(out.resp.response_token, "resp");
	/* Present but empty stays distinguishable from absent. */
	assert_non_null(out.resp.mech_list_mic.data);
	assert_int_equal(out.resp.mech_list_mic.len, 0);

	/* No negState at all. */
	in.resp.has_neg_state = false;
	assert_int_equal(spnego_build(mem, &in, &p, &len), 0);
	assert_int_equal(spnego_parse(p, len, &out), 0);
	assert_false(out.resp.has_neg_state);
	assert_string_equal(spnego_neg_state_name(SPNEGO_REJECT), "reject");
	talloc_free(mem);
}

static void spnego_skips_unknown_fields(void **state)
{
	(void)state;
	assert_int_equal(spnego_parse_hex("a1 0e 30 0c a0 03 0a 01 02"
					  " a9 05 30 03 02 01 07"), 0);
	assert_int_equal(spnego_parse_hex("a0 14 30 12 a0 0a 30 08"
					  " 06 06 2b 06 01 05 02 05"
					  " be 04 ff ff ff ff"), 0);
	/* Unknown NegHints fields too. */
	assert_int_equal(spnego_parse_hex("a0 08 30 06 a3 04 30 02 a5 00"), 0);
}

static void spnego_rejects_malformed(void **state)
{
	static const struct {
		const char *hex;
		int ret;
	} cases[] = {
		/* fields out of order, repeated, doubled inside a field */
		{ "a1 0b 30 09 a2 02 04 00 a0 03 0a 01 00", -EBADMSG },
		{ "a1 0c 30 0a a0 03 0a 01 00 a0 03 0a 01 00", -EBADMSG },
		{ "a1 0a 30 08 a0 06 0a 01 00 0a 01 00", -EBADMSG },
		/* negState out of range, of the wrong type, too long */
		{ "a1 07 30 05 a0 03 0a 01 04", -EBADMSG },
		{ "a1 07 30 05 a0 03 0a 01 ff", -EBADMSG },
		{ "a1 07 30 05 a0 03 02 01 00", -EBADMSG },
		{ "a1 08 30 06 a0 04 0a 02 00 01", -EBADMSG },
		/* unknown choice, not a SEQUENCE, bytes after the SEQUENCE */
		{ "a2 02 30 00", -EBADMSG },
		{ "a1 02 31 00", -EBADMSG },
		{ "a1 04 30 00 00 00", -EBADMSG },
		{ "30 00", -EBADMSG },
		{ "", -EBADMSG },
		/* empty or non-OID mech list, field with nothing inside */
		{ "a0 06 30 04 a0 02 30 00", -EBADMSG },
		{ "a0 08 30 06 a0 04 30 02 04 00", -EBADMSG },
		{ "a0 04 30 02 a0 00", -EBADMSG },
		{ "a0 0a 30 08 a0 06 30 04 06 02 2b 80", -EBADMSG },
		/* wrong types for mechToken, reqFlags, [3], supportedMech */
		{ "a0 06 30 04 a2 02 03 00", -EBADMSG },
		{ "a0 07 30 05 a1 03 03 01 01", -EBADMSG },
		{ "a0 06 30 04 a3 02 02 00", -EBADMSG },
		{ "a1 06 30 04 a1 02 04 00", -EBADMSG },
		/* a frame with another mechanism, or with bytes after */
		{ "60 0f 06 09 2a 86 48 86 f7 12 01 02 02 a1 02 30 00", -EPROTO },
		{ "60 0e 06 06 2b 06 01 05 05 02 a1 02 30 00 00 00", -EBADMSG },
		{ "60 08 06 06 2b 06 01 05 05 02", -EBADMSG },
		/* trailing byte after a bare token */
		{ "a1 07 30 05 a0 03 0a 01 00 00", -EBADMSG },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = spnego_parse_hex(cases[i].hex);

		if (ret != cases[i].ret)
			fail_msg("case %zu (%s): got %d, want %d", i,
				 cases[i].hex, ret, cases[i].ret);
	}
}

static void spnego_mech_list_limits(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token in = { .kind = SPNEGO_NEG_TOKEN_INIT }, out;
	char *hex;
	uint8_t *buf;
	size_t i, len;
	int n;

	(void)state;
	/* SPNEGO_MAX_MECHS + 1 copies of 06 01 2a (1.2). */
	n = SPNEGO_MAX_MECHS + 1;
	hex = talloc_asprintf(mem, "a0 %02x 30 %02x a0 %02x 30 %02x",
			      n * 3 + 6, n * 3 + 4, n * 3 + 2, n * 3);
	for (i = 0; i < (size_t)n; i++)
		hex = talloc_strdup_append(hex, " 06 01 2a");
	buf = HEX(mem, hex, &len);
	assert_int_equal(spnego_parse(buf, len, &out), -E2BIG);

	/* One fewer fits. */
	n--;
	hex = talloc_asprintf(mem, "a0 %02x 30 %02x a0 %02x 30 %02x",
			      n * 3 + 6, n * 3 + 4, n * 3 + 2, n * 3);
	for (i = 0; i < (size_t)n; i++)
		hex = talloc_strdup_append(hex, " 06 01 2a");
	buf = HEX(mem, hex, &len);
	assert_int_equal(spnego_parse(buf, len, &out), 0);
	assert_int_equal(out.init.n_mechs, SPNEGO_MAX_MECHS);

	in.init.n_mechs = SPNEGO_MAX_MECHS + 1;
	assert_int_equal(spnego_build(mem, &in, &buf, &len), -EINVAL);
	assert_int_equal(spnego_mech_list_build(mem, in.init.mechs, 0, &buf,
						&len), -EINVAL);
	talloc_free(mem);
}

static void spnego_builder_rejects_bad_input(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token in = { .kind = SPNEGO_NEG_TOKEN_RESP };
	uint8_t bad_oid[] = { 0x2b, 0x86 }, bad_bits[] = { 0x01 };
	uint8_t *buf;
	size_t len;

	(void)state;
	in.resp.has_neg_state = true;
	in.resp.neg_state = (enum spnego_neg_state)7;
	assert_int_equal(spnego_build(mem, &in, &buf, &len), -EINVAL);
	in.resp.neg_state = SPNEGO_REJECT;
	in.resp.supported_mech = DER_BLOB_ARRAY(bad_oid);
	assert_int_equal(spnego_build(mem, &in, &buf, &len), -EINVAL);

	in.kind = SPNEGO_NEG_TOKEN_INIT;
	in.init.n_mechs = 1;
	in.init.mechs[0] = DER_BLOB_ARRAY(bad_oid);
	assert_int_equal(spnego_encode(&in, NULL, 0, &len), -EINVAL);
	in.init.mechs[0] = oid_krb5;
	in.init.req_flags = DER_BLOB_ARRAY(bad_bits);
	assert_int_equal(spnego_encode(&in, NULL, 0, &len), -EINVAL);
	in.kind = (enum spnego_kind)5;
	assert_int_equal(spnego_encode(&in, NULL, 0, &len), -EINVAL);
	talloc_free(mem);
}

static void spnego_encode_size_query_and_enospc(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token in = { .kind = SPNEGO_NEG_TOKEN_RESP };
	uint8_t *built, *buf;
	size_t len = 0, built_len, got = 0;

	(void)state;
	in.resp.has_neg_state = true;
	in.resp.response_token = blob_str("some response token");
	assert_int_equal(spnego_encode(&in, NULL, 0, &len), 0);
	assert_int_equal(spnego_build(mem, &in, &built, &built_len), 0);
	assert_int_equal(len, built_len);

	buf = talloc_size(mem, len);
	assert_int_equal(spnego_encode(&in, buf, len - 1, &got), -ENOSPC);
	assert_int_equal(got, len);
	assert_int_equal(spnego_encode(&in, buf, len, &got), 0);
	assert_memory_equal(buf, built, len);
	talloc_free(mem);
}

const struct CMUnitTest spnego_tests[] = {
	cmocka_unit_test(gtok_initial_roundtrip),
	cmocka_unit_test(gtok_krb5_roundtrip_and_rejects),
	cmocka_unit_test(spnego_init_build_parse_roundtrip),
	cmocka_unit_test(spnego_init2_hints_exact_bytes),
	cmocka_unit_test(spnego_init2_mic_follows_hints),
	cmocka_unit_test(spnego_rfc4178_mic_then_unknown_field),
	cmocka_unit_test(spnego_resp_build_parse_roundtrip),
	cmocka_unit_test(spnego_skips_unknown_fields),
	cmocka_unit_test(spnego_rejects_malformed),
	cmocka_unit_test(spnego_mech_list_limits),
	cmocka_unit_test(spnego_builder_rejects_bad_input),
	cmocka_unit_test(spnego_encode_size_query_and_enospc),
};
const size_t n_spnego_tests = sizeof(spnego_tests) / sizeof(spnego_tests[0]);
