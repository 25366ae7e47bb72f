// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the server's security buffer as the initiator reads it
 * on every leg (spnego_unwrap_reply), then the mechanism token inside as
 * the agent describes and checks it (describe_token: GSS framing, IAKerb
 * header, KDC message type, KRB-ERROR code).
 */
#include <stdlib.h>
#include <string.h>

#include "initiator.h"

static void require(bool cond)
{
	if (!cond)
		abort();
}

static bool inside(const struct der_blob *b, const uint8_t *p, size_t n)
{
	return !b->data || (b->data >= p && b->len <= n &&
			    b->data + b->len <= p + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct server_reply rep;
	char what[96];

	memcpy(copy, data, size);
	if (spnego_unwrap_reply(copy, size, &rep) == 0) {
		require(inside(&rep.token, copy, size));
		require(inside(&rep.mic, copy, size));
		require(inside(&rep.supported_mech, copy, size));
		require(!rep.reject || rep.has_state);
		describe_token(&rep.token, what, sizeof(what));
		require(memchr(what, 0, sizeof(what)) != NULL);
	}
	/* a bare mechanism token too (what MIT hands back) */
	{
		struct der_blob tok = { copy, size };

		describe_token(&tok, what, sizeof(what));
	}
	free(copy);
	return 0;
}
