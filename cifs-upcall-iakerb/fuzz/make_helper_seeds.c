// SPDX-License-Identifier: GPL-2.0
/*
 * Seeds for the helper's fuzz targets (fuzz_request, fuzz_reply,
 * fuzz_agent), built with the same builders the kernel side and the agent
 * use, plus the Windows vectors for the reply parser.
 *
 * Usage: make_helper_seeds OUTDIR VECTORS_DIR (tests/vectors/windows-iakerb;
 * a missing or empty vector is an error naming the file)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "upcall.h"
#include "initiator.h"
#include "vectors.h"

#define D72 "ver=0x2;host=srv.test;ip4=10.0.0.1;sec=krb5;uid=0x3e8;" \
	"creduid=0x3e8;user=alice;pid=0x1234;upcall_target=app"
#define ML "ver=0x2;host=srv.test;ip4=10.0.0.1;sec=iakerb;uid=0x3e8;" \
	"creduid=0x3e8;user=alice;pid=0x1234;upcall_target=mount;" \
	"mechs=iakerb;exch=0123456789abcdef;"

static const uint8_t secret[IAKERB_SECRET_LEN + 1] =
	"0123456789abcdefFEDCBA9876543210";
static const uint8_t nonce[IAKERB_NONCE_LEN + 1] = "nonce-0123456789";

static const char *outdir;

static void put(const char *sub, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* u16 length + bytes, as fuzz_request and fuzz_agent take them */
static size_t frame(uint8_t *out, const void *p, size_t n)
{
	out[0] = (uint8_t)(n & 0xff);
	out[1] = (uint8_t)(n >> 8);
	memcpy(out + 2, p, n);
	return n + 2;
}

static void request_seeds(void)
{
	static uint8_t buf[8192], co[4096];
	size_t n;
	int c;

	n = frame(buf, D72, strlen(D72));
	put("request", "legacy72", buf, n);
	c = iakerb_callout_build(co, sizeof(co), 1, secret, NULL, 0, 0,
				 "\x60\x00", 2, 4242);
	n = frame(buf, ML "leg=1;tmo=30", strlen(ML "leg=1;tmo=30"));
	memcpy(buf + n, co, (size_t)c);
	put("request", "leg1", buf, n + (size_t)c);
	c = iakerb_callout_build(co, sizeof(co), 2, secret, "\xa1\x03\x30\x01\x00",
				 5, IAKERB_STATUS_MORE_PROCESSING, NULL, 0, 0);
	n = frame(buf, ML "leg=2;tmo=30;agent=4242",
		  strlen(ML "leg=2;tmo=30;agent=4242"));
	memcpy(buf + n, co, (size_t)c);
	put("request", "leg2", buf, n + (size_t)c);
}

/* The server's tokens of the Windows vectors; every one must be there. */
static void reply_seeds(const char *vecdir)
{
	static const enum vector_id server[] = {
		VEC_KRB_ERROR, VEC_AS_REP, VEC_TGS_REP, VEC_AP_REP_MIC,
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	char err[VEC_ERR_LEN];
	uint8_t *out, *b;
	size_t len, i;

	for (i = 0; i < sizeof(server) / sizeof(server[0]); i++) {
		b = vector_read(vecdir, server[i], &len, err);
		if (!b) {
			fprintf(stderr, "make_helper_seeds: %s\n", err);
			exit(1);
		}
		put("reply", vector_file[server[i]], b, len);
		free(b);
	}
	if (!spnego_wrap_next(mem, "\x60\x03\x06\x01\x00", 5, "mic", 3, &out,
			      &len))
		put("reply", "resp-token-mic", out, len);
	talloc_free(mem);
}

static void agent_seeds(void)
{
	static uint8_t seq[16384], m[8192];
	struct iakerb_msg_writer w;
	const char *d2 = ML "leg=2;tmo=30;agent=4242";
	size_t n = 0;
	int len;

	iakerb_msg_begin(&w, m, sizeof(m), IAKERB_KIND_HELLO);
	iakerb_msg_put(&w, IAKERB_T_EXCH, "0123456789abcdef", IAKERB_EXCH_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	len = iakerb_msg_end(&w);
	n += frame(seq + n, m, (size_t)len);
	put("agent", "hello", seq, n);

	iakerb_msg_begin(&w, m, sizeof(m), IAKERB_KIND_REQUEST);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put(&w, IAKERB_T_PROOF, secret, IAKERB_PROOF_LEN);
	iakerb_msg_put(&w, IAKERB_T_DESC, d2, strlen(d2));
	iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS,
			   IAKERB_STATUS_MORE_PROCESSING);
	iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, "\xa1\x00", 2);
	len = iakerb_msg_end(&w);
	n += frame(seq + n, m, (size_t)len);
	put("agent", "hello-request", seq, n);

	/* the kernel's channel: LEG 2, then LEG 3 (fuzz_agent's chan mode) */
	n = 0;
	for (len = 2; len <= 3; len++) {
		char d[256];
		int k;

		snprintf(d, sizeof(d), ML "leg=%d;tmo=30;agent=4242", len);
		iakerb_msg_begin(&w, m, sizeof(m), IAKERB_KIND_LEG);
		iakerb_msg_put(&w, IAKERB_T_SECRET, secret, IAKERB_SECRET_LEN);
		iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS,
				   IAKERB_STATUS_MORE_PROCESSING);
		iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, "\xa1\x00", 2);
		iakerb_msg_put(&w, IAKERB_T_DESC, d, strlen(d));
		k = iakerb_msg_end(&w);
		if (k < 0) {
			fprintf(stderr, "make_helper_seeds: LEG: %d\n", k);
			exit(1);
		}
		n += frame(seq + n, m, (size_t)k);
	}
	put("agent", "chan-leg2-leg3", seq, n);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s OUTDIR VECTORS_DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	request_seeds();
	reply_seeds(argv[2]);
	agent_seeds();
	return 0;
}
