// SPDX-License-Identifier: GPL-2.0
/*
 * IAKerb proxy tokens: see iakerb_token.h.
 */
#include <errno.h>

#include "gss_token.h"

/* IAKERB-HEADER field numbers: the draft starts at 1. */
enum {
	HDR_TARGET_REALM = 1,
	HDR_COOKIE = 2,
	HDR_FLAGS = 3,
};

static int header_field(int num, struct der_reader *field,
			struct iakerb_header *h)
{
	struct der_tlv t;
	int ret;

	switch (num) {
	case HDR_TARGET_REALM:
		ret = der_read_single(field, DER_TAG_UTF8_STRING, &t);
		if (!ret)
			h->target_realm = t.value;
		return ret;
	case HDR_COOKIE:
		ret = der_read_single(field, DER_TAG_OCTET_STRING, &t);
		if (!ret)
			h->cookie = t.value;
		return ret;
	case HDR_FLAGS:
		ret = der_read_single(field, DER_TAG_BIT_STRING, &t);
		if (!ret)
			ret = der_check_bit_string(&t.value);
		if (!ret)
			h->header_flags = t.value;
		return ret;
	default:
		/* The header is extensible ("..."): skip what is new. */
		return 0;
	}
}

static int header_parse(struct der_reader *r, struct iakerb_header *h)
{
	struct der_reader fields, field;
	struct der_tlv seq;
	int num, prev = -1, ret;

	ret = der_read_tag(r, DER_TAG_SEQUENCE, &seq);
	if (ret)
		return ret;
	der_reader_from_blob(&fields, &seq.value);
	while ((num = der_read_field(&fields, &prev, &field)) >= 0) {
		ret = header_field(num, &field, h);
		if (ret)
			return ret;
	}
	if (num != -ENOENT)
		return num;
	return der_blob_present(&h->target_realm) ? 0 : -EBADMSG;
}

static bool is_kdc_msg(enum krb_msg_type type)
{
	switch (type) {
	case KRB_MSG_AS_REQ:
	case KRB_MSG_AS_REP:
	case KRB_MSG_TGS_REQ:
	case KRB_MSG_TGS_REP:
	case KRB_MSG_ERROR:
		return true;
	default:
		return false;
	}
}

static int kdc_msg_type(const struct der_blob *msg, enum krb_msg_type *type)
{
	int ret;

	if (msg->len == 0) {
		*type = KRB_MSG_NONE;
		return 0;
	}
	ret = krb_msg_identify(msg, type);
	if (ret)
		return ret;
	return is_kdc_msg(*type) ? 0 : -EBADMSG;
}

int iakerb_proxy_parse_body(const struct der_blob *body,
			    struct iakerb_proxy *out)
{
	struct iakerb_proxy tok = { 0 };
	struct der_reader r;
	int ret;

	der_reader_from_blob(&r, body);
	ret = header_parse(&r, &tok.header);
	if (ret)
		return ret;
	tok.kdc_msg.data = r.p;
	tok.kdc_msg.len = r.left;
	ret = kdc_msg_type(&tok.kdc_msg, &tok.kdc_msg_type);
	if (ret)
		return ret;
	*out = tok;
	return 0;
}

int iakerb_proxy_parse(const uint8_t *buf, size_t len,
		       struct iakerb_proxy *out)
{
	struct gtok_krb5 tok;
	int ret;

	ret = gtok_krb5_parse(buf, len, &tok);
	if (ret)
		return ret;
	if (!oid_equal(&tok.mech, &oid_iakerb) ||
	    tok.tok_id != GTOK_IAKERB_PROXY)
		return -EPROTO;
	return iakerb_proxy_parse_body(&tok.body, out);
}

static void header_write(struct der_writer *w, const struct iakerb_header *h)
{
	static const uint8_t no_realm;
	struct der_blob realm = h->target_realm;
	size_t mark = der_mark(w);

	/* The realm is required: an absent one goes out empty (discovery). */
	if (!der_blob_present(&realm))
		realm.data = &no_realm;
	der_put_field(w, HDR_FLAGS, DER_TAG_BIT_STRING, &h->header_flags);
	der_put_field(w, HDR_COOKIE, DER_TAG_OCTET_STRING, &h->cookie);
	der_put_field(w, HDR_TARGET_REALM, DER_TAG_UTF8_STRING, &realm);
	der_wrap(w, DER_TAG_SEQUENCE, mark);
}

static int check_proxy(const struct iakerb_proxy *in)
{
	enum krb_msg_type type;

	if (der_blob_present(&in->header.header_flags) &&
	    der_check_bit_string(&in->header.header_flags))
		return -EINVAL;
	if (kdc_msg_type(&in->kdc_msg, &type))
		return -EINVAL;
	return 0;
}

static void proxy_write(struct der_writer *w, const void *arg)
{
	const struct iakerb_proxy *in = arg;
	size_t mark = der_mark(w);

	der_put_bytes(w, in->kdc_msg.data, in->kdc_msg.len);
	header_write(w, &in->header);
	gtok_put_krb5_frame(w, &oid_iakerb, GTOK_IAKERB_PROXY, mark);
}

int iakerb_proxy_encode(const struct iakerb_proxy *in, uint8_t *buf,
			size_t cap, size_t *len_out)
{
	int ret = check_proxy(in);

	return ret ? ret : der_encode(proxy_write, in, buf, cap, len_out);
}

int iakerb_proxy_build(TALLOC_CTX *mem, const struct iakerb_proxy *in,
		       uint8_t **out, size_t *len_out)
{
	int ret = check_proxy(in);

	return ret ? ret : der_build(mem, proxy_write, in, out, len_out);
}

bool iakerb_realm_is_dot(const struct iakerb_header *h)
{
	return h->target_realm.len == 1 && h->target_realm.data[0] == '.';
}

int iakerb_header_flags_value(const struct iakerb_header *h, uint32_t *flags)
{
	const struct der_blob *bits = &h->header_flags;
	uint32_t v = 0;
	size_t i;

	if (!der_blob_present(bits))
		return -ENOENT;
	/* Skip the unused-bits octet; der_check_bit_string ran at parse. */
	for (i = 1; i <= 4; i++)
		v = (v << 8) | (i < bits->len ? bits->data[i] : 0);
	*flags = v;
	return 0;
}

struct der_blob iakerb_header_flags_encode(uint8_t storage[IAKERB_HEADER_FLAGS_LEN],
					   uint32_t flags)
{
	storage[0] = 0;	/* no unused bits */
	storage[1] = flags >> 24;
	storage[2] = flags >> 16;
	storage[3] = flags >> 8;
	storage[4] = flags;
	return (struct der_blob){ storage, IAKERB_HEADER_FLAGS_LEN };
}

enum iakerb_dialect iakerb_header_dialect(const struct iakerb_header *h)
{
	if (der_blob_present(&h->header_flags) || iakerb_realm_is_dot(h))
		return IAKERB_DIALECT_WINDOWS;
	return IAKERB_DIALECT_MIT;
}
