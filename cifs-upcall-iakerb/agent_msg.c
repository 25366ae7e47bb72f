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
#include <unistd.h>

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

/* The first descriptor an SCM_RIGHTS message carried (others closed) */
static int msg_take_fd(struct msghdr *mh)
{
	struct cmsghdr *c;
	int fd = -1, *fds;
	size_t i, n;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		fds = (int *)CMSG_DATA(c);
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			if (fd < 0)
				fd = fds[i];
			else
				close(fds[i]);
		}
	}
	return fd;
}

/*
 * One whole datagram before @deadline; -ETIMEDOUT, -EMSGSIZE if cut.
 * With @fd_out, a descriptor passed with it (SCM_RIGHTS) or -1.
 */
ssize_t msg_recv_fd(int fd, void *buf, size_t cap,
		    const struct timespec *deadline, int *fd_out)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	long left;
	int r;

	if (fd_out)
		*fd_out = -1;
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
		iov = (struct iovec){ .iov_base = buf, .iov_len = cap };
		mh = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1 };
		if (fd_out) {
			mh.msg_control = ctl.buf;
			mh.msg_controllen = sizeof(ctl.buf);
		}
		n = recvmsg(fd, &mh, MSG_TRUNC | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (fd_out && mh.msg_controllen)
			*fd_out = msg_take_fd(&mh);
		if (n == 0 || (size_t)n > cap) {
			if (fd_out && *fd_out >= 0) {
				close(*fd_out);
				*fd_out = -1;
			}
			return n == 0 ? -ECONNRESET : -EMSGSIZE;
		}
		return n;
	}
}

ssize_t msg_recv(int fd, void *buf, size_t cap,
		 const struct timespec *deadline)
{
	return msg_recv_fd(fd, buf, cap, deadline, NULL);
}

/* Send @len bytes and, if @pass >= 0, that descriptor with them */
static int msg_send_fd(int fd, const void *buf, size_t len, int pass)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	if (pass < 0)
		return msg_send(fd, buf, len);
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pass, sizeof(int));
	do {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

/*
 * A RESULT (to a helper, @nonce given) or an ANSWER (to the kernel over
 * the channel, @nonce NULL); @pass, if >= 0, goes with it (SCM_RIGHTS)
 */
static int msg_reply(int fd, const uint8_t *nonce, uint32_t leg, int err,
		     const struct payload *p, int pass)
{
	bool with = !err && p;
	size_t cap = IAKERB_MSG_HDR_LEN + 3 * IAKERB_REC_HDR_LEN +
		     IAKERB_NONCE_LEN + 8 + IAKERB_REC_HDR_LEN +
		     (with ? p->len : 0);
	struct iakerb_msg_writer w;
	uint8_t *buf;
	int n, ret;

	/* a LEGACY or ESTABLISHED payload holds the session key */
	buf = with && p->flags != IAKERB_MSG_CONTINUE ?
	      secret_alloc(NULL, cap) : talloc_size(NULL, cap);
	if (!buf)
		return -ENOMEM;
	iakerb_msg_begin(&w, buf, cap,
			 nonce ? IAKERB_KIND_RESULT : IAKERB_KIND_ANSWER);
	if (nonce)
		iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, leg);
	iakerb_msg_put_u32(&w, IAKERB_T_ERRNO, (uint32_t)(err < 0 ? -err : err));
	if (with)
		iakerb_msg_put(&w, IAKERB_T_PAYLOAD, p->data, p->len);
	n = iakerb_msg_end(&w);
	ret = n < 0 ? n : msg_send_fd(fd, buf, (size_t)n, pass);
	talloc_free(buf);	/* a secret one is wiped by its destructor */
	return ret;
}

int msg_result(int fd, const uint8_t *nonce, uint32_t leg, int err,
	       const struct payload *p)
{
	return msg_reply(fd, nonce, leg, err, p, -1);
}

int msg_result_fd(int fd, const uint8_t *nonce, uint32_t leg, int err,
		  const struct payload *p, int pass)
{
	return msg_reply(fd, nonce, leg, err, p, pass);
}

int msg_answer(int fd, uint32_t leg, int err, const struct payload *p)
{
	return msg_reply(fd, NULL, leg, err, p, -1);
}

/* A message's DESC: of this exchange, for exactly @leg, naming us */
static bool desc_names_leg(const struct agent_state *st,
			   const struct iakerb_msg *m, uint32_t leg)
{
	struct iakerb_desc d;

	return !iakerb_desc_parse(m->desc, m->desc_len, &d) &&
	       iakerb_desc_same_exchange(st->own, &d) && d.leg == leg &&
	       d.agent == st->self;
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
	if (iakerb_msg_parse(buf, len, m))
		return AGENT_MALFORMED;
	switch (m->kind) {
	case IAKERB_KIND_HELLO:
		if (memcmp(m->exch, st->own->exch, IAKERB_EXCH_LEN) ||
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
		if (!desc_names_leg(st, m, m->leg))
			return AGENT_OUT_OF_ORDER;
		st->pending = false;
		return AGENT_REQUEST;
	}
	return AGENT_MALFORMED;
}

/*
 * The kernel's LEG over the channel (§8).  Only the kernel holds the
 * other end, but the checks are the same as for a helper's REQUEST: the
 * exchange's whole secret (the callout carries it on every leg), exactly
 * the next leg, and a description of this exchange naming us.
 */
enum agent_verdict agent_check_leg(struct agent_state *st, const void *buf,
				   size_t len, struct iakerb_msg *m)
{
	if (iakerb_msg_parse(buf, len, m) || m->kind != IAKERB_KIND_LEG)
		return AGENT_MALFORMED;
	if (!ct_equal(m->secret, st->secret, IAKERB_SECRET_LEN))
		return AGENT_IMPOSTOR;
	if (!desc_names_leg(st, m, st->next_leg))
		return AGENT_OUT_OF_ORDER;
	m->leg = st->next_leg;
	return AGENT_REQUEST;
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
