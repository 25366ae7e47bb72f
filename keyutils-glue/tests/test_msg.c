// SPDX-License-Identifier: GPL-2.0
/*
 * Messages (PROTOCOL.md §4, §8): callout data on every leg, the agent's
 * four messages, every record type, every limit, malformed input.
 */
#include "glue_test.h"
#include "vectors.h"

static const __u8 secret[IAKERB_SECRET_LEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};
static const __u8 nonce[IAKERB_NONCE_LEN + 1] = "nonce-0123456789";

static __u8 buf[IAKERB_MSG_MAX + 64];
static __u8 big[IAKERB_MSG_MAX + 64];

/* Hand-made message: header then records from a list */
struct rec {
	__u32		type;
	__u32		len;
	const void	*val;
};

static size_t raw(__u8 *out, __u8 kind, const struct rec *r, size_t n)
{
	size_t len = IAKERB_MSG_HDR_LEN, i;

	memcpy(out, "CIAK\x01", 5);
	out[5] = kind;
	out[6] = out[7] = 0;
	for (i = 0; i < n; i++) {
		iakerb_put_u32(out + len, r[i].type);
		iakerb_put_u32(out + len + 4, r[i].len);
		memcpy(out + len + 8, r[i].val, r[i].len);
		len += 8 + r[i].len;
	}
	iakerb_put_u32(out + 8, (__u32)len);
	return len;
}

static int parse_raw(__u8 kind, const struct rec *r, size_t n)
{
	struct iakerb_msg m;

	return iakerb_msg_parse(buf, raw(buf, kind, r, n), &m);
}

#define U32(v) ((const void *)&(const __u32){ (v) })

static void test_callout_leg1(void **state)
{
	static const __u8 neg[] = "negTokenInit bytes";
	struct iakerb_msg m;
	int n;

	n = iakerb_callout_build(buf, sizeof(buf), 1, secret, NULL, 0, 0,
				 neg, sizeof(neg), 0x1234);
	assert_true(n > 0);
	assert_memory_equal(buf, "CIAK\x01\x01\0\0", 8);
	/* request-key sees the callout as the string "CIAK\x01\x01" */
	assert_int_equal(strlen((char *)buf), 6);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 1), 0);
	assert_int_equal(m.kind, IAKERB_KIND_CALLOUT);
	assert_memory_equal(m.secret, secret, IAKERB_SECRET_LEN);
	assert_int_equal(m.neg_blob_len, sizeof(neg));
	assert_memory_equal(m.neg_blob, neg, sizeof(neg));
	assert_int_equal(m.cred_key, 0x1234);
	assert_null(m.server_blob);
	/* the minimal leg 1: the secret alone */
	n = iakerb_callout_build(buf, sizeof(buf), 1, secret, NULL, 0, 0,
				 NULL, 0, 0);
	assert_int_equal(n, IAKERB_MSG_HDR_LEN + 8 + IAKERB_SECRET_LEN);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 1), 0);
	assert_int_equal(m.have, 1u << IAKERB_T_SECRET);
	/* leg 2 rules refuse it */
	assert_int_equal(iakerb_callout_check(&m, 2), -EPROTO);
}

/* The Windows vectors' directory: main's argument, nothing compiled in */
static const char *vectors_dir;

/* Vector @id into @out; a missing, empty or bad file fails the test. */
static size_t load_vector(enum vector_id id, __u8 *out, size_t cap)
{
	char err[VEC_ERR_LEN];
	uint8_t *bytes;
	size_t n;

	bytes = vector_read(vectors_dir, id, &n, err);
	if (!bytes)
		fail_msg("%s", err);
	if (n > cap) {
		free(bytes);
		fail_msg("%s: %zu bytes, more than %zu", vector_file[id], n,
			 cap);
	}
	memcpy(out, bytes, n);
	free(bytes);
	return n;
}

/* The Windows exchange's server tokens, carried leg by leg */
static void test_callout_windows_legs(void **state)
{
	static const enum vector_id server[] = {
		VEC_KRB_ERROR, VEC_AS_REP, VEC_TGS_REP, VEC_AP_REP_MIC,
	};
	static __u8 tok[IAKERB_TOKEN_MAX];
	struct iakerb_msg m;
	size_t i, tlen;
	int n;

	for (i = 0; i < ARRAY_SIZE(server); i++) {
		__u32 st = i == 3 ? IAKERB_STATUS_SUCCESS :
				    IAKERB_STATUS_MORE_PROCESSING;

		tlen = load_vector(server[i], tok, sizeof(tok));
		n = iakerb_callout_build(buf, sizeof(buf), i + 2, secret, tok,
					 tlen, st, NULL, 0, 0);
		assert_int_equal(n, IAKERB_MSG_HDR_LEN + 8 + 32 + 12 + 8 + tlen);
		assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
		assert_int_equal(iakerb_callout_check(&m, i + 2), 0);
		assert_int_equal(m.smb_status, st);
		assert_int_equal(m.server_blob_len, tlen);
		assert_memory_equal(m.server_blob, tok, tlen);
	}
	/* the client's negTokenInit as a NEGOTIATE blob stand-in on leg 1 */
	tlen = load_vector(VEC_CLIENT_INIT, tok, sizeof(tok));
	n = iakerb_callout_build(buf, sizeof(buf), 1, secret, NULL, 0, 0, tok,
				 tlen, 0);
	assert_true(n > 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_memory_equal(m.neg_blob, tok, tlen);
}

static void test_callout_limits(void **state)
{
	static __u8 tok[IAKERB_TOKEN_MAX + 1];
	struct iakerb_msg m;
	int n;

	memset(tok, 0xa5, sizeof(tok));
	/* a 65535-byte token, the most SESSION_SETUP can carry */
	n = iakerb_callout_build(buf, sizeof(buf), 2, secret, tok,
				 IAKERB_TOKEN_MAX, IAKERB_STATUS_SUCCESS, NULL,
				 0, 0);
	assert_true(n > 0);
	assert_true(n <= IAKERB_CALLOUT_MAX);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(m.server_blob_len, IAKERB_TOKEN_MAX);
	n = iakerb_callout_build(buf, sizeof(buf), 2, secret, tok,
				 IAKERB_TOKEN_MAX + 1, IAKERB_STATUS_SUCCESS,
				 NULL, 0, 0);
	assert_int_equal(n, -EINVAL);
	n = iakerb_callout_build(buf, sizeof(buf), 1, secret, NULL, 0, 0, tok,
				 IAKERB_TOKEN_MAX, 1);
	assert_true(n > 0 && n <= IAKERB_CALLOUT_MAX);
	/* an empty final token is fine (SUCCESS with no security buffer) */
	n = iakerb_callout_build(buf, sizeof(buf), 7, secret, NULL, 0,
				 IAKERB_STATUS_SUCCESS, NULL, 0, 0);
	assert_true(n > 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 7), 0);
	assert_int_equal(m.server_blob_len, 0);
	/* legs */
	assert_int_equal(iakerb_callout_build(buf, sizeof(buf), 0, secret,
					      NULL, 0, 0, NULL, 0, 0), -EINVAL);
	assert_true(iakerb_callout_build(buf, sizeof(buf), IAKERB_MAX_LEGS,
					 secret, NULL, 0,
					 IAKERB_STATUS_SUCCESS, NULL, 0, 0) > 0);
	assert_int_equal(iakerb_callout_build(buf, sizeof(buf),
					      IAKERB_MAX_LEGS + 1, secret,
					      NULL, 0, IAKERB_STATUS_SUCCESS,
					      NULL, 0, 0), -EINVAL);
	/* other NTSTATUS values never reach the helper */
	assert_int_equal(iakerb_callout_build(buf, sizeof(buf), 2, secret,
					      NULL, 0, 0xc000006du, NULL, 0,
					      0), -EINVAL);
	/* arguments that do not belong to the leg */
	assert_int_equal(iakerb_callout_build(buf, sizeof(buf), 1, secret,
					      tok, 5, 0, NULL, 0, 0), -EINVAL);
	assert_int_equal(iakerb_callout_build(buf, sizeof(buf), 2, secret,
					      tok, 5, 0, NULL, 0, 9), -EINVAL);
	assert_int_equal(iakerb_callout_build(buf, sizeof(buf), 2, secret,
					      tok, 5, 0, tok, 5, 0), -EINVAL);
}

static void test_callout_leg_rules(void **state)
{
	struct iakerb_msg m;
	const struct rec sec = { IAKERB_T_SECRET, 32, secret };
	const struct rec st = { IAKERB_T_SMB_STATUS, 4, U32(0) };
	const struct rec blob = { IAKERB_T_SERVER_BLOB, 3, "abc" };
	const struct rec neg = { IAKERB_T_NEG_BLOB, 3, "neg" };
	const struct rec cred = { IAKERB_T_CRED_KEY, 4, U32(77) };
	struct rec r[4];
	size_t n;

	r[0] = sec; r[1] = st; r[2] = blob;
	n = raw(buf, IAKERB_KIND_CALLOUT, r, 3);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 2), 0);
	assert_int_equal(iakerb_callout_check(&m, 1), -EPROTO);
	assert_int_equal(iakerb_callout_check(&m, 0), -EPROTO);
	assert_int_equal(iakerb_callout_check(&m, 33), -EPROTO);
	/* later legs: both status and blob, never NEGOTIATE or a cred */
	r[0] = sec; r[1] = blob;
	n = raw(buf, IAKERB_KIND_CALLOUT, r, 2);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 2), -EPROTO);
	r[0] = sec; r[1] = st; r[2] = blob; r[3] = cred;
	n = raw(buf, IAKERB_KIND_CALLOUT, r, 4);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 2), -EPROTO);
	r[3] = neg;
	n = raw(buf, IAKERB_KIND_CALLOUT, r, 4);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 3), -EPROTO);
	/* not a callout at all */
	r[0] = (struct rec){ IAKERB_T_NONCE, 16, nonce };
	r[1] = (struct rec){ IAKERB_T_PROOF, 16, secret };
	n = raw(buf, IAKERB_KIND_PROOF, r, 2);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_callout_check(&m, 1), -EPROTO);
}

static void test_header(void **state)
{
	struct iakerb_msg m;
	size_t n;
	int k;

	n = iakerb_callout_build(buf, sizeof(buf), 1, secret, NULL, 0, 0,
				 NULL, 0, 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(iakerb_msg_parse(buf, 11, &m), -EPROTO);
	assert_int_equal(iakerb_msg_parse(buf, 0, &m), -EPROTO);
	buf[0] = 'c';
	assert_int_equal(iakerb_msg_parse(buf, n, &m), -EPROTO);
	buf[0] = 'C';
	buf[4] = 2;
	assert_int_equal(iakerb_msg_parse(buf, n, &m), -EPROTONOSUPPORT);
	buf[4] = 1;
	for (k = 0; k < 256; k++) {
		int want = k >= IAKERB_KIND_CALLOUT && k <= IAKERB_KIND_MAX ?
			   0 : -EPROTO;

		buf[5] = k;
		/* a callout's records are not all allowed in other kinds */
		if (want == 0 && k != IAKERB_KIND_CALLOUT)
			want = -EPROTO;
		assert_int_equal(iakerb_msg_parse(buf, n, &m), want);
	}
	buf[5] = IAKERB_KIND_CALLOUT;
	buf[6] = 1;
	assert_int_equal(iakerb_msg_parse(buf, n, &m), -EPROTO);
	buf[6] = 0;
	buf[7] = 0x80;
	assert_int_equal(iakerb_msg_parse(buf, n, &m), -EPROTO);
	buf[7] = 0;
	/* the length field must be the buffer's length, exactly */
	iakerb_put_u32(buf + 8, n + 1);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), -EPROTO);
	assert_int_equal(iakerb_msg_parse(buf, n + 1, &m), -EPROTO);
	iakerb_put_u32(buf + 8, n - 1);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), -EPROTO);
	iakerb_put_u32(buf + 8, n);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	/* too big even if consistent */
	memcpy(big, buf, n);
	iakerb_put_u32(big + 8, IAKERB_MSG_MAX + 1);
	assert_int_equal(iakerb_msg_parse(big, IAKERB_MSG_MAX + 1, &m),
			 -EPROTO);
}

static void test_truncation(void **state)
{
	struct iakerb_msg m;
	int n;
	size_t cut;

	n = iakerb_callout_build(buf, sizeof(buf), 1, secret, NULL, 0, 0,
				 "neg", 3, 5);
	assert_true(n > 0);
	/* every shorter buffer: the header's length gives it away */
	for (cut = 0; cut < (size_t)n; cut++)
		assert_int_equal(iakerb_msg_parse(buf, cut, &m), -EPROTO);
	/*
	 * With the header rewritten to match, only a cut between records
	 * leaves a (shorter) valid message: secret | neg | cred
	 */
	for (cut = IAKERB_MSG_HDR_LEN; cut < (size_t)n; cut++) {
		size_t after_secret = IAKERB_MSG_HDR_LEN + 8 + 32;
		int want = cut == after_secret || cut == after_secret + 8 + 3 ?
			   0 : -EPROTO;

		memcpy(big, buf, cut);
		iakerb_put_u32(big + 8, cut);
		assert_int_equal(iakerb_msg_parse(big, cut, &m), want);
	}
}

static void test_records(void **state)
{
	const struct rec sec = { IAKERB_T_SECRET, 32, secret };
	__u8 zero[40] = { 0 };
	struct rec r[3];

	r[0] = sec;
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 1), 0);
	/* duplicate */
	r[1] = sec;
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 2), -EPROTO);
	/* secret of the wrong size */
	r[0] = (struct rec){ IAKERB_T_SECRET, 31, secret };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 1), -EPROTO);
	r[0] = (struct rec){ IAKERB_T_SECRET, 33, zero };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 1), -EPROTO);
	/* missing the secret */
	r[0] = (struct rec){ IAKERB_T_NEG_BLOB, 1, "x" };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 1), -EPROTO);
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 0), -EPROTO);
	/* unknown critical, unknown ignorable, type 0 */
	r[0] = sec;
	r[1] = (struct rec){ 99, 2, "xx" };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 2),
			 -EPROTONOSUPPORT);
	r[1] = (struct rec){ 0, 0, "" };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 2),
			 -EPROTONOSUPPORT);
	r[1] = (struct rec){ IAKERB_T_IGNORABLE | 99, 2, "xx" };
	r[2] = (struct rec){ IAKERB_T_IGNORABLE | 99, 0, "" };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 3), 0);
	/* a known type with the ignorable bit is a different, unknown type */
	r[1] = (struct rec){ IAKERB_T_IGNORABLE | IAKERB_T_SECRET, 2, "xx" };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 2), 0);
	/* a type the kind does not allow */
	r[1] = (struct rec){ IAKERB_T_PAYLOAD, 16, zero };
	assert_int_equal(parse_raw(IAKERB_KIND_CALLOUT, r, 2), -EPROTO);
	/* record header cut short: 4 stray bytes after the secret */
	{
		struct iakerb_msg m;
		size_t n = raw(buf, IAKERB_KIND_CALLOUT, &sec, 1);

		memset(buf + n, 0, 4);
		iakerb_put_u32(buf + 8, n + 4);
		assert_int_equal(iakerb_msg_parse(buf, n + 4, &m), -EPROTO);
		/* a record length past the end, and a huge one */
		iakerb_put_u32(buf + 8, n + 8);
		iakerb_put_u32(buf + n, IAKERB_T_NEG_BLOB);
		iakerb_put_u32(buf + n + 4, 1);
		assert_int_equal(iakerb_msg_parse(buf, n + 8, &m), -EPROTO);
		iakerb_put_u32(buf + n + 4, 0xffffffffu);
		assert_int_equal(iakerb_msg_parse(buf, n + 8, &m), -EPROTO);
		iakerb_put_u32(buf + n + 4, 0);
		assert_int_equal(iakerb_msg_parse(buf, n + 8, &m), 0);
	}
}

/* Every type: each length it takes, and the values it refuses */
static void test_record_values(void **state)
{
	struct rec r[2] = { { IAKERB_T_SECRET, 32, secret } };
	static __u8 blob[IAKERB_TOKEN_MAX + 1];

	r[1] = (struct rec){ IAKERB_T_CRED_KEY, 4, U32(0) };
	assert_int_equal(parse_raw(1, r, 2), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_CRED_KEY, 4, U32(0x80000000u) };
	assert_int_equal(parse_raw(1, r, 2), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_CRED_KEY, 4, U32(0x7fffffffu) };
	assert_int_equal(parse_raw(1, r, 2), 0);
	r[1] = (struct rec){ IAKERB_T_CRED_KEY, 8, blob };
	assert_int_equal(parse_raw(1, r, 2), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_SMB_STATUS, 4, U32(0xc000006du) };
	assert_int_equal(parse_raw(1, r, 2), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_SMB_STATUS, 4,
			     U32(IAKERB_STATUS_MORE_PROCESSING) };
	assert_int_equal(parse_raw(1, r, 2), 0);
	r[1] = (struct rec){ IAKERB_T_SMB_STATUS, 3, blob };
	assert_int_equal(parse_raw(1, r, 2), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_SERVER_BLOB, IAKERB_TOKEN_MAX, blob };
	assert_int_equal(parse_raw(1, r, 2), 0);
	r[1] = (struct rec){ IAKERB_T_SERVER_BLOB, IAKERB_TOKEN_MAX + 1, blob };
	assert_int_equal(parse_raw(1, r, 2), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_NEG_BLOB, IAKERB_TOKEN_MAX + 1, blob };
	assert_int_equal(parse_raw(1, r, 2), -EPROTO);
}

static void test_agent_messages(void **state)
{
	static const char desc[] = "ver=0x2;host=h;leg=2";
	static const __u8 tok[] = "token";
	__u8 pay[IAKERB_PAYLOAD_HDR_LEN + 4] = { 2 };
	struct iakerb_msg_writer w;
	struct iakerb_msg m;
	int n;

	iakerb_put_u32(pay + 8, 4);	/* a legacy-shaped payload */
	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_HELLO);
	iakerb_msg_put(&w, IAKERB_T_EXCH, EXCH, IAKERB_EXCH_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	n = iakerb_msg_end(&w);
	assert_true(n > 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(m.kind, IAKERB_KIND_HELLO);
	assert_memory_equal(m.exch, EXCH, IAKERB_EXCH_LEN);
	assert_int_equal(m.leg, 2);
	assert_memory_equal(m.nonce, nonce, IAKERB_NONCE_LEN);

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_PROOF);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put(&w, IAKERB_T_PROOF, secret + IAKERB_AGENT_PROOF_OFF,
		       IAKERB_PROOF_LEN);
	n = iakerb_msg_end(&w);
	assert_true(n > 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_memory_equal(m.proof, secret + 16, 16);

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_REQUEST);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put(&w, IAKERB_T_PROOF, secret, IAKERB_PROOF_LEN);
	iakerb_msg_put(&w, IAKERB_T_DESC, desc, strlen(desc));
	iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS,
			   IAKERB_STATUS_MORE_PROCESSING);
	iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, tok, sizeof(tok));
	n = iakerb_msg_end(&w);
	assert_true(n > 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(m.desc_len, strlen(desc));
	assert_memory_equal(m.desc, desc, m.desc_len);
	assert_memory_equal(m.server_blob, tok, sizeof(tok));

	/* a request without its description is refused */
	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_REQUEST);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put(&w, IAKERB_T_PROOF, secret, IAKERB_PROOF_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS, 0);
	iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, tok, sizeof(tok));
	assert_int_equal(iakerb_msg_end(&w), -EINVAL);
	/* nor one with a NUL in it */
	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_REQUEST);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put(&w, IAKERB_T_PROOF, secret, IAKERB_PROOF_LEN);
	iakerb_msg_put(&w, IAKERB_T_DESC, "a\0b", 3);
	iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS, 0);
	iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, tok, sizeof(tok));
	assert_int_equal(iakerb_msg_end(&w), -EINVAL);

	/* results: success carries a payload, failure does not */
	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, 0);
	iakerb_msg_put(&w, IAKERB_T_PAYLOAD, pay, sizeof(pay));
	n = iakerb_msg_end(&w);
	assert_true(n > 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(m.payload_len, sizeof(pay));

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, EKEYREJECTED);
	n = iakerb_msg_end(&w);
	assert_true(n > 0);
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(m.err, EKEYREJECTED);

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, 0);
	assert_int_equal(iakerb_msg_end(&w), -EINVAL);

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, EPROTO);
	iakerb_msg_put(&w, IAKERB_T_PAYLOAD, pay, sizeof(pay));
	assert_int_equal(iakerb_msg_end(&w), -EINVAL);

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, 4096);
	assert_int_equal(iakerb_msg_end(&w), -EINVAL);
	/* a payload shorter than a cifs_spnego_msg header */
	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, 0);
	iakerb_msg_put(&w, IAKERB_T_PAYLOAD, pay, 15);
	assert_int_equal(iakerb_msg_end(&w), -EINVAL);
}

/* The channel's two messages (§8): the kernel's LEG, the agent's ANSWER */
static void test_channel_kinds(void **state)
{
	static const char desc[] = "ver=0x2;host=h;leg=2";
	static const __u8 tok[6] = "token";
	__u8 pay[IAKERB_PAYLOAD_HDR_LEN + 4] = { 2 };
	struct rec r[4];

	r[0] = (struct rec){ IAKERB_T_SECRET, IAKERB_SECRET_LEN, secret };
	r[1] = (struct rec){ IAKERB_T_SMB_STATUS, 4,
			     U32(IAKERB_STATUS_MORE_PROCESSING) };
	r[2] = (struct rec){ IAKERB_T_SERVER_BLOB, sizeof(tok), tok };
	r[3] = (struct rec){ IAKERB_T_DESC, sizeof(desc) - 1, desc };
	assert_int_equal(parse_raw(IAKERB_KIND_LEG, r, 4), 0);
	/* every record is required */
	assert_int_equal(parse_raw(IAKERB_KIND_LEG, r, 3), -EPROTO);
	assert_int_equal(parse_raw(IAKERB_KIND_LEG, r + 1, 3), -EPROTO);
	/* a helper's proof has no place in it */
	r[3] = (struct rec){ IAKERB_T_PROOF, IAKERB_PROOF_LEN, secret };
	assert_int_equal(parse_raw(IAKERB_KIND_LEG, r, 4), -EPROTO);

	/* an answer: a payload exactly on success, no nonce */
	r[0] = (struct rec){ IAKERB_T_LEG, 4, U32(3) };
	r[1] = (struct rec){ IAKERB_T_ERRNO, 4, U32(0) };
	r[2] = (struct rec){ IAKERB_T_PAYLOAD, sizeof(pay), pay };
	assert_int_equal(parse_raw(IAKERB_KIND_ANSWER, r, 3), 0);
	assert_int_equal(parse_raw(IAKERB_KIND_ANSWER, r, 2), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_ERRNO, 4, U32(EKEYREJECTED) };
	assert_int_equal(parse_raw(IAKERB_KIND_ANSWER, r, 2), 0);
	assert_int_equal(parse_raw(IAKERB_KIND_ANSWER, r, 3), -EPROTO);
	r[2] = (struct rec){ IAKERB_T_NONCE, IAKERB_NONCE_LEN, nonce };
	assert_int_equal(parse_raw(IAKERB_KIND_ANSWER, r, 3), -EPROTO);
	/* a kind past the last */
	assert_int_equal(parse_raw(IAKERB_KIND_ANSWER + 1, r, 2), -EPROTO);
}

static void test_hello_values(void **state)
{
	struct rec r[3];

	r[0] = (struct rec){ IAKERB_T_EXCH, 16, EXCH };
	r[1] = (struct rec){ IAKERB_T_LEG, 4, U32(32) };
	r[2] = (struct rec){ IAKERB_T_NONCE, 16, nonce };
	assert_int_equal(parse_raw(IAKERB_KIND_HELLO, r, 3), 0);
	r[1] = (struct rec){ IAKERB_T_LEG, 4, U32(33) };
	assert_int_equal(parse_raw(IAKERB_KIND_HELLO, r, 3), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_LEG, 4, U32(0) };
	assert_int_equal(parse_raw(IAKERB_KIND_HELLO, r, 3), -EPROTO);
	r[1] = (struct rec){ IAKERB_T_LEG, 4, U32(2) };
	r[0] = (struct rec){ IAKERB_T_EXCH, 16, "0123456789ABCDEF" };
	assert_int_equal(parse_raw(IAKERB_KIND_HELLO, r, 3), -EPROTO);
	r[0] = (struct rec){ IAKERB_T_EXCH, 15, EXCH };
	assert_int_equal(parse_raw(IAKERB_KIND_HELLO, r, 3), -EPROTO);
	r[0] = (struct rec){ IAKERB_T_EXCH, 16, EXCH };
	r[2] = (struct rec){ IAKERB_T_NONCE, 15, nonce };
	assert_int_equal(parse_raw(IAKERB_KIND_HELLO, r, 3), -EPROTO);
	/* a hello may not carry the secret */
	r[2] = (struct rec){ IAKERB_T_SECRET, 32, secret };
	assert_int_equal(parse_raw(IAKERB_KIND_HELLO, r, 3), -EPROTO);
}

static void test_writer_overflow(void **state)
{
	struct iakerb_msg_writer w;
	int full, cap;

	full = iakerb_callout_build(buf, sizeof(buf), 2, secret, "blob", 4,
				   0, NULL, 0, 0);
	assert_true(full > 0);
	for (cap = 0; cap < full; cap++) {
		__u8 *b = malloc(cap ? cap : 1);

		assert_int_equal(iakerb_callout_build(b, cap, 2, secret,
						      "blob", 4, 0, NULL, 0,
						      0), -EMSGSIZE);
		free(b);
	}
	/* sticky: after an error, nothing more is written */
	iakerb_msg_begin(&w, buf, 20, IAKERB_KIND_CALLOUT);
	iakerb_msg_put(&w, IAKERB_T_SECRET, secret, 32);
	assert_int_equal(w.err, -EMSGSIZE);
	assert_int_equal(w.len, IAKERB_MSG_HDR_LEN);
	iakerb_msg_put(&w, IAKERB_T_LEG, "\1\0\0\0", 4);
	assert_int_equal(w.len, IAKERB_MSG_HDR_LEN);
	assert_int_equal(iakerb_msg_end(&w), -EMSGSIZE);
}

/* Usage: test_msg VECTORS_DIR (tests/vectors/windows-iakerb) */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callout_leg1),
		cmocka_unit_test(test_callout_windows_legs),
		cmocka_unit_test(test_callout_limits),
		cmocka_unit_test(test_callout_leg_rules),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_record_values),
		cmocka_unit_test(test_agent_messages),
		cmocka_unit_test(test_hello_values),
		cmocka_unit_test(test_writer_overflow),
		cmocka_unit_test(test_channel_kinds),
	};

	vectors_dir = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
