// SPDX-License-Identifier: GPL-2.0
/*
 * localkdc_ensure(): before a mount, the local KDC answers and the user
 * holds a valid TGT of the local realm.
 *
 *  1. the realm is set up and its database is there (LOCALKDC_NOTSETUP);
 *  2. the run directory and socket are the realm owner's (LOCALKDC_UNSAFE:
 *     a socket another user made could hand out anything);
 *  3. the socket accepts a connection, else the KDC is started
 *     (kdc.c; LOCALKDC_NOKDC if it cannot be);
 *  4. as the user (a root caller forks and drops to the account first,
 *     so no root process touches the user's cache or reads a file the
 *     user controls): the cache's krbtgt/REALM@REALM lasting at least
 *     min_remaining is kept; one closer to its end is renewed if it is
 *     renewable; otherwise (or if renewal fails) a new one is obtained
 *     with the keytab setup exported for the user (the keys of the
 *     user's password, 0600, the user's own).
 *
 * The krb5 context reads the realm's snippet first, then the host's
 * krb5.conf (or KRB5_CONFIG), so the local realm works whether or not
 * krb5.conf includes krb5.conf.d.
 */
#include <errno.h>
#include <grp.h>
#include <krb5/krb5.h>
#include <profile.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lkdc.h"

#define DEFAULT_MIN_REMAINING	3600
#define RENEW_LIFE		(7 * 24 * 3600)

struct ens {
	TALLOC_CTX *mem;
	const struct localkdc_ensure_args *a;
	struct localkdc_ensure_result *res;
	struct lkdc_paths p;
	struct lkdc_state st;
	const char *user;
	krb5_context k;
	krb5_principal client;
	krb5_principal tgs;
	krb5_ccache cc;
	struct lkdc_err e;
};

static int kfail(struct ens *x, int rc, krb5_error_code code, const char *what)
{
	const char *m = krb5_get_error_message(x->k, code);

	lkdc_fail(&x->e, rc, "%s: %s", what, m);
	krb5_free_error_message(x->k, m);
	return rc;
}

static int open_context(struct ens *x)
{
	const char *sys = getenv("KRB5_CONFIG");
	char *files = talloc_asprintf(x->mem, "%s:%s", x->p.snippet,
				      sys && sys[0] ? sys : "/etc/krb5.conf");
	profile_t prof;
	krb5_error_code code;

	if (!files)
		return lkdc_fail(&x->e, LOCALKDC_ERR, "out of memory");
	code = profile_init_path(files, &prof);
	if (code)
		return lkdc_fail(&x->e, LOCALKDC_ERR, "cannot read %s: %s",
				 files, error_message(code));
	code = krb5_init_context_profile(prof, 0, &x->k);
	profile_release(prof);
	if (code)
		return lkdc_fail(&x->e, LOCALKDC_ERR, "krb5 context: %s",
				 error_message(code));
	code = krb5_build_principal(x->k, &x->client, strlen(x->st.realm),
				    x->st.realm, x->user, NULL);
	if (!code)
		code = krb5_build_principal(x->k, &x->tgs, strlen(x->st.realm),
					    x->st.realm, KRB5_TGS_NAME,
					    x->st.realm, NULL);
	if (code)
		return kfail(x, LOCALKDC_ERR, code, "principal");
	return LOCALKDC_OK;
}

/* The cache for user@REALM: the one asked for, or in the default
 * collection the one of that principal (or a new one); a single-cache
 * type that holds another principal is left alone. */
static int open_cache(struct ens *x)
{
	krb5_principal who = NULL;
	krb5_error_code code;
	char *name = NULL, *type;
	bool other;

	if (x->a->ccache)
		code = krb5_cc_resolve(x->k, x->a->ccache, &x->cc);
	else
		code = krb5_cc_default(x->k, &x->cc);
	if (code)
		return kfail(x, LOCALKDC_ERR, code, "credential cache");
	if (krb5_cc_get_principal(x->k, x->cc, &who) == 0) {
		other = !krb5_principal_compare(x->k, who, x->client);
		krb5_free_principal(x->k, who);
		if (other && !x->a->ccache &&
		    krb5_cc_support_switch(x->k, krb5_cc_get_type(x->k, x->cc))) {
			type = talloc_strdup(x->mem, krb5_cc_get_type(x->k, x->cc));
			krb5_cc_close(x->k, x->cc);
			x->cc = NULL;
			if (!type)
				return lkdc_fail(&x->e, LOCALKDC_ERR, "out of memory");
			code = krb5_cc_cache_match(x->k, x->client, &x->cc);
			if (code == KRB5_CC_NOTFOUND)
				code = krb5_cc_new_unique(x->k, type, NULL, &x->cc);
			if (code)
				return kfail(x, LOCALKDC_ERR, code,
					     "credential cache collection");
		} else if (other) {
			krb5_cc_get_full_name(x->k, x->cc, &name);
			lkdc_fail(&x->e, LOCALKDC_NOCREDS, "%s holds another "
				  "principal's tickets: give a cache for %s@%s",
				  name ? name : "the cache", x->user,
				  x->st.realm);
			krb5_free_string(x->k, name);
			return LOCALKDC_NOCREDS;
		}
	}
	if (krb5_cc_get_full_name(x->k, x->cc, &name) == 0) {
		snprintf(x->res->ccache, sizeof(x->res->ccache), "%s", name);
		krb5_free_string(x->k, name);
	}
	return LOCALKDC_OK;
}

/* Built in a MEMORY cache, then moved over the user's as kinit does: a
 * reader never finds the cache emptied half-way */
static int store(struct ens *x, krb5_creds *c)
{
	krb5_ccache mem = NULL;
	krb5_error_code code = krb5_cc_new_unique(x->k, "MEMORY", NULL, &mem);

	if (!code)
		code = krb5_cc_initialize(x->k, mem, x->client);
	if (!code)
		code = krb5_cc_store_cred(x->k, mem, c);
	if (!code)
		code = krb5_cc_move(x->k, mem, x->cc);
	if (code) {
		if (mem)
			krb5_cc_destroy(x->k, mem);
		return kfail(x, LOCALKDC_ERR, code, "storing the TGT");
	}
	x->res->endtime = c->times.endtime;
	return LOCALKDC_OK;
}

static int from_keytab(struct ens *x)
{
	char *path = lkdc_user_keytab(x->mem, &x->p, x->user);
	krb5_get_init_creds_opt *opt = NULL;
	krb5_keytab kt = NULL;
	krb5_creds c;
	krb5_error_code code;
	char *name;
	int rc;

	memset(&c, 0, sizeof(c));
	if (!path)
		return lkdc_fail(&x->e, LOCALKDC_ERR, "out of memory");
	if (access(path, R_OK) < 0)
		return lkdc_fail(&x->e, LOCALKDC_NOCREDS,
				 "no valid TGT for %s@%s and no keytab to get "
				 "one (%s: %s; localkdc setup --user %s makes it)",
				 x->user, x->st.realm, path, strerror(errno),
				 x->user);
	name = talloc_asprintf(x->mem, "FILE:%s", path);
	code = name ? krb5_kt_resolve(x->k, name, &kt) : ENOMEM;
	if (!code)
		code = krb5_get_init_creds_opt_alloc(x->k, &opt);
	if (code)
		return kfail(x, LOCALKDC_ERR, code, path);
	krb5_get_init_creds_opt_set_renew_life(opt, RENEW_LIFE);
	code = krb5_get_init_creds_keytab(x->k, &c, x->client, kt, 0, NULL, opt);
	krb5_get_init_creds_opt_free(x->k, opt);
	krb5_kt_close(x->k, kt);
	if (code)
		return kfail(x, code == KRB5_KDC_UNREACH ? LOCALKDC_NOKDC :
			     LOCALKDC_NOCREDS, code, "getting a TGT with the "
			     "user's keytab");
	rc = store(x, &c);
	krb5_free_cred_contents(x->k, &c);
	if (!rc)
		x->res->tgt = LOCALKDC_TGT_OBTAINED;
	return rc;
}

/* 0: renewed; otherwise the caller goes to the keytab */
static int renew(struct ens *x, const krb5_creds *old)
{
	krb5_creds c;
	krb5_error_code code;
	int rc;

	code = krb5_get_renewed_creds(x->k, &c, x->client, x->cc, NULL);
	if (code)
		return -1;
	if (c.times.endtime <= old->times.endtime) {
		krb5_free_cred_contents(x->k, &c);
		return -1;
	}
	rc = store(x, &c);
	krb5_free_cred_contents(x->k, &c);
	if (!rc)
		x->res->tgt = LOCALKDC_TGT_RENEWED;
	return rc ? -1 : 0;
}

static int tgt(struct ens *x)
{
	unsigned int min = x->a->min_remaining ? x->a->min_remaining :
		DEFAULT_MIN_REMAINING;
	krb5_creds want, have;
	time_t now = time(NULL);
	bool found;
	int rc;

	rc = open_context(x);
	if (!rc)
		rc = open_cache(x);
	if (rc)
		return rc;
	memset(&want, 0, sizeof(want));
	want.client = x->client;
	want.server = x->tgs;
	found = krb5_cc_retrieve_cred(x->k, x->cc, 0, &want, &have) == 0;
	if (found && have.times.endtime - now >= (krb5_timestamp)min) {
		x->res->tgt = LOCALKDC_TGT_VALID;
		x->res->endtime = have.times.endtime;
		krb5_free_cred_contents(x->k, &have);
		return LOCALKDC_OK;
	}
	rc = -1;
	if (found && (have.ticket_flags & TKT_FLG_RENEWABLE) &&
	    have.times.endtime > now && have.times.renew_till > now + 30)
		rc = renew(x, &have);
	if (found)
		krb5_free_cred_contents(x->k, &have);
	return rc == 0 ? LOCALKDC_OK : from_keytab(x);
}

static void close_krb5(struct ens *x)
{
	if (!x->k)
		return;
	if (x->cc)
		krb5_cc_close(x->k, x->cc);
	krb5_free_principal(x->k, x->client);
	krb5_free_principal(x->k, x->tgs);
	krb5_free_context(x->k);
	x->k = NULL;
}

/* Root for another account: step 4 in a child that is that account */
static int tgt_as(struct ens *x, const struct passwd *pw)
{
	struct { int rc; struct lkdc_err e; struct localkdc_ensure_result r; } msg;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		return lkdc_fail(&x->e, LOCALKDC_ERR, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return lkdc_fail(&x->e, LOCALKDC_ERR, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		memset(&msg, 0, sizeof(msg));
		/* the caller's cache is not the account's */
		if (!x->a->ccache)
			unsetenv("KRB5CCNAME");
		if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid,
							pw->pw_gid) < 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
			msg.rc = lkdc_fail(&msg.e, LOCALKDC_ERR, "cannot become "
					   "%s: %s", pw->pw_name,
					   strerror(errno));
		} else {
			msg.rc = tgt(x);
			close_krb5(x);
			msg.e = x->e;
			msg.r = *x->res;
		}
		n = write(fds[1], &msg, sizeof(msg));
		_exit(n == (ssize_t)sizeof(msg) ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], &msg, sizeof(msg));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(msg))
		return lkdc_fail(&x->e, LOCALKDC_ERR, "the child acting as %s "
				 "died", pw->pw_name);
	x->e = msg.e;
	msg.r.kdc_started = x->res->kdc_started;
	*x->res = msg.r;
	return msg.rc;
}

static int ensure(struct ens *x)
{
	const struct localkdc_ensure_args *a = x->a;
	struct passwd *pw;
	struct stat sb;
	int rc;

	rc = lkdc_paths_init(x->mem, &a->where, &x->p, &x->e);
	if (!rc)
		rc = lkdc_state_load(x->mem, &x->p, &x->st, &x->e);
	if (rc)
		return rc;
	/* the database is root's: a user may not see it, the KDC will */
	if (stat(x->p.db_name, &sb) < 0 && errno == ENOENT)
		return lkdc_fail(&x->e, LOCALKDC_NOTSETUP, "the KDC database "
				 "of %s is missing (%s): localkdc setup --force "
				 "makes a new realm", x->st.realm, x->p.db_name);
	pw = a->user ? getpwnam(a->user) : getpwuid(geteuid());
	if (!pw || !lkdc_name_ok(pw->pw_name))
		return lkdc_fail(&x->e, LOCALKDC_USAGE, "no local account %s",
				 a->user ? a->user : "for this uid");
	if (geteuid() != 0 && pw->pw_uid != geteuid())
		return lkdc_fail(&x->e, LOCALKDC_USAGE, "only root may ensure "
				 "a TGT for another account (%s)", pw->pw_name);
	x->user = talloc_strdup(x->mem, pw->pw_name);
	snprintf(x->res->principal, sizeof(x->res->principal), "%s@%s",
		 x->user, x->st.realm);
	rc = lkdc_kdc_check_owner(&x->p, &x->e);
	if (rc)
		return rc;
	if (!lkdc_sock_connects(x->p.sock)) {
		if (a->flags & LOCALKDC_NO_START)
			return lkdc_fail(&x->e, LOCALKDC_NOKDC, "the local KDC "
					 "does not answer on %s", x->p.sock);
		rc = lkdc_kdc_start(x->mem, &x->p, &x->st, false, &x->e);
		if (rc)
			return rc;
		x->res->kdc_started = true;
	}
	if (geteuid() == 0 && pw->pw_uid != 0)
		return tgt_as(x, pw);
	rc = tgt(x);
	close_krb5(x);
	return rc;
}

int localkdc_ensure(const struct localkdc_ensure_args *args,
		    struct localkdc_ensure_result *res)
{
	struct ens x = { .a = args, .res = res };
	static const char *const did[] = {
		[LOCALKDC_TGT_NONE] = "nothing",
		[LOCALKDC_TGT_VALID] = "valid",
		[LOCALKDC_TGT_RENEWED] = "renewed",
		[LOCALKDC_TGT_OBTAINED] = "obtained",
	};
	int rc;

	memset(res, 0, sizeof(*res));
	x.mem = talloc_new(NULL);
	if (!x.mem) {
		snprintf(res->why, sizeof(res->why), "out of memory");
		return LOCALKDC_ERR;
	}
	rc = ensure(&x);
	if (rc)
		snprintf(res->why, sizeof(res->why), "%s", x.e.why);
	else
		snprintf(res->why, sizeof(res->why), "TGT %s %s in %s",
			 did[res->tgt], res->principal, res->ccache);
	talloc_free(x.mem);
	return rc;
}
