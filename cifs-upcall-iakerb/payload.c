// SPDX-License-Identifier: GPL-2.0
/*
 * Key payloads (PROTOCOL.md §5), built with the shared codec: LEGACY
 * (session key + SPNEGO blob, what 7.2 and cifs.upcall know), CONTINUE
 * (the next token and the agent's pid) and ESTABLISHED (the session key,
 * after the server's last token checked out).
 *
 * A payload holding a session key lives in secret memory.
 */
#include <errno.h>
#include <string.h>

#include "upcall.h"

static int build(TALLOC_CTX *mem, const struct iakerb_payload *in,
		 struct payload *p)
{
	size_t cap = IAKERB_PAYLOAD_HDR_LEN + in->sesskey_len +
		     in->secblob_len + IAKERB_TRAILER_LEN;
	uint8_t *buf;
	int n;

	if (in->sesskey_len > IAKERB_SESSKEY_MAX ||
	    in->secblob_len > IAKERB_TOKEN_MAX)
		return -EMSGSIZE;
	buf = in->sesskey_len ? secret_alloc(mem, cap) : talloc_size(mem, cap);
	if (!buf)
		return -ENOMEM;
	n = iakerb_payload_build(buf, cap, in);
	if (n < 0) {
		talloc_free(buf);
		return n;
	}
	p->data = buf;
	p->len = (size_t)n;
	p->flags = in->flags;
	return 0;
}

int payload_legacy(TALLOC_CTX *mem, const void *key, size_t key_len,
		   const void *blob, size_t blob_len, struct payload *p)
{
	struct iakerb_payload in = {
		.flags = IAKERB_MSG_LEGACY,
		.sesskey = key, .sesskey_len = (uint32_t)key_len,
		.secblob = blob, .secblob_len = (uint32_t)blob_len,
	};

	return build(mem, &in, p);
}

int payload_continue(TALLOC_CTX *mem, const void *blob, size_t blob_len,
		     pid_t agent, struct payload *p)
{
	struct iakerb_payload in = {
		.flags = IAKERB_MSG_CONTINUE,
		.secblob = blob, .secblob_len = (uint32_t)blob_len,
		.agent_pid = (uint32_t)agent,
	};

	return build(mem, &in, p);
}

int payload_established(TALLOC_CTX *mem, const void *key, size_t key_len,
			uint32_t reauth_sec, struct payload *p)
{
	struct iakerb_payload in = {
		.flags = IAKERB_MSG_ESTABLISHED,
		.sesskey = key, .sesskey_len = (uint32_t)key_len,
		.reauth_sec = reauth_sec,
	};

	return build(mem, &in, p);
}

/* What the kernel will accept on this upcall */
uint32_t payload_expect(const struct upcall_req *r)
{
	if (!r->multileg)
		return IAKERB_EXPECT_LEGACY;
	if (r->d.leg == 1)
		return IAKERB_EXPECT_FIRST;
	if (r->msg.smb_status == IAKERB_STATUS_SUCCESS)
		return IAKERB_EXPECT_FINAL | ((r->d.have & IAKERB_F_REAUTH) ?
					      IAKERB_EXPECT_REAUTH : 0);
	return IAKERB_EXPECT_MIDDLE;
}

/* The name of a payload's flags, for the log */
const char *payload_flags_name(uint32_t f)
{
	switch (f) {
	case IAKERB_MSG_LEGACY: return "LEGACY";
	case IAKERB_MSG_CONTINUE: return "CONTINUE";
	case IAKERB_MSG_ESTABLISHED: return "ESTABLISHED";
	}
	return "?";
}
