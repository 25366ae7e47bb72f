// SPDX-License-Identifier: GPL-2.0
/*
 * Key descriptions (PROTOCOL.md §2, §10): cifs_iakerb_leg_fields()
 * appended to a 7.2 description, read back by the helper's parser
 * (iakerb_desc_parse) and compared with the codec's own builder.
 */
#include "kpure_test.h"

static const char * const sec_name[] = {
	[IAKERB_SEC_KRB5] = "krb5",
	[IAKERB_SEC_MSKRB5] = "mskrb5",
	[IAKERB_SEC_IAKERB] = "iakerb",
};

/* The fields of a 7.2 description, before anything multi-leg */
static void base_desc(struct iakerb_desc *d, bool ip6, bool user, u8 target)
{
	static const u8 a6[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0xca, 0xfe, 0x00, 0x01,
	};
	static const u8 a4[4] = { 192, 0, 2, 10 };

	memset(d, 0, sizeof(*d));
	d->have = IAKERB_F_LEGACY_REQUIRED |
		  (ip6 ? IAKERB_F_IP6 : IAKERB_F_IP4) |
		  (user ? IAKERB_F_USER : 0);
	d->ver = IAKERB_UPCALL_VERSION;
	strcpy(d->host, "fs1.corp.example");
	if (ip6)
		memcpy(d->addr, a6, sizeof(a6));
	else
		memcpy(d->addr, a4, sizeof(a4));
	d->sec = IAKERB_SEC_KRB5;
	d->target = target;
	d->uid = 1000;
	d->creduid = 0x3e9;
	if (user)
		strcpy(d->user, "j\xc3\xbcrgen@CORP.EXAMPLE");
	d->pid = 0x1a2b;
}

static void add(char *buf, size_t cap, int *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t cap, int *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	assert_true(k >= 0 && (size_t)k < cap - *n);
	*n += k;
}

/* The 7.2 description, written the way fs/smb/client/cifs_spnego.c does */
static int prefix_72(char *buf, size_t cap, const struct iakerb_desc *d)
{
	const u8 *a = d->addr;
	int n = 0, i;

	add(buf, cap, &n, "ver=0x%x;host=%s;", IAKERB_UPCALL_VERSION,
	    d->host);
	if (d->have & IAKERB_F_IP4) {
		add(buf, cap, &n, "ip4=%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	} else {
		/* %pI6: eight groups of four lowercase hex digits */
		add(buf, cap, &n, "ip6=");
		for (i = 0; i < 16; i += 2)
			add(buf, cap, &n, "%s%02x%02x", i ? ":" : "", a[i],
			    a[i + 1]);
	}
	add(buf, cap, &n, ";sec=%s", sec_name[d->sec]);
	add(buf, cap, &n, ";uid=0x%x", d->uid);
	add(buf, cap, &n, ";creduid=0x%x", d->creduid);
	if (d->have & IAKERB_F_USER)
		add(buf, cap, &n, ";user=%s", d->user);
	add(buf, cap, &n, ";pid=0x%x", d->pid);
	add(buf, cap, &n, ";upcall_target=%s",
	    d->target == IAKERB_TARGET_MOUNT ? "mount" : "app");
	return n;
}

struct leg_case {
	u32	mechs;
	u32	leg;
	u32	tmo;
	u32	agent;
	bool	recon;
	bool	ip6;
	bool	user;
	bool	sec_iakerb;	/* the mount asked for sec=iakerb */
};

static void leg_info(struct cifs_iakerb_leg_info *li, const struct leg_case *c)
{
	memset(li, 0, sizeof(*li));
	li->mechs = c->mechs;
	memcpy(li->exch, KPURE_EXCH, sizeof(li->exch));
	li->leg = c->leg;
	li->tmo = c->tmo;
	li->agent = c->agent;
	li->recon = c->recon;
}

/*
 * One leg: the 7.2 prefix plus the kernel's fields parses to exactly the
 * values the kernel was given, and is byte for byte what the codec's
 * builder writes for them.
 */
static void check_leg(const struct leg_case *c)
{
	static char desc[IAKERB_DESC_MAX + 1], ref[IAKERB_DESC_MAX + 1];
	struct cifs_iakerb_leg_info li;
	struct iakerb_desc want, got;
	int n, m;

	leg_info(&li, c);
	base_desc(&want, c->ip6, c->user,
		  c->recon ? IAKERB_TARGET_MOUNT : IAKERB_TARGET_APP);
	want.sec = c->sec_iakerb ? IAKERB_SEC_IAKERB :
				   iakerb_sec_from_mechs(c->mechs);
	n = prefix_72(desc, sizeof(desc), &want);
	m = cifs_iakerb_leg_fields(desc + n, sizeof(desc) - n, &li);
	if (m <= 0)
		fail_msg("leg %u mechs 0x%x tmo %u agent %u recon %d: %d",
			 c->leg, c->mechs, c->tmo, c->agent, c->recon, m);
	assert_int_equal(strlen(desc), n + m);

	if (iakerb_desc_parse(desc, n + m, &got))
		fail_msg("the helper cannot parse \"%s\": %d", desc,
			 iakerb_desc_parse(desc, n + m, &got));
	assert_uint_equal(got.have & IAKERB_F_MULTILEG, IAKERB_F_MULTILEG);
	assert_uint_equal(got.mechs, c->mechs);
	assert_string_equal(got.exch, KPURE_EXCH);
	assert_uint_equal(got.leg, c->leg);
	assert_uint_equal(got.tmo, c->tmo);
	assert_uint_equal(!!(got.have & IAKERB_F_AGENT), c->leg > 1);
	assert_uint_equal(got.agent, c->agent);
	assert_uint_equal(!!(got.have & IAKERB_F_RECON), c->recon);
	assert_uint_equal(got.recon, c->recon);

	want.have |= IAKERB_F_MULTILEG |
		     (c->agent ? IAKERB_F_AGENT : 0) |
		     (c->recon ? IAKERB_F_RECON : 0);
	want.mechs = c->mechs;
	strcpy(want.exch, KPURE_EXCH);
	want.leg = c->leg;
	want.tmo = c->tmo;
	want.agent = c->agent;
	want.recon = c->recon;
	/* the 7.2 fields came through untouched, and nothing else appeared */
	assert_memory_equal(&got, &want, sizeof(got));
	assert_int_equal(iakerb_desc_build(ref, sizeof(ref), &want), n + m);
	assert_string_equal(desc, ref);
}

/* The oracle's prefix is the 7.2 description itself */
static void desc_prefix_as_72(void **state)
{
	char hand[IAKERB_DESC_MAX + 1], codec[IAKERB_DESC_MAX + 1];
	struct iakerb_desc d, got;
	int bits, sec, n;

	for (bits = 0; bits < 8; bits++) {
		for (sec = IAKERB_SEC_KRB5; sec <= IAKERB_SEC_IAKERB; sec++) {
			base_desc(&d, bits & 1, bits & 2,
				  bits & 4 ? IAKERB_TARGET_MOUNT :
					     IAKERB_TARGET_APP);
			d.sec = sec;
			n = prefix_72(hand, sizeof(hand), &d);
			assert_int_equal(iakerb_desc_build(codec,
							   sizeof(codec), &d),
					 n);
			assert_string_equal(hand, codec);
			assert_int_equal(iakerb_desc_parse(hand, n, &got), 0);
			assert_memory_equal(&got, &d, sizeof(got));
		}
	}
	base_desc(&d, false, true, IAKERB_TARGET_APP);
	prefix_72(hand, sizeof(hand), &d);
	assert_string_equal(hand, "ver=0x2;host=fs1.corp.example;"
			    "ip4=192.0.2.10;sec=krb5;uid=0x3e8;creduid=0x3e9;"
			    "user=j\xc3\xbcrgen@CORP.EXAMPLE;pid=0x1a2b;"
			    "upcall_target=app");
}

static void desc_leg1_every_mechs(void **state)
{
	struct leg_case c = { .leg = 1, .tmo = IAKERB_TMO_DEFAULT };
	int bits;

	for (c.mechs = 0; c.mechs <= IAKERB_MECH_ALL; c.mechs++) {
		for (bits = 0; bits < 8; bits++) {
			c.recon = bits & 1;
			c.ip6 = bits & 2;
			c.user = bits & 4;
			check_leg(&c);
		}
	}
}

static void desc_later_legs_every_mechs(void **state)
{
	static const u32 agents[] = { 2, 4321, IAKERB_PID_MAX };
	static const u32 tmos[] = { IAKERB_TMO_MIN, IAKERB_TMO_DEFAULT,
				    IAKERB_TMO_MAX, 17 };
	struct leg_case c = { .user = true };
	int i = 0;

	for (c.leg = 2; c.leg <= IAKERB_MAX_LEGS; c.leg++) {
		for (c.mechs = 0; c.mechs <= IAKERB_MECH_ALL; c.mechs++) {
			c.agent = agents[i % ARRAY_SIZE(agents)];
			c.tmo = tmos[i % ARRAY_SIZE(tmos)];
			c.ip6 = i & 1;
			i++;
			c.recon = false;
			check_leg(&c);
			c.recon = true;
			check_leg(&c);
		}
	}
}

/* sec=iakerb on the mount: the prefix says iakerb whatever else is offered */
static void desc_sec_iakerb_asked(void **state)
{
	struct leg_case c = { .sec_iakerb = true, .tmo = 30 };

	for (c.mechs = 0; c.mechs <= IAKERB_MECH_ALL; c.mechs++) {
		if (!(c.mechs & IAKERB_MECH_IAKERB))
			continue;
		c.leg = 1;
		c.agent = 0;
		check_leg(&c);
		c.leg = 5;
		c.agent = 777;
		check_leg(&c);
	}
}

/* Refused input: -EINVAL, and not a byte written */
static void expect_refused(const struct cifs_iakerb_leg_info *li)
{
	char buf[256];
	size_t i;

	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(cifs_iakerb_leg_fields(buf, sizeof(buf), li),
			 -EINVAL);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x5a);
}

static int fields(const struct cifs_iakerb_leg_info *li)
{
	char buf[256];

	return cifs_iakerb_leg_fields(buf, sizeof(buf), li);
}

static void desc_limits(void **state)
{
	struct leg_case c = { .mechs = IAKERB_MECH_IAKERB, .tmo = 30 };
	struct cifs_iakerb_leg_info li;

	/* leg: 1..32 */
	c.leg = 0;
	leg_info(&li, &c);
	expect_refused(&li);
	c.leg = 1;
	check_leg(&c);
	c.leg = 32;
	c.agent = 99;
	check_leg(&c);
	c.leg = 33;
	leg_info(&li, &c);
	expect_refused(&li);
	li.leg = 0xffffffffu;
	expect_refused(&li);

	/* tmo: 5..600 */
	c.leg = 2;
	c.tmo = 4;
	leg_info(&li, &c);
	expect_refused(&li);
	li.tmo = 0;
	expect_refused(&li);
	c.tmo = 5;
	check_leg(&c);
	c.tmo = 600;
	check_leg(&c);
	c.tmo = 601;
	leg_info(&li, &c);
	expect_refused(&li);

	/* agent= exactly on legs >= 2, 2..PID_MAX_LIMIT */
	c.tmo = 30;
	c.leg = 1;
	c.agent = 99;
	leg_info(&li, &c);
	expect_refused(&li);
	c.leg = 2;
	c.agent = 0;
	leg_info(&li, &c);
	expect_refused(&li);
	c.agent = IAKERB_PID_MAX;
	check_leg(&c);
	c.agent = IAKERB_PID_MAX + 1;
	leg_info(&li, &c);
	expect_refused(&li);

	/* mechanisms the description cannot name */
	c.agent = 99;
	c.mechs = IAKERB_MECH_ALL + 1;
	leg_info(&li, &c);
	expect_refused(&li);
	li.mechs = 0x80000000u | IAKERB_MECH_KRB5;
	expect_refused(&li);

	/* exch: 16 characters, NUL-terminated */
	c.mechs = IAKERB_MECH_KRB5;
	leg_info(&li, &c);
	assert_true(fields(&li) > 0);
	li.exch[15] = '\0';
	expect_refused(&li);
	li.exch[0] = '\0';
	expect_refused(&li);
	memset(li.exch, 'a', sizeof(li.exch));	/* no terminator at all */
	expect_refused(&li);
}

/*
 * Whatever the kernel agrees to write, the helper must be able to read:
 * otherwise the leg fails in the helper with EPROTO, and for values the
 * kernel could have refused itself.
 */
struct odd_case {
	u32		leg;
	u32		agent;
	const char	*exch;
};

static void desc_only_what_parses(void **state)
{
	static const struct odd_case cases[] = {
		{ 2, 0, KPURE_EXCH }, { 2, 1, KPURE_EXCH }, { 2, 2, KPURE_EXCH },
		{ 2, IAKERB_PID_MAX, KPURE_EXCH },
		{ 2, IAKERB_PID_MAX + 1, KPURE_EXCH },
		{ 2, 0xffffffffu, KPURE_EXCH },
		{ 1, 0, KPURE_EXCH }, { 1, 0, "0123456789ABCDEF" },
		{ 1, 0, "0123456789abcdeg" }, { 1, 0, "0123456789abc;ef" },
		{ 1, 0, "0123456789abc=ef" }, { 1, 0, "01234567 9abcdef" },
	};
	char desc[IAKERB_DESC_MAX + 1], bad[1024] = "";
	struct cifs_iakerb_leg_info li;
	struct iakerb_desc base, got;
	size_t i, used = 0;
	int n, m, rc;

	base_desc(&base, false, false, IAKERB_TARGET_APP);
	n = prefix_72(desc, sizeof(desc), &base);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&li, 0, sizeof(li));
		li.mechs = IAKERB_MECH_KRB5;
		memcpy(li.exch, cases[i].exch, sizeof(li.exch));
		li.leg = cases[i].leg;
		li.tmo = 30;
		li.agent = cases[i].agent;
		m = cifs_iakerb_leg_fields(desc + n, sizeof(desc) - n, &li);
		if (m < 0)
			continue;
		rc = iakerb_desc_parse(desc, n + m, &got);
		if (rc && used < sizeof(bad))
			used += snprintf(bad + used, sizeof(bad) - used,
					 "\n  \"%s\": %d", desc + n, rc);
	}
	if (used)
		fail_msg("the kernel wrote fields the helper refuses:%s\n", bad);
}

/*
 * A buffer too small by any amount: -EMSGSIZE, no byte written past it.
 * The buffers are exactly cap bytes, so ASan sees any overrun.
 */
static void short_buffers(const struct cifs_iakerb_leg_info *li)
{
	char full[256], *buf;
	size_t cap;
	int len, rc;

	len = cifs_iakerb_leg_fields(full, sizeof(full), li);
	assert_true(len > 0);
	/* cifs_iakerb_upcall() writes the fields into a char[128] */
	assert_true(len < 128);
	for (cap = 0; cap <= (size_t)len + 1; cap++) {
		buf = malloc(cap ? cap : 1);
		assert_non_null(buf);
		rc = cifs_iakerb_leg_fields(buf, cap, li);
		if (cap <= (size_t)len) {
			assert_int_equal(rc, -EMSGSIZE);
		} else {
			assert_int_equal(rc, len);
			assert_string_equal(buf, full);
		}
		free(buf);
	}
}

static void desc_short_buffer(void **state)
{
	struct leg_case longest = {
		.mechs = IAKERB_MECH_ALL, .leg = IAKERB_MAX_LEGS,
		.tmo = IAKERB_TMO_MAX, .agent = IAKERB_PID_MAX, .recon = true,
	};
	struct leg_case shortest = {
		.mechs = 0, .leg = 1, .tmo = IAKERB_TMO_MIN,
	};
	struct cifs_iakerb_leg_info li;

	leg_info(&li, &longest);
	short_buffers(&li);
	leg_info(&li, &shortest);
	short_buffers(&li);
}

/* The spellings, literally */
static void desc_spelling(void **state)
{
	struct leg_case c = {
		.mechs = IAKERB_MECH_KRB5 | IAKERB_MECH_IAKERB |
			 IAKERB_MECH_NTLMSSP,
		.leg = 1, .tmo = 30,
	};
	struct cifs_iakerb_leg_info li;
	char buf[256];
	int n;

	leg_info(&li, &c);
	n = cifs_iakerb_leg_fields(buf, sizeof(buf), &li);
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, ";mechs=krb5,iakerb,ntlmssp;"
			    "exch=0123456789abcdef;leg=1;tmo=30");
	li.mechs = 0;
	li.leg = 32;
	li.tmo = 600;
	li.agent = 4194304;
	li.recon = true;
	cifs_iakerb_leg_fields(buf, sizeof(buf), &li);
	assert_string_equal(buf, ";mechs=none;exch=0123456789abcdef;leg=32;"
			    "tmo=600;agent=4194304;recon=1");
	li.mechs = IAKERB_MECH_ALL;
	li.leg = 2;
	li.tmo = 5;
	li.agent = 2;
	li.recon = false;
	cifs_iakerb_leg_fields(buf, sizeof(buf), &li);
	assert_string_equal(buf, ";mechs=krb5,mskrb5,krb5u2u,iakerb,ntlmssp;"
			    "exch=0123456789abcdef;leg=2;tmo=5;agent=2");
}

int kpure_run_desc(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desc_prefix_as_72),
		cmocka_unit_test(desc_spelling),
		cmocka_unit_test(desc_leg1_every_mechs),
		cmocka_unit_test(desc_later_legs_every_mechs),
		cmocka_unit_test(desc_sec_iakerb_asked),
		cmocka_unit_test(desc_limits),
		cmocka_unit_test(desc_only_what_parses),
		cmocka_unit_test(desc_short_buffer),
	};

	return cmocka_run_group_tests_name("desc", tests, NULL, NULL);
}
