/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of the token codec unit tests (cmocka).
 */
#ifndef CIFS_IAKERB_TEST_UTIL_H
#define CIFS_IAKERB_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gss_token.h"
#include "vectors.h"

/*
 * The Windows IAKerb exchange (tests/vectors/windows-iakerb), loaded by
 * load_vectors as a group setup from vectors_dir, which main sets from
 * its argument: no directory is compiled in.
 */
struct vector {
	const char *file;
	uint8_t *data;		/* talloc'ed by load_vectors */
	size_t len;
};

extern struct vector vectors[VEC_COUNT];
extern const char *vectors_dir;

int load_vectors(void **state);
int free_vectors(void **state);

/* Hex (whitespace ignored) to talloc'ed bytes; bad hex fails the test. */
uint8_t *hex_decode(TALLOC_CTX *mem, const char *hex, size_t *len);
#define HEX(mem, s, lenp) hex_decode((mem), (s), (lenp))

/* A talloc copy of exactly @len bytes, so ASan sees reads past the end. */
uint8_t *exact_copy(TALLOC_CTX *mem, const uint8_t *p, size_t len);

/* Run one parser over an exact-size copy of @hex; its return value. */
int der_read_hex(const char *hex, struct der_tlv *t);
int spnego_parse_hex(const char *hex);
int iakerb_body_parse_hex(const char *hex);

/* Fail unless @p holds exactly the bytes spelt by @hex. */
void assert_bytes_hex(const uint8_t *p, size_t len, const char *hex);

static inline struct der_blob blob_str(const char *s)
{
	return (struct der_blob){ (const uint8_t *)s, strlen(s) };
}

#define assert_blob_equal(b, p, n) do { \
	assert_int_equal((b).len, (n)); \
	assert_memory_equal((b).data, (p), (n)); \
} while (0)

#define assert_blob_str(b, s) assert_blob_equal((b), (s), strlen(s))

/* Test lists, one per file. */
extern const struct CMUnitTest der_tests[];
extern const size_t n_der_tests;
extern const struct CMUnitTest spnego_tests[];
extern const size_t n_spnego_tests;
extern const struct CMUnitTest iakerb_tests[];
extern const size_t n_iakerb_tests;
extern const struct CMUnitTest vector_tests[];
extern const size_t n_vector_tests;
extern const struct CMUnitTest mit_interop_tests[];
extern const size_t n_mit_interop_tests;

#endif /* CIFS_IAKERB_TEST_UTIL_H */
