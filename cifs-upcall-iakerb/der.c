// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal DER reader and writer: see der.h.
 *
 * Every length read is checked against what is left of the enclosing
 * element before anything points past it, so a nested element can never
 * claim bytes beyond its parent.
 */
#include <errno.h>
#include <string.h>

#include "der.h"

bool der_blob_equal(const struct der_blob *a, const struct der_blob *b)
{
	if (a->len != b->len)
		return false;
	return a->len == 0 || memcmp(a->data, b->data, a->len) == 0;
}

char *der_blob_strdup(TALLOC_CTX *mem, const struct der_blob *b)
{
	if (b->len && memchr(b->data, '\0', b->len))
		return NULL;
	return talloc_strndup(mem, b->len ? (const char *)b->data : "",
			      b->len);
}

/* ---- Reading ---------------------------------------------------------- */

int der_peek_tag(const struct der_reader *r)
{
	return r->left ? r->p[0] : -ENOENT;
}

/*
 * Decode the length octets at @p (at most @avail of them present).
 * Indefinite, longer than four octets and non-minimal forms are refused:
 * DER forbids them and accepting them would break byte-exact round trips
 * and the mechListMIC, which covers the encoding as sent.
 */
static int der_read_length(const uint8_t *p, size_t avail, size_t *len,
			   size_t *nocts)
{
	size_t i, n, v = 0;

	if (avail < 1)
		return -EBADMSG;
	if (p[0] < 0x80) {
		*len = p[0];
		*nocts = 1;
		return 0;
	}
	n = p[0] & 0x7f;
	if (n == 0 || n > 4 || avail < 1 + n)
		return -EBADMSG;
	if (p[1] == 0)
		return -EBADMSG;
	for (i = 1; i <= n; i++)
		v = (v << 8) | p[i];
	if (v < 0x80)
		return -EBADMSG;
	*len = v;
	*nocts = 1 + n;
	return 0;
}

int der_read(struct der_reader *r, struct der_tlv *out)
{
	size_t len, nocts, hdr;
	int ret;

	if (r->left < 2)
		return -EBADMSG;
	/* High tag numbers (multi-octet identifiers) do not occur here. */
	if ((r->p[0] & DER_TAG_NUMBER_MASK) == DER_TAG_NUMBER_MASK)
		return -EBADMSG;
	ret = der_read_length(r->p + 1, r->left - 1, &len, &nocts);
	if (ret)
		return ret;
	hdr = 1 + nocts;
	if (len > r->left - hdr)
		return -EBADMSG;

	out->tag = r->p[0];
	out->whole.data = r->p;
	out->whole.len = hdr + len;
	out->value.data = r->p + hdr;
	out->value.len = len;
	r->p += hdr + len;
	r->left -= hdr + len;
	return 0;
}

int der_read_tag(struct der_reader *r, uint8_t tag, struct der_tlv *out)
{
	if (r->left == 0 || r->p[0] != tag)
		return -EBADMSG;
	return der_read(r, out);
}

int der_read_single(struct der_reader *r, uint8_t tag, struct der_tlv *out)
{
	int ret = der_read_tag(r, tag, out);

	if (ret)
		return ret;
	return der_reader_empty(r) ? 0 : -EBADMSG;
}

int der_read_field(struct der_reader *seq, int *prev, struct der_reader *field)
{
	struct der_tlv t;
	int num, ret;

	if (der_reader_empty(seq))
		return -ENOENT;
	ret = der_read(seq, &t);
	if (ret)
		return ret;
	if ((t.tag & DER_TAG_CLASS_MASK) != DER_CONTEXT(0))
		return -EBADMSG;
	num = t.tag & DER_TAG_NUMBER_MASK;
	if (num <= *prev)
		return -EBADMSG;
	*prev = num;
	der_reader_from_blob(field, &t.value);
	return num;
}

int der_int32_from_value(const struct der_blob *v, int32_t *out)
{
	const uint8_t *p = v->data;
	uint32_t u;
	size_t i;

	if (v->len == 0 || v->len > 4)
		return -EBADMSG;
	/* A leading 00 or ff octet is allowed only to carry the sign. */
	if (v->len > 1 && ((p[0] == 0x00 && !(p[1] & 0x80)) ||
			   (p[0] == 0xff && (p[1] & 0x80))))
		return -EBADMSG;
	u = (p[0] & 0x80) ? UINT32_MAX : 0;
	for (i = 0; i < v->len; i++)
		u = (u << 8) | p[i];
	*out = (int32_t)u;
	return 0;
}

int der_check_bit_string(const struct der_blob *v)
{
	uint8_t unused;

	if (v->len == 0)
		return -EBADMSG;
	unused = v->data[0];
	if (unused > 7 || (v->len == 1 && unused != 0))
		return -EBADMSG;
	if (unused && (v->data[v->len - 1] & ((1u << unused) - 1)))
		return -EBADMSG;
	return 0;
}

/* ---- Writing ---------------------------------------------------------- */

void der_writer_init(struct der_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->used = 0;
	w->err = 0;
}

void der_put_bytes(struct der_writer *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (n > DER_MAX_LENGTH || w->used > SIZE_MAX - n) {
		w->err = -EOVERFLOW;
		return;
	}
	w->used += n;
	if (!w->buf)
		return;
	if (w->used > w->cap) {
		w->err = -ENOSPC;
		return;
	}
	if (n)
		memcpy(w->buf + w->cap - w->used, p, n);
}

size_t der_header_len(size_t len)
{
	size_t n = 2;	/* identifier and first length octet */

	if (len < 0x80)
		return n;
	while (len) {
		n++;
		len >>= 8;
	}
	return n;
}

void der_put_header(struct der_writer *w, uint8_t tag, size_t len)
{
	uint8_t hdr[6];
	size_t n, i;

	if (len > DER_MAX_LENGTH) {
		if (!w->err)
			w->err = -EOVERFLOW;
		return;
	}
	n = der_header_len(len);
	hdr[0] = tag;
	if (n == 2) {
		hdr[1] = (uint8_t)len;
	} else {
		hdr[1] = (uint8_t)(0x80 | (n - 2));
		for (i = n - 1; i >= 2; i--) {
			hdr[i] = (uint8_t)len;
			len >>= 8;
		}
	}
	der_put_bytes(w, hdr, n);
}

void der_put_tlv(struct der_writer *w, uint8_t tag, const struct der_blob *v)
{
	der_put_bytes(w, v->data, v->len);
	der_put_header(w, tag, v->len);
}

void der_put_field(struct der_writer *w, int num, uint8_t tag,
		   const struct der_blob *v)
{
	size_t mark = der_mark(w);

	if (!der_blob_present(v))
		return;
	der_put_tlv(w, tag, v);
	der_wrap(w, DER_CONTEXT(num), mark);
}

void der_put_uint32(struct der_writer *w, uint8_t tag, uint32_t v)
{
	uint8_t octets[5];
	size_t n = 0;

	/* Least significant octet first, since the writer prepends. */
	do {
		octets[sizeof(octets) - 1 - n++] = (uint8_t)v;
		v >>= 8;
	} while (v);
	/* Keep the value positive: a set top bit would read as a sign. */
	if (octets[sizeof(octets) - n] & 0x80)
		octets[sizeof(octets) - 1 - n++] = 0;
	der_put_bytes(w, octets + sizeof(octets) - n, n);
	der_put_header(w, tag, n);
}

int der_encode(der_write_fn write, const void *arg, uint8_t *buf, size_t cap,
	       size_t *len_out)
{
	struct der_writer w;

	der_writer_init(&w, NULL, 0);
	write(&w, arg);
	if (w.err)
		return w.err;
	*len_out = w.used;
	if (!buf)
		return 0;
	if (cap < w.used)
		return -ENOSPC;

	/* Exactly w.used bytes: the back-to-front result lands at buf[0]. */
	der_writer_init(&w, buf, *len_out);
	write(&w, arg);
	return w.err;
}

int der_build(TALLOC_CTX *mem, der_write_fn write, const void *arg,
	      uint8_t **out, size_t *len_out)
{
	uint8_t *buf;
	size_t len;
	int ret;

	ret = der_encode(write, arg, NULL, 0, &len);
	if (ret)
		return ret;
	/* talloc_size(0) may return NULL: keep one byte so NULL means ENOMEM. */
	buf = talloc_size(mem, len ? len : 1);
	if (!buf)
		return -ENOMEM;
	ret = der_encode(write, arg, buf, len, &len);
	if (ret) {
		talloc_free(buf);
		return ret;
	}
	*out = buf;
	*len_out = len;
	return 0;
}
