/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GSS token codec shared by the IAKerb request-key helper and the SMB test
 * server: include this one header.
 *
 *   der.h           DER reader/writer, struct der_blob
 *   oid.h           known OIDs, dotted printing
 *   gss_token.h     RFC 2743 InitialContextToken, Kerberos TOK_ID tokens
 *   spnego.h        RFC 4178 NegTokenInit(2)/NegTokenResp
 *   krb_msg.h       Kerberos message type, KRB-ERROR code
 *   iakerb_token.h  IAKerb proxy tokens (IAKERB-HEADER + KDC message)
 *
 * Ownership: parsers never allocate; every blob they fill in points into
 * the caller's input, which must outlive the result.  Builders come in
 * two forms: *_encode() writes into a caller buffer (NULL buffer = size
 * query) and *_build() returns a talloc child of the given context.
 * All functions return 0 or a negative errno (see der.h); -EPROTO means
 * "well-formed, but not the mechanism/token kind asked for".
 */
#ifndef CIFS_IAKERB_GSS_TOKEN_H
#define CIFS_IAKERB_GSS_TOKEN_H

#include "der.h"
#include "oid.h"
#include "krb_msg.h"
#include "spnego.h"
#include "iakerb_token.h"

/*
 * RFC 2743 3.1: [APPLICATION 0] IMPLICIT SEQUENCE { thisMech MechType,
 * innerContextToken ANY }.  The first token of a context comes in this
 * frame, whatever the mechanism.
 */
struct gtok_initial {
	struct der_blob mech;	/* thisMech OID contents */
	struct der_blob inner;	/* everything after the OID, possibly empty */
};

int gtok_initial_parse(const uint8_t *buf, size_t len,
		       struct gtok_initial *out);
int gtok_initial_encode(const struct gtok_initial *in, uint8_t *buf,
			size_t cap, size_t *len_out);
int gtok_initial_build(TALLOC_CTX *mem, const struct gtok_initial *in,
		       uint8_t **out, size_t *len_out);

/* Two-octet token identifiers after the mech OID (RFC 4121 4.1, IAKerb). */
enum gtok_tok_id {
	GTOK_KRB5_AP_REQ = 0x0100,
	GTOK_KRB5_AP_REP = 0x0200,
	GTOK_KRB5_ERROR = 0x0300,
	GTOK_IAKERB_PROXY = 0x0501,
};

/*
 * A framed token of the krb5, MS-krb5 or IAKerb mechanism: InitialContext-
 * Token whose inner token is TOK_ID followed by the body (a Kerberos
 * message; for GTOK_IAKERB_PROXY the IAKERB-HEADER and a KDC message).
 * MIT's IAKerb initiator sends its final AP-REQ as IAKerb OID + 01 00,
 * Windows as krb5 OID + 01 00: compare .mech to tell them apart.
 */
struct gtok_krb5 {
	struct der_blob mech;
	uint16_t tok_id;
	struct der_blob body;
};

/* -EPROTO if the token is not of one of the three Kerberos mechanisms. */
int gtok_krb5_parse(const uint8_t *buf, size_t len, struct gtok_krb5 *out);
/* -EINVAL if .mech is not a Kerberos mechanism OID. */
int gtok_krb5_encode(const struct gtok_krb5 *in, uint8_t *buf, size_t cap,
		     size_t *len_out);
int gtok_krb5_build(TALLOC_CTX *mem, const struct gtok_krb5 *in,
		    uint8_t **out, size_t *len_out);

/*
 * For builders of mechanism tokens: prepend TOK_ID, the mech OID and the
 * InitialContextToken header around what @w holds since @mark.
 */
void gtok_put_krb5_frame(struct der_writer *w, const struct der_blob *mech,
			 uint16_t tok_id, size_t mark);

#endif /* CIFS_IAKERB_GSS_TOKEN_H */
