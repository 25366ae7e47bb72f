// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 2743 InitialContextToken framing and Kerberos TOK_ID tokens: see
 * gss_token.h.
 */
#include <errno.h>

#include "gss_token.h"

#define GTOK_FRAME_TAG DER_APPLICATION(0)
#define GTOK_TOK_ID_LEN 2

int gtok_initial_parse(const uint8_t *buf, size_t len,
		       struct gtok_initial *out)
{
	struct der_reader r;
	struct der_tlv frame, mech;
	int ret;

	der_reader_init(&r, buf, len);
	ret = der_read_single(&r, GTOK_FRAME_TAG, &frame);
	if (ret)
		return ret;
	der_reader_from_blob(&r, &frame.value);
	ret = der_read_tag(&r, DER_TAG_OID, &mech);
	if (ret)
		return ret;
	ret = oid_check(&mech.value);
	if (ret)
		return ret;
	out->mech = mech.value;
	out->inner.data = r.p;
	out->inner.len = r.left;
	return 0;
}

/* Prepend the frame around an inner token already in @w since @mark. */
static void gtok_wrap(struct der_writer *w, const struct der_blob *mech,
		      size_t mark)
{
	der_put_tlv(w, DER_TAG_OID, mech);
	der_wrap(w, GTOK_FRAME_TAG, mark);
}

static void gtok_initial_write(struct der_writer *w, const void *arg)
{
	const struct gtok_initial *in = arg;
	size_t mark = der_mark(w);

	der_put_bytes(w, in->inner.data, in->inner.len);
	gtok_wrap(w, &in->mech, mark);
}

int gtok_initial_encode(const struct gtok_initial *in, uint8_t *buf,
			size_t cap, size_t *len_out)
{
	if (oid_check(&in->mech))
		return -EINVAL;
	return der_encode(gtok_initial_write, in, buf, cap, len_out);
}

int gtok_initial_build(TALLOC_CTX *mem, const struct gtok_initial *in,
		       uint8_t **out, size_t *len_out)
{
	if (oid_check(&in->mech))
		return -EINVAL;
	return der_build(mem, gtok_initial_write, in, out, len_out);
}

int gtok_krb5_parse(const uint8_t *buf, size_t len, struct gtok_krb5 *out)
{
	struct gtok_initial frame;
	int ret;

	ret = gtok_initial_parse(buf, len, &frame);
	if (ret)
		return ret;
	if (!oid_is_kerberos(&frame.mech))
		return -EPROTO;
	if (frame.inner.len < GTOK_TOK_ID_LEN)
		return -EBADMSG;
	out->mech = frame.mech;
	out->tok_id = (uint16_t)(frame.inner.data[0] << 8 | frame.inner.data[1]);
	out->body.data = frame.inner.data + GTOK_TOK_ID_LEN;
	out->body.len = frame.inner.len - GTOK_TOK_ID_LEN;
	return 0;
}

void gtok_put_krb5_frame(struct der_writer *w, const struct der_blob *mech,
			 uint16_t tok_id, size_t mark)
{
	uint8_t id[GTOK_TOK_ID_LEN] = { tok_id >> 8, tok_id & 0xff };

	der_put_bytes(w, id, sizeof(id));
	gtok_wrap(w, mech, mark);
}

static void gtok_krb5_write(struct der_writer *w, const void *arg)
{
	const struct gtok_krb5 *in = arg;
	size_t mark = der_mark(w);

	der_put_bytes(w, in->body.data, in->body.len);
	gtok_put_krb5_frame(w, &in->mech, in->tok_id, mark);
}

int gtok_krb5_encode(const struct gtok_krb5 *in, uint8_t *buf, size_t cap,
		     size_t *len_out)
{
	if (!oid_is_kerberos(&in->mech))
		return -EINVAL;
	return der_encode(gtok_krb5_write, in, buf, cap, len_out);
}

int gtok_krb5_build(TALLOC_CTX *mem, const struct gtok_krb5 *in,
		    uint8_t **out, size_t *len_out)
{
	if (!oid_is_kerberos(&in->mech))
		return -EINVAL;
	return der_build(mem, gtok_krb5_write, in, out, len_out);
}
