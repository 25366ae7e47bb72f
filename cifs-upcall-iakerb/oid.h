/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Object identifiers as DER contents octets (no identifier or length
 * octets): the form in which they sit in tokens and compare byte-wise.
 */
#ifndef CIFS_IAKERB_OID_H
#define CIFS_IAKERB_OID_H

#include "der.h"

extern const struct der_blob oid_spnego;	/* 1.3.6.1.5.5.2 */
extern const struct der_blob oid_krb5;		/* 1.2.840.113554.1.2.2 */
extern const struct der_blob oid_ms_krb5;	/* 1.2.840.48018.1.2.2 */
extern const struct der_blob oid_iakerb;	/* 1.3.6.1.5.2.5 */
extern const struct der_blob oid_ntlmssp;	/* 1.3.6.1.4.1.311.2.2.10 */
extern const struct der_blob oid_negoex;	/* 1.3.6.1.4.1.311.2.2.30 */

bool oid_equal(const struct der_blob *a, const struct der_blob *b);

/* krb5, MS-krb5 or IAKerb: the mechanisms whose tokens carry a TOK_ID. */
bool oid_is_kerberos(const struct der_blob *oid);

/* Well-formed OID contents: non-empty, minimal sub-identifiers. */
int oid_check(const struct der_blob *oid);

/* Short name of a known OID ("IAKerb", "krb5", ...) or NULL. */
const char *oid_name(const struct der_blob *oid);

/*
 * Dotted form ("1.3.6.1.5.2.5") for debug output, NUL-terminated in @buf.
 * Returns the string length, -ENOSPC if @cap is too small or -EBADMSG
 * (also for a sub-identifier beyond 64 bits).  An octet adds at most four
 * characters (".127"), so OID_STR_MAX holds any OID of up to 32 octets.
 */
#define OID_STR_MAX 132
int oid_to_str(const struct der_blob *oid, char *buf, size_t cap);

#endif /* CIFS_IAKERB_OID_H */
