// SPDX-License-Identifier: GPL-2.0
/*
 * NEGOTIATE: dialect selection, 3.1.1 negotiate contexts, the preauth
 * integrity hash and the SPNEGO hints in the security buffer.
 */
#include <errno.h>
#include <string.h>

#include "smbsrv.h"

static uint16_t pick_dialect(struct conn *c, const struct smb2_req *r)
{
	static const uint16_t prefs[] = {
		SMB2_DIALECT_311, SMB2_DIALECT_302, SMB2_DIALECT_300,
		SMB2_DIALECT_21
	};
	size_t k;
	int i;

	for (k = 0; k < sizeof(prefs) / sizeof(prefs[0]); k++) {
		if ((prefs[k] == SMB2_DIALECT_300 ||
		     prefs[k] == SMB2_DIALECT_302) && !c->srv->cfg->allow_30)
			continue;
		if (prefs[k] == SMB2_DIALECT_21 && !c->srv->cfg->allow_21)
			continue;
		for (i = 0; i < r->neg.dialect_count; i++)
			if (r->neg.dialects[i] == prefs[k])
				return prefs[k];
	}
	return 0;
}

static void add_context(struct buf *b, uint16_t type, const void *data,
			uint16_t len)
{
	buf_align(b, 8);
	buf_put16(b, type);
	buf_put16(b, len);
	buf_put32(b, 0);
	buf_append(b, data, len);
}

/*
 * The SMB2 NEGOTIATE response up to the security buffer (the SPNEGO
 * hints): header and fixed body.  Returns where NegotiateContextOffset
 * goes (3.1.1 fills it in), 0 if out of memory.
 */
static size_t neg_response(struct smb2_ctx *x, uint16_t dialect,
			   uint32_t caps)
{
	struct server *srv = x->conn->srv;
	uint16_t secmode;
	uint8_t *body;
	size_t hints_len;

	secmode = SMB2_NEGOTIATE_SIGNING_ENABLED;
	if (srv->cfg->sign_required)
		secmode |= SMB2_NEGOTIATE_SIGNING_REQUIRED;

	smb2_rsp_header(x, 65);
	body = buf_push(x->rsp, 62);
	if (!body)
		return 0;
	/* offsets below are from the start of the body's StructureSize */
	put16(body + 0, secmode);
	put16(body + 2, dialect);
	memcpy(body + 6, srv->guid, 16);
	put32(body + 22, caps);
	put32(body + 26, SMB2_MAX_IO);
	put32(body + 30, SMB2_MAX_IO);
	put32(body + 34, SMB2_MAX_IO);
	put64(body + 38, now_filetime());
	put64(body + 46, 0);
	/* a server may send no security buffer (MS-SMB2 2.2.4): the
	 * client then picks a mechanism itself (fault no-neg-blob) */
	hints_len = srv->cfg->faults.no_neg_blob ? 0 : srv->neg_hints_len;
	put16(body + 54, hints_len ? SMB2_HDR_LEN + 64 : 0);
	put16(body + 56, (uint16_t)hints_len);
	buf_append(x->rsp, srv->neg_hints, hints_len);
	return x->rsp->oom ? 0 : SMB2_HDR_LEN + 60;
}

void smb2_negotiate(struct smb2_ctx *x)
{
	struct conn *c = x->conn;
	struct server *srv = c->srv;
	struct smb2_req *r = x->req;
	bool preauth_ok = false, signing_ctx = false, cmac_ok = true;
	uint16_t dialect;
	size_t ctx_off_pos;
	int nctx = 0;

	if (c->negotiated) {
		/* a second NEGOTIATE on a connection: disconnect */
		smb2_error(x, STATUS_INVALID_PARAMETER);
		x->close_after = true;
		return;
	}
	dialect = pick_dialect(c, r);
	if (!dialect) {
		smb2_error(x, STATUS_NOT_SUPPORTED);
		x->close_after = true;
		return;
	}
	if (dialect == SMB2_DIALECT_311) {
		long st = smb2_neg_contexts(r->neg.contexts.p,
					    r->neg.contexts.len,
					    r->neg.context_count, &preauth_ok,
					    &signing_ctx, &cmac_ok);

		if (st || !preauth_ok || !cmac_ok) {
			smb2_error(x, st ? (uint32_t)st :
					   STATUS_INVALID_PARAMETER);
			x->close_after = true;
			return;
		}
	}
	c->dialect = dialect;
	memcpy(c->client_guid, r->neg.client_guid, 16);
	c->client_caps = r->neg.capabilities;
	c->client_secmode = r->neg.security_mode;

	ctx_off_pos = neg_response(x, dialect, server_caps(srv->cfg));
	if (!ctx_off_pos)
		return;

	if (dialect == SMB2_DIALECT_311) {
		uint8_t pa[4 + 2 + 32];
		uint16_t sg[2] = { 0 };
		size_t i;

		buf_align(x->rsp, 8);
		put32(x->rsp->data + ctx_off_pos, (uint32_t)x->rsp->len);
		put16(pa, 1);
		put16(pa + 2, 32);
		put16(pa + 4, SMB2_PREAUTH_SHA512);
		for (i = 0; i < 32; i++)	/* salt: need not be secret */
			pa[6 + i] = (uint8_t)(srv->start_time >> (i % 8) ^ i);
		add_context(x->rsp, SMB2_PREAUTH_INTEGRITY_CAPABILITIES, pa,
			    sizeof(pa));
		nctx++;
		if (signing_ctx) {
			uint8_t *p = (uint8_t *)sg;

			put16(p, 1);
			put16(p + 2, SMB2_SIGNING_AES_CMAC);
			add_context(x->rsp, SMB2_SIGNING_CAPABILITIES, p, 4);
			nctx++;
		}
		put16(x->rsp->data + SMB2_HDR_LEN + 6, (uint16_t)nctx);
	}
	if (x->rsp->oom)
		return;
	c->negotiated = true;
	if (dialect == SMB2_DIALECT_311) {
		/* H = SHA512(H || request); the response is hashed when
		 * sent, once its header is final. */
		memset(c->preauth, 0, sizeof(c->preauth));
		preauth_update(c->preauth, r->msg, r->msg_len);
		x->hash_rsp = c->preauth;
	}
}

/*
 * MS-SMB2 3.3.5.3: the SMB1 NEGOTIATE that opens a connection of an older
 * client.  Offering "SMB 2.???" (3.3.5.3.1), it gets an SMB2 NEGOTIATE
 * response with DialectRevision 0x02FF, the wildcard: the client then
 * sends an SMB2 NEGOTIATE (MessageId 1) on the same connection, which
 * smb2_negotiate() answers as any first NEGOTIATE (the 3.1.1 preauth hash
 * starts there, not here).  This server speaks neither SMB1 nor SMB 2.0.2
 * (3.3.5.3.2), so an SMB1 NEGOTIATE without "SMB 2.???" -- "SMB 2.002"
 * alone included -- and any SMB1 after the first are dropped with no reply,
 * as that section says for a server that does not implement SMB1.
 */
void smb1_negotiate(struct smb2_ctx *x, const uint8_t *msg, size_t len)
{
	struct conn *c = x->conn;
	struct smb1_neg n;
	int rc = smb1_neg_parse(msg, len, &n);
	const char *why = NULL;

	if (c->negotiated || c->smb2_wildcard)
		why = "smb1-after-negotiate";
	else if (rc == -EPROTO)
		why = "smb1-not-negotiate";
	else if (rc)
		why = "smb1-malformed";
	else if (!n.smb2_wildcard)
		why = n.smb2_002 ? "smb1-smb2.002-only" : "smb1-no-smb2";
	slog(c->srv, "NEG1 conn=%u dialects=%d wildcard=%d smb2.002=%d "
	     "answer=%s", c->id, rc ? 0 : n.n_dialects,
	     !rc && n.smb2_wildcard, !rc && n.smb2_002, why ? why : "0x02ff");
	if (why) {
		x->no_response = true;
		x->close_after = true;
		return;
	}
	/* 3.3.5.3.1: only DFS, LEASING and (on TCP) LARGE_MTU here */
	if (!neg_response(x, SMB2_DIALECT_WILDCARD,
			  server_caps(c->srv->cfg) &
			  (SMB2_GLOBAL_CAP_DFS | SMB2_GLOBAL_CAP_LEASING |
			   SMB2_GLOBAL_CAP_LARGE_MTU)))
		return;
	c->smb2_wildcard = true;
}

/* The capabilities NEGOTIATE and VALIDATE_NEGOTIATE_INFO both announce */
uint32_t server_caps(const struct srv_config *cfg)
{
	uint32_t caps = SMB2_GLOBAL_CAP_LARGE_MTU;

	if (cfg->multichannel)
		caps |= SMB2_GLOBAL_CAP_MULTI_CHANNEL;
	if (dfs_enabled(cfg))
		caps |= SMB2_GLOBAL_CAP_DFS;
	return caps;
}
