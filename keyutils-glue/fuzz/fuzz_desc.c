// SPDX-License-Identifier: GPL-2.0
/*
 * Key description parser.  Oracle: whatever parses must build, and the
 * built string must parse back to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include "iakerb_compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[IAKERB_DESC_MAX + 1];
	struct iakerb_desc d, d2;
	const char *desc;
	size_t dlen;
	int n;

	if (iakerb_desc_from_describe((const char *)data, size, &desc,
				      &dlen) == 0 &&
	    (desc < (const char *)data || desc + dlen > (const char *)data + size))
		abort();
	if (iakerb_desc_parse((const char *)data, size, &d))
		return 0;
	n = iakerb_desc_build(out, sizeof(out), &d);
	if (n < 0 || (size_t)n > size)
		abort();
	if (iakerb_desc_parse(out, n, &d2) || memcmp(&d, &d2, sizeof(d)))
		abort();
	if (!iakerb_desc_same_exchange(&d, &d2) != !(d.have & IAKERB_F_EXCH))
		abort();
	return 0;
}
