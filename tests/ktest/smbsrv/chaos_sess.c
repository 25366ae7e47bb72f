// SPDX-License-Identifier: GPL-2.0
/*
 * --fault random=SEED[:RATE] and --fault chaos-replay=SUB: a chaos plan
 * (chaos.h) per GSS exchange, applied to that exchange's SESSION_SETUP
 * legs from sess.c's hooks.  The log says, per exchange,
 *   CHAOS conn=C sess=S exch=N sub=0x... plan=KIND@LEG,...|none
 * and per mutation that took effect
 *   CHAOS-APPLY conn=C sess=S exch=N leg=L what=KIND detail...
 * A plan's leg that the exchange never reaches does nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "auth.h"
#include "chaos.h"
#include "smbsrv.h"

/* the output tokens of earlier exchanges, by leg, for CH_REPLAY */
struct chaos_state {
	uint64_t exch;			/* exchanges so far */
	struct {
		uint8_t *tok;
		size_t len;
		uint64_t exch;
	} seen[CHAOS_MAX_LEG + 1];
};

struct chaos_sess {
	uint64_t exch;
	bool on;			/* selected: the plan applies */
	struct chaos_plan plan;
};

static bool chaos_enabled(const struct server *srv)
{
	return srv->cfg->faults.chaos || srv->cfg->faults.chaos_replay;
}

void chaos_exchange_start(struct server *srv, struct session *s)
{
	const struct faults *f = &srv->cfg->faults;
	struct chaos_sess *cs;
	char plan[96];

	if (!chaos_enabled(srv))
		return;
	if (!srv->chaos) {
		srv->chaos = talloc_zero(srv, struct chaos_state);
		if (!srv->chaos)
			return;
	}
	talloc_free(s->chaos);
	s->chaos = cs = talloc_zero(s, struct chaos_sess);
	if (!cs)
		return;
	cs->exch = ++srv->chaos->exch;
	if (f->chaos_replay) {
		chaos_plan_make(f->chaos_sub, &cs->plan);
		cs->on = true;
	} else {
		chaos_plan_make(chaos_sub_seed(f->chaos_seed, cs->exch),
				&cs->plan);
		cs->on = chaos_selected(cs->plan.sub, f->chaos_rate);
	}
	if (cs->on)
		chaos_plan_str(&cs->plan, plan, sizeof(plan));
	else
		snprintf(plan, sizeof(plan), "none");
	slog(srv, "CHAOS conn=%u sess=0x%llx exch=%llu sub=0x%016llx plan=%s",
	     s->conn->id, (unsigned long long)s->id,
	     (unsigned long long)cs->exch, (unsigned long long)cs->plan.sub,
	     plan);
}

/* The plan's mutation of KIND for this leg, or NULL */
static const struct chaos_mut *find(const struct session *s, int leg,
				    unsigned int kind)
{
	const struct chaos_sess *cs = s->chaos;
	int i;

	if (!cs || !cs->on)
		return NULL;
	for (i = 0; i < cs->plan.n; i++)
		if (cs->plan.m[i].kind == kind &&
		    (kind == CH_SIG || cs->plan.m[i].leg == leg))
			return &cs->plan.m[i];
	return NULL;
}

static void applied(struct server *srv, unsigned int conn, uint64_t sess,
		    uint64_t exch, int leg, const char *what)
{
	slog(srv, "CHAOS-APPLY conn=%u sess=0x%llx exch=%llu leg=%d what=%s",
	     conn, (unsigned long long)sess, (unsigned long long)exch, leg,
	     what);
}

unsigned int chaos_delay_ms(struct server *srv, struct session *s, int leg)
{
	const struct chaos_mut *m = find(s, leg, CH_DELAY);
	unsigned int ms;
	char what[48];

	if (!m)
		return 0;
	/* up to 3 s: late, well inside the kernel's and helper's budgets */
	ms = 100 + m->arg % 2900;
	snprintf(what, sizeof(what), "delay %u ms", ms);
	applied(srv, s->conn->id, s->id, s->chaos->exch, leg, what);
	return ms;
}

static void remember(struct chaos_state *st, int leg, uint64_t exch,
		     const uint8_t *tok, size_t len)
{
	uint8_t *p;

	if (leg < 1 || leg > CHAOS_MAX_LEG || !len)
		return;
	p = talloc_memdup(st, tok, len);
	if (!p)
		return;
	talloc_free(st->seen[leg].tok);
	st->seen[leg].tok = p;
	st->seen[leg].len = len;
	st->seen[leg].exch = exch;
}

void chaos_result(struct server *srv, struct session *s, int leg,
		  struct auth_result *res, struct chaos_leg *cl)
{
	static const unsigned int token_kinds[] = {
		CH_REPLAY, CH_GARBLE, CH_TRUNCATE, CH_OVERSIZE, CH_REPEAT,
		CH_DER_TAG, CH_DER_LEN, CH_DER_FIELD,
	};
	struct chaos_state *st = srv->chaos;
	struct chaos_sess *cs = s->chaos;
	const struct chaos_mut *m;
	uint8_t *orig = NULL;
	size_t orig_len = res->out_len, i;
	char what[96];

	memset(cl, 0, sizeof(*cl));
	if (!st || !cs || !cs->on)
		return;
	cl->on = true;
	cl->conn = s->conn->id;
	cl->sess = s->id;
	cl->exch = cs->exch;
	cl->leg = leg;
	if (res->out && res->out_len)
		orig = talloc_memdup(cs, res->out, res->out_len);
	for (i = 0; i < sizeof(token_kinds) / sizeof(token_kinds[0]); i++) {
		const uint8_t *old = NULL;
		size_t old_len = 0;

		m = find(s, leg, token_kinds[i]);
		if (!m)
			continue;
		if (m->kind == CH_REPLAY && leg <= CHAOS_MAX_LEG &&
		    st->seen[leg].tok && st->seen[leg].exch != cs->exch) {
			old = st->seen[leg].tok;
			old_len = st->seen[leg].len;
		}
		if (!res->out && !old)
			continue;
		if (!res->out) {
			res->out = malloc(1);
			if (!res->out)
				continue;
			res->out_len = 0;
		}
		if (chaos_mutate_token(m->kind, m->arg, &res->out,
				       &res->out_len, old, old_len, what,
				       sizeof(what)) == 0) {
			applied(srv, cl->conn, cl->sess, cl->exch, leg, what);
			snprintf(res->fault, sizeof(res->fault), "chaos-%s",
				 chaos_kind_name(m->kind));
		}
	}
	if (orig)
		remember(st, leg, cs->exch, orig, orig_len);
	talloc_free(orig);

	m = find(s, leg, CH_STATUS);
	if (m) {
		uint32_t was = res->status;

		res->status = chaos_status(was, m->arg);
		snprintf(what, sizeof(what), "status 0x%08x->0x%08x", was,
			 res->status);
		applied(srv, cl->conn, cl->sess, cl->exch, leg, what);
		snprintf(res->fault, sizeof(res->fault), "chaos-status");
	}
	/* the response-level ones, for chaos_response() */
	if ((m = find(s, leg, CH_SESS_ID))) {
		cl->sess_id = true;
		cl->sess_id_arg = m->arg;
	}
	if ((m = find(s, leg, CH_SECBUF))) {
		cl->secbuf = true;
		cl->secbuf_arg = m->arg;
	}
	if ((m = find(s, leg, CH_DROP)))
		cl->drop = 1 + (int)(m->arg % 2);
	if (res->status == STATUS_SUCCESS && (m = find(s, leg, CH_SIG)))
		cl->sig = 1 + (int)(m->arg % 2);
}

bool chaos_response(struct server *srv, const struct chaos_leg *cl,
		    struct smb2_ctx *x, uint8_t *body)
{
	char what[96];
	uint64_t s;

	if (!cl->on)
		return true;
	if (cl->sess_id) {
		s = cl->sess_id_arg;
		chaos_next(&s);
		switch (chaos_next(&s) % 3) {
		case 0: x->sid = 0; break;
		case 1: x->sid = cl->sess ^ (1ULL << (chaos_next(&s) % 64)); break;
		default: x->sid = chaos_next(&s); break;
		}
		x->sid_set = true;
		snprintf(what, sizeof(what), "sess-id 0x%llx->0x%llx",
			 (unsigned long long)cl->sess,
			 (unsigned long long)x->sid);
		applied(srv, cl->conn, cl->sess, cl->exch, cl->leg, what);
	}
	if (cl->secbuf && body) {
		/* body: StructureSize(2) SessionFlags(2) Offset(2) Length(2) */
		uint16_t off = get16(body + 4), len = get16(body + 6);
		uint16_t o2 = off, l2 = len;

		s = cl->secbuf_arg;
		chaos_next(&s);
		switch (chaos_next(&s) % 5) {
		case 0: o2 = 0; break;			/* the header */
		case 1: o2 = (uint16_t)(off + 1); break;
		case 2: o2 = (uint16_t)(0xff00 | chaos_next(&s)); break;
		case 3: l2 = (uint16_t)(len + 1 + chaos_next(&s) % 64); break;
		default: l2 = 0xffff; break;
		}
		put16(body + 4, o2);
		put16(body + 6, l2);
		snprintf(what, sizeof(what), "secbuf off %u->%u len %u->%u",
			 off, o2, len, l2);
		applied(srv, cl->conn, cl->sess, cl->exch, cl->leg, what);
	}
	if (cl->sig && x->sign) {
		if (cl->sig == 1)
			x->bad_sig = true;
		else
			x->sign = false;
		applied(srv, cl->conn, cl->sess, cl->exch, cl->leg,
			cl->sig == 1 ? "sig bad" : "sig absent");
	}
	if (cl->drop) {
		x->conn->closing = true;
		applied(srv, cl->conn, cl->sess, cl->exch, cl->leg,
			cl->drop == 1 ? "drop before-response" :
					"drop after-response");
		if (cl->drop == 1)
			return false;
	}
	return true;
}
