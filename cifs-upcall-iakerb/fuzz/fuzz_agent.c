// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: messages on the agent's socket, through the agent's
 * own checks (agent_check), as a sequence: each message is u16 length +
 * bytes.  The agent knows a fixed leg-1 description and secret.
 *
 * Oracle: a REQUEST is accepted only after a HELLO for the next leg with
 * the same nonce, only with the helper's half of the secret, and only for
 * this exchange, this leg and this agent; nothing is accepted twice.
 *
 * A sequence whose first message is of kind LEG is the kernel's channel
 * instead (agent_check_leg): a LEG is accepted only with the whole
 * secret, for this exchange, exactly the next leg and this agent.
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define OWN "ver=0x2;host=srv.test;ip4=10.0.0.1;sec=iakerb;uid=0x3e8;" \
	"creduid=0x3e8;user=alice;pid=0x1234;upcall_target=mount;" \
	"mechs=iakerb;exch=0123456789abcdef;leg=1;tmo=30"

static void require(bool cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t secret[IAKERB_SECRET_LEN + 1] =
		"0123456789abcdefFEDCBA9876543210";
	static struct iakerb_desc own;
	static bool init;
	struct agent_state st = { 0 };
	struct iakerb_desc d;
	struct iakerb_msg m;
	uint32_t accepted_leg = 1;
	size_t pos = 0;
	/* the kind byte of the first message's header */
	bool chan = size > 7 && data[7] == IAKERB_KIND_LEG;

	if (!init) {
		require(iakerb_desc_parse(OWN, strlen(OWN), &own) == 0);
		init = true;
	}
	st.own = &own;
	st.self = 4242;
	st.secret = secret;
	st.next_leg = 2;

	while (size - pos >= 2) {
		size_t n = data[pos] | (size_t)data[pos + 1] << 8;
		uint8_t *msg;
		enum agent_verdict v;
		bool pending = st.pending;
		uint8_t nonce[IAKERB_NONCE_LEN];

		pos += 2;
		if (n > size - pos)
			break;
		memcpy(nonce, st.nonce, sizeof(nonce));
		msg = malloc(n ? n : 1);
		memcpy(msg, data + pos, n);
		pos += n;
		v = chan ? agent_check_leg(&st, msg, n, &m) :
			   agent_check(&st, msg, n, &m);
		if (chan && v == AGENT_REQUEST) {
			require(m.kind == IAKERB_KIND_LEG);
			require(!memcmp(m.secret, secret, IAKERB_SECRET_LEN));
			require(m.leg == st.next_leg && m.leg > accepted_leg);
			require(iakerb_desc_parse(m.desc, m.desc_len, &d) == 0);
			require(d.agent == 4242 && d.leg == m.leg);
			require(!strcmp(d.exch, own.exch));
			accepted_leg = m.leg;
			st.next_leg++;
		} else if (chan) {
			require(v != AGENT_HELLO);
			free(msg);
			break;
		} else if (v == AGENT_HELLO) {
			require(!pending && m.leg == st.next_leg);
			require(!memcmp(m.exch, own.exch, IAKERB_EXCH_LEN));
		} else if (v == AGENT_REQUEST) {
			require(pending && !st.pending);
			require(!memcmp(m.nonce, nonce, IAKERB_NONCE_LEN));
			require(!memcmp(m.proof, secret, IAKERB_PROOF_LEN));
			require(m.leg == st.next_leg && m.leg > accepted_leg);
			require(iakerb_desc_parse(m.desc, m.desc_len, &d) == 0);
			require(d.agent == 4242 && d.leg == m.leg);
			require(!strcmp(d.exch, own.exch));
			accepted_leg = m.leg;
			st.next_leg++;		/* as the agent does */
		} else {
			free(msg);
			break;			/* the agent fails closed */
		}
		free(msg);
	}
	return 0;
}
