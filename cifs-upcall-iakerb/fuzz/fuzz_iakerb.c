// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: Kerberos-family GSS tokens, IAKerb proxy tokens first.
 *
 * Whatever parses as an IAKerb proxy token must rebuild (through both the
 * talloc and the caller-buffer builder) and re-parse to the same fields.
 */
#include <stdlib.h>
#include <string.h>

#include "gss_token.h"

static void require(bool cond)
{
	if (!cond)
		abort();
}

static bool blob_same(const struct der_blob *a, const struct der_blob *b)
{
	return der_blob_present(a) == der_blob_present(b) &&
	       der_blob_equal(a, b);
}

static bool proxy_same(const struct iakerb_proxy *a,
		       const struct iakerb_proxy *b)
{
	return blob_same(&a->header.target_realm, &b->header.target_realm) &&
	       blob_same(&a->header.cookie, &b->header.cookie) &&
	       blob_same(&a->header.header_flags, &b->header.header_flags) &&
	       blob_same(&a->kdc_msg, &b->kdc_msg) &&
	       a->kdc_msg_type == b->kdc_msg_type;
}

static void check_rebuild(const struct iakerb_proxy *p)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_proxy again;
	uint8_t *built, *buf;
	size_t len, enc_len;

	require(mem != NULL);
	require(iakerb_proxy_build(mem, p, &built, &len) == 0);
	require(iakerb_proxy_parse(built, len, &again) == 0);
	require(proxy_same(p, &again));

	require(iakerb_proxy_encode(p, NULL, 0, &enc_len) == 0);
	require(enc_len == len);
	buf = talloc_size(mem, len);
	require(buf != NULL);
	require(iakerb_proxy_encode(p, buf, len, &enc_len) == 0);
	require(memcmp(buf, built, len) == 0);
	talloc_free(mem);
}

static void check_header(const struct iakerb_header *h)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint32_t flags;

	require(mem != NULL);
	require((iakerb_header_flags_value(h, &flags) == 0) ==
		der_blob_present(&h->header_flags));
	(void)iakerb_header_dialect(h);
	(void)der_blob_strdup(mem, &h->target_realm);
	talloc_free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct krb_error_info err;
	struct iakerb_proxy proxy;
	struct gtok_krb5 k;
	enum krb_msg_type type;

	if (gtok_krb5_parse(data, size, &k) == 0 &&
	    krb_msg_identify(&k.body, &type) == 0 && type == KRB_MSG_ERROR)
		(void)krb_error_parse(&k.body, &err);

	if (iakerb_proxy_parse(data, size, &proxy))
		return 0;
	check_header(&proxy.header);
	if (proxy.kdc_msg_type == KRB_MSG_ERROR)
		(void)krb_error_parse(&proxy.kdc_msg, &err);
	check_rebuild(&proxy);
	return 0;
}
