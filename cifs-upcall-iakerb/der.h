/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal DER reader and writer for the GSS/SPNEGO/IAKerb token codec.
 *
 * Only what these protocols use: single-octet identifiers (tag numbers up
 * to 30), definite lengths of at most four octets, minimal (DER) length
 * encodings.  Everything a reader returns points into the caller's buffer.
 *
 * Errors are negative errno values:
 *   -EBADMSG    malformed or truncated encoding, unexpected tag
 *   -ENOENT     no more elements (der_read_field only)
 *   -ENOSPC     the caller's output buffer is too small
 *   -EOVERFLOW  an encoding would need more than four length octets
 *   -ENOMEM     allocation failed
 */
#ifndef CIFS_IAKERB_DER_H
#define CIFS_IAKERB_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

/*
 * Bytes owned by somebody else.  For optional fields data == NULL means
 * "absent"; a present but empty value has data != NULL and len == 0.
 */
struct der_blob {
	const uint8_t *data;
	size_t len;
};

#define DER_BLOB_ARRAY(arr) ((struct der_blob){ (arr), sizeof(arr) })

static inline bool der_blob_present(const struct der_blob *b)
{
	return b->data != NULL;
}

bool der_blob_equal(const struct der_blob *a, const struct der_blob *b);

/* NUL-terminated talloc copy; NULL if the value holds a NUL or on ENOMEM. */
char *der_blob_strdup(TALLOC_CTX *mem, const struct der_blob *b);

/* Identifier octets (universal class) used by these protocols. */
enum der_tag {
	DER_TAG_INTEGER = 0x02,
	DER_TAG_BIT_STRING = 0x03,
	DER_TAG_OCTET_STRING = 0x04,
	DER_TAG_OID = 0x06,
	DER_TAG_ENUMERATED = 0x0a,
	DER_TAG_UTF8_STRING = 0x0c,
	DER_TAG_GENERALIZED_TIME = 0x18,
	DER_TAG_GENERAL_STRING = 0x1b,
	DER_TAG_SEQUENCE = 0x30,
};

/* [n] and [APPLICATION n], constructed (EXPLICIT tagging wraps a TLV). */
#define DER_CONTEXT(n) ((uint8_t)(0xa0 | (n)))
#define DER_APPLICATION(n) ((uint8_t)(0x60 | (n)))
#define DER_TAG_CLASS_MASK 0xe0
#define DER_TAG_NUMBER_MASK 0x1f
#define DER_MAX_TAG_NUMBER 30

/* Four length octets at most: larger tokens are not legitimate here. */
#define DER_MAX_LENGTH 0xffffffffu

/* ---- Reading ---------------------------------------------------------- */

struct der_reader {
	const uint8_t *p;
	size_t left;
};

/* One element as found in the input. */
struct der_tlv {
	uint8_t tag;
	struct der_blob whole;	/* identifier, length octets and value */
	struct der_blob value;	/* contents only */
};

static inline void der_reader_init(struct der_reader *r, const uint8_t *buf,
				   size_t len)
{
	r->p = buf;
	r->left = len;
}

static inline void der_reader_from_blob(struct der_reader *r,
					const struct der_blob *b)
{
	der_reader_init(r, b->data, b->len);
}

static inline bool der_reader_empty(const struct der_reader *r)
{
	return r->left == 0;
}

/* The next identifier octet, or -ENOENT at the end. */
int der_peek_tag(const struct der_reader *r);

/* Read the next element, whatever its tag. */
int der_read(struct der_reader *r, struct der_tlv *out);

/* Read the next element; -EBADMSG unless its identifier is @tag. */
int der_read_tag(struct der_reader *r, uint8_t tag, struct der_tlv *out);

/* Like der_read_tag, and nothing may follow it in @r. */
int der_read_single(struct der_reader *r, uint8_t tag, struct der_tlv *out);

/*
 * Read the next EXPLICIT [n] field of a SEQUENCE into @field.  DER puts
 * fields in ascending tag order without repeats; *@prev holds the last
 * number seen (start with -1).  Returns n, -ENOENT at the end of @seq or
 * -EBADMSG.
 */
int der_read_field(struct der_reader *seq, int *prev, struct der_reader *field);

/* INTEGER or ENUMERATED contents that must fit in 32 bits (minimal form). */
int der_int32_from_value(const struct der_blob *v, int32_t *out);

/* BIT STRING contents: unused-bits octet in range, unused bits zero. */
int der_check_bit_string(const struct der_blob *v);

/* ---- Writing ---------------------------------------------------------- */

/*
 * The writer fills its buffer from the end towards the start, so a
 * constructed value is written after its contents, once their length is
 * known.  Builders therefore emit fields in reverse order.  With buf ==
 * NULL it only counts.  Errors are sticky and checked once at the end.
 */
struct der_writer {
	uint8_t *buf;
	size_t cap;
	size_t used;
	int err;
};

void der_writer_init(struct der_writer *w, uint8_t *buf, size_t cap);

/* Prepend raw bytes. */
void der_put_bytes(struct der_writer *w, const void *p, size_t n);

/* Prepend identifier and length octets. */
void der_put_header(struct der_writer *w, uint8_t tag, size_t len);

/* Prepend a complete primitive element. */
void der_put_tlv(struct der_writer *w, uint8_t tag, const struct der_blob *v);

/* Prepend [num] EXPLICIT { tag value }; nothing if @v is absent. */
void der_put_field(struct der_writer *w, int num, uint8_t tag,
		   const struct der_blob *v);

/* Prepend a minimal INTEGER/ENUMERATED holding @v. */
void der_put_uint32(struct der_writer *w, uint8_t tag, uint32_t v);

/* Remember where the contents of a constructed value end... */
static inline size_t der_mark(const struct der_writer *w)
{
	return w->used;
}

/* ...and once they are written, prepend its identifier and length. */
static inline void der_wrap(struct der_writer *w, uint8_t tag, size_t mark)
{
	der_put_header(w, tag, w->used - mark);
}

/* Octets taken by identifier + length for contents of @len octets. */
size_t der_header_len(size_t len);

/*
 * Run @write into a caller buffer or into talloc memory.
 *
 * der_encode: with @buf == NULL only stores the size in *@len_out and
 * returns 0; with a buffer smaller than that returns -ENOSPC (and still
 * stores the size).  The encoding starts at @buf[0].
 *
 * der_build: *@out is a new talloc child of @mem, freed by the caller.
 */
typedef void (*der_write_fn)(struct der_writer *w, const void *arg);

int der_encode(der_write_fn write, const void *arg, uint8_t *buf, size_t cap,
	       size_t *len_out);
int der_build(TALLOC_CTX *mem, der_write_fn write, const void *arg,
	      uint8_t **out, size_t *len_out);

#endif /* CIFS_IAKERB_DER_H */
