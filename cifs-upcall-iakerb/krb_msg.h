/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kerberos messages (RFC 4120), looked at only as far as token framing
 * needs: which message an IAKerb token carries, and the error code of a
 * KRB-ERROR.  Decryption and everything else stay with libkrb5.
 */
#ifndef CIFS_IAKERB_KRB_MSG_H
#define CIFS_IAKERB_KRB_MSG_H

#include "der.h"

/* The [APPLICATION n] tag number of each message (RFC 4120 5.10). */
enum krb_msg_type {
	KRB_MSG_NONE = 0,	/* no message (IAKerb realm discovery) */
	KRB_MSG_AS_REQ = 10,
	KRB_MSG_AS_REP = 11,
	KRB_MSG_TGS_REQ = 12,
	KRB_MSG_TGS_REP = 13,
	KRB_MSG_AP_REQ = 14,
	KRB_MSG_AP_REP = 15,
	KRB_MSG_ERROR = 30,
};

/* RFC 4120 7.5.9 error codes the helper and the test server look for. */
#define KRB_ERR_PREAUTH_FAILED 24
#define KRB_ERR_PREAUTH_REQUIRED 25
#define KRB_ERR_RESPONSE_TOO_BIG 52
#define KRB_ERR_WRONG_REALM 68

/*
 * @msg must be exactly one [APPLICATION n] SEQUENCE with n one of the
 * message types above.  Returns 0 and the type, or -EBADMSG.  An empty
 * @msg is not a message: callers that allow none check for it first.
 */
int krb_msg_identify(const struct der_blob *msg, enum krb_msg_type *type);

/* "AS-REQ", "KRB-ERROR", ...; "none" for KRB_MSG_NONE; NULL if unknown. */
const char *krb_msg_type_name(enum krb_msg_type type);

/*
 * The parts of a KRB-ERROR a client decides on.  Blobs point into the
 * message; absent optional fields have data == NULL.
 */
struct krb_error_info {
	int32_t error_code;
	struct der_blob realm;	/* Realm (GeneralString) of the server */
	struct der_blob e_text;	/* GeneralString contents */
	struct der_blob e_data;	/* OCTET STRING contents (METHOD-DATA...) */
};

/*
 * Parse a KRB-ERROR (pvno 5, msg-type 30, error-code required).  Other
 * fields are checked to be well-formed DER only.  -EBADMSG if malformed,
 * -EPROTO if @msg is a well-formed message of another type.
 */
int krb_error_parse(const struct der_blob *msg, struct krb_error_info *out);

#endif /* CIFS_IAKERB_KRB_MSG_H */
