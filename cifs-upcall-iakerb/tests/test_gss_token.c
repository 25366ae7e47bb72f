// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the GSS/SPNEGO/IAKerb token codec.
 *
 * Usage: test_gss_token [VECTOR_DIR]
 * The Windows vectors come from VECTOR_DIR, else $IAKERB_VECTORS_DIR,
 * else /shared/vectors/windows-iakerb (the image's bind mount of
 * ../shared).  Run with CMOCKA_MESSAGE_OUTPUT=TAP for TAP output.
 *
 * Expected encodings here are written out by hand from the ASN.1, not
 * produced by the code under test.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define DEFAULT_VECTORS_DIR "/shared/vectors/windows-iakerb"

struct vector vectors[VEC_COUNT] = {
	[VEC_CLIENT_INIT] = { "00-client-negtokeninit.hex" },
	[VEC_KRB_ERROR] = { "01-server-krb-error-preauth-required.hex" },
	[VEC_AS_REP] = { "02-server-as-rep.hex" },
	[VEC_TGS_REP] = { "03-server-tgs-rep.hex" },
	[VEC_AP_REP_MIC] = { "04-server-ap-rep-mechlistmic.hex" },
};
const char *vectors_dir = DEFAULT_VECTORS_DIR;
static TALLOC_CTX *vectors_mem;

/* ---- Helpers ---------------------------------------------------------- */

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

uint8_t *hex_decode(TALLOC_CTX *mem, const char *hex, size_t *len)
{
	uint8_t *out = talloc_size(mem, strlen(hex) / 2 + 1);
	size_t n = 0;
	int hi = -1, v;

	assert_non_null(out);
	for (; *hex; hex++) {
		if (isspace((unsigned char)*hex))
			continue;
		v = hex_nibble(*hex);
		if (v < 0)
			fail_msg("bad hex digit '%c'", *hex);
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		fail_msg("odd number of hex digits");
	*len = n;
	return out;
}

uint8_t *exact_copy(TALLOC_CTX *mem, const uint8_t *p, size_t len)
{
	/* talloc_memdup(0) may give NULL; a zero-size buffer must not. */
	uint8_t *copy = talloc_size(mem, len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	return copy;
}

static char *read_file(TALLOC_CTX *mem, const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		text = talloc_size(mem, (size_t)size + 1);
		if (text && fread(text, 1, (size_t)size, f) == (size_t)size)
			text[size] = '\0';
		else
			text = NULL;
	}
	fclose(f);
	return text;
}

int load_vectors(void **state)
{
	char *path, *text;
	size_t i;

	(void)state;
	vectors_mem = talloc_new(NULL);
	for (i = 0; i < VEC_COUNT; i++) {
		path = talloc_asprintf(vectors_mem, "%s/%s", vectors_dir,
				       vectors[i].file);
		text = path ? read_file(vectors_mem, path) : NULL;
		if (!text) {
			fprintf(stderr, "cannot read %s\n", path);
			return -1;
		}
		vectors[i].data = hex_decode(vectors_mem, text, &vectors[i].len);
	}
	return 0;
}

int free_vectors(void **state)
{
	(void)state;
	TALLOC_FREE(vectors_mem);
	return 0;
}

#define HEX(mem, s, lenp) hex_decode((mem), (s), (lenp))

/* Parse one element of @hex with der_read and return its result. */
static int der_read_hex(const char *hex, struct der_tlv *t)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct der_reader r;
	size_t len;
	uint8_t *buf = HEX(mem, hex, &len);
	int ret;

	buf = exact_copy(mem, buf, len);
	der_reader_init(&r, buf, len);
	ret = der_read(&r, t);
	talloc_free(mem);
	return ret;
}

static int spnego_parse_hex(const char *hex)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token tok;
	size_t len;
	uint8_t *buf = HEX(mem, hex, &len);
	int ret;

	buf = exact_copy(mem, buf, len);
	ret = spnego_parse(buf, len, &tok);
	talloc_free(mem);
	return ret;
}

static int iakerb_body_parse_hex(const char *hex)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_proxy p;
	struct der_blob body;
	size_t len;
	uint8_t *buf = HEX(mem, hex, &len);
	int ret;

	body.data = exact_copy(mem, buf, len);
	body.len = len;
	ret = iakerb_proxy_parse_body(&body, &p);
	talloc_free(mem);
	return ret;
}

static void assert_bytes_hex(const uint8_t *p, size_t len, const char *hex)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t want_len;
	uint8_t *want = HEX(mem, hex, &want_len);

	assert_int_equal(len, want_len);
	assert_memory_equal(p, want, len);
	talloc_free(mem);
}

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
	assert_int_equal(spnego_parse_hex("60 11 06 06 2b 06 01 05 05 02 a1 07 30 05 a0 03 0a 01 00"),
			 0);
	assert_int_equal(spnego_parse_hex("60 10 06 06 2b 06 01 05 05 02 a1 07 30 05 a0 03 0a 01 00"),
			 -EBADMSG);
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
			 "30 13 06 06 2b 06 01 05 02 05 06 09 2a 86 48 86 f7 12 01 02 02");
	assert_blob_equal(out.init.mech_types, list, list_len);

	/* Bare, nothing but the list. */
	in.gss_framed = false;
	in.init.req_flags.data = NULL;
	in.init.mech_token.data = NULL;
	in.init.mech_list_mic.data = NULL;
	assert_int_equal(spnego_build(mem, &in, &buf, &len), 0);
	assert_bytes_hex(buf, len,
			 "a0 19 30 17 a0 15 30 13 06 06 2b 06 01 05 02 05 06 09 2a 86 48 86 f7 12 01 02 02");
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
	assert_int_equal(spnego_parse_hex("a1 0e 30 0c a0 03 0a 01 02 a9 05 30 03 02 01 07"), 0);
	assert_int_equal(spnego_parse_hex("a0 14 30 12 a0 0a 30 08 06 06 2b 06 01 05 02 05"
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

const struct CMUnitTest codec_tests[] = {
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
	cmocka_unit_test(iakerb_mit_discovery_exact_bytes),
	cmocka_unit_test(iakerb_mit_realm_exact_bytes),
	cmocka_unit_test(iakerb_windows_header_roundtrip),
	cmocka_unit_test(iakerb_rejects_malformed),
	cmocka_unit_test(iakerb_header_flags_forms),
	cmocka_unit_test(iakerb_builder_rejects_bad_input),
	cmocka_unit_test(krb_error_parse_fields),
	cmocka_unit_test(krb_msg_identify_forms),
};
const size_t n_codec_tests = sizeof(codec_tests) / sizeof(codec_tests[0]);

int main(int argc, char **argv)
{
	struct CMUnitTest *all;
	const char *env = getenv("IAKERB_VECTORS_DIR");
	size_t n = n_codec_tests + n_vector_tests;
	int ret;

	if (argc > 1)
		vectors_dir = argv[1];
	else if (env && *env)
		vectors_dir = env;

	all = calloc(n, sizeof(*all));
	if (!all)
		return 1;
	memcpy(all, codec_tests, n_codec_tests * sizeof(*all));
	memcpy(all + n_codec_tests, vector_tests, n_vector_tests * sizeof(*all));
	ret = _cmocka_run_group_tests("token", all, n, load_vectors,
				      free_vectors);
	free(all);
	return ret;
}
