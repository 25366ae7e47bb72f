// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the token codec unit tests: hex, exact-size copies,
 * loading the Windows vectors.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

struct vector vectors[VEC_COUNT];
const char *vectors_dir;
static TALLOC_CTX *vectors_mem;

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

uint8_t *hex_decode(TALLOC_CTX *mem, const char *hex, size_t *len)
{
	uint8_t *out = talloc_size(mem, strlen(hex) / 2 + 1);
	size_t n = 0;
	int hi = -1, v;

	assert_non_null(out);
	for (; *hex; hex++) {
		if (isspace((unsigned char)*hex))
			continue;
		v = hex_nibble(*hex);
		if (v < 0)
			fail_msg("bad hex digit '%c'", *hex);
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		fail_msg("odd number of hex digits");
	*len = n;
	return out;
}

uint8_t *exact_copy(TALLOC_CTX *mem, const uint8_t *p, size_t len)
{
	/* talloc_memdup(0) may give NULL; a zero-size buffer must not. */
	uint8_t *copy = talloc_size(mem, len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	return copy;
}

/*
 * The group setup: every vector, or a failure naming the file (missing,
 * empty, not hex) or saying that no directory was given.
 */
int load_vectors(void **state)
{
	char err[VEC_ERR_LEN];
	uint8_t *bytes;
	size_t i, len;

	(void)state;
	vectors_mem = talloc_new(NULL);
	assert_non_null(vectors_mem);
	for (i = 0; i < VEC_COUNT; i++) {
		bytes = vector_read(vectors_dir, (enum vector_id)i, &len, err);
		if (!bytes) {
			TALLOC_FREE(vectors_mem);
			fail_msg("%s", err);
		}
		vectors[i].file = vector_file[i];
		vectors[i].data = exact_copy(vectors_mem, bytes, len);
		vectors[i].len = len;
		free(bytes);
	}
	return 0;
}

int free_vectors(void **state)
{
	(void)state;
	TALLOC_FREE(vectors_mem);
	return 0;
}

/* Parse one element of @hex with der_read and return its result. */
int der_read_hex(const char *hex, struct der_tlv *t)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct der_reader r;
	size_t len;
	uint8_t *buf = HEX(mem, hex, &len);
	int ret;

	buf = exact_copy(mem, buf, len);
	der_reader_init(&r, buf, len);
	ret = der_read(&r, t);
	talloc_free(mem);
	return ret;
}

int spnego_parse_hex(const char *hex)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token tok;
	size_t len;
	uint8_t *buf = HEX(mem, hex, &len);
	int ret;

	buf = exact_copy(mem, buf, len);
	ret = spnego_parse(buf, len, &tok);
	talloc_free(mem);
	return ret;
}

int iakerb_body_parse_hex(const char *hex)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_proxy p;
	struct der_blob body;
	size_t len;
	uint8_t *buf = HEX(mem, hex, &len);
	int ret;

	body.data = exact_copy(mem, buf, len);
	body.len = len;
	ret = iakerb_proxy_parse_body(&body, &p);
	talloc_free(mem);
	return ret;
}

void assert_bytes_hex(const uint8_t *p, size_t len, const char *hex)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t want_len;
	uint8_t *want = HEX(mem, hex, &want_len);

	assert_int_equal(len, want_len);
	assert_memory_equal(p, want, len);
	talloc_free(mem);
}

