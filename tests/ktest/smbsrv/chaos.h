/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Randomised hostile SESSION_SETUP responses (--fault random=SEED[:RATE]).
 *
 * Every GSS exchange (a new session, a re-authentication or a channel
 * binding) is numbered; its sub-seed is chaos_sub_seed(SEED, number) and
 * everything done to it follows from the sub-seed alone: the plan (which
 * mutations, on which leg) and every byte a mutation picks.  The log
 * names the sub-seed, so one exchange replays alone with
 * --fault chaos-replay=SUB (every exchange of that server gets SUB's plan).
 *
 * chaos.c is pure (no server state): seeds, plans, DER walking and token
 * mutation, tested by tests/chaos_test.c.  chaos_sess.c applies a plan to
 * a session's legs.
 */
#ifndef SMBSRV_CHAOS_H
#define SMBSRV_CHAOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum chaos_kind {
	/* the security buffer (the whole SPNEGO token) */
	CH_GARBLE,		/* xor a few bytes anywhere */
	CH_TRUNCATE,		/* cut to a shorter length, maybe 0 */
	CH_OVERSIZE,		/* pad up to at most 65535 bytes */
	CH_REPEAT,		/* the token twice, back to back */
	CH_REPLAY,		/* a token an earlier exchange got */
	/* fields inside it: SPNEGO, IAKerb header, KRB message */
	CH_DER_TAG,		/* one DER tag byte */
	CH_DER_LEN,		/* one DER length */
	CH_DER_FIELD,		/* content of an OID, realm, cookie, ... */
	/* the SESSION_SETUP response around it */
	CH_STATUS,		/* SUCCESS early, MORE_PROCESSING late, errors */
	CH_SESS_ID,		/* wrong or zero SessionId */
	CH_SECBUF,		/* wrong SecurityBufferOffset/Length */
	CH_SIG,			/* final response: bad or no signature */
	CH_DELAY,		/* answer the leg late */
	CH_DROP,		/* close the connection before/after it */
	CH_NKINDS
};

#define CHAOS_MAX_MUTS 2
#define CHAOS_MAX_LEG 5		/* MIT password exchange: 5 legs */

struct chaos_mut {
	uint8_t kind;		/* enum chaos_kind */
	uint8_t leg;		/* 1..CHAOS_MAX_LEG; CH_SIG: the final one */
	uint32_t arg;		/* seeds the mutation's own choices */
};

struct chaos_plan {
	uint64_t sub;
	int n;
	struct chaos_mut m[CHAOS_MAX_MUTS];
};

/* A DER header found in a token: for the field mutations */
struct der_hdr {
	size_t tag_off;		/* the tag byte */
	size_t len_off;		/* the first length byte */
	size_t len_bytes;	/* 1 (short form) or 1 + N (long form) */
	size_t val_off, val_len;
	uint8_t tag;
};

uint64_t chaos_next(uint64_t *state);
uint64_t chaos_sub_seed(uint64_t seed, uint64_t exch);
/* Whether an exchange of this sub-seed is mutated at RATE percent */
bool chaos_selected(uint64_t sub, unsigned int rate);
void chaos_plan_make(uint64_t sub, struct chaos_plan *p);
const char *chaos_kind_name(unsigned int kind);
/* "garble@2,status@4": the plan for the log */
void chaos_plan_str(const struct chaos_plan *p, char *buf, size_t len);

/* Every DER header in p, descending into constructed values, OCTET
 * STRINGs that hold DER and GSS tokens (0x60: OID, TOK_ID, then DER).
 * Returns how many were found (at most max). */
size_t der_walk(const uint8_t *p, size_t len, struct der_hdr *out,
		size_t max);

/*
 * Mutate the token *tok (malloc'ed, *len bytes) by one of the token kinds
 * (CH_GARBLE .. CH_DER_FIELD), its choices seeded by arg.  CH_REPLAY takes
 * the replacement in old/old_len (none: nothing done).  May realloc *tok.
 * Writes what was done to what (for the log).  Returns 0 if the token was
 * changed, -1 if the kind found nothing to change or out of memory.
 */
int chaos_mutate_token(unsigned int kind, uint32_t arg, uint8_t **tok,
		       size_t *len, const uint8_t *old, size_t old_len,
		       char *what, size_t what_len);

/* A wrong NTSTATUS in place of status (CH_STATUS) */
uint32_t chaos_status(uint32_t status, uint32_t arg);

#endif
