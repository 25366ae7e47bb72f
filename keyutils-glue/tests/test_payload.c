// SPDX-License-Identifier: GPL-2.0
/*
 * Key payloads (PROTOCOL.md §5), the password key's payload (§7), the
 * outcome table (§11) and wiping.
 */
#include "glue_test.h"

static __u8 buf[IAKERB_PAYLOAD_MAX + 64];
static __u8 tok[IAKERB_TOKEN_MAX + 2];
static const __u8 key[IAKERB_SESSKEY_MAX + 2] = "0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdefX";

/* Hand-made payload, the way a helper (or stock cifs.upcall) lays it out */
static size_t raw(__u32 ver, __u32 flags, __u32 klen, __u32 blen,
		  size_t extra)
{
	iakerb_put_u32(buf, ver);
	iakerb_put_u32(buf + 4, flags);
	iakerb_put_u32(buf + 8, klen);
	iakerb_put_u32(buf + 12, blen);
	return IAKERB_PAYLOAD_HDR_LEN + extra;
}

static int build(__u32 flags, __u32 klen, __u32 blen, __u32 agent)
{
	struct iakerb_payload p = {
		.flags = flags, .sesskey = key, .sesskey_len = klen,
		.secblob = tok, .secblob_len = blen, .agent_pid = agent,
	};

	return iakerb_payload_build(buf, sizeof(buf), &p);
}

static void test_legacy_roundtrip(void **state)
{
	struct iakerb_payload p;
	int n;

	memset(tok, 0x60, sizeof(tok));
	n = build(IAKERB_MSG_LEGACY, 16, 700, 0);
	assert_int_equal(n, 16 + 16 + 700);
	assert_int_equal(iakerb_get_u32(buf), IAKERB_UPCALL_VERSION);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FIRST, &p),
			 0);
	assert_int_equal(p.flags, IAKERB_MSG_LEGACY);
	assert_int_equal(p.sesskey_len, 16);
	assert_memory_equal(p.sesskey, key, 16);
	assert_int_equal(p.secblob_len, 700);
	assert_ptr_equal(p.secblob, buf + 32);
	/* only leg 1 may be answered the 7.2 way */
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_MIDDLE,
					      &p), -EPROTO);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FINAL, &p),
			 -EPROTO);
}

/* What stock cifs.upcall instantiates: a 7.2 key, parsed unchanged */
static void test_stock_cifs_upcall_payload(void **state)
{
	struct iakerb_payload p;
	size_t n = raw(2, 0, 32, 1500, 32 + 1500);

	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FIRST, &p),
			 0);
	assert_int_equal(p.sesskey_len, 32);
	assert_int_equal(p.secblob_len, 1500);
	/* cifs-utils 7.9 instantiates 4 bytes more than it fills (measured) */
	n = raw(2, 0, 32, 886, 32 + 886 + 4);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FIRST, &p),
			 0);
	assert_int_equal(p.secblob_len, 886);
	/* but never fewer bytes than the lengths claim */
	n = raw(2, 0, 32, 886, 32 + 885);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FIRST, &p),
			 -EPROTO);
	/* and the new answers carry nothing extra */
	n = raw(2, IAKERB_MSG_ESTABLISHED, 32, 0, 32 + 4);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FINAL, &p),
			 -EPROTO);
}

static void test_continue_roundtrip(void **state)
{
	struct iakerb_payload p;
	int n;

	n = build(IAKERB_MSG_CONTINUE, 0, 219, 31337);
	assert_int_equal(n, 16 + 219 + IAKERB_TRAILER_LEN);
	assert_int_equal(iakerb_get_u32(buf + 16 + 219), IAKERB_TRAILER_MAGIC);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_MIDDLE,
					      &p), 0);
	assert_int_equal(p.flags, IAKERB_MSG_CONTINUE);
	assert_int_equal(p.agent_pid, 31337);
	assert_null(p.sesskey);
	assert_int_equal(p.secblob_len, 219);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FIRST, &p),
			 0);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FINAL, &p),
			 -EPROTO);
	/* wrong trailer magic, agent pid out of range */
	iakerb_put_u32(buf + 16 + 219, IAKERB_TRAILER_MAGIC ^ 1);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	iakerb_put_u32(buf + 16 + 219, IAKERB_TRAILER_MAGIC);
	iakerb_put_u32(buf + 16 + 219 + 4, 1);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	iakerb_put_u32(buf + 16 + 219 + 4, IAKERB_PID_MAX + 1);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	iakerb_put_u32(buf + 16 + 219 + 4, IAKERB_PID_MAX);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 0);
	/* without its trailer */
	assert_int_equal(iakerb_payload_parse(buf, n - 8, IAKERB_EXPECT_ANY,
					      &p), -EPROTO);
}

/* Leg 1's CONTINUE handing the kernel the agent's channel (§8) */
static void test_continue_chan(void **state)
{
	struct iakerb_payload p = {
		.flags = IAKERB_MSG_CONTINUE, .secblob = tok,
		.secblob_len = 100, .agent_pid = 4242, .has_chan = 1,
		.chan_fd = 7,
	};
	__u8 *t = buf + 16 + 100;
	int n;

	n = iakerb_payload_build(buf, sizeof(buf), &p);
	assert_int_equal(n, 16 + 100 + IAKERB_TRAILER_CHAN_LEN);
	assert_int_equal(iakerb_get_u32(t), IAKERB_TRAILER_CHAN_MAGIC);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FIRST, &p),
			 0);
	assert_int_equal(p.has_chan, 1);
	assert_int_equal(p.chan_fd, 7);
	assert_int_equal(p.agent_pid, 4242);
	assert_int_equal(p.secblob_len, 100);
	/* only where the channel was offered: leg 1, never later legs */
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_MIDDLE,
					      &p), -EPROTO);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_CONTINUE,
					      &p), -EPROTO);
	/* the plain magic at the channel's length, and the other way */
	iakerb_put_u32(t, IAKERB_TRAILER_MAGIC);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	iakerb_put_u32(t, IAKERB_TRAILER_CHAN_MAGIC);
	assert_int_equal(iakerb_payload_parse(buf, n - 4, IAKERB_EXPECT_ANY,
					      &p), -EPROTO);
	/* an fd no process can have */
	iakerb_put_u32(t + 8, IAKERB_CHAN_FD_MAX + 1);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	/* the builder refuses a channel on anything but CONTINUE */
	p = (struct iakerb_payload){
		.flags = IAKERB_MSG_ESTABLISHED, .sesskey = key,
		.sesskey_len = 16, .has_chan = 1,
	};
	assert_int_equal(iakerb_payload_build(buf, sizeof(buf), &p), -EINVAL);
	p = (struct iakerb_payload){
		.flags = IAKERB_MSG_CONTINUE, .secblob = tok, .secblob_len = 1,
		.agent_pid = 2, .has_chan = 1,
		.chan_fd = IAKERB_CHAN_FD_MAX + 1,
	};
	assert_int_equal(iakerb_payload_build(buf, sizeof(buf), &p), -EINVAL);
}

static void test_established_roundtrip(void **state)
{
	struct iakerb_payload p;
	int n;

	n = build(IAKERB_MSG_ESTABLISHED, 32, 0, 0);
	assert_int_equal(n, 16 + 32);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FINAL, &p),
			 0);
	assert_int_equal(p.flags, IAKERB_MSG_ESTABLISHED);
	assert_memory_equal(p.sesskey, key, 32);
	assert_null(p.secblob);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FIRST, &p),
			 -EPROTO);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_MIDDLE,
					      &p), -EPROTO);
}

static void test_established_reauth(void **state)
{
	struct iakerb_payload p = {
		.flags = IAKERB_MSG_ESTABLISHED, .sesskey = key,
		.sesskey_len = 16, .reauth_sec = 600,
	};
	__u8 *t = buf + 16 + 16;
	int n;

	n = iakerb_payload_build(buf, sizeof(buf), &p);
	assert_int_equal(n, 16 + 16 + IAKERB_TRAILER_REAUTH_LEN);
	assert_int_equal(iakerb_get_u32(t), IAKERB_TRAILER_REAUTH_MAGIC);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FINAL |
					      IAKERB_EXPECT_REAUTH, &p), 0);
	assert_int_equal(p.reauth_sec, 600);
	assert_int_equal(p.sesskey_len, 16);
	/* only where the final upcall offered reauth=1 */
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_FINAL, &p),
			 -EPROTO);
	/* a time outside the range, either way, is no answer */
	iakerb_put_u32(t + 4, IAKERB_REAUTH_MIN - 1);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	iakerb_put_u32(t + 4, IAKERB_REAUTH_MAX + 1);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	iakerb_put_u32(t + 4, IAKERB_REAUTH_MAX);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 0);
	/* another magic at the trailer's length */
	iakerb_put_u32(t, IAKERB_TRAILER_CHAN_MAGIC);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	/* the builder keeps to the same range, and to ESTABLISHED */
	p = (struct iakerb_payload){
		.flags = IAKERB_MSG_ESTABLISHED, .sesskey = key,
		.sesskey_len = 16, .reauth_sec = IAKERB_REAUTH_MIN - 1,
	};
	assert_int_equal(iakerb_payload_build(buf, sizeof(buf), &p), -EINVAL);
	p.reauth_sec = IAKERB_REAUTH_MAX + 1;
	assert_int_equal(iakerb_payload_build(buf, sizeof(buf), &p), -EINVAL);
	p = (struct iakerb_payload){
		.flags = IAKERB_MSG_CONTINUE, .secblob = tok, .secblob_len = 1,
		.agent_pid = 2, .reauth_sec = 600,
	};
	assert_int_equal(iakerb_payload_build(buf, sizeof(buf), &p), -EINVAL);
}

static void test_shapes(void **state)
{
	/* flags value: key? blob? */
	assert_int_equal(build(IAKERB_MSG_LEGACY, 0, 10, 0), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_LEGACY, 16, 0, 0), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_CONTINUE, 16, 10, 99), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_CONTINUE, 0, 0, 99), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_CONTINUE, 0, 10, 0), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_ESTABLISHED, 16, 10, 0), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_ESTABLISHED, 0, 0, 0), -EINVAL);
	assert_int_equal(build(3, 16, 10, 0), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_CONTINUE | IAKERB_MSG_ESTABLISHED,
			       16, 10, 99), -EINVAL);
}

static void test_limits(void **state)
{
	struct iakerb_payload p;
	int n;

	n = build(IAKERB_MSG_LEGACY, IAKERB_SESSKEY_MAX, IAKERB_TOKEN_MAX, 0);
	assert_int_equal(n, IAKERB_PAYLOAD_MAX - IAKERB_TRAILER_CHAN_LEN);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 0);
	n = build(IAKERB_MSG_CONTINUE, 0, IAKERB_TOKEN_MAX, 2);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 0);
	assert_int_equal(build(IAKERB_MSG_LEGACY, IAKERB_SESSKEY_MAX + 1, 10,
			       0), -EINVAL);
	assert_int_equal(build(IAKERB_MSG_LEGACY, 16, IAKERB_TOKEN_MAX + 1, 0),
			 -EINVAL);
	assert_int_equal(build(IAKERB_MSG_ESTABLISHED, 1, 0, 0), 17);

	/* parser: lengths beyond the limits, however the total is faked */
	n = raw(2, 0, IAKERB_SESSKEY_MAX + 1, 10, IAKERB_SESSKEY_MAX + 11);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	n = raw(2, 0, 16, IAKERB_TOKEN_MAX + 1, 16 + IAKERB_TOKEN_MAX + 1);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	/* lengths that wrap a 32-bit sum */
	n = raw(2, 0, 0xfffffff0u, 0x20, 16);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	n = raw(2, 0, 0x10, 0xfffffff0u, 16);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	/* too short, too long overall */
	assert_int_equal(iakerb_payload_parse(buf, 15, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	assert_int_equal(iakerb_payload_parse(buf, IAKERB_PAYLOAD_MAX + 1,
					      IAKERB_EXPECT_ANY, &p), -EPROTO);
}

static void test_header_fields(void **state)
{
	struct iakerb_payload p;
	size_t n;

	/* a legacy answer may carry slack, never be short */
	n = raw(2, 0, 16, 10, 26);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 0);
	assert_int_equal(iakerb_payload_parse(buf, n + 1, IAKERB_EXPECT_ANY,
					      &p), 0);
	assert_int_equal(iakerb_payload_parse(buf, n - 1, IAKERB_EXPECT_ANY,
					      &p), -EPROTO);
	/* the new answers must match exactly, both ways */
	n = raw(2, IAKERB_MSG_ESTABLISHED, 16, 0, 16);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 0);
	assert_int_equal(iakerb_payload_parse(buf, n + 1, IAKERB_EXPECT_ANY,
					      &p), -EPROTO);
	assert_int_equal(iakerb_payload_parse(buf, n - 1, IAKERB_EXPECT_ANY,
					      &p), -EPROTO);
	/* version: the 7.2 check, kept */
	n = raw(3, 0, 16, 10, 26);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	n = raw(1, 0, 16, 10, 26);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	/* unknown flags */
	n = raw(2, 3, 16, 10, 26);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	n = raw(2, 0x100, 16, 10, 26);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	n = raw(2, 0x80000000u, 16, 10, 26);
	assert_int_equal(iakerb_payload_parse(buf, n, IAKERB_EXPECT_ANY, &p),
			 -EPROTO);
	/* expecting nothing accepts nothing */
	n = raw(2, 0, 16, 10, 26);
	assert_int_equal(iakerb_payload_parse(buf, n, 0, &p), -EPROTO);
}

static void test_build_small_buffer(void **state)
{
	struct iakerb_payload p = {
		.flags = IAKERB_MSG_CONTINUE, .secblob = tok,
		.secblob_len = 100, .agent_pid = 5,
	};
	size_t cap;

	for (cap = 0; cap < 16 + 100 + 8; cap++) {
		__u8 *b = malloc(cap ? cap : 1);

		assert_int_equal(iakerb_payload_build(b, cap, &p), -EMSGSIZE);
		free(b);
	}
}

static void test_cred_roundtrip(void **state)
{
	static const char pass[] = "Password123!;\t\x7f";	/* any but NUL */
	__u8 b[IAKERB_CRED_MAX];
	struct iakerb_cred c;
	int n;

	n = iakerb_cred_build(b, sizeof(b), pass, strlen(pass), "WIN25H2INS",
			      10);
	assert_int_equal(n, 16 + strlen(pass) + 10);
	assert_int_equal(iakerb_cred_parse(b, n, &c), 0);
	assert_int_equal(c.pass_len, strlen(pass));
	assert_memory_equal(c.pass, pass, c.pass_len);
	assert_int_equal(c.domain_len, 10);
	assert_memory_equal(c.domain, "WIN25H2INS", 10);
	n = iakerb_cred_build(b, sizeof(b), "p", 1, NULL, 0);
	assert_int_equal(n, 17);
	assert_int_equal(iakerb_cred_parse(b, n, &c), 0);
	assert_int_equal(c.domain_len, 0);
}

static void test_cred_limits(void **state)
{
	static char pass[IAKERB_PASS_MAX + 1], dom[IAKERB_DOMAIN_MAX + 1];
	__u8 b[IAKERB_CRED_MAX + 8];
	struct iakerb_cred c;
	int n;

	memset(pass, 'p', sizeof(pass));
	memset(dom, 'd', sizeof(dom));
	n = iakerb_cred_build(b, sizeof(b), pass, IAKERB_PASS_MAX, dom,
			      IAKERB_DOMAIN_MAX);
	assert_int_equal(n, IAKERB_CRED_MAX);
	assert_int_equal(iakerb_cred_parse(b, n, &c), 0);
	assert_int_equal(iakerb_cred_build(b, sizeof(b), pass,
					   IAKERB_PASS_MAX + 1, NULL, 0),
			 -EINVAL);
	assert_int_equal(iakerb_cred_build(b, sizeof(b), pass, 1, dom,
					   IAKERB_DOMAIN_MAX + 1), -EINVAL);
	assert_int_equal(iakerb_cred_build(b, sizeof(b), pass, 0, NULL, 0),
			 -EINVAL);
	assert_int_equal(iakerb_cred_build(b, sizeof(b), "a\0b", 3, NULL, 0),
			 -EINVAL);
	assert_int_equal(iakerb_cred_build(b, sizeof(b), "a", 1, "D;x", 3),
			 -EINVAL);
	assert_int_equal(iakerb_cred_build(b, sizeof(b), "a", 1, "D\n", 2),
			 -EINVAL);
	assert_int_equal(iakerb_cred_build(b, 16, "a", 1, NULL, 0),
			 -EMSGSIZE);

	/* parser: each header field */
	n = iakerb_cred_build(b, sizeof(b), "secret", 6, "D", 1);
	assert_int_equal(iakerb_cred_parse(b, n - 1, &c), -EPROTO);
	assert_int_equal(iakerb_cred_parse(b, n + 1, &c), -EPROTO);
	assert_int_equal(iakerb_cred_parse(b, 15, &c), -EPROTO);
	iakerb_put_u32(b + 4, 2);
	assert_int_equal(iakerb_cred_parse(b, n, &c), -EPROTONOSUPPORT);
	iakerb_put_u32(b + 4, 1);
	iakerb_put_u32(b, 0);
	assert_int_equal(iakerb_cred_parse(b, n, &c), -EPROTO);
	iakerb_put_u32(b, IAKERB_CRED_MAGIC);
	iakerb_put_u32(b + 8, 0xffffffffu);	/* wrapping sum */
	iakerb_put_u32(b + 12, 8);
	assert_int_equal(iakerb_cred_parse(b, n, &c), -EPROTO);
	iakerb_put_u32(b + 8, 6);
	iakerb_put_u32(b + 12, 1);
	b[16 + 2] = '\0';			/* NUL inside the password */
	assert_int_equal(iakerb_cred_parse(b, n, &c), -EPROTO);
	assert_null(c.pass);
}

static void test_outcomes(void **state)
{
	static const int errs[] = {
#define X(name, e, m) e,
		IAKERB_OUTCOMES(X)
#undef X
	};
	size_t i, j;

	assert_int_equal(ARRAY_SIZE(errs), IAKERB_OUT_COUNT);
	/* the kernel prints its line from the errno: they must differ */
	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		assert_non_null(iakerb_outcome_msg(errs[i]));
		assert_non_null(iakerb_outcome_msg(-errs[i]));
		for (j = i + 1; j < ARRAY_SIZE(errs); j++)
			assert_int_not_equal(errs[i], errs[j]);
	}
	assert_string_equal(iakerb_outcome_msg(EKEYREJECTED),
			    "the KDC rejected the credentials (wrong password?)");
	assert_non_null(strstr(iakerb_outcome_msg(-EOPNOTSUPP), "IAKerb"));
	assert_non_null(strstr(iakerb_outcome_msg(ENOKEY), "credentials"));
	assert_null(iakerb_outcome_msg(EIO));
	assert_null(iakerb_outcome_msg(0));
}

static void test_wipe(void **state)
{
	__u8 b[64];
	size_t i;

	memset(b, 0xee, sizeof(b));
	iakerb_wipe(b + 8, 32);
	for (i = 0; i < sizeof(b); i++)
		assert_int_equal(b[i], i >= 8 && i < 40 ? 0 : 0xee);
	iakerb_wipe(NULL, 10);
	iakerb_wipe(b, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy_roundtrip),
		cmocka_unit_test(test_stock_cifs_upcall_payload),
		cmocka_unit_test(test_continue_roundtrip),
		cmocka_unit_test(test_continue_chan),
		cmocka_unit_test(test_established_roundtrip),
		cmocka_unit_test(test_established_reauth),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_build_small_buffer),
		cmocka_unit_test(test_cred_roundtrip),
		cmocka_unit_test(test_cred_limits),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_wipe),
	};

	return cmocka_run_group_tests_name("payload", tests, NULL, NULL);
}
