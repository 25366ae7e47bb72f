// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what the kernel hands the helper, as the helper takes
 * it (request_parse: the description, the callout data, and the rules
 * between them).  Input: u16 description length (little end first), the
 * description, then the callout data.
 *
 * Oracle besides not crashing: an accepted request is self-consistent the
 * way the rest of the helper relies on it.
 */
#include <stdlib.h>
#include <string.h>

#include "upcall.h"

static void require(bool cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct upcall_req r;
	struct result res = { .outcome = OUT_OK };
	size_t dlen;
	char *desc;
	uint8_t *callout;
	int ret;

	if (size < 2)
		return 0;
	dlen = data[0] | (size_t)data[1] << 8;
	if (dlen > size - 2)
		return 0;
	/* exact-size copies: ASan sees any read past either */
	desc = malloc(dlen ? dlen : 1);
	callout = malloc(size - 2 - dlen ? size - 2 - dlen : 1);
	memcpy(desc, data + 2, dlen);
	memcpy(callout, data + 2 + dlen, size - 2 - dlen);
	memset(&r, 0, sizeof(r));

	ret = request_parse(desc, dlen, callout, size - 2 - dlen, data[0] & 1,
			    &r, &res);
	if (ret) {
		require(res.outcome != OUT_OK && res.why[0]);
	} else {
		require(res.outcome == OUT_OK);
		require(r.d.host[0] && !strpbrk(r.d.host, "@/\\;"));
		require(r.uid == r.d.uid || r.uid == r.d.creduid);
		require(r.multileg == !!(r.d.have & IAKERB_F_EXCH));
		if (r.multileg) {
			require(r.d.leg >= 1 && r.d.leg <= IAKERB_MAX_LEGS);
			require(r.msg.secret != NULL);
			require(iakerb_callout_check(&r.msg, r.d.leg) == 0);
			require((r.d.leg == 1) == !(r.d.have & IAKERB_F_AGENT));
			payload_expect(&r);
		}
	}
	free(desc);
	free(callout);
	return 0;
}
