// SPDX-License-Identifier: GPL-2.0
/*
 * Key descriptions (PROTOCOL.md §2): round trips, every field's good and
 * bad spellings, limits, injection attempts, compatibility with what 7.2
 * writes.
 */
#include "glue_test.h"

/* Exactly what an unpatched 7.2 kernel writes */
#define LEGACY72 "ver=0x2;host=srv.test;ip4=127.0.0.1;sec=krb5;uid=0x0;" \
	"creduid=0x3e8;user=alice;pid=0x1a2b;upcall_target=app"

/* A multi-leg description, leg 2, split into fields for substitution */
static const char *const base_fields[] = {
	"ver=0x2", "host=srv.test", "ip4=10.0.0.7", "sec=krb5", "uid=0x0",
	"creduid=0x3e8", "user=alice", "pid=0x1a2b", "upcall_target=mount",
	"mechs=krb5,iakerb,ntlmssp", "exch=" EXCH, "leg=2", "tmo=30",
	"agent=4242",
};
#define NFIELDS ARRAY_SIZE(base_fields)

/* Join the base fields, with field i replaced by repl (NULL: dropped) */
static void join(char *out, size_t cap, int i, const char *repl)
{
	size_t k;

	out[0] = '\0';
	for (k = 0; k < NFIELDS; k++) {
		const char *f = (int)k == i ? repl : base_fields[k];

		if (!f)
			continue;
		if (out[0])
			strncat(out, ";", cap - strlen(out) - 1);
		strncat(out, f, cap - strlen(out) - 1);
	}
}

static int parse_str(const char *s, struct iakerb_desc *d)
{
	return iakerb_desc_parse(s, strlen(s), d);
}

static int field_index(const char *name)
{
	size_t k, n = strlen(name);

	for (k = 0; k < NFIELDS; k++)
		if (!strncmp(base_fields[k], name, n) &&
		    base_fields[k][n] == '=')
			return (int)k;
	fail_msg("no field %s", name);
	return -1;
}

/* Parse the base description with name=value in place of name's field */
static int with_field(const char *name, const char *value)
{
	char f[5000], s[6000];
	struct iakerb_desc d;

	snprintf(f, sizeof(f), "%s=%s", name, value);
	join(s, sizeof(s), field_index(name), f);
	return parse_str(s, &d);
}

static void make_multileg(struct iakerb_desc *d, unsigned int leg)
{
	memset(d, 0, sizeof(*d));
	d->have = IAKERB_F_LEGACY_REQUIRED | IAKERB_F_IP4 | IAKERB_F_USER |
		  IAKERB_F_MULTILEG;
	d->ver = 2;
	strcpy(d->host, "srv.test");
	d->addr[0] = 10;
	d->addr[3] = 7;
	d->sec = IAKERB_SEC_KRB5;
	d->target = IAKERB_TARGET_MOUNT;
	d->creduid = 1000;
	d->pid = 0x1a2b;
	strcpy(d->user, "alice");
	d->mechs = IAKERB_MECH_KRB5 | IAKERB_MECH_IAKERB | IAKERB_MECH_NTLMSSP;
	strcpy(d->exch, EXCH);
	d->leg = leg;
	d->tmo = 30;
	if (leg > 1) {
		d->have |= IAKERB_F_AGENT;
		d->agent = 4242;
	}
}

static void roundtrip(const struct iakerb_desc *d, const char *expect)
{
	char buf[IAKERB_DESC_MAX + 1];
	struct iakerb_desc back;
	int n;

	n = iakerb_desc_build(buf, sizeof(buf), d);
	assert_int_equal(n, strlen(expect));
	assert_string_equal(buf, expect);
	assert_int_equal(parse_str(buf, &back), 0);
	assert_memory_equal(&back, d, sizeof(back));
}

static void test_legacy_72_roundtrip(void **state)
{
	struct iakerb_desc d;
	char buf[IAKERB_DESC_MAX + 1];

	assert_int_equal(parse_str(LEGACY72, &d), 0);
	assert_false(d.have & IAKERB_F_MULTILEG);
	assert_string_equal(d.host, "srv.test");
	assert_string_equal(d.user, "alice");
	assert_int_equal(d.sec, IAKERB_SEC_KRB5);
	assert_int_equal(d.target, IAKERB_TARGET_APP);
	assert_int_equal(d.creduid, 1000);
	assert_int_equal(d.pid, 0x1a2b);
	assert_memory_equal(d.addr, "\x7f\x00\x00\x01", 4);
	/* the builder writes byte for byte what 7.2 writes */
	assert_int_equal(iakerb_desc_build(buf, sizeof(buf), &d),
			 strlen(LEGACY72));
	assert_string_equal(buf, LEGACY72);
}

static void test_legacy_without_user(void **state)
{
	static const char s[] = "ver=0x2;host=h;ip4=1.2.3.4;sec=iakerb;"
		"uid=0x0;creduid=0x0;pid=0x1;upcall_target=mount";
	struct iakerb_desc d;

	assert_int_equal(parse_str(s, &d), 0);
	assert_false(d.have & IAKERB_F_USER);
	assert_int_equal(d.sec, IAKERB_SEC_IAKERB);
	roundtrip(&d, s);
}

static void test_multileg_leg1(void **state)
{
	struct iakerb_desc d;

	make_multileg(&d, 1);
	roundtrip(&d, "ver=0x2;host=srv.test;ip4=10.0.0.7;sec=krb5;uid=0x0;"
		  "creduid=0x3e8;user=alice;pid=0x1a2b;upcall_target=mount;"
		  "mechs=krb5,iakerb,ntlmssp;exch=" EXCH ";leg=1;tmo=30");
}

static void test_multileg_leg2_and_recon(void **state)
{
	struct iakerb_desc d;

	make_multileg(&d, 2);
	roundtrip(&d, "ver=0x2;host=srv.test;ip4=10.0.0.7;sec=krb5;uid=0x0;"
		  "creduid=0x3e8;user=alice;pid=0x1a2b;upcall_target=mount;"
		  "mechs=krb5,iakerb,ntlmssp;exch=" EXCH ";leg=2;tmo=30;"
		  "agent=4242");
	d.have |= IAKERB_F_RECON;
	d.recon = 1;
	roundtrip(&d, "ver=0x2;host=srv.test;ip4=10.0.0.7;sec=krb5;uid=0x0;"
		  "creduid=0x3e8;user=alice;pid=0x1a2b;upcall_target=mount;"
		  "mechs=krb5,iakerb,ntlmssp;exch=" EXCH ";leg=2;tmo=30;"
		  "agent=4242;recon=1");
}

/* The kernel's offer of its channel (§8): leg 1 only, value 1 */
static void test_chan_offer(void **state)
{
	struct iakerb_desc d, d2;
	char s[2000];
	int n;

	make_multileg(&d, 1);
	d.have |= IAKERB_F_CHAN;
	roundtrip(&d, "ver=0x2;host=srv.test;ip4=10.0.0.7;sec=krb5;uid=0x0;"
		  "creduid=0x3e8;user=alice;pid=0x1a2b;upcall_target=mount;"
		  "mechs=krb5,iakerb,ntlmssp;exch=" EXCH ";leg=1;tmo=30;chan=1");
	/* leg 2 is of the same exchange, with or without the offer */
	make_multileg(&d2, 2);
	assert_true(iakerb_desc_same_exchange(&d, &d2));
	/* never on a later leg, never another value, never on 7.2's */
	n = iakerb_desc_build(s, sizeof(s), &d2);
	assert_true(n > 0);
	strcat(s, ";chan=1");
	assert_int_equal(parse_str(s, &d2), -EPROTO);
	d.have &= ~IAKERB_F_CHAN;
	n = iakerb_desc_build(s, sizeof(s), &d);
	assert_true(n > 0);
	strcat(s, ";chan=2");
	assert_int_equal(parse_str(s, &d2), -EPROTO);
	assert_int_equal(parse_str(LEGACY72 ";chan=1", &d2), -EPROTO);
}

static void test_ip6_roundtrip(void **state)
{
	struct iakerb_desc d;
	static const __u8 a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				    0, 0, 0, 0, 0xab, 0xcd, 0, 1 };

	make_multileg(&d, 1);
	d.have &= ~IAKERB_F_IP4;
	d.have |= IAKERB_F_IP6;
	memcpy(d.addr, a, 16);
	d.mechs = IAKERB_MECH_IAKERB;
	d.sec = IAKERB_SEC_IAKERB;
	roundtrip(&d, "ver=0x2;host=srv.test;"
		  "ip6=2001:0db8:0000:0000:0000:0000:abcd:0001;sec=iakerb;"
		  "uid=0x0;creduid=0x3e8;user=alice;pid=0x1a2b;"
		  "upcall_target=mount;mechs=iakerb;exch=" EXCH ";leg=1;tmo=30");
}

static void test_base_parses(void **state)
{
	char s[2000];
	struct iakerb_desc d;

	join(s, sizeof(s), -1, NULL);
	assert_int_equal(parse_str(s, &d), 0);
	assert_int_equal(d.leg, 2);
	assert_int_equal(d.agent, 4242);
	assert_int_equal(d.tmo, 30);
	assert_string_equal(d.exch, EXCH);
}

struct spelling {
	const char	*name;
	const char	*value;
	int		ret;
};

/* Every field: what the kernel writes passes, anything else does not */
static const struct spelling spellings[] = {
	{ "ver", "0x2", 0 },
	{ "ver", "0x3", -EPROTONOSUPPORT },
	{ "ver", "0x02", -EPROTO },
	{ "ver", "2", -EPROTO },
	{ "ver", "0X2", -EPROTO },
	{ "ver", "", -EPROTO },
	{ "host", "a", 0 },
	{ "host", "", -EPROTO },
	{ "host", "srv test", 0 },
	{ "host", "srv\ttest", -EPROTO },
	{ "ip4", "0.0.0.0", 0 },
	{ "ip4", "255.255.255.255", 0 },
	{ "ip4", "256.0.0.1", -EPROTO },
	{ "ip4", "127.0.0.01", -EPROTO },
	{ "ip4", "1.2.3", -EPROTO },
	{ "ip4", "1.2.3.4.", -EPROTO },
	{ "ip4", "1.2.3.4.5", -EPROTO },
	{ "ip4", "1..3.4", -EPROTO },
	{ "ip4", "-1.2.3.4", -EPROTO },
	{ "sec", "krb5", 0 },
	{ "sec", "mskrb5", -EPROTO },	/* not what mechs= implies */
	{ "sec", "krb5x", -EPROTO },
	{ "sec", "KRB5", -EPROTO },
	{ "sec", "ntlmssp", -EPROTO },
	{ "uid", "0xffffffff", 0 },
	{ "uid", "0x100000000", -EPROTO },
	{ "uid", "0x", -EPROTO },
	{ "uid", "0xABC", -EPROTO },
	{ "uid", "0x00", -EPROTO },
	{ "uid", "-0x1", -EPROTO },
	{ "creduid", "0x0", 0 },
	{ "creduid", "1000", -EPROTO },
	{ "user", "j\xc3\xa9r\xc3\xb4me", 0 },	/* UTF-8 */
	{ "user", "DOMAIN\\bob", 0 },
	{ "user", "bob@REALM", 0 },
	{ "user", "", -EPROTO },
	{ "pid", "0x1", 0 },
	{ "pid", "0x400000", 0 },
	{ "pid", "0x400001", -EPROTO },
	{ "pid", "0x0", -EPROTO },
	{ "upcall_target", "app", 0 },
	{ "upcall_target", "mount", 0 },
	{ "upcall_target", "mountx", -EPROTO },
	{ "upcall_target", "", -EPROTO },
	{ "mechs", "krb5", 0 },
	{ "mechs", "krb5,mskrb5,krb5u2u,iakerb,ntlmssp", 0 },
	{ "mechs", "none", 0 },		/* implies sec=krb5 */
	{ "mechs", "iakerb", -EPROTO },		/* implies sec=iakerb */
	{ "mechs", "iakerb,krb5", -EPROTO },	/* order */
	{ "mechs", "krb5,krb5", -EPROTO },
	{ "mechs", "krb5,", -EPROTO },
	{ "mechs", ",krb5", -EPROTO },
	{ "mechs", "krb5,,iakerb", -EPROTO },
	{ "mechs", "krb5,negoex", -EPROTO },
	{ "mechs", "", -EPROTO },
	{ "exch", "fedcba9876543210", 0 },
	{ "exch", "0123456789ABCDEF", -EPROTO },
	{ "exch", "0123456789abcde", -EPROTO },
	{ "exch", "0123456789abcdef0", -EPROTO },
	{ "exch", "0123456789abcdeg", -EPROTO },
	{ "leg", "32", 0 },
	{ "leg", "33", -EPROTO },
	{ "leg", "0", -EPROTO },
	{ "leg", "02", -EPROTO },
	{ "leg", "1", -EPROTO },		/* agent= only on legs >= 2 */
	{ "leg", "4294967298", -EPROTO },
	{ "tmo", "5", 0 },
	{ "tmo", "600", 0 },
	{ "tmo", "4", -EPROTO },
	{ "tmo", "601", -EPROTO },
	{ "tmo", "+30", -EPROTO },
	{ "tmo", "30s", -EPROTO },
	{ "agent", "2", 0 },
	{ "agent", "4194304", 0 },
	{ "agent", "1", -EPROTO },
	{ "agent", "4194305", -EPROTO },
	{ "agent", "0x10", -EPROTO },
};

static void test_every_field_spelling(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spellings); i++) {
		const struct spelling *t = &spellings[i];
		int ret = with_field(t->name, t->value);

		if (ret != t->ret)
			fail_msg("%s=%s: got %d, want %d", t->name, t->value,
				 ret, t->ret);
	}
}

/* mechs=none: the server sent no mechanism list, 7.2 then says krb5 */
static void test_mechs_none(void **state)
{
	char f[64], s[2000];
	struct iakerb_desc d;

	join(s, sizeof(s), field_index("mechs"), "mechs=none");
	assert_int_equal(parse_str(s, &d), 0);
	assert_int_equal(d.mechs, 0);
	/* sec=iakerb with mechs=none (both fields replaced) */
	snprintf(f, sizeof(f), "sec=iakerb");
	join(s, sizeof(s), field_index("sec"), f);
	memcpy(strstr(s, "mechs=") + 6, "none", 4);
	memmove(strstr(s, "mechs=") + 10, strstr(s, ";exch="),
		strlen(strstr(s, ";exch=")) + 1);
	assert_non_null(strstr(s, ";sec=iakerb;"));
	assert_non_null(strstr(s, ";mechs=none;exch="));
	assert_int_equal(parse_str(s, &d), -EPROTO);
}

/*
 * A mount with sec=iakerb makes the kernel write sec=iakerb even when the
 * server offers krb5 too; sec= other than 7.2's choice is valid only then.
 */
static void test_sec_iakerb_by_mount(void **state)
{
	char s[2000];
	struct iakerb_desc d;

	join(s, sizeof(s), field_index("sec"), "sec=iakerb");
	assert_int_equal(parse_str(s, &d), 0);
	assert_int_equal(d.sec, IAKERB_SEC_IAKERB);
	assert_true(iakerb_desc_build(s, sizeof(s), &d) > 0);
	/* no IAKerb offered: sec=iakerb cannot be */
	d.mechs = IAKERB_MECH_KRB5;
	assert_int_equal(iakerb_desc_build(s, sizeof(s), &d), -EINVAL);
	/* any other departure from 7.2's choice is still refused */
	join(s, sizeof(s), field_index("sec"), "sec=mskrb5");
	assert_int_equal(parse_str(s, &d), -EPROTO);
}

static void test_ip6_spellings(void **state)
{
	static const char *const bad[] = {
		"::1",
		"2001:0DB8:0000:0000:0000:0000:0000:0001",
		"2001:0db8:0000:0000:0000:0000:0000:001",
		"2001:0db8:0000:0000:0000:0000:0000:00001",
		"2001-0db8:0000:0000:0000:0000:0000:0001",
		"2001:0db8:0000:0000:0000:0000:0000:0001:",
	};
	char f[100], s[2000];
	struct iakerb_desc d;
	size_t i;

	snprintf(f, sizeof(f), "ip6=2001:0db8:0000:0000:0000:0000:0000:0001");
	join(s, sizeof(s), field_index("ip4"), f);
	assert_int_equal(parse_str(s, &d), 0);
	assert_true(d.have & IAKERB_F_IP6);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(f, sizeof(f), "ip6=%s", bad[i]);
		join(s, sizeof(s), field_index("ip4"), f);
		assert_int_equal(parse_str(s, &d), -EPROTO);
	}
	/* both families, or none */
	join(s, sizeof(s), -1, NULL);
	strcat(s, ";ip6=0000:0000:0000:0000:0000:0000:0000:0001");
	assert_int_equal(parse_str(s, &d), -EPROTO);
	join(s, sizeof(s), field_index("ip4"), NULL);
	assert_int_equal(parse_str(s, &d), -EPROTO);
}

static void test_missing_fields(void **state)
{
	char s[2000];
	struct iakerb_desc d;
	size_t k;

	/* every field of the base is required (user only for it) */
	for (k = 0; k < NFIELDS; k++) {
		int want = strncmp(base_fields[k], "user=", 5) ? -EPROTO : 0;

		join(s, sizeof(s), (int)k, NULL);
		if (parse_str(s, &d) != want)
			fail_msg("without %s: want %d", base_fields[k], want);
	}
}

static void test_duplicates(void **state)
{
	char s[2000];
	struct iakerb_desc d;
	size_t k;

	for (k = 0; k < NFIELDS; k++) {
		join(s, sizeof(s), -1, NULL);
		strcat(s, ";");
		strcat(s, base_fields[k]);
		if (parse_str(s, &d) != -EPROTO)
			fail_msg("duplicate %s accepted", base_fields[k]);
	}
	join(s, sizeof(s), -1, NULL);
	strcat(s, ";recon=1;recon=1");
	assert_int_equal(parse_str(s, &d), -EPROTO);
}

static void test_unknown_and_critical(void **state)
{
	char s[2000];
	struct iakerb_desc d;

	join(s, sizeof(s), -1, NULL);
	strcat(s, ";future_field=some value");
	assert_int_equal(parse_str(s, &d), 0);
	join(s, sizeof(s), -1, NULL);
	strcat(s, ";future_field=");
	assert_int_equal(parse_str(s, &d), 0);
	join(s, sizeof(s), -1, NULL);
	strcat(s, ";!future_field=1");
	assert_int_equal(parse_str(s, &d), -EPROTONOSUPPORT);
	/* a critical mark on a known field is not that field */
	join(s, sizeof(s), field_index("tmo"), "!tmo=30");
	assert_int_equal(parse_str(s, &d), -EPROTONOSUPPORT);
	join(s, sizeof(s), -1, NULL);
	strcat(s, ";future_field=a\x01");
	assert_int_equal(parse_str(s, &d), -EPROTO);
}

static void test_syntax(void **state)
{
	static const char *const tails[] = {
		";", ";;", ";=x", ";novalue", ";Upper=1", ";sp ace=1",
		";!=1", ";a-b=1",
	};
	char s[2000];
	struct iakerb_desc d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tails); i++) {
		join(s, sizeof(s), -1, NULL);
		strcat(s, tails[i]);
		if (parse_str(s, &d) != -EPROTO)
			fail_msg("tail \"%s\" accepted", tails[i]);
	}
	assert_int_equal(iakerb_desc_parse("", 0, &d), -EPROTO);
	/* the name ends at the first '=': the value may hold more */
	join(s, sizeof(s), field_index("user"), "user=a=b");
	assert_int_equal(parse_str(s, &d), 0);
	assert_string_equal(d.user, "a=b");
}

static void test_multileg_rules(void **state)
{
	static const char *const ml[] = { "mechs", "exch", "leg", "tmo" };
	char s[2000];
	struct iakerb_desc d;
	size_t i;

	/* all four multi-leg fields or none */
	for (i = 0; i < ARRAY_SIZE(ml); i++) {
		join(s, sizeof(s), field_index(ml[i]), NULL);
		assert_int_equal(parse_str(s, &d), -EPROTO);
	}
	/* leg 1 carries no agent, leg 2 needs one */
	join(s, sizeof(s), field_index("agent"), NULL);
	assert_int_equal(parse_str(s, &d), -EPROTO);
	/* recon=1 with either upcall_target (the kernel keeps the mount's),
	 * and only multi-leg */
	join(s, sizeof(s), -1, NULL);
	strcat(s, ";recon=1");
	assert_int_equal(parse_str(s, &d), 0);
	assert_int_equal(d.recon, 1);
	join(s, sizeof(s), field_index("upcall_target"), "upcall_target=app");
	strcat(s, ";recon=1");
	assert_int_equal(parse_str(s, &d), 0);
	assert_int_equal(d.recon, 1);
	assert_int_equal(d.target, IAKERB_TARGET_APP);
	join(s, sizeof(s), -1, NULL);
	strcat(s, ";recon=0");
	assert_int_equal(parse_str(s, &d), -EPROTO);
	assert_int_equal(parse_str(LEGACY72 ";recon=1", &d), -EPROTO);
	assert_int_equal(parse_str(LEGACY72 ";agent=4242", &d), -EPROTO);
}

static void test_sec_from_mechs(void **state)
{
	assert_int_equal(iakerb_sec_from_mechs(0), IAKERB_SEC_KRB5);
	assert_int_equal(iakerb_sec_from_mechs(IAKERB_MECH_NTLMSSP),
			 IAKERB_SEC_KRB5);
	assert_int_equal(iakerb_sec_from_mechs(IAKERB_MECH_IAKERB),
			 IAKERB_SEC_IAKERB);
	/* Windows offering krb5 and IAKerb never gets sec=iakerb (7.2) */
	assert_int_equal(iakerb_sec_from_mechs(IAKERB_MECH_MSKRB5 |
					       IAKERB_MECH_IAKERB),
			 IAKERB_SEC_MSKRB5);
	assert_int_equal(iakerb_sec_from_mechs(IAKERB_MECH_ALL),
			 IAKERB_SEC_KRB5);
}

static void test_length_limits(void **state)
{
	char big[IAKERB_DESC_MAX + 100], host[300];
	struct iakerb_desc d;
	size_t n;

	memset(host, 'h', 255);
	host[255] = '\0';
	assert_int_equal(with_field("host", host), 0);
	host[255] = 'h';
	host[256] = '\0';
	assert_int_equal(with_field("host", host), -EPROTO);
	memset(host, 'u', 255);
	host[255] = '\0';
	assert_int_equal(with_field("user", host), 0);
	host[255] = 'u';
	host[256] = '\0';
	assert_int_equal(with_field("user", host), -EPROTO);

	/* pad with an ignorable field to exactly 4095, then 4096 */
	join(big, sizeof(big), -1, NULL);
	strcat(big, ";pad=");
	n = strlen(big);
	memset(big + n, 'p', IAKERB_DESC_MAX - n);
	big[IAKERB_DESC_MAX] = '\0';
	assert_int_equal(parse_str(big, &d), 0);
	big[IAKERB_DESC_MAX] = 'p';
	big[IAKERB_DESC_MAX + 1] = '\0';
	assert_int_equal(parse_str(big, &d), -EPROTO);
}

static void test_builder_limits(void **state)
{
	char buf[IAKERB_DESC_MAX + 1];
	struct iakerb_desc d;
	int full, cap;

	make_multileg(&d, 3);
	full = iakerb_desc_build(buf, sizeof(buf), &d);
	assert_true(full > 0);
	/* every too-small buffer fails cleanly, never overruns */
	for (cap = 0; cap <= full; cap++) {
		char *b = malloc(cap ? cap : 1);

		assert_int_equal(iakerb_desc_build(b, cap, &d), -EMSGSIZE);
		free(b);
	}
	assert_int_equal(iakerb_desc_build(buf, full + 1, &d), full);

	/* the longest real description fits in a key description */
	memset(d.host, 'h', IAKERB_HOST_MAX);
	d.host[IAKERB_HOST_MAX] = '\0';
	memset(d.user, 'u', IAKERB_USER_MAX);
	d.user[IAKERB_USER_MAX] = '\0';
	d.have &= ~IAKERB_F_IP4;
	d.have |= IAKERB_F_IP6 | IAKERB_F_RECON;
	d.recon = 1;
	d.mechs = IAKERB_MECH_ALL;
	d.uid = d.creduid = 0xffffffff;
	d.pid = d.agent = IAKERB_PID_MAX;
	d.leg = IAKERB_MAX_LEGS;
	d.tmo = IAKERB_TMO_MAX;
	full = iakerb_desc_build(buf, sizeof(buf), &d);
	assert_true(full > 0 && full < 1024);

	/* out-of-range values are refused by the builder too */
	make_multileg(&d, 2);
	d.leg = IAKERB_MAX_LEGS + 1;
	assert_int_equal(iakerb_desc_build(buf, sizeof(buf), &d), -EINVAL);
	make_multileg(&d, 2);
	d.tmo = 1;
	assert_int_equal(iakerb_desc_build(buf, sizeof(buf), &d), -EINVAL);
	make_multileg(&d, 2);
	d.mechs = 0x20;
	assert_int_equal(iakerb_desc_build(buf, sizeof(buf), &d), -EINVAL);
	make_multileg(&d, 2);
	d.ver = 3;
	assert_int_equal(iakerb_desc_build(buf, sizeof(buf), &d),
			 -EPROTONOSUPPORT);
	make_multileg(&d, 2);
	d.exch[3] = 'X';
	assert_int_equal(iakerb_desc_build(buf, sizeof(buf), &d), -EINVAL);
	make_multileg(&d, 2);
	memset(d.host, 'h', sizeof(d.host));	/* unterminated */
	assert_int_equal(iakerb_desc_build(buf, sizeof(buf), &d), -EINVAL);
}

/*
 * User names reach the description unfiltered (fs_context.c, cifscreds
 * payloads): the builder refuses ';' and control characters, and the
 * parser rejects what a forged or unpatched kernel would let through.
 */
static void test_injection(void **state)
{
	static const char *const users[] = {
		"alice;creduid=0x0", "alice;uid=0x0", "alice;", ";",
		"alice\n", "al\tice", "alice\x7f", "alice\x01", "alice\x1b[0m",
		"alice;leg=1", "alice;!x=1",
	};
	char buf[IAKERB_DESC_MAX + 1];
	struct iakerb_desc d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(users); i++) {
		make_multileg(&d, 1);
		strcpy(d.user, users[i]);
		if (iakerb_desc_build(buf, sizeof(buf), &d) != -EINVAL)
			fail_msg("user \"%s\" built", users[i]);
		make_multileg(&d, 1);
		strcpy(d.host, users[i]);
		if (iakerb_desc_build(buf, sizeof(buf), &d) != -EINVAL)
			fail_msg("host \"%s\" built", users[i]);
	}

	/* what 7.2 writes for username "alice;creduid=0x0": a second creduid
	 * that stock cifs.upcall takes as the last word */
	assert_int_equal(parse_str("ver=0x2;host=srv;ip4=1.2.3.4;sec=krb5;"
				   "uid=0x3e8;creduid=0x3e8;user=alice;"
				   "creduid=0x0;pid=0x10;upcall_target=app",
				   &d), -EPROTO);
	/* a user name smuggling a leg number or an agent */
	assert_int_equal(with_field("user", "alice;leg=3"), -EPROTO);
	assert_int_equal(with_field("user", "alice;agent=1234"), -EPROTO);
	/* control characters and NUL anywhere */
	assert_int_equal(with_field("user", "al\nice"), -EPROTO);
	assert_int_equal(with_field("host", "srv\r"), -EPROTO);
	assert_int_equal(with_field("user", "al\x7f"), -EPROTO);
	assert_int_equal(iakerb_desc_parse(LEGACY72 "\0;uid=0x0",
					   sizeof(LEGACY72 "\0;uid=0x0") - 1,
					   &d), -EPROTO);
	assert_int_equal(iakerb_text_ok("a;b", 3, 10), -EINVAL);
	assert_int_equal(iakerb_text_ok("\xc3\xa9", 2, 10), 0);
	assert_int_equal(iakerb_text_ok("abc", 3, 2), -EINVAL);
	assert_int_equal(iakerb_text_ok("", 0, 2), -EINVAL);
}

static void test_from_describe(void **state)
{
	static const char ok[] = "cifs.spnego;0;0;3f010000;" LEGACY72;
	const char *desc;
	size_t len;
	struct iakerb_desc d;

	assert_int_equal(iakerb_desc_from_describe(ok, strlen(ok), &desc,
						   &len), 0);
	assert_int_equal(len, strlen(LEGACY72));
	assert_int_equal(iakerb_desc_parse(desc, len, &d), 0);
	/* keyctl_describe_alloc() counts the NUL */
	assert_int_equal(iakerb_desc_from_describe(ok, sizeof(ok), &desc,
						   &len), 0);
	assert_int_equal(len, strlen(LEGACY72));
	assert_int_equal(iakerb_desc_from_describe(
		"cifs.spnego;-1;4294967295;3f010000;x", 36, &desc, &len), 0);
	assert_int_equal(len, 1);

#define BAD_DESCRIBE(s) \
	assert_int_equal(iakerb_desc_from_describe(s, strlen(s), &desc, \
						   &len), -EPROTO)
	BAD_DESCRIBE("user;0;0;3f010000;" LEGACY72);
	BAD_DESCRIBE("cifs.spnegox;0;0;3f010000;" LEGACY72);
	BAD_DESCRIBE("cifs.spneg");
	BAD_DESCRIBE("cifs.spnego;0;0;3f01000;" LEGACY72);
	BAD_DESCRIBE("cifs.spnego;0;0;3f0100000;" LEGACY72);
	BAD_DESCRIBE("cifs.spnego;0;3f010000;" LEGACY72);
	BAD_DESCRIBE("cifs.spnego;;0;3f010000;" LEGACY72);
	BAD_DESCRIBE("cifs.spnego;0;0;3f010000");
	BAD_DESCRIBE("cifs.spnego;00000000000;0;3f010000;x");
}

static void test_same_exchange(void **state)
{
	struct iakerb_desc a, b;

	make_multileg(&a, 1);
	make_multileg(&b, 5);
	b.tmo = 12;
	assert_true(iakerb_desc_same_exchange(&a, &b));
	strcpy(b.host, "other");
	assert_false(iakerb_desc_same_exchange(&a, &b));
	make_multileg(&b, 5);
	b.exch[0] = 'f';
	assert_false(iakerb_desc_same_exchange(&a, &b));
	make_multileg(&b, 5);
	b.creduid = 0;
	assert_false(iakerb_desc_same_exchange(&a, &b));
	make_multileg(&b, 5);
	b.have |= IAKERB_F_RECON;
	b.recon = 1;
	assert_false(iakerb_desc_same_exchange(&a, &b));
	make_multileg(&b, 5);
	b.mechs = IAKERB_MECH_KRB5;
	assert_false(iakerb_desc_same_exchange(&a, &b));
	/* legacy descriptions belong to no exchange */
	assert_int_equal(parse_str(LEGACY72, &a), 0);
	assert_false(iakerb_desc_same_exchange(&a, &a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy_72_roundtrip),
		cmocka_unit_test(test_legacy_without_user),
		cmocka_unit_test(test_multileg_leg1),
		cmocka_unit_test(test_multileg_leg2_and_recon),
		cmocka_unit_test(test_ip6_roundtrip),
		cmocka_unit_test(test_base_parses),
		cmocka_unit_test(test_every_field_spelling),
		cmocka_unit_test(test_mechs_none),
		cmocka_unit_test(test_sec_iakerb_by_mount),
		cmocka_unit_test(test_ip6_spellings),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_unknown_and_critical),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_multileg_rules),
		cmocka_unit_test(test_sec_from_mechs),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_builder_limits),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_from_describe),
		cmocka_unit_test(test_same_exchange),
		cmocka_unit_test(test_chan_offer),
	};

	return cmocka_run_group_tests_name("desc", tests, NULL, NULL);
}
