/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KDC legs of an IAKerb exchange driven by us rather than by MIT's
 * IAKerb mechanism (krb5_proxy.c): realm discovery, the AS exchange with
 * MIT's krb5_init_creds_step (preauthentication included), the TGS
 * exchange with krb5_tkt_creds_step, each request framed in an IAKerb
 * proxy token by our codec.  Used for Windows' dialect (iakerb_windows.c),
 * whose final AP-REQ is a plain krb5 token that MIT's IAKerb mech cannot
 * make.  No GSS here, and nothing is printed: errors are returned and
 * explained in struct result.
 */
#ifndef CIFS_UPCALL_IAKERB_KRB5_PROXY_H
#define CIFS_UPCALL_IAKERB_KRB5_PROXY_H

#include "gss_glue.h"

/* Largest cookie we echo back; the draft gives no bound, Windows sends none */
#define KPROXY_COOKIE_MAX	4096

enum kproxy_state {
	KPROXY_DISCOVERY,	/* asked the server for its realm */
	KPROXY_AS,		/* an AS-REQ is out */
	KPROXY_TGS,		/* a TGS-REQ is out */
	KPROXY_DONE,		/* the service ticket is in kp->out_cc */
};

/* What the server's last proxy reply looked like (dialect detection) */
struct kproxy_seen {
	bool		has_flags;	/* header-flags present */
	uint32_t	flags;
	bool		realm_dot;	/* target-realm "." */
	enum krb_msg_type msg;		/* KRB_MSG_NONE for discovery */
};

struct kproxy {
	krb5_context	k;		/* borrowed */
	enum kproxy_state state;
	bool		send_flags;	/* header-flags (all zero) in requests */
	krb5_principal	client, server;
	char		*host;		/* for cifs/<host>@REALM */
	char		*srv_realm;	/* REALM, if not the client's */
	char		*user;		/* the user's name without a realm */
	char		*realm;		/* where the request that is out went */
	enum krb_msg_type sent_type;	/* and what it was (KRB_MSG_NONE:
					 * realm discovery) */
	char		*user_realm;	/* the password's (or discovery's) */
	char		*pw;		/* secret memory until the AS starts */
	uint8_t		*cookie;	/* the server's, echoed in the next */
	size_t		cookie_len;
	krb5_init_creds_context icc;
	krb5_tkt_creds_context tcc;
	krb5_get_init_creds_opt *opt;
	krb5_ccache	out_cc;		/* the TGT's cache: MEMORY, or the user's */
	bool		own_cc;		/* out_cc is our MEMORY cache */
	struct kproxy_seen seen;
	char		sent[48];	/* "AS-REQ", ... for the leg notes */
};

/*
 * Start from a password.  @princ is "user@REALM", or "user@"/"user" for
 * realm discovery.  The password is copied to secret memory (or straight
 * into MIT's init_creds context) and the caller may wipe its own.
 */
int kproxy_start_password(struct kproxy *kp, TALLOC_CTX *mem, krb5_context k,
			  const char *princ, const char *pw, size_t pw_len,
			  const char *host, bool send_flags, uint8_t **tok,
			  size_t *tok_len, struct result *res);

/*
 * Start from a TGT in the ccache @ccname (TGS only); @srv_realm the
 * server's realm, NULL for the TGT's own (crossrealm.c put the TGT for
 * another realm in the ccache)
 */
int kproxy_start_tgt(struct kproxy *kp, TALLOC_CTX *mem, krb5_context k,
		     const char *ccname, const char *host,
		     const char *srv_realm, bool send_flags, uint8_t **tok,
		     size_t *tok_len, struct result *res);

/*
 * The server's mechanism token: an IAKerb proxy token.  Either *tok is
 * the next request, or kp->state is KPROXY_DONE (the service ticket is in
 * kp->out_cc under kp->server).
 */
int kproxy_step(struct kproxy *kp, TALLOC_CTX *mem, const uint8_t *srv,
		size_t srv_len, uint8_t **tok, size_t *tok_len,
		struct result *res);

/* Inspect a server token without acting on it: 0 if it is a proxy token */
int kproxy_peek(const uint8_t *srv, size_t srv_len, struct kproxy_seen *seen);

/* Frame one KDC request (or none: discovery) as Windows/MIT would */
int kproxy_frame(TALLOC_CTX *mem, const char *realm, const uint8_t *cookie,
		 size_t cookie_len, bool send_flags, const void *kdc_msg,
		 size_t kdc_len, uint8_t **tok, size_t *tok_len);

#endif
