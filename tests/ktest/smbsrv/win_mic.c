// SPDX-License-Identifier: GPL-2.0
/*
 * --mode windows: the server's mechListMIC the way a Windows server sends
 * it (issue 15).  In the real Windows exchange (tests/vectors, vector 04,
 * checked by tests/kat_mic.c) the MIC token's SND_SEQ is 0 while the
 * AP-REP carried a non-zero seq-number; MIT's acceptor, in gss_get_mic(),
 * puts the AP-REP's number there.  So the token is rebuilt here with
 * SND_SEQ 0: RFC 4121 4.2.6.1 header (TOK_ID 04 04, the flags MIT chose,
 * filler ff x5, SND_SEQ), then the checksum with key usage 23
 * (KG_USAGE_ACCEPTOR_SIGN) over message | header.
 *
 * The key is the one MIT's context signs with: GSS_C_INQ_SSPI_SESSION_KEY
 * gives the acceptor subkey if there is one, else the initiator's subkey,
 * and its enctype as the last arc of an OID.  Before using it, the same
 * construction with MIT's own SND_SEQ must give MIT's token byte for byte:
 * if it does not, there is no MIC rather than a guessed one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>

#include "win_mic.h"

#define MIC_HDR_LEN 16
#define MIC_FLAG_SENT_BY_ACCEPTOR 0x01
#define KG_USAGE_ACCEPTOR_SIGN 23

/* GSS_KRB5_SESSION_KEY_ENCTYPE_OID (MIT, Samba): 1.2.840.113554.1.2.2.4 */
static const uint8_t enctype_oid_prefix[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x04
};

/* The enctype in the last arc of @oid; -1 if it is not that OID */
static int32_t enctype_of(const gss_buffer_desc *oid)
{
	const uint8_t *p = oid->value;
	size_t i, n = sizeof(enctype_oid_prefix);
	uint32_t v = 0;

	if (oid->length <= n || oid->length > n + 5 ||
	    memcmp(p, enctype_oid_prefix, n))
		return -1;
	for (i = n; i < oid->length; i++) {
		v = (v << 7) | (p[i] & 0x7f);
		if (!(p[i] & 0x80) != (i == oid->length - 1))
			return -1;
	}
	return v <= INT32_MAX ? (int32_t)v : -1;
}

/* header(flags, seq) | checksum, into out[MIC_HDR_LEN + cksum] */
static krb5_error_code build(krb5_context kc, const krb5_keyblock *key,
			     uint8_t flags, uint64_t seq, const uint8_t *msg,
			     size_t msg_len, uint8_t **out, size_t *out_len)
{
	krb5_checksum ck = { 0 };
	krb5_data data;
	krb5_error_code code;
	uint8_t *buf, *tok;
	int i;

	buf = malloc(msg_len + MIC_HDR_LEN);
	if (!buf)
		return ENOMEM;
	memcpy(buf, msg, msg_len);
	tok = buf + msg_len;
	tok[0] = 0x04;
	tok[1] = 0x04;
	tok[2] = flags;
	memset(tok + 3, 0xff, 5);
	for (i = 0; i < 8; i++)
		tok[8 + i] = (uint8_t)(seq >> (56 - 8 * i));
	data.magic = KV5M_DATA;
	data.data = (char *)buf;
	data.length = (unsigned int)(msg_len + MIC_HDR_LEN);
	/* cksumtype 0: the key's mandatory one, as MIT's context keeps */
	code = krb5_c_make_checksum(kc, 0, key, KG_USAGE_ACCEPTOR_SIGN, &data,
				    &ck);
	if (!code) {
		*out_len = MIC_HDR_LEN + ck.length;
		*out = malloc(*out_len);
		if (*out) {
			memcpy(*out, tok, MIC_HDR_LEN);
			memcpy(*out + MIC_HDR_LEN, ck.contents, ck.length);
		} else {
			code = ENOMEM;
		}
		krb5_free_checksum_contents(kc, &ck);
	}
	free(buf);
	return code;
}

int win_mic_seq0(gss_ctx_id_t ctx, const uint8_t *msg, size_t msg_len,
		 const uint8_t *mit, size_t mit_len, uint8_t **out,
		 size_t *out_len, char *err, size_t errlen)
{
	gss_buffer_set_t keys = GSS_C_NO_BUFFER_SET;
	krb5_context kc = NULL;
	krb5_keyblock key = { 0 };
	OM_uint32 major, minor;
	uint8_t *same = NULL;
	size_t same_len = 0;
	uint64_t mit_seq = 0;
	int i, ret = -1;

	*out = NULL;
	*out_len = 0;
	if (mit_len <= MIC_HDR_LEN || mit[0] != 0x04 || mit[1] != 0x04 ||
	    !(mit[2] & MIC_FLAG_SENT_BY_ACCEPTOR)) {
		snprintf(err, errlen, "MIT's MIC is not an acceptor's v3 MIC");
		return -1;
	}
	for (i = 0; i < 8; i++)
		mit_seq = (mit_seq << 8) | mit[8 + i];

	major = gss_inquire_sec_context_by_oid(&minor, ctx,
					       GSS_C_INQ_SSPI_SESSION_KEY,
					       &keys);
	if (GSS_ERROR(major) || !keys || keys->count < 2) {
		snprintf(err, errlen, "no key from the context");
		goto out;
	}
	key.magic = KV5M_KEYBLOCK;
	key.enctype = enctype_of(&keys->elements[1]);
	key.length = (unsigned int)keys->elements[0].length;
	key.contents = keys->elements[0].value;
	if (key.enctype < 0 || krb5_init_context(&kc)) {
		snprintf(err, errlen, "no enctype or krb5 context");
		goto out;
	}
	/* our construction, given MIT's SND_SEQ, must be MIT's token */
	if (build(kc, &key, mit[2], mit_seq, msg, msg_len, &same, &same_len) ||
	    same_len != mit_len || memcmp(same, mit, mit_len)) {
		snprintf(err, errlen, "the rebuilt MIC differs from MIT's");
		goto out;
	}
	if (build(kc, &key, mit[2], 0, msg, msg_len, out, out_len)) {
		snprintf(err, errlen, "cannot make the SND_SEQ 0 MIC");
		goto out;
	}
	ret = 0;
out:
	free(same);
	if (kc)
		krb5_free_context(kc);
	gss_release_buffer_set(&minor, &keys);
	return ret;
}
