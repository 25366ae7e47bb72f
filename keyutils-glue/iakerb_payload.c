// SPDX-License-Identifier: LGPL-2.1
/*
 * Key payloads (PROTOCOL.md §5): struct cifs_spnego_msg as the helper
 * instantiates it, with the CONTINUE trailer; the password key's payload
 * (§7); the outcome table (§11); wiping.
 *
 *   cifs_spnego_msg: u32 version=2 | u32 flags | u32 sesskey_len |
 *                    u32 secblob_len | sesskey | secblob | [trailer]
 *   trailer (CONTINUE only): u32 IAKERB_TRAILER_MAGIC | u32 agent_pid
 *     or, on leg 1 (IAKERB_EXPECT_CHAN):
 *                            u32 IAKERB_TRAILER_CHAN_MAGIC | u32 agent_pid |
 *                            u32 chan_fd
 *   trailer (ESTABLISHED, optional, IAKERB_EXPECT_REAUTH):
 *                            u32 IAKERB_TRAILER_REAUTH_MAGIC | u32 seconds
 *   cred key: u32 IAKERB_CRED_MAGIC | u32 version=1 | u32 pass_len |
 *             u32 domain_len | pass | domain
 */
#include "iakerb_compat.h"

/* The shape every flags value requires; shared by parse and build */
static int payload_check(__u32 flags, __u32 klen, __u32 blen, __u32 agent,
			 __u32 has_chan, __u32 chan_fd, __u32 reauth)
{
	if (has_chan && (flags != IAKERB_MSG_CONTINUE ||
			 chan_fd > IAKERB_CHAN_FD_MAX))
		return -EPROTO;
	if (reauth && (flags != IAKERB_MSG_ESTABLISHED ||
		       reauth < IAKERB_REAUTH_MIN ||
		       reauth > IAKERB_REAUTH_MAX))
		return -EPROTO;
	if (klen > IAKERB_SESSKEY_MAX || blen > IAKERB_TOKEN_MAX)
		return -EPROTO;
	switch (flags) {
	case IAKERB_MSG_LEGACY:
		return klen && blen ? 0 : -EPROTO;
	case IAKERB_MSG_CONTINUE:
		if (klen || !blen)
			return -EPROTO;
		return agent >= 2 && agent <= IAKERB_PID_MAX ? 0 : -EPROTO;
	case IAKERB_MSG_ESTABLISHED:
		return klen && !blen ? 0 : -EPROTO;
	}
	return -EPROTO;
}

/* chan: the CONTINUE's channel trailer; ESTABLISHED: the reauth trailer */
static size_t payload_len(__u32 flags, __u32 klen, __u32 blen, __u32 chan)
{
	if (flags == IAKERB_MSG_ESTABLISHED && chan)
		return IAKERB_PAYLOAD_HDR_LEN + klen + blen +
		       IAKERB_TRAILER_REAUTH_LEN;
	if (flags != IAKERB_MSG_CONTINUE)
		return IAKERB_PAYLOAD_HDR_LEN + klen + blen;
	return IAKERB_PAYLOAD_HDR_LEN + klen + blen +
	       (chan ? IAKERB_TRAILER_CHAN_LEN : IAKERB_TRAILER_LEN);
}

int iakerb_payload_parse(const void *buf, size_t len, __u32 expect,
			 struct iakerb_payload *p)
{
	const __u8 *b = buf;
	__u32 klen, blen, chan = 0;

	memset(p, 0, sizeof(*p));
	if (len < IAKERB_PAYLOAD_HDR_LEN || len > IAKERB_PAYLOAD_MAX)
		return -EPROTO;
	if (iakerb_get_u32(b) != IAKERB_UPCALL_VERSION)
		return -EPROTO;
	p->flags = iakerb_get_u32(b + 4);
	klen = iakerb_get_u32(b + 8);
	blen = iakerb_get_u32(b + 12);
	if (p->flags > IAKERB_MSG_ESTABLISHED || !(expect & (1u << p->flags)))
		return -EPROTO;
	/* the channel trailer is the longer one, and only where expected */
	if (p->flags == IAKERB_MSG_CONTINUE && (expect & IAKERB_EXPECT_CHAN) &&
	    klen <= IAKERB_SESSKEY_MAX && blen <= IAKERB_TOKEN_MAX &&
	    len == payload_len(p->flags, klen, blen, 1))
		chan = 1;
	/* so may the final answer, when the kernel offered reauth=1 */
	if (p->flags == IAKERB_MSG_ESTABLISHED &&
	    (expect & IAKERB_EXPECT_REAUTH) && klen <= IAKERB_SESSKEY_MAX &&
	    blen <= IAKERB_TOKEN_MAX &&
	    len == payload_len(p->flags, klen, blen, 1))
		chan = 1;
	/*
	 * Both lengths are bounded before they are added.  cifs-utils'
	 * cifs.upcall instantiates its one-leg answer with a few bytes more
	 * than it fills (4 in 7.9) and 7.2 never looked, so a legacy answer
	 * may be longer than its contents; the new answers must be exact.
	 */
	if (klen > IAKERB_SESSKEY_MAX || blen > IAKERB_TOKEN_MAX ||
	    len < payload_len(p->flags, klen, blen, chan) ||
	    (p->flags != IAKERB_MSG_LEGACY &&
	     len != payload_len(p->flags, klen, blen, chan)))
		return -EPROTO;
	if (p->flags == IAKERB_MSG_ESTABLISHED && chan) {
		const __u8 *t = b + IAKERB_PAYLOAD_HDR_LEN + klen;

		if (iakerb_get_u32(t) != IAKERB_TRAILER_REAUTH_MAGIC)
			return -EPROTO;
		p->reauth_sec = iakerb_get_u32(t + 4);
		if (!p->reauth_sec)
			return -EPROTO;
	}
	if (p->flags == IAKERB_MSG_CONTINUE) {
		const __u8 *t = b + IAKERB_PAYLOAD_HDR_LEN + blen;

		if (iakerb_get_u32(t) != (chan ? IAKERB_TRAILER_CHAN_MAGIC :
						 IAKERB_TRAILER_MAGIC))
			return -EPROTO;
		p->agent_pid = iakerb_get_u32(t + 4);
		if (chan) {
			p->has_chan = 1;
			p->chan_fd = iakerb_get_u32(t + 8);
		}
	}
	if (payload_check(p->flags, klen, blen, p->agent_pid, p->has_chan,
			  p->chan_fd, p->reauth_sec))
		return -EPROTO;
	p->sesskey = klen ? b + IAKERB_PAYLOAD_HDR_LEN : NULL;
	p->sesskey_len = klen;
	p->secblob = blen ? b + IAKERB_PAYLOAD_HDR_LEN + klen : NULL;
	p->secblob_len = blen;
	return 0;
}

int iakerb_payload_build(void *buf, size_t cap, const struct iakerb_payload *p)
{
	__u8 *b = buf;
	size_t len;

	if (payload_check(p->flags, p->sesskey_len, p->secblob_len,
			  p->agent_pid, p->has_chan, p->chan_fd, p->reauth_sec))
		return -EINVAL;
	len = payload_len(p->flags, p->sesskey_len, p->secblob_len,
			  p->has_chan || p->reauth_sec);
	if (len > cap)
		return -EMSGSIZE;
	iakerb_put_u32(b, IAKERB_UPCALL_VERSION);
	iakerb_put_u32(b + 4, p->flags);
	iakerb_put_u32(b + 8, p->sesskey_len);
	iakerb_put_u32(b + 12, p->secblob_len);
	b += IAKERB_PAYLOAD_HDR_LEN;
	if (p->sesskey_len)
		memcpy(b, p->sesskey, p->sesskey_len);
	b += p->sesskey_len;
	if (p->secblob_len)
		memcpy(b, p->secblob, p->secblob_len);
	b += p->secblob_len;
	if (p->reauth_sec) {
		iakerb_put_u32(b, IAKERB_TRAILER_REAUTH_MAGIC);
		iakerb_put_u32(b + 4, p->reauth_sec);
	}
	if (p->flags == IAKERB_MSG_CONTINUE) {
		iakerb_put_u32(b, p->has_chan ? IAKERB_TRAILER_CHAN_MAGIC :
						IAKERB_TRAILER_MAGIC);
		iakerb_put_u32(b + 4, p->agent_pid);
		if (p->has_chan)
			iakerb_put_u32(b + 8, p->chan_fd);
	}
	return (int)len;
}

static int cred_check(const char *pass, size_t plen, const char *dom,
		      size_t dlen)
{
	if (plen < 1 || plen > IAKERB_PASS_MAX || memchr(pass, '\0', plen))
		return -EPROTO;
	if (dlen > IAKERB_DOMAIN_MAX ||
	    (dlen && iakerb_text_ok(dom, dlen, IAKERB_DOMAIN_MAX)))
		return -EPROTO;
	return 0;
}

int iakerb_cred_parse(const void *buf, size_t len, struct iakerb_cred *c)
{
	const __u8 *b = buf;
	__u32 plen, dlen;

	memset(c, 0, sizeof(*c));
	if (len < IAKERB_CRED_HDR_LEN || len > IAKERB_CRED_MAX)
		return -EPROTO;
	if (iakerb_get_u32(b) != IAKERB_CRED_MAGIC)
		return -EPROTO;
	if (iakerb_get_u32(b + 4) != IAKERB_CRED_VERSION)
		return -EPROTONOSUPPORT;
	plen = iakerb_get_u32(b + 8);
	dlen = iakerb_get_u32(b + 12);
	if (plen > IAKERB_PASS_MAX || dlen > IAKERB_DOMAIN_MAX ||
	    len != IAKERB_CRED_HDR_LEN + plen + dlen)
		return -EPROTO;
	c->pass = (const char *)b + IAKERB_CRED_HDR_LEN;
	c->domain = c->pass + plen;
	if (cred_check(c->pass, plen, c->domain, dlen)) {
		memset(c, 0, sizeof(*c));
		return -EPROTO;
	}
	c->pass_len = plen;
	c->domain_len = dlen;
	return 0;
}

int iakerb_cred_build(void *buf, size_t cap, const char *pass, size_t pass_len,
		      const char *domain, size_t domain_len)
{
	__u8 *b = buf;
	size_t len;

	if (cred_check(pass, pass_len, domain, domain_len))
		return -EINVAL;
	len = IAKERB_CRED_HDR_LEN + pass_len + domain_len;
	if (len > cap)
		return -EMSGSIZE;
	iakerb_put_u32(b, IAKERB_CRED_MAGIC);
	iakerb_put_u32(b + 4, IAKERB_CRED_VERSION);
	iakerb_put_u32(b + 8, (__u32)pass_len);
	iakerb_put_u32(b + 12, (__u32)domain_len);
	memcpy(b + IAKERB_CRED_HDR_LEN, pass, pass_len);
	if (domain_len)
		memcpy(b + IAKERB_CRED_HDR_LEN + pass_len, domain, domain_len);
	return (int)len;
}

/* The line the kernel logs for a helper's keyctl_reject() errno */
const char *iakerb_outcome_msg(int err)
{
	static const struct {
		int		err;
		const char	*msg;
	} table[] = {
#define IAKERB_X_ROW(name, e, m) { e, m },
		IAKERB_OUTCOMES(IAKERB_X_ROW)
#undef IAKERB_X_ROW
	};
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].err == err)
			return table[i].msg;
	return NULL;
}

void iakerb_wipe(void *p, size_t n)
{
	if (!p || !n)
		return;
#ifdef __KERNEL__
	memzero_explicit(p, n);
#else
	explicit_bzero(p, n);
#endif
}
