// SPDX-License-Identifier: GPL-2.0
/*
 * Leg 1 of a multi-leg exchange: start the agent (see agent.h), let it
 * make the first token, and hand its CONTINUE payload to the kernel.
 *
 * The agent is forked here, after the helper dropped privileges and
 * entered the caller's namespaces, so it runs as the credential owner in
 * the caller's world from its first instruction.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "agent.h"
#include "initiator.h"

/* Where the agent keeps its serving end (the other is IAKERB_AGENT_FD) */
#define AGENT_SERVE_FD	(IAKERB_AGENT_FD + 1)

/*
 * How long a helper may wait for its agent: a little less than the
 * watchdog (tmo - margin), so that the helper, not the alarm, handles the
 * timeout (and leg 1's helper can still kill the agent it started).
 */
unsigned int leg_budget_ms(const struct upcall_req *r)
{
	unsigned int tmo = r->multileg ? r->d.tmo : IAKERB_TMO_DEFAULT;

	return (tmo - IAKERB_HELPER_MARGIN_SEC) * 1000 - 250;
}

struct agent {
	struct upcall_ctx *u;
	struct initiator *in;
	struct agent_state st;		/* what agent_check() decides on */
	int sock;
	int caller_pidfd;
	bool chan;			/* the kernel holds the other end */
	struct timespec idle, end;
};

/* A leg's answer: a RESULT to a helper, an ANSWER over the channel */
static void agent_reply(struct agent *a, const struct iakerb_msg *m,
			int err, const struct payload *p)
{
	if (a->chan)
		msg_answer(a->sock, m->leg, err, p);
	else
		msg_result(a->sock, m->nonce, m->leg, err, p);
}

static void agent_log_leg(struct agent *a, uint32_t leg, int err)
{
	struct leg_note *n = &a->in->note;

	if (err)
		ulog(LOG_ERR, "leg %u: %s -> %s (%s): %s", leg, n->server[0] ?
		     n->server : "?", outcome_name(a->u->res.outcome),
		     strerror(outcome_errno(a->u->res.outcome)),
		     a->u->res.why);
	else
		ulog(LOG_INFO, "leg %u: %s (%zu bytes) -> %s (%zu bytes)", leg,
		     n->server, n->server_len, n->client, n->client_len);
}

/*
 * The final leg: if the kernel offered reauth=1, when it should
 * authenticate the session again (reauth.c), logged for the tests.
 */
static uint32_t agent_reauth(struct agent *a, const struct iakerb_msg *m)
{
	struct iakerb_desc d;
	uint32_t sec;

	if (iakerb_desc_parse(m->desc, m->desc_len, &d) ||
	    !(d.have & IAKERB_F_REAUTH))
		return 0;
	sec = reauth_advice(a->in);
	if (sec)
		ulog(LOG_INFO, "reauthenticate in %u s (before the ticket ends)",
		     sec);
	else
		ulog(LOG_INFO, "no reauthentication: nothing fresher to get "
		     "before the ticket ends");
	return sec;
}

/* One REQUEST that passed the checks: run the leg, answer, maybe end */
static bool agent_leg_run(struct agent *a, const struct iakerb_msg *m)
{
	TALLOC_CTX *mem = talloc_new(a->u->mem);
	struct payload p = { 0 };
	uint8_t *blob = NULL, *key;
	size_t blob_len = 0, key_len = 0;
	bool done = false;
	int ret;

	key = secret_alloc(mem, IAKERB_SESSKEY_MAX);
	a->u->res.outcome = OUT_OK;
	a->u->res.why[0] = 0;
	ret = key ? init_next(a->in, mem, m->server_blob, m->server_blob_len,
			      m->smb_status, &blob, &blob_len, &done, key,
			      &key_len) :
		    fail_oom(&a->u->res, "the leg's session key buffer");
	if (!ret && done)
		ret = payload_established(mem, key, key_len,
					  agent_reauth(a, m), &p);
	else if (!ret)
		ret = payload_continue(mem, blob, blob_len, getpid(), &p);
	if (ret && a->u->res.outcome == OUT_OK)
		fail(&a->u->res, outcome_from_errno(ret),
		     "cannot build a payload: %s", strerror(-ret));
	agent_log_leg(a, m->leg, ret);
	agent_reply(a, m, ret ? outcome_errno(a->u->res.outcome) : 0, &p);
	/* what a leg's helper logs when it instantiates the key */
	if (a->chan && !ret)
		ulog(LOG_INFO, "%s payload, %zu bytes, to the kernel",
		     payload_flags_name(p.flags), p.len);
	talloc_free(mem);
	return ret || done;
}

/* Room for a PROOF {NONCE, PROOF} */
#define AGENT_PROOF_MAX	256

/* Returns true when the agent should exit */
static bool agent_handle(struct agent *a, const uint8_t *buf, size_t len)
{
	struct iakerb_msg m;
	uint8_t *out;
	int n;

	/* every failed check ends the exchange: the agent fails closed */
	switch (a->chan ? agent_check_leg(&a->st, buf, len, &m) :
			  agent_check(&a->st, buf, len, &m)) {
	case AGENT_HELLO:
		/* the PROOF is half the exchange secret */
		out = secret_alloc(a->u->mem, AGENT_PROOF_MAX);
		n = out ? agent_proof(&a->st, out, AGENT_PROOF_MAX) : -ENOMEM;
		if (n > 0)
			msg_send(a->sock, out, (size_t)n);
		talloc_free(out);	/* wiped by its destructor */
		return false;
	case AGENT_REQUEST:
		if (agent_leg_run(a, &m))
			return true;
		a->st.next_leg++;
		deadline_in(&a->idle, IAKERB_AGENT_IDLE_SEC * 1000);
		return false;
	case AGENT_MALFORMED:
		ulog(LOG_ERR, "a malformed or unexpected message on the "
		     "agent's socket: ending the exchange");
		return true;
	case AGENT_IMPOSTOR:
		/* someone has our socket but not the secret */
		ulog(LOG_ERR, "a request without the exchange's secret: "
		     "ending the exchange");
		agent_reply(a, &m, EPERM, NULL);
		return true;
	case AGENT_OUT_OF_ORDER:
	default:
		ulog(LOG_ERR, "a %s for leg %u (expecting leg %u): replayed, "
		     "skipped or out of order, ending the exchange",
		     m.kind == IAKERB_KIND_HELLO ? "helper" : "request", m.leg,
		     a->st.next_leg);
		agent_reply(a, &m, EPROTO, NULL);
		return true;
	}
}

/* The kernel sends SIGTERM when it gives up on the exchange (§6 step 4) */
static volatile sig_atomic_t agent_stop;

static void on_term(int sig)
{
	(void)sig;
	agent_stop = 1;
}

/*
 * One message, in secret memory of its own size (a LEG carries the whole
 * exchange secret, a REQUEST half of it): the agent locks no more than
 * the message it reads, and only while it reads it.  NULL with *@stop
 * set when the socket is gone or memory ran out; NULL alone when there
 * was nothing to read or the message was cut (skipped).
 */
static uint8_t *agent_recv(struct agent *a, TALLOC_CTX *mem, size_t *len,
			   bool *stop)
{
	uint8_t *buf, skip;
	ssize_t n;

	n = recv(a->sock, &skip, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return NULL;
	if (n <= 0 || (size_t)n > IAKERB_MSG_MAX) {
		/* too long for any message: take it off the queue */
		if (n > 0)
			(void)recv(a->sock, &skip, 1, MSG_DONTWAIT);
		*stop = n <= 0;
		return NULL;
	}
	buf = secret_alloc(mem, (size_t)n);
	if (!buf) {
		*stop = true;
		return NULL;
	}
	n = recv(a->sock, buf, (size_t)n, MSG_TRUNC | MSG_DONTWAIT);
	if (n <= 0 || (size_t)n > talloc_get_size(buf) - 1) {
		talloc_free(buf);
		*stop = n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

static void agent_serve(struct agent *a)
{
	struct pollfd p[2];
	bool stop = false;
	long left, l2;
	uint8_t *buf;
	size_t n;
	int r;

	while (!stop && !agent_stop) {
		left = ms_left(&a->idle);
		l2 = ms_left(&a->end);
		if (l2 < left)
			left = l2;
		if (left <= 0) {
			ulog(LOG_NOTICE, "agent deadline passed at leg %u: "
			     "exiting", a->st.next_leg);
			break;
		}
		p[0] = (struct pollfd){ .fd = a->sock, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = a->caller_pidfd,
					.events = POLLIN };
		r = poll(p, a->caller_pidfd >= 0 ? 2 : 1,
			 (int)(left > 60000 ? 60000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r > 0 && a->caller_pidfd >= 0 && (p[1].revents & POLLIN)) {
			ulog(LOG_NOTICE, "the calling process exited: agent "
			     "exiting at leg %u", a->st.next_leg);
			break;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		buf = agent_recv(a, a->u->mem, &n, &stop);
		if (!buf)
			continue;
		r = agent_handle(a, buf, n);
		talloc_free(buf);	/* wiped by its destructor */
		if (r)
			break;
	}
}

/*
 * The agent's process set-up: its session, signals and file descriptors.
 * It keeps IAKERB_AGENT_FD (the end helpers take) and AGENT_SERVE_FD (the
 * end it reads) of a socketpair it makes itself, so that SO_PEERCRED on
 * either names the agent (§8); AGENT_CALLER_FD (the caller's pidfd, if
 * any); AGENT_FIRST_FD (the channel to its parent, for leg 1's result);
 * AGENT_LOG_FD (the host's log, connected before leg 1 entered any
 * namespace: log.c); and /dev/null on 0-2 (stderr kept for -s).
 */
#define AGENT_CALLER_FD	(IAKERB_AGENT_FD + 2)
#define AGENT_FIRST_FD	(IAKERB_AGENT_FD + 3)
#define AGENT_LOG_FD	(IAKERB_AGENT_FD + 4)

static int agent_detach(int first, int caller, bool keep_stderr,
			int *caller_out)
{
	struct sigaction term = { .sa_handler = on_term };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int size = 256 * 1024, rv[2], hi[4], logging, ret;

	setsid();
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &term, NULL);	/* no SA_RESTART: wake poll */
	/* made as the credential owner (we dropped in privs_enter_world):
	 * a later leg's helper takes SO_PEERCRED's uid for exactly that */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, rv) < 0)
		return -1;
	/* a REQUEST carries a whole token: room for the largest */
	setsockopt(rv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(rv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* above everything first, so that no dup2 below clobbers another */
	hi[0] = fcntl(rv[0], F_DUPFD_CLOEXEC, 200);
	hi[1] = fcntl(rv[1], F_DUPFD_CLOEXEC, 200);
	hi[2] = caller >= 0 ? fcntl(caller, F_DUPFD_CLOEXEC, 200) : -1;
	hi[3] = fcntl(first, F_DUPFD_CLOEXEC, 200);
	if (hi[0] < 0 || hi[1] < 0 || hi[3] < 0)
		return -1;
	/* no CLOEXEC needed on the kept ones: nothing execs */
	if (dup2(hi[0], IAKERB_AGENT_FD) < 0 ||
	    dup2(hi[1], AGENT_SERVE_FD) < 0 ||
	    dup2(hi[3], AGENT_FIRST_FD) < 0)
		return -1;
	*caller_out = hi[2] >= 0 ? dup2(hi[2], AGENT_CALLER_FD) : -1;
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!keep_stderr)
			dup2(null, 2);
	}
	/*
	 * The log socket too must not be closed under log.c's feet: a stale
	 * number would send log lines into whatever krb5 opens next (and
	 * glibc's syslog() would have reconnected in the caller's namespace)
	 */
	logging = log_move_fd(AGENT_LOG_FD);
	if (logging < 0)
		return -1;
	/* the io's files, the caller's /proc, everything else: gone */
	close_range(3, IAKERB_AGENT_FD - 1, 0);
	close_range(logging ? AGENT_LOG_FD + 1 : AGENT_LOG_FD, ~0U, 0);
	if (*caller_out < 0)
		close(AGENT_CALLER_FD);
	/* its last change of credentials was before fork(): now, not before */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/*
	 * Only our secrets' pages, not mlockall(): the password, the exchange
	 * secret and the callout came from leg 1's helper, and fork() does
	 * not pass on locks.  What MIT krb5 copies to its own heap (the
	 * password in the GSS credential, the AS exchange's keys) we cannot
	 * target; README.md says how to keep it off disk (swap).
	 */
	ret = secret_relock();
	if (ret)
		ulog(LOG_WARNING, "cannot lock the secrets' pages: %s "
		     "(RLIMIT_MEMLOCK?)", strerror(-ret));
	return 0;
}

static void __attribute__((noreturn))
agent_main(struct upcall_ctx *u, int first, const uint8_t *secret,
	   const uint8_t *nonce)
{
	struct agent a = { .u = u };
	TALLOC_CTX *mem = talloc_new(u->mem);
	struct payload p = { 0 };
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	int ret;

	if (agent_detach(first, u->caller.pidfd, u->o->log_stderr,
			 &a.caller_pidfd))
		_exit(1);
	a.sock = AGENT_SERVE_FD;
	/* the kernel offered its channel, and we may take it (§8) */
	a.chan = (u->r->d.have & IAKERB_F_CHAN) && !u->o->no_channel;
	a.st.own = &u->r->d;
	a.st.self = (uint32_t)getpid();
	a.st.secret = secret;
	a.st.next_leg = 2;
	u->caller.pidfd = u->caller.procfd = -1;
	log_set_context("agent %s@%s exch %s",
			(u->r->d.have & IAKERB_F_USER) ? u->r->d.user : "-",
			u->r->d.host, u->r->d.exch);
	deadline_in(&a.idle, IAKERB_AGENT_IDLE_SEC * 1000);
	deadline_in(&a.end, IAKERB_EXCHANGE_MAX_SEC * 1000);

	/*
	 * The callout's SECRET record is the exchange secret: the agent keeps
	 * its own copy.  The rest (NEG_BLOB) is still to be read by
	 * init_first(), which picks the dialect from it.
	 */
	secret_wipe((uint8_t *)u->r->msg.secret, IAKERB_SECRET_LEN);
	a.in = talloc_zero(u->mem, struct initiator);
	ret = a.in ? init_first(a.in, mem, u, &blob, &blob_len) :
		     fail_oom(&u->res, "the agent's initiator");
	if (!ret)
		ret = payload_continue(mem, blob, blob_len, getpid(), &p);
	if (ret && u->res.outcome == OUT_OK)
		fail(&u->res, outcome_from_errno(ret), "cannot start: %s",
		     strerror(-ret));
	if (a.in)
		agent_log_leg(&a, 1, ret);
	/*
	 * Nobody to tell (leg 1's helper gave up): nothing to wait for.  With
	 * the channel, the helper's end goes with the answer and the agent
	 * keeps no copy of it: no helper can take it with pidfd_getfd(), and
	 * once leg 1's helper exits only the kernel holds it.
	 */
	if (msg_result_fd(AGENT_FIRST_FD, nonce, 1,
			  ret ? outcome_errno(u->res.outcome) : 0, &p,
			  a.chan && !ret ? IAKERB_AGENT_FD : -1) && !ret) {
		ulog(LOG_NOTICE, "leg 1's helper is gone: exiting");
		ret = -EPIPE;
	}
	close(AGENT_FIRST_FD);
	if (a.chan)
		close(IAKERB_AGENT_FD);
	talloc_free(mem);
	if (!ret && !agent_stop)
		agent_serve(&a);
	/* also when it came before agent_serve(): right after leg 1 */
	if (agent_stop) {
		ulog(LOG_NOTICE, "SIGTERM at leg %u: exiting", a.st.next_leg);
		if (a.in)
			dialect_on_abandon(a.in);
	}
	/* a remembered realm no KDC of it confirmed: dropped (password.c) */
	if (a.in)
		pw_realm_on_failure(a.in);
	if (a.in)
		init_free(a.in);
	/* wipe what is ours: secret memory (the password, keys) has
	 * destructors that wipe it; MIT wipes its credential's copy */
	secret_wipe((void *)secret, IAKERB_SECRET_LEN);
	talloc_free(u->mem);
	_exit(ret ? 1 : 0);
}

/*
 * The agent could not enter the caller's world: it says why in its own
 * line, and tells leg 1's helper (its parent, which answers the kernel).
 */
static __attribute__((noreturn)) void
agent_refuse(struct upcall_ctx *u, int first, uint8_t *secret,
	     const uint8_t *nonce)
{
	ulog(LOG_ERR, "%s (%s): %s", outcome_name(u->res.outcome),
	     strerror(outcome_errno(u->res.outcome)), u->res.why);
	msg_result_fd(first, nonce, 1, outcome_errno(u->res.outcome), NULL,
		      -1);
	secret_wipe(secret, IAKERB_SECRET_LEN);
	secret_wipe(u->pass, u->pass_len);
	_exit(1);
}

/*
 * Leg 1's CONTINUE with the agent's channel (§8): @chan, which the agent
 * passed, goes to the kernel in the longer trailer.  The kernel takes it
 * while this process instantiates the key (so it stays open until this
 * helper exits), and only if its peer is the agent; it is checked here
 * too, so that a wrong one fails with a clear line.
 */
static int agent_hand_over(struct upcall_ctx *u, TALLOC_CTX *mem,
			   struct iakerb_payload *ip, pid_t pid, int chan,
			   struct payload *p)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int type = 0, n;
	socklen_t tlen = sizeof(type);

	if (chan < 0 ||
	    getsockopt(chan, SOL_SOCKET, SO_TYPE, &type, &tlen) ||
	    type != SOCK_SEQPACKET ||
	    getsockopt(chan, SOL_SOCKET, SO_PEERCRED, &cr, &len) ||
	    cr.pid != pid) {
		if (chan >= 0)
			close(chan);
		return fail(&u->res, IAKERB_OUT_PROTOCOL,
			    "agent %d did not pass its channel", (int)pid);
	}
	ip->has_chan = 1;
	ip->chan_fd = (uint32_t)chan;
	p->data = talloc_size(mem, IAKERB_PAYLOAD_MAX);
	if (!p->data) {
		close(chan);
		return fail_oom(&u->res, "leg 1's payload");
	}
	n = iakerb_payload_build(p->data, IAKERB_PAYLOAD_MAX, ip);
	if (n < 0) {
		close(chan);
		return fail(&u->res, IAKERB_OUT_PROTOCOL,
			    "cannot build leg 1's payload: %s", strerror(-n));
	}
	p->len = (size_t)n;
	p->flags = ip->flags;
	ulog(LOG_DEBUG, "agent %d started; its channel goes to the kernel",
	     (int)pid);
	return 0;
}

int agent_start(struct upcall_ctx *u, TALLOC_CTX *mem, struct payload *p)
{
	struct upcall_req *r = u->r;
	uint8_t *secret, *nonce, *buf;
	struct timespec deadline;
	struct iakerb_msg m;
	struct iakerb_payload ip;
	int sv[2], size = 256 * 1024, chan = -1;
	bool want_chan = (r->d.have & IAKERB_F_CHAN) && !u->o->no_channel;
	ssize_t n;
	pid_t pid;

	/* the agent's copy of the secret, and leg 1's nonce beside it */
	secret = secret_alloc(u->mem, IAKERB_SECRET_LEN + IAKERB_NONCE_LEN);
	buf = talloc_size(mem, IAKERB_MSG_MAX);
	if (!secret || !buf)
		return fail_oom(&u->res, "leg 1's secret and message buffer");
	nonce = secret + IAKERB_SECRET_LEN;
	if (random_bytes(nonce, IAKERB_NONCE_LEN))
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "no entropy: %s",
			    strerror(errno));
	memcpy(secret, r->msg.secret, IAKERB_SECRET_LEN);

	/* leg 1's own channel: the rendezvous pair is the agent's to make */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "socketpair: %s",
			    strerror(errno));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	deadline_in(&deadline, leg_budget_ms(r));

	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "fork: %s",
			    strerror(errno));
	}
	if (pid == 0) {
		close(sv[0]);
		if (privs_enter_world(u, true))
			agent_refuse(u, sv[1], secret, nonce);
		agent_main(u, sv[1], secret, nonce);
	}

	/* the helper: the password and secret are the agent's business now */
	close(sv[1]);
	secret_wipe(u->pass, u->pass_len);
	secret_wipe(secret, IAKERB_SECRET_LEN);
	u->pass_len = 0;

	for (;;) {
		if (chan >= 0)
			close(chan);
		n = msg_recv_fd(sv[0], buf, IAKERB_MSG_MAX, &deadline, &chan);
		if (n < 0)
			break;
		if (iakerb_msg_parse(buf, (size_t)n, &m) == 0 &&
		    m.kind == IAKERB_KIND_RESULT &&
		    !memcmp(m.nonce, nonce, IAKERB_NONCE_LEN))
			break;
	}
	close(sv[0]);
	/* the channel comes with a first token only, and only if offered */
	if (chan >= 0 && (n < 0 || m.err || !want_chan)) {
		close(chan);
		chan = -1;
	}
	if (n == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		return fail(&u->res, IAKERB_OUT_TIMEOUT,
			    "the agent made no first token in time");
	}
	if (n < 0)
		return fail(&u->res, IAKERB_OUT_AGENT_LOST,
			    "the agent died before its first token");
	if (m.err) {
		u->res.outcome = outcome_from_errno((int)m.err);
		u->res.logged = true;
		snprintf(u->res.why, sizeof(u->res.why),
			 "reported by agent %d", (int)pid);
		return -(int)m.err;
	}
	if (iakerb_payload_parse(m.payload, m.payload_len, IAKERB_EXPECT_FIRST,
				 &ip) || ip.agent_pid != (uint32_t)pid ||
	    ip.has_chan) {
		if (chan >= 0)
			close(chan);
		return fail(&u->res, IAKERB_OUT_PROTOCOL,
			    "the agent's first payload is malformed");
	}
	if (want_chan && ip.flags == IAKERB_MSG_CONTINUE)
		return agent_hand_over(u, mem, &ip, pid, chan, p);
	if (chan >= 0)
		close(chan);
	p->data = talloc_memdup(mem, m.payload, m.payload_len);
	p->len = m.payload_len;
	p->flags = ip.flags;
	if (!p->data)
		return fail_oom(&u->res, "leg 1's payload");
	ulog(LOG_DEBUG, "agent %d started", (int)pid);
	return 0;
}
