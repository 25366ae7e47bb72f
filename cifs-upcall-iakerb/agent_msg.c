// SPDX-License-Identifier: GPL-2.0
/*
 * Messages between a leg's helper and the agent (PROTOCOL.md §8), over
 * the agent's SOCK_SEQPACKET socketpair: one message per datagram, built
 * and parsed with the shared codec (HELLO, PROOF, REQUEST, RESULT).
 *
 * The helper's end is a duplicate of the agent's fd IAKERB_AGENT_FD,
 * which only root can take (the agent is not dumpable), and a message
 * left over from a helper that gave up may still be queued: readers skip
 * anything whose nonce is not theirs.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "agent.h"

int msg_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

void deadline_in(struct timespec *d, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += ms / 1000;
	d->tv_nsec += (long)(ms % 1000) * 1000000;
	if (d->tv_nsec >= 1000000000) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000;
	}
}

/* One whole datagram before @deadline; -ETIMEDOUT, -EMSGSIZE if cut */
ssize_t msg_recv(int fd, void *buf, size_t cap,
		 const struct timespec *deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	long left;
	int r;

	for (;;) {
		left = ms_left(deadline);
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(left > 100000 ? 100000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			continue;
		if (p.revents & (POLLHUP | POLLERR) && !(p.revents & POLLIN))
			return -ECONNRESET;
		n = recv(fd, buf, cap, MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		if ((size_t)n > cap)
			return -EMSGSIZE;
		return n;
	}
}

int msg_result(int fd, const uint8_t *nonce, uint32_t leg, int err,
	       const struct payload *p)
{
	uint8_t buf[IAKERB_MSG_HDR_LEN + 3 * IAKERB_REC_HDR_LEN +
		    IAKERB_NONCE_LEN + 8 + IAKERB_REC_HDR_LEN +
		    IAKERB_PAYLOAD_MAX];
	struct iakerb_msg_writer w;
	int n, ret;

	iakerb_msg_begin(&w, buf, sizeof(buf), IAKERB_KIND_RESULT);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, leg);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, (uint32_t)(err < 0 ? -err : err));
	if (!err && p)
		iakerb_msg_put(&w, IAKERB_T_PAYLOAD, p->data, p->len);
	n = iakerb_msg_end(&w);
	ret = n < 0 ? n : msg_send(fd, buf, (size_t)n);
	/* it may hold a session key */
	secret_wipe(buf, sizeof(buf));
	return ret;
}

/*
 * HELLO: for this exchange, for exactly the next leg, and not while
 * another helper's HELLO is answered.  REQUEST: for the HELLO answered,
 * with the helper's half of the secret, and a description of this
 * exchange (leg 1's in all but leg/tmo/agent) naming this leg and us.
 */
enum agent_verdict agent_check(struct agent_state *st, const void *buf,
			       size_t len, struct iakerb_msg *m)
{
	struct iakerb_desc d;

	if (iakerb_msg_parse(buf, len, m))
		return AGENT_MALFORMED;
	switch (m->kind) {
	case IAKERB_KIND_HELLO:
		if (memcmp(m->xid, st->own->xid, IAKERB_XID_LEN) ||
		    m->leg != st->next_leg || st->pending)
			return AGENT_OUT_OF_ORDER;
		st->pending = true;
		st->leg = m->leg;
		memcpy(st->nonce, m->nonce, IAKERB_NONCE_LEN);
		return AGENT_HELLO;
	case IAKERB_KIND_REQUEST:
		if (!st->pending ||
		    memcmp(m->nonce, st->nonce, IAKERB_NONCE_LEN) ||
		    m->leg != st->leg)
			return AGENT_OUT_OF_ORDER;
		if (!ct_equal(m->proof, st->secret, IAKERB_PROOF_LEN))
			return AGENT_IMPOSTOR;
		if (iakerb_desc_parse(m->desc, m->desc_len, &d) ||
		    !iakerb_desc_same_exchange(st->own, &d) ||
		    d.leg != m->leg || d.agent != st->self)
			return AGENT_OUT_OF_ORDER;
		st->pending = false;
		return AGENT_REQUEST;
	}
	return AGENT_MALFORMED;
}

/* PROOF {NONCE, SECRET[16..31]} for the HELLO just accepted */
int agent_proof(const struct agent_state *st, void *buf, size_t cap)
{
	struct iakerb_msg_writer w;

	iakerb_msg_begin(&w, buf, cap, IAKERB_KIND_PROOF);
	iakerb_msg_put(&w, IAKERB_T_NONCE, st->nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put(&w, IAKERB_T_PROOF, st->secret + IAKERB_AGENT_PROOF_OFF,
		       IAKERB_PROOF_LEN);
	return iakerb_msg_end(&w);
}

/*
 * The socket a leg's helper took from the process at agent=.  SO_PEERCRED
 * names whoever made the socketpair, as they were then: the agent makes
 * it after leg 1's helper dropped to the credential owner (agent.c), so
 * its uid is exactly the exchange's owner.  Root's would be some other
 * exchange's agent, or any root process that sits at a reused pid.
 */
bool agent_peer_ok(const struct upcall_req *r, pid_t pid, uid_t uid)
{
	return pid == (pid_t)r->d.agent && uid == r->uid;
}

/*
 * The agent's answer for this leg: a payload the kernel takes on it (§5),
 * and a CONTINUE that names the agent this leg was sent to (the kernel
 * refuses a changed agent_pid; we never hand it one).  -EPROTO, -ESRCH.
 */
int agent_payload_check(const struct upcall_req *r, const uint8_t *buf,
			size_t len, struct iakerb_payload *ip)
{
	if (iakerb_payload_parse(buf, len, payload_expect(r), ip))
		return -EPROTO;
	if (ip->flags == IAKERB_MSG_CONTINUE && ip->agent_pid != r->d.agent)
		return -ESRCH;
	return 0;
}
