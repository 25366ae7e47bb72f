// SPDX-License-Identifier: GPL-2.0
/*
 * Key payload parser, under each expectation the kernel uses.  Oracle:
 * a payload has one spelling, so what parses rebuilds to the same bytes
 * (a legacy one to its prefix).
 */
#include <stdint.h>
#include <stdlib.h>
#include "iakerb_compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const __u32 expect[] = {
		IAKERB_EXPECT_FIRST, IAKERB_EXPECT_MIDDLE, IAKERB_EXPECT_FINAL,
		IAKERB_EXPECT_FINAL | IAKERB_EXPECT_REAUTH,
	};
	static __u8 out[IAKERB_PAYLOAD_MAX];
	struct iakerb_payload p;
	int ok = 0, n;
	size_t i;

	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		ok += iakerb_payload_parse(data, size, expect[i], &p) == 0;
	if (iakerb_payload_parse(data, size, IAKERB_EXPECT_ANY, &p)) {
		if (ok)
			abort();
		return 0;
	}
	/*
	 * A trailer-less CONTINUE answers both leg 1 and later legs, and a
	 * trailer-less ESTABLISHED answers a final upcall with and without
	 * reauth=1; a trailer narrows either to the one upcall that offered
	 * it, and LEGACY answers leg 1 only
	 */
	if (ok != ((p.flags == IAKERB_MSG_CONTINUE && !p.has_chan) ||
		   (p.flags == IAKERB_MSG_ESTABLISHED && !p.reauth_sec) ? 2 : 1))
		abort();
	/* a legacy answer may carry slack after its contents (stock helper) */
	n = iakerb_payload_build(out, sizeof(out), &p);
	if (n < 0 || (size_t)n > size || memcmp(out, data, n) ||
	    ((size_t)n != size && p.flags != IAKERB_MSG_LEGACY))
		abort();
	return 0;
}
