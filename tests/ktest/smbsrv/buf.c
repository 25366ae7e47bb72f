// SPDX-License-Identifier: GPL-2.0
/*
 * Growable output buffer.
 */
#include <talloc.h>

#include "wire.h"

struct buf *buf_new(void *mem_ctx, size_t hint)
{
	struct buf *b = talloc_zero(mem_ctx, struct buf);

	if (!b)
		return NULL;
	b->cap = hint ? hint : 256;
	b->data = talloc_zero_size(b, b->cap);
	if (!b->data) {
		talloc_free(b);
		return NULL;
	}
	return b;
}

uint8_t *buf_push(struct buf *b, size_t n)
{
	uint8_t *p;

	if (b->oom)
		return NULL;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap * 2;
		uint8_t *d;

		while (cap < b->len + n)
			cap *= 2;
		d = talloc_realloc_size(b, b->data, cap);
		if (!d) {
			b->oom = true;
			return NULL;
		}
		b->data = d;
		b->cap = cap;
	}
	p = b->data + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	uint8_t *d = buf_push(b, n);

	if (d && n)
		memcpy(d, p, n);
}

void buf_put16(struct buf *b, uint16_t v)
{
	uint8_t *d = buf_push(b, 2);

	if (d)
		put16(d, v);
}

void buf_put32(struct buf *b, uint32_t v)
{
	uint8_t *d = buf_push(b, 4);

	if (d)
		put32(d, v);
}

void buf_put64(struct buf *b, uint64_t v)
{
	uint8_t *d = buf_push(b, 8);

	if (d)
		put64(d, v);
}

void buf_align(struct buf *b, size_t align)
{
	size_t pad = (align - (b->len & (align - 1))) & (align - 1);

	buf_push(b, pad);
}
