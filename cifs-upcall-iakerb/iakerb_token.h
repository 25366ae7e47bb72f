/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IAKerb proxy tokens (draft-ietf-kitten-iakerb 3.1): an InitialContext-
 * Token with the IAKerb OID, TOK_ID 05 01, an IAKERB-HEADER and then the
 * KDC message (AS-REQ/TGS-REQ one way, AS-REP/TGS-REP/KRB-ERROR the
 * other, nothing at all for realm discovery):
 *
 *   IAKERB-HEADER ::= SEQUENCE {
 *       target-realm [1] UTF8String,
 *       cookie       [2] OCTET STRING OPTIONAL,
 *       header-flags [3] BIT STRING OPTIONAL,   -- Windows only
 *       ...
 *   }
 *
 * Field numbering starts at 1 (MIT asn1_k_encode.c agrees).  The two
 * dialects (see FACTS.md) differ in the header: MIT sends target-realm
 * only; Windows adds header-flags (zero from clients, 01 00 00 00 from
 * its server) and its server answers with realm ".".
 */
#ifndef CIFS_IAKERB_IAKERB_TOKEN_H
#define CIFS_IAKERB_IAKERB_TOKEN_H

#include "der.h"
#include "krb_msg.h"

/* BIT STRING contents of 32 header-flag bits: unused-bits octet + 4. */
#define IAKERB_HEADER_FLAGS_LEN 5

/* Blobs point into the parsed token; absent ones have data == NULL. */
struct iakerb_header {
	struct der_blob target_realm;	/* UTF8String contents; "" = discovery */
	struct der_blob cookie;		/* OCTET STRING contents */
	struct der_blob header_flags;	/* BIT STRING contents as sent */
};

struct iakerb_proxy {
	struct iakerb_header header;
	struct der_blob kdc_msg;	/* rest of the token, may be empty */
	enum krb_msg_type kdc_msg_type;	/* KRB_MSG_NONE when empty */
};

/*
 * Parse a whole IAKerb proxy token (GSS frame included).  -EPROTO if it is
 * a well-formed token of another mechanism or TOK_ID, -EBADMSG if
 * malformed, or if the KDC message is not exactly one AS-REQ, AS-REP,
 * TGS-REQ, TGS-REP or KRB-ERROR.
 */
int iakerb_proxy_parse(const uint8_t *buf, size_t len,
		       struct iakerb_proxy *out);

/* The same from the bytes after TOK_ID (struct gtok_krb5 .body). */
int iakerb_proxy_parse_body(const struct der_blob *body,
			    struct iakerb_proxy *out);

/*
 * Build a proxy token from .header and .kdc_msg (.kdc_msg_type is
 * ignored).  -EINVAL for a non-empty kdc_msg that is not a KDC message or
 * malformed header_flags.
 */
int iakerb_proxy_encode(const struct iakerb_proxy *in, uint8_t *buf,
			size_t cap, size_t *len_out);
int iakerb_proxy_build(TALLOC_CTX *mem, const struct iakerb_proxy *in,
		       uint8_t **out, size_t *len_out);

/* True for a target-realm of "." (a Windows server's answer). */
bool iakerb_realm_is_dot(const struct iakerb_header *h);

/*
 * The first 32 bits of header-flags, first bit sent in the top bit (so
 * Windows' 01 00 00 00 reads 0x01000000); missing bits read as zero.
 * -ENOENT if the header has no header-flags.
 */
int iakerb_header_flags_value(const struct iakerb_header *h, uint32_t *flags);

/* Fill @storage with the BIT STRING contents for @flags; returns the blob. */
struct der_blob iakerb_header_flags_encode(uint8_t storage[IAKERB_HEADER_FLAGS_LEN],
					   uint32_t flags);

enum iakerb_dialect {
	IAKERB_DIALECT_MIT,	/* target-realm (and cookie) only */
	IAKERB_DIALECT_WINDOWS,	/* header-flags present or realm "." */
};

enum iakerb_dialect iakerb_header_dialect(const struct iakerb_header *h);

#endif /* CIFS_IAKERB_IAKERB_TOKEN_H */
