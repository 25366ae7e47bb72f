/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent and its messages (agent.c, agent_client.c, agent_msg.c).
 *
 * The agent is a process forked by leg 1's helper, after privileges were
 * dropped and namespaces entered.  It holds the partial GSS context
 * between legs (MIT cannot export a partial IAKerb context: FACTS.md),
 * its end of a socketpair at IAKERB_AGENT_FD, and the exchange secret.
 * It is not dumpable (so only root can pidfd_getfd its socket), and it
 * exits when the exchange completes or fails, when the calling process
 * exits, after IAKERB_AGENT_IDLE_SEC without a leg, or after
 * IAKERB_EXCHANGE_MAX_SEC in all.
 *
 * A leg (PROTOCOL.md §8), helper -> agent:
 *   HELLO   {EXCH, LEG, NONCE}            the helper's fresh nonce
 *   PROOF   {NONCE, PROOF=SECRET[16..31]} the agent proves it first
 *   REQUEST {NONCE, LEG, PROOF=SECRET[0..15], DESC, SMB_STATUS,
 *            SERVER_BLOB}                 then the helper, with the leg
 *   RESULT  {NONCE, LEG, ERRNO, [PAYLOAD]} the key's payload, or why not
 * Leg 1's helper, the agent's parent, gets a RESULT with its own nonce
 * and no handshake.
 *
 * When the kernel offers its channel (chan=1) the agent passes its
 * socket's other end to leg 1's helper with that RESULT (SCM_RIGHTS) and
 * keeps no copy; the helper hands it to the kernel, and later legs are
 *   LEG    {SECRET, DESC, SMB_STATUS, SERVER_BLOB}   kernel -> agent
 *   ANSWER {LEG, ERRNO, [PAYLOAD]}                   agent -> kernel
 * with no helper, no nonce and no proof: nobody else holds that socket.
 */
#ifndef CIFS_UPCALL_IAKERB_AGENT_H
#define CIFS_UPCALL_IAKERB_AGENT_H

#include <sys/types.h>
#include <time.h>

#include "upcall.h"

int msg_send(int fd, const void *buf, size_t len);
ssize_t msg_recv(int fd, void *buf, size_t cap,
		 const struct timespec *deadline);
ssize_t msg_recv_fd(int fd, void *buf, size_t cap,
		    const struct timespec *deadline, int *fd_out);
int msg_result(int fd, const uint8_t *nonce, uint32_t leg, int err,
	       const struct payload *p);
int msg_result_fd(int fd, const uint8_t *nonce, uint32_t leg, int err,
		  const struct payload *p, int pass);
int msg_answer(int fd, uint32_t leg, int err, const struct payload *p);
void deadline_in(struct timespec *d, unsigned int ms);
/* Milliseconds until @deadline (CLOCK_MONOTONIC), <= 0 once passed */
long ms_left(const struct timespec *deadline);

/*
 * The agent's checks of each message it reads (§8), without I/O so that
 * they can be fuzzed: what it knows, and what it makes of a message.
 */
struct agent_state {
	const struct iakerb_desc *own;	/* leg 1's description */
	uint32_t	self;		/* the agent's pid (init pid ns) */
	const uint8_t	*secret;	/* IAKERB_SECRET_LEN */
	uint32_t	next_leg;
	bool		pending;	/* a HELLO was answered */
	uint8_t		nonce[IAKERB_NONCE_LEN];
	uint32_t	leg;
};

enum agent_verdict {
	AGENT_HELLO,		/* answer with agent_proof() */
	AGENT_REQUEST,		/* run the leg */
	AGENT_MALFORMED,	/* unparsable, or not HELLO/REQUEST */
	AGENT_OUT_OF_ORDER,	/* replayed, skipped, other exchange */
	AGENT_IMPOSTOR,		/* a REQUEST without the secret */
};

enum agent_verdict agent_check(struct agent_state *st, const void *buf,
			       size_t len, struct iakerb_msg *m);
enum agent_verdict agent_check_leg(struct agent_state *st, const void *buf,
				   size_t len, struct iakerb_msg *m);
int agent_proof(const struct agent_state *st, void *buf, size_t cap);

/* A leg's helper: is the socket it took the agent's, and its answer? */
bool agent_peer_ok(const struct upcall_req *r, pid_t pid, uid_t uid);
int agent_payload_check(const struct upcall_req *r, const uint8_t *buf,
			size_t len, struct iakerb_payload *ip);

/* The helper's answer deadline for this leg, from tmo= */
unsigned int leg_budget_ms(const struct upcall_req *r);

#endif
