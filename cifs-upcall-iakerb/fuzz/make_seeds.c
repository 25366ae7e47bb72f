// SPDX-License-Identifier: GPL-2.0
/*
 * Write the fuzzing seed corpora from the shared Windows vectors (hex) and
 * from a few tokens built here in MIT's dialect, so that no binary copies
 * live in git.
 *
 * Usage: make_seeds OUTDIR [VECTOR_DIR]
 *   OUTDIR/spnego/  whole SPNEGO blobs
 *   OUTDIR/iakerb/  the Kerberos-family GSS tokens inside them
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gss_token.h"

#define DEFAULT_VECTORS_DIR "/shared/vectors/windows-iakerb"

static const char *const vector_files[] = {
	"00-client-negtokeninit.hex",
	"01-server-krb-error-preauth-required.hex",
	"02-server-as-rep.hex",
	"03-server-tgs-rep.hex",
	"04-server-ap-rep-mechlistmic.hex",
};

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

/* Hex text to bytes in place; returns the byte count or -EINVAL. */
static ssize_t unhex(char *text)
{
	uint8_t *out = (uint8_t *)text;
	size_t n = 0;
	int hi = -1;
	char *p;

	for (p = text; *p; p++) {
		int v;

		if (isspace((unsigned char)*p))
			continue;
		if (!isxdigit((unsigned char)*p))
			return -EINVAL;
		v = isdigit((unsigned char)*p) ? *p - '0' :
		    tolower((unsigned char)*p) - 'a' + 10;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (ssize_t)n : -EINVAL;
}

static ssize_t read_vector(TALLOC_CTX *mem, const char *path, uint8_t **out)
{
	FILE *f = fopen(path, "r");
	char *text;
	long size;
	ssize_t n = -EIO;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (text = talloc_size(mem, (size_t)size + 1)) &&
	    fread(text, 1, (size_t)size, f) == (size_t)size) {
		text[size] = '\0';
		n = unhex(text);
		*out = (uint8_t *)text;
	}
	fclose(f);
	return n;
}

/* The vector itself, and the mech token it carries. */
static int seed_vector(TALLOC_CTX *mem, const char *outdir, const char *vecdir,
		       const char *file)
{
	char path[4096], dir[4096], name[256];
	struct spnego_token tok;
	struct der_blob inner;
	uint8_t *buf = NULL;
	ssize_t len;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", vecdir, file);
	len = read_vector(mem, path, &buf);
	if (len < 0)
		return (int)len;
	/* "00-client-negtokeninit.hex" gives seed "00-client-negtokeninit". */
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(file, "."), file);
	snprintf(dir, sizeof(dir), "%s/spnego", outdir);
	ret = write_seed(dir, name, buf, (size_t)len);
	if (ret)
		return ret;
	ret = spnego_parse(buf, (size_t)len, &tok);
	if (ret)
		return ret;
	inner = tok.kind == SPNEGO_NEG_TOKEN_INIT ? tok.init.mech_token :
						     tok.resp.response_token;
	snprintf(dir, sizeof(dir), "%s/iakerb", outdir);
	return write_seed(dir, name, inner.data, inner.len);
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
	const char *const subdirs[] = { "", "/spnego", "/iakerb" };
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
	const char *vecdir = argc > 2 ? argv[2] : getenv("IAKERB_VECTORS_DIR");
	TALLOC_CTX *mem;
	size_t i;
	int ret;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OUTDIR [VECTOR_DIR]\n", argv[0]);
		return 2;
	}
	if (!vecdir || !*vecdir)
		vecdir = DEFAULT_VECTORS_DIR;
	mem = talloc_new(NULL);
	ret = make_dirs(argv[1]);
	for (i = 0; !ret && i < sizeof(vector_files) / sizeof(vector_files[0]); i++) {
		ret = seed_vector(mem, argv[1], vecdir, vector_files[i]);
		if (ret)
			fprintf(stderr, "make_seeds: %s/%s: %s\n", vecdir,
				vector_files[i], strerror(-ret));
	}
	if (!ret)
		ret = seed_mit_tokens(mem, argv[1]);
	if (!ret)
		ret = seed_neg_hints(mem, argv[1]);
	if (ret)
		fprintf(stderr, "make_seeds: %s\n", strerror(-ret));
	talloc_free(mem);
	return ret ? 1 : 0;
}
