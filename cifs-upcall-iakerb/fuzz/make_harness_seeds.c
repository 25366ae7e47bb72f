// SPDX-License-Identifier: GPL-2.0
/*
 * One fuzz_kproxy input from the server's blobs of one harness flow
 * (tests/harness: kharness keeps each as DIR/server.LEG): the mode byte,
 * then each IAKerb proxy token the blobs carry, in order, as u16 length
 * (little endian) + bytes.  Blobs without one (the AP-REP, the final)
 * are left out.  fuzz/harness-seeds.sh calls this.
 *
 * Usage: make_harness_seeds MODE OUT BLOB...
 * Exit 0: OUT written; 3: no proxy token in the blobs (nothing written).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gss_token.h"

static uint8_t in[65536], out[65536 * 2];

int main(int argc, char **argv)
{
	size_t len, n = 1;
	int i, found = 0;
	FILE *f;

	if (argc < 4) {
		fprintf(stderr, "usage: %s MODE OUT BLOB...\n", argv[0]);
		return 2;
	}
	out[0] = (uint8_t)strtoul(argv[1], NULL, 0);
	for (i = 3; i < argc; i++) {
		struct spnego_token t;
		struct iakerb_proxy p;
		struct der_blob tok;

		f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		len = fread(in, 1, sizeof(in), f);
		fclose(f);
		if (spnego_parse(in, len, &t))
			continue;
		tok = t.kind == SPNEGO_NEG_TOKEN_INIT ? t.init.mech_token :
							t.resp.response_token;
		if (!tok.data || iakerb_proxy_parse(tok.data, tok.len, &p) ||
		    tok.len > 0xffff || n + 2 + tok.len > sizeof(out))
			continue;
		out[n++] = (uint8_t)(tok.len & 0xff);
		out[n++] = (uint8_t)(tok.len >> 8);
		memcpy(out + n, tok.data, tok.len);
		n += tok.len;
		found++;
	}
	if (!found)
		return 3;
	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, n, f) != n || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
