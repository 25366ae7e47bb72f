// SPDX-License-Identifier: GPL-2.0
/*
 * Callout data (PROTOCOL.md §4): what cifs_iakerb_callout() writes must
 * parse with iakerb_msg_parse() and pass iakerb_callout_check() for its
 * leg, and be byte for byte what iakerb_callout_build() writes.
 */
#include "kpure_test.h"

#define BIT_T(t)	(1u << (t))

static u8 blob[IAKERB_TOKEN_MAX + 1];
static u8 kbuf[IAKERB_CALLOUT_MAX + 64];
static u8 gbuf[IAKERB_CALLOUT_MAX + 64];

static int setup_blob(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (u8)(i * 7 + (i >> 8));
	return 0;
}

/*
 * The codec's builder takes the NEGOTIATE buffer (leg 1) and the server's
 * token (later legs) as separate arguments; the kernel's passes whichever
 * the leg carries in @b.
 */
static int codec_callout(u8 *buf, size_t cap, unsigned int leg, const u8 *b,
			 size_t blen, u32 status, u32 cred)
{
	if (leg == 1)
		return iakerb_callout_build(buf, cap, leg, kpure_secret, NULL,
					    0, status, blen ? b : NULL, blen,
					    cred);
	return iakerb_callout_build(buf, cap, leg, kpure_secret, b, blen,
				    status, NULL, 0, cred);
}

static void check_callout(unsigned int leg, const u8 *b, size_t blen,
			  u32 status, u32 cred)
{
	size_t want = cifs_iakerb_callout_len(leg, blen, cred);
	struct iakerb_msg m;
	int n, g;

	n = cifs_iakerb_callout(kbuf, sizeof(kbuf), leg, kpure_secret, b, blen,
				status, cred);
	if (n < 0)
		fail_msg("leg %u blob %zu status 0x%x cred %u: %d", leg, blen,
			 status, cred, n);
	assert_uint_equal(n, want);
	assert_true(n <= IAKERB_CALLOUT_MAX);

	g = codec_callout(gbuf, sizeof(gbuf), leg, b, blen, status, cred);
	assert_int_equal(g, n);
	assert_memory_equal(kbuf, gbuf, n);

	assert_int_equal(iakerb_msg_parse(kbuf, n, &m), 0);
	assert_int_equal(m.kind, IAKERB_KIND_CALLOUT);
	assert_int_equal(iakerb_callout_check(&m, leg), 0);
	assert_ptr_equal(m.secret, kbuf + IAKERB_MSG_HDR_LEN +
				   IAKERB_REC_HDR_LEN);
	assert_memory_equal(m.secret, kpure_secret, IAKERB_SECRET_LEN);
	if (leg == 1) {
		assert_uint_equal(m.have, BIT_T(IAKERB_T_SECRET) |
					  (blen ? BIT_T(IAKERB_T_NEG_BLOB) : 0) |
					  (cred ? BIT_T(IAKERB_T_CRED_KEY) : 0));
		assert_uint_equal(m.cred_key, cred);
		assert_uint_equal(m.neg_blob_len, blen);
		if (blen)
			assert_memory_equal(m.neg_blob, b, blen);
		/* no later leg would take it */
		assert_int_not_equal(iakerb_callout_check(&m, 2), 0);
	} else {
		assert_uint_equal(m.have, BIT_T(IAKERB_T_SECRET) |
					  BIT_T(IAKERB_T_SMB_STATUS) |
					  BIT_T(IAKERB_T_SERVER_BLOB));
		assert_uint_equal(m.smb_status, status);
		assert_uint_equal(m.server_blob_len, blen);
		assert_ptr_equal(m.server_blob, kbuf + n - blen);
		if (blen)
			assert_memory_equal(m.server_blob, b, blen);
		assert_int_not_equal(iakerb_callout_check(&m, 1), 0);
	}
}

static void callout_leg1(void **state)
{
	check_callout(1, NULL, 0, 0, 0);
	/* leg 1 has no server status: whatever is passed is not written */
	check_callout(1, NULL, 0, IAKERB_STATUS_MORE_PROCESSING, 0);
	assert_int_equal(cifs_iakerb_callout_len(1, 0, 0),
			 IAKERB_MSG_HDR_LEN + IAKERB_REC_HDR_LEN +
			 IAKERB_SECRET_LEN);
}

static void callout_leg1_cred_key(void **state)
{
	static const u32 creds[] = { 1, 0x2a, 0x1234567, 0x7fffffff };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(creds); i++)
		check_callout(1, NULL, 0, 0, creds[i]);
	assert_int_equal(cifs_iakerb_callout_len(1, 0, 5),
			 IAKERB_MSG_HDR_LEN + 2 * IAKERB_REC_HDR_LEN +
			 IAKERB_SECRET_LEN + 4);
}

static void callout_leg1_neg_blob(void **state)
{
	static const size_t sizes[] = { 1, 2, 120, 1500, IAKERB_TOKEN_MAX };
	size_t z;

	for (z = 0; z < ARRAY_SIZE(sizes); z++) {
		check_callout(1, blob, sizes[z], 0, 0);
		check_callout(1, blob, sizes[z], 0, 0x2a);
	}
	assert_int_equal(cifs_iakerb_callout_len(1, 120, 5),
			 IAKERB_MSG_HDR_LEN + 3 * IAKERB_REC_HDR_LEN +
			 IAKERB_SECRET_LEN + 120 + 4);
}

static void callout_later_legs(void **state)
{
	static const unsigned int legs[] = { 2, 3, 17, IAKERB_MAX_LEGS };
	static const u32 status[] = { IAKERB_STATUS_SUCCESS,
				      IAKERB_STATUS_MORE_PROCESSING };
	static const size_t sizes[] = { 0, 1, 2, 1500, IAKERB_TOKEN_MAX };
	size_t l, s, z;

	for (l = 0; l < ARRAY_SIZE(legs); l++)
		for (s = 0; s < ARRAY_SIZE(status); s++)
			for (z = 0; z < ARRAY_SIZE(sizes); z++)
				check_callout(legs[l], blob, sizes[z],
					      status[s], 0);
	/* an empty server token may come without a buffer */
	check_callout(2, NULL, 0, IAKERB_STATUS_SUCCESS, 0);
	/* the token ends the message, unpadded */
	check_callout(4, blob + 1, 3, IAKERB_STATUS_MORE_PROCESSING, 0);
	assert_int_equal(cifs_iakerb_callout_len(2, IAKERB_TOKEN_MAX, 0),
			 IAKERB_MSG_HDR_LEN + 3 * IAKERB_REC_HDR_LEN +
			 IAKERB_SECRET_LEN + 4 + IAKERB_TOKEN_MAX);
}

/* Exactly the bytes it needs, in a buffer of that size (ASan watches) */
static void exact_cap(unsigned int leg, size_t blen, u32 status, u32 cred)
{
	size_t len = cifs_iakerb_callout_len(leg, blen, cred), cap, i;
	const u8 *b = blen ? blob : NULL;
	u8 *buf;

	for (cap = len - 2; cap <= len; cap++) {
		buf = malloc(cap);
		assert_non_null(buf);
		memset(buf, 0x5a, cap);
		if (cap < len) {
			assert_int_equal(cifs_iakerb_callout(buf, cap, leg,
							     kpure_secret, b,
							     blen, status,
							     cred),
					 -EMSGSIZE);
			for (i = 0; i < cap; i++)
				assert_int_equal(buf[i], 0x5a);
		} else {
			assert_int_equal(cifs_iakerb_callout(buf, cap, leg,
							     kpure_secret, b,
							     blen, status,
							     cred),
					 len);
		}
		free(buf);
	}
	assert_int_equal(cifs_iakerb_callout(kbuf, 0, leg, kpure_secret, b,
					     blen, status, cred), -EMSGSIZE);
}

static void callout_exact_cap(void **state)
{
	exact_cap(1, 0, 0, 0);
	exact_cap(1, 0, 0, 77);
	exact_cap(1, 200, 0, 77);
	exact_cap(2, 0, IAKERB_STATUS_SUCCESS, 0);
	exact_cap(2, 1, IAKERB_STATUS_MORE_PROCESSING, 0);
	exact_cap(9, IAKERB_TOKEN_MAX, IAKERB_STATUS_MORE_PROCESSING, 0);
}

/* Refused input: -EINVAL and nothing written */
static void refused(unsigned int leg, const u8 *b, size_t blen, u32 status,
		    u32 cred)
{
	size_t i;
	int rc;

	memset(kbuf, 0x5a, sizeof(kbuf));
	rc = cifs_iakerb_callout(kbuf, sizeof(kbuf), leg, kpure_secret, b,
				 blen, status, cred);
	if (rc != -EINVAL)
		fail_msg("leg %u blob %p/%zu status 0x%x cred %u: %d, not -EINVAL",
			 leg, (const void *)b, blen, status, cred, rc);
	for (i = 0; i < sizeof(kbuf); i++)
		assert_int_equal(kbuf[i], 0x5a);
}

static void callout_invalid(void **state)
{
	const u32 more = IAKERB_STATUS_MORE_PROCESSING;

	/* legs 1..32 */
	refused(0, NULL, 0, 0, 0);
	refused(0, blob, 5, more, 0);
	refused(33, blob, 5, more, 0);
	refused(0xffffffffu, blob, 5, more, 0);
	/* no token longer than 16 bits, nor a length without a buffer */
	refused(1, blob, IAKERB_TOKEN_MAX + 1, 0, 0);
	refused(1, NULL, 5, 0, 0);
	refused(2, blob, IAKERB_TOKEN_MAX + 1, more, 0);
	refused(2, blob, (size_t)-1, more, 0);
	/* the password key goes with leg 1 only */
	refused(2, blob, 5, more, 9);
	refused(32, blob, 5, IAKERB_STATUS_SUCCESS, 9);
	/* only SUCCESS and MORE_PROCESSING reach a helper */
	refused(2, blob, 5, 0xc000006du, 0);	/* LOGON_FAILURE */
	refused(2, blob, 5, 0x00000103u, 0);	/* PENDING */
	refused(2, blob, 5, more + 1, 0);
	refused(2, blob, 5, 1, 0);
	refused(2, blob, 5, 0xffffffffu, 0);
}

/*
 * The codec as the oracle over edge inputs: whatever the kernel builds,
 * the codec builds the same bytes and the helper accepts for that leg;
 * whatever the codec refuses to build, the kernel refuses too.
 */
static void callout_agrees_with_codec(void **state)
{
	static const unsigned int legs[] = { 0, 1, 2, 31, 32, 33 };
	static const u32 status[] = { IAKERB_STATUS_SUCCESS,
				      IAKERB_STATUS_MORE_PROCESSING,
				      0xc000006du };
	static const u32 creds[] = { 0, 1, 0x7fffffff, 0x80000000u,
				     0xffffffffu };
	static const size_t sizes[] = { 0, 1, IAKERB_TOKEN_MAX,
					IAKERB_TOKEN_MAX + 1 };
	char bad[1024] = "";
	struct iakerb_msg m;
	size_t l, s, c, z, used = 0;
	int n, g;

	for (l = 0; l < ARRAY_SIZE(legs); l++)
	for (s = 0; s < ARRAY_SIZE(status); s++)
	for (c = 0; c < ARRAY_SIZE(creds); c++)
	for (z = 0; z < ARRAY_SIZE(sizes); z++) {
		unsigned int leg = legs[l];
		const u8 *b = sizes[z] ? blob : NULL;

		n = cifs_iakerb_callout(kbuf, sizeof(kbuf), leg, kpure_secret,
					b, sizes[z], status[s], creds[c]);
		g = codec_callout(gbuf, sizeof(gbuf), leg, b, sizes[z],
				  status[s], creds[c]);
		if (n < 0 && g < 0)
			continue;
		if (n < 0)	/* stricter than the codec is fine */
			continue;
		if (g < 0) {
			if (used < sizeof(bad))
				used += snprintf(bad + used, sizeof(bad) - used,
						 "\n  leg %u status 0x%x cred 0x%x blob %zu: %d bytes (codec: %d)",
						 leg, status[s], creds[c],
						 sizes[z], n, g);
			continue;
		}
		assert_int_equal(n, g);
		assert_memory_equal(kbuf, gbuf, n);
		assert_int_equal(iakerb_msg_parse(kbuf, n, &m), 0);
		assert_int_equal(iakerb_callout_check(&m, leg), 0);
	}
	if (used)
		fail_msg("the kernel builds callouts the codec refuses:%s\n", bad);
}

int kpure_run_callout(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(callout_leg1),
		cmocka_unit_test(callout_leg1_cred_key),
		cmocka_unit_test(callout_leg1_neg_blob),
		cmocka_unit_test(callout_later_legs),
		cmocka_unit_test(callout_exact_cap),
		cmocka_unit_test(callout_invalid),
		cmocka_unit_test(callout_agrees_with_codec),
	};

	return cmocka_run_group_tests_name("callout", tests, setup_blob,
					   NULL);
}
