// SPDX-License-Identifier: GPL-2.0
/*
 * SESSION_SETUP and LOGOFF: sessions, GSS legs in worker threads, key
 * derivation ([MS-SMB2] 3.3.5.5.3) and the signed final response.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>

#include "auth.h"
#include "chaos.h"
#include "smbsrv.h"

struct auth_job {
	struct server *srv;
	struct conn *conn;		/* NULL once orphaned */
	struct session *sess;		/* NULL once orphaned */
	struct auth_ctx *actx;		/* the job's while orphaned */
	int leg;
	unsigned int delay_ms;		/* --fault random: answer late */
	unsigned int hold_ms;		/* --fault hold: start late */
	uint8_t *msg;			/* copy of the request */
	size_t msg_len;
	struct smb2_req req;		/* parsed from msg */
	struct auth_result res;
};

static void *job_thread(void *arg)
{
	struct auth_job *job = arg;
	struct timespec hold = {
		.tv_sec = job->hold_ms / 1000,
		.tv_nsec = (long)(job->hold_ms % 1000) * 1000000,
	};
	ssize_t w;

	/* before the acceptor: a KDC-bound token is proxied only after it */
	while (job->hold_ms && nanosleep(&hold, &hold) < 0 && errno == EINTR)
		;
	auth_step(job->actx, job->leg, job->req.sess.token.p,
		  job->req.sess.token.len, &job->res);
	if (job->delay_ms)
		usleep(job->delay_ms * 1000);
	do {
		w = write(job->srv->job_pipe[1], &job, sizeof(job));
	} while (w < 0 && errno == EINTR);
	return NULL;
}

static void job_free(struct auth_job *job)
{
	free(job->res.out);
	free(job->msg);
	free(job);
}

/* A master session's channels on other connections go with it */
static void sess_free_channels(struct session *m)
{
	struct conn *c;
	struct session *s, *next;

	for (c = m->conn->srv->conns; c; c = c->next)
		for (s = c->sessions; s; s = next) {
			next = s->next;
			if (s->master == m) {
				slog(c->srv, "UNBIND conn=%u sess=0x%llx "
				     "master-gone", c->id,
				     (unsigned long long)s->id);
				sess_free(s);
			}
		}
}

void sess_free(struct session *s)
{
	struct conn *c = s->conn;

	if (!s->master)
		sess_free_channels(s);
	while (s->trees)
		tree_free(s->trees);
	if (s->job) {
		/* the worker still uses the auth context: hand it over */
		s->job->sess = NULL;
		s->job->conn = NULL;
		s->job->actx = s->auth;
		s->auth = NULL;
		c->pending_jobs--;
	}
	if (s->auth)
		auth_ctx_free(s->auth);
	DLIST_REMOVE(c->sessions, s);
	talloc_free(s);
}

static void apply_token_faults(struct server *srv, struct session *s,
			       struct auth_result *res)
{
	struct faults *f = &srv->cfg->faults;

	if (!res->out || !res->out_len)
		return;
	if (f->garble_leg && f->garble_leg == s->legs) {
		size_t i, start = res->out_len / 2;

		for (i = start; i < res->out_len && i < start + 16; i++)
			res->out[i] ^= 0xa5;
		snprintf(res->fault, sizeof(res->fault), "garble");
	}
	if (f->truncate_leg && f->truncate_leg == s->legs) {
		res->out_len /= 2;
		snprintf(res->fault, sizeof(res->fault), "truncate");
	}
	if (f->oversize_leg && f->oversize_leg == s->legs &&
	    (size_t)f->oversize_len > res->out_len) {
		uint8_t *p = realloc(res->out, f->oversize_len);

		if (p) {
			memset(p + res->out_len, 0x41,
			       f->oversize_len - res->out_len);
			res->out = p;
			res->out_len = f->oversize_len;
			snprintf(res->fault, sizeof(res->fault), "oversize");
		}
	}
}

static int derive_keys(struct conn *c, struct session *s,
		       const struct auth_result *res)
{
	memset(s->session_key, 0, sizeof(s->session_key));
	memcpy(s->session_key, res->key,
	       res->key_len < 16 ? res->key_len : 16);
	if (c->dialect == SMB2_DIALECT_311)
		return smb3_kdf(s->session_key, 16, "SMBSigningKey", 14,
				s->preauth, PREAUTH_HASH_LEN, s->signing_key);
	return smb3_kdf(s->session_key, 16, "SMB2AESCMAC", 12, "SmbSign", 8,
			s->signing_key);
}

void job_complete(struct server *srv, struct auth_job *job)
{
	struct session *s = job->sess;
	struct conn *c = job->conn;
	struct auth_result *res = &job->res;
	struct smb2_ctx x = { 0 };
	void *tmp;
	uint8_t *body = NULL;
	bool bad_sig = false;
	struct chaos_leg cl;

	if (!s) {
		slog(srv, "SESSLEG orphaned leg=%d status=0x%08x", job->leg,
		     res->status);
		auth_ctx_free(job->actx);
		job_free(job);
		return;
	}
	s->job = NULL;
	c->pending_jobs--;
	apply_token_faults(srv, s, res);
	chaos_result(srv, s, job->leg, res, &cl);
	if (res->status == STATUS_SUCCESS && srv->cfg->faults.bad_final_sig) {
		bad_sig = true;
		if (srv->cfg->faults.bad_final_sig > 0)
			srv->cfg->faults.bad_final_sig--;
		snprintf(res->fault, sizeof(res->fault), "bad-final-sig");
	}
	slog(srv, "SESSLEG conn=%u sess=0x%llx leg=%d in=%u out=%zu "
	     "status=0x%08x mech=%s what=%s kdc=%d accept_ms=%.3f major=0x%x "
	     "minor=0x%x user=%s fault=%s dialect=%s err=\"%s\" mic=%s",
	     c->id, (unsigned long long)s->id, job->leg,
	     job->req.sess.token.len, res->out_len, res->status,
	     res->mech[0] ? res->mech : "-", res->what[0] ? res->what : "-",
	     res->kdc_msgs, res->accept_ms, res->major, res->minor,
	     res->user[0] ? res->user : "-", res->fault[0] ? res->fault : "-",
	     res->dialect[0] ? res->dialect : "-", res->err,
	     res->mic[0] ? res->mic : "-");

	tmp = talloc_new(c);
	x.conn = c;
	x.req = &job->req;
	x.sess = s;
	x.rsp = buf_new(tmp, 256 + res->out_len);
	if (!tmp || !x.rsp) {
		talloc_free(tmp);
		c->closing = true;
		job_free(job);
		return;
	}
	/* [MS-SMB2] 3.3.5.5.3: a channel is bound for the session's user */
	if (res->status == STATUS_SUCCESS && s->master &&
	    (!s->master->user || strcmp(s->master->user, res->user))) {
		slog(srv, "BIND refused conn=%u sess=0x%llx reason=other-user "
		     "user=%s", c->id, (unsigned long long)s->id, res->user);
		res->status = STATUS_ACCESS_DENIED;
	}
	/*
	 * A binding's other responses are signed with the session's key
	 * (3.3.4.1.1); the request was verified with it (3.3.5.2.4).
	 */
	if (res->status != STATUS_SUCCESS && s->master) {
		x.sign = true;
		memcpy(x.key, s->master->signing_key, 16);
		x.sign_key = x.key;
	}
	/*
	 * A reauthentication (3.3.5.5.2) is for the session's own user, and
	 * keeps the session's keys: its final response is signed with the
	 * signing key the session already has.
	 */
	if (res->status == STATUS_SUCCESS && s->state != SESS_IN_PROGRESS &&
	    !s->master && (!s->user || strcmp(s->user, res->user))) {
		slog(srv, "REAUTH refused conn=%u sess=0x%llx reason=other-user "
		     "user=%s", c->id, (unsigned long long)s->id, res->user);
		res->status = STATUS_ACCESS_DENIED;
	}
	if (res->status == STATUS_SUCCESS) {
		bool reauth = s->state != SESS_IN_PROGRESS;

		if (!reauth && derive_keys(c, s, res)) {
			res->status = STATUS_INTERNAL_ERROR;
		} else {
			s->has_key = true;
			s->signing = srv->cfg->sign_required ||
				     (c->client_secmode &
				      SMB2_NEGOTIATE_SIGNING_REQUIRED);
			if (s->master)
				s->signing = s->master->signing;
			s->state = SESS_VALID;
			s->requests = 0;
			s->ticket_end = res->lifetime ?
					now_mono() + res->lifetime : 0;
			talloc_free(s->user);
			s->user = talloc_strdup(s, res->user);
			slog(srv, "SESSION conn=%u sess=0x%llx user=%s %s "
			     "signing=%d ticket_s=%u", c->id,
			     (unsigned long long)s->id, res->user,
			     s->master ? "bind" : reauth ? "reauth" : "new",
			     s->signing, res->lifetime);
			/* the final response is always signed */
			x.sign = true;
			x.bad_sig = bad_sig;
			memcpy(x.key, s->signing_key, 16);
			x.sign_key = x.key;
		}
	}
	if (res->status != STATUS_SUCCESS &&
	    res->status != STATUS_MORE_PROCESSING_REQUIRED) {
		smb2_error(&x, res->status);
		if (s->state == SESS_IN_PROGRESS) {
			x.sess = NULL;
			/* keep the id in the reply header */
			put64(x.rsp->data + 40, s->id);
			sess_free(s);
		} else {
			auth_ctx_free(s->auth);
			s->auth = NULL;
		}
	} else {
		x.status = res->status;
		smb2_rsp_header(&x, 9);
		body = buf_push(x.rsp, 6);
		/*
		 * A token longer than SecurityBufferLength can say (kdc-pad)
		 * still goes out whole: the length field says 65535, the
		 * message carries every byte.
		 */
		if (body) {
			put16(body, 0);			/* SessionFlags */
			put16(body + 2, SMB2_HDR_LEN + 8);
			put16(body + 4, res->out_len > 65535 ? 65535 :
					(uint16_t)res->out_len);
		}
		buf_append(x.rsp, res->out, res->out_len);
		if (res->status == STATUS_MORE_PROCESSING_REQUIRED &&
		    c->dialect == SMB2_DIALECT_311)
			x.hash_rsp = s->preauth;
		if (res->status == STATUS_SUCCESS) {
			auth_ctx_free(s->auth);
			s->auth = NULL;
		}
	}
	/* the body from its StructureSize (buf_append may have moved it) */
	if (!chaos_response(srv, &cl, &x, body && !x.rsp->oom ?
			    x.rsp->data + SMB2_HDR_LEN : NULL))
		x.no_response = true;
	x.deferred = true;
	conn_send_deferred(c, &x);
	talloc_free(tmp);
	job_free(job);
}

static struct session *sess_find_global(struct server *srv, uint64_t id)
{
	struct conn *c;
	struct session *s;

	for (c = srv->conns; c; c = c->next)
		for (s = c->sessions; s; s = s->next)
			if (s->id == id && !s->master)
				return s;
	return NULL;
}

/*
 * [MS-SMB2] 3.3.5.5 step 4: a SESSION_SETUP with SMB2_SESSION_FLAG_BINDING
 * names a session set up on another connection of the same client; each
 * leg is signed with that session's signing key.  Returns this
 * connection's channel of it (made on the first leg), or NULL with the
 * status to fail with in *status.
 */
static struct session *bind_channel(struct smb2_ctx *x, uint32_t *status)
{
	struct conn *c = x->conn;
	struct server *srv = c->srv;
	struct smb2_req *r = x->req;
	struct session *m, *s;
	const char *why;

	m = sess_find_global(srv, r->session_id);
	if (!srv->cfg->multichannel || c->dialect < SMB2_DIALECT_300) {
		why = "no-multichannel";
		*status = STATUS_REQUEST_NOT_ACCEPTED;
	} else if (srv->cfg->faults.no_bind) {
		why = "fault-no-bind";
		*status = STATUS_REQUEST_NOT_ACCEPTED;
	} else if (!m) {
		why = "no-session";
		*status = STATUS_USER_SESSION_DELETED;
	} else if (m->conn == c) {
		why = "same-connection";
		*status = STATUS_REQUEST_NOT_ACCEPTED;
	} else if (m->conn->dialect != c->dialect) {
		why = "other-dialect";
		*status = STATUS_INVALID_PARAMETER;
	} else if (memcmp(m->conn->client_guid, c->client_guid, 16)) {
		why = "other-client-guid";
		*status = STATUS_USER_SESSION_DELETED;
	} else if (m->state != SESS_VALID) {
		why = "session-not-valid";
		*status = STATUS_REQUEST_NOT_ACCEPTED;
	} else if (!(r->flags & SMB2_FLAGS_SIGNED)) {
		why = "unsigned";
		*status = STATUS_INVALID_PARAMETER;
	} else if (!verify_signature(m->signing_key, r)) {
		why = "bad-signature";
		*status = STATUS_ACCESS_DENIED;
	} else {
		why = NULL;
	}
	if (why) {
		slog(srv, "BIND refused conn=%u sess=0x%llx reason=%s", c->id,
		     (unsigned long long)r->session_id, why);
		return NULL;
	}
	s = sess_lookup(c, m->id);
	if (s && s->master == m) {
		if (s->job) {
			*status = STATUS_REQUEST_NOT_ACCEPTED;
			return NULL;
		}
		return s;
	}
	s = talloc_zero(c, struct session);
	if (!s) {
		*status = STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	s->conn = c;
	s->master = m;
	s->id = m->id;
	s->state = SESS_IN_PROGRESS;
	DLIST_ADD(c->sessions, s);
	slog(srv, "BIND conn=%u sess=0x%llx master-conn=%u", c->id,
	     (unsigned long long)s->id, m->conn->id);
	return s;
}

/*
 * The first leg of a reauthentication of a session that has keys
 * (3.3.5.5.2): it must be signed with them (3.3.5.2.4), and it is logged
 * for the tests.  Refused: answered here, false.
 */
static bool reauth_allowed(struct smb2_ctx *x, struct session *s)
{
	struct conn *c = x->conn;
	struct smb2_req *r = x->req;
	const char *why = NULL;

	if (s->master)
		why = "channel";
	else if (!s->has_key)
		why = "no-key";
	else if (!(r->flags & SMB2_FLAGS_SIGNED))
		why = "unsigned";
	else if (!verify_signature(s->signing_key, r))
		why = "bad-signature";
	if (why) {
		slog(c->srv, "REAUTH refused conn=%u sess=0x%llx reason=%s",
		     c->id, (unsigned long long)s->id, why);
		smb2_error(x, STATUS_ACCESS_DENIED);
		return false;
	}
	slog(c->srv, "REAUTH conn=%u sess=0x%llx state=%s", c->id,
	     (unsigned long long)s->id,
	     s->state == SESS_EXPIRED ? "expired" : "valid");
	return true;
}

void smb2_session_setup(struct smb2_ctx *x)
{
	struct conn *c = x->conn;
	struct server *srv = c->srv;
	struct smb2_req *r = x->req;
	struct session *s;
	struct auth_job *job;
	pthread_attr_t attr;
	pthread_t thr;
	bool fresh = false;

	if (c->dialect == SMB2_DIALECT_21) {
		/* --smb21 is for clients that must stop before leg 1: no
		 * HMAC-SHA256 signing here.  Log the leg that came anyway. */
		slog(srv, "SESSLEG conn=%u sess=0x0 leg=1 in=%u out=0 "
		     "status=0x%08x mech=- what=- kdc=0 accept_ms=0 major=0x0 "
		     "minor=0x0 user=- fault=- dialect=- err=\"SMB 2.1 "
		     "sessions are not served\"", c->id, r->sess.token.len,
		     STATUS_NOT_SUPPORTED);
		smb2_error(x, STATUS_NOT_SUPPORTED);
		return;
	}
	if (r->sess.flags & SMB2_SESSION_FLAG_BINDING) {
		uint32_t st = 0;

		s = bind_channel(x, &st);
		if (!s) {
			smb2_error(x, st);
			return;
		}
		fresh = s->state == SESS_IN_PROGRESS && !s->auth;
	} else if (r->session_id == 0) {
		s = talloc_zero(c, struct session);
		if (!s) {
			smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
			return;
		}
		s->conn = c;
		s->id = ++srv->next_sess_id;
		s->state = SESS_IN_PROGRESS;
		s->next_tree_id = 1;
		DLIST_ADD(c->sessions, s);
		fresh = true;
	} else {
		s = sess_lookup(c, r->session_id);
		if (!s) {
			smb2_error(x, STATUS_USER_SESSION_DELETED);
			return;
		}
		if (s->job) {
			smb2_error(x, STATUS_REQUEST_NOT_ACCEPTED);
			return;
		}
		if (!s->auth && s->state != SESS_IN_PROGRESS &&
		    !reauth_allowed(x, s))
			return;
	}
	x->sess = s;
	if (!s->auth) {
		/* a new authentication: new session or re-authentication */
		s->auth = auth_ctx_new(srv->cfg);
		s->legs = 0;
		memcpy(s->preauth, c->preauth, PREAUTH_HASH_LEN);
		chaos_exchange_start(srv, s);
		if (!s->auth) {
			smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
				if (fresh)
				sess_free(s);
			x->sess = NULL;
			return;
		}
	}
	s->legs++;
	if (c->dialect == SMB2_DIALECT_311)
		preauth_update(s->preauth, r->msg, r->msg_len);

	if (srv->cfg->faults.close_leg == s->legs) {
		slog(srv, "FAULT close conn=%u sess=0x%llx leg=%d", c->id,
		     (unsigned long long)s->id, s->legs);
		x->no_response = true;
		c->closing = true;
		return;
	}

	if (srv->cfg->faults.stall_leg == s->legs) {
		/* the client waits for an answer that never comes */
		slog(srv, "FAULT stall conn=%u sess=0x%llx leg=%d", c->id,
		     (unsigned long long)s->id, s->legs);
		x->no_response = true;
		return;
	}

	job = calloc(1, sizeof(*job));
	if (job)
		job->msg = malloc(r->msg_len);
	if (!job || !job->msg) {
		if (job)
			free(job);
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	memcpy(job->msg, r->msg, r->msg_len);
	job->msg_len = r->msg_len;
	if (smb2_parse(job->msg, job->msg_len, &job->req) != 0) {
		job_free(job);
		smb2_error(x, STATUS_INVALID_PARAMETER);
		return;
	}
	job->req.session_id = s->id;
	job->srv = srv;
	job->conn = c;
	job->sess = s;
	job->actx = s->auth;
	job->leg = s->legs;
	job->delay_ms = chaos_delay_ms(srv, s, s->legs);
	if (srv->cfg->faults.hold_leg == s->legs) {
		/* the test acts inside the exchange (kills the KDC, cuts
		 * the network) once it reads this line; the connection
		 * goes on serving meanwhile */
		job->hold_ms = (unsigned int)srv->cfg->faults.hold_ms;
		slog(srv, "FAULT hold conn=%u sess=0x%llx leg=%d ms=%u", c->id,
		     (unsigned long long)s->id, s->legs, job->hold_ms);
	}

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&thr, &attr, job_thread, job)) {
		pthread_attr_destroy(&attr);
		job_free(job);
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	pthread_attr_destroy(&attr);
	s->job = job;
	c->pending_jobs++;
	x->deferred = true;
}

void smb2_logoff(struct smb2_ctx *x)
{
	struct session *s = x->sess;

	slog(x->conn->srv, "LOGOFF conn=%u sess=0x%llx", x->conn->id,
	     (unsigned long long)s->id);
	smb2_rsp_header(x, 4);
	buf_push(x->rsp, 2);
	/* the response goes out signed with the session's key, then the
	 * session goes: keep its id in the header */
	x->sess = NULL;
	put64(x->rsp->data + 40, s->id);
	x->req->session_id = s->id;
	if (s->job) {
		smb2_error(x, STATUS_REQUEST_NOT_ACCEPTED);
		x->sess = s;
		return;
	}
	sess_free(s);
}

void sessions_expire_all(struct server *srv)
{
	struct conn *c;
	struct session *s;

	for (c = srv->conns; c; c = c->next)
		for (s = c->sessions; s; s = s->next)
			if (s->state == SESS_VALID && !s->master) {
				s->state = SESS_EXPIRED;
				slog(srv, "FAULT expire conn=%u sess=0x%llx "
				     "on-demand", c->id,
				     (unsigned long long)s->id);
			}
}
