// SPDX-License-Identifier: GPL-2.0
/*
 * kdc-pad: grow a KDC reply with one PA-DATA of an unregistered type.
 *
 *   KDC-REP   ::= [APPLICATION 11|13] SEQUENCE { pvno [0], msg-type [1],
 *                 padata [2] SEQUENCE OF PA-DATA OPTIONAL, crealm [3], ... }
 *   KRB-ERROR ::= [APPLICATION 30] SEQUENCE { ..., e-data [12] OCTET STRING
 *                 OPTIONAL }      -- METHOD-DATA for PREAUTH_REQUIRED
 *   PA-DATA   ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET
 *                 STRING }
 *
 * The reply is taken apart at the field that holds the PA-DATA list and
 * put back together around a longer list; every other byte is copied as
 * the KDC encoded it (the ticket and enc-part are not touched).
 */
#include <errno.h>
#include <string.h>

#include "gss_token.h"
#include "kdcpad.h"

/* The reply, cut around the field that holds the PA-DATA list. */
struct padjob {
	uint8_t app_tag;		/* [APPLICATION n] of the message */
	int field;			/* 2 (padata) or 12 (e-data) */
	struct der_blob before;		/* fields below it, as encoded */
	struct der_blob old_pa;		/* PA-DATA entries already there */
	struct der_blob after;		/* fields above it, as encoded */
	size_t pad;			/* padding value length */
};

/* INTEGER KDCPAD_PA_TYPE, minimal two's complement: -21314 = 0xacbe */
static const uint8_t pa_type_der[] = { 0x02, 0x02, 0xac, 0xbe };

static void put_padding(struct der_writer *w, size_t n)
{
	static const uint8_t chunk[4096];	/* zeros */

	while (n) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		der_put_bytes(w, chunk, k);
		n -= k;
	}
}

static void write_padded(struct der_writer *w, const void *arg)
{
	const struct padjob *j = arg;
	size_t seq, field, val, typ;

	seq = der_mark(w);
	der_put_bytes(w, j->after.data, j->after.len);
	/* the list (in its OCTET STRING for e-data) and the field */
	field = der_mark(w);
	/* the padding entry goes last: clients read the list in order */
	val = der_mark(w);
	put_padding(w, j->pad);
	der_wrap(w, DER_TAG_OCTET_STRING, val);
	der_wrap(w, DER_CONTEXT(2), val);
	typ = der_mark(w);
	der_put_bytes(w, pa_type_der, sizeof(pa_type_der));
	der_wrap(w, DER_CONTEXT(1), typ);
	der_wrap(w, DER_TAG_SEQUENCE, val);
	der_put_bytes(w, j->old_pa.data, j->old_pa.len);
	der_wrap(w, DER_TAG_SEQUENCE, field);
	if (j->field == 12)
		der_wrap(w, DER_TAG_OCTET_STRING, field);
	der_wrap(w, DER_CONTEXT(j->field), field);
	der_put_bytes(w, j->before.data, j->before.len);
	der_wrap(w, DER_TAG_SEQUENCE, seq);
	der_wrap(w, j->app_tag, seq);
}

/*
 * Cut the SEQUENCE contents @seq at field [@num]: the encoded fields
 * below and above it, and the field's own contents (absent if it is not
 * there).
 */
static int split_at(const struct der_blob *seq, int num,
		    struct der_blob *before, struct der_blob *value,
		    struct der_blob *after)
{
	const uint8_t *end = seq->data + seq->len;
	struct der_reader r;
	struct der_tlv t;
	bool cut = false;
	int k, prev = -1, ret;

	*value = (struct der_blob){ NULL, 0 };
	*before = (struct der_blob){ seq->data, seq->len };
	*after = (struct der_blob){ end, 0 };
	der_reader_from_blob(&r, seq);
	while (!der_reader_empty(&r)) {
		ret = der_read(&r, &t);
		if (ret)
			return ret;
		if ((t.tag & DER_TAG_CLASS_MASK) != DER_CONTEXT(0))
			return -EBADMSG;
		k = t.tag & DER_TAG_NUMBER_MASK;
		if (k <= prev)
			return -EBADMSG;
		prev = k;
		if (k < num)
			continue;
		if (!cut) {
			before->len = (size_t)(t.whole.data - seq->data);
			cut = true;
		}
		if (k == num) {
			*value = t.value;
		} else {
			*after = (struct der_blob){ t.whole.data,
						    (size_t)(end - t.whole.data) };
			break;
		}
	}
	return 0;
}

/* The contents of the single SEQUENCE that @b holds. */
static int seq_contents(const struct der_blob *b, struct der_blob *out)
{
	struct der_reader r;
	struct der_tlv t;
	int ret;

	der_reader_from_blob(&r, b);
	ret = der_read_single(&r, DER_TAG_SEQUENCE, &t);
	if (!ret)
		*out = t.value;
	return ret;
}

static int prepare(const uint8_t *msg, size_t len, struct padjob *j)
{
	struct der_blob m = { msg, len }, seq, val;
	struct krb_error_info ei;
	enum krb_msg_type type;
	struct der_reader r;
	struct der_tlv t;
	int ret;

	ret = krb_msg_identify(&m, &type);
	if (ret)
		return ret;
	if (type == KRB_MSG_AS_REP || type == KRB_MSG_TGS_REP)
		j->field = 2;
	else if (type == KRB_MSG_ERROR && !krb_error_parse(&m, &ei) &&
		 ei.error_code == KRB_ERR_PREAUTH_REQUIRED &&
		 der_blob_present(&ei.e_data))
		j->field = 12;
	else
		return 0;		/* nothing to pad */
	j->app_tag = DER_APPLICATION(type);
	der_reader_init(&r, msg, len);
	ret = der_read_single(&r, j->app_tag, &t);
	if (ret)
		return ret;
	ret = seq_contents(&t.value, &seq);
	if (ret)
		return ret;
	ret = split_at(&seq, j->field, &j->before, &val, &j->after);
	if (ret)
		return ret;
	j->old_pa = (struct der_blob){ seq.data, 0 };
	if (!der_blob_present(&val))
		return 1;
	if (j->field == 12) {
		/* [12] { OCTET STRING { METHOD-DATA } } */
		der_reader_from_blob(&r, &val);
		ret = der_read_single(&r, DER_TAG_OCTET_STRING, &t);
		if (ret)
			return ret;
		val = t.value;
	}
	ret = seq_contents(&val, &j->old_pa);
	return ret ? ret : 1;
}

int kdcpad_msg(TALLOC_CTX *mem, const uint8_t *msg, size_t len,
	       size_t target, uint8_t **out, size_t *olen)
{
	struct padjob j = { 0 };
	size_t n;
	int ret, i;

	ret = prepare(msg, len, &j);
	if (ret <= 0)
		return ret;
	ret = der_encode(write_padded, &j, NULL, 0, &n);
	if (ret)
		return ret;
	if (n >= target)
		return 0;
	/*
	 * Lengths grow in steps of one octet, so pad by the difference and
	 * take back what the longer length fields added.
	 */
	j.pad = target - n;
	for (i = 0; i < 8; i++) {
		ret = der_encode(write_padded, &j, NULL, 0, &n);
		if (ret)
			return ret;
		if (n <= target)
			break;
		j.pad -= n - target;
	}
	ret = der_build(mem, write_padded, &j, out, olen);
	return ret ? ret : 1;
}
