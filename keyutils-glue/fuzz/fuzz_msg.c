// SPDX-License-Identifier: GPL-2.0
/*
 * Message parser (callout data and agent messages).  Oracle: a message
 * that parses, rewritten record by record, parses to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include "iakerb_compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const void *a, const void *b, size_t n)
{
	if (n && memcmp(a, b, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static __u8 out[IAKERB_MSG_MAX];
	struct iakerb_msg_writer w;
	struct iakerb_msg m, m2;
	__u32 leg, t;
	int n;

	if (iakerb_msg_parse(data, size, &m))
		return 0;
	for (leg = 0; leg <= IAKERB_MAX_LEGS + 1; leg++)
		iakerb_callout_check(&m, leg);

	iakerb_msg_begin(&w, out, sizeof(out), m.kind);
	for (t = 1; t <= IAKERB_T_MAX; t++) {
		if (!(m.have & (1u << t)))
			continue;
		switch (t) {
		case IAKERB_T_SECRET:
			iakerb_msg_put(&w, t, m.secret, IAKERB_SECRET_LEN);
			break;
		case IAKERB_T_SERVER_BLOB:
			iakerb_msg_put(&w, t, m.server_blob,
				       m.server_blob_len);
			break;
		case IAKERB_T_NEG_BLOB:
			iakerb_msg_put(&w, t, m.neg_blob, m.neg_blob_len);
			break;
		case IAKERB_T_CRED_KEY:
			iakerb_msg_put_u32(&w, t, m.cred_key);
			break;
		case IAKERB_T_SMB_STATUS:
			iakerb_msg_put_u32(&w, t, m.smb_status);
			break;
		case IAKERB_T_EXCH:
			iakerb_msg_put(&w, t, m.exch, IAKERB_EXCH_LEN);
			break;
		case IAKERB_T_LEG:
			iakerb_msg_put_u32(&w, t, m.leg);
			break;
		case IAKERB_T_NONCE:
			iakerb_msg_put(&w, t, m.nonce, IAKERB_NONCE_LEN);
			break;
		case IAKERB_T_PROOF:
			iakerb_msg_put(&w, t, m.proof, IAKERB_PROOF_LEN);
			break;
		case IAKERB_T_DESC:
			iakerb_msg_put(&w, t, m.desc, m.desc_len);
			break;
		case IAKERB_T_ERRNO:
			iakerb_msg_put_u32(&w, t, m.err);
			break;
		case IAKERB_T_PAYLOAD:
			iakerb_msg_put(&w, t, m.payload, m.payload_len);
			break;
		}
	}
	n = iakerb_msg_end(&w);
	/* ignorable records are dropped, so the rewrite is never longer */
	if (n < 0 || (size_t)n > size)
		abort();
	if (iakerb_msg_parse(out, n, &m2))
		abort();
	if (m2.kind != m.kind || m2.have != m.have ||
	    m2.server_blob_len != m.server_blob_len ||
	    m2.neg_blob_len != m.neg_blob_len || m2.cred_key != m.cred_key ||
	    m2.smb_status != m.smb_status || m2.leg != m.leg ||
	    m2.desc_len != m.desc_len || m2.err != m.err ||
	    m2.payload_len != m.payload_len)
		abort();
	if (m.secret)
		same(m.secret, m2.secret, IAKERB_SECRET_LEN);
	if (m.exch)
		same(m.exch, m2.exch, IAKERB_EXCH_LEN);
	if (m.nonce)
		same(m.nonce, m2.nonce, IAKERB_NONCE_LEN);
	if (m.proof)
		same(m.proof, m2.proof, IAKERB_PROOF_LEN);
	same(m.server_blob, m2.server_blob, m.server_blob_len);
	same(m.neg_blob, m2.neg_blob, m.neg_blob_len);
	same(m.desc, m2.desc, m.desc_len);
	same(m.payload, m2.payload, m.payload_len);
	return 0;
}
