// SPDX-License-Identifier: GPL-2.0
/* Password key payload parser.  Oracle: rebuilds to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include "iakerb_compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static __u8 out[IAKERB_CRED_MAX];
	struct iakerb_cred c;
	int n;

	if (iakerb_cred_parse(data, size, &c))
		return 0;
	n = iakerb_cred_build(out, sizeof(out), c.pass, c.pass_len, c.domain,
			      c.domain_len);
	if (n < 0 || (size_t)n != size || memcmp(out, data, size))
		abort();
	return 0;
}
