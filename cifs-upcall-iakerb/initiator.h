/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GSS side of a multi-leg exchange, as the agent drives it
 * (initiator.c): MIT's krb5 or IAKerb mechanism called directly, framed
 * in SPNEGO by us (spnego_glue.c).  One object per exchange, alive in the agent
 * from leg 1 to the final upcall.
 */
#ifndef CIFS_UPCALL_IAKERB_INITIATOR_H
#define CIFS_UPCALL_IAKERB_INITIATOR_H

#include "gss_glue.h"
#include "policy.h"

/*
 * What we ask of MIT's krb5 and IAKerb mechanisms.  Not GSS_C_SEQUENCE_FLAG
 * (nor GSS_C_REPLAY_FLAG, which SMB does not need either): with it, MIT
 * would compare the SND_SEQ of the server's mechListMIC with the AP-REP's
 * seq-number and add GSS_S_GAP_TOKEN when they differ, as they do for a
 * Windows server (SND_SEQ 0, tests/ktest/smbsrv/tests/kat_mic.c), and
 * verify_mic() takes nothing but GSS_S_COMPLETE.
 */
#define INITIATOR_GSS_FLAGS	(GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG)

/* What one leg carried, for the log and the harness */
struct leg_note {
	char	server[64];		/* "KRB-ERROR 25", "AS-REP", "AP-REP+MIC" */
	char	client[64];		/* "AS-REQ", "TGS-REQ", "AP-REQ", "MIC" */
	size_t	server_len, client_len;
};

struct kproxy;

struct initiator {
	struct upcall_ctx *u;
	krb5_context	k;
	gss_cred_id_t	cred;
	gss_name_t	target;
	gss_ctx_id_t	ctx;
	gss_OID		mech;
	/* what we offered, and our MechTypeList as sent (both MICs cover it) */
	struct der_blob	offer[2];
	size_t		n_offer;
	uint8_t		*mech_list;
	size_t		mech_list_len;
	/* where the credentials came from */
	bool		from_password;
	char		*ccname;	/* the cache used, if any */
	char		*collection;	/* where to store what we obtain */
	char		*user_realm;	/* realm of the password's principal */
	bool		discovery;	/* no realm known: ask the server */
	bool		explicit_iakerb; /* the user asked for sec=iakerb */
	/* the password's policy (password.c, policy.c) */
	enum pw_realm_from realm_from;	/* where user_realm came from */
	char		*realm_cc;	/* PW_REALM_REMEMBERED: its cache */
	char		*realm_spn;	/* and its entry's principal (log) */
	bool		realm_confirmed; /* a KDC of user_realm answered */
	enum pw_mode	pw_mode;	/* iakerb_password */
	const char	*pw_mode_from;	/* "command line", ... */
	enum pw_kdc	pw_kdc;		/* this machine's try of its KDC */
	char		kdc_why[200];	/* why that try reached none */
	krb5_ccache	direct_cc;	/* the TGT that try got (MEMORY) */
	bool		established;
	bool		mic_sent;
	unsigned int	server_legs;	/* server tokens seen */
	int32_t		srv_error;	/* the KRB-ERROR code it carried, or 0 */
	enum krb_msg_type sent_type;	/* our last token: AS-REQ, TGS-REQ,
					 * AP-REQ (KRB_MSG_NONE: discovery) */
	char		*sent_realm;	/* MIT's last proxy request went there */
	/* the IAKerb dialect (iakerb_windows.c) */
	enum upcall_dialect want;	/* configured: auto, mit or windows */
	bool		windows;	/* speaking Windows' dialect */
	bool		dialect_confirmed; /* a KDC reply showed the dialect */
	bool		dialect_remembered; /* auto: taken from the ccache */
	char		*dialect_spn;	/* the entry's principal (log) */
	char		*stored_cc;	/* the cache a password's creds went to */
	struct kproxy	*kp;		/* Windows: our KDC legs */
	bool		carry;		/* auto found Windows mid-exchange:
					 * MIT's mech makes its KDC legs */
	char		*pw;		/* secret memory: a password kept for
					 * Windows' AS (krb5_proxy.c) */
	size_t		pw_len;
	char		*princ;		/* the password's principal, as given */
	enum cc_state	cc_state;	/* what the chosen ccache holds */
	char		*cc_realm;	/* its principal's realm */
	char		*srv_realm;	/* the server's, if krb5.conf maps the
					 * host (crossrealm.c) */
	struct leg_note	note;
};

/* Leg 1: credentials, first token, negTokenInit.  *blob is a talloc child
 * of @mem. */
int init_first(struct initiator *in, TALLOC_CTX *mem, struct upcall_ctx *u,
	       uint8_t **blob, size_t *blob_len);

/*
 * Legs >= 2: the server's SPNEGO blob and the SMB status that came with
 * it.  Either *blob is the next token (CONTINUE), or *done is set and
 * key/key_len hold the session key (ESTABLISHED).
 */
int init_next(struct initiator *in, TALLOC_CTX *mem, const uint8_t *srv,
	      size_t srv_len, uint32_t status, uint8_t **blob,
	      size_t *blob_len, bool *done, uint8_t *key, size_t *key_len);

void init_free(struct initiator *in);

/* Release the GSS context, credential and name (a new attempt follows) */
void init_release_gss(struct initiator *in);


/* spnego_glue.c: the framing, no GSS calls */
int spnego_wrap_first(TALLOC_CTX *mem, const struct der_blob *mechs,
		      size_t n_mechs, const void *tok, size_t tok_len,
		      uint8_t **out,
		      size_t *out_len, uint8_t **mech_list,
		      size_t *mech_list_len);
int spnego_wrap_next(TALLOC_CTX *mem, const void *tok, size_t tok_len,
		     const void *mic, size_t mic_len, uint8_t **out,
		     size_t *out_len);

struct server_reply {
	bool		reject;
	bool		has_state;
	enum spnego_neg_state state;
	struct der_blob	supported_mech;
	struct der_blob	token;		/* responseToken, may be absent */
	struct der_blob	mic;		/* mechListMIC, may be absent */
};
int spnego_unwrap_reply(const uint8_t *buf, size_t len,
			struct server_reply *out);
/* One line about a mechanism token (ours or the server's) for the log */
void describe_token(const struct der_blob *tok, char *buf, size_t cap);

/* password.c: the password's principal and the policy applied */
int pw_principal(struct initiator *in);
enum pw_step pw_next(struct initiator *in, const char **why);
int pw_ask_kdc(struct initiator *in, TALLOC_CTX *mem, struct cc_choice *cc);
/* 0 if the AS exchange may go through the server, else OWN_KDC_... */
int pw_via_server(struct initiator *in, bool say);
int pw_realm_learnt(struct initiator *in, const char *realm);
int pw_token_ok(struct initiator *in, enum krb_msg_type type,
		const char *realm);
/* A server token: does a KDC of a remembered realm answer (realm_cc.c)? */
void pw_realm_seen(struct initiator *in, const struct der_blob *tok);
/* Established: remember a realm discovery found (or a remembered one) */
void pw_realm_record(struct initiator *in);
/* The exchange ended unestablished: drop a remembered, unconfirmed realm */
void pw_realm_on_failure(struct initiator *in);

/* iakerb_windows.c: Windows' dialect and the choice of dialect */
void dialect_choose(struct initiator *in);
int win_first(struct initiator *in, TALLOC_CTX *mem, uint8_t **blob,
	      size_t *blob_len);
int win_next(struct initiator *in, TALLOC_CTX *mem,
	     const struct server_reply *rep, bool success, uint8_t **blob,
	     size_t *blob_len);
/* Auto from a ccache: the dialect remembered there for this server */
void dialect_recall(struct initiator *in, const struct cc_choice *cc);
/* Established: remember the dialect a KDC reply showed (dialect_cc.c) */
void dialect_record(struct initiator *in);
/* The kernel gave up on the exchange (SIGTERM): a remembered dialect
 * that made our only token is dropped */
void dialect_on_abandon(struct initiator *in);
/*
 * A server token in MIT's framing: may find Windows' dialect (auto: then
 * in->carry, MIT's mech carries on and carry_next() frames its output)
 * or fail a forced or remembered choice
 */
int dialect_on_reply(struct initiator *in, const struct der_blob *tok);
/* Auto, Windows found mid-exchange: the server's reply @tok as MIT's
 * acceptor would frame it, for MIT's mech (*out a talloc child of @mem) */
int carry_reply(struct initiator *in, TALLOC_CTX *mem,
		const struct der_blob *tok, void **out, size_t *out_len);
/* Auto, Windows found mid-exchange: MIT's next token @out, as Windows'
 * framing has it (its proxy requests with header-flags; for its IAKerb
 * AP-REQ a krb5-framed one from the tickets it obtained) */
int carry_next(struct initiator *in, TALLOC_CTX *mem, const void *out,
	       size_t out_len, uint8_t **blob, size_t *blob_len);

#endif
