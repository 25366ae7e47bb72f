// SPDX-License-Identifier: GPL-2.0
/*
 * Seed corpora for the fuzzers, made with the builders (so they are valid
 * and current) plus the Windows IAKerb tokens as server blobs.
 * Usage: gen_corpus DIR VECTORS_DIR -> DIR/{desc,msg,payload,cred}/seed-N
 * (VECTORS_DIR: tests/vectors/windows-iakerb; every vector must be there)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "iakerb_compat.h"
#include "vectors.h"

static const char *top, *vectors_dir;
static int seq;

static void emit(const char *kind, const void *p, int n)
{
	char path[512];
	FILE *f;

	if (n < 0) {
		fprintf(stderr, "gen_corpus: %s seed %d: error %d\n", kind,
			seq, n);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s", top, kind);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/seed-%03d", top, kind, seq++);
	f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != (size_t)n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Vector @id into @out; a missing, empty or too big file ends the run. */
static size_t load_vector(enum vector_id id, __u8 *out, size_t cap)
{
	char err[VEC_ERR_LEN];
	uint8_t *bytes;
	size_t n;

	bytes = vector_read(vectors_dir, id, &n, err);
	if (!bytes) {
		fprintf(stderr, "gen_corpus: %s\n", err);
		exit(1);
	}
	if (n > cap) {
		fprintf(stderr, "gen_corpus: %s: %zu bytes, more than %zu\n",
			vector_file[id], n, cap);
		exit(1);
	}
	memcpy(out, bytes, n);
	free(bytes);
	return n;
}

static void descs(void)
{
	static const char legacy[] = "ver=0x2;host=srv.test;ip4=127.0.0.1;"
		"sec=krb5;uid=0x0;creduid=0x3e8;user=alice;pid=0x1a2b;"
		"upcall_target=app";
	static const char described[] = "cifs.spnego;0;0;3f010000;ver=0x2;"
		"host=h;ip6=0000:0000:0000:0000:0000:0000:0000:0001;"
		"sec=iakerb;uid=0x0;creduid=0x0;pid=0x1;upcall_target=mount";
	char buf[IAKERB_DESC_MAX + 1];
	struct iakerb_desc d;
	unsigned int leg;

	emit("desc", legacy, strlen(legacy));
	emit("desc", described, strlen(described));
	memset(&d, 0, sizeof(d));
	d.have = IAKERB_F_LEGACY_REQUIRED | IAKERB_F_IP4 | IAKERB_F_USER |
		 IAKERB_F_MULTILEG;
	d.ver = 2;
	strcpy(d.host, "win25h2ins.example");
	d.addr[0] = 192;
	d.addr[1] = 168;
	d.addr[3] = 9;
	d.sec = IAKERB_SEC_KRB5;
	d.target = IAKERB_TARGET_APP;
	d.creduid = 1000;
	d.pid = 777;
	strcpy(d.user, "Administrator");
	d.mechs = IAKERB_MECH_ALL;
	strcpy(d.exch, "0123456789abcdef");
	d.tmo = 30;
	for (leg = 1; leg <= 6; leg++) {
		d.leg = leg;
		if (leg > 1) {
			d.have |= IAKERB_F_AGENT;
			d.agent = 4242;
		}
		if (leg == 6) {
			d.have |= IAKERB_F_RECON;
			d.recon = 1;
			d.target = IAKERB_TARGET_MOUNT;
		}
		emit("desc", buf, iakerb_desc_build(buf, sizeof(buf), &d));
	}
}

static void msgs(void)
{
	static const enum vector_id server[] = {
		VEC_KRB_ERROR, VEC_AS_REP, VEC_TGS_REP, VEC_AP_REP_MIC,
	};
	static __u8 buf[IAKERB_MSG_MAX], tok[IAKERB_TOKEN_MAX];
	__u8 secret[IAKERB_SECRET_LEN], pay[64];
	struct iakerb_msg_writer w;
	struct iakerb_payload p = { .flags = IAKERB_MSG_ESTABLISHED };
	size_t i, n;

	memset(secret, 0x5a, sizeof(secret));
	n = load_vector(VEC_CLIENT_INIT, tok, sizeof(tok));
	emit("msg", buf, iakerb_callout_build(buf, sizeof(buf), 1, secret,
					      NULL, 0, 0, tok, n, 123));
	for (i = 0; i < 4; i++) {
		n = load_vector(server[i], tok, sizeof(tok));
		emit("msg", buf, iakerb_callout_build(buf, sizeof(buf), i + 2,
			secret, tok, n, i == 3 ? IAKERB_STATUS_SUCCESS :
			IAKERB_STATUS_MORE_PROCESSING, NULL, 0, 0));
	}

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_HELLO);
	iakerb_msg_put(&w, IAKERB_T_EXCH, "0123456789abcdef", 16);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 3);
	iakerb_msg_put(&w, IAKERB_T_NONCE, secret, IAKERB_NONCE_LEN);
	emit("msg", buf, iakerb_msg_end(&w));

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_PROOF);
	iakerb_msg_put(&w, IAKERB_T_NONCE, secret, IAKERB_NONCE_LEN);
	iakerb_msg_put(&w, IAKERB_T_PROOF, secret + 16, IAKERB_PROOF_LEN);
	iakerb_msg_put(&w, IAKERB_T_IGNORABLE | 40, "future", 6);
	emit("msg", buf, iakerb_msg_end(&w));

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_REQUEST);
	iakerb_msg_put(&w, IAKERB_T_NONCE, secret, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 3);
	iakerb_msg_put(&w, IAKERB_T_PROOF, secret, IAKERB_PROOF_LEN);
	iakerb_msg_put(&w, IAKERB_T_DESC, "ver=0x2;leg=3", 13);
	iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS,
			   IAKERB_STATUS_MORE_PROCESSING);
	iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, tok, 100);
	emit("msg", buf, iakerb_msg_end(&w));

	p.sesskey = secret;
	p.sesskey_len = 32;
	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, secret, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 6);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, 0);
	iakerb_msg_put(&w, IAKERB_T_PAYLOAD, pay,
		       iakerb_payload_build(pay, sizeof(pay), &p));
	emit("msg", buf, iakerb_msg_end(&w));

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, secret, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, 2);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, EKEYREJECTED);
	emit("msg", buf, iakerb_msg_end(&w));
}

static void payloads(void)
{
	static __u8 buf[IAKERB_PAYLOAD_MAX], tok[IAKERB_TOKEN_MAX];
	__u8 key[32];
	struct iakerb_payload p = { .sesskey = key, .secblob = tok };

	memset(key, 0x11, sizeof(key));
	p.secblob_len = load_vector(VEC_CLIENT_INIT, tok, sizeof(tok));
	p.flags = IAKERB_MSG_LEGACY;
	p.sesskey_len = 16;
	emit("payload", buf, iakerb_payload_build(buf, sizeof(buf), &p));
	p.flags = IAKERB_MSG_CONTINUE;
	p.sesskey_len = 0;
	p.agent_pid = 4242;
	emit("payload", buf, iakerb_payload_build(buf, sizeof(buf), &p));
	/* leg 1's CONTINUE handing over the agent's channel */
	p.has_chan = 1;
	p.chan_fd = 7;
	emit("payload", buf, iakerb_payload_build(buf, sizeof(buf), &p));
	p.has_chan = 0;
	p.chan_fd = 0;
	p.flags = IAKERB_MSG_ESTABLISHED;
	p.sesskey_len = 32;
	p.secblob_len = 0;
	emit("payload", buf, iakerb_payload_build(buf, sizeof(buf), &p));
	/* the final answer to reauth=1, advising a time */
	p.reauth_sec = 3600;
	emit("payload", buf, iakerb_payload_build(buf, sizeof(buf), &p));
}

/* A leg-2 reconnect description, for running stock cifs.upcall on it */
static int sample_desc(void)
{
	char buf[IAKERB_DESC_MAX + 1];
	struct iakerb_desc d;

	memset(&d, 0, sizeof(d));
	d.have = IAKERB_F_LEGACY_REQUIRED | IAKERB_F_IP4 | IAKERB_F_USER |
		 IAKERB_F_MULTILEG | IAKERB_F_AGENT | IAKERB_F_RECON;
	d.ver = 2;
	strcpy(d.host, "srv.test");
	d.addr[0] = 127;
	d.addr[3] = 1;
	d.sec = IAKERB_SEC_KRB5;
	d.target = IAKERB_TARGET_MOUNT;
	d.pid = 1;
	strcpy(d.user, "alice");
	d.mechs = IAKERB_MECH_KRB5 | IAKERB_MECH_IAKERB;
	strcpy(d.exch, "0123456789abcdef");
	d.leg = 2;
	d.tmo = 30;
	d.agent = 4242;
	d.recon = 1;
	if (iakerb_desc_build(buf, sizeof(buf), &d) < 0)
		return 1;
	puts(buf);
	return 0;
}

int main(int argc, char **argv)
{
	__u8 buf[IAKERB_CRED_MAX];

	if (argc == 2 && !strcmp(argv[1], "--sample-desc"))
		return sample_desc();
	if (argc != 3) {
		fprintf(stderr,
			"usage: gen_corpus DIR VECTORS_DIR | --sample-desc\n");
		return 2;
	}
	top = argv[1];
	vectors_dir = argv[2];
	if (mkdir(top, 0755) && errno != EEXIST) {
		perror(top);
		return 1;
	}
	descs();
	msgs();
	payloads();
	emit("cred", buf, iakerb_cred_build(buf, sizeof(buf), "Password123!",
					    12, "WIN25H2INS", 10));
	emit("cred", buf, iakerb_cred_build(buf, sizeof(buf), "x", 1, NULL, 0));
	return 0;
}
