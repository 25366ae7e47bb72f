/* SPDX-License-Identifier: GPL-2.0 */
/*
 * localkdc: the public C interface of the local KDC helper.
 *
 * localkdc_ensure() is what a mount needs before it can use the local
 * realm: the local KDC answering on its UNIX socket (started if it is
 * not and the caller may start it), and a valid TGT of the local realm
 * in the user's credential cache (kept, renewed when it is close to its
 * end, or obtained from the user's keytab made by "localkdc setup").
 *
 * Link build/liblocalkdc.a with `pkg-config --libs krb5 talloc`.  Nothing
 * is printed: the outcome is the return value (one of enum localkdc_rc,
 * the same numbers the localkdc tool exits with) and one line in
 * res->why.  No secret ever reaches res.
 */
#ifndef LOCALKDC_H
#define LOCALKDC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Exit codes of the tool and return values of the library calls. */
enum localkdc_rc {
	LOCALKDC_OK		= 0,
	LOCALKDC_ERR		= 1,	/* I/O, a Kerberos tool failed, ... */
	LOCALKDC_USAGE		= 2,	/* bad command line or argument */
	LOCALKDC_EXISTS		= 3,	/* a realm exists: --force to replace */
	LOCALKDC_NOTSETUP	= 4,	/* no realm, or its database is missing */
	LOCALKDC_NOKDC		= 5,	/* the KDC does not answer, cannot start */
	LOCALKDC_NOCREDS	= 6,	/* no TGT could be had for the user */
	LOCALKDC_UNSAFE		= 7,	/* a path is owned by another user */
	LOCALKDC_BADTOKEN	= 8,	/* trust token: damaged, altered, wrong
					 * passphrase, expired, other realm */
};

/* Where the pieces live; NULL members take the environment or defaults. */
struct localkdc_where {
	const char *root;		/* LOCALKDC_ROOT, else "" */
	const char *state_dir;		/* LOCALKDC_STATE_DIR, ROOT/var/lib/localkdc */
	const char *run_dir;		/* LOCALKDC_RUN_DIR, ROOT/run/localkdc */
	const char *krb5_conf_dir;	/* LOCALKDC_KRB5_CONF_DIR, ROOT/etc/krb5.conf.d */
};

/* What localkdc_ensure() did about the TGT */
enum localkdc_tgt {
	LOCALKDC_TGT_NONE = 0,
	LOCALKDC_TGT_VALID,		/* the cache's TGT lasts long enough */
	LOCALKDC_TGT_RENEWED,		/* renewed with the KDC */
	LOCALKDC_TGT_OBTAINED,		/* a new one from the user's keytab */
};

#define LOCALKDC_NO_START	0x1u	/* do not start a KDC that is down */

struct localkdc_ensure_args {
	struct localkdc_where where;
	const char *user;		/* local account; NULL: the caller's */
	const char *ccache;		/* NULL: default (root for another
					 * user: FILE:/tmp/krb5cc_<uid>) */
	unsigned int min_remaining;	/* seconds; 0: 3600 */
	unsigned int flags;		/* LOCALKDC_NO_START */
};

struct localkdc_ensure_result {
	enum localkdc_tgt tgt;
	bool kdc_started;		/* this call started the KDC */
	long long endtime;		/* of the TGT now in the cache */
	char principal[256];		/* user@REALM */
	char ccache[256];		/* the cache that holds it */
	char why[768];			/* one line: what failed, or what was done */
};

int localkdc_ensure(const struct localkdc_ensure_args *args,
		    struct localkdc_ensure_result *res);

/* A short name of a return value ("exists", "no-kdc", ...) */
const char *localkdc_rc_name(int rc);

/*
 * @len zeroed bytes and one more (a NUL for a string copy), a talloc
 * child of @mem (a TALLOC_CTX): locked, out of core dumps, wiped when
 * freed.  NULL if out of memory.
 */
void *localkdc_secret_alloc(void *mem, size_t len);

/*
 * Lock again the pages of every live secret: in the child of a fork(),
 * which does not inherit locks.  0, or the first mlock() error (-errno).
 */
int localkdc_secret_relock(void);

#endif /* LOCALKDC_H */
