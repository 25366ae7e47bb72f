// SPDX-License-Identifier: LGPL-2.1
/*
 * Messages (PROTOCOL.md §4, §8): the callout data the kernel hands each
 * leg's helper, the four messages between a helper and its agent, and the
 * two of the channel between the kernel and the agent (LEG, ANSWER).
 *
 *   header:  "CIAK" | u8 version | u8 kind | u8 0 | u8 0 | u32 total_len
 *   records: u32 type | u32 len | len bytes          (no padding)
 *
 * The parser checks every length before touching what it covers, and
 * returns pointers into the caller's buffer; it never allocates or copies.
 */
#include "iakerb_compat.h"

#define BIT_T(t)	(1u << (t))

struct type_rule {
	__u32	min;
	__u32	max;
};

static const struct type_rule type_rules[IAKERB_T_MAX + 1] = {
	[IAKERB_T_SECRET]	= { IAKERB_SECRET_LEN, IAKERB_SECRET_LEN },
	[IAKERB_T_SERVER_BLOB]	= { 0, IAKERB_TOKEN_MAX },
	[IAKERB_T_NEG_BLOB]	= { 0, IAKERB_TOKEN_MAX },
	[IAKERB_T_CRED_KEY]	= { 4, 4 },
	[IAKERB_T_SMB_STATUS]	= { 4, 4 },
	[IAKERB_T_EXCH]		= { IAKERB_EXCH_LEN, IAKERB_EXCH_LEN },
	[IAKERB_T_LEG]		= { 4, 4 },
	[IAKERB_T_NONCE]	= { IAKERB_NONCE_LEN, IAKERB_NONCE_LEN },
	[IAKERB_T_PROOF]	= { IAKERB_PROOF_LEN, IAKERB_PROOF_LEN },
	[IAKERB_T_DESC]		= { 1, IAKERB_DESC_MAX },
	[IAKERB_T_ERRNO]	= { 4, 4 },
	[IAKERB_T_PAYLOAD]	= { IAKERB_PAYLOAD_HDR_LEN, IAKERB_PAYLOAD_MAX },
};

struct kind_rule {
	__u32	required;
	__u32	allowed;
};

static const struct kind_rule kind_rules[IAKERB_KIND_MAX + 1] = {
	[IAKERB_KIND_CALLOUT] = {
		BIT_T(IAKERB_T_SECRET),
		BIT_T(IAKERB_T_SECRET) | BIT_T(IAKERB_T_SERVER_BLOB) |
		BIT_T(IAKERB_T_NEG_BLOB) | BIT_T(IAKERB_T_CRED_KEY) |
		BIT_T(IAKERB_T_SMB_STATUS) },
	[IAKERB_KIND_HELLO] = {
		BIT_T(IAKERB_T_EXCH) | BIT_T(IAKERB_T_LEG) |
		BIT_T(IAKERB_T_NONCE),
		BIT_T(IAKERB_T_EXCH) | BIT_T(IAKERB_T_LEG) |
		BIT_T(IAKERB_T_NONCE) },
	[IAKERB_KIND_PROOF] = {
		BIT_T(IAKERB_T_NONCE) | BIT_T(IAKERB_T_PROOF),
		BIT_T(IAKERB_T_NONCE) | BIT_T(IAKERB_T_PROOF) },
	[IAKERB_KIND_REQUEST] = {
		BIT_T(IAKERB_T_NONCE) | BIT_T(IAKERB_T_LEG) |
		BIT_T(IAKERB_T_PROOF) | BIT_T(IAKERB_T_DESC) |
		BIT_T(IAKERB_T_SMB_STATUS) | BIT_T(IAKERB_T_SERVER_BLOB),
		BIT_T(IAKERB_T_NONCE) | BIT_T(IAKERB_T_LEG) |
		BIT_T(IAKERB_T_PROOF) | BIT_T(IAKERB_T_DESC) |
		BIT_T(IAKERB_T_SMB_STATUS) | BIT_T(IAKERB_T_SERVER_BLOB) },
	[IAKERB_KIND_RESULT] = {
		BIT_T(IAKERB_T_NONCE) | BIT_T(IAKERB_T_LEG) |
		BIT_T(IAKERB_T_ERRNO),
		BIT_T(IAKERB_T_NONCE) | BIT_T(IAKERB_T_LEG) |
		BIT_T(IAKERB_T_ERRNO) | BIT_T(IAKERB_T_PAYLOAD) },
	/* the channel (§8): the kernel's leg and the agent's answer */
	[IAKERB_KIND_LEG] = {
		BIT_T(IAKERB_T_SECRET) | BIT_T(IAKERB_T_DESC) |
		BIT_T(IAKERB_T_SMB_STATUS) | BIT_T(IAKERB_T_SERVER_BLOB),
		BIT_T(IAKERB_T_SECRET) | BIT_T(IAKERB_T_DESC) |
		BIT_T(IAKERB_T_SMB_STATUS) | BIT_T(IAKERB_T_SERVER_BLOB) },
	[IAKERB_KIND_ANSWER] = {
		BIT_T(IAKERB_T_LEG) | BIT_T(IAKERB_T_ERRNO),
		BIT_T(IAKERB_T_LEG) | BIT_T(IAKERB_T_ERRNO) |
		BIT_T(IAKERB_T_PAYLOAD) },
};

static bool lower_hex(const __u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		      (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* Value checks beyond the length, and where the pointers go */
static int take(struct iakerb_msg *m, __u32 type, const __u8 *v, __u32 n)
{
	__u32 x = n == 4 ? iakerb_get_u32(v) : 0;

	switch (type) {
	case IAKERB_T_SECRET:
		m->secret = v;
		break;
	case IAKERB_T_SERVER_BLOB:
		m->server_blob = v;
		m->server_blob_len = n;
		break;
	case IAKERB_T_NEG_BLOB:
		m->neg_blob = v;
		m->neg_blob_len = n;
		break;
	case IAKERB_T_CRED_KEY:
		if (x == 0 || x > 0x7fffffffu)	/* a key_serial_t > 0 */
			return -EPROTO;
		m->cred_key = x;
		break;
	case IAKERB_T_SMB_STATUS:
		if (x != IAKERB_STATUS_SUCCESS &&
		    x != IAKERB_STATUS_MORE_PROCESSING)
			return -EPROTO;
		m->smb_status = x;
		break;
	case IAKERB_T_EXCH:
		if (!lower_hex(v, n))
			return -EPROTO;
		m->exch = (const char *)v;
		break;
	case IAKERB_T_LEG:
		if (x < 1 || x > IAKERB_MAX_LEGS)
			return -EPROTO;
		m->leg = x;
		break;
	case IAKERB_T_NONCE:
		m->nonce = v;
		break;
	case IAKERB_T_PROOF:
		m->proof = v;
		break;
	case IAKERB_T_DESC:
		if (memchr(v, '\0', n))
			return -EPROTO;
		m->desc = (const char *)v;
		m->desc_len = n;
		break;
	case IAKERB_T_ERRNO:
		if (x > 4095)
			return -EPROTO;
		m->err = x;
		break;
	case IAKERB_T_PAYLOAD:
		m->payload = v;
		m->payload_len = n;
		break;
	default:
		return -EPROTO;
	}
	return 0;
}

int iakerb_msg_parse(const void *buf, size_t len, struct iakerb_msg *m)
{
	const __u8 *p = buf;
	const struct kind_rule *kr;
	size_t pos;
	int ret;

	memset(m, 0, sizeof(*m));
	if (len < IAKERB_MSG_HDR_LEN || len > IAKERB_MSG_MAX)
		return -EPROTO;
	if (memcmp(p, IAKERB_MSG_MAGIC, 4))
		return -EPROTO;
	if (p[4] != IAKERB_MSG_VERSION)
		return -EPROTONOSUPPORT;
	if (p[5] < IAKERB_KIND_CALLOUT || p[5] > IAKERB_KIND_MAX ||
	    p[6] || p[7])
		return -EPROTO;
	if (iakerb_get_u32(p + 8) != len)
		return -EPROTO;
	m->kind = p[5];
	kr = &kind_rules[m->kind];

	for (pos = IAKERB_MSG_HDR_LEN; pos < len; ) {
		__u32 type, rlen;

		if (len - pos < IAKERB_REC_HDR_LEN)
			return -EPROTO;
		type = iakerb_get_u32(p + pos);
		rlen = iakerb_get_u32(p + pos + 4);
		pos += IAKERB_REC_HDR_LEN;
		if (rlen > len - pos)
			return -EPROTO;

		if (type == 0 || type > IAKERB_T_MAX) {
			if (!(type & IAKERB_T_IGNORABLE))
				return -EPROTONOSUPPORT;
		} else {
			if (!(kr->allowed & BIT_T(type)))
				return -EPROTO;
			if (m->have & BIT_T(type))
				return -EPROTO;	/* duplicate */
			if (rlen < type_rules[type].min ||
			    rlen > type_rules[type].max)
				return -EPROTO;
			ret = take(m, type, p + pos, rlen);
			if (ret)
				return ret;
			m->have |= BIT_T(type);
		}
		pos += rlen;
	}

	if ((m->have & kr->required) != kr->required)
		return -EPROTO;
	/* a result carries a payload exactly when it reports success */
	if ((m->kind == IAKERB_KIND_RESULT || m->kind == IAKERB_KIND_ANSWER) &&
	    !(m->have & BIT_T(IAKERB_T_PAYLOAD)) != !!m->err)
		return -EPROTO;
	return 0;
}

/* Which records a callout carries on leg 1 and on later legs (§4) */
int iakerb_callout_check(const struct iakerb_msg *m, __u32 leg)
{
	const __u32 first = BIT_T(IAKERB_T_NEG_BLOB) | BIT_T(IAKERB_T_CRED_KEY);
	const __u32 later = BIT_T(IAKERB_T_SERVER_BLOB) |
			    BIT_T(IAKERB_T_SMB_STATUS);

	if (m->kind != IAKERB_KIND_CALLOUT || leg < 1 || leg > IAKERB_MAX_LEGS)
		return -EPROTO;
	if (leg == 1)
		return (m->have & later) ? -EPROTO : 0;
	if (m->have & first)
		return -EPROTO;
	return (m->have & later) == later ? 0 : -EPROTO;
}

void iakerb_msg_begin(struct iakerb_msg_writer *w, void *buf, size_t cap,
		      __u8 kind)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
	if (cap < IAKERB_MSG_HDR_LEN) {
		w->err = -EMSGSIZE;
		return;
	}
	memcpy(w->buf, IAKERB_MSG_MAGIC, 4);
	w->buf[4] = IAKERB_MSG_VERSION;
	w->buf[5] = kind;
	w->buf[6] = 0;
	w->buf[7] = 0;
	iakerb_put_u32(w->buf + 8, 0);
	w->len = IAKERB_MSG_HDR_LEN;
}

void iakerb_msg_put(struct iakerb_msg_writer *w, __u32 type, const void *val,
		    size_t len)
{
	if (w->err)
		return;
	if (len > IAKERB_MSG_MAX || w->cap - w->len < IAKERB_REC_HDR_LEN ||
	    w->cap - w->len - IAKERB_REC_HDR_LEN < len) {
		w->err = -EMSGSIZE;
		return;
	}
	iakerb_put_u32(w->buf + w->len, type);
	iakerb_put_u32(w->buf + w->len + 4, (__u32)len);
	w->len += IAKERB_REC_HDR_LEN;
	if (len)
		memcpy(w->buf + w->len, val, len);
	w->len += len;
}

void iakerb_msg_put_u32(struct iakerb_msg_writer *w, __u32 type, __u32 v)
{
	__u8 b[4];

	iakerb_put_u32(b, v);
	iakerb_msg_put(w, type, b, sizeof(b));
}

/* Finish the header; what the writer made must parse, or it is an error */
int iakerb_msg_end(struct iakerb_msg_writer *w)
{
	struct iakerb_msg m;
	int ret;

	if (w->err)
		return w->err;
	if (w->len > IAKERB_MSG_MAX)
		return -EMSGSIZE;
	iakerb_put_u32(w->buf + 8, (__u32)w->len);
	ret = iakerb_msg_parse(w->buf, w->len, &m);
	if (ret)
		return ret == -EPROTONOSUPPORT ? ret : -EINVAL;
	return (int)w->len;
}

int iakerb_callout_build(void *buf, size_t cap, __u32 leg,
			 const __u8 secret[IAKERB_SECRET_LEN],
			 const void *server_blob, size_t server_blob_len,
			 __u32 smb_status, const void *neg_blob,
			 size_t neg_blob_len, __u32 cred_key)
{
	struct iakerb_msg_writer w;
	struct iakerb_msg m;
	int len;

	/* leg 1 has no server token yet; later legs no NEGOTIATE or cred */
	if (leg == 1 ? server_blob_len != 0 : neg_blob || cred_key)
		return -EINVAL;
	iakerb_msg_begin(&w, buf, cap, IAKERB_KIND_CALLOUT);
	iakerb_msg_put(&w, IAKERB_T_SECRET, secret, IAKERB_SECRET_LEN);
	if (leg == 1) {
		if (neg_blob)
			iakerb_msg_put(&w, IAKERB_T_NEG_BLOB, neg_blob,
				       neg_blob_len);
		if (cred_key)
			iakerb_msg_put_u32(&w, IAKERB_T_CRED_KEY, cred_key);
	} else {
		iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS, smb_status);
		iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, server_blob,
			       server_blob_len);
	}
	len = iakerb_msg_end(&w);
	if (len < 0)
		return len;
	if (iakerb_msg_parse(buf, len, &m) || iakerb_callout_check(&m, leg))
		return -EINVAL;
	return len;
}
