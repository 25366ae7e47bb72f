/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cifs-upcall-iakerb --check //host/share: what a mount would do, asked
 * without mounting (check.c).  The pieces:
 *
 *   check_smb.c   one SMB2 NEGOTIATE: the server's SPNEGO hints
 *   check_plan.c  which mechanisms those offer, and what a mount would
 *                 do given them, the credentials and the KDC (pure)
 *   check_kdc.c   is a KDC of the realm reachable from here?
 *
 * The credentials are found by ccache.c, the password rule is
 * policy.c's pw_decide(): the same code the upcall runs.
 */
#ifndef CIFS_UPCALL_IAKERB_CHECK_H
#define CIFS_UPCALL_IAKERB_CHECK_H

#include "gss_glue.h"
#include "policy.h"

/* Exit status of --check (documented in cifs-upcall-iakerb(8)) */
#define CHECK_EXIT_OK		0	/* a mount has a way to succeed */
#define CHECK_EXIT_WOULD_FAIL	1	/* it would fail: the line says why */
#define CHECK_EXIT_USAGE	2
#define CHECK_EXIT_NO_SERVER	3	/* no SMB2 answer from the server */

/* ---- check_smb.c ---------------------------------------------------- */

/* What the NEGOTIATE response said */
struct smb_neg_info {
	uint16_t	dialect;	/* 0x0311, ... */
	const uint8_t	*sec;		/* security buffer (in the message) */
	size_t		sec_len;	/* 0: the server sent none */
};

/* The request this client sends: SMB 3.0 to 3.1.1, preauth context */
size_t smb_neg_request(uint8_t *buf, size_t cap);
/*
 * Parse a NEGOTIATE response (the SMB2 message, NBSS header removed).
 * -EPROTONOSUPPORT: not SMB2; -EREMOTEIO: an error status (*status);
 * -EBADMSG: malformed.
 */
int smb_neg_parse(const uint8_t *msg, size_t len, uint32_t *status,
		  struct smb_neg_info *out);
/*
 * Connect to @addr:@port (numeric), send the request, read the reply
 * into *msg (a child of @mem).  -errno; *what names the failed step.
 */
int smb_neg_exchange(TALLOC_CTX *mem, const char *addr, unsigned int port,
		     unsigned int timeout_sec, uint8_t **msg, size_t *len,
		     const char **what);

/* ---- check_plan.c --------------------------------------------------- */

#define CHECK_MECH_KRB5		(1u << 0)
#define CHECK_MECH_MSKRB5	(1u << 1)
#define CHECK_MECH_IAKERB	(1u << 2)
#define CHECK_MECH_NTLMSSP	(1u << 3)
#define CHECK_MECH_NEGOEX	(1u << 4)
#define CHECK_MECH_OTHER	(1u << 5)

/*
 * The mechanisms of the server's negTokenInit(2): a bit each, and their
 * names in the server's order, ", "-separated, in @names.
 */
int check_mechs(const uint8_t *blob, size_t len, unsigned int *mechs,
		char *names, size_t cap);
/* "krb5, IAKerb" style list of the known mechanisms in @mechs */
void check_mech_list(unsigned int mechs, char *buf, size_t cap);

enum check_kdc {
	CHECK_KDC_NO_REALM,	/* no realm known: not asked */
	CHECK_KDC_NONE,		/* krb5.conf and DNS name none */
	CHECK_KDC_REACHABLE,	/* one answered (any Kerberos message) */
	CHECK_KDC_UNREACHABLE,
};

struct check_facts {
	unsigned int	mechs;
	bool		no_blob;	/* the server named no mechanisms */
	bool		sec_iakerb;	/* the mount would say sec=iakerb */
	enum cc_state	cc;		/* what the user's caches hold */
	bool		cc_stale;	/* ... only expired tickets */
	enum check_kdc	kdc;
	struct pw_facts	pw;		/* for a mount with a password */
};

struct check_verdict {
	bool		ok;
	int		err;		/* mount error(N), 0: not known */
	const char	*how;		/* one sentence */
};

/* What a mount would do, with a password or without one */
void check_plan(const struct check_facts *f, bool password,
		struct check_verdict *v);

/* ---- check_kdc.c ---------------------------------------------------- */

/* Send one AS-REQ for a principal no realm has, to @realm's KDCs */
enum check_kdc check_kdc_probe(krb5_context k, const char *realm,
			       const char **detail);

/* ---- check.c -------------------------------------------------------- */

int check_main(int argc, char **argv);

#endif
