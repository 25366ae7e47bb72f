// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: DER primitives and OIDs.
 *
 * Expected encodings are written out by hand from the ASN.1, not produced
 * by the code under test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* ---- DER -------------------------------------------------------------- */

static void der_short_and_long_lengths(void **state)
{
	static const struct {
		size_t len;
		const char *hdr;
	} cases[] = {
		{ 0, "04 00" },
		{ 127, "04 7f" },
		{ 128, "04 81 80" },
		{ 255, "04 81 ff" },
		{ 256, "04 82 01 00" },
		{ 65535, "04 82 ff ff" },
		{ 65536, "04 83 01 00 00" },
		{ 0xffffff, "04 83 ff ff ff" },
		{ 0x1000000, "04 84 01 00 00 00" },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct der_writer w;
	struct der_reader r;
	struct der_tlv t;
	uint8_t *buf, *hdr;
	size_t i, hdr_len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct der_blob v;

		hdr = HEX(mem, cases[i].hdr, &hdr_len);
		assert_int_equal(der_header_len(cases[i].len), hdr_len);

		/* Writer: header octets as expected. */
		buf = talloc_zero_size(mem, hdr_len + cases[i].len);
		assert_non_null(buf);
		v.data = buf + hdr_len;
		v.len = cases[i].len;
		der_writer_init(&w, buf, hdr_len + cases[i].len);
		der_put_header(&w, DER_TAG_OCTET_STRING, v.len);
		assert_int_equal(w.err, 0);
		/* The header lands right before the (zero) contents. */
		assert_memory_equal(buf + cases[i].len, hdr, hdr_len);

		/* Reader: same bytes in the right order. */
		memcpy(buf, hdr, hdr_len);
		memset(buf + hdr_len, 0, cases[i].len);
		der_reader_init(&r, buf, hdr_len + cases[i].len);
		assert_int_equal(der_read(&r, &t), 0);
		assert_int_equal(t.tag, DER_TAG_OCTET_STRING);
		assert_int_equal(t.value.len, cases[i].len);
		assert_ptr_equal(t.value.data, buf + hdr_len);
		assert_true(der_reader_empty(&r));
		talloc_free(buf);
	}
	talloc_free(mem);
}

static void der_rejects_indefinite_length(void **state)
{
	struct der_tlv t;

	(void)state;
	assert_int_equal(der_read_hex("30 80 04 00 00 00", &t), -EBADMSG);
	assert_int_equal(spnego_parse_hex("a1 80 30 80 00 00 00 00"), -EBADMSG);
}

static void der_rejects_more_than_four_length_octets(void **state)
{
	struct der_tlv t;

	(void)state;
	assert_int_equal(der_read_hex("04 85 00 00 00 00 01 aa", &t), -EBADMSG);
	assert_int_equal(der_read_hex("04 88 00 00 00 00 00 00 00 01 aa", &t),
			 -EBADMSG);
	assert_int_equal(der_read_hex("04 ff", &t), -EBADMSG);
}

static void der_rejects_non_minimal_lengths(void **state)
{
	struct der_tlv t;

	(void)state;
	assert_int_equal(der_read_hex("04 81 05 01 02 03 04 05", &t), -EBADMSG);
	assert_int_equal(der_read_hex("04 81 7f", &t), -EBADMSG);
	assert_int_equal(der_read_hex("04 82 00 80", &t), -EBADMSG);
	assert_int_equal(der_read_hex("04 82 00 05 01 02 03 04 05", &t),
			 -EBADMSG);
	assert_int_equal(spnego_parse_hex("a1 81 07 30 05 a0 03 0a 01 00"),
			 -EBADMSG);
}

static void der_rejects_length_past_buffer(void **state)
{
	struct der_tlv t;

	(void)state;
	assert_int_equal(der_read_hex("04 05 01 02", &t), -EBADMSG);
	assert_int_equal(der_read_hex("04 84 ff ff ff ff 00", &t), -EBADMSG);
	assert_int_equal(der_read_hex("04 82 01", &t), -EBADMSG);
	assert_int_equal(der_read_hex("04", &t), -EBADMSG);
	assert_int_equal(der_read_hex("", &t), -EBADMSG);
}

static void der_rejects_nested_length_overflow(void **state)
{
	(void)state;
	/* Good: a1 07 30 05 a0 03 0a 01 00 */
	assert_int_equal(spnego_parse_hex("a1 07 30 05 a0 03 0a 01 00"), 0);
	/* Each level in turn claims more than its parent holds. */
	assert_int_equal(spnego_parse_hex("a1 07 30 06 a0 03 0a 01 00"), -EBADMSG);
	assert_int_equal(spnego_parse_hex("a1 07 30 05 a0 04 0a 01 00"), -EBADMSG);
	assert_int_equal(spnego_parse_hex("a1 07 30 05 a0 03 0a 02 00"), -EBADMSG);
	assert_int_equal(spnego_parse_hex("a1 07 30 84 7f ff ff ff a0 03 0a 01 00"),
			 -EBADMSG);
	/* The mech OID runs past the GSS frame. */
	assert_int_equal(spnego_parse_hex("60 08 06 07 2b 06 01 05 05 02 a1 00"),
			 -EBADMSG);
	/* A whole valid token inside a frame that is one octet short. */
	assert_int_equal(spnego_parse_hex("60 11 06 06 2b 06 01 05 05 02"
					  " a1 07 30 05 a0 03 0a 01 00"), 0);
	assert_int_equal(spnego_parse_hex("60 10 06 06 2b 06 01 05 05 02"
					  " a1 07 30 05 a0 03 0a 01 00"), -EBADMSG);
}

static void der_rejects_high_tag_numbers(void **state)
{
	struct der_tlv t;

	(void)state;
	assert_int_equal(der_read_hex("1f 01 00", &t), -EBADMSG);
	assert_int_equal(der_read_hex("bf 1f 00", &t), -EBADMSG);
	assert_int_equal(der_read_hex("7f 1e 02 30 00", &t), -EBADMSG);
	assert_int_equal(der_read_hex("7e 02 30 00", &t), 0);
}

static void der_fields_ascending_order(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct der_reader seq, field;
	size_t len;
	uint8_t *buf;
	int prev;

	(void)state;
	buf = HEX(mem, "a0 00 a2 00 a1 00", &len);
	der_reader_init(&seq, buf, len);
	prev = -1;
	assert_int_equal(der_read_field(&seq, &prev, &field), 0);
	assert_int_equal(der_read_field(&seq, &prev, &field), 2);
	assert_int_equal(der_read_field(&seq, &prev, &field), -EBADMSG);

	buf = HEX(mem, "a3 00 a3 00", &len);
	der_reader_init(&seq, buf, len);
	prev = -1;
	assert_int_equal(der_read_field(&seq, &prev, &field), 3);
	assert_int_equal(der_read_field(&seq, &prev, &field), -EBADMSG);

	/* Universal or primitive context tags are not EXPLICIT fields. */
	buf = HEX(mem, "04 00", &len);
	der_reader_init(&seq, buf, len);
	prev = -1;
	assert_int_equal(der_read_field(&seq, &prev, &field), -EBADMSG);
	buf = HEX(mem, "80 00", &len);
	der_reader_init(&seq, buf, len);
	assert_int_equal(der_read_field(&seq, &prev, &field), -EBADMSG);

	der_reader_init(&seq, buf, 0);
	assert_int_equal(der_read_field(&seq, &prev, &field), -ENOENT);
	talloc_free(mem);
}

static void der_int32_minimal_forms(void **state)
{
	static const struct {
		const char *hex;
		int ret;
		int32_t value;
	} cases[] = {
		{ "00", 0, 0 },
		{ "7f", 0, 127 },
		{ "00 80", 0, 128 },
		{ "80", 0, -128 },
		{ "ff 7f", 0, -129 },
		{ "ff", 0, -1 },
		{ "7f ff ff ff", 0, INT32_MAX },
		{ "80 00 00 00", 0, INT32_MIN },
		{ "00 7f", -EBADMSG, 0 },
		{ "ff 80", -EBADMSG, 0 },
		{ "00 00", -EBADMSG, 0 },
		{ "00 80 00 00 00", -EBADMSG, 0 },
		{ "", -EBADMSG, 0 },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct der_blob v;
	int32_t out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v.data = HEX(mem, cases[i].hex, &v.len);
		out = 12345;
		assert_int_equal(der_int32_from_value(&v, &out), cases[i].ret);
		if (cases[i].ret == 0)
			assert_int_equal(out, cases[i].value);
	}
	talloc_free(mem);
}

static void der_put_uint32_minimal(void **state)
{
	static const struct {
		uint32_t v;
		const char *hex;
	} cases[] = {
		{ 0, "0a 01 00" },
		{ 3, "0a 01 03" },
		{ 127, "0a 01 7f" },
		{ 128, "0a 02 00 80" },
		{ 256, "0a 02 01 00" },
		{ 0x7fffffff, "0a 04 7f ff ff ff" },
		{ 0xffffffff, "0a 05 00 ff ff ff ff" },
	};
	uint8_t buf[16];
	struct der_writer w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		der_writer_init(&w, buf, sizeof(buf));
		der_put_uint32(&w, DER_TAG_ENUMERATED, cases[i].v);
		assert_int_equal(w.err, 0);
		assert_bytes_hex(buf + sizeof(buf) - w.used, w.used,
				 cases[i].hex);
	}
}

static void der_bit_string_checks(void **state)
{
	static const struct {
		const char *hex;
		int ret;
	} cases[] = {
		{ "00", 0 },
		{ "00 00 00 00 00", 0 },
		{ "07 80", 0 },
		{ "01", -EBADMSG },
		{ "08 00", -EBADMSG },
		{ "07 81", -EBADMSG },
		{ "", -EBADMSG },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct der_blob v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v.data = HEX(mem, cases[i].hex, &v.len);
		assert_int_equal(der_check_bit_string(&v), cases[i].ret);
	}
	talloc_free(mem);
}

static void der_blob_strdup_refuses_nul(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct der_blob b = { (const uint8_t *)"a\0b", 3 };
	struct der_blob empty = { (const uint8_t *)"", 0 };
	char *s;

	(void)state;
	assert_null(der_blob_strdup(mem, &b));
	b.len = 1;
	s = der_blob_strdup(mem, &b);
	assert_string_equal(s, "a");
	s = der_blob_strdup(mem, &empty);
	assert_string_equal(s, "");
	talloc_free(mem);
}

/* ---- OIDs ------------------------------------------------------------- */

static void oid_known_dotted_strings(void **state)
{
	static const struct {
		const struct der_blob *oid;
		const char *dotted, *name;
	} cases[] = {
		{ &oid_spnego, "1.3.6.1.5.5.2", "SPNEGO" },
		{ &oid_krb5, "1.2.840.113554.1.2.2", "krb5" },
		{ &oid_ms_krb5, "1.2.840.48018.1.2.2", "MS-krb5" },
		{ &oid_iakerb, "1.3.6.1.5.2.5", "IAKerb" },
		{ &oid_ntlmssp, "1.3.6.1.4.1.311.2.2.10", "NTLMSSP" },
		{ &oid_negoex, "1.3.6.1.4.1.311.2.2.30", "NEGOEX" },
	};
	char str[OID_STR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(oid_to_str(cases[i].oid, str, sizeof(str)),
				 strlen(cases[i].dotted));
		assert_string_equal(str, cases[i].dotted);
		assert_string_equal(oid_name(cases[i].oid), cases[i].name);
		assert_int_equal(oid_check(cases[i].oid), 0);
	}
	assert_true(oid_is_kerberos(&oid_krb5));
	assert_true(oid_is_kerberos(&oid_ms_krb5));
	assert_true(oid_is_kerberos(&oid_iakerb));
	assert_false(oid_is_kerberos(&oid_spnego));
	assert_false(oid_is_kerberos(&oid_ntlmssp));
}

static void oid_to_str_edge_cases(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char str[OID_STR_MAX];
	struct der_blob oid;

	(void)state;
	oid.data = HEX(mem, "88 37", &oid.len);
	assert_int_equal(oid_to_str(&oid, str, sizeof(str)), 5);
	assert_string_equal(str, "2.999");

	oid.data = HEX(mem, "2b 81 ff ff ff ff ff ff ff ff 7f", &oid.len);
	assert_true(oid_to_str(&oid, str, sizeof(str)) > 0);
	assert_string_equal(str, "1.3.18446744073709551615");

	/* Sub-identifiers past 64 bits, padding, truncation, empty. */
	oid.data = HEX(mem, "2b 82 ff ff ff ff ff ff ff ff 7f", &oid.len);
	assert_int_equal(oid_to_str(&oid, str, sizeof(str)), -EBADMSG);
	oid.data = HEX(mem, "2b 80 01", &oid.len);
	assert_int_equal(oid_check(&oid), -EBADMSG);
	assert_int_equal(oid_to_str(&oid, str, sizeof(str)), -EBADMSG);
	oid.data = HEX(mem, "2b 86", &oid.len);
	assert_int_equal(oid_check(&oid), -EBADMSG);
	oid.len = 0;
	assert_int_equal(oid_check(&oid), -EBADMSG);

	/* The longest string per octet: "2.47" then ".127" each. */
	oid.data = talloc_memdup(mem, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"
				 "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"
				 "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"
				 "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", 32);
	oid.len = 32;
	assert_int_equal(oid_to_str(&oid, str, sizeof(str)), 4 + 31 * 4);
	assert_memory_equal(str, "2.47.127.127", 12);

	/* "1.3.6.1.5.2.5" needs 14 octets with the NUL. */
	assert_int_equal(oid_to_str(&oid_iakerb, str, 13), -ENOSPC);
	assert_int_equal(oid_to_str(&oid_iakerb, str, 14), 13);
	assert_int_equal(oid_to_str(&oid_iakerb, str, 0), -ENOSPC);
	assert_null(oid_name(&oid));
	talloc_free(mem);
}

const struct CMUnitTest der_tests[] = {
	cmocka_unit_test(der_short_and_long_lengths),
	cmocka_unit_test(der_rejects_indefinite_length),
	cmocka_unit_test(der_rejects_more_than_four_length_octets),
	cmocka_unit_test(der_rejects_non_minimal_lengths),
	cmocka_unit_test(der_rejects_length_past_buffer),
	cmocka_unit_test(der_rejects_nested_length_overflow),
	cmocka_unit_test(der_rejects_high_tag_numbers),
	cmocka_unit_test(der_fields_ascending_order),
	cmocka_unit_test(der_int32_minimal_forms),
	cmocka_unit_test(der_put_uint32_minimal),
	cmocka_unit_test(der_bit_string_checks),
	cmocka_unit_test(der_blob_strdup_refuses_nul),
	cmocka_unit_test(oid_known_dotted_strings),
	cmocka_unit_test(oid_to_str_edge_cases),
};
const size_t n_der_tests = sizeof(der_tests) / sizeof(der_tests[0]);
