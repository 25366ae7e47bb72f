// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over smbsrv's request parser: the input is one NBSS
 * payload (a frame, possibly a compound); every message is parsed, and a
 * NEGOTIATE's contexts are walked, exactly as the server does; an SMB1
 * frame goes to the SMB1 NEGOTIATE parser instead, as in the server.
 */
#include <stddef.h>
#include <stdint.h>

#include "smb2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off[32], ext[32];
	struct smb2_req r;
	struct smb1_neg neg1;
	int n, i;

	if (smb1_is_smb1(data, size)) {
		smb1_neg_parse(data, size, &neg1);
		return 0;
	}
	n = smb2_split(data, size, off, ext, 32);
	for (i = 0; i < n; i++) {
		bool pa, sc, cm;
		volatile uint32_t sink = 0;

		if (smb2_parse(data + off[i], ext[i], &r))
			continue;
		/* every blob the parser hands out must lie in the message */
		switch (r.cmd) {
		case SMB2_NEGOTIATE:
			if (r.neg.context_count)
				smb2_neg_contexts(r.neg.contexts.p,
						  r.neg.contexts.len,
						  r.neg.context_count, &pa, &sc,
						  &cm);
			break;
		case SMB2_SESSION_SETUP:
			if (r.sess.token.len)
				sink += r.sess.token.p[r.sess.token.len - 1];
			break;
		case SMB2_CREATE:
			if (r.create.name.len)
				sink += r.create.name.p[r.create.name.len - 1];
			break;
		case SMB2_WRITE:
			if (r.write.data.len)
				sink += r.write.data.p[r.write.data.len - 1];
			break;
		case SMB2_SET_INFO:
			if (r.sinfo.data.len)
				sink += r.sinfo.data.p[r.sinfo.data.len - 1];
			break;
		case SMB2_IOCTL:
			if (r.ioctl.input.len)
				sink += r.ioctl.input.p[r.ioctl.input.len - 1];
			break;
		default:
			break;
		}
		(void)sink;
	}
	return 0;
}
