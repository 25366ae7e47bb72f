// SPDX-License-Identifier: GPL-2.0
/*
 * Seed corpus for fuzz_kernel_payload, made at build time with the
 * codec's payload builder (so the seeds are valid and current), plus
 * SESSION_SETUP responses.  Usage: gen_seeds DIR -> DIR/seed-NNN
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iakerb_codec.h"

static const char *dir;
static int seq;
static __u8 tok[IAKERB_TOKEN_MAX];
static __u8 out[IAKERB_PAYLOAD_MAX + 16];

static void emit(const void *p, int n)
{
	char path[4096];
	FILE *f;

	if (n < 0) {
		fprintf(stderr, "gen_seeds: seed %d: error %d\n", seq, n);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/seed-%03d", dir, seq++);
	f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != (size_t)n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void payload(__u32 flags, __u32 klen, __u32 blen, __u32 agent,
		    int slack)
{
	static const __u8 key[IAKERB_SESSKEY_MAX] = "session key bytes";
	struct iakerb_payload p = {
		.flags = flags, .sesskey = key, .sesskey_len = klen,
		.secblob = tok, .secblob_len = blen, .agent_pid = agent,
	};
	int n = iakerb_payload_build(out, sizeof(out) - 16, &p);

	if (n < 0) {
		emit(NULL, n);
		return;
	}
	memset(out + n, 0, slack);
	emit(out, n + slack);
}

/* SMB2 header (64 bytes), then StructureSize 9, flags, offset, length */
static void response(__u16 off, __u16 len, size_t total)
{
	static __u8 r[1024];

	memset(r, 0, sizeof(r));
	memcpy(r, "\xfeSMB", 4);
	r[4] = 64;
	r[12] = 1;			/* SESSION_SETUP */
	r[64] = 9;
	r[68] = off & 0xff;
	r[69] = off >> 8;
	r[70] = len & 0xff;
	r[71] = len >> 8;
	memset(r + 72, 0xa1, total - 72);
	emit(r, total);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	for (i = 0; i < sizeof(tok); i++)
		tok[i] = 0x60 + i % 31;
	/* an SPNEGO-looking start of a token */
	memcpy(tok, "\x60\x82\x01\x00\x06\x06\x2b\x06\x01\x05\x05\x02", 12);

	payload(IAKERB_MSG_LEGACY, 16, 100, 0, 0);
	payload(IAKERB_MSG_LEGACY, 16, 100, 0, 4);	/* cifs-utils 7.9 */
	payload(IAKERB_MSG_LEGACY, 1, 1, 0, 0);
	payload(IAKERB_MSG_LEGACY, 64, 1500, 0, 0);
	payload(IAKERB_MSG_CONTINUE, 0, 1, 2, 0);
	payload(IAKERB_MSG_CONTINUE, 0, 200, 4242, 0);
	payload(IAKERB_MSG_CONTINUE, 0, 1500, IAKERB_PID_MAX, 0);
	payload(IAKERB_MSG_ESTABLISHED, 16, 0, 0, 0);
	payload(IAKERB_MSG_ESTABLISHED, 64, 0, 0, 0);
	payload(IAKERB_MSG_ESTABLISHED, 1, 0, 0, 0);

	response(72, 0, 72);
	response(72, 10, 82);
	response(72, 100, 200);
	response(100, 50, 150);
	response(72, 11, 82);		/* one byte short */
	response(64, 8, 82);		/* offset inside the fixed part */
	return 0;
}
