/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * The codec of keyutils-glue: parsed and to-be-built forms of the formats
 * in cifs_iakerb_abi.h and iakerb_abi_user.h, and the functions that
 * convert between them.  Userspace code (the helper, the tests) includes
 * this header; the kernel has its own smaller builder and parser
 * (fs/smb/client/cifs_iakerb_proto.c) and includes only cifs_iakerb_abi.h.
 */
#ifndef _IAKERB_CODEC_H
#define _IAKERB_CODEC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#endif
#include "iakerb_abi_user.h"

/* Parsed (or to-be-built) description; no pointers, no allocation */
struct iakerb_desc {
	__u32	have;			/* IAKERB_F_* */
	__u32	ver;
	char	host[IAKERB_HOST_MAX + 1];
	__u8	addr[16];		/* 4 bytes for ip4, 16 for ip6 */
	__u8	sec;			/* enum iakerb_sec */
	__u8	target;			/* enum iakerb_target */
	__u8	recon;			/* 1 if recon=1 */
	__u32	uid;
	__u32	creduid;
	__u32	pid;
	char	user[IAKERB_USER_MAX + 1];
	/* multi-leg only */
	__u32	mechs;			/* IAKERB_MECH_* */
	char	exch[IAKERB_EXCH_LEN + 1];
	__u32	leg;
	__u32	tmo;
	__u32	agent;
};


struct iakerb_payload {
	__u32		flags;		/* IAKERB_MSG_* */
	const __u8	*sesskey;
	__u32		sesskey_len;
	const __u8	*secblob;
	__u32		secblob_len;
	__u32		agent_pid;	/* CONTINUE only */
	__u32		has_chan;	/* CONTINUE with the channel trailer */
	__u32		chan_fd;	/* then: the helper's fd */
	__u32		reauth_sec;	/* ESTABLISHED: 0, or re-auth after */
};


/* Parsed message: pointers into the caller's buffer */
struct iakerb_msg {
	__u8		kind;
	__u32		have;		/* 1 << IAKERB_T_* */
	const __u8	*secret;
	const __u8	*server_blob;
	__u32		server_blob_len;
	const __u8	*neg_blob;
	__u32		neg_blob_len;
	__u32		cred_key;
	__u32		smb_status;
	const char	*exch;		/* IAKERB_EXCH_LEN chars, no NUL */
	__u32		leg;
	const __u8	*nonce;
	const __u8	*proof;
	const char	*desc;		/* desc_len chars, no NUL */
	__u32		desc_len;
	__u32		err;
	const __u8	*payload;
	__u32		payload_len;
};

/* Builder state; errors are sticky, reported by iakerb_msg_end() */
struct iakerb_msg_writer {
	__u8	*buf;
	size_t	cap;
	size_t	len;
	int	err;
};


struct iakerb_cred {
	const char	*pass;		/* pass_len bytes, no NUL */
	__u32		pass_len;
	const char	*domain;	/* may be empty */
	__u32		domain_len;
};

/*
 * X(name, errno, what the kernel logs): the outcomes of PROTOCOL.md §11,
 * from the errnos and lines of cifs_iakerb_abi.h.
 */
#define IAKERB_OUTCOME_ROW(X, name) \
	X(name, IAKERB_ERR_##name, IAKERB_MSG_##name)
#define IAKERB_OUTCOMES(X)						\
	IAKERB_OUTCOME_ROW(X, BAD_PASSWORD)	\
	IAKERB_OUTCOME_ROW(X, EXPIRED)	\
	IAKERB_OUTCOME_ROW(X, NO_PRINCIPAL)	\
	IAKERB_OUTCOME_ROW(X, NO_SERVICE)	\
	IAKERB_OUTCOME_ROW(X, CLOCK_SKEW)	\
	IAKERB_OUTCOME_ROW(X, KDC_UNREACHABLE)	\
	IAKERB_OUTCOME_ROW(X, OWN_KDC_UNREACHABLE)	\
	IAKERB_OUTCOME_ROW(X, NO_CREDS)	\
	IAKERB_OUTCOME_ROW(X, TICKET_EXPIRED)	\
	IAKERB_OUTCOME_ROW(X, NO_MECH)	\
	IAKERB_OUTCOME_ROW(X, TIMEOUT)	\
	IAKERB_OUTCOME_ROW(X, PROTOCOL)	\
	IAKERB_OUTCOME_ROW(X, MUTUAL_AUTH)	\
	IAKERB_OUTCOME_ROW(X, AGENT_LOST)	\
	IAKERB_OUTCOME_ROW(X, NOT_PERMITTED)	\
	IAKERB_OUTCOME_ROW(X, TOO_NEW)	\
	IAKERB_OUTCOME_ROW(X, NO_MEMORY)	\
	IAKERB_OUTCOME_ROW(X, NO_TRUST)

enum iakerb_outcome {
#define IAKERB_X_ENUM(name, err, msg) IAKERB_OUT_##name,
	IAKERB_OUTCOMES(IAKERB_X_ENUM)
#undef IAKERB_X_ENUM
	IAKERB_OUT_COUNT
};

/* ------------------------------------------------------------------ */
/* Codec (keyutils-glue/iakerb_*.c).  Kernel-compatible C: no          */
/* allocation, every function returns 0/length or a negative errno.    */
/* ------------------------------------------------------------------ */

/* iakerb_desc.c */
int iakerb_desc_parse(const char *s, size_t len, struct iakerb_desc *d);
int iakerb_desc_build(char *buf, size_t cap, const struct iakerb_desc *d);
int iakerb_desc_from_describe(const char *s, size_t len, const char **desc,
			      size_t *desc_len);
int iakerb_text_ok(const char *s, size_t len, size_t max);
__u8 iakerb_sec_from_mechs(__u32 mechs);
bool iakerb_desc_same_exchange(const struct iakerb_desc *a,
			       const struct iakerb_desc *b);

/* iakerb_msg.c */
void iakerb_msg_begin(struct iakerb_msg_writer *w, void *buf, size_t cap,
		      __u8 kind);
void iakerb_msg_put(struct iakerb_msg_writer *w, __u32 type, const void *val,
		    size_t len);
void iakerb_msg_put_u32(struct iakerb_msg_writer *w, __u32 type, __u32 v);
int iakerb_msg_end(struct iakerb_msg_writer *w);
int iakerb_msg_parse(const void *buf, size_t len, struct iakerb_msg *m);
int iakerb_callout_check(const struct iakerb_msg *m, __u32 leg);
int iakerb_callout_build(void *buf, size_t cap, __u32 leg,
			 const __u8 secret[IAKERB_SECRET_LEN],
			 const void *server_blob, size_t server_blob_len,
			 __u32 smb_status, const void *neg_blob,
			 size_t neg_blob_len, __u32 cred_key);

/* iakerb_payload.c */
int iakerb_payload_parse(const void *buf, size_t len, __u32 expect,
			 struct iakerb_payload *p);
int iakerb_payload_build(void *buf, size_t cap, const struct iakerb_payload *p);
int iakerb_cred_parse(const void *buf, size_t len, struct iakerb_cred *c);
int iakerb_cred_build(void *buf, size_t cap, const char *pass, size_t pass_len,
		      const char *domain, size_t domain_len);
const char *iakerb_outcome_msg(int err);
void iakerb_wipe(void *p, size_t n);

#ifndef __KERNEL__
/* iakerb_credkey.c: userspace only, links -lkeyutils */
int iakerb_cred_fetch(__s32 serial, const char *exch, void *buf, size_t cap,
		      struct iakerb_cred *c);
#endif


#endif /* _IAKERB_CODEC_H */
