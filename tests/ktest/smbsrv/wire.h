/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Little-endian field access and a growable output buffer.
 */
#ifndef SMBSRV_WIRE_H
#define SMBSRV_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

/* A talloc-owned growable byte buffer.  On allocation failure it sets
 * ->oom and later appends do nothing, so callers check once at the end. */
struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool oom;
};

struct buf *buf_new(void *mem_ctx, size_t hint);
/* Grow by n zero bytes; returns a pointer to them or NULL. */
uint8_t *buf_push(struct buf *b, size_t n);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_put16(struct buf *b, uint16_t v);
void buf_put32(struct buf *b, uint32_t v);
void buf_put64(struct buf *b, uint64_t v);
/* Pad with zeros to a multiple of align (a power of two). */
void buf_align(struct buf *b, size_t align);

#endif
