/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * The contract between cifs.ko and its request-key helper for Kerberos
 * exchanges of more than one SESSION_SETUP round trip (IAKerb), and for the
 * final upcall that verifies the server's last token.
 *
 * Documentation/admin-guide/cifs/iakerb.rst describes the protocol; its
 * sections have the names of the parts below.  This header holds only
 * what the kernel reads or writes; the helper keeps the names only it
 * uses (the agent's own messages, the fields it parses) in its own header.
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

/* Hard limit of a key description (keyutils, keyctl_describe) */
#define IAKERB_DESC_MAX			4095

/* Field values */
#define IAKERB_EXCH_LEN			16	/* lowercase hex of 8 random bytes */
#define IAKERB_PID_MAX			4194304	/* PID_MAX_LIMIT */

/* mechs= : every mechanism of the server's negTokenInit, canonical order */
enum {
	IAKERB_MECH_KRB5	= 0x1u,	/* 1.2.840.113554.1.2.2 */
	IAKERB_MECH_MSKRB5	= 0x2u,	/* 1.2.840.48018.1.2.2 */
	IAKERB_MECH_KRB5U2U	= 0x4u,	/* 1.2.840.113554.1.2.2.3 */
	IAKERB_MECH_IAKERB	= 0x8u,	/* 1.3.6.1.5.2.5 */
	IAKERB_MECH_NTLMSSP	= 0x10u,	/* 1.3.6.1.4.1.311.2.2.10 */
};

#define IAKERB_MECH_ALL			0x1fu

/* ------------------------------------------------------------------ */
/* Key payload (helper -> kernel): struct cifs_spnego_msg             */
/* ------------------------------------------------------------------ */

/* struct cifs_spnego_msg: version, flags, sesskey_len, secblob_len, data */
#define IAKERB_PAYLOAD_HDR_LEN		16

/* flags: exactly one of these values */
#define IAKERB_MSG_LEGACY		0x0	/* key + blob, single leg (7.2) */
#define IAKERB_MSG_CONTINUE		0x1	/* blob + trailer, no key */
#define IAKERB_MSG_ESTABLISHED		0x2	/* key, no blob: final upcall */

/*
 * After the blob of a CONTINUE payload: u32 magic, u32 pid of the agent
 * in the init pid namespace.
 */
#define IAKERB_TRAILER_MAGIC		0x544b4149u	/* "IAKT" on LE */
#define IAKERB_TRAILER_LEN		8

/*
 * Leg 1's CONTINUE, when the description offered chan=1, may instead
 * hand the kernel the agent's channel: u32 magic, u32 agent pid, u32 fd
 * of the instantiating helper, a SOCK_SEQPACKET socket whose peer is the
 * agent.
 */
#define IAKERB_TRAILER_CHAN_MAGIC	0x434b4149u	/* "IAKC" on LE */
#define IAKERB_TRAILER_CHAN_LEN		12
#define IAKERB_CHAN_FD_MAX		0x7fffffffu

/*
 * The final upcall's description offers reauth=1 when the kernel can
 * re-authenticate the session in place.  The ESTABLISHED answer may then
 * end with: u32 magic, u32 seconds from now after which the kernel should
 * do so, because fresher credentials can be had before the service ticket
 * (and with it the server's session) ends.  No trailer: never.
 */
#define IAKERB_TRAILER_REAUTH_MAGIC	0x524b4149u	/* "IAKR" on LE */
#define IAKERB_TRAILER_REAUTH_LEN	8
#define IAKERB_REAUTH_MIN		30		/* seconds */
#define IAKERB_REAUTH_MAX		(30 * 24 * 3600)

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
/* an ESTABLISHED may carry the re-authentication trailer (reauth=1) */
#define IAKERB_EXPECT_REAUTH		0x10u
/* leg 1: a stock helper answers legacy, ours may too */
#define IAKERB_EXPECT_FIRST \
	(IAKERB_EXPECT_LEGACY | IAKERB_EXPECT_CONTINUE | IAKERB_EXPECT_CHAN)
/* after STATUS_MORE_PROCESSING_REQUIRED */
#define IAKERB_EXPECT_MIDDLE	IAKERB_EXPECT_CONTINUE
/* after STATUS_SUCCESS */
#define IAKERB_EXPECT_FINAL	IAKERB_EXPECT_ESTABLISHED

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

/* Message kinds; 2 to 5 pass only between the helper and its agent */
enum {
	IAKERB_KIND_CALLOUT = 1,	/* kernel -> helper, every leg */
	IAKERB_KIND_LEG = 6,		/* kernel -> agent, over the channel */
	IAKERB_KIND_ANSWER,		/* agent -> kernel, over the channel */
};

/* Record types; 6, 8 and 9 pass only between the helper and its agent */
enum {
	IAKERB_T_SECRET = 1,	/* 32 bytes, per exchange */
	IAKERB_T_SERVER_BLOB,	/* server's last security buffer */
	IAKERB_T_NEG_BLOB,	/* NEGOTIATE response security buffer */
	IAKERB_T_CRED_KEY,	/* u32 serial of a cifs.iakerb_cred key */
	IAKERB_T_SMB_STATUS,	/* u32 NTSTATUS that came with SERVER_BLOB */
	IAKERB_T_LEG = 7,	/* u32 */
	IAKERB_T_DESC = 10,	/* the leg's key description, 1..4095 */
	IAKERB_T_ERRNO,		/* u32 positive errno, 0 = success */
	IAKERB_T_PAYLOAD,	/* a cifs_spnego_msg to instantiate */
};

#define IAKERB_SECRET_LEN		32

#define IAKERB_STATUS_SUCCESS		0x00000000u
#define IAKERB_STATUS_MORE_PROCESSING	0xc0000016u

/* Largest message of any kind (a helper's REQUEST, full blob and desc) */
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

/* ------------------------------------------------------------------ */
/* The agent and its channel; time; limits                            */
/* ------------------------------------------------------------------ */

/*
 * Upcalls per exchange: 16 AS loops + 10 referral hops (MIT's
 * IAKERB_MAX_HOPS) + discovery + AP + SPNEGO MIC round + final + spare
 */
#define IAKERB_MAX_LEGS			32

#define IAKERB_TMO_MIN			5	/* seconds, per leg */
#define IAKERB_TMO_DEFAULT		30
#define IAKERB_TMO_MAX			600
#define IAKERB_AGENT_IDLE_SEC		60	/* > server's KDC proxying */
/*
 * Tasks wait on the session mutex for the whole exchange, in D state: it
 * ends before the default hung task timeout (120 s).
 */
#define IAKERB_EXCHANGE_MAX_SEC		90

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
