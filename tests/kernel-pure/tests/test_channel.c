// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's channel (PROTOCOL.md §8, "The channel"): the kernel's offer
 * (chan=1 on leg 1), its reading of leg 1's channel trailer, the LEG it
 * sends the agent and its reading of the agent's ANSWER, each against the
 * keyutils-glue codec the helper and the agent use.
 */
#include "kpure_test.h"

static u8 buf[IAKERB_MSG_MAX + 64];
static u8 callout[IAKERB_CALLOUT_MAX];
static const u8 blob[] = "the server's token";
static const u8 pay[] = { 2, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
			  'k', 'e', 'y', '!' };
static const char desc[] =
	"ver=0x2;host=fs1;ip4=192.0.2.10;sec=krb5;uid=0x0;creduid=0x3e9;"
	"pid=0x1a2b;upcall_target=mount;mechs=krb5,iakerb;exch=" KPURE_EXCH
	";leg=3;tmo=30;agent=4242";

static void offer_on_leg1_only(void **state)
{
	struct cifs_iakerb_leg_info li = {
		.mechs = IAKERB_MECH_KRB5 | IAKERB_MECH_IAKERB,
		.exch = KPURE_EXCH, .leg = 1, .tmo = 30, .chan = true,
	};
	char full[512] = "ver=0x2;host=fs1;ip4=192.0.2.10;sec=krb5;uid=0x0;"
			 "creduid=0x3e9;pid=0x1a2b;upcall_target=mount";
	struct iakerb_desc d;
	size_t n = strlen(full);
	int m;

	m = cifs_iakerb_leg_fields(full + n, sizeof(full) - n, &li);
	assert_true(m > 0);
	assert_non_null(strstr(full, ";chan=1"));
	assert_int_equal(iakerb_desc_parse(full, n + m, &d), 0);
	assert_true(d.have & IAKERB_F_CHAN);
	/* never on a later leg */
	li.leg = 2;
	li.agent = 4242;
	assert_int_equal(cifs_iakerb_leg_fields(full + n, sizeof(full) - n,
						&li), -EINVAL);
	li.chan = false;
	m = cifs_iakerb_leg_fields(full + n, sizeof(full) - n, &li);
	assert_true(m > 0);
	assert_null(strstr(full, "chan="));
}

/* Leg 1's CONTINUE with the channel: both parsers, every expectation */
static void trailer_agrees(void **state)
{
	static const u32 expects[] = {
		IAKERB_EXPECT_FIRST, IAKERB_EXPECT_MIDDLE, IAKERB_EXPECT_FINAL,
		IAKERB_EXPECT_CONTINUE | IAKERB_EXPECT_CHAN, IAKERB_EXPECT_ANY,
	};
	static const u32 fds[] = { 0, 3, 100, IAKERB_CHAN_FD_MAX,
				   IAKERB_CHAN_FD_MAX + 1 };
	struct iakerb_payload p = {
		.flags = IAKERB_MSG_CONTINUE, .secblob = blob,
		.secblob_len = sizeof(blob), .agent_pid = 4242, .has_chan = 1,
	};
	struct cifs_iakerb_reply r;
	struct iakerb_payload g;
	size_t i, j;
	int n, kret, gret;

	p.chan_fd = 5;
	n = iakerb_payload_build(buf, sizeof(buf), &p);
	assert_int_equal(n, 16 + sizeof(blob) + IAKERB_TRAILER_CHAN_LEN);
	for (j = 0; j < ARRAY_SIZE(fds); j++) {
		kpure_put32(buf + n - 4, fds[j]);
		for (i = 0; i < ARRAY_SIZE(expects); i++) {
			kret = cifs_iakerb_parse_payload(buf, n, expects[i],
							 &r);
			gret = iakerb_payload_parse(buf, n, expects[i], &g);
			assert_int_equal(kret, gret);
			if (kret)
				continue;
			assert_true(r.has_chan);
			assert_true(g.has_chan);
			assert_uint_equal(r.chan_fd, g.chan_fd);
			assert_uint_equal(r.chan_fd, fds[j]);
			assert_uint_equal(r.agent_pid, 4242);
			assert_uint_equal(r.secblob_len, sizeof(blob));
		}
	}
	/* a channel is taken only where leg 1's expectation allows it */
	kpure_put32(buf + n - 4, 5);
	assert_int_equal(cifs_iakerb_parse_payload(buf, n, IAKERB_EXPECT_MIDDLE,
						   &r), -EPROTO);
	/* the plain trailer is still read as before, and has no channel */
	p.has_chan = 0;
	n = iakerb_payload_build(buf, sizeof(buf), &p);
	assert_int_equal(cifs_iakerb_parse_payload(buf, n, IAKERB_EXPECT_FIRST,
						   &r), 0);
	assert_false(r.has_chan);
}

/* The LEG the kernel sends: the codec reads the callout's records and DESC */
static void leg_msg_parses(void **state)
{
	struct iakerb_msg m;
	int c, n;

	c = cifs_iakerb_callout(callout, sizeof(callout), 3, kpure_secret,
				blob, sizeof(blob), IAKERB_STATUS_MORE_PROCESSING,
				0);
	assert_true(c > 0);
	n = cifs_iakerb_leg_msg(buf, sizeof(buf), callout, c, desc,
				strlen(desc));
	assert_int_equal(n, cifs_iakerb_leg_msg_len(c, strlen(desc)));
	assert_int_equal(iakerb_msg_parse(buf, n, &m), 0);
	assert_int_equal(m.kind, IAKERB_KIND_LEG);
	assert_memory_equal(m.secret, kpure_secret, IAKERB_SECRET_LEN);
	assert_int_equal(m.desc_len, strlen(desc));
	assert_memory_equal(m.desc, desc, m.desc_len);
	assert_int_equal(m.server_blob_len, sizeof(blob));
	assert_memory_equal(m.server_blob, blob, sizeof(blob));
	assert_int_equal(m.smb_status, IAKERB_STATUS_MORE_PROCESSING);
	/* one byte short of room */
	assert_int_equal(cifs_iakerb_leg_msg(buf, n - 1, callout, c, desc,
					     strlen(desc)), -EMSGSIZE);
	/* refused: no description, a NUL in it, one too long, no callout */
	assert_int_equal(cifs_iakerb_leg_msg(buf, sizeof(buf), callout, c,
					     desc, 0), -EINVAL);
	assert_int_equal(cifs_iakerb_leg_msg(buf, sizeof(buf), callout, c,
					     "a\0b", 3), -EINVAL);
	memset(buf + IAKERB_MSG_MAX / 2, 'x', IAKERB_DESC_MAX + 1);
	assert_int_equal(cifs_iakerb_leg_msg(buf, IAKERB_MSG_MAX / 2, callout,
					     c, (char *)buf + IAKERB_MSG_MAX / 2,
					     IAKERB_DESC_MAX + 1), -EINVAL);
	assert_int_equal(cifs_iakerb_leg_msg(buf, sizeof(buf), callout, c - 1,
					     desc, strlen(desc)), -EINVAL);
	callout[5] = IAKERB_KIND_RESULT;
	assert_int_equal(cifs_iakerb_leg_msg(buf, sizeof(buf), callout, c,
					     desc, strlen(desc)), -EINVAL);
}

/* An ANSWER written by the codec, as the agent writes it */
static int answer(u32 leg, u32 err, const u8 *p, size_t plen)
{
	struct iakerb_msg_writer w;

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_ANSWER);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, leg);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, err);
	if (p)
		iakerb_msg_put(&w, IAKERB_T_PAYLOAD, p, plen);
	return iakerb_msg_end(&w);
}

static void answer_reads(void **state)
{
	const u8 *p;
	u32 err, plen;
	int n, k;

	n = answer(3, 0, pay, sizeof(pay));
	assert_true(n > 0);
	assert_int_equal(cifs_iakerb_parse_answer(buf, n, 3, &err, &p, &plen),
			 0);
	assert_int_equal(err, 0);
	assert_int_equal(plen, sizeof(pay));
	assert_memory_equal(p, pay, sizeof(pay));
	assert_true(p > buf && p + plen == buf + n);
	/* another leg's answer */
	assert_int_equal(cifs_iakerb_parse_answer(buf, n, 4, &err, &p, &plen),
			 -EPROTO);
	/* every cut of it, and one byte more */
	for (k = 0; k < n; k++)
		assert_int_equal(cifs_iakerb_parse_answer(buf, k, 3, &err, &p,
							  &plen), -EPROTO);
	buf[n] = 0;
	assert_int_equal(cifs_iakerb_parse_answer(buf, n + 1, 3, &err, &p,
						  &plen), -EPROTO);
	/* each header byte flipped */
	for (k = 0; k < IAKERB_MSG_HDR_LEN; k++) {
		buf[k] ^= 0x40;
		assert_int_equal(cifs_iakerb_parse_answer(buf, n, 3, &err, &p,
							  &plen), -EPROTO);
		buf[k] ^= 0x40;
	}

	/* an error: no payload, the errno as the agent gave it */
	n = answer(3, EKEYREJECTED, NULL, 0);
	assert_true(n > 0);
	assert_int_equal(cifs_iakerb_parse_answer(buf, n, 3, &err, &p, &plen),
			 0);
	assert_int_equal(err, EKEYREJECTED);
	assert_null(p);

	/* what the codec itself refuses, the kernel refuses too */
	n = answer(3, 0, NULL, 0);
	assert_true(n < 0);
	n = answer(3, EPROTO, pay, sizeof(pay));
	assert_true(n < 0);
}

/* An ANSWER whose ERRNO is @e (out of range): refused */
static void answer_errno_beyond(u32 e)
{
	const u8 *p;
	u32 err, plen;
	size_t pos;

	answer(3, EPROTO, NULL, 0);
	/* rewrite ERRNO's value in place: the record after LEG's */
	pos = IAKERB_MSG_HDR_LEN + 12 + 8;
	kpure_put32(buf + pos, e);
	assert_int_equal(cifs_iakerb_parse_answer(buf, pos + 4, 3, &err, &p,
						  &plen), -EPROTO);
}

/*
 * The kernel's reader is stricter than the codec's: LEG, ERRNO, PAYLOAD
 * in that order, nothing else (the agent writes exactly that).
 */
static void answer_strict_order(void **state)
{
	const u8 *p;
	u32 err, plen, v;
	size_t pos = IAKERB_MSG_HDR_LEN;
	struct iakerb_msg m;

	memcpy(buf, IAKERB_MSG_MAGIC, 4);
	buf[4] = IAKERB_MSG_VERSION;
	buf[5] = IAKERB_KIND_ANSWER;
	buf[6] = buf[7] = 0;
	v = EPROTO;
	kpure_put32(buf + pos, IAKERB_T_ERRNO);
	kpure_put32(buf + pos + 4, 4);
	memcpy(buf + pos + 8, &v, 4);
	pos += 12;
	v = 3;
	kpure_put32(buf + pos, IAKERB_T_LEG);
	kpure_put32(buf + pos + 4, 4);
	memcpy(buf + pos + 8, &v, 4);
	pos += 12;
	kpure_put32(buf + 8, pos);
	assert_int_equal(iakerb_msg_parse(buf, pos, &m), 0);
	assert_int_equal(cifs_iakerb_parse_answer(buf, pos, 3, &err, &p,
						  &plen), -EPROTO);
	/* an errno beyond the kernel's range */
	answer_errno_beyond(4096);
}

int kpure_run_channel(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offer_on_leg1_only),
		cmocka_unit_test(trailer_agrees),
		cmocka_unit_test(leg_msg_parses),
		cmocka_unit_test(answer_reads),
		cmocka_unit_test(answer_strict_order),
	};

	return cmocka_run_group_tests_name("channel", tests, NULL, NULL);
}
