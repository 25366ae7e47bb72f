// SPDX-License-Identifier: GPL-2.0
/*
 * The user's credential caches, after privileges are dropped: which one to
 * use, and where to store what an IAKerb exchange obtained.
 *
 * Candidates, in order: the caller's KRB5CCNAME (upcall_target=app, not
 * for creduid 0, from a task running as the owner or as root: main.c),
 * then the user's default ccache name from
 * krb5.conf (KEYRING:persistent:%{uid}, KCM:, DIR:, FILE:...).  A name of
 * a collection type (DIR, KEYRING, KCM) stands for every cache in the
 * collection, primary first.  A cache counts if its principal is the
 * mount's user (when the mount names one) and it holds a valid service
 * ticket for cifs/<host> (best: only an AP exchange is left) or a valid
 * TGT of its own realm.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gss_glue.h"
#include "ccache_find.h"

/* Tickets that end within this many seconds do not count */
#define CC_MIN_LIFE	60

static bool data_is(const krb5_data *d, const char *s)
{
	return d->length == strlen(s) && !memcmp(d->data, s, d->length);
}

static bool data_casecmp(const krb5_data *d, const char *s)
{
	return d->length == strlen(s) && !strncasecmp(d->data, s, d->length);
}

/*
 * Seconds from @now until the krb5 time @t.  krb5_timestamp is a 32-bit
 * int that MIT reads as unsigned (ts2tt(), ts_after(): good until 2106,
 * not 2038), so it is widened as unsigned and compared in 64 bits: an
 * int32 difference overflows (undefined) and called a ticket ending after
 * 2038 expired.
 */
static int64_t ts_left(krb5_timestamp t, time_t now)
{
	return (int64_t)(uint32_t)t - (int64_t)now;
}

/*
 * What @cc holds for cifs/<host>.  *stale is set when it held a TGT or
 * that ticket which had expired (or ends within CC_MIN_LIFE): the
 * difference between "no credentials" and "renew them".
 */
static enum cc_state cc_eval(krb5_context k, krb5_ccache cc,
			     krb5_principal client, const char *host,
			     bool *stale, int64_t *end)
{
	enum cc_state best = CC_NONE, kind;
	krb5_cc_cursor cur;
	krb5_creds c;
	time_t now = time(NULL);

	*stale = false;
	*end = 0;
	if (krb5_cc_start_seq_get(k, cc, &cur))
		return CC_NONE;
	while (!krb5_cc_next_cred(k, cc, &cur, &c)) {
		krb5_principal s = c.server;

		kind = CC_NONE;
		if (!krb5_is_config_principal(k, s) &&
		    krb5_principal_compare(k, c.client, client) &&
		    s->length == 2) {
			if (data_casecmp(&s->data[0], "cifs") &&
			    data_casecmp(&s->data[1], host))
				kind = CC_SERVICE;
			else if (data_is(&s->data[0], "krbtgt") &&
				 s->data[1].length == client->realm.length &&
				 !memcmp(s->data[1].data, client->realm.data,
					 client->realm.length))
				kind = CC_TGT;
		}
		if (kind != CC_NONE && ts_left(c.times.endtime, now) <= CC_MIN_LIFE)
			*stale = true;
		else if (kind > best) {
			best = kind;
			*end = (int64_t)(uint32_t)c.times.endtime;
		}
		krb5_free_cred_contents(k, &c);
	}
	krb5_cc_end_seq_get(k, cc, &cur);
	return best;
}

/* Is @p the mount's user?  "alice" matches alice@ANY, "alice@R" exactly */
bool cc_principal_is_user(krb5_context k, krb5_principal p, const char *user)
{
	char *s = NULL;
	bool ok;
	int flags = strchr(user, '@') ? 0 : KRB5_PRINCIPAL_UNPARSE_NO_REALM;

	if (!user[0])
		return true;
	if (krb5_unparse_name_flags(k, p, flags, &s))
		return false;
	ok = !strcasecmp(s, user);
	krb5_free_unparsed_name(k, s);
	return ok;
}

struct cand {
	char		*name;
	char		*principal;
	char		*realm;
	enum cc_state	state;
	int64_t		end;
	bool		user_ok;
};

/* The best candidates so far: for the user, for anyone, and stale ones */
struct cands {
	struct cand	best, any;
	struct cand	stale_user, stale_any;
	char		*unreadable;	/* the first name that failed */
};

/*
 * @name could not be opened or walked.  A cache that does not exist yet
 * is no failure (a FILE, DIR or KEYRING name says nothing until used);
 * anything else (a KCM daemon stopped: KRB5_KCM_NO_SERVER, or
 * ECONNREFUSED from a socket left behind) is what the user needs to
 * hear when no credentials are found.
 */
static void note_unreadable(TALLOC_CTX *mem, krb5_context k, const char *name,
			    krb5_error_code ret, struct cands *cs)
{
	const char *msg;

	if (!ret || ret == KRB5_FCC_NOFILE || ret == KRB5_CC_NOTFOUND ||
	    ret == ENOENT || cs->unreadable)
		return;
	msg = krb5_get_error_message(k, ret);
	cs->unreadable = talloc_asprintf(mem, "%s cannot be read: %s", name,
					 msg ? msg : "?");
	krb5_free_error_message(k, msg);
}

static void consider(TALLOC_CTX *mem, krb5_context k, krb5_ccache cc,
		     const char *host, const char *user, struct cands *cs)
{
	krb5_principal p = NULL;
	struct cand c = { 0 };
	char *full = NULL, *pn = NULL;
	bool stale;

	if (krb5_cc_get_principal(k, cc, &p))
		return;
	c.state = cc_eval(k, cc, p, host, &stale, &c.end);
	if ((c.state == CC_NONE && !stale) ||
	    krb5_cc_get_full_name(k, cc, &full) ||
	    krb5_unparse_name(k, p, &pn))
		goto out;
	c.user_ok = cc_principal_is_user(k, p, user);
	c.name = talloc_strdup(mem, full);
	c.principal = talloc_strdup(mem, pn);
	c.realm = talloc_strndup(mem, p->realm.data, p->realm.length);
	if (c.state == CC_NONE) {
		if (c.user_ok && !cs->stale_user.name)
			cs->stale_user = c;
		if (!cs->stale_any.name)
			cs->stale_any = c;
		goto out;
	}
	if (c.user_ok && c.state > cs->best.state)
		cs->best = c;
	if (c.state > cs->any.state)
		cs->any = c;
out:
	krb5_free_string(k, full);
	krb5_free_unparsed_name(k, pn);
	krb5_free_principal(k, p);
}

/* Every cache @name stands for */
static void scan(TALLOC_CTX *mem, const char *name, const char *host,
		 const char *user, struct cands *cs)
{
	krb5_context k;
	krb5_ccache cc;
	krb5_cccol_cursor cur;
	krb5_error_code ret;

	if (krb5_init_context(&k))
		return;
	/* KCM connects here: a stopped daemon fails at once, no wait */
	ret = krb5_cc_resolve(k, name, &cc);
	if (ret) {
		note_unreadable(mem, k, name, ret, cs);
		goto out;
	}
	if (!krb5_cc_support_switch(k, krb5_cc_get_type(k, cc))) {
		consider(mem, k, cc, host, user, cs);
		krb5_cc_close(k, cc);
		goto out;
	}
	krb5_cc_close(k, cc);
	/* a collection: the cursor walks the context's default one */
	ret = krb5_cc_set_default_name(k, name);
	if (!ret)
		ret = krb5_cccol_cursor_new(k, &cur);
	if (ret) {
		note_unreadable(mem, k, name, ret, cs);
		goto out;
	}
	while (!(ret = krb5_cccol_cursor_next(k, cur, &cc)) && cc) {
		consider(mem, k, cc, host, user, cs);
		krb5_cc_close(k, cc);
	}
	note_unreadable(mem, k, name, ret, cs);
	krb5_cccol_cursor_free(k, &cur);
out:
	krb5_free_context(k);
}

/* Only names of types that exist on disk or in the kernel */
static bool name_usable(const char *n)
{
	static const char * const types[] = {
		"FILE:", "DIR:", "KEYRING:", "KCM:",
	};
	size_t i;

	if (n[0] == '/')
		return true;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strncmp(n, types[i], strlen(types[i])))
			return true;
	return false;
}

int cc_find_k(TALLOC_CTX *mem, krb5_context k, const char *env_ccname,
	      const char *host, const char *user, bool strict_user,
	      struct cc_choice *out)
{
	struct cands cs = { 0 };
	struct cand best;
	const char *def = krb5_cc_default_name(k);

	memset(out, 0, sizeof(*out));
	if (env_ccname && name_usable(env_ccname))
		scan(mem, env_ccname, host, user, &cs);
	if (def && (!env_ccname || strcmp(def, env_ccname)))
		scan(mem, def, host, user, &cs);

	out->collection = talloc_strdup(mem, (env_ccname &&
					      name_usable(env_ccname)) ?
					env_ccname : (def ? def : ""));
	best = cs.best;
	if (best.state == CC_NONE && !strict_user)
		best = cs.any;
	if (best.state == CC_NONE) {
		struct cand *st = cs.stale_user.name || strict_user ?
				  &cs.stale_user : &cs.stale_any;

		out->stale = st->name;
		out->stale_principal = st->principal;
		out->unreadable = cs.unreadable;
		return -ENOENT;
	}
	out->name = best.name;
	out->principal = best.principal;
	out->realm = best.realm;
	out->state = best.state;
	out->end = best.end;
	return 0;
}

/*
 * Nothing usable was found (cc_find_k said -ENOENT): NO_CREDS, or
 * TICKET_EXPIRED when a cache of the user held only tickets that had
 * run out, so that the user is told to renew them.
 */
int cc_none(struct result *res, const struct cc_choice *cc, const char *why)
{
	if (cc->unreadable && !cc->stale)
		return fail(res, IAKERB_OUT_NO_CREDS, "%s (%s)", why,
			    cc->unreadable);
	if (cc->stale)
		return fail(res, IAKERB_OUT_TICKET_EXPIRED, "%s: the tickets "
			    "of %s in %s have expired (or end within %d s)",
			    why, cc->stale_principal ? cc->stale_principal :
			    "the user", cc->stale, CC_MIN_LIFE);
	return fail(res, IAKERB_OUT_NO_CREDS, "%s", why);
}

void cc_stale_hint(struct result *res, const struct cc_choice *cc)
{
	char why[sizeof(res->why)];

	/* no keytab, or no KDC to use it with: renewing is what helps */
	if ((res->outcome != IAKERB_OUT_NO_CREDS &&
	     res->outcome != IAKERB_OUT_OWN_KDC_UNREACHABLE) || !cc->stale)
		return;
	memcpy(why, res->why, sizeof(why));
	res->outcome = OUT_OK;
	cc_none(res, cc, why);
}

/*
 * May credentials for @princ go into @collection?  A collection type
 * takes a cache of its own (or the principal's existing one); a single
 * FILE cache only if it is empty or already this principal's, so the
 * user's primary principal is never overwritten.
 */
int cc_store_allowed(krb5_context k, const char *collection,
		     krb5_principal princ, bool *allowed)
{
	krb5_principal have = NULL;
	krb5_ccache cc;
	krb5_error_code ret;

	*allowed = false;
	if (!collection || !collection[0])
		return 0;
	ret = krb5_cc_resolve(k, collection, &cc);
	if (ret)
		return ret;
	if (krb5_cc_support_switch(k, krb5_cc_get_type(k, cc))) {
		*allowed = true;
	} else if (krb5_cc_get_principal(k, cc, &have)) {
		*allowed = true;	/* no cache yet */
	} else {
		*allowed = krb5_principal_compare(k, have, princ);
		krb5_free_principal(k, have);
	}
	krb5_cc_close(k, cc);
	return 0;
}

/*
 * Which cache of @collection gss_store_cred_into() wrote @princ's
 * credentials to: in a collection the principal's own cache, else the
 * cache itself (MIT's rule).  *name is a child of @mem.
 */
int cc_stored_name(TALLOC_CTX *mem, const char *collection,
		   krb5_const_principal princ, char **name)
{
	krb5_context k;
	krb5_ccache cc = NULL;
	krb5_error_code ret;
	char *full = NULL;

	*name = NULL;
	ret = krb5_init_context(&k);
	if (ret)
		return ret;
	ret = krb5_cc_resolve(k, collection, &cc);
	if (!ret && krb5_cc_support_switch(k, krb5_cc_get_type(k, cc))) {
		krb5_cc_close(k, cc);
		cc = NULL;
		/* the match walks the context's default collection */
		ret = krb5_cc_set_default_name(k, collection);
		if (!ret)
			ret = krb5_cc_cache_match(k, (krb5_principal)princ,
						  &cc);
	}
	if (!ret)
		ret = krb5_cc_get_full_name(k, cc, &full);
	if (!ret) {
		*name = talloc_strdup(mem, full);
		if (!*name)
			ret = ENOMEM;
	}
	krb5_free_string(k, full);
	if (cc)
		krb5_cc_close(k, cc);
	krb5_free_context(k);
	return ret;
}
