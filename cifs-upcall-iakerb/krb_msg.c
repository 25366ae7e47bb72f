// SPDX-License-Identifier: GPL-2.0
/*
 * Kerberos message identification and KRB-ERROR fields: see krb_msg.h.
 */
#include <errno.h>

#include "krb_msg.h"

#define KRB5_PVNO 5

/* KRB-ERROR field numbers (RFC 4120 5.9.1). */
enum {
	KRB_ERROR_PVNO = 0,
	KRB_ERROR_MSG_TYPE = 1,
	KRB_ERROR_CODE = 6,
	KRB_ERROR_REALM = 9,
	KRB_ERROR_E_TEXT = 11,
	KRB_ERROR_E_DATA = 12,
};

const char *krb_msg_type_name(enum krb_msg_type type)
{
	switch (type) {
	case KRB_MSG_NONE:
		return "none";
	case KRB_MSG_AS_REQ:
		return "AS-REQ";
	case KRB_MSG_AS_REP:
		return "AS-REP";
	case KRB_MSG_TGS_REQ:
		return "TGS-REQ";
	case KRB_MSG_TGS_REP:
		return "TGS-REP";
	case KRB_MSG_AP_REQ:
		return "AP-REQ";
	case KRB_MSG_AP_REP:
		return "AP-REP";
	case KRB_MSG_ERROR:
		return "KRB-ERROR";
	}
	return NULL;
}

/* The SEQUENCE inside [APPLICATION n], which must fill the whole @msg. */
static int krb_msg_open(const struct der_blob *msg, struct der_tlv *app,
			struct der_reader *seq)
{
	struct der_reader r;
	struct der_tlv body;
	int ret;

	der_reader_from_blob(&r, msg);
	ret = der_read(&r, app);
	if (ret)
		return ret;
	if (!der_reader_empty(&r) ||
	    (app->tag & DER_TAG_CLASS_MASK) != DER_APPLICATION(0))
		return -EBADMSG;
	der_reader_from_blob(&r, &app->value);
	ret = der_read_single(&r, DER_TAG_SEQUENCE, &body);
	if (ret)
		return ret;
	der_reader_from_blob(seq, &body.value);
	return 0;
}

int krb_msg_identify(const struct der_blob *msg, enum krb_msg_type *type)
{
	struct der_reader seq;
	struct der_tlv app;
	int num, ret;

	ret = krb_msg_open(msg, &app, &seq);
	if (ret)
		return ret;
	num = app.tag & DER_TAG_NUMBER_MASK;
	if (num == KRB_MSG_NONE || !krb_msg_type_name(num))
		return -EBADMSG;
	*type = num;
	return 0;
}

static int krb_field_int32(struct der_reader *field, int32_t *out)
{
	struct der_tlv t;
	int ret = der_read_single(field, DER_TAG_INTEGER, &t);

	return ret ? ret : der_int32_from_value(&t.value, out);
}

static int krb_field_blob(struct der_reader *field, uint8_t tag,
			  struct der_blob *out)
{
	struct der_tlv t;
	int ret = der_read_single(field, tag, &t);

	if (!ret)
		*out = t.value;
	return ret;
}

/* Fields nobody here reads must still hold exactly one element. */
static int krb_field_skip(struct der_reader *field)
{
	struct der_tlv t;
	int ret = der_read(field, &t);

	if (ret)
		return ret;
	return der_reader_empty(field) ? 0 : -EBADMSG;
}

static int krb_error_field(int num, struct der_reader *field,
			   struct krb_error_info *out, int32_t *pvno,
			   int32_t *msg_type)
{
	switch (num) {
	case KRB_ERROR_PVNO:
		return krb_field_int32(field, pvno);
	case KRB_ERROR_MSG_TYPE:
		return krb_field_int32(field, msg_type);
	case KRB_ERROR_CODE:
		return krb_field_int32(field, &out->error_code);
	case KRB_ERROR_REALM:
		return krb_field_blob(field, DER_TAG_GENERAL_STRING,
				      &out->realm);
	case KRB_ERROR_E_TEXT:
		return krb_field_blob(field, DER_TAG_GENERAL_STRING,
				      &out->e_text);
	case KRB_ERROR_E_DATA:
		return krb_field_blob(field, DER_TAG_OCTET_STRING,
				      &out->e_data);
	default:
		return krb_field_skip(field);
	}
}

int krb_error_parse(const struct der_blob *msg, struct krb_error_info *out)
{
	struct krb_error_info info = { 0 };
	struct der_reader seq, field;
	struct der_tlv app;
	int32_t pvno = -1, msg_type = -1;
	bool have_code = false;
	int num, prev = -1, ret;

	ret = krb_msg_open(msg, &app, &seq);
	if (ret)
		return ret;
	if (app.tag != DER_APPLICATION(KRB_MSG_ERROR))
		return -EPROTO;

	while ((num = der_read_field(&seq, &prev, &field)) >= 0) {
		ret = krb_error_field(num, &field, &info, &pvno, &msg_type);
		if (ret)
			return ret;
		if (num == KRB_ERROR_CODE)
			have_code = true;
	}
	if (num != -ENOENT)
		return num;
	if (pvno != KRB5_PVNO || msg_type != KRB_MSG_ERROR || !have_code)
		return -EBADMSG;
	*out = info;
	return 0;
}
