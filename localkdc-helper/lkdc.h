/* SPDX-License-Identifier: GPL-2.0 */
/*
 * localkdc internals.  One file, one job:
 *
 *   paths.c     where everything lives (root, env and option overrides)
 *   err.c       the one-line failure record and the return codes' names
 *   replace.c   a small file replaced whole (temporary file, rename)
 *   state.c     the realm's state file (realm, host, users)
 *   manifest.c  what setup created, in order: teardown and rollback
 *   fsutil.c    mkdir -p and file writing that record into the manifest
 *   spawn.c     run kdb5_util/kadmin.local, secrets on stdin only
 *   kdb.c       the KDC database and its principals and keytabs
 *   conf.c      kdc.conf and the krb5.conf.d snippet ([domain_realm] too)
 *   kdc.c       the socket: probe, ownership check, start, stop
 *   activator.c holds the socket and runs krb5kdc on demand (no systemd)
 *   ensure.c    localkdc_ensure(): the KDC answering, the user's TGT
 *   password.c  reading a password from the terminal or stdin
 *   trusts.c    the trusts file (PEER-REALM DIRECTION EXPIRES [HOSTS] lines)
 *   seal.c      a trust token's secrets sealed with a passphrase
 *   trust.c     trust offer/accept/list/remove
 *   setup.c, teardown.c, status.c, json.c, main.c: the tool's commands
 *
 * Functions return 0 or a positive enum localkdc_rc, and record the first
 * failure's line in struct lkdc_err; only main.c prints.
 */
#ifndef LOCALKDC_LKDC_H
#define LOCALKDC_LKDC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <talloc.h>

#include "localkdc.h"

#define LKDC_PROG		"localkdc"
#define LKDC_VERSION		"0.1"
#define LKDC_STATE_FILE		"localkdc.state"
#define LKDC_SNIPPET		"localkdc.conf"

struct lkdc_err {
	int rc;				/* first failure, LOCALKDC_OK if none */
	char why[512];
};

/* Record the first failure; returns @rc so callers can "return lkdc_fail()" */
int lkdc_fail(struct lkdc_err *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct lkdc_paths {
	char *root;
	char *state_dir;
	char *state_file;	/* state_dir/localkdc.state */
	char *manifest;		/* state_dir/manifest */
	char *trusts;		/* state_dir/trusts (item 4: one trust a line) */
	char *kdc_conf;		/* state_dir/kdc.conf */
	char *kdc_log;		/* state_dir/kdc.log */
	char *kdc_env;		/* state_dir/kdc.env, for localkdc.service */
	char *db_dir;		/* state_dir/db (0700) */
	char *db_name;		/* db_dir/principal */
	char *stash;
	char *keytab_dir;	/* state_dir/keytabs: cifs.keytab, host.keytab */
	char *users_dir;	/* state_dir/users: <account>.keytab */
	char *run_dir;
	char *sock;		/* run_dir/kdc.sock */
	char *pid_file;		/* run_dir/kdc.pid: krb5kdc */
	char *act_pid_file;	/* run_dir/activator.pid */
	char *conf_dir;		/* krb5.conf.d */
	char *snippet;		/* conf_dir/localkdc.conf */
	/* the MIT programs (LOCALKDC_KRB5KDC, ..._KDB5_UTIL, ..._KADMIN_LOCAL) */
	char *krb5kdc;
	char *kdb5_util;
	char *kadmin_local;
};

int lkdc_paths_init(TALLOC_CTX *mem, const struct localkdc_where *w,
		    struct lkdc_paths *p, struct lkdc_err *e);
char *lkdc_user_keytab(TALLOC_CTX *mem, const struct lkdc_paths *p,
		       const char *user);

/* ---- replace.c ---------------------------------------------------------- */

int lkdc_replace_file(const char *path, mode_t mode, const char *text,
		      struct lkdc_err *e);

/* ---- state.c ----------------------------------------------------------- */

#define LKDC_MAX_USERS	64

struct lkdc_state {
	char *realm;
	char *host;		/* host name of cifs/ and host/ */
	unsigned int idle_exit;	/* seconds; 0: the KDC runs until stopped */
	long long created;
	unsigned int n_users;
	char *users[LKDC_MAX_USERS];
};

/* LOCALKDC_NOTSETUP if there is no state file */
int lkdc_state_load(TALLOC_CTX *mem, const struct lkdc_paths *p,
		    struct lkdc_state *st, struct lkdc_err *e);
int lkdc_state_save(const struct lkdc_paths *p, const struct lkdc_state *st,
		    struct lkdc_err *e);
bool lkdc_state_has_user(const struct lkdc_state *st, const char *user);
bool lkdc_realm_ok(const char *realm);
bool lkdc_name_ok(const char *name);	/* account and host names */
char *lkdc_new_realm(TALLOC_CTX *mem);

/* ---- manifest.c -------------------------------------------------------- */

/* 'd' a directory we made, 'f' a file we made, 'p' a principal we added */
struct lkdc_manifest {
	const struct lkdc_paths *p;
	unsigned int n;
	char *kind;		/* talloc array */
	char **what;		/* talloc array of talloc strings */
};

int lkdc_manifest_load(TALLOC_CTX *mem, const struct lkdc_paths *p,
		       struct lkdc_manifest *m, struct lkdc_err *e);
int lkdc_manifest_add(struct lkdc_manifest *m, char kind, const char *what,
		      struct lkdc_err *e);
bool lkdc_manifest_has(const struct lkdc_manifest *m, char kind,
		       const char *what);
/* Undo entries [from, n) newest first; teardown is from = 0 */
int lkdc_manifest_undo(struct lkdc_manifest *m, unsigned int from,
		       const char *realm, struct lkdc_err *e);

/* ---- fsutil.c ---------------------------------------------------------- */

int lkdc_mkdirs(struct lkdc_manifest *m, const char *dir, mode_t mode,
		struct lkdc_err *e);
int lkdc_write_file(struct lkdc_manifest *m, const char *path, mode_t mode,
		    const char *text, struct lkdc_err *e);
int lkdc_rm_tree(const char *path);

/* ---- spawn.c ----------------------------------------------------------- */

struct lkdc_run {
	const char *const *argv;
	const char *const *env;		/* added to a minimal environment */
	const char *input;		/* written to stdin (may be a secret) */
	size_t input_len;
	char *output;			/* stdout+stderr, talloc'ed on mem */
};

/* Exit status of the program (0..255), or -1 with @e set */
int lkdc_spawn(TALLOC_CTX *mem, struct lkdc_run *r, struct lkdc_err *e);
/* The last non-empty line of a program's output, for error messages */
const char *lkdc_last_line(TALLOC_CTX *mem, const char *out);

/* ---- kdb.c ------------------------------------------------------------- */

int lkdc_kdb_create(TALLOC_CTX *mem, const struct lkdc_paths *p,
		    const char *realm, struct lkdc_err *e);
/* password NULL: random keys (services) */
int lkdc_kdb_addprinc(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const char *realm, const char *princ,
		      const char *password, struct lkdc_err *e);
int lkdc_kdb_delprinc(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const char *realm, const char *princ, struct lkdc_err *e);
/* keep_keys: -norandkey (a user's keytab holds its password's keys) */
int lkdc_kdb_ktadd(TALLOC_CTX *mem, const struct lkdc_paths *p,
		   const char *realm, const char *keytab, const char *princ,
		   bool keep_keys, struct lkdc_err *e);
/* NULL-terminated talloc array of principal names */
int lkdc_kdb_list(TALLOC_CTX *mem, const struct lkdc_paths *p,
		  const char *realm, char ***princs, struct lkdc_err *e);
bool lkdc_kdb_exists(const struct lkdc_paths *p);
/* A cross-realm krbtgt: keys from @password (stdin), expiring at
 * @expires, its tickets living at most @maxlife seconds */
int lkdc_kdb_add_crossrealm(TALLOC_CTX *mem, const struct lkdc_paths *p,
			    const char *realm, const char *princ,
			    const char *password, long long expires,
			    long long maxlife, struct lkdc_err *e);
int lkdc_kdb_has(TALLOC_CTX *mem, const struct lkdc_paths *p,
		 const char *realm, const char *princ, bool *has,
		 struct lkdc_err *e);

/* ---- conf.c ------------------------------------------------------------ */

/* kdc.conf, snippet, trusts, kdc.log, kdc.env; only those not there */
int lkdc_write_confs(TALLOC_CTX *mem, struct lkdc_manifest *m,
		     const char *realm, bool missing_only, struct lkdc_err *e);
struct lkdc_trust;
/* The snippet again, replaced whole, with the peer hosts of @list */
int lkdc_write_snippet(TALLOC_CTX *mem, const struct lkdc_paths *p,
		       const char *realm, const struct lkdc_trust *list,
		       unsigned int n, struct lkdc_err *e);

/* ---- kdc.c ------------------------------------------------------------- */

enum lkdc_kdc_state {
	LKDC_KDC_STOPPED,	/* nothing listens */
	LKDC_KDC_WAITING,	/* socket held, krb5kdc starts on first request */
	LKDC_KDC_RUNNING,	/* krb5kdc runs */
};

struct lkdc_kdc_info {
	bool listening;		/* a listener on the socket (not connected to) */
	enum lkdc_kdc_state state;
	pid_t pid;		/* krb5kdc's, else the activator's, else 0 */
	pid_t act_pid;
	pid_t kdc_pid;
};

#define LKDC_ACT_COMM	"localkdc-act"

/* LOCALKDC_UNSAFE if the run dir or socket belongs to someone else */
int lkdc_kdc_check_owner(const struct lkdc_paths *p, struct lkdc_err *e);
void lkdc_kdc_probe(const struct lkdc_paths *p, struct lkdc_kdc_info *k);
/* Hold the socket and start krb5kdc on the first request (or @now) */
int lkdc_kdc_start(TALLOC_CTX *mem, const struct lkdc_paths *p,
		   const struct lkdc_state *rs, bool now, struct lkdc_err *e);
int lkdc_kdc_stop(const struct lkdc_paths *p, struct lkdc_err *e);
bool lkdc_sock_connects(const char *path);
bool lkdc_sock_listening(const char *path);

/* ---- activator.c ------------------------------------------------------ */

int lkdc_activator_spawn(const struct lkdc_paths *p, const char *realm,
			 bool now, unsigned int idle, struct lkdc_err *e);

/* ---- password.c -------------------------------------------------------- */

/* A password for @what: twice from a terminal, else one line of stdin.
 * The buffer is locked and wiped when freed. */
int lkdc_read_password(TALLOC_CTX *mem, const char *what, char **pw,
		       struct lkdc_err *e);
void *lkdc_secret_alloc(TALLOC_CTX *mem, size_t len);
/* One line of at most @max bytes: asked for @what on the terminal (not
 * echoed if @secret), else read from stdin; in locked, wiped memory */
int lkdc_read_line(TALLOC_CTX *mem, const char *what, bool secret,
		   size_t max, char **line, struct lkdc_err *e);

/* ---- trusts.c ---------------------------------------------------------- */

#define LKDC_MAX_PEER_HOSTS	16

struct lkdc_trust {
	char realm[130];
	char dir[8];		/* "out", "in" or "both", seen from here */
	long long expires;
	/* the peer's hosts this realm's users reach ([domain_realm]),
	 * lower case; only on "out" and "both" */
	unsigned int n_hosts;
	char *hosts[LKDC_MAX_PEER_HOSTS];
};

extern const char lkdc_trusts_header[];

bool lkdc_trust_dir_ok(const char *dir);
/* A host name's lower-case form, or NULL if it is not one: labels of
 * letters, digits and '-' joined by '.', 63 and 253 bytes at most */
char *lkdc_peer_host(TALLOC_CTX *mem, const char *name);
int lkdc_trusts_load(TALLOC_CTX *mem, const struct lkdc_paths *p,
		     struct lkdc_trust **list, unsigned int *n,
		     struct lkdc_err *e);
int lkdc_trusts_save(const struct lkdc_paths *p, const struct lkdc_trust *list,
		     unsigned int n, struct lkdc_err *e);
int lkdc_trusts_find(const struct lkdc_trust *list, unsigned int n,
		     const char *realm);

/* ---- seal.c ------------------------------------------------------------ */

/* @plain sealed under @pass with @aad authenticated: base64 in @b64 */
int lkdc_seal(TALLOC_CTX *mem, const char *pass, const char *aad,
	      const unsigned char *plain, size_t len, char **b64,
	      struct lkdc_err *e);
/* LOCALKDC_BADTOKEN if damaged, altered or the passphrase is wrong */
int lkdc_unseal(TALLOC_CTX *mem, const char *pass, const char *aad,
		const char *b64, unsigned char **plain, size_t *len,
		struct lkdc_err *e);

/* ---- json.c ------------------------------------------------------------ */

char *lkdc_json_str(TALLOC_CTX *mem, const char *s);

/* ---- the commands ------------------------------------------------------ */

struct lkdc_setup_opts {
	const char *realm;		/* NULL: keep or make LOCALKDC.<UUID> */
	const char *host;		/* NULL: gethostname() */
	const char *cifs_owner;		/* account owning cifs.keytab, NULL root */
	long idle_exit;			/* seconds, -1: keep (0 on a new realm) */
	const char **users;
	unsigned int n_users;
	bool force;
};

int lkdc_setup(TALLOC_CTX *mem, const struct lkdc_paths *p,
	       const struct lkdc_setup_opts *o, char **report,
	       struct lkdc_err *e);
int lkdc_teardown(TALLOC_CTX *mem, const struct lkdc_paths *p, char **report,
		  struct lkdc_err *e);
struct lkdc_trust_opts {
	const char *peer;		/* offer, remove */
	const char *token_file;		/* accept; NULL: stdin */
	long long lifetime;		/* offer: seconds */
	bool both;			/* offer: both ways */
	const char *const *peer_hosts;	/* offer, accept: --peer-host */
	unsigned int n_peer_hosts;
	bool force;			/* replace a trust with the same realm */
};

/* The token for the peer in @token, the passphrase in @pass (secret) */
int lkdc_trust_offer(TALLOC_CTX *mem, const struct lkdc_paths *p,
		     const struct lkdc_trust_opts *o, char **token,
		     char **pass, char **report, struct lkdc_err *e);
int lkdc_trust_accept(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const struct lkdc_trust_opts *o, char **report,
		      struct lkdc_err *e);
int lkdc_trust_list(TALLOC_CTX *mem, const struct lkdc_paths *p,
		    char **report, struct lkdc_err *e);
int lkdc_trust_remove(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const struct lkdc_trust_opts *o, char **report,
		      struct lkdc_err *e);
/* "1h", "2d", "1w", "90m", "30s" or seconds; -1 if not understood */
long long lkdc_parse_duration(const char *s);

int lkdc_status(TALLOC_CTX *mem, const struct lkdc_paths *p, bool json,
		char **out, struct lkdc_err *e);

#endif /* LOCALKDC_LKDC_H */
