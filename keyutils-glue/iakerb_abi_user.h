/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * The userspace side of the contract of cifs_iakerb_abi.h: the names the
 * helper and its agent use and the kernel does not.  cifs_iakerb_abi.h is
 * the kernel's copy byte for byte (tests/kernel-pure checks it), so what
 * only userspace needs lives here, on top of it.  The parts have the names
 * of that header's parts.
 */
#ifndef _IAKERB_ABI_USER_H
#define _IAKERB_ABI_USER_H

#include "cifs_iakerb_abi.h"

/* ------------------------------------------------------------------ */
/* Key description                                                    */
/* ------------------------------------------------------------------ */

#define IAKERB_SPNEGO_KEY_TYPE		"cifs.spnego"

/* Field values */
#define IAKERB_HOST_MAX			255
#define IAKERB_USER_MAX			255	/* CIFS_MAX_USERNAME_LEN - 1 */

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
#define IAKERB_FN_REAUTH		"reauth"

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
	IAKERB_F_REAUTH		= 0x20000u,
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

/* mechs= when the server offered none of IAKERB_MECH_ALL */
#define IAKERB_MECH_NONE_NAME		"none"

/* ------------------------------------------------------------------ */
/* Key payload (helper -> kernel): struct cifs_spnego_msg             */
/* ------------------------------------------------------------------ */

/* After the blob of a CONTINUE payload */
struct iakerb_trailer {
	__u32	magic;			/* IAKERB_TRAILER_MAGIC */
	__u32	agent_pid;		/* in the init pid namespace */
};

/* The ESTABLISHED trailer that asks for a re-authentication in place */
struct iakerb_trailer_reauth {
	__u32	magic;			/* IAKERB_TRAILER_REAUTH_MAGIC */
	__u32	seconds;		/* IAKERB_REAUTH_MIN..MAX from now */
};

/* The CONTINUE trailer that hands the kernel the agent's channel */
struct iakerb_trailer_chan {
	__u32	magic;			/* IAKERB_TRAILER_CHAN_MAGIC */
	__u32	agent_pid;		/* in the init pid namespace */
	__u32	chan_fd;		/* in the instantiating process */
};

#define IAKERB_EXPECT_ANY \
	(IAKERB_EXPECT_LEGACY | IAKERB_EXPECT_CONTINUE | \
	 IAKERB_EXPECT_ESTABLISHED | IAKERB_EXPECT_CHAN | \
	 IAKERB_EXPECT_REAUTH)

/* ------------------------------------------------------------------ */
/* Callout data (kernel -> helper) and the agent's messages           */
/* ------------------------------------------------------------------ */

/* The kinds between a leg's helper and the agent (a leg, PROTOCOL.md §8) */
enum {
	IAKERB_KIND_HELLO = 2,		/* helper -> agent */
	IAKERB_KIND_PROOF,		/* agent -> helper */
	IAKERB_KIND_REQUEST,		/* helper -> agent */
	IAKERB_KIND_RESULT,		/* agent -> helper */
};

#define IAKERB_KIND_MAX			IAKERB_KIND_ANSWER

/* Unknown record types are rejected unless this bit is set */
#define IAKERB_T_IGNORABLE		0x80000000u

/* The record types between a leg's helper and the agent */
enum {
	IAKERB_T_EXCH = 6,	/* 16 chars, as in the description */
	IAKERB_T_NONCE = 8,	/* 16 bytes, chosen by the leg's helper */
	IAKERB_T_PROOF,		/* 16 bytes, one half of SECRET */
};

#define IAKERB_T_MAX			IAKERB_T_PAYLOAD

#define IAKERB_PROOF_LEN		16	/* SECRET[0..15]: helper's proof */
#define IAKERB_AGENT_PROOF_OFF		16	/* SECRET[16..31]: agent's */
#define IAKERB_NONCE_LEN		16

/* ------------------------------------------------------------------ */
/* The password key: a cifs-owned type, never in callout data         */
/* ------------------------------------------------------------------ */

#define IAKERB_CRED_MAX \
	(IAKERB_CRED_HDR_LEN + IAKERB_PASS_MAX + IAKERB_DOMAIN_MAX)

/* ------------------------------------------------------------------ */
/* The agent and its channel; time; limits                            */
/* ------------------------------------------------------------------ */

/* fd number in the agent holding its end of the rendezvous socketpair */
#define IAKERB_AGENT_FD			100

#define IAKERB_HELPER_MARGIN_SEC	1	/* answer by tmo - margin */
#define IAKERB_REJECT_TIMEOUT_SEC	1	/* keyctl_reject() timeout */

#endif /* _IAKERB_ABI_USER_H */
