/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SPNEGO tokens (RFC 4178, with the [MS-SPNG] NegTokenInit2 hints).
 *
 * MIT's SPNEGO will not negotiate IAKerb, so the helper and the test
 * server frame SPNEGO themselves with this and drive the IAKerb and krb5
 * mechanisms directly.
 */
#ifndef CIFS_IAKERB_SPNEGO_H
#define CIFS_IAKERB_SPNEGO_H

#include "der.h"

/* More than any real peer offers; a longer list is refused (-E2BIG). */
#define SPNEGO_MAX_MECHS 16

/* The hint name every RFC 4178 acceptor sends, per [MS-SPNG] 3.2.5.2. */
#define SPNEGO_HINT_NAME_IGNORE "not_defined_in_RFC4178@please_ignore"

enum spnego_neg_state {
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
};

/*
 * NegTokenInit ([0] mechTypes, [1] reqFlags, [2] mechToken,
 * [3] mechListMIC) or, when has_neg_hints, NegTokenInit2 as servers send
 * it in the SMB2 NEGOTIATE response ([3] negHints, [4] mechListMIC).
 * Absent blobs have data == NULL.
 */
struct spnego_init {
	/*
	 * Parsed: the MechTypeList exactly as sent, SEQUENCE tag and length
	 * included: what mechListMIC is computed over (RFC 4178 5).  Builders
	 * ignore it and encode mechs[]; use spnego_mech_list_build() for the
	 * bytes of a list you send.
	 */
	struct der_blob mech_types;
	size_t n_mechs;
	struct der_blob mechs[SPNEGO_MAX_MECHS];	/* OID contents, in order */
	struct der_blob req_flags;	/* ContextFlags BIT STRING contents */
	struct der_blob mech_token;	/* OCTET STRING contents */
	bool has_neg_hints;
	struct der_blob hint_name;	/* GeneralString contents */
	struct der_blob hint_address;	/* OCTET STRING contents */
	struct der_blob mech_list_mic;	/* OCTET STRING contents */
};

/* NegTokenResp: [0] negState, [1] supportedMech, [2] responseToken, [3] mechListMIC. */
struct spnego_resp {
	bool has_neg_state;
	enum spnego_neg_state neg_state;
	struct der_blob supported_mech;	/* OID contents */
	struct der_blob response_token;	/* OCTET STRING contents */
	struct der_blob mech_list_mic;	/* OCTET STRING contents */
};

enum spnego_kind {
	SPNEGO_NEG_TOKEN_INIT,
	SPNEGO_NEG_TOKEN_RESP,
};

/*
 * One NegotiationToken.  The first token of a context (a NegTokenInit, and
 * the server's NEGOTIATE hints) travels inside an InitialContextToken with
 * the SPNEGO OID (gss_framed); later tokens are bare [0]/[1] choices.
 * Only the member named by kind is meaningful.
 */
struct spnego_token {
	enum spnego_kind kind;
	bool gss_framed;
	struct spnego_init init;
	struct spnego_resp resp;
};

/*
 * Parse a whole SPNEGO blob (an SMB2 security buffer): framed or bare,
 * either choice.  Unknown higher-numbered fields are skipped.  -EBADMSG
 * for anything malformed (including trailing bytes), -EPROTO for a frame
 * with another mechanism's OID, -E2BIG for too many mechs.
 */
int spnego_parse(const uint8_t *buf, size_t len, struct spnego_token *out);

/* -EINVAL for a bad OID, n_mechs too large or an unknown neg_state. */
int spnego_encode(const struct spnego_token *in, uint8_t *buf, size_t cap,
		  size_t *len_out);
int spnego_build(TALLOC_CTX *mem, const struct spnego_token *in,
		 uint8_t **out, size_t *len_out);

/* DER MechTypeList (SEQUENCE OF OID) for the mechListMIC of a sent list. */
int spnego_mech_list_build(TALLOC_CTX *mem, const struct der_blob *mechs,
			   size_t n_mechs, uint8_t **out, size_t *len_out);

const char *spnego_neg_state_name(enum spnego_neg_state state);

#endif /* CIFS_IAKERB_SPNEGO_H */
