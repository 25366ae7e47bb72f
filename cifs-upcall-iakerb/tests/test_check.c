// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of --check's pure parts (check_smb.c, check_plan.c): the
 * NEGOTIATE request and response, the server's mechanisms, and what a
 * mount would do.  Messages are written out by hand from MS-SMB2 and the
 * ASN.1, not produced by the code under test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* before cmocka.h: it defines a fail() macro */
#include "check.h"
#include "test_util.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

/* The request: NBSS length, SMB2 NEGOTIATE, dialects, preauth context */
static void neg_request(void **state)
{
	uint8_t buf[256];
	const uint8_t *m = buf + 4, *b = m + 64;
	size_t len = smb_neg_request(buf, sizeof(buf)), ctx;

	(void)state;
	assert_int_equal(len, 4 + 158);
	assert_int_equal(buf[0], 0);
	assert_int_equal((size_t)buf[1] << 16 | buf[2] << 8 | buf[3], 158);
	assert_memory_equal(m, "\xfeSMB", 4);
	assert_int_equal(rd16(m + 4), 64);
	assert_int_equal(rd16(m + 12), 0);	/* NEGOTIATE */
	assert_int_equal(rd16(b), 36);
	assert_int_equal(rd16(b + 2), 3);
	assert_int_equal(rd16(b + 36), 0x0300);
	assert_int_equal(rd16(b + 38), 0x0302);
	assert_int_equal(rd16(b + 40), 0x0311);
	ctx = rd32(b + 28);
	assert_int_equal(ctx, 112);
	assert_int_equal(rd16(b + 32), 1);
	assert_int_equal(rd16(m + ctx), 1);	/* PREAUTH_INTEGRITY */
	assert_int_equal(rd16(m + ctx + 2), 38);
	assert_int_equal(rd16(m + ctx + 12), 1);	/* SHA-512 */
	/* too small a buffer: nothing */
	assert_int_equal(smb_neg_request(buf, 100), 0);
}

/* A NEGOTIATE response with a 4-byte security buffer at 128 */
static void make_rsp(uint8_t *m, uint32_t status)
{
	memset(m, 0, 132);
	memcpy(m, "\xfeSMB", 4);
	m[4] = 64;
	m[8] = (uint8_t)status;
	m[11] = (uint8_t)(status >> 24);
	m[16] = 1;			/* SERVER_TO_REDIR */
	m[64] = 65;
	m[68] = 0x11;			/* dialect 0x0311 */
	m[69] = 0x03;
	m[64 + 56] = 128;		/* SecurityBufferOffset */
	m[64 + 58] = 4;			/* SecurityBufferLength */
	memcpy(m + 128, "abcd", 4);
}

static void neg_response(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct smb_neg_info ni;
	uint8_t m[132], *c;
	uint32_t st;

	(void)state;
	make_rsp(m, 0);
	c = exact_copy(mem, m, sizeof(m));
	assert_int_equal(smb_neg_parse(c, sizeof(m), &st, &ni), 0);
	assert_int_equal(ni.dialect, 0x0311);
	assert_int_equal(ni.sec_len, 4);
	assert_memory_equal(ni.sec, "abcd", 4);
	/* the buffer runs past the message */
	assert_int_equal(smb_neg_parse(c, sizeof(m) - 1, &st, &ni), -EBADMSG);
	/* no buffer: allowed (MS-SMB2 2.2.4) */
	m[64 + 58] = 0;
	assert_int_equal(smb_neg_parse(m, sizeof(m), &st, &ni), 0);
	assert_int_equal(ni.sec_len, 0);
	/* an offset inside the fixed part */
	m[64 + 58] = 4;
	m[64 + 56] = 100;
	assert_int_equal(smb_neg_parse(m, sizeof(m), &st, &ni), -EBADMSG);
	/* an error status */
	make_rsp(m, 0xc00000bb);
	assert_int_equal(smb_neg_parse(m, sizeof(m), &st, &ni), -EREMOTEIO);
	assert_int_equal(st, 0xc00000bb);
	/* SMB1, a request, a truncated header */
	make_rsp(m, 0);
	m[0] = 0xff;
	assert_int_equal(smb_neg_parse(m, sizeof(m), &st, &ni),
			 -EPROTONOSUPPORT);
	make_rsp(m, 0);
	m[16] = 0;
	assert_int_equal(smb_neg_parse(m, sizeof(m), &st, &ni), -EBADMSG);
	assert_int_equal(smb_neg_parse(c, 40, &st, &ni), -EBADMSG);
	talloc_free(mem);
}

/* negTokenInit2 hints: IAKerb, krb5 (as test_spnego's) */
#define HINTS_IAKERB_KRB5 \
	"60 4f 06 06 2b 06 01 05 05 02 a0 45 30 43" \
	" a0 15 30 13 06 06 2b 06 01 05 02 05 06 09 2a 86 48 86 f7 12 01 02 02" \
	" a3 2a 30 28 a0 26 1b 24" \
	" 6e 6f 74 5f 64 65 66 69 6e 65 64 5f 69 6e 5f 52 46 43 34 31 37 38" \
	" 40 70 6c 65 61 73 65 5f 69 67 6e 6f 72 65"
/* negTokenInit: NTLMSSP and 1.2.3.4 */
#define INIT_NTLM_OTHER \
	"60 21 06 06 2b 06 01 05 05 02 a0 17 30 15 a0 13 30 11" \
	" 06 0a 2b 06 01 04 01 82 37 02 02 0a 06 03 2a 03 04"

static void mechs_named(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	unsigned int mechs;
	char names[128];
	uint8_t *b;
	size_t len;

	(void)state;
	b = HEX(mem, HINTS_IAKERB_KRB5, &len);
	assert_int_equal(check_mechs(b, len, &mechs, names, sizeof(names)),
			 0);
	assert_int_equal(mechs, CHECK_MECH_IAKERB | CHECK_MECH_KRB5);
	assert_string_equal(names, "IAKerb, krb5");
	b = HEX(mem, INIT_NTLM_OTHER, &len);
	assert_int_equal(check_mechs(b, len, &mechs, names, sizeof(names)),
			 0);
	assert_int_equal(mechs, CHECK_MECH_NTLMSSP | CHECK_MECH_OTHER);
	assert_string_equal(names, "NTLMSSP, 1.2.3.4");
	/* garbage is not a list */
	assert_int_not_equal(check_mechs(b, len - 1, &mechs, names,
					 sizeof(names)), 0);
	check_mech_list(CHECK_MECH_NTLMSSP | CHECK_MECH_NEGOEX |
			CHECK_MECH_KRB5, names, sizeof(names));
	assert_string_equal(names, "krb5, NTLMSSP, NEGOEX");
	talloc_free(mem);
}

/* One row: the facts, password or not, what the mount does */
struct plan_case {
	const char *name;
	unsigned int mechs;
	bool sec_iakerb;
	enum cc_state cc;
	bool stale;
	enum check_kdc kdc;
	bool conf_kdc;
	enum pw_mode mode;
	bool password;
	bool ok;
	int err;
	const char *how;	/* a word the sentence must hold */
};

#define KRB (CHECK_MECH_KRB5 | CHECK_MECH_MSKRB5)
#define ALL (KRB | CHECK_MECH_IAKERB)

static const struct plan_case plan_cases[] = {
	{ "service ticket, krb5", ALL, false, CC_SERVICE, false,
	  CHECK_KDC_UNREACHABLE, false, PW_MODE_AUTO, false, true, 0,
	  "plain krb5 with the stored service ticket" },
	{ "TGT, KDC reachable", ALL, false, CC_TGT, false,
	  CHECK_KDC_REACHABLE, true, PW_MODE_AUTO, false, true, 0,
	  "plain krb5: the stored TGT" },
	{ "TGT, no KDC, IAKerb", ALL, false, CC_TGT, false,
	  CHECK_KDC_NO_REALM, false, PW_MODE_AUTO, false, true, 0,
	  "IAKerb with the stored TGT" },
	{ "TGT, no KDC, no IAKerb", KRB, false, CC_TGT, false,
	  CHECK_KDC_UNREACHABLE, true, PW_MODE_AUTO, false, false,
	  ENETUNREACH, "does not offer IAKerb" },
	{ "sec=iakerb, TGT", ALL, true, CC_TGT, false,
	  CHECK_KDC_REACHABLE, true, PW_MODE_AUTO, false, true, 0,
	  "IAKerb with the stored TGT" },
	{ "sec=iakerb, no IAKerb", KRB, true, CC_SERVICE, false,
	  CHECK_KDC_REACHABLE, true, PW_MODE_AUTO, true, false, 0,
	  "does not offer IAKerb" },
	{ "NTLMSSP only", CHECK_MECH_NTLMSSP, false, CC_SERVICE, false,
	  CHECK_KDC_REACHABLE, true, PW_MODE_AUTO, true, false, 0,
	  "no Kerberos mechanism" },
	{ "nothing", ALL, false, CC_NONE, false, CHECK_KDC_NO_REALM, false,
	  PW_MODE_AUTO, false, false, ENOKEY, "no Kerberos credentials" },
	{ "expired", ALL, false, CC_NONE, true, CHECK_KDC_NO_REALM, false,
	  PW_MODE_AUTO, false, false, ESTALE, "expired" },
	{ "password, no realm", ALL, false, CC_NONE, false,
	  CHECK_KDC_NO_REALM, false, PW_MODE_AUTO, true, true, 0,
	  "IAKerb with the password" },
	{ "password, KDC reachable", ALL, false, CC_NONE, false,
	  CHECK_KDC_REACHABLE, true, PW_MODE_AUTO, true, true, 0,
	  "to the realm's KDC from this machine" },
	{ "password, named KDC unreachable", ALL, false, CC_NONE, false,
	  CHECK_KDC_UNREACHABLE, true, PW_MODE_AUTO, true, false,
	  ENETUNREACH, "krb5.conf names a KDC" },
	{ "password, fallback", ALL, false, CC_NONE, false,
	  CHECK_KDC_UNREACHABLE, true, PW_MODE_FALLBACK, true, true, 0,
	  "IAKerb with the password" },
	{ "password, never via server", ALL, false, CC_NONE, false,
	  CHECK_KDC_NO_REALM, false, PW_MODE_NO, true, false, ENETUNREACH,
	  "iakerb_password = no" },
	{ "password, no IAKerb, no KDC", KRB, false, CC_NONE, false,
	  CHECK_KDC_NONE, false, PW_MODE_AUTO, true, false, ENETUNREACH,
	  "does not offer IAKerb" },
};

static void plans(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++) {
		const struct plan_case *c = &plan_cases[i];
		struct check_facts f = {
			.mechs = c->mechs, .sec_iakerb = c->sec_iakerb,
			.cc = c->cc, .cc_stale = c->stale, .kdc = c->kdc,
		};
		struct check_verdict v;

		f.pw.mode = c->mode;
		f.pw.conf_kdc = c->conf_kdc;
		f.pw.from = c->kdc == CHECK_KDC_NO_REALM ? PW_REALM_NONE :
							   PW_REALM_DEFAULT;
		f.pw.kdc = c->kdc == CHECK_KDC_REACHABLE ? PW_KDC_ANSWERED :
			   c->kdc == CHECK_KDC_NO_REALM ? PW_KDC_NOT_ASKED :
							PW_KDC_UNREACHABLE;
		check_plan(&f, c->password, &v);
		if (v.ok != c->ok || v.err != c->err ||
		    !strstr(v.how, c->how))
			fail_msg("%s: got ok=%d err=%d \"%s\"", c->name, v.ok,
				 v.err, v.how);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(neg_request),
	cmocka_unit_test(neg_response),
	cmocka_unit_test(mechs_named),
	cmocka_unit_test(plans),
};

int main(int argc, char **argv)
{
	vectors_dir = argc > 1 ? argv[1] : NULL;
	return _cmocka_run_group_tests("check", tests,
				       sizeof(tests) / sizeof(tests[0]),
				       load_vectors, free_vectors);
}
