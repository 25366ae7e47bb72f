// SPDX-License-Identifier: GPL-2.0
/*
 * Legs >= 2: find the agent exactly as PROTOCOL.md §8 says, authenticate
 * both ways with the halves of the exchange secret, hand it this leg's
 * description and server token, and instantiate what it answers.
 *
 *   as root:  pidfd_open(agent=) and pidfd_getfd(IAKERB_AGENT_FD).  The
 *             agent is not dumpable, so this needs CAP_SYS_PTRACE: no
 *             user, not even the agent's own, can take its socket.
 *   dropped:  everything else, as the credential owner.
 *
 * The agent proves itself first (SECRET[16..31] for our fresh nonce): a
 * process that merely sits at the agent's pid, with a socket at that fd,
 * learns nothing of the secret.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "agent.h"

#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* Whatever an earlier helper left unread is not for us */
static void drain(int fd)
{
	uint8_t junk[64];
	int i;

	for (i = 0; i < 1024; i++)
		if (recv(fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_TRUNC) < 0)
			break;
}

static int take_agent_socket(const struct upcall_req *r, struct result *res)
{
	int pidfd, fd, type = 0, dom = 0;
	struct ucred cred;
	socklen_t sl;

	pidfd = sys_pidfd_open((pid_t)r->d.agent, 0);
	if (pidfd < 0)
		return fail(res, IAKERB_OUT_AGENT_LOST, "agent %u is gone: %s",
			    r->d.agent, strerror(errno));
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, IAKERB_AGENT_FD, 0);
	close(pidfd);
	if (fd < 0 && (errno == EPERM || errno == EACCES))
		return fail(res, IAKERB_OUT_NOT_PERMITTED,
			    "pidfd_getfd on agent %u: %s", r->d.agent,
			    strerror(errno));
	if (fd < 0)
		return fail(res, IAKERB_OUT_AGENT_LOST,
			    "agent %u has no socket: %s", r->d.agent,
			    strerror(errno));
	/*
	 * Whatever sits there must be the kind of socket an agent makes, made
	 * by the agent itself, as the credential owner (§8).
	 */
	sl = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &sl) ||
	    type != SOCK_SEQPACKET)
		goto not_agent;
	sl = sizeof(dom);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &sl) || dom != AF_UNIX)
		goto not_agent;
	sl = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &sl))
		goto not_agent;
	if (!agent_peer_ok(r, cred.pid, cred.uid)) {
		close(fd);
		return fail(res, IAKERB_OUT_AGENT_LOST,
			    "process %u is not this exchange's agent: its "
			    "socket was made by pid %d as uid %u, not as uid "
			    "%u", r->d.agent, (int)cred.pid,
			    (unsigned int)cred.uid, (unsigned int)r->uid);
	}
	drain(fd);
	return fd;
not_agent:
	close(fd);
	return fail(res, IAKERB_OUT_AGENT_LOST, "process %u is not an agent",
		    r->d.agent);
}

/* The next message for our nonce, skipping leftovers of earlier legs */
static int recv_for(int fd, uint8_t *buf, const uint8_t *nonce,
		    const struct timespec *deadline, struct iakerb_msg *m)
{
	ssize_t n;

	for (;;) {
		n = msg_recv(fd, buf, IAKERB_MSG_MAX, deadline);
		if (n < 0)
			return (int)n;
		if (iakerb_msg_parse(buf, (size_t)n, m) == 0 && m->nonce &&
		    !memcmp(m->nonce, nonce, IAKERB_NONCE_LEN))
			return 0;
	}
}

static int hello(int fd, const struct upcall_req *r, const uint8_t *nonce)
{
	uint8_t out[128];
	struct iakerb_msg_writer w;
	int n;

	iakerb_msg_begin(&w, out, sizeof(out), IAKERB_KIND_HELLO);
	iakerb_msg_put(&w, IAKERB_T_EXCH, r->d.exch, IAKERB_EXCH_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, r->d.leg);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	n = iakerb_msg_end(&w);
	return n < 0 ? n : msg_send(fd, out, (size_t)n);
}

static int request(int fd, const struct upcall_req *r, const uint8_t *nonce,
		   uint8_t *buf)
{
	struct iakerb_msg_writer w;
	int n;

	iakerb_msg_begin(&w, buf, IAKERB_MSG_MAX, IAKERB_KIND_REQUEST);
	iakerb_msg_put(&w, IAKERB_T_NONCE, nonce, IAKERB_NONCE_LEN);
	iakerb_msg_put_u32(&w, IAKERB_T_LEG, r->d.leg);
	iakerb_msg_put(&w, IAKERB_T_PROOF, r->msg.secret, IAKERB_PROOF_LEN);
	iakerb_msg_put(&w, IAKERB_T_DESC, r->desc, r->desc_len);
	iakerb_msg_put_u32(&w, IAKERB_T_SMB_STATUS, r->msg.smb_status);
	iakerb_msg_put(&w, IAKERB_T_SERVER_BLOB, r->msg.server_blob,
		       r->msg.server_blob_len);
	n = iakerb_msg_end(&w);
	n = n < 0 ? n : msg_send(fd, buf, (size_t)n);
	secret_wipe(buf, IAKERB_MSG_HDR_LEN + 64);
	return n;
}

static int agent_error(struct result *res, uint32_t err, uint32_t leg,
		       uint32_t agent)
{
	res->outcome = outcome_from_errno((int)err);
	res->logged = true;
	snprintf(res->why, sizeof(res->why), "leg %u: reported by agent %u",
		 leg, agent);
	return -(int)err;
}

int agent_leg(struct upcall_ctx *u, TALLOC_CTX *mem, struct payload *p)
{
	struct upcall_req *r = u->r;
	struct result *res = &u->res;
	uint8_t nonce[IAKERB_NONCE_LEN], *buf;
	struct iakerb_payload ip;
	struct timespec deadline;
	struct iakerb_msg m;
	gid_t gid;
	int fd, ret;

	deadline_in(&deadline, leg_budget_ms(r));
	/* the REQUEST holds the proof, an ESTABLISHED result the key */
	buf = secret_alloc(mem, IAKERB_MSG_MAX);
	if (!buf)
		return fail_oom(res, "the leg's message buffer");
	if (random_bytes(nonce, sizeof(nonce)))
		return fail(res, IAKERB_OUT_PROTOCOL, "no entropy: %s",
			    strerror(errno));

	fd = take_agent_socket(r, res);
	if (fd < 0)
		return fd;
	/* the agent's own gid: it was the owner's when leg 1 forked it */
	ret = privs_owner_gid(r->uid, (pid_t)r->d.agent, &gid) ?
	      privs_no_gid(res, r->uid) : privs_drop(r->uid, gid, res);
	if (ret)
		goto out;

	ret = hello(fd, r, nonce);
	if (!ret)
		ret = recv_for(fd, buf, nonce, &deadline, &m);
	if (ret == -ETIMEDOUT) {
		ret = fail(res, IAKERB_OUT_TIMEOUT, "agent %u did not answer",
			   r->d.agent);
		goto out;
	}
	if (ret) {
		ret = fail(res, IAKERB_OUT_AGENT_LOST, "agent %u: %s",
			   r->d.agent, strerror(-ret));
		goto out;
	}
	if (m.kind == IAKERB_KIND_RESULT && m.err) {
		ret = agent_error(res, m.err, r->d.leg, r->d.agent);
		goto out;
	}
	if (m.kind != IAKERB_KIND_PROOF ||
	    !ct_equal(m.proof, r->msg.secret + IAKERB_AGENT_PROOF_OFF,
		      IAKERB_PROOF_LEN)) {
		ret = fail(res, IAKERB_OUT_AGENT_LOST,
			   "process %u does not know this exchange's secret",
			   r->d.agent);
		goto out;
	}

	ret = request(fd, r, nonce, buf);
	if (!ret)
		ret = recv_for(fd, buf, nonce, &deadline, &m);
	if (ret == -ETIMEDOUT) {
		ret = fail(res, IAKERB_OUT_TIMEOUT,
			   "agent %u did not finish leg %u in time",
			   r->d.agent, r->d.leg);
		goto out;
	}
	if (ret || m.kind != IAKERB_KIND_RESULT || m.leg != r->d.leg) {
		ret = fail(res, IAKERB_OUT_AGENT_LOST,
			   "agent %u: no result for leg %u", r->d.agent,
			   r->d.leg);
		goto out;
	}
	if (m.err) {
		ret = agent_error(res, m.err, r->d.leg, r->d.agent);
		goto out;
	}
	ret = agent_payload_check(r, m.payload, m.payload_len, &ip);
	if (ret == -ESRCH) {
		ret = fail(res, IAKERB_OUT_PROTOCOL,
			   "agent %u answered leg %u naming agent %u",
			   r->d.agent, r->d.leg, ip.agent_pid);
		goto out;
	}
	if (ret) {
		ret = fail(res, IAKERB_OUT_PROTOCOL,
			   "agent %u answered leg %u with the wrong payload",
			   r->d.agent, r->d.leg);
		goto out;
	}
	p->data = ip.sesskey_len ? secret_alloc(mem, m.payload_len) :
				   talloc_size(mem, m.payload_len);
	if (!p->data) {
		ret = fail_oom(res, "the agent's payload");
		goto out;
	}
	memcpy(p->data, m.payload, m.payload_len);
	p->len = m.payload_len;
	p->flags = ip.flags;
	ret = 0;
out:
	secret_wipe(buf, IAKERB_MSG_MAX);
	close(fd);
	return ret;
}
