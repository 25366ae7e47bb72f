// SPDX-License-Identifier: GPL-2.0
/*
 * The pure half of --fault random: seeds, plans and token mutations
 * (chaos.h).  Nothing here knows the server; the same sub-seed and the
 * same input make the same output, which is what a replay relies on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "smb2.h"

/* splitmix64: a full-period 64-bit generator whose output is a good mix
 * of its state, so consecutive exchange numbers give unrelated seeds */
uint64_t chaos_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t chaos_sub_seed(uint64_t seed, uint64_t exch)
{
	uint64_t s = seed ^ (exch * 0xd1342543de82ef95ULL);

	chaos_next(&s);
	return chaos_next(&s);
}

/* The selection draws from its own stream: a replayed sub-seed is always
 * mutated, whatever rate the run that found it had. */
bool chaos_selected(uint64_t sub, unsigned int rate)
{
	uint64_t s = sub ^ 0x5e1ec7ed5e1ec7edULL;

	return chaos_next(&s) % 100 < rate;
}

static const char *const kind_names[CH_NKINDS] = {
	[CH_GARBLE] = "garble",		[CH_TRUNCATE] = "truncate",
	[CH_OVERSIZE] = "oversize",	[CH_REPEAT] = "repeat",
	[CH_REPLAY] = "replay",		[CH_DER_TAG] = "der-tag",
	[CH_DER_LEN] = "der-len",	[CH_DER_FIELD] = "der-field",
	[CH_STATUS] = "status",		[CH_SESS_ID] = "sess-id",
	[CH_SECBUF] = "secbuf",		[CH_SIG] = "sig",
	[CH_DELAY] = "delay",		[CH_DROP] = "drop",
};

const char *chaos_kind_name(unsigned int kind)
{
	return kind < CH_NKINDS ? kind_names[kind] : "?";
}

void chaos_plan_make(uint64_t sub, struct chaos_plan *p)
{
	uint64_t s = sub;
	int i;

	memset(p, 0, sizeof(*p));
	p->sub = sub;
	/* one mutation, a third of the time two */
	p->n = chaos_next(&s) % 3 == 0 ? 2 : 1;
	for (i = 0; i < p->n; i++) {
		p->m[i].kind = (uint8_t)(chaos_next(&s) % CH_NKINDS);
		p->m[i].leg = (uint8_t)(1 + chaos_next(&s) % CHAOS_MAX_LEG);
		p->m[i].arg = (uint32_t)chaos_next(&s);
	}
}

void chaos_plan_str(const struct chaos_plan *p, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < p->n && off < len; i++) {
		int w;

		if (p->m[i].kind == CH_SIG)
			w = snprintf(buf + off, len - off, "%s%s@final",
				     i ? "," : "", chaos_kind_name(p->m[i].kind));
		else
			w = snprintf(buf + off, len - off, "%s%s@%u",
				     i ? "," : "", chaos_kind_name(p->m[i].kind),
				     p->m[i].leg);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* One DER header at p[0..len): 0 and *h, or -1 */
static int der_hdr_at(const uint8_t *p, size_t len, size_t base,
		      struct der_hdr *h)
{
	size_t n, i, vlen;

	if (len < 2 || (p[0] & 0x1f) == 0x1f)	/* no multi-byte tags */
		return -1;
	h->tag = p[0];
	h->tag_off = base;
	h->len_off = base + 1;
	if (p[1] < 0x80) {
		vlen = p[1];
		n = 1;
	} else {
		n = p[1] & 0x7f;
		if (n == 0 || n > 4 || len < 2 + n)
			return -1;
		for (vlen = 0, i = 0; i < n; i++)
			vlen = (vlen << 8) | p[2 + i];
		n++;
	}
	if (vlen > len - 1 - n)
		return -1;
	h->len_bytes = n;
	h->val_off = base + 1 + n;
	h->val_len = vlen;
	return 0;
}

static size_t walk(const uint8_t *tok, size_t off, size_t end,
		   struct der_hdr *out, size_t n, size_t max, int depth);

/* Does tok[off..end) parse as DER elements that fill it exactly? */
static bool all_der(const uint8_t *tok, size_t off, size_t end)
{
	struct der_hdr h;

	if (off == end)
		return false;
	while (off < end) {
		if (der_hdr_at(tok + off, end - off, off, &h))
			return false;
		off = h.val_off + h.val_len;
	}
	return true;
}

static size_t walk(const uint8_t *tok, size_t off, size_t end,
		   struct der_hdr *out, size_t n, size_t max, int depth)
{
	struct der_hdr h;

	if (depth > 16)
		return n;
	while (off < end && n < max) {
		size_t voff, vend;

		if (der_hdr_at(tok + off, end - off, off, &h))
			break;
		out[n++] = h;
		voff = h.val_off;
		vend = h.val_off + h.val_len;
		if (h.tag == 0x60) {
			/* GSS token framing (RFC 2743 3.1): OID, then a
			 * two-byte TOK_ID, then the mech's DER */
			struct der_hdr oid;

			if (!der_hdr_at(tok + voff, vend - voff, voff, &oid) &&
			    oid.tag == 0x06 && n < max) {
				out[n++] = oid;
				voff = oid.val_off + oid.val_len + 2;
				if (voff <= vend)
					n = walk(tok, voff, vend, out, n, max,
						 depth + 1);
			}
		} else if (h.tag & 0x20) {
			n = walk(tok, voff, vend, out, n, max, depth + 1);
		} else if (h.tag == 0x04 && all_der(tok, voff, vend)) {
			n = walk(tok, voff, vend, out, n, max, depth + 1);
		}
		off = vend;
	}
	return n;
}

size_t der_walk(const uint8_t *p, size_t len, struct der_hdr *out,
		size_t max)
{
	return walk(p, 0, len, out, 0, max, 0);
}

static int set_len(uint8_t **tok, size_t *len, size_t n)
{
	uint8_t *p = realloc(*tok, n ? n : 1);

	if (!p)
		return -1;
	*tok = p;
	*len = n;
	return 0;
}

#define MAX_HDRS 256

/* A header to mutate: for CH_DER_FIELD a primitive value, preferring the
 * fields a client has to get right (OIDs, realms, cookies, integers) */
static const struct der_hdr *pick_hdr(const struct der_hdr *h, size_t n,
				      bool primitive, uint64_t *s)
{
	size_t idx[MAX_HDRS], m = 0, i;

	for (i = 0; i < n; i++) {
		if (!primitive) {
			idx[m++] = i;
			continue;
		}
		if ((h[i].tag & 0x20) || !h[i].val_len)
			continue;
		idx[m++] = i;
		/* twice the chance: OID, UTF8String/GeneralString (realm),
		 * INTEGER (etype, kvno, nonce, error code) */
		if (h[i].tag == 0x06 || h[i].tag == 0x0c ||
		    h[i].tag == 0x1b || h[i].tag == 0x02)
			idx[m++] = i;
		if (m >= MAX_HDRS - 1)
			break;
	}
	return m ? &h[idx[chaos_next(s) % m]] : NULL;
}

int chaos_mutate_token(unsigned int kind, uint32_t arg, uint8_t **tok,
		       size_t *len, const uint8_t *old, size_t old_len,
		       char *what, size_t what_len)
{
	struct der_hdr hdrs[MAX_HDRS];
	const struct der_hdr *h;
	uint64_t s = arg;
	size_t n, i, k;
	uint8_t *p;

	chaos_next(&s);
	switch (kind) {
	case CH_REPLAY:
		if (!old || !old_len || set_len(tok, len, old_len))
			return -1;
		memcpy(*tok, old, old_len);
		snprintf(what, what_len, "replay len=%zu", old_len);
		return 0;
	case CH_OVERSIZE:
		if (*len >= 65535)
			return -1;
		n = *len + 1 + chaos_next(&s) % (65535 - *len);
		k = *len;
		if (set_len(tok, len, n))
			return -1;
		/* zeros look like more DER to a lax parser; 'A's do not */
		memset(*tok + k, chaos_next(&s) & 1 ? 0x41 : 0, n - k);
		snprintf(what, what_len, "oversize %zu->%zu", k, n);
		return 0;
	case CH_REPEAT:
		if (!*len || *len > 65535 / 2)
			return -1;
		k = *len;
		if (set_len(tok, len, 2 * k))
			return -1;
		memcpy(*tok + k, *tok, k);
		snprintf(what, what_len, "repeat %zu->%zu", k, 2 * k);
		return 0;
	}
	if (!*len)
		return -1;
	p = *tok;
	switch (kind) {
	case CH_GARBLE:
		k = 1 + chaos_next(&s) % 16;
		for (i = 0; i < k; i++)
			p[chaos_next(&s) % *len] ^= (uint8_t)(1 + chaos_next(&s) % 255);
		snprintf(what, what_len, "garble %zu bytes", k);
		return 0;
	case CH_TRUNCATE:
		k = *len;
		*len = chaos_next(&s) % k;
		snprintf(what, what_len, "truncate %zu->%zu", k, *len);
		return 0;
	case CH_DER_TAG:
	case CH_DER_LEN:
	case CH_DER_FIELD:
		n = der_walk(p, *len, hdrs, MAX_HDRS);
		h = pick_hdr(hdrs, n, kind == CH_DER_FIELD, &s);
		if (!h)
			return -1;
		break;
	default:
		return -1;
	}
	if (kind == CH_DER_TAG) {
		uint8_t t = p[h->tag_off];

		p[h->tag_off] ^= (uint8_t)(1u << (chaos_next(&s) % 8));
		snprintf(what, what_len, "der-tag @%zu 0x%02x->0x%02x",
			 h->tag_off, t, p[h->tag_off]);
	} else if (kind == CH_DER_LEN) {
		/* longer or shorter by one, zero, the most a short form
		 * says, indefinite, a long form eating the value, 0xff */
		static const int16_t pick[] = { 1, -1, 0x100, 0x17f, 0x180,
						0x184, 0x1ff };
		int16_t v = pick[chaos_next(&s) % (sizeof(pick) / sizeof(pick[0]))];
		uint8_t *l = p + h->len_off + h->len_bytes - 1;
		uint8_t o = *l;

		if (v == 1 || v == -1)
			*l = (uint8_t)(*l + v);
		else if (h->len_bytes == 1)
			*l = (uint8_t)(v & 0xff);
		else
			*l = (uint8_t)chaos_next(&s);	/* long form: a byte */
		snprintf(what, what_len, "der-len tag=0x%02x @%zu 0x%02x->0x%02x",
			 h->tag, (size_t)(l - p), o, *l);
	} else {
		size_t at = h->val_off + chaos_next(&s) % h->val_len;
		uint8_t o = p[at];

		if (chaos_next(&s) & 1)
			p[at] ^= (uint8_t)(1u << (chaos_next(&s) % 8));
		else
			p[at] = (uint8_t)chaos_next(&s);
		snprintf(what, what_len, "der-field tag=0x%02x @%zu 0x%02x->0x%02x",
			 h->tag, at, o, p[at]);
	}
	return 0;
}

uint32_t chaos_status(uint32_t status, uint32_t arg)
{
	static const uint32_t errors[] = {
		STATUS_ACCESS_DENIED, STATUS_LOGON_FAILURE,
		STATUS_INVALID_PARAMETER, STATUS_USER_SESSION_DELETED,
		STATUS_NETWORK_SESSION_EXPIRED, STATUS_INSUFFICIENT_RESOURCES,
		STATUS_REQUEST_NOT_ACCEPTED, STATUS_NOT_SUPPORTED,
		STATUS_INTERNAL_ERROR, STATUS_BUFFER_OVERFLOW,
	};
	uint64_t s = arg;
	uint64_t r;

	chaos_next(&s);
	r = chaos_next(&s);
	switch (r % 4) {
	case 0:
		/* SUCCESS too early, MORE_PROCESSING after the end */
		return status == STATUS_SUCCESS ?
			STATUS_MORE_PROCESSING_REQUIRED : STATUS_SUCCESS;
	case 1:
		/* an error NTSTATUS nobody defined */
		return 0xC0000000u | (uint32_t)(chaos_next(&s) & 0xffff);
	default:
		return errors[chaos_next(&s) % (sizeof(errors) / sizeof(errors[0]))];
	}
}
