// SPDX-License-Identifier: GPL-2.0
/*
 * Shared parts of the known-answer test (kat_util.h): result lines,
 * vector reading, and the DER field pickers for Kerberos messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iakerb_token.h"
#include "spnego.h"
#include "kat_util.h"

static int npass, nfail;

void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s kat/%s%s", ok ? "PASS" : "FAIL", name, fmt[0] ? ": " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		npass++;
	else
		nfail++;
}

int kat_failures(void)
{
	return nfail;
}

int kat_passes(void)
{
	return npass;
}

uint8_t *read_vector(const char *dir, enum vector_id id, size_t *len)
{
	char err[VEC_ERR_LEN];
	uint8_t *buf = vector_read(dir, id, len, err);

	if (!buf)
		result(false, "vectors", "%s", err);
	return buf;
}

int kdc_msg_of(const uint8_t *buf, size_t len, struct der_blob *msg)
{
	struct spnego_token t;
	struct iakerb_proxy ip;

	if (spnego_parse(buf, len, &t) || t.kind != SPNEGO_NEG_TOKEN_RESP ||
	    !der_blob_present(&t.resp.response_token))
		return -EBADMSG;
	if (iakerb_proxy_parse(t.resp.response_token.data,
			       t.resp.response_token.len, &ip))
		return -EBADMSG;
	*msg = ip.kdc_msg;
	return 0;
}

int field(const struct der_blob *seq, int n, struct der_reader *out)
{
	struct der_reader r, f;
	int prev = -1, got;

	der_reader_from_blob(&r, seq);
	while ((got = der_read_field(&r, &prev, &f)) >= 0) {
		if (got == n) {
			*out = f;
			return 0;
		}
	}
	return got == -ENOENT ? -ENOENT : -EBADMSG;
}

int field_tlv(const struct der_blob *seq, int n, uint8_t tag,
	      struct der_blob *val)
{
	struct der_reader f;
	struct der_tlv tlv;
	int rc = field(seq, n, &f);

	if (rc)
		return rc;
	if (der_read_single(&f, tag, &tlv))
		return -EBADMSG;
	*val = tlv.value;
	return 0;
}

int field_int(const struct der_blob *seq, int n, int32_t *v)
{
	struct der_blob b;
	int rc = field_tlv(seq, n, DER_TAG_INTEGER, &b);

	return rc ? rc : der_int32_from_value(&b, v);
}

int app_seq(const struct der_blob *msg, uint8_t app, struct der_blob *seq)
{
	struct der_reader r, in;
	struct der_tlv outer, s;

	der_reader_from_blob(&r, msg);
	if (der_read_single(&r, DER_APPLICATION(app), &outer))
		return -EBADMSG;
	der_reader_from_blob(&in, &outer.value);
	if (der_read_single(&in, DER_TAG_SEQUENCE, &s))
		return -EBADMSG;
	*seq = s.value;
	return 0;
}

int principal_str(const struct der_blob *pn, char *out, size_t cap)
{
	struct der_reader f, names;
	struct der_tlv seq, s;
	size_t o = 0;

	if (field(pn, 1, &f) || der_read_single(&f, DER_TAG_SEQUENCE, &seq))
		return -EBADMSG;
	der_reader_from_blob(&names, &seq.value);
	out[0] = '\0';
	while (!der_reader_empty(&names)) {
		if (der_read_tag(&names, DER_TAG_GENERAL_STRING, &s))
			return -EBADMSG;
		o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "%s%.*s",
				      o ? "/" : "", (int)s.value.len,
				      (const char *)s.value.data);
		if (o >= cap)
			return -ENOSPC;
	}
	return 0;
}

/* The contents of the SEQUENCE at [n] of @seq */
static int field_seq(const struct der_blob *seq, int n, struct der_blob *out)
{
	struct der_reader f;
	struct der_tlv tlv;
	int rc = field(seq, n, &f);

	if (rc)
		return rc;
	if (der_read_single(&f, DER_TAG_SEQUENCE, &tlv))
		return -EBADMSG;
	*out = tlv.value;
	return 0;
}

int enc_data(const struct der_blob *seq, int n, int32_t *etype,
	     struct der_blob *cipher)
{
	struct der_blob ed;

	if (field_seq(seq, n, &ed) || field_int(&ed, 0, etype) ||
	    field_tlv(&ed, 2, DER_TAG_OCTET_STRING, cipher))
		return -EBADMSG;
	return 0;
}

int enc_key(const struct der_blob *seq, int n, krb5_keyblock *key)
{
	struct der_blob ek, val;
	int32_t type;
	int rc = field_seq(seq, n, &ek);

	if (rc)
		return rc;
	if (field_int(&ek, 0, &type) ||
	    field_tlv(&ek, 1, DER_TAG_OCTET_STRING, &val))
		return -EBADMSG;
	memset(key, 0, sizeof(*key));
	key->magic = KV5M_KEYBLOCK;
	key->enctype = type;
	key->length = (unsigned int)val.len;
	key->contents = (krb5_octet *)val.data;
	return 0;
}

krb5_error_code kat_decrypt(krb5_context kc, const krb5_keyblock *key,
			    int32_t etype, krb5_keyusage usage,
			    const struct der_blob *cipher, krb5_data *plain)
{
	krb5_enc_data enc = { 0 };
	krb5_error_code code;

	enc.magic = KV5M_ENC_DATA;
	enc.enctype = etype;
	enc.ciphertext.data = (char *)cipher->data;
	enc.ciphertext.length = (unsigned int)cipher->len;
	plain->length = (unsigned int)cipher->len;
	plain->data = malloc(cipher->len ? cipher->len : 1);
	if (!plain->data)
		return ENOMEM;
	code = krb5_c_decrypt(kc, key, usage, NULL, &enc, plain);
	if (code) {
		free(plain->data);
		plain->data = NULL;
		plain->length = 0;
	}
	return code;
}
