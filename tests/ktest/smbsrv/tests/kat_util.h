/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The known-answer test of the Windows IAKerb vectors (kat_asrep.c,
 * kat_mic.c): its PASS/FAIL lines and the few DER and Kerberos readers
 * both halves need.  Fields are picked with the helper's own DER reader
 * (der.c); keys and ciphertexts go only through MIT's public krb5_c_*
 * API.
 */
#ifndef SMBSRV_KAT_UTIL_H
#define SMBSRV_KAT_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <krb5/krb5.h>

#include "der.h"
#include "vectors.h"

#define KAT_REALM "WIN25H2INS"

/* One "PASS kat/<name>: ..." or "FAIL ..." line, counted */
void result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kat_failures(void);
int kat_passes(void);

/* Vector @id of @dir (malloc'ed); a FAIL line naming the file if unusable */
uint8_t *read_vector(const char *dir, enum vector_id id, size_t *len);

/* The KDC message inside the IAKerb token of a server negTokenResp */
int kdc_msg_of(const uint8_t *buf, size_t len, struct der_blob *msg);

/* Field [n] of a SEQUENCE whose contents are @seq; -ENOENT if absent */
int field(const struct der_blob *seq, int n, struct der_reader *out);
/* [n] of @seq holding one element of tag @tag: its contents */
int field_tlv(const struct der_blob *seq, int n, uint8_t tag,
	      struct der_blob *val);
int field_int(const struct der_blob *seq, int n, int32_t *v);
/* The contents of an [APPLICATION app] SEQUENCE { ... } message */
int app_seq(const struct der_blob *msg, uint8_t app, struct der_blob *seq);
/* GeneralString components of a PrincipalName, joined with '/' */
int principal_str(const struct der_blob *pn, char *out, size_t cap);

/* EncryptedData at [n] of @seq: its etype and cipher */
int enc_data(const struct der_blob *seq, int n, int32_t *etype,
	     struct der_blob *cipher);
/* EncryptionKey at [n] of @seq: a keyblock pointing into @seq */
int enc_key(const struct der_blob *seq, int n, krb5_keyblock *key);
/*
 * krb5_c_decrypt of @cipher (etype @etype) with @key and @usage; on
 * success plain->data is malloc'ed (free it), else a krb5 error code
 */
krb5_error_code kat_decrypt(krb5_context kc, const krb5_keyblock *key,
			    int32_t etype, krb5_keyusage usage,
			    const struct der_blob *cipher, krb5_data *plain);

/*
 * kat_mic.c: from the TGT session key of vector 02 through vectors 03
 * and 04 to the server's mechListMIC
 */
void kat_mic(krb5_context kc, const char *dir, const krb5_keyblock *tgt_key);

#endif
