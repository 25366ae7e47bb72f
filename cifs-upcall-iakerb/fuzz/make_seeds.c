// SPDX-License-Identifier: GPL-2.0
/*
 * Write the fuzzing seed corpora from the Windows vectors (hex) and from a
 * few tokens built here in MIT's dialect, so that no binary copies live in
 * git.  Every vector must be there: a missing or empty one is an error
 * naming the file.
 *
 * Usage: make_seeds OUTDIR VECTORS_DIR (tests/vectors/windows-iakerb)
 *   OUTDIR/spnego/  whole SPNEGO blobs
 *   OUTDIR/iakerb/  the Kerberos-family GSS tokens inside them
 *   OUTDIR/kproxy/  fuzz_kproxy's inputs: a mode byte, then the server's
 *                   proxy tokens (vectors 01-03, as Windows framed them
 *                   and re-framed as MIT would), each u16 length + bytes
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gss_token.h"
#include "vectors.h"

static int write_seed(const char *dir, const char *name, const uint8_t *p,
		      size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	ok = fwrite(p, 1, len, f) == len;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EIO;
}

/*
 * The vector itself, and the mech token it carries; on failure @err says
 * why, naming the file.
 */
static int seed_vector(const char *outdir, const char *vecdir,
		       enum vector_id id, char err[VEC_ERR_LEN])
{
	const char *file = vector_file[id];
	char dir[4096], name[256];
	struct spnego_token tok;
	struct der_blob inner;
	uint8_t *buf;
	size_t len;
	int ret;

	buf = vector_read(vecdir, id, &len, err);
	if (!buf)
		return -ENOENT;
	/* "00-client-negtokeninit.hex" gives seed "00-client-negtokeninit". */
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(file, "."), file);
	snprintf(dir, sizeof(dir), "%s/spnego", outdir);
	ret = write_seed(dir, name, buf, len);
	if (!ret)
		ret = spnego_parse(buf, len, &tok);
	if (!ret) {
		inner = tok.kind == SPNEGO_NEG_TOKEN_INIT ?
			tok.init.mech_token : tok.resp.response_token;
		snprintf(dir, sizeof(dir), "%s/iakerb", outdir);
		ret = write_seed(dir, name, inner.data, inner.len);
	}
	if (ret)
		snprintf(err, VEC_ERR_LEN, "%s: %s", file, strerror(-ret));
	free(buf);
	return ret;
}

/* fuzz_kproxy's modes (fuzz/fuzz_kproxy.c) */
enum { KP_AS, KP_DISCOVERY, KP_TGT, KP_TGT_OTHER, KP_WINDOWS = 4 };

struct kp_seed {
	uint8_t buf[16384];
	size_t len;
};

static void kp_add(struct kp_seed *s, const uint8_t *p, size_t n)
{
	if (s->len + 2 + n > sizeof(s->buf))
		return;
	s->buf[s->len++] = (uint8_t)(n & 0xff);
	s->buf[s->len++] = (uint8_t)(n >> 8);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

/*
 * The server's proxy token of vector @id: as Windows sent it, or (mit)
 * re-framed as MIT's server would (its realm, no header-flags)
 */
static int kp_reply(TALLOC_CTX *mem, const char *vecdir, enum vector_id id,
		    bool mit, struct kp_seed *s, char err[VEC_ERR_LEN])
{
	struct spnego_token tok;
	struct iakerb_proxy p;
	uint8_t *buf, *out;
	size_t len, out_len;
	int ret;

	buf = vector_read(vecdir, id, &len, err);
	if (!buf)
		return -ENOENT;
	ret = spnego_parse(buf, len, &tok);
	if (!ret)
		ret = iakerb_proxy_parse(tok.resp.response_token.data,
					 tok.resp.response_token.len, &p);
	if (!ret && mit) {
		/* MIT's KDC proxy sends a cookie with its KRB-ERRORs */
		p.header.target_realm.data = (const uint8_t *)"WIN25H2INS";
		p.header.target_realm.len = 10;
		p.header.header_flags = (struct der_blob){ 0 };
		if (p.kdc_msg_type == KRB_MSG_ERROR)
			p.header.cookie = (struct der_blob){
				(const uint8_t *)"c00kie", 6 };
		ret = iakerb_proxy_build(mem, &p, &out, &out_len);
		if (!ret)
			kp_add(s, out, out_len);
	} else if (!ret) {
		kp_add(s, tok.resp.response_token.data,
		       tok.resp.response_token.len);
	}
	if (ret)
		snprintf(err, VEC_ERR_LEN, "%s: %s", vector_file[id],
			 strerror(-ret));
	free(buf);
	return ret;
}

static int seed_kproxy(TALLOC_CTX *mem, const char *outdir,
		       const char *vecdir, char err[VEC_ERR_LEN])
{
	static const struct {
		const char *name;
		uint8_t mode;
		bool discovery;		/* a realm reply first */
		enum vector_id legs[3];
		int n;
	} seeds[] = {
		{ "as-preauth", KP_AS, false,
		  { VEC_KRB_ERROR, VEC_AS_REP, VEC_TGS_REP }, 3 },
		{ "as-rep", KP_AS, false, { VEC_AS_REP }, 1 },
		{ "discovery", KP_DISCOVERY, true,
		  { VEC_KRB_ERROR, VEC_AS_REP }, 2 },
		{ "tgs-rep", KP_TGT, false, { VEC_TGS_REP }, 1 },
		{ "tgs-error", KP_TGT_OTHER, false, { VEC_KRB_ERROR }, 1 },
	};
	struct iakerb_proxy d = { 0 };
	struct kp_seed *s = talloc(mem, struct kp_seed);
	char dir[4096], name[64];
	uint8_t *buf;
	size_t len, i;
	int j, mit, ret = s ? 0 : -ENOMEM;

	snprintf(dir, sizeof(dir), "%s/kproxy", outdir);
	d.header.target_realm.data = (const uint8_t *)"WIN25H2INS";
	d.header.target_realm.len = 10;
	for (i = 0; !ret && i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		for (mit = 0; !ret && mit < 2; mit++) {
			s->len = 0;
			s->buf[s->len++] = seeds[i].mode |
					   (mit ? 0 : KP_WINDOWS);
			if (seeds[i].discovery) {
				ret = iakerb_proxy_build(mem, &d, &buf, &len);
				if (ret)
					break;
				kp_add(s, buf, len);
			}
			for (j = 0; !ret && j < seeds[i].n; j++)
				ret = kp_reply(mem, vecdir, seeds[i].legs[j],
					       mit, s, err);
			if (ret)
				return ret;
			snprintf(name, sizeof(name), "%s-%s", seeds[i].name,
				 mit ? "mit" : "windows");
			ret = write_seed(dir, name, s->buf, s->len);
		}
	}
	/* a reply with no KDC message where one is due: refused */
	if (!ret) {
		s->len = 0;
		s->buf[s->len++] = KP_AS;
		ret = iakerb_proxy_build(mem, &d, &buf, &len);
	}
	if (!ret) {
		kp_add(s, buf, len);
		ret = write_seed(dir, "as-no-message", s->buf, s->len);
	}
	if (ret)
		snprintf(err, VEC_ERR_LEN, "kproxy seeds: %s", strerror(-ret));
	return ret;
}

/* MIT-dialect proxy tokens: discovery, and a realm-only header. */
static int seed_mit_tokens(TALLOC_CTX *mem, const char *outdir)
{
	static const uint8_t as_req[] = { 0x6a, 0x02, 0x30, 0x00 };
	struct iakerb_proxy p = { 0 };
	char dir[4096];
	uint8_t *buf;
	size_t len;
	int ret;

	snprintf(dir, sizeof(dir), "%s/iakerb", outdir);
	ret = iakerb_proxy_build(mem, &p, &buf, &len);
	if (!ret)
		ret = write_seed(dir, "mit-discovery", buf, len);
	if (ret)
		return ret;
	p.header.target_realm.data = (const uint8_t *)"KDC.TEST.REAL";
	p.header.target_realm.len = 13;
	p.kdc_msg = (struct der_blob)DER_BLOB_ARRAY(as_req);
	ret = iakerb_proxy_build(mem, &p, &buf, &len);
	if (!ret)
		ret = write_seed(dir, "mit-as-req", buf, len);
	return ret;
}

/* An acceptor's NegTokenInit2 with hints, as in an SMB2 NEGOTIATE. */
static int seed_neg_hints(TALLOC_CTX *mem, const char *outdir)
{
	struct spnego_token tok = { .kind = SPNEGO_NEG_TOKEN_INIT,
				    .gss_framed = true };
	char dir[4096];
	uint8_t *buf;
	size_t len;
	int ret;

	tok.init.n_mechs = 2;
	tok.init.mechs[0] = oid_iakerb;
	tok.init.mechs[1] = oid_krb5;
	tok.init.has_neg_hints = true;
	tok.init.hint_name.data = (const uint8_t *)SPNEGO_HINT_NAME_IGNORE;
	tok.init.hint_name.len = strlen(SPNEGO_HINT_NAME_IGNORE);
	snprintf(dir, sizeof(dir), "%s/spnego", outdir);
	ret = spnego_build(mem, &tok, &buf, &len);
	return ret ? ret : write_seed(dir, "neg-hints", buf, len);
}

static int make_dirs(const char *outdir)
{
	const char *const subdirs[] = { "", "/spnego", "/iakerb", "/kproxy" };
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", outdir, subdirs[i]);
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[VEC_ERR_LEN];
	TALLOC_CTX *mem;
	int i, ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OUTDIR VECTORS_DIR\n", argv[0]);
		return 2;
	}
	mem = talloc_new(NULL);
	ret = make_dirs(argv[1]);
	for (i = 0; !ret && i < VEC_COUNT; i++) {
		ret = seed_vector(argv[1], argv[2], (enum vector_id)i, err);
		if (ret) {
			fprintf(stderr, "make_seeds: %s\n", err);
			talloc_free(mem);
			return 1;
		}
	}
	if (!ret)
		ret = seed_mit_tokens(mem, argv[1]);
	if (!ret)
		ret = seed_neg_hints(mem, argv[1]);
	if (!ret && seed_kproxy(mem, argv[1], argv[2], err)) {
		fprintf(stderr, "make_seeds: %s\n", err);
		talloc_free(mem);
		return 1;
	}
	if (ret)
		fprintf(stderr, "make_seeds: %s\n", strerror(-ret));
	talloc_free(mem);
	return ret ? 1 : 0;
}
