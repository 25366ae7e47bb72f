// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of chaos.c, the pure half of --fault random: a replay needs
 * the same sub-seed to give the same plan and the same bytes, distinct
 * exchanges distinct seeds, and no mutation may step outside its token.
 * One "PASS smbsrv/chaos-..." or "FAIL ..." line per test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "smb2.h"

static int nfail;

static void result(const char *name, int ok, const char *why)
{
	if (ok) {
		printf("PASS smbsrv/chaos-%s\n", name);
	} else {
		printf("FAIL smbsrv/chaos-%s: %s\n", name, why);
		nfail++;
	}
}

/*
 * A negTokenResp shaped like MIT's IAKerb proxy reply: accept-incomplete,
 * supportedMech IAKerb, responseToken = GSS token (OID 1.3.6.1.5.2.5,
 * TOK_ID 05 01, IAKERB-HEADER with realm "R.TEST" and a cookie, then a
 * stand-in KRB message [APPLICATION 30] with one INTEGER).
 */
static const uint8_t resp[] = {
	0xa1, 0x37, 0x30, 0x35,
	0xa0, 0x03, 0x0a, 0x01, 0x01,
	0xa1, 0x08, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x05,
	0xa2, 0x24, 0x04, 0x22,
	0x60, 0x20, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x05,
	0x05, 0x01,
	0x30, 0x0f, 0xa1, 0x08, 0x0c, 0x06, 'R', '.', 'T', 'E', 'S', 'T',
	0xa2, 0x03, 0x04, 0x01, 0x07,
	0x7e, 0x03, 0x02, 0x01, 0x44,
};

static void t_seeds(void)
{
	uint64_t a = chaos_sub_seed(42, 1), b = chaos_sub_seed(42, 1);
	uint64_t seen[1000];
	int i, j, dup = 0;

	for (i = 0; i < 1000; i++) {
		seen[i] = chaos_sub_seed(42, (uint64_t)i + 1);
		for (j = 0; j < i; j++)
			dup |= seen[j] == seen[i];
	}
	result("seed-stable", a == b && a == seen[0], "sub-seed changed");
	result("seed-distinct", !dup && chaos_sub_seed(43, 1) != a,
	       "two exchanges share a sub-seed");
}

static void t_plans(void)
{
	struct chaos_plan p, q;
	int kinds[CH_NKINDS] = { 0 }, i, k, bad = 0, sel = 0, all = 1;
	char s[96];

	for (i = 0; i < 5000; i++) {
		chaos_plan_make(chaos_sub_seed(7, (uint64_t)i), &p);
		chaos_plan_make(p.sub, &q);
		bad |= memcmp(&p, &q, sizeof(p)) != 0;
		bad |= p.n < 1 || p.n > CHAOS_MAX_MUTS;
		for (k = 0; k < p.n; k++) {
			bad |= p.m[k].kind >= CH_NKINDS;
			bad |= p.m[k].leg < 1 || p.m[k].leg > CHAOS_MAX_LEG;
			if (p.m[k].kind < CH_NKINDS)
				kinds[p.m[k].kind]++;
		}
		sel += chaos_selected(p.sub, 85);
	}
	for (k = 0; k < CH_NKINDS; k++)
		all &= kinds[k] > 0;
	result("plan-deterministic", !bad, "plan differs or out of range");
	result("plan-every-kind", all, "a kind is never planned");
	/* 85 % of 5000, give or take 3 sigma */
	result("plan-rate", sel > 4170 && sel < 4330, "rate not about 85 %");
	p.n = 2;
	p.m[0] = (struct chaos_mut){ CH_GARBLE, 2, 0 };
	p.m[1] = (struct chaos_mut){ CH_SIG, 5, 0 };
	chaos_plan_str(&p, s, sizeof(s));
	result("plan-str", !strcmp(s, "garble@2,sig@final"), s);
	result("replay-always-selected", !chaos_selected(p.sub, 0),
	       "rate 0 selected");
}

static void t_der_walk(void)
{
	struct der_hdr h[64];
	size_t n = der_walk(resp, sizeof(resp), h, 64), i;
	int realm = 0, oid = 0, cookie = 0, krb = 0;

	for (i = 0; i < n; i++) {
		realm |= h[i].tag == 0x0c && h[i].val_len == 6 &&
			 !memcmp(resp + h[i].val_off, "R.TEST", 6);
		oid += h[i].tag == 0x06;
		cookie |= h[i].tag == 0x04 && h[i].val_len == 1;
		krb |= h[i].tag == 0x7e;
	}
	result("der-walk-iakerb", realm && oid == 2 && cookie && krb,
	       "realm, OIDs, cookie or KRB message not found in the token");
	/* truncated anywhere: never a header outside the bytes */
	for (i = 0; i < sizeof(resp); i++) {
		size_t k, m = der_walk(resp, i, h, 64);

		for (k = 0; k < m; k++)
			if (h[k].val_off + h[k].val_len > i)
				break;
		if (k < m)
			break;
	}
	result("der-walk-bounded", i == sizeof(resp),
	       "a header reaches past a truncated token");
}

static void t_mutations(void)
{
	char what[96], what2[96];
	unsigned int kind;
	uint32_t arg;
	int same = 1, changed_all = 1, bounded = 1;

	for (kind = CH_GARBLE; kind <= CH_DER_FIELD; kind++) {
		int changed = 0;

		for (arg = 1; arg < 400; arg++) {
			uint8_t *a = malloc(sizeof(resp)), *b = malloc(sizeof(resp));
			size_t la = sizeof(resp), lb = sizeof(resp);
			int ra, rb;

			memcpy(a, resp, la);
			memcpy(b, resp, lb);
			ra = chaos_mutate_token(kind, arg, &a, &la, resp, 10,
						what, sizeof(what));
			rb = chaos_mutate_token(kind, arg, &b, &lb, resp, 10,
						what2, sizeof(what2));
			same &= ra == rb && la == lb && !memcmp(a, b, la) &&
				!strcmp(what, what2);
			bounded &= la <= 65535;
			if (ra == 0 && (la != sizeof(resp) ||
					memcmp(a, resp, la)))
				changed++;
			free(a);
			free(b);
		}
		/* a DER byte may be set to what it was; most are not */
		if (changed < 300) {
			changed_all = 0;
			fprintf(stderr, "chaos: %s changed %d of 399\n",
				chaos_kind_name(kind), changed);
		}
	}
	result("mutation-deterministic", same, "same arg, other bytes");
	result("mutation-changes", changed_all, "a kind rarely changes the token");
	result("mutation-bounded", bounded, "a token past 65535 bytes");
}

static void t_status(void)
{
	int early = 0, late = 0, err = 0;
	uint32_t arg;

	for (arg = 0; arg < 1000; arg++) {
		uint32_t a = chaos_status(STATUS_MORE_PROCESSING_REQUIRED, arg);
		uint32_t b = chaos_status(STATUS_SUCCESS, arg);

		early += a == STATUS_SUCCESS;
		late += b == STATUS_MORE_PROCESSING_REQUIRED;
		err += (a & 0xC0000000u) && a != STATUS_MORE_PROCESSING_REQUIRED;
		if (a != chaos_status(STATUS_MORE_PROCESSING_REQUIRED, arg))
			err = -100000;
	}
	result("status-kinds", early > 100 && late > 100 && err > 500,
	       "success-early, more-processing-late or errors missing");
}

int main(void)
{
	t_seeds();
	t_plans();
	t_der_walk();
	t_mutations();
	t_status();
	return nfail ? 1 : 0;
}
