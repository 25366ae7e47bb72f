// SPDX-License-Identifier: GPL-2.0
/*
 * Transport and dispatch: NBSS framing, compound requests, per-message
 * session/tree checks, signature checks and response signing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>

#include "smbsrv.h"

#define MAX_COMPOUND 32

/* seconds on a clock that does not jump: session expiry */
time_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

uint64_t now_filetime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts_to_filetime(&ts);
}

struct session *sess_lookup(struct conn *c, uint64_t id)
{
	struct session *s;

	for (s = c->sessions; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

static struct tree *tree_lookup(struct session *s, uint32_t id)
{
	struct tree *t;

	for (t = s->trees; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

/* Start the response: header, then the caller appends the body starting
 * with StructureSize. */
void smb2_rsp_header(struct smb2_ctx *x, uint16_t struct_size)
{
	uint8_t *h;

	x->rsp->len = 0;
	h = buf_push(x->rsp, SMB2_HDR_LEN);
	if (!h)
		return;
	memcpy(h, "\xfeSMB", 4);
	put16(h + 4, SMB2_HDR_LEN);
	put16(x->rsp->data + 12, x->req->cmd);
	buf_put16(x->rsp, struct_size);
}

void smb2_error(struct smb2_ctx *x, uint32_t status)
{
	x->status = status;
	smb2_rsp_header(x, 9);
	buf_push(x->rsp, 6);	/* ErrorContextCount, Reserved, ByteCount */
	buf_push(x->rsp, 1);	/* ErrorData: one byte, per the spec */
}

/* Fill in the header fields of a finished response. */
static void finish_header(struct smb2_ctx *x)
{
	uint8_t *h = x->rsp->data;
	struct smb2_req *r = x->req;
	uint32_t flags = SMB2_FLAGS_SERVER_TO_REDIR;
	uint16_t credits;

	credits = r->credit_req ? r->credit_req : 1;
	if (credits < r->credit_charge)
		credits = r->credit_charge;
	if (credits > 512)
		credits = 512;
	if (r->flags & SMB2_FLAGS_RELATED_OPERATIONS)
		flags |= SMB2_FLAGS_RELATED_OPERATIONS;
	put16(h + 6, r->credit_charge);
	put32(h + 8, x->status);
	put16(h + 12, r->cmd);
	put16(h + 14, credits);
	put64(h + 24, r->message_id);
	if (r->flags & SMB2_FLAGS_ASYNC_COMMAND) {
		flags |= SMB2_FLAGS_ASYNC_COMMAND;
		put64(h + 32, r->async_id);
	} else {
		put32(h + 32, 0xfeff);
		put32(h + 36, x->tree ? x->tree->id : r->tree_id);
	}
	put64(h + 40, x->sess ? x->sess->id : r->session_id);
	if (x->sid_set)
		put64(h + 40, x->sid);
	put32(h + 16, flags);
}

static void sign_response(struct smb2_ctx *x, uint8_t *msg, size_t len)
{
	uint8_t sig[16];

	if (!x->sign || !x->sign_key)
		return;
	put32(msg + 16, get32(msg + 16) | SMB2_FLAGS_SIGNED);
	memset(msg + 48, 0, 16);
	if (smb3_sign(x->sign_key, msg, len, sig) == 0)
		memcpy(msg + 48, sig, 16);
	if (x->bad_sig)
		msg[48 + 7] ^= 0x01;
}

/* Queue one NBSS frame (takes ownership of a talloc'ed frame). */
void conn_queue(struct conn *c, uint8_t *frame, size_t len)
{
	struct outq *q = talloc_zero(c, struct outq);

	if (!q) {
		talloc_free(frame);
		c->closing = true;
		return;
	}
	q->data = talloc_steal(q, frame);
	q->len = len;
	if (c->outq_tail)
		c->outq_tail->next = q;
	else
		c->outq = q;
	c->outq_tail = q;
}

/* Build one NBSS frame out of the responses of a compound. */
static void send_responses(struct conn *c, struct smb2_ctx *xs, int n)
{
	struct buf *f = buf_new(c, 1024);
	size_t last = 0;
	int i;
	bool any = false;

	if (!f)
		return;
	buf_push(f, 4);
	for (i = 0; i < n; i++) {
		struct smb2_ctx *x = &xs[i];
		size_t start;

		if (x->no_response || x->deferred || x->rsp->oom ||
		    x->rsp->len < SMB2_HDR_LEN)
			continue;
		if (any) {
			buf_align(f, 8);
			put32(f->data + last + 20, (uint32_t)(f->len - last));
		}
		start = f->len;
		finish_header(x);
		buf_append(f, x->rsp->data, x->rsp->len);
		last = start;
		any = true;
	}
	if (!any || f->oom) {
		talloc_free(f);
		return;
	}
	/* sign each message over its padded extent */
	{
		size_t pos = 4;

		for (i = 0; i < n; i++) {
			struct smb2_ctx *x = &xs[i];
			uint32_t next;
			size_t ext;

			if (x->no_response || x->deferred || x->rsp->oom ||
			    x->rsp->len < SMB2_HDR_LEN)
				continue;
			next = get32(f->data + pos + 20);
			ext = next ? next : f->len - pos;
			sign_response(x, f->data + pos, ext);
			/* the hash takes the response as sent: signed (a
			 * binding's interim responses are) */
			if (x->hash_rsp)
				preauth_update(x->hash_rsp, f->data + pos,
					       x->rsp->len);
			pos += ext;
		}
	}
	/* NBSS: type 0 and a 24-bit big-endian length */
	f->data[0] = 0;
	f->data[1] = (uint8_t)((f->len - 4) >> 16);
	f->data[2] = (uint8_t)((f->len - 4) >> 8);
	f->data[3] = (uint8_t)(f->len - 4);
	conn_queue(c, talloc_steal(NULL, f->data), f->len);
	talloc_free(f);
}

void conn_send_deferred(struct conn *c, struct smb2_ctx *x)
{
	x->deferred = false;
	send_responses(c, x, 1);
}

static bool needs_session(uint16_t cmd)
{
	return cmd != SMB2_NEGOTIATE && cmd != SMB2_SESSION_SETUP &&
	       cmd != SMB2_ECHO && cmd != SMB2_CANCEL;
}

static bool needs_tree(uint16_t cmd)
{
	return needs_session(cmd) && cmd != SMB2_LOGOFF &&
	       cmd != SMB2_TREE_CONNECT;
}

bool verify_signature(const uint8_t key[16], const struct smb2_req *r)
{
	uint8_t sig[16];

	if (smb3_sign(key, r->msg, r->msg_len, sig))
		return false;
	return memcmp(sig, r->signature, 16) == 0;
}

static void dispatch(struct smb2_ctx *x)
{
	switch (x->req->cmd) {
	case SMB2_NEGOTIATE:		smb2_negotiate(x); break;
	case SMB2_SESSION_SETUP:	smb2_session_setup(x); break;
	case SMB2_LOGOFF:		smb2_logoff(x); break;
	case SMB2_TREE_CONNECT:		smb2_tree_connect(x); break;
	case SMB2_TREE_DISCONNECT:	smb2_tree_disconnect(x); break;
	case SMB2_CREATE:		smb2_create(x); break;
	case SMB2_CLOSE:		smb2_close(x); break;
	case SMB2_FLUSH:		smb2_flush(x); break;
	case SMB2_READ:
		if (!x->conn->reads++)
			slog(x->conn->srv, "IO conn=%u sess=0x%llx first=read",
			     x->conn->id, (unsigned long long)x->sess->id);
		smb2_read(x);
		break;
	case SMB2_WRITE:
		if (!x->conn->writes++)
			slog(x->conn->srv, "IO conn=%u sess=0x%llx first=write",
			     x->conn->id, (unsigned long long)x->sess->id);
		smb2_write(x);
		break;
	case SMB2_LOCK:			smb2_lock(x); break;
	case SMB2_IOCTL:		smb2_ioctl(x); break;
	case SMB2_CANCEL:		x->no_response = true; break;
	case SMB2_ECHO:
		smb2_rsp_header(x, 4);
		buf_push(x->rsp, 2);
		break;
	case SMB2_QUERY_DIRECTORY:	smb2_query_directory(x); break;
	case SMB2_QUERY_INFO:		smb2_query_info(x); break;
	case SMB2_SET_INFO:		smb2_set_info(x); break;
	default:
		smb2_error(x, STATUS_NOT_SUPPORTED);
		break;
	}
}

/* Handle one message of a compound.  prev is the previous message's
 * context (for related operations), or NULL. */
static void handle_one(struct smb2_ctx *x, struct smb2_ctx *prev, long perr)
{
	struct conn *c = x->conn;
	struct smb2_req *r = x->req;
	bool related = (r->flags & SMB2_FLAGS_RELATED_OPERATIONS) && prev;

	smb2_rsp_header(x, 9);
	if (perr) {
		smb2_error(x, (uint32_t)perr);
		return;
	}
	if (!c->negotiated && r->cmd != SMB2_NEGOTIATE) {
		smb2_error(x, STATUS_INVALID_PARAMETER);
		x->close_after = true;
		return;
	}
	if (related) {
		/* the previous message's session as this connection has
		 * it: a bound channel, not the master it was swapped for */
		x->sess = prev->sess ? sess_lookup(c, prev->sess->id) : NULL;
		x->tree = prev->tree;
		if (*x->chain_status && needs_tree(r->cmd)) {
			smb2_error(x, *x->chain_status);
			return;
		}
	} else if (r->session_id) {
		x->sess = sess_lookup(c, r->session_id);
	}

	if (needs_session(r->cmd)) {
		struct session *s = x->sess;

		if (!s || s->state == SESS_IN_PROGRESS) {
			x->sess = NULL;
			smb2_error(x, STATUS_USER_SESSION_DELETED);
			return;
		}
	}
	/* Signature: check what is signed; insist where signing is on. */
	if (x->sess && x->sess->has_key && r->cmd != SMB2_SESSION_SETUP &&
	    r->cmd != SMB2_NEGOTIATE && r->cmd != SMB2_CANCEL) {
		bool signed_ = r->flags & SMB2_FLAGS_SIGNED;

		if (signed_ && !verify_signature(x->sess->signing_key, r)) {
			/* on a channel: say whether the client signed with
			 * the session's key instead of the channel's */
			struct session *m = x->sess->master;

			slog(c->srv, "BADSIG conn=%u sess=0x%llx cmd=%s mid=%llu "
			     "session-key=%s", c->id,
			     (unsigned long long)x->sess->id,
			     smb2_cmd_name(r->cmd),
			     (unsigned long long)r->message_id,
			     !m ? "-" : verify_signature(m->signing_key, r) ?
			     "matches" : "no");
			x->sess = NULL;
			smb2_error(x, STATUS_ACCESS_DENIED);
			return;
		}
		if (!signed_ && x->sess->signing && r->cmd != SMB2_ECHO) {
			x->sess = NULL;
			smb2_error(x, STATUS_ACCESS_DENIED);
			return;
		}
		if (signed_ || x->sess->signing) {
			x->sign = true;
			memcpy(x->key, x->sess->signing_key, 16);
			x->sign_key = x->key;
		}
	}
	/*
	 * A bound channel's own key signs and verifies on this connection
	 * (copied above); everything else is the master session's.
	 */
	if (x->sess && x->sess->master && needs_session(r->cmd))
		x->sess = x->sess->master;
	if (x->sess && needs_session(r->cmd)) {
		struct faults *f = &c->srv->cfg->faults;

		x->sess->requests++;
		if (f->expire_after && x->sess->state == SESS_VALID &&
		    x->sess->requests > (unsigned int)f->expire_after) {
			x->sess->state = SESS_EXPIRED;
			slog(c->srv, "FAULT expire conn=%u sess=0x%llx after=%d",
			     c->id, (unsigned long long)x->sess->id,
			     f->expire_after);
		}
		/* MS-SMB2 3.3.5.2.9: a request after Session.ExpirationTime
		 * (the ticket's end, for Kerberos) gets SESSION_EXPIRED */
		if (f->expire_at_ticket_end && x->sess->state == SESS_VALID &&
		    x->sess->ticket_end && now_mono() >= x->sess->ticket_end) {
			x->sess->state = SESS_EXPIRED;
			slog(c->srv, "FAULT expire conn=%u sess=0x%llx "
			     "at-ticket-end", c->id,
			     (unsigned long long)x->sess->id);
		}
		if (x->sess->state == SESS_EXPIRED && r->cmd != SMB2_LOGOFF &&
		    r->cmd != SMB2_CLOSE) {
			smb2_error(x, STATUS_NETWORK_SESSION_EXPIRED);
			return;
		}
	}
	if (needs_tree(r->cmd)) {
		if (!related)
			x->tree = tree_lookup(x->sess, r->tree_id);
		if (!x->tree) {
			smb2_error(x, STATUS_NETWORK_NAME_DELETED);
			return;
		}
	}
	dispatch(x);
}

/*
 * An SMB1 frame: only the SMB_COM_NEGOTIATE that may open a connection
 * (smb1_negotiate()).  Its answer is an SMB2 NEGOTIATE response: header
 * fields as for an SMB2 request with MessageId 0 asking one credit.
 */
static void process_smb1(struct conn *c, const uint8_t *frame, size_t len,
			 void *tmp)
{
	struct smb2_req r = { .cmd = SMB2_NEGOTIATE, .credit_req = 1 };
	struct smb2_ctx x = { .conn = c, .req = &r };

	x.rsp = buf_new(tmp, 512);
	if (!x.rsp) {
		c->closing = true;
		return;
	}
	smb1_negotiate(&x, frame, len);
	if (!x.no_response)
		send_responses(c, &x, 1);
	if (x.close_after)
		c->closing = true;
}

static void process_frame(struct conn *c, const uint8_t *frame, size_t len)
{
	size_t off[MAX_COMPOUND], ext[MAX_COMPOUND];
	struct smb2_req reqs[MAX_COMPOUND];
	struct smb2_ctx xs[MAX_COMPOUND];
	struct smb2_fileid chain_fid = { SMB2_FID_RELATED, SMB2_FID_RELATED };
	uint32_t chain_status = 0;
	void *tmp = talloc_new(c);
	bool drop = false;
	int n, i;

	if (!tmp) {
		c->closing = true;
		return;
	}
	if (smb1_is_smb1(frame, len)) {
		process_smb1(c, frame, len, tmp);
		talloc_free(tmp);
		return;
	}
	n = smb2_split(frame, len, off, ext, MAX_COMPOUND);
	if (n < 1) {
		slog(c->srv, "DROP conn=%u reason=bad-compound len=%zu", c->id,
		     len);
		c->closing = true;
		talloc_free(tmp);
		return;
	}
	memset(xs, 0, sizeof(xs));
	for (i = 0; i < n; i++) {
		struct smb2_ctx *x = &xs[i];
		long perr = smb2_parse(frame + off[i], ext[i], &reqs[i]);

		if (perr < 0) {
			slog(c->srv, "DROP conn=%u reason=bad-header", c->id);
			drop = true;
			n = i;
			break;
		}
		x->conn = c;
		x->req = &reqs[i];
		x->rsp = buf_new(tmp, 512);
		x->chain_fid = &chain_fid;
		x->chain_status = &chain_status;
		if (!x->rsp) {
			drop = true;
			n = i;
			break;
		}
		/* SESSION_SETUP and NEGOTIATE must travel alone. */
		if (n > 1 && (reqs[i].cmd == SMB2_SESSION_SETUP ||
			      reqs[i].cmd == SMB2_NEGOTIATE) && !perr)
			perr = STATUS_INVALID_PARAMETER;
		handle_one(x, i ? &xs[i - 1] : NULL, perr);
		if (reqs[i].cmd == SMB2_CREATE)
			chain_status = x->status;
		if (x->close_after)
			drop = true;
		if (c->closing)
			break;
	}
	if (n > 0 && !(n == 1 && xs[0].deferred))
		send_responses(c, xs, n);
	if (drop)
		c->closing = true;
	talloc_free(tmp);
}

/* Read what the socket has and process every complete frame. */
void conn_input(struct conn *c)
{
	for (;;) {
		ssize_t got;
		size_t pos = 0;

		if (c->in_cap - c->in_len < 65536) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 131072;
			uint8_t *p;

			if (cap > SMB2_MAX_FRAME + 65536 + 4)
				cap = SMB2_MAX_FRAME + 65536 + 4;
			if (cap <= c->in_cap) {
				c->closing = true;
				return;
			}
			p = talloc_realloc_size(c, c->in, cap);
			if (!p) {
				c->closing = true;
				return;
			}
			c->in = p;
			c->in_cap = cap;
		}
		got = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (got <= 0) {
			c->closing = true;
			c->outq = c->outq_tail = NULL;
			return;
		}
		c->in_len += (size_t)got;

		while (c->in_len - pos >= 4 && !c->closing) {
			const uint8_t *p = c->in + pos;
			size_t flen = (size_t)p[1] << 16 | p[2] << 8 | p[3];

			if (p[0] != 0 || flen > SMB2_MAX_FRAME) {
				slog(c->srv, "DROP conn=%u reason=bad-nbss "
				     "type=0x%02x len=%zu", c->id, p[0], flen);
				c->closing = true;
				break;
			}
			if (c->in_len - pos - 4 < flen)
				break;
			if (flen)
				process_frame(c, p + 4, flen);
			pos += 4 + flen;
		}
		if (pos) {
			memmove(c->in, c->in + pos, c->in_len - pos);
			c->in_len -= pos;
		}
		if (c->closing)
			return;
	}
}

void conn_free(struct conn *c)
{
	while (c->sessions)
		sess_free(c->sessions);
	if (c->fd >= 0)
		close(c->fd);
	talloc_free(c);
}
