/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Authentication of SESSION_SETUP legs through MIT krb5 GSSAPI.
 *
 * auth_step() may block (MIT's IAKerb acceptor talks to the KDC inside
 * gss_accept_sec_context): it runs in a worker thread and touches nothing
 * but its auth_ctx and result.  It uses malloc, not talloc.
 */
#ifndef SMBSRV_AUTH_H
#define SMBSRV_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct srv_config;
struct auth_ctx;

struct auth_result {
	uint32_t status;		/* NTSTATUS for the SESSION_SETUP reply */
	uint8_t *out;			/* malloc'ed output token */
	size_t out_len;
	uint8_t key[64];		/* GSS session key (SSPI) */
	size_t key_len;
	char user[256];			/* client principal, when done */
	/* for the log */
	char mech[16];			/* which acceptor took the leg */
	char what[32];			/* discovery, as-req, tgs-req, ap-req */
	char dialect[16];		/* final leg: mit, windows or mic */
	uint32_t major, minor;
	char err[256];
	char fault[64];			/* fault knob applied, if any */
	char mic[8];			/* our mechListMIC's SND_SEQ: "mit"
					 * (gss_get_mic's) or "0" (Windows') */
	int kdc_msgs;			/* KDC round trips made by this leg */
	double accept_ms;		/* in gss_accept_sec_context (with
					 * the KDC's answer, on a proxied
					 * leg): make bench's KDC time */
	unsigned int lifetime;		/* when done: seconds the context
					 * (the client's ticket) stays
					 * valid; 0 if unknown */
};

/* Initialise the GSS side (keytab, acceptor credentials).  Returns 0 or -1
 * with a message in err. */
int auth_init(const struct srv_config *cfg, char *err, size_t errlen);
/* The SPNEGO negTokenInit for the NEGOTIATE response (malloc'ed). */
int auth_neg_hints(const struct srv_config *cfg, uint8_t **out, size_t *len);

struct auth_ctx *auth_ctx_new(const struct srv_config *cfg);
void auth_ctx_free(struct auth_ctx *a);
void auth_step(struct auth_ctx *a, int leg, const uint8_t *in, size_t in_len,
	       struct auth_result *res);

#endif
