// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: IAKerb proxy tokens and Kerberos messages.
 *
 * Expected encodings are written out by hand from the ASN.1, not produced
 * by the code under test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* ---- IAKerb ----------------------------------------------------------- */

/* MIT's realm discovery: empty realm, no KDC message (18 octets). */
static void iakerb_mit_discovery_exact_bytes(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_proxy in = { 0 }, out;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(iakerb_proxy_build(mem, &in, &buf, &len), 0);
	assert_bytes_hex(buf, len,
			 "60 10 06 06 2b 06 01 05 02 05 05 01 30 04 a1 02 0c 00");
	assert_int_equal(iakerb_proxy_parse(buf, len, &out), 0);
	assert_non_null(out.header.target_realm.data);
	assert_int_equal(out.header.target_realm.len, 0);
	assert_null(out.header.cookie.data);
	assert_null(out.header.header_flags.data);
	assert_int_equal(out.kdc_msg.len, 0);
	assert_int_equal(out.kdc_msg_type, KRB_MSG_NONE);
	assert_int_equal(iakerb_header_dialect(&out.header), IAKERB_DIALECT_MIT);
	talloc_free(mem);
}

static void iakerb_mit_realm_exact_bytes(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_proxy in = { 0 }, out;
	uint8_t buf[64];
	size_t len;

	(void)state;
	in.header.target_realm = blob_str("KDC.TEST.REAL");
	in.kdc_msg.data = HEX(mem, "6a 02 30 00", &in.kdc_msg.len);
	assert_int_equal(iakerb_proxy_encode(&in, NULL, 0, &len), 0);
	assert_int_equal(len, 35);
	assert_int_equal(iakerb_proxy_encode(&in, buf, 34, &len), -ENOSPC);
	assert_int_equal(iakerb_proxy_encode(&in, buf, sizeof(buf), &len), 0);
	assert_bytes_hex(buf, len,
			 "60 21 06 06 2b 06 01 05 02 05 05 01"
			 " 30 11 a1 0f 0c 0d 4b 44 43 2e 54 45 53 54 2e 52 45 41 4c"
			 " 6a 02 30 00");
	assert_int_equal(iakerb_proxy_parse(buf, len, &out), 0);
	assert_blob_str(out.header.target_realm, "KDC.TEST.REAL");
	assert_int_equal(out.kdc_msg_type, KRB_MSG_AS_REQ);
	assert_int_equal(iakerb_header_dialect(&out.header), IAKERB_DIALECT_MIT);
	talloc_free(mem);
}

static void iakerb_windows_header_roundtrip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_proxy in = { 0 }, out;
	uint8_t flags_storage[IAKERB_HEADER_FLAGS_LEN];
	struct gtok_krb5 k;
	uint32_t flags;
	uint8_t *buf;
	size_t len;

	(void)state;
	in.header.target_realm = blob_str(".");
	in.header.cookie = blob_str("c00k1e");
	in.header.header_flags = iakerb_header_flags_encode(flags_storage,
							    0x01000000);
	in.kdc_msg.data = HEX(mem, "6d 02 30 00", &in.kdc_msg.len);
	assert_int_equal(iakerb_proxy_build(mem, &in, &buf, &len), 0);
	assert_int_equal(gtok_krb5_parse(buf, len, &k), 0);
	assert_bytes_hex(k.body.data, k.body.len,
			 "30 18 a1 03 0c 01 2e a2 08 04 06 63 30 30 6b 31 65"
			 " a3 07 03 05 00 01 00 00 00 6d 02 30 00");
	assert_int_equal(iakerb_proxy_parse(buf, len, &out), 0);
	assert_true(iakerb_realm_is_dot(&out.header));
	assert_blob_str(out.header.cookie, "c00k1e");
	assert_int_equal(iakerb_header_flags_value(&out.header, &flags), 0);
	assert_int_equal(flags, 0x01000000);
	assert_int_equal(out.kdc_msg_type, KRB_MSG_TGS_REP);
	assert_int_equal(iakerb_header_dialect(&out.header),
			 IAKERB_DIALECT_WINDOWS);
	talloc_free(mem);
}

static void iakerb_rejects_malformed(void **state)
{
	static const struct {
		const char *body;
		int ret;
	} cases[] = {
		{ "", -EBADMSG },
		{ "30 00", -EBADMSG },				/* no realm */
		{ "30 04 a1 02 04 00", -EBADMSG },		/* OCTET STRING realm */
		{ "30 08 a2 02 04 00 a1 02 0c 00", -EBADMSG },	/* order */
		{ "30 08 a1 02 0c 00 a1 02 0c 00", -EBADMSG },	/* repeat */
		{ "30 09 a1 02 0c 00 a3 03 03 01 01", -EBADMSG },	/* flags */
		{ "30 07 a1 02 0c 00 a2 01 04", -EBADMSG },	/* cookie cut */
		{ "30 04 a1 02 0c 00 6e 02 30 00", -EBADMSG },	/* AP-REQ */
		{ "30 04 a1 02 0c 00 6f 02 30 00", -EBADMSG },	/* AP-REP */
		{ "30 04 a1 02 0c 00 6a 02 30 00 00", -EBADMSG },	/* trailing */
		{ "30 04 a1 02 0c 00 30 00", -EBADMSG },		/* not [APP] */
		{ "30 04 a1 02 0c 00 65 02 30 00", -EBADMSG },	/* [APP 5] */
		{ "30 04 a1 02 0c 00 6a 00", -EBADMSG },		/* no SEQUENCE */
		{ "30 04 a1 02 0c 00 6a 02 30 00", 0 },
		{ "30 04 a1 02 0c 00 7e 02 30 00", 0 },
		{ "30 08 a1 02 0c 00 a4 02 05 00", 0 },		/* unknown [4] */
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gtok_krb5 k = { oid_krb5, GTOK_IAKERB_PROXY, { NULL, 0 } };
	struct iakerb_proxy p;
	uint8_t *buf;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = iakerb_body_parse_hex(cases[i].body);

		if (ret != cases[i].ret)
			fail_msg("case %zu (%s): got %d, want %d", i,
				 cases[i].body, ret, cases[i].ret);
	}

	/* A good body under the wrong mechanism or TOK_ID. */
	k.body.data = HEX(mem, "30 04 a1 02 0c 00", &k.body.len);
	assert_int_equal(gtok_krb5_build(mem, &k, &buf, &len), 0);
	assert_int_equal(iakerb_proxy_parse(buf, len, &p), -EPROTO);
	k.mech = oid_iakerb;
	k.tok_id = GTOK_KRB5_AP_REQ;
	assert_int_equal(gtok_krb5_build(mem, &k, &buf, &len), 0);
	assert_int_equal(iakerb_proxy_parse(buf, len, &p), -EPROTO);
	k.tok_id = GTOK_IAKERB_PROXY;
	assert_int_equal(gtok_krb5_build(mem, &k, &buf, &len), 0);
	assert_int_equal(iakerb_proxy_parse(buf, len, &p), 0);
	talloc_free(mem);
}

static void iakerb_header_flags_forms(void **state)
{
	static const struct {
		const char *hex;
		uint32_t value;
	} cases[] = {
		{ "00", 0 },
		{ "07 80", 0x80000000 },
		{ "00 01 00 00 00", 0x01000000 },
		{ "00 01 02 03 04 05", 0x01020304 },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_header h = { 0 };
	uint8_t storage[IAKERB_HEADER_FLAGS_LEN];
	struct der_blob b;
	uint32_t v;
	size_t i;

	(void)state;
	assert_int_equal(iakerb_header_flags_value(&h, &v), -ENOENT);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h.header_flags.data = HEX(mem, cases[i].hex,
					  &h.header_flags.len);
		assert_int_equal(iakerb_header_flags_value(&h, &v), 0);
		assert_int_equal(v, cases[i].value);
	}
	b = iakerb_header_flags_encode(storage, 0x80000001);
	assert_bytes_hex(b.data, b.len, "00 80 00 00 01");
	talloc_free(mem);
}

static void iakerb_builder_rejects_bad_input(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_proxy in = { 0 };
	uint8_t bad_bits[] = { 0x03, 0xff };
	uint8_t *buf;
	size_t len;

	(void)state;
	in.kdc_msg.data = HEX(mem, "30 00", &in.kdc_msg.len);
	assert_int_equal(iakerb_proxy_build(mem, &in, &buf, &len), -EINVAL);
	in.kdc_msg.data = HEX(mem, "6e 02 30 00", &in.kdc_msg.len);
	assert_int_equal(iakerb_proxy_encode(&in, NULL, 0, &len), -EINVAL);
	in.kdc_msg.len = 0;
	in.header.header_flags = DER_BLOB_ARRAY(bad_bits);
	assert_int_equal(iakerb_proxy_build(mem, &in, &buf, &len), -EINVAL);
	talloc_free(mem);
}

/* ---- Kerberos messages ------------------------------------------------ */

/* pvno 5, msg-type 30, stime, susec, error-code 68, realm TEST, sname, e-text "oops". */
#define KRB_ERROR_HEX(pvno) \
	"7e 48 30 46 a0 03 02 01 " pvno " a1 03 02 01 1e" \
	" a4 11 18 0f 32 30 32 36 30 31 30 31 30 30 30 30 30 30 5a" \
	" a5 03 02 01 00 a6 03 02 01 44 a9 06 1b 04 54 45 53 54" \
	" aa 0d 30 0b a0 03 02 01 01 a1 04 30 02 1b 00" \
	" ab 06 1b 04 6f 6f 70 73"

static void krb_error_parse_fields(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct krb_error_info err;
	struct der_blob msg;

	(void)state;
	msg.data = HEX(mem, KRB_ERROR_HEX("05"), &msg.len);
	assert_int_equal(krb_error_parse(&msg, &err), 0);
	assert_int_equal(err.error_code, KRB_ERR_WRONG_REALM);
	assert_blob_str(err.realm, "TEST");
	assert_blob_str(err.e_text, "oops");
	assert_null(err.e_data.data);

	msg.data = HEX(mem, KRB_ERROR_HEX("04"), &msg.len);
	assert_int_equal(krb_error_parse(&msg, &err), -EBADMSG);

	/* msg-type must say KRB-ERROR; the tag alone is not enough. */
	msg.data = HEX(mem, "7e 0c 30 0a a0 03 02 01 05 a1 03 02 01 0b", &msg.len);
	assert_int_equal(krb_error_parse(&msg, &err), -EBADMSG);
	/* No error-code. */
	msg.data = HEX(mem, "7e 0c 30 0a a0 03 02 01 05 a1 03 02 01 1e", &msg.len);
	assert_int_equal(krb_error_parse(&msg, &err), -EBADMSG);
	/* Another message. */
	msg.data = HEX(mem, "6b 02 30 00", &msg.len);
	assert_int_equal(krb_error_parse(&msg, &err), -EPROTO);
	talloc_free(mem);
}

static void krb_msg_identify_forms(void **state)
{
	static const struct {
		const char *hex;
		int ret;
		enum krb_msg_type type;
	} cases[] = {
		{ "6a 02 30 00", 0, KRB_MSG_AS_REQ },
		{ "6b 02 30 00", 0, KRB_MSG_AS_REP },
		{ "6c 02 30 00", 0, KRB_MSG_TGS_REQ },
		{ "6d 02 30 00", 0, KRB_MSG_TGS_REP },
		{ "6e 02 30 00", 0, KRB_MSG_AP_REQ },
		{ "6f 02 30 00", 0, KRB_MSG_AP_REP },
		{ "7e 02 30 00", 0, KRB_MSG_ERROR },
		{ "65 02 30 00", -EBADMSG, 0 },
		{ "60 02 30 00", -EBADMSG, 0 },
		{ "4a 02 30 00", -EBADMSG, 0 },
		{ "6a 02 30 00 00", -EBADMSG, 0 },
		{ "6a 04 30 00 30 00", -EBADMSG, 0 },
		{ "6a 02 04 00", -EBADMSG, 0 },
		{ "30 00", -EBADMSG, 0 },
		{ "", -EBADMSG, 0 },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	enum krb_msg_type type;
	struct der_blob msg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg.data = HEX(mem, cases[i].hex, &msg.len);
		assert_int_equal(krb_msg_identify(&msg, &type), cases[i].ret);
		if (cases[i].ret == 0)
			assert_int_equal(type, cases[i].type);
	}
	assert_string_equal(krb_msg_type_name(KRB_MSG_ERROR), "KRB-ERROR");
	assert_null(krb_msg_type_name((enum krb_msg_type)5));
	talloc_free(mem);
}

const struct CMUnitTest iakerb_tests[] = {
	cmocka_unit_test(iakerb_mit_discovery_exact_bytes),
	cmocka_unit_test(iakerb_mit_realm_exact_bytes),
	cmocka_unit_test(iakerb_windows_header_roundtrip),
	cmocka_unit_test(iakerb_rejects_malformed),
	cmocka_unit_test(iakerb_header_flags_forms),
	cmocka_unit_test(iakerb_builder_rejects_bad_input),
	cmocka_unit_test(krb_error_parse_fields),
	cmocka_unit_test(krb_msg_identify_forms),
};
const size_t n_iakerb_tests = sizeof(iakerb_tests) / sizeof(iakerb_tests[0]);
