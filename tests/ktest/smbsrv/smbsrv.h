/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsrv: a small SMB 3.x test server with Kerberos/IAKerb authentication
 * through MIT krb5 GSSAPI.  One process: a poll() loop owns all protocol
 * state; GSS work runs in worker threads (MIT's IAKerb acceptor talks to
 * the KDC synchronously) and completes back into the loop.
 */
#ifndef SMBSRV_H
#define SMBSRV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "crypto.h"
#include "smb2.h"
#include "wire.h"

#define MAX_SHARES 16
#define MAX_DFS_LINKS 16

/* Doubly linked lists: head->prev is the tail. */
#define DLIST_ADD(list, p) do {					\
	if (!(list)) {						\
		(p)->prev = (list) = (p);			\
		(p)->next = NULL;				\
	} else {						\
		(p)->prev = (list)->prev;			\
		(list)->prev = (p);				\
		(p)->next = (list);				\
		(list) = (p);					\
	}							\
} while (0)

#define DLIST_REMOVE(list, p) do {				\
	if ((p) == (list)) {					\
		if ((p)->next)					\
			(p)->next->prev = (p)->prev;		\
		(list) = (p)->next;				\
	} else if ((list) && (p) == (list)->prev) {		\
		(p)->prev->next = NULL;				\
		(list)->prev = (p)->prev;			\
	} else {						\
		if ((p)->prev)					\
			(p)->prev->next = (p)->next;		\
		if ((p)->next)					\
			(p)->next->prev = (p)->prev;		\
	}							\
	(p)->next = (p)->prev = NULL;				\
} while (0)

struct share {
	char *name;		/* as the client names it, e.g. "share" */
	char *path;		/* directory; NULL for IPC$ */
	int dirfd;
	bool ipc;
	bool dfs_root;		/* --dfs-root: a DFS namespace root (dfs.c) */
};

/* --dfs-link ROOT/NAME=\\HOST\\SHARE: NAME in root share ROOT refers to
 * TARGET ("\\host\\share", MS-DFSC's form) */
struct dfs_link {
	char *root;
	char *name;
	char *target;
};

/*
 * Which IAKerb dialect the server speaks (FACTS.md, "Two IAKerb dialects"):
 *  MODE_MIT      a plain MIT 1.22 acceptor: every token of an IAKerb
 *                exchange goes to the IAKerb context, so a krb5-OID final
 *                AP-REQ after proxy legs is rejected (no FINISHED);
 *  MODE_WINDOWS  like the Windows vectors: proxy replies with realm "." and
 *                header-flags 01 00 00 00, the krb5-OID final AP-REQ in a
 *                krb5 context, AP-REP + mechListMIC with accept-incomplete
 *                and a MIC leg; an IAKerb-OID final AP-REQ is refused;
 *  MODE_BOTH     MIT-shaped replies, both finals accepted (routing).
 */
enum dialect_mode { MODE_MIT, MODE_WINDOWS, MODE_BOTH };
enum auth_mode { AUTH_OWN_SPNEGO, AUTH_MIT_SPNEGO };

/* Fault knobs, [--fault NAME[=VALUE]].  A leg number counts this session's
 * SESSION_SETUP requests from 1; 0 means "every leg" where that makes sense. */
struct faults {
	int garble_leg;		/* flip bytes in the output token of leg N */
	int truncate_leg;	/* cut the output token of leg N in half */
	int oversize_leg;	/* pad the output token of leg N ... */
	int oversize_len;	/* ... to this many bytes (default 65535) */
	bool endless;		/* never finish: MORE_PROCESSING forever */
	bool bad_mic;		/* wrong mechListMIC in the final reply */
	bool bad_aprep;		/* corrupt the AP-REP */
	int close_leg;		/* close the connection on leg N's request */
	int kdc_delay_ms;	/* sleep before each KDC-bound leg */
	int krb_error;		/* answer a proxy leg with this KRB-ERROR */
	int krb_error_leg;	/* ... on this leg (0: the first proxy leg) */
	int expire_after;	/* STATUS_NETWORK_SESSION_EXPIRED after N
				 * requests on a session (0: off) */
	bool expire_at_ticket_end; /* ... once the ticket the session was
				 * set up with has ended (Windows) */
	int kdc_pad;		/* grow KDC replies to this many bytes
				 * (kdcpad.h; 0: off) */
	int bad_final_sig;	/* flip a byte of the signature of this
				 * many final SESSION_SETUP responses
				 * (-1: every one; counts down) */
	bool no_neg_blob;	/* NEGOTIATE without a security buffer */
	bool no_bind;		/* refuse session binding, as before
				 * multichannel: STATUS_REQUEST_NOT_ACCEPTED */
	int stall_leg;		/* never answer leg N; keep the connection */
	int hold_leg;		/* hold leg N of every exchange ... */
	int hold_ms;		/* ... this long before the acceptor sees it */
	/* random=SEED[:RATE], chaos-replay=SUB (chaos.h) */
	bool chaos;
	uint64_t chaos_seed;
	unsigned int chaos_rate;	/* percent of exchanges mutated */
	bool chaos_replay;
	uint64_t chaos_sub;
};

struct srv_config {
	const char *listen_addr;
	int port;
	const char *keytab;
	const char *log_path;
	const char *pid_file;
	const char *server_name;	/* for the log and hints */
	struct share shares[MAX_SHARES];
	int nshares;
	enum dialect_mode mode;
	enum auth_mode auth;
	/* advertised mechs, in order: "iakerb", "krb5", "mskrb5", "ntlmssp",
	 * "negoex" (names, resolved by auth.c) */
	const char *mechs[8];
	int nmechs;
	bool sign_required;
	bool allow_30;			/* offer 3.0/3.0.2 too */
	bool allow_21;			/* negotiate 2.1 too; no sessions */
	bool multichannel;		/* SMB2_GLOBAL_CAP_MULTI_CHANNEL and
					 * session binding */
	struct faults faults;
	struct dfs_link dfs_links[MAX_DFS_LINKS];
	int ndfs_links;
};

struct server;
struct conn;
struct session;
struct auth_ctx;

struct open {
	struct open *prev, *next;
	struct tree *tree;
	uint64_t id;
	int fd;
	char *path;		/* relative to the share, "" for the root */
	bool is_dir;
	bool delete_on_close;
	uint32_t access;
	/* directory enumeration */
	char **names;
	size_t nnames;
	size_t pos;
	bool listed;
};

struct tree {
	struct tree *prev, *next;
	struct session *sess;
	uint32_t id;
	struct share *share;
	struct open *opens;
};

enum sess_state { SESS_IN_PROGRESS, SESS_VALID, SESS_EXPIRED };

/*
 * A session lives on the connection that set it up.  A channel bound to
 * it on another connection ([MS-SMB2] 3.3.5.5, SMB2_SESSION_FLAG_BINDING)
 * is a session of that connection with the same id and master pointing
 * at the session: it has its own GSS exchange, preauth hash and signing
 * key; trees, opens and the user are the master's.  A master that goes
 * takes its channels with it.
 */
struct session {
	struct session *prev, *next;
	struct conn *conn;
	struct session *master;		/* NULL, or the session bound to */
	uint64_t id;
	enum sess_state state;
	int legs;			/* SESSION_SETUP requests so far */
	uint8_t preauth[PREAUTH_HASH_LEN];
	uint8_t session_key[16];
	uint8_t signing_key[16];
	bool signing;
	bool has_key;
	char *user;
	struct auth_ctx *auth;
	struct auth_job *job;		/* pending GSS leg */
	struct tree *trees;
	uint32_t next_tree_id;
	unsigned int requests;		/* for expire_after */
	time_t ticket_end;		/* CLOCK_MONOTONIC s; 0: unknown */
	struct chaos_sess *chaos;	/* --fault random: this exchange's plan */
};

struct conn {
	struct conn *prev, *next;
	struct server *srv;
	int fd;
	unsigned int id;
	char peer[64];
	/* input */
	uint8_t *in;
	size_t in_len, in_cap;
	/* output queue: one NBSS frame per entry */
	struct outq *outq, *outq_tail;
	bool closing;			/* close once the queue is empty */
	/* negotiated */
	bool negotiated;
	bool smb2_wildcard;	/* answered an SMB1 NEGOTIATE with 0x02FF */
	uint16_t dialect;
	uint8_t client_guid[16];
	uint32_t client_caps;
	uint16_t client_secmode;
	uint8_t preauth[PREAUTH_HASH_LEN];
	struct session *sessions;
	unsigned int pending_jobs;
	/* READs and WRITEs answered here: which channel carried I/O */
	unsigned long reads, writes;
};

struct outq {
	struct outq *next;
	uint8_t *data;
	size_t len, done;
};

struct server {
	struct srv_config *cfg;
	int listen_fd;
	int job_pipe[2];		/* worker -> loop completions */
	struct conn *conns;
	unsigned int next_conn_id;
	uint64_t next_sess_id;
	uint64_t next_file_id;
	uint8_t guid[16];
	uint64_t start_time;
	FILE *log;
	uint8_t *neg_hints;		/* negTokenInit for NEGOTIATE */
	size_t neg_hints_len;
	struct chaos_state *chaos;	/* --fault random (chaos_sess.c) */
};

/* A request being answered; one per message of a compound. */
struct smb2_ctx {
	struct conn *conn;
	struct smb2_req *req;
	struct session *sess;
	struct tree *tree;
	struct buf *rsp;		/* header + body being built */
	uint32_t status;
	bool no_response;		/* CANCEL */
	bool sign;			/* sign the response */
	bool bad_sig;			/* ... and flip a signature byte */
	const uint8_t *sign_key;	/* points at key below */
	uint8_t key[16];
	bool deferred;			/* answered later (GSS job) */
	bool close_after;		/* drop the connection after sending */
	bool sid_set;			/* --fault random: SessionId sid ... */
	uint64_t sid;			/* ... instead of the session's */
	uint8_t *hash_rsp;		/* preauth hash to extend with the
					 * finished response */
	/* compound chaining */
	struct smb2_fileid *chain_fid;
	uint32_t *chain_status;
};

/* log.c */
void slog(struct server *srv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void slog_init(struct server *srv);

/* conn.c */
void conn_input(struct conn *c);
void conn_queue(struct conn *c, uint8_t *frame, size_t len);
void conn_free(struct conn *c);
void conn_send_deferred(struct conn *c, struct smb2_ctx *x);
uint64_t now_filetime(void);
time_t now_mono(void);
struct session *sess_lookup(struct conn *c, uint64_t id);
bool verify_signature(const uint8_t key[16], const struct smb2_req *r);
void smb2_rsp_header(struct smb2_ctx *x, uint16_t struct_size);
void smb2_error(struct smb2_ctx *x, uint32_t status);

/* negotiate.c */
void smb2_negotiate(struct smb2_ctx *x);
void smb1_negotiate(struct smb2_ctx *x, const uint8_t *msg, size_t len);
uint32_t server_caps(const struct srv_config *cfg);

/* sess.c */
void smb2_session_setup(struct smb2_ctx *x);
void smb2_logoff(struct smb2_ctx *x);
void sess_free(struct session *s);
void job_complete(struct server *srv, struct auth_job *job);
void sessions_expire_all(struct server *srv);

/* chaos_sess.c: --fault random's hooks in sess.c (chaos.h) */
struct auth_result;
struct chaos_leg {			/* what one leg's response gets */
	bool on;
	unsigned int conn;
	uint64_t sess, exch;
	int leg;
	bool sess_id, secbuf;
	uint32_t sess_id_arg, secbuf_arg;
	int sig;			/* 1 bad, 2 absent */
	int drop;			/* 1 before, 2 after the response */
};
void chaos_exchange_start(struct server *srv, struct session *s);
unsigned int chaos_delay_ms(struct server *srv, struct session *s, int leg);
void chaos_result(struct server *srv, struct session *s, int leg,
		  struct auth_result *res, struct chaos_leg *cl);
/* false: send nothing (the connection is closing) */
bool chaos_response(struct server *srv, const struct chaos_leg *cl,
		    struct smb2_ctx *x, uint8_t *body);

/* tree.c */
void smb2_tree_connect(struct smb2_ctx *x);
void smb2_tree_disconnect(struct smb2_ctx *x);
void tree_free(struct tree *t);

/* file.c */
void smb2_create(struct smb2_ctx *x);
void smb2_close(struct smb2_ctx *x);
void smb2_flush(struct smb2_ctx *x);
void smb2_read(struct smb2_ctx *x);
void smb2_write(struct smb2_ctx *x);
void smb2_lock(struct smb2_ctx *x);
struct open *open_lookup(struct smb2_ctx *x, const struct smb2_fileid *fid);
void open_close(struct open *o);
uint64_t ts_to_filetime(const struct timespec *ts);
uint32_t stat_attrs(const struct stat *st);
int utf16_to_path(void *mem_ctx, const uint8_t *p, size_t len, char **out);
int create_name_to_path(void *mem_ctx, const uint8_t *p, size_t len,
			char **out);
int resolve_parent(int dirfd, const char *path, const char **base);
size_t utf8_to_utf16(const char *s, struct buf *b);

/* info.c */
void smb2_query_info(struct smb2_ctx *x);
void smb2_set_info(struct smb2_ctx *x);

/* dir.c */
void smb2_query_directory(struct smb2_ctx *x);

/* ioctl.c */
void smb2_ioctl(struct smb2_ctx *x);

/* dfs.c */
int dfs_add_root(struct srv_config *cfg, const char *name);
int dfs_add_link(struct srv_config *cfg, const char *spec);
int dfs_check_config(const struct srv_config *cfg, const char **bad);
bool dfs_enabled(const struct srv_config *cfg);
uint32_t dfs_create_path(struct smb2_ctx *x, char *name, char **path);
uint32_t dfs_get_referrals(struct smb2_ctx *x, struct buf *out);

uint32_t errno_to_status(int err);

#endif
