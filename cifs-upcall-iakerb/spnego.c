// SPDX-License-Identifier: GPL-2.0
/*
 * SPNEGO NegTokenInit(2)/NegTokenResp parsing and building: see spnego.h.
 */
#include <errno.h>

#include "gss_token.h"

/* NegotiationToken CHOICE arms. */
#define SPNEGO_CHOICE_INIT DER_CONTEXT(0)
#define SPNEGO_CHOICE_RESP DER_CONTEXT(1)

/* NegTokenInit / NegTokenInit2 field numbers. */
enum {
	INIT_MECH_TYPES = 0,
	INIT_REQ_FLAGS = 1,
	INIT_MECH_TOKEN = 2,
	INIT_MIC_OR_HINTS = 3,	/* mechListMIC (RFC 4178) or negHints */
	INIT2_MIC = 4,		/* mechListMIC after negHints ([MS-SPNG]) */
};

/* NegHints field numbers. */
enum {
	HINT_NAME = 0,
	HINT_ADDRESS = 1,
};

/* NegTokenResp field numbers. */
enum {
	RESP_NEG_STATE = 0,
	RESP_SUPPORTED_MECH = 1,
	RESP_RESPONSE_TOKEN = 2,
	RESP_MIC = 3,
};

const char *spnego_neg_state_name(enum spnego_neg_state state)
{
	switch (state) {
	case SPNEGO_ACCEPT_COMPLETED:
		return "accept-completed";
	case SPNEGO_ACCEPT_INCOMPLETE:
		return "accept-incomplete";
	case SPNEGO_REJECT:
		return "reject";
	case SPNEGO_REQUEST_MIC:
		return "request-mic";
	}
	return NULL;
}

/* ---- Parsing ---------------------------------------------------------- */

/* The single element of an EXPLICIT field, by tag; its contents only. */
static int field_value(struct der_reader *field, uint8_t tag,
		       struct der_blob *out)
{
	struct der_tlv t;
	int ret = der_read_single(field, tag, &t);

	if (!ret)
		*out = t.value;
	return ret;
}

static int field_oid(struct der_reader *field, struct der_blob *out)
{
	int ret = field_value(field, DER_TAG_OID, out);

	return ret ? ret : oid_check(out);
}

static int parse_mech_types(struct der_reader *field, struct spnego_init *init)
{
	struct der_reader list;
	struct der_tlv seq, mech;
	int ret;

	ret = der_read_single(field, DER_TAG_SEQUENCE, &seq);
	if (ret)
		return ret;
	/* An empty list leaves nothing to negotiate. */
	if (seq.value.len == 0)
		return -EBADMSG;
	init->mech_types = seq.whole;
	der_reader_from_blob(&list, &seq.value);
	while (!der_reader_empty(&list)) {
		ret = der_read_tag(&list, DER_TAG_OID, &mech);
		if (ret)
			return ret;
		ret = oid_check(&mech.value);
		if (ret)
			return ret;
		if (init->n_mechs == SPNEGO_MAX_MECHS)
			return -E2BIG;
		init->mechs[init->n_mechs++] = mech.value;
	}
	return 0;
}

static int parse_neg_hints(struct der_reader *field, struct spnego_init *init)
{
	struct der_reader fields, hint;
	struct der_tlv seq;
	int num, prev = -1, ret;

	ret = der_read_single(field, DER_TAG_SEQUENCE, &seq);
	if (ret)
		return ret;
	init->has_neg_hints = true;
	der_reader_from_blob(&fields, &seq.value);
	while ((num = der_read_field(&fields, &prev, &hint)) >= 0) {
		if (num == HINT_NAME)
			ret = field_value(&hint, DER_TAG_GENERAL_STRING,
					  &init->hint_name);
		else if (num == HINT_ADDRESS)
			ret = field_value(&hint, DER_TAG_OCTET_STRING,
					  &init->hint_address);
		else
			ret = 0;
		if (ret)
			return ret;
	}
	return num == -ENOENT ? 0 : num;
}

static int parse_init_field(int num, struct der_reader *field,
			    struct spnego_init *init)
{
	switch (num) {
	case INIT_MECH_TYPES:
		return parse_mech_types(field, init);
	case INIT_REQ_FLAGS: {
		int ret = field_value(field, DER_TAG_BIT_STRING,
				      &init->req_flags);

		return ret ? ret : der_check_bit_string(&init->req_flags);
	}
	case INIT_MECH_TOKEN:
		return field_value(field, DER_TAG_OCTET_STRING,
				   &init->mech_token);
	case INIT_MIC_OR_HINTS:
		/* The two forms differ here: tell them apart by the tag. */
		if (der_peek_tag(field) == DER_TAG_SEQUENCE)
			return parse_neg_hints(field, init);
		return field_value(field, DER_TAG_OCTET_STRING,
				   &init->mech_list_mic);
	case INIT2_MIC:
		/* After an RFC 4178 mechListMIC, [4] is an unknown extension. */
		if (der_blob_present(&init->mech_list_mic))
			return 0;
		return field_value(field, DER_TAG_OCTET_STRING,
				   &init->mech_list_mic);
	default:
		return 0;
	}
}

static int parse_resp_field(int num, struct der_reader *field,
			    struct spnego_resp *resp)
{
	struct der_tlv t;
	int32_t state;
	int ret;

	switch (num) {
	case RESP_NEG_STATE:
		ret = der_read_single(field, DER_TAG_ENUMERATED, &t);
		if (!ret)
			ret = der_int32_from_value(&t.value, &state);
		if (ret)
			return ret;
		if (state < SPNEGO_ACCEPT_COMPLETED || state > SPNEGO_REQUEST_MIC)
			return -EBADMSG;
		resp->has_neg_state = true;
		resp->neg_state = state;
		return 0;
	case RESP_SUPPORTED_MECH:
		return field_oid(field, &resp->supported_mech);
	case RESP_RESPONSE_TOKEN:
		return field_value(field, DER_TAG_OCTET_STRING,
				   &resp->response_token);
	case RESP_MIC:
		return field_value(field, DER_TAG_OCTET_STRING,
				   &resp->mech_list_mic);
	default:
		return 0;
	}
}

/* Walk the SEQUENCE in @choice, handing each field to the kind's parser. */
static int parse_choice(const struct der_blob *choice, struct spnego_token *tok)
{
	struct der_reader r, fields, field;
	struct der_tlv seq;
	int num, prev = -1, ret;

	der_reader_from_blob(&r, choice);
	ret = der_read_single(&r, DER_TAG_SEQUENCE, &seq);
	if (ret)
		return ret;
	der_reader_from_blob(&fields, &seq.value);
	while ((num = der_read_field(&fields, &prev, &field)) >= 0) {
		if (tok->kind == SPNEGO_NEG_TOKEN_INIT)
			ret = parse_init_field(num, &field, &tok->init);
		else
			ret = parse_resp_field(num, &field, &tok->resp);
		if (ret)
			return ret;
	}
	return num == -ENOENT ? 0 : num;
}

int spnego_parse(const uint8_t *buf, size_t len, struct spnego_token *out)
{
	struct spnego_token tok = { 0 };
	struct gtok_initial frame;
	struct der_reader r;
	struct der_tlv choice;
	int ret;

	der_reader_init(&r, buf, len);
	if (der_peek_tag(&r) == DER_APPLICATION(0)) {
		ret = gtok_initial_parse(buf, len, &frame);
		if (ret)
			return ret;
		if (!oid_equal(&frame.mech, &oid_spnego))
			return -EPROTO;
		tok.gss_framed = true;
		der_reader_from_blob(&r, &frame.inner);
	}
	ret = der_read(&r, &choice);
	if (ret)
		return ret;
	if (!der_reader_empty(&r))
		return -EBADMSG;
	if (choice.tag == SPNEGO_CHOICE_INIT)
		tok.kind = SPNEGO_NEG_TOKEN_INIT;
	else if (choice.tag == SPNEGO_CHOICE_RESP)
		tok.kind = SPNEGO_NEG_TOKEN_RESP;
	else
		return -EBADMSG;
	ret = parse_choice(&choice.value, &tok);
	if (ret)
		return ret;
	*out = tok;
	return 0;
}

/* ---- Building (fields in reverse order: see der_writer) --------------- */

struct mech_list {
	const struct der_blob *mechs;
	size_t n;
};

static void write_mech_list(struct der_writer *w, const void *arg)
{
	const struct mech_list *list = arg;
	size_t mark = der_mark(w);
	size_t i;

	for (i = list->n; i > 0; i--)
		der_put_tlv(w, DER_TAG_OID, &list->mechs[i - 1]);
	der_wrap(w, DER_TAG_SEQUENCE, mark);
}

static void write_neg_hints(struct der_writer *w, const struct spnego_init *in)
{
	size_t mark = der_mark(w);

	der_put_field(w, HINT_ADDRESS, DER_TAG_OCTET_STRING, &in->hint_address);
	der_put_field(w, HINT_NAME, DER_TAG_GENERAL_STRING, &in->hint_name);
	der_wrap(w, DER_TAG_SEQUENCE, mark);
	der_wrap(w, DER_CONTEXT(INIT_MIC_OR_HINTS), mark);
}

static void write_init(struct der_writer *w, const struct spnego_init *in)
{
	struct mech_list list = { in->mechs, in->n_mechs };
	size_t mark = der_mark(w);
	size_t field;

	if (in->has_neg_hints) {
		der_put_field(w, INIT2_MIC, DER_TAG_OCTET_STRING,
			  &in->mech_list_mic);
		write_neg_hints(w, in);
	} else {
		der_put_field(w, INIT_MIC_OR_HINTS, DER_TAG_OCTET_STRING,
			  &in->mech_list_mic);
	}
	der_put_field(w, INIT_MECH_TOKEN, DER_TAG_OCTET_STRING, &in->mech_token);
	der_put_field(w, INIT_REQ_FLAGS, DER_TAG_BIT_STRING, &in->req_flags);
	if (in->n_mechs) {
		field = der_mark(w);
		write_mech_list(w, &list);
		der_wrap(w, DER_CONTEXT(INIT_MECH_TYPES), field);
	}
	der_wrap(w, DER_TAG_SEQUENCE, mark);
	der_wrap(w, SPNEGO_CHOICE_INIT, mark);
}

static void write_resp(struct der_writer *w, const struct spnego_resp *in)
{
	size_t mark = der_mark(w);
	size_t field;

	der_put_field(w, RESP_MIC, DER_TAG_OCTET_STRING, &in->mech_list_mic);
	der_put_field(w, RESP_RESPONSE_TOKEN, DER_TAG_OCTET_STRING,
		  &in->response_token);
	der_put_field(w, RESP_SUPPORTED_MECH, DER_TAG_OID, &in->supported_mech);
	if (in->has_neg_state) {
		field = der_mark(w);
		der_put_uint32(w, DER_TAG_ENUMERATED, in->neg_state);
		der_wrap(w, DER_CONTEXT(RESP_NEG_STATE), field);
	}
	der_wrap(w, DER_TAG_SEQUENCE, mark);
	der_wrap(w, SPNEGO_CHOICE_RESP, mark);
}

static void write_token(struct der_writer *w, const void *arg)
{
	const struct spnego_token *in = arg;
	size_t mark = der_mark(w);

	if (in->kind == SPNEGO_NEG_TOKEN_INIT)
		write_init(w, &in->init);
	else
		write_resp(w, &in->resp);
	if (in->gss_framed) {
		der_put_tlv(w, DER_TAG_OID, &oid_spnego);
		der_wrap(w, DER_APPLICATION(0), mark);
	}
}

static int check_mechs(const struct der_blob *mechs, size_t n)
{
	size_t i;

	if (n > SPNEGO_MAX_MECHS)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (oid_check(&mechs[i]))
			return -EINVAL;
	return 0;
}

static int check_init(const struct spnego_init *in)
{
	if (der_blob_present(&in->req_flags) &&
	    der_check_bit_string(&in->req_flags))
		return -EINVAL;
	return check_mechs(in->mechs, in->n_mechs);
}

static int check_resp(const struct spnego_resp *in)
{
	if (in->has_neg_state && !spnego_neg_state_name(in->neg_state))
		return -EINVAL;
	if (der_blob_present(&in->supported_mech) &&
	    oid_check(&in->supported_mech))
		return -EINVAL;
	return 0;
}

static int check_token(const struct spnego_token *in)
{
	switch (in->kind) {
	case SPNEGO_NEG_TOKEN_INIT:
		return check_init(&in->init);
	case SPNEGO_NEG_TOKEN_RESP:
		return check_resp(&in->resp);
	}
	return -EINVAL;
}

int spnego_encode(const struct spnego_token *in, uint8_t *buf, size_t cap,
		  size_t *len_out)
{
	int ret = check_token(in);

	return ret ? ret : der_encode(write_token, in, buf, cap, len_out);
}

int spnego_build(TALLOC_CTX *mem, const struct spnego_token *in,
		 uint8_t **out, size_t *len_out)
{
	int ret = check_token(in);

	return ret ? ret : der_build(mem, write_token, in, out, len_out);
}

int spnego_mech_list_build(TALLOC_CTX *mem, const struct der_blob *mechs,
			   size_t n_mechs, uint8_t **out, size_t *len_out)
{
	struct mech_list list = { mechs, n_mechs };
	int ret = check_mechs(mechs, n_mechs);

	if (!ret && n_mechs == 0)
		ret = -EINVAL;
	return ret ? ret : der_build(mem, write_mech_list, &list, out, len_out);
}
