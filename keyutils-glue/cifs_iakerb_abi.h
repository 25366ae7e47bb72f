/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * The contract between cifs.ko and its request-key helper for Kerberos
 * exchanges of more than one SESSION_SETUP round trip (IAKerb), and for the
 * final upcall that verifies the server's last token.
 *
 * One header for both sides.  Documentation/admin-guide/cifs/iakerb.rst
 * describes the protocol; its sections have the names of the parts below.
 *
 * Byte order: everything binary is in host byte order (kernel and helper
 * run on the same machine), like struct cifs_spnego_msg.  Readers copy
 * integers out with memcpy(); nothing is read through a cast pointer.
 */
#ifndef _CIFS_IAKERB_ABI_H
#define _CIFS_IAKERB_ABI_H

#include <linux/types.h>

/* ------------------------------------------------------------------ */
/* Versions                                                           */
/* ------------------------------------------------------------------ */

/* Unchanged: stock cifs.upcall rejects ver > 2, 7.2 wants msg->version 2 */
#define IAKERB_UPCALL_VERSION		2

/* ------------------------------------------------------------------ */
/* Key description                                                    */
/* ------------------------------------------------------------------ */

#define IAKERB_SPNEGO_KEY_TYPE		"cifs.spnego"

/* Hard limit of a key description (keyutils, keyctl_describe) */
#define IAKERB_DESC_MAX			4095

/* Field values */
#define IAKERB_HOST_MAX			255
#define IAKERB_USER_MAX			255	/* CIFS_MAX_USERNAME_LEN - 1 */
#define IAKERB_EXCH_LEN			16	/* lowercase hex of 8 random bytes */
#define IAKERB_PID_MAX			4194304	/* PID_MAX_LIMIT */

/* Field names, in the order the kernel writes them */
#define IAKERB_FN_VER			"ver"
#define IAKERB_FN_HOST			"host"
#define IAKERB_FN_IP4			"ip4"
#define IAKERB_FN_IP6			"ip6"
#define IAKERB_FN_SEC			"sec"
#define IAKERB_FN_UID			"uid"
#define IAKERB_FN_CREDUID		"creduid"
#define IAKERB_FN_USER			"user"
#define IAKERB_FN_PID			"pid"
#define IAKERB_FN_TARGET		"upcall_target"
/* written only by a multi-leg kernel (stock cifs.upcall ignores them) */
#define IAKERB_FN_MECHS			"mechs"
#define IAKERB_FN_EXCH			"exch"
#define IAKERB_FN_LEG			"leg"
#define IAKERB_FN_TMO			"tmo"
#define IAKERB_FN_AGENT			"agent"
#define IAKERB_FN_RECON			"recon"
#define IAKERB_FN_CHAN			"chan"

/* A field name starting with this must be understood or the request fails */
#define IAKERB_CRITICAL_MARK		'!'

/* Bits of struct iakerb_desc.have: which fields were present */
enum {
	IAKERB_F_VER		= 0x1u,
	IAKERB_F_HOST		= 0x2u,
	IAKERB_F_IP4		= 0x4u,
	IAKERB_F_IP6		= 0x8u,
	IAKERB_F_SEC		= 0x10u,
	IAKERB_F_UID		= 0x20u,
	IAKERB_F_CREDUID	= 0x40u,
	IAKERB_F_USER		= 0x80u,
	IAKERB_F_PID		= 0x100u,
	IAKERB_F_TARGET		= 0x200u,
	IAKERB_F_MECHS		= 0x400u,
	IAKERB_F_EXCH		= 0x800u,
	IAKERB_F_LEG		= 0x1000u,
	IAKERB_F_TMO		= 0x2000u,
	IAKERB_F_AGENT		= 0x4000u,
	IAKERB_F_RECON		= 0x8000u,
	IAKERB_F_CHAN		= 0x10000u,
};

#define IAKERB_F_LEGACY_REQUIRED \
	(IAKERB_F_VER | IAKERB_F_HOST | IAKERB_F_SEC | IAKERB_F_UID | \
	 IAKERB_F_CREDUID | IAKERB_F_PID | IAKERB_F_TARGET)
#define IAKERB_F_MULTILEG \
	(IAKERB_F_MECHS | IAKERB_F_EXCH | IAKERB_F_LEG | IAKERB_F_TMO)

/* sec= : what 7.2 writes, derived from the offered mechanisms */
enum iakerb_sec {
	IAKERB_SEC_KRB5 = 1,
	IAKERB_SEC_MSKRB5,
	IAKERB_SEC_IAKERB,
};

enum iakerb_target {
	IAKERB_TARGET_APP = 1,
	IAKERB_TARGET_MOUNT,
};

/* mechs= : every mechanism of the server's negTokenInit, canonical order */
enum {
	IAKERB_MECH_KRB5	= 0x1u,	/* 1.2.840.113554.1.2.2 */
	IAKERB_MECH_MSKRB5	= 0x2u,	/* 1.2.840.48018.1.2.2 */
	IAKERB_MECH_KRB5U2U	= 0x4u,	/* 1.2.840.113554.1.2.2.3 */
	IAKERB_MECH_IAKERB	= 0x8u,	/* 1.3.6.1.5.2.5 */
	IAKERB_MECH_NTLMSSP	= 0x10u,	/* 1.3.6.1.4.1.311.2.2.10 */
};

#define IAKERB_MECH_ALL			0x1fu
#define IAKERB_MECH_NONE_NAME		"none"

/* ------------------------------------------------------------------ */
/* Key payload (helper -> kernel): struct cifs_spnego_msg             */
/* ------------------------------------------------------------------ */

/* struct cifs_spnego_msg: version, flags, sesskey_len, secblob_len, data */
#define IAKERB_PAYLOAD_HDR_LEN		16

/* flags: exactly one of these values */
#define IAKERB_MSG_LEGACY		0x0	/* key + blob, single leg (7.2) */
#define IAKERB_MSG_CONTINUE		0x1	/* blob + trailer, no key */
#define IAKERB_MSG_ESTABLISHED		0x2	/* key, no blob: final upcall */

/* After the blob of a CONTINUE payload */
struct iakerb_trailer {
	__u32	magic;			/* IAKERB_TRAILER_MAGIC */
	__u32	agent_pid;		/* in the init pid namespace */
};

#define IAKERB_TRAILER_MAGIC		0x544b4149u	/* "IAKT" on LE */
#define IAKERB_TRAILER_LEN		8

/*
 * Leg 1's CONTINUE, when the description offered chan=1, may instead
 * hand the kernel the agent's channel: an fd of the instantiating
 * helper, a SOCK_SEQPACKET socket whose peer is the agent.
 */
struct iakerb_trailer_chan {
	__u32	magic;			/* IAKERB_TRAILER_CHAN_MAGIC */
	__u32	agent_pid;		/* in the init pid namespace */
	__u32	chan_fd;		/* in the instantiating process */
};

#define IAKERB_TRAILER_CHAN_MAGIC	0x434b4149u	/* "IAKC" on LE */
#define IAKERB_TRAILER_CHAN_LEN		12
#define IAKERB_CHAN_FD_MAX		0x7fffffffu

#define IAKERB_SESSKEY_MAX		64
#define IAKERB_TOKEN_MAX		65535	/* SecurityBufferLength is 16 bits */
#define IAKERB_PAYLOAD_MAX \
	(IAKERB_PAYLOAD_HDR_LEN + IAKERB_SESSKEY_MAX + IAKERB_TOKEN_MAX + \
	 IAKERB_TRAILER_CHAN_LEN)

/* Which answers the reader accepts on this upcall (bit per flags value) */
#define IAKERB_EXPECT_LEGACY		0x1u	/* 1 << IAKERB_MSG_LEGACY */
#define IAKERB_EXPECT_CONTINUE		0x2u	/* 1 << IAKERB_MSG_CONTINUE */
#define IAKERB_EXPECT_ESTABLISHED	0x4u	/* 1 << IAKERB_MSG_ESTABLISHED */
/* a CONTINUE may carry the channel trailer (leg 1 only) */
#define IAKERB_EXPECT_CHAN		0x8u
/* leg 1: a stock helper answers legacy, ours may too */
#define IAKERB_EXPECT_FIRST \
	(IAKERB_EXPECT_LEGACY | IAKERB_EXPECT_CONTINUE | IAKERB_EXPECT_CHAN)
/* after STATUS_MORE_PROCESSING_REQUIRED */
#define IAKERB_EXPECT_MIDDLE	IAKERB_EXPECT_CONTINUE
/* after STATUS_SUCCESS */
#define IAKERB_EXPECT_FINAL	IAKERB_EXPECT_ESTABLISHED
#define IAKERB_EXPECT_ANY \
	(IAKERB_EXPECT_LEGACY | IAKERB_EXPECT_CONTINUE | \
	 IAKERB_EXPECT_ESTABLISHED | IAKERB_EXPECT_CHAN)

/* ------------------------------------------------------------------ */
/* Callout data (kernel -> helper) and the agent's messages           */
/* ------------------------------------------------------------------ */

/*
 * A message is a 12-byte header and records.  The header's first bytes are
 * printable and NUL-free up to the version, so request-key may match
 * "CIAK*" in its callout-info column.
 */
#define IAKERB_MSG_MAGIC		"CIAK"
#define IAKERB_MSG_VERSION		1
#define IAKERB_MSG_HDR_LEN		12	/* magic[4] ver kind rsv[2] len */
#define IAKERB_REC_HDR_LEN		8	/* u32 type, u32 len */

enum iakerb_kind {
	IAKERB_KIND_CALLOUT = 1,	/* kernel -> helper, every leg */
	IAKERB_KIND_HELLO,		/* helper -> agent */
	IAKERB_KIND_PROOF,		/* agent -> helper */
	IAKERB_KIND_REQUEST,		/* helper -> agent */
	IAKERB_KIND_RESULT,		/* agent -> helper */
	IAKERB_KIND_LEG,		/* kernel -> agent, over the channel */
	IAKERB_KIND_ANSWER,		/* agent -> kernel, over the channel */
};

#define IAKERB_KIND_MAX			IAKERB_KIND_ANSWER

/* Record types.  Unknown types are rejected unless this bit is set. */
#define IAKERB_T_IGNORABLE		0x80000000u
enum iakerb_type {
	IAKERB_T_SECRET = 1,	/* 32 bytes, per exchange */
	IAKERB_T_SERVER_BLOB,	/* server's last security buffer */
	IAKERB_T_NEG_BLOB,	/* NEGOTIATE response security buffer */
	IAKERB_T_CRED_KEY,	/* u32 serial of a cifs.iakerb_cred key */
	IAKERB_T_SMB_STATUS,	/* u32 NTSTATUS that came with SERVER_BLOB */
	IAKERB_T_EXCH,		/* 16 chars, as in the description */
	IAKERB_T_LEG,		/* u32 */
	IAKERB_T_NONCE,		/* 16 bytes, chosen by the leg's helper */
	IAKERB_T_PROOF,		/* 16 bytes, one half of SECRET */
	IAKERB_T_DESC,		/* the leg's key description, 1..4095 */
	IAKERB_T_ERRNO,		/* u32 positive errno, 0 = success */
	IAKERB_T_PAYLOAD,	/* a cifs_spnego_msg to instantiate */
};

#define IAKERB_T_MAX			IAKERB_T_PAYLOAD

#define IAKERB_SECRET_LEN		32
#define IAKERB_PROOF_LEN		16	/* SECRET[0..15]: helper's proof */
#define IAKERB_AGENT_PROOF_OFF		16	/* SECRET[16..31]: agent's */
#define IAKERB_NONCE_LEN		16

#define IAKERB_STATUS_SUCCESS		0x00000000u
#define IAKERB_STATUS_MORE_PROCESSING	0xc0000016u

/* Largest message of any kind (a REQUEST with a full blob and desc) */
#define IAKERB_MSG_MAX			(128 * 1024)
/* Largest callout data the kernel ever builds */
#define IAKERB_CALLOUT_MAX \
	(IAKERB_MSG_HDR_LEN + \
	 IAKERB_REC_HDR_LEN + IAKERB_SECRET_LEN + \
	 IAKERB_REC_HDR_LEN + IAKERB_TOKEN_MAX + \
	 2 * (IAKERB_REC_HDR_LEN + 4))

/* ------------------------------------------------------------------ */
/* The password key: a cifs-owned type, never in callout data         */
/* ------------------------------------------------------------------ */

#define IAKERB_CRED_KEY_TYPE		"cifs.iakerb_cred"
/* description: "exch=<exchange id>" */
#define IAKERB_CRED_MAGIC		0x434b4149u	/* "IAKC" on LE */
#define IAKERB_CRED_VERSION		1
#define IAKERB_CRED_HDR_LEN		16	/* magic ver pass_len dom_len */
#define IAKERB_PASS_MAX			512	/* CIFS_MAX_PASSWORD_LEN */
#define IAKERB_DOMAIN_MAX		256	/* CIFS_MAX_DOMAINNAME_LEN */
#define IAKERB_CRED_MAX \
	(IAKERB_CRED_HDR_LEN + IAKERB_PASS_MAX + IAKERB_DOMAIN_MAX)

/* ------------------------------------------------------------------ */
/* The agent and its channel; time; limits                            */
/* ------------------------------------------------------------------ */

/* fd number in the agent holding its end of the rendezvous socketpair */
#define IAKERB_AGENT_FD			100

/*
 * Upcalls per exchange: 16 AS loops + 10 referral hops (MIT's
 * IAKERB_MAX_HOPS) + discovery + AP + SPNEGO MIC round + final + spare
 */
#define IAKERB_MAX_LEGS			32

#define IAKERB_TMO_MIN			5	/* seconds, per leg */
#define IAKERB_TMO_DEFAULT		30
#define IAKERB_TMO_MAX			600
#define IAKERB_HELPER_MARGIN_SEC	1	/* answer by tmo - margin */
#define IAKERB_AGENT_IDLE_SEC		60	/* > server's KDC proxying */
/*
 * Tasks wait on the session mutex for the whole exchange, in D state: it
 * ends before the default hung task timeout (120 s).
 */
#define IAKERB_EXCHANGE_MAX_SEC		90
#define IAKERB_REJECT_TIMEOUT_SEC	1	/* keyctl_reject() timeout */

/* ------------------------------------------------------------------ */
/* The helper's errors: the keyctl_reject() errno of each outcome     */
/* ------------------------------------------------------------------ */

/*
 * The errnos are distinct, so the kernel picks its log line from the
 * errno alone; mount(2) returns it.
 */
#define IAKERB_ERR_BAD_PASSWORD		EKEYREJECTED
#define IAKERB_ERR_EXPIRED		EKEYEXPIRED
#define IAKERB_ERR_NO_PRINCIPAL		EACCES
#define IAKERB_ERR_NO_SERVICE		ENXIO
#define IAKERB_ERR_CLOCK_SKEW		ETIME
#define IAKERB_ERR_KDC_UNREACHABLE	EREMOTEIO
#define IAKERB_ERR_OWN_KDC_UNREACHABLE	ENETUNREACH
#define IAKERB_ERR_NO_CREDS		ENOKEY
#define IAKERB_ERR_TICKET_EXPIRED	ESTALE
#define IAKERB_ERR_NO_MECH		EOPNOTSUPP
#define IAKERB_ERR_TIMEOUT		ETIMEDOUT
#define IAKERB_ERR_PROTOCOL		EPROTO
#define IAKERB_ERR_MUTUAL_AUTH		EBADMSG
#define IAKERB_ERR_AGENT_LOST		ECONNRESET
#define IAKERB_ERR_NOT_PERMITTED	EPERM
#define IAKERB_ERR_TOO_NEW		EPROTONOSUPPORT
#define IAKERB_ERR_NO_MEMORY		ENOMEM
#define IAKERB_ERR_NO_TRUST		ENOLINK

/*
 * What the kernel logs for each outcome ("Kerberos upcall leg N failed:
 * <line>"): one line per IAKERB_ERR_* above, the same name.  The kernel
 * (cifs_iakerb_outcome_msg) and the helper (IAKERB_OUTCOMES in
 * iakerb_codec.h) build their tables from these.
 */
#define IAKERB_MSG_BAD_PASSWORD \
	"the KDC rejected the credentials (wrong password?)"
#define IAKERB_MSG_EXPIRED \
	"password or account expired or locked"
#define IAKERB_MSG_NO_PRINCIPAL \
	"the KDC does not know this user"
#define IAKERB_MSG_NO_SERVICE \
	"the KDC does not know the server's principal cifs/<host> (mounted by IP address or alias?)"
#define IAKERB_MSG_CLOCK_SKEW \
	"clock skew too great (check time synchronisation)"
#define IAKERB_MSG_KDC_UNREACHABLE \
	"the server could not reach a KDC"
#define IAKERB_MSG_OWN_KDC_UNREACHABLE \
	"this machine could not reach a KDC of the realm"
#define IAKERB_MSG_NO_CREDS \
	"no Kerberos credentials (no ticket cache, keytab or password)"
#define IAKERB_MSG_TICKET_EXPIRED \
	"the Kerberos tickets have expired (renew them with kinit)"
#define IAKERB_MSG_NO_MECH \
	"the server offers no usable Kerberos mechanism (no IAKerb)"
#define IAKERB_MSG_TIMEOUT \
	"the helper or its agent missed the deadline"
#define IAKERB_MSG_PROTOCOL \
	"malformed or out-of-order Kerberos token or upcall"
#define IAKERB_MSG_MUTUAL_AUTH \
	"the server failed mutual authentication"
#define IAKERB_MSG_AGENT_LOST \
	"the IAKerb agent is gone"
#define IAKERB_MSG_NOT_PERMITTED \
	"the helper may not reach its agent (its log says why)"
#define IAKERB_MSG_TOO_NEW \
	"the helper does not understand this upcall (update it)"
#define IAKERB_MSG_NO_MEMORY \
	"the helper ran out of memory"
#define IAKERB_MSG_NO_TRUST \
	"the user's realm has no valid trust to the server's (removed or expired?)"

#endif /* _CIFS_IAKERB_ABI_H */
