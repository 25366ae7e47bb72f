// SPDX-License-Identifier: GPL-2.0
/* The Windows IAKerb vectors as bytes (see vectors.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

/* A security buffer carries at most 64 KiB; so does any vector. */
#define HEX_FILE_MAX 65536

const char *const vector_file[VEC_COUNT] = {
	[VEC_CLIENT_INIT] = "00-client-negtokeninit.hex",
	[VEC_KRB_ERROR] = "01-server-krb-error-preauth-required.hex",
	[VEC_AS_REP] = "02-server-as-rep.hex",
	[VEC_TGS_REP] = "03-server-tgs-rep.hex",
	[VEC_AP_REP_MIC] = "04-server-ap-rep-mechlistmic.hex",
};

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Decode @f into @out; 0, or -1 with @err filled. */
static int decode(FILE *f, const char *path, uint8_t *out, size_t *len,
		  char err[VEC_ERR_LEN])
{
	size_t n = 0, digits = 0;
	int c, v, hi = -1;

	while ((c = fgetc(f)) != EOF) {
		if (is_space(c))
			continue;
		v = hex_value(c);
		if (v < 0) {
			snprintf(err, VEC_ERR_LEN,
				 "%s: not hex: byte 0x%02x after %zu digits",
				 path, (unsigned int)c, digits);
			return -1;
		}
		digits++;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == HEX_FILE_MAX) {
			snprintf(err, VEC_ERR_LEN, "%s: more than %d bytes",
				 path, HEX_FILE_MAX);
			return -1;
		}
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (ferror(f)) {
		snprintf(err, VEC_ERR_LEN, "%s: read error", path);
		return -1;
	}
	if (hi >= 0) {
		snprintf(err, VEC_ERR_LEN, "%s: odd number of hex digits",
			 path);
		return -1;
	}
	if (!n) {
		snprintf(err, VEC_ERR_LEN, "%s: empty (no hex digits)", path);
		return -1;
	}
	*len = n;
	return 0;
}

uint8_t *hex_file_read(const char *path, size_t *len, char err[VEC_ERR_LEN])
{
	FILE *f = fopen(path, "r");
	uint8_t *out;
	int ret;

	*len = 0;
	if (!f) {
		snprintf(err, VEC_ERR_LEN, "%s: cannot open: %s", path,
			 strerror(errno));
		return NULL;
	}
	out = malloc(HEX_FILE_MAX);
	if (!out) {
		snprintf(err, VEC_ERR_LEN, "%s: out of memory", path);
		fclose(f);
		return NULL;
	}
	ret = decode(f, path, out, len, err);
	fclose(f);
	if (ret) {
		free(out);
		*len = 0;
		return NULL;
	}
	return out;
}

uint8_t *vector_read(const char *dir, enum vector_id id, size_t *len,
		     char err[VEC_ERR_LEN])
{
	char path[4096];

	*len = 0;
	if (!dir || !*dir) {
		snprintf(err, VEC_ERR_LEN,
			 "%s: no vectors directory given (pass the "
			 "tests/vectors/windows-iakerb directory)",
			 vector_file[id]);
		return NULL;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			     vector_file[id]) >= sizeof(path)) {
		snprintf(err, VEC_ERR_LEN, "%s: directory name too long",
			 vector_file[id]);
		return NULL;
	}
	return hex_file_read(path, len, err);
}
