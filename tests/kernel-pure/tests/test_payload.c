// SPDX-License-Identifier: GPL-2.0
/*
 * Helper payloads (PROTOCOL.md §5): cifs_iakerb_parse_payload() against
 * the helper's own iakerb_payload_parse() on the same bytes and the same
 * expectation.  Both accept or both refuse; when they accept they find
 * the same fields at the same places.  The kernel says EKEYREJECTED for
 * a wrong version (as 7.2 does) and EPROTO for everything else.
 */
#include "kpure_test.h"

static u8 buf[IAKERB_PAYLOAD_MAX + 4096];
static u8 tok[IAKERB_TOKEN_MAX + 1];
static const u8 key[IAKERB_SESSKEY_MAX + 1] =
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int setup_tok(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(tok); i++)
		tok[i] = (u8)(0x60 + i % 31);
	return 0;
}

/*
 * Parse with both; fail unless they agree.  Returns the kernel's result.
 */
static int both_at(const u8 *b, size_t len, u32 expect,
		   struct cifs_iakerb_reply *r, int line)
{
	struct iakerb_payload p;
	int kret, gret, want;

	kret = cifs_iakerb_parse_payload(b, len, expect, r);
	gret = iakerb_payload_parse(b, len, expect, &p);
	if (gret) {
		want = len >= IAKERB_PAYLOAD_HDR_LEN &&
		       kpure_get32(b) != IAKERB_UPCALL_VERSION ?
		       -EKEYREJECTED : -EPROTO;
		/* too long and the wrong version: either reason will do */
		if (want == -EKEYREJECTED && len > IAKERB_PAYLOAD_MAX &&
		    kret == -EPROTO)
			want = kret;
		if (kret != want)
			fail_msg("line %d: %zu bytes (ver %u flags %u key %u blob %u), expect 0x%x: helper %d, kernel %d, want %d",
				 line, len,
				 len >= 4 ? kpure_get32(b) : 0,
				 len >= 8 ? kpure_get32(b + 4) : 0,
				 len >= 12 ? kpure_get32(b + 8) : 0,
				 len >= 16 ? kpure_get32(b + 12) : 0,
				 expect, gret, kret, want);
		return kret;
	}
	if (kret)
		fail_msg("line %d: %zu bytes (flags %u key %u blob %u), expect 0x%x: the helper's parser accepts, the kernel says %d",
			 line, len, p.flags, p.sesskey_len, p.secblob_len,
			 expect, kret);
	assert_uint_equal(r->flags, p.flags);
	assert_ptr_equal(r->sesskey, p.sesskey);
	assert_uint_equal(r->sesskey_len, p.sesskey_len);
	assert_ptr_equal(r->secblob, p.secblob);
	assert_uint_equal(r->secblob_len, p.secblob_len);
	assert_uint_equal(r->agent_pid, p.agent_pid);
	assert_uint_equal(r->has_chan, !!p.has_chan);
	assert_uint_equal(r->chan_fd, p.chan_fd);
	assert_uint_equal(r->reauth_sec, p.reauth_sec);
	/* and what it found lies inside what it was given */
	if (r->sesskey_len)
		assert_true(r->sesskey >= b &&
			    r->sesskey + r->sesskey_len <= b + len);
	if (r->secblob_len)
		assert_true(r->secblob >= b &&
			    r->secblob + r->secblob_len <= b + len);
	return 0;
}

#define both(b, len, expect, r)	both_at(b, len, expect, r, __LINE__)

static int build(u32 flags, u32 klen, u32 blen, u32 agent)
{
	struct iakerb_payload p = {
		.flags = flags, .sesskey = key, .sesskey_len = klen,
		.secblob = tok, .secblob_len = blen, .agent_pid = agent,
	};
	int n = iakerb_payload_build(buf, sizeof(buf), &p);

	if (n < 0)
		fail_msg("iakerb_payload_build(flags %u, key %u, blob %u, agent %u): %d",
			 flags, klen, blen, agent, n);
	return n;
}

/* Header by hand, for shapes no builder makes */
static size_t raw(u32 ver, u32 flags, u32 klen, u32 blen, size_t body)
{
	kpure_put32(buf, ver);
	kpure_put32(buf + 4, flags);
	kpure_put32(buf + 8, klen);
	kpure_put32(buf + 12, blen);
	return IAKERB_PAYLOAD_HDR_LEN + body;
}

static void trailer(size_t at, u32 magic, u32 agent)
{
	kpure_put32(buf + at, magic);
	kpure_put32(buf + at + 4, agent);
}

/* A built payload under every expectation: accepted exactly where allowed */
static void every_expect(size_t n, u32 flags)
{
	struct cifs_iakerb_reply r;
	u32 expect;
	int rc;

	for (expect = 0; expect < 8; expect++) {
		rc = both(buf, n, expect, &r);
		if (expect & (1u << flags))
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, -EPROTO);
	}
	/* bits beyond the three answers change nothing */
	assert_int_equal(both(buf, n, 0xfffffff8u | (1u << flags), &r), 0);
	assert_int_equal(both(buf, n, ~(1u << flags), &r), -EPROTO);
}

static void payload_legacy(void **state)
{
	static const u32 klens[] = { 1, 16, IAKERB_SESSKEY_MAX };
	static const u32 blens[] = { 1, 700, IAKERB_TOKEN_MAX };
	struct cifs_iakerb_reply r;
	size_t k, b;
	int n;

	for (k = 0; k < ARRAY_SIZE(klens); k++) {
		for (b = 0; b < ARRAY_SIZE(blens); b++) {
			n = build(IAKERB_MSG_LEGACY, klens[k], blens[b], 0);
			every_expect(n, IAKERB_MSG_LEGACY);
			assert_int_equal(both(buf, n, IAKERB_EXPECT_FIRST, &r),
					 0);
			assert_uint_equal(r.flags, IAKERB_MSG_LEGACY);
			assert_ptr_equal(r.sesskey, buf + 16);
			assert_memory_equal(r.sesskey, key, klens[k]);
			assert_ptr_equal(r.secblob, buf + 16 + klens[k]);
			assert_memory_equal(r.secblob, tok, blens[b]);
			assert_uint_equal(r.agent_pid, 0);
		}
	}
}

static void payload_continue(void **state)
{
	static const u32 blens[] = { 1, 700, IAKERB_TOKEN_MAX };
	static const u32 agents[] = { 2, 4242, IAKERB_PID_MAX };
	struct cifs_iakerb_reply r;
	size_t b, a;
	int n;

	for (b = 0; b < ARRAY_SIZE(blens); b++) {
		for (a = 0; a < ARRAY_SIZE(agents); a++) {
			n = build(IAKERB_MSG_CONTINUE, 0, blens[b], agents[a]);
			every_expect(n, IAKERB_MSG_CONTINUE);
			assert_int_equal(both(buf, n, IAKERB_EXPECT_MIDDLE,
					      &r), 0);
			assert_uint_equal(r.flags, IAKERB_MSG_CONTINUE);
			assert_null(r.sesskey);
			assert_uint_equal(r.sesskey_len, 0);
			assert_ptr_equal(r.secblob, buf + 16);
			assert_uint_equal(r.secblob_len, blens[b]);
			assert_memory_equal(r.secblob, tok, blens[b]);
			assert_uint_equal(r.agent_pid, agents[a]);
			/* leg 1 may be answered CONTINUE too */
			assert_int_equal(both(buf, n, IAKERB_EXPECT_FIRST,
					      &r), 0);
		}
	}
}

static void payload_established(void **state)
{
	static const u32 klens[] = { 1, 16, 32, IAKERB_SESSKEY_MAX };
	struct cifs_iakerb_reply r;
	size_t k;
	int n;

	for (k = 0; k < ARRAY_SIZE(klens); k++) {
		n = build(IAKERB_MSG_ESTABLISHED, klens[k], 0, 0);
		every_expect(n, IAKERB_MSG_ESTABLISHED);
		assert_int_equal(both(buf, n, IAKERB_EXPECT_FINAL, &r), 0);
		assert_uint_equal(r.flags, IAKERB_MSG_ESTABLISHED);
		assert_ptr_equal(r.sesskey, buf + 16);
		assert_memory_equal(r.sesskey, key, klens[k]);
		assert_null(r.secblob);
		assert_uint_equal(r.secblob_len, 0);
	}
}

/* cifs-utils 7.9 instantiates 4 bytes more than it fills */
static void payload_slack(void **state)
{
	static const size_t slack[] = { 1, 4, 8, 64, 4096 };
	struct cifs_iakerb_reply r;
	size_t s;
	int n;

	for (s = 0; s < ARRAY_SIZE(slack); s++) {
		n = build(IAKERB_MSG_LEGACY, 16, 886, 0);
		assert_int_equal(both(buf, n + slack[s], IAKERB_EXPECT_FIRST,
				      &r), 0);
		assert_uint_equal(r.sesskey_len, 16);
		assert_uint_equal(r.secblob_len, 886);
		assert_ptr_equal(r.secblob, buf + 32);

		n = build(IAKERB_MSG_CONTINUE, 0, 886, 100);
		assert_int_equal(both(buf, n + slack[s], IAKERB_EXPECT_FIRST,
				      &r), -EPROTO);
		assert_int_equal(both(buf, n + slack[s], IAKERB_EXPECT_MIDDLE,
				      &r), -EPROTO);

		n = build(IAKERB_MSG_ESTABLISHED, 16, 0, 0);
		assert_int_equal(both(buf, n + slack[s], IAKERB_EXPECT_FINAL,
				      &r), -EPROTO);
	}
	/* the largest legacy answer, with 7.9's slack */
	n = build(IAKERB_MSG_LEGACY, IAKERB_SESSKEY_MAX, IAKERB_TOKEN_MAX, 0);
	assert_int_equal(both(buf, n + 4, IAKERB_EXPECT_FIRST, &r), 0);
}

/*
 * How much slack: the helper's parser takes at most IAKERB_PAYLOAD_MAX
 * bytes in all; the kernel must draw the line at the same place.
 */
static void payload_slack_limit(void **state)
{
	struct cifs_iakerb_reply r;
	int n;

	n = build(IAKERB_MSG_LEGACY, 16, 100, 0);
	assert_true(n < IAKERB_PAYLOAD_MAX);
	both(buf, IAKERB_PAYLOAD_MAX, IAKERB_EXPECT_FIRST, &r);
	both(buf, IAKERB_PAYLOAD_MAX + 1, IAKERB_EXPECT_FIRST, &r);
	both(buf, sizeof(buf), IAKERB_EXPECT_FIRST, &r);
}

/* Every prefix of a valid payload is refused by both */
static void truncations(size_t n)
{
	struct cifs_iakerb_reply r;
	size_t len;

	for (len = 0; len < n; len++) {
		both(buf, len, IAKERB_EXPECT_ANY, &r);
		assert_int_not_equal(cifs_iakerb_parse_payload(buf, len,
							       IAKERB_EXPECT_ANY,
							       &r), 0);
	}
}

static void payload_truncated(void **state)
{
	truncations(build(IAKERB_MSG_LEGACY, 1, 1, 0));
	truncations(build(IAKERB_MSG_LEGACY, 16, 700, 0));
	truncations(build(IAKERB_MSG_LEGACY, 64, IAKERB_TOKEN_MAX, 0));
	truncations(build(IAKERB_MSG_CONTINUE, 0, 1, 2));
	truncations(build(IAKERB_MSG_CONTINUE, 0, IAKERB_TOKEN_MAX, 999));
	truncations(build(IAKERB_MSG_ESTABLISHED, 1, 0, 0));
	truncations(build(IAKERB_MSG_ESTABLISHED, 64, 0, 0));
}

/* Lengths that would overflow a sum or run past the buffer */
static void payload_huge_lengths(void **state)
{
	static const u32 bad[][2] = {
		{ 0xffffffffu, 1 }, { 1, 0xffffffffu },
		{ 0xffffffffu, 0xffffffffu },
		{ 0xfffffff0u, 0x20 },		/* 16 + k + b wraps to 32 */
		{ 0x20, 0xfffffff0u },
		{ 0x80000000u, 0x80000000u },	/* k + b wraps to 0 */
		{ IAKERB_SESSKEY_MAX + 1, 1 }, { 1, IAKERB_TOKEN_MAX + 1 },
		{ 0, 0x10000u + 8 },
	};
	struct cifs_iakerb_reply r;
	u32 flags;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		for (flags = 0; flags <= IAKERB_MSG_ESTABLISHED; flags++) {
			/* as many bytes as the lengths would need, mod 2^32 */
			size_t body = (u32)(bad[i][0] + bad[i][1]) +
				      (flags == IAKERB_MSG_CONTINUE ? 8 : 0);

			if (body > sizeof(buf) - 16)
				body = sizeof(buf) - 16;
			raw(2, flags, bad[i][0], bad[i][1], 0);
			assert_int_equal(both(buf, 16 + body, IAKERB_EXPECT_ANY,
					      &r), -EPROTO);
			assert_int_equal(both(buf, sizeof(buf),
					      IAKERB_EXPECT_ANY, &r), -EPROTO);
		}
	}
}

static void payload_bad_version(void **state)
{
	static const u32 vers[] = { 0, 1, 3, 0x02000000u, 0xffffffffu };
	struct cifs_iakerb_reply r;
	size_t v;
	int n;

	for (v = 0; v < ARRAY_SIZE(vers); v++) {
		n = build(IAKERB_MSG_LEGACY, 16, 100, 0);
		kpure_put32(buf, vers[v]);
		assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r),
				 -EKEYREJECTED);
		n = build(IAKERB_MSG_CONTINUE, 0, 100, 77);
		kpure_put32(buf, vers[v]);
		assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r),
				 -EKEYREJECTED);
		/* a bare header with a wrong version: EKEYREJECTED already */
		raw(vers[v], 0, 0, 0, 0);
		assert_int_equal(both(buf, 16, IAKERB_EXPECT_ANY, &r),
				 -EKEYREJECTED);
		/* shorter than a header: nothing to judge the version by */
		assert_int_equal(both(buf, 15, IAKERB_EXPECT_ANY, &r), -EPROTO);
	}
}

static void payload_bad_flags(void **state)
{
	static const u32 flags[] = { 3, 4, 0x100, 0x80000000u, 0x80000001u,
				     0xffffffffu };
	struct cifs_iakerb_reply r;
	size_t f;
	size_t n;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		n = raw(2, flags[f], 16, 100, 116);
		assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
		assert_int_equal(both(buf, n, 0xffffffffu, &r), -EPROTO);
		n = raw(2, flags[f], 0, 100, 108);
		trailer(116, IAKERB_TRAILER_MAGIC, 100);
		assert_int_equal(both(buf, n, 0xffffffffu, &r), -EPROTO);
	}
}

/* Shapes each answer may not have */
static void payload_bad_shapes(void **state)
{
	struct cifs_iakerb_reply r;
	size_t n;

	/* LEGACY: a key and a blob */
	n = raw(2, IAKERB_MSG_LEGACY, 0, 100, 100);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	n = raw(2, IAKERB_MSG_LEGACY, 16, 0, 16);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	n = raw(2, IAKERB_MSG_LEGACY, 0, 0, 0);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	/* CONTINUE: a blob, no key, the trailer */
	n = raw(2, IAKERB_MSG_CONTINUE, 16, 100, 124);
	trailer(132, IAKERB_TRAILER_MAGIC, 100);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	n = raw(2, IAKERB_MSG_CONTINUE, 0, 0, 8);
	trailer(16, IAKERB_TRAILER_MAGIC, 100);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	n = raw(2, IAKERB_MSG_CONTINUE, 0, 100, 100);	/* no trailer */
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	/* ESTABLISHED: a key, no blob */
	n = raw(2, IAKERB_MSG_ESTABLISHED, 16, 100, 116);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	n = raw(2, IAKERB_MSG_ESTABLISHED, 0, 0, 0);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	n = raw(2, IAKERB_MSG_ESTABLISHED, 0, 0, 8);
	trailer(16, IAKERB_TRAILER_MAGIC, 100);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
	/* a key of 65 bytes */
	n = raw(2, IAKERB_MSG_ESTABLISHED, IAKERB_SESSKEY_MAX + 1, 0, 65);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_ANY, &r), -EPROTO);
}

static void payload_trailer(void **state)
{
	static const u32 bad_agents[] = { 0, 1, IAKERB_PID_MAX + 1,
					  0x80000000u, 0xffffffffu };
	static const u32 bad_magic[] = { 0, 0x49414b54u /* byte-swapped */,
					 IAKERB_TRAILER_MAGIC ^ 1,
					 IAKERB_CRED_MAGIC };
	struct cifs_iakerb_reply r;
	size_t i, n;

	n = raw(2, IAKERB_MSG_CONTINUE, 0, 100, 108);
	for (i = 0; i < ARRAY_SIZE(bad_agents); i++) {
		trailer(116, IAKERB_TRAILER_MAGIC, bad_agents[i]);
		assert_int_equal(both(buf, n, IAKERB_EXPECT_MIDDLE, &r),
				 -EPROTO);
	}
	for (i = 0; i < ARRAY_SIZE(bad_magic); i++) {
		trailer(116, bad_magic[i], 100);
		assert_int_equal(both(buf, n, IAKERB_EXPECT_MIDDLE, &r),
				 -EPROTO);
	}
	trailer(116, IAKERB_TRAILER_MAGIC, 2);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_MIDDLE, &r), 0);
	assert_uint_equal(r.agent_pid, 2);
	trailer(116, IAKERB_TRAILER_MAGIC, IAKERB_PID_MAX);
	assert_int_equal(both(buf, n, IAKERB_EXPECT_MIDDLE, &r), 0);
	assert_uint_equal(r.agent_pid, IAKERB_PID_MAX);
}

/*
 * The final answer's advice (reauth=1): only where offered, in range, with
 * its magic and exactly its 8 bytes; both parsers agree on every edge.
 */
static void payload_reauth(void **state)
{
	static const u32 secs[] = { 0, 1, IAKERB_REAUTH_MIN - 1,
				    IAKERB_REAUTH_MIN, 3600, IAKERB_REAUTH_MAX,
				    IAKERB_REAUTH_MAX + 1, 0xffffffffu };
	static const u32 magics[] = { IAKERB_TRAILER_REAUTH_MAGIC,
				      IAKERB_TRAILER_MAGIC,
				      IAKERB_TRAILER_CHAN_MAGIC, 0 };
	static const int slack[] = { -8, -4, -1, 0, 1, 4 };
	u32 fin = IAKERB_EXPECT_FINAL | IAKERB_EXPECT_REAUTH;
	struct iakerb_payload p = {
		.flags = IAKERB_MSG_ESTABLISHED, .sesskey = key,
		.sesskey_len = 32, .reauth_sec = 3600,
	};
	struct cifs_iakerb_reply r;
	size_t i, m, s;
	int n;

	n = iakerb_payload_build(buf, sizeof(buf), &p);
	assert_int_equal(n, IAKERB_PAYLOAD_HDR_LEN + 32 +
			 IAKERB_TRAILER_REAUTH_LEN);
	assert_int_equal(both(buf, n, fin, &r), 0);
	assert_uint_equal(r.reauth_sec, 3600);
	/* not offered: one answer too long */
	assert_int_equal(both(buf, n, IAKERB_EXPECT_FINAL, &r), -EPROTO);
	/* never on another answer */
	assert_int_equal(both(buf, n, IAKERB_EXPECT_FIRST |
			      IAKERB_EXPECT_REAUTH, &r), -EPROTO);
	for (i = 0; i < ARRAY_SIZE(secs); i++)
	for (m = 0; m < ARRAY_SIZE(magics); m++)
	for (s = 0; s < ARRAY_SIZE(slack); s++) {
		int rc;

		raw(2, IAKERB_MSG_ESTABLISHED, 32, 0, 32);
		trailer(48, magics[m], secs[i]);
		rc = both(buf, 56 + slack[s], fin, &r);
		if (!slack[s] && m == 0 && secs[i] >= IAKERB_REAUTH_MIN &&
		    secs[i] <= IAKERB_REAUTH_MAX)
			assert_int_equal(rc, 0);
		else if (slack[s] != -8)
			assert_int_equal(rc, -EPROTO);
	}
	/* the builder makes nothing the parsers refuse */
	p.reauth_sec = IAKERB_REAUTH_MIN - 1;
	assert_true(iakerb_payload_build(buf, sizeof(buf), &p) < 0);
	p.reauth_sec = 100;
	p.flags = IAKERB_MSG_LEGACY;
	p.secblob = tok;
	p.secblob_len = 10;
	assert_true(iakerb_payload_build(buf, sizeof(buf), &p) < 0);
}

/*
 * A grid over the header's values, lengths around every edge, trailers
 * good and bad, and every expectation: the two parsers always agree.
 */
static void payload_grid(void **state)
{
	static const u32 vers[] = { 2, 3 };
	static const u32 klens[] = { 0, 1, 64, 65 };
	static const u32 blens[] = { 0, 1, 2, 65535, 65536 };
	static const u32 magics[] = { IAKERB_TRAILER_MAGIC, 0 };
	static const u32 agents[] = { 1, 2, 100 };
	static const int slack[] = { -9, -8, -1, 0, 1, 4, 8 };
	struct cifs_iakerb_reply r;
	size_t v, k, b, m, a, s;
	u32 flags, expect;

	for (v = 0; v < ARRAY_SIZE(vers); v++)
	for (flags = 0; flags < 4; flags++)
	for (k = 0; k < ARRAY_SIZE(klens); k++)
	for (b = 0; b < ARRAY_SIZE(blens); b++)
	for (m = 0; m < ARRAY_SIZE(magics); m++)
	for (a = 0; a < ARRAY_SIZE(agents); a++)
	for (s = 0; s < ARRAY_SIZE(slack); s++) {
		size_t body = klens[k] + blens[b];
		long len;

		raw(vers[v], flags, klens[k], blens[b], 0);
		/* the trailer where a CONTINUE answer has it */
		trailer(16 + body, magics[m], agents[a]);
		len = 16 + (long)body + 8 + slack[s];
		/* beyond IAKERB_PAYLOAD_MAX: payload_slack_limit */
		if (len < 0 || len > IAKERB_PAYLOAD_MAX)
			continue;
		for (expect = 0; expect < 8; expect++)
			both(buf, len, expect, &r);
	}
}

int kpure_run_payload(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payload_legacy),
		cmocka_unit_test(payload_continue),
		cmocka_unit_test(payload_established),
		cmocka_unit_test(payload_slack),
		cmocka_unit_test(payload_slack_limit),
		cmocka_unit_test(payload_truncated),
		cmocka_unit_test(payload_huge_lengths),
		cmocka_unit_test(payload_bad_version),
		cmocka_unit_test(payload_bad_flags),
		cmocka_unit_test(payload_bad_shapes),
		cmocka_unit_test(payload_trailer),
		cmocka_unit_test(payload_reauth),
		cmocka_unit_test(payload_grid),
	};

	return cmocka_run_group_tests_name("payload", tests, setup_tok, NULL);
}
