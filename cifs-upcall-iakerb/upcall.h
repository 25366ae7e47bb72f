/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cifs-upcall-iakerb: the request-key helper for cifs.spnego keys.
 *
 * One upcall, one process.  In order:
 *
 *   1. take the request (struct upcall_io: the kernel's key, or the test
 *      harness's directory), read the description and the callout data
 *      and parse both with the shared codec (keyutils-glue), request.c;
 *   2. as root, only syscalls and the host's own files: read the password
 *      key, open the caller's pidfd, take the agent's socket (legs >= 2);
 *      then enter the caller's namespaces if upcall_target=app and drop to
 *      the credential owner (privs.c) before any NSS, krb5 or plugin code
 *      of the caller's world can run;
 *   3. answer like cifs.upcall (a 7.2 kernel: one leg, LEGACY payload,
 *      krb5_legacy.c), or start an agent that holds the GSS context
 *      (leg 1 of a multi-leg exchange, agent.c), or hand this leg to the
 *      agent (legs >= 2, agent_client.c);
 *   4. instantiate the key with the payload, or reject it with the errno
 *      of PROTOCOL.md §11, logging one line (main.c).
 *
 * Nothing deep inside prints: functions return 0 or a negative number and
 * record the outcome and one line of explanation in struct result.
 */
#ifndef CIFS_UPCALL_IAKERB_UPCALL_H
#define CIFS_UPCALL_IAKERB_UPCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <syslog.h>
#include <talloc.h>

#include "iakerb_codec.h"

#define UPCALL_PROG		"cifs-upcall-iakerb"
#ifndef UPCALL_VERSION
#define UPCALL_VERSION		"0.1"
#endif

/* Root's keytab fallback, as cifs.upcall */
#define UPCALL_DEFAULT_KEYTAB	"FILE:/etc/krb5.keytab"

/* ---- outcome of an upcall (log.c) ------------------------------------ */

/*
 * Every failure is exactly one row of IAKERB_OUTCOMES (the errno the key
 * is rejected with, which mount(2) returns) and one line for the log.
 */
#define OUT_OK		(-1)

struct result {
	int	outcome;		/* IAKERB_OUT_* or OUT_OK */
	char	why[320];		/* one line, no secrets */
	bool	logged;			/* the agent logged the cause itself */
};

/* Record the first failure; returns -errno of @outcome, for "return". */
int fail(struct result *res, int outcome, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* NO_MEMORY, with @what (which allocation) as the line's reason */
int fail_oom(struct result *res, const char *what);
int outcome_errno(int outcome);
const char *outcome_name(int outcome);
/* IAKERB_OUT_* for a positive errno from the table, else PROTOCOL */
int outcome_from_errno(int err);

/* ---- logging (log.c) ------------------------------------------------ */

/* Connects to the host's /dev/log: call as root, before any setns() */
void log_open(bool to_stderr, bool debug);
/* The agent keeps the log socket at fd @to across its close_range():
 * 1 if it is there now, 0 if there is none, or -errno */
int log_move_fd(int to);
void log_set_context(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* One line, every byte outside printable ASCII escaped as \xHH and a
 * backslash as two: what users and servers chose cannot forge or split
 * lines */
void ulog(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t log_escape(char *out, size_t cap, const char *in);

/* ---- command line (options.c) --------------------------------------- */
/* Which IAKerb dialect to speak (iakerb_windows.c) */
enum upcall_dialect {
	UPCALL_DIALECT_UNSET,		/* not on the command line */
	UPCALL_DIALECT_AUTO,		/* from what the server sends */
	UPCALL_DIALECT_MIT,		/* MIT 1.22's: FINISHED, IAKerb OID */
	UPCALL_DIALECT_WINDOWS,		/* Windows': header-flags, krb5 OID */
};
const char *dialect_name(enum upcall_dialect d);
int dialect_parse(const char *s, enum upcall_dialect *d);

/* May a password's AS exchange go through the SMB server? (policy.c) */
enum pw_mode {
	PW_MODE_UNSET,			/* not on the command line */
	PW_MODE_NO,			/* never */
	PW_MODE_AUTO,			/* when no KDC of the realm is known
					 * or reachable (pw_decide) */
	PW_MODE_FALLBACK,		/* also when the KDCs krb5.conf names
					 * for the realm are unreachable (-I) */
};
const char *pw_mode_name(enum pw_mode m);
int pw_mode_parse(const char *s, enum pw_mode *m);

/* What a password obtained: where it may be kept (policy.c) */
enum store_mode {
	STORE_UNSET,			/* not on the command line */
	STORE_NO,			/* nowhere: the default */
	STORE_OWNER,			/* the credential owner's default
					 * ccache, if the owner mounted */
};
const char *store_mode_name(enum store_mode m);
int store_mode_parse(const char *s, enum store_mode *m);


struct upcall_opts {
	bool	trust_dns;		/* -t: reverse-resolve ip= for the SPN */
	bool	env_probe;		/* cleared by -E: caller's KRB5CCNAME */
	bool	no_channel;		/* --no-channel: per-leg upcalls */
	bool	legacy_uid;		/* -l: uid= instead of creduid= */
	enum pw_mode iakerb_password;	/* --iakerb-password (-I: fallback) */
	enum store_mode store;		/* --store-tickets */
	bool	allow_root_mntns;	/* creduid 0 into another mntns */
	bool	log_stderr;		/* -s: log to stderr as well */
	bool	debug;			/* -d: LOG_DEBUG lines too */
	const char *keytab;		/* -K */
	const char *krb5conf;		/* -k */
	unsigned int expire;		/* -e: LEGACY key timeout, s (0: none) */
	enum upcall_dialect dialect;	/* --dialect */
	const char *arg;		/* %k: the key serial (or test dir) */
};

enum opts_result {
	OPTS_RUN,
	OPTS_EXIT_OK,			/* --help or --version printed */
	OPTS_EXIT_USAGE,
};

enum opts_result opts_parse(int argc, char **argv, struct upcall_opts *o,
			    FILE *out);

/* ---- the kernel side (io_keyctl.c, or io_file.c in the test binary) - */

/*
 * The real one works on the key under construction (its authority is
 * assumed in open); the test one on a directory the harness fills:
 *
 *   desc           the key description (text)
 *   callout        the callout data (binary; absent = empty)
 *   cred.<serial>  a cifs.iakerb_cred payload, root-owned, mode 0600
 *   payload        written by instantiate (the key's payload)
 *   rejected       written by reject: the errno, in decimal
 *
 * upcall_io_open() runs first, as root, and must leave the object able to
 * instantiate or reject after privileges are dropped.  read_cred also
 * runs as root.  Everything else the helper does is the same code in
 * both binaries.
 */
struct upcall_io {
	const char *kind;
	int (*describe)(struct upcall_io *io, TALLOC_CTX *mem, char **desc,
			size_t *len);
	int (*read_callout)(struct upcall_io *io, TALLOC_CTX *mem,
			    uint8_t **buf, size_t *len);
	int (*read_cred)(struct upcall_io *io, int32_t serial, const char *exch,
			 void *buf, size_t cap, struct iakerb_cred *c);
	int (*instantiate)(struct upcall_io *io, const void *data, size_t len,
			   unsigned int expire);
	/* the negative key lives @timeout seconds (reject_timeout()) */
	int (*reject)(struct upcall_io *io, int err, unsigned int timeout);
	/*
	 * Give up the right to answer, for good, in a process about to run
	 * the caller's world (NULL: there is nothing to give up)
	 */
	int (*renounce)(struct upcall_io *io);
	void *priv;
};

/* NULL and errno set on failure */
struct upcall_io *upcall_io_open(TALLOC_CTX *mem, const char *arg);

/* ---- the request (request.c) ---------------------------------------- */

struct upcall_req {
	struct iakerb_desc d;
	char	*desc;			/* NUL-terminated copy */
	size_t	desc_len;
	bool	multileg;		/* exch= present: a patched kernel */
	uint8_t	*callout;		/* raw callout data, may be empty */
	size_t	callout_len;
	struct iakerb_msg msg;		/* parsed callout (multi-leg only) */
	uid_t	uid;			/* credential owner: creduid (or uid) */
	bool	app;			/* upcall_target=app */
};

int request_parse(const char *desc, size_t desc_len, const uint8_t *callout,
		  size_t callout_len, bool legacy_uid, struct upcall_req *r,
		  struct result *res);
int request_read(struct upcall_io *io, TALLOC_CTX *mem,
		 const struct upcall_opts *o, struct upcall_req *r,
		 struct result *res);
/* Seconds the key we reject stays negative (PROTOCOL.md §3) */
unsigned int reject_timeout(const struct upcall_req *r);

/* ---- privileges and namespaces (privs.c) ---------------------------- */

struct caller {
	int	pidfd;			/* the process in pid=, -1 if none */
	int	procfd;			/* its /proc/<pid> (O_PATH), or -1 */
	bool	enter;			/* enter its namespaces */
	bool	enter_user;		/* ... including its user namespace */
	int	ns_flags;		/* CLONE_NEW* of those that differ */
	uid_t	uid;			/* credential owner, as seen in there */
	gid_t	gid;
	bool	owner_mounted;		/* its real uid is the credential
					 * owner's: the owner made the mount */
	bool	env_ok;			/* its KRB5CCNAME may name the cache
					 * (privs_env_trusted) */
};

void privs_harden_early(void);
/* pidfd_open(2); -1 and errno on failure */
int sys_pidfd_open(pid_t pid, unsigned int flags);
int privs_open_caller(const struct upcall_req *r, bool allow_root_mntns,
		      struct caller *c, struct result *res);
int privs_enter_and_drop(struct caller *c, bool agent, struct result *res);
int privs_drop(uid_t uid, gid_t gid, struct result *res);
/* The credential owner's gid: @pid's if it runs as @uid, else the host's
 * passwd; -ENOENT if neither knows it (then privs_no_gid() says so) */
int privs_owner_gid(uid_t uid, pid_t pid, gid_t *gid);
int privs_no_gid(struct result *res, uid_t uid);
/* The owner's ids in the caller's user namespace, from its uid_map and
 * gid_map; -ENOENT and *unmapped ("uid", "gid") if one is not mapped */
int privs_map_owner(const char *uid_map, const char *gid_map,
		    unsigned long kuid, unsigned long kgid, uid_t *uid,
		    gid_t *gid, const char **unmapped);
/* May a caller whose real uid is @ruid name the cache of @owner? */
bool privs_env_trusted(unsigned long ruid, unsigned long owner);
/* A variable of the caller's environment, read as root (text only) */
char *privs_caller_env(TALLOC_CTX *mem, const struct caller *c,
		       const char *var);
void privs_close_caller(struct caller *c);

/* ---- secrets (secret.c) --------------------------------------------- */

/*
 * Locked, excluded from core dumps, wiped when the talloc chunk is freed.
 * Only these pages are locked (the agent does not mlockall()): every
 * buffer of ours that holds a password, the exchange secret or a key
 * comes from here.  secret_relock() locks them all again in a fork()ed
 * child (the agent), which inherits the memory but not the locks.
 */
void *secret_alloc(TALLOC_CTX *mem, size_t len);
int secret_relock(void);
void secret_wipe(void *p, size_t len);
bool ct_equal(const void *a, const void *b, size_t len);
int random_bytes(void *buf, size_t len);

/* ---- payloads (payload.c) ------------------------------------------- */

struct payload {
	uint8_t	*data;
	size_t	len;
	uint32_t flags;			/* IAKERB_MSG_* */
};

const char *payload_flags_name(uint32_t f);
int payload_legacy(TALLOC_CTX *mem, const void *key, size_t key_len,
		   const void *blob, size_t blob_len, struct payload *p);
int payload_continue(TALLOC_CTX *mem, const void *blob, size_t blob_len,
		     pid_t agent, struct payload *p);
int payload_established(TALLOC_CTX *mem, const void *key, size_t key_len,
			uint32_t reauth_sec, struct payload *p);

/* When the kernel should authenticate again (reauth.c); 0: never */
#define REAUTH_MARGIN_MAX	600
uint32_t reauth_seconds(int64_t svc_left, int64_t tgt_left, bool password);
struct initiator;
uint32_t reauth_advice(struct initiator *in);
/* Which flags the kernel accepts on this leg (PROTOCOL.md §5) */
uint32_t payload_expect(const struct upcall_req *r);

/* ---- what one upcall knows, after privileges are dropped ---------- */

/* Which credentials a ccache holds for the server (ccache.c) */
enum cc_state {
	CC_NONE,		/* nothing usable */
	CC_TGT,			/* a valid TGT of the cache's realm */
	CC_SERVICE,		/* a valid service ticket for cifs/<host> */
};

struct cc_choice {
	char	*name;		/* full ccache name ("DIR::/...", ...) */
	char	*principal;	/* its default principal */
	char	*realm;
	enum cc_state state;
	int64_t	end;		/* when its best ticket ends (Unix time) */
	char	*collection;	/* where obtained credentials go */
	/* none found: a cache whose tickets for the user had all expired */
	char	*stale;
	char	*stale_principal;
	/* a cache name that could not even be opened (a KCM daemon that
	 * does not answer), and why: "KCM: cannot be read: ..." */
	char	*unreadable;
};

struct upcall_ctx {
	TALLOC_CTX *mem;		/* lives as long as the process */
	const struct upcall_opts *o;
	struct upcall_req *r;
	struct upcall_io *io;
	struct caller caller;
	struct result res;
	/* leg 1: the mount's password (secret memory), if the kernel gave one */
	char	*pass;
	size_t	pass_len;
	char	*domain;		/* NUL-terminated, may be "" */
	char	*env_ccname;		/* the caller's KRB5CCNAME, if probed */
};

/*
 * privs.c: what a child that runs the caller's world does first: give up
 * the request's authority, enter the caller's namespaces, drop to the
 * credential owner
 */
int privs_enter_world(struct upcall_ctx *u, bool agent);
/*
 * worker.c: @fn (legacy_run) in a child of ours that entered the caller's
 * world (privs_enter_world); its payload and result come back here
 */
typedef int (*worker_fn)(struct upcall_ctx *u, TALLOC_CTX *mem,
			 struct payload *p);
int worker_run(struct upcall_ctx *u, TALLOC_CTX *mem, worker_fn fn,
	       struct payload *p);

/* krb5_legacy.c: one leg, like cifs.upcall */
int legacy_run(struct upcall_ctx *u, TALLOC_CTX *mem, struct payload *p);
/* Would a failure of legacy_run make IAKerb worth trying? */
bool legacy_failure_allows_iakerb(const struct result *res);

/* agent.c: leg 1 of a multi-leg exchange */
int agent_start(struct upcall_ctx *u, TALLOC_CTX *mem, struct payload *p);
/* agent_client.c: legs >= 2 (takes the socket as root, then drops) */
int agent_leg(struct upcall_ctx *u, TALLOC_CTX *mem, struct payload *p);

/* main.c: the whole upcall, given an io; returns the process exit code */
int upcall_main(struct upcall_io *io, const struct upcall_opts *o);

#endif /* CIFS_UPCALL_IAKERB_UPCALL_H */
