// SPDX-License-Identifier: GPL-2.0
/*
 * localkdc setup: the local realm, made once and then only completed.
 *
 * With no realm yet: LOCALKDC.<UUID> (or --realm), the state directory,
 * kdc.conf (UNIX socket only), the krb5.conf.d snippet, the KDB with a
 * random stashed master key, cifs/HOST and host/HOST with one keytab each
 * (0600, cifs.keytab owned by --cifs-owner), and a principal plus a
 * keytab of its password's keys (0600, owned by the account, for
 * "localkdc ensure") for each --user.  Then the socket is armed: the KDC
 * starts on the first request (and with --idle-exit stops after that
 * many seconds without a request).
 *
 * With a realm already there: the same command only adds what is
 * missing (new users, a removed snippet or keytab); asking for another
 * realm or host name is refused without --force, which tears the old
 * realm down first.  Every password is read before anything is made,
 * and a failure undoes what this run made (manifest.c).
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lkdc.h"

struct setup {
	TALLOC_CTX *mem;
	const struct lkdc_paths *p;
	const struct lkdc_setup_opts *o;
	struct lkdc_state st;
	struct lkdc_manifest m;
	char *pw[LKDC_MAX_USERS];	/* for new users, in o->users order */
	char *report;
	struct lkdc_err *e;
};

static void say(struct setup *s, const char *fmt, const char *arg)
{
	s->report = talloc_asprintf_append(s->report, fmt, arg);
}

static int check_input(struct setup *s)
{
	const struct lkdc_setup_opts *o = s->o;
	unsigned int i, j;

	if (o->realm && !lkdc_realm_ok(o->realm))
		return lkdc_fail(s->e, LOCALKDC_USAGE, "bad realm \"%s\": upper "
				 "case letters, digits, '.' and '-' only",
				 o->realm);
	if (o->host && !lkdc_name_ok(o->host))
		return lkdc_fail(s->e, LOCALKDC_USAGE, "bad host name \"%s\"",
				 o->host);
	if (o->n_users > LKDC_MAX_USERS)
		return lkdc_fail(s->e, LOCALKDC_USAGE, "more than %d users",
				 LKDC_MAX_USERS);
	for (i = 0; i < o->n_users; i++) {
		if (!lkdc_name_ok(o->users[i]))
			return lkdc_fail(s->e, LOCALKDC_USAGE,
					 "bad user name \"%s\"", o->users[i]);
		if (!getpwnam(o->users[i]))
			return lkdc_fail(s->e, LOCALKDC_USAGE,
					 "no local account \"%s\"", o->users[i]);
		for (j = 0; j < i; j++)
			if (strcmp(o->users[i], o->users[j]) == 0)
				return lkdc_fail(s->e, LOCALKDC_USAGE,
						 "user %s given twice",
						 o->users[i]);
	}
	if (o->cifs_owner && !getpwnam(o->cifs_owner))
		return lkdc_fail(s->e, LOCALKDC_USAGE, "no local account \"%s\"",
				 o->cifs_owner);
	return LOCALKDC_OK;
}

static char *host_name(TALLOC_CTX *mem, const char *given)
{
	char buf[256], *s;

	if (given)
		return talloc_strdup(mem, given);
	if (gethostname(buf, sizeof(buf)) < 0)
		return NULL;
	buf[sizeof(buf) - 1] = '\0';
	for (s = buf; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	return lkdc_name_ok(buf) ? talloc_strdup(mem, buf) : NULL;
}

/* Anything of a realm that localkdc did not record as its own */
static bool foreign_realm(const struct lkdc_paths *p)
{
	struct stat sb;

	return lkdc_kdb_exists(p) || stat(p->snippet, &sb) == 0 ||
	       stat(p->kdc_conf, &sb) == 0;
}

static char *princ(struct setup *s, const char *fmt, const char *name)
{
	char *n = talloc_asprintf(s->mem, fmt, name);

	return n ? talloc_asprintf_append(n, "@%s", s->st.realm) : NULL;
}

/* A principal (random keys if no password), recorded for a rollback */
static int new_principal(struct setup *s, const char *pn, const char *password)
{
	int rc = lkdc_kdb_addprinc(s->mem, s->p, s->st.realm, pn, password, s->e);

	return rc ? rc : lkdc_manifest_add(&s->m, 'p', pn, s->e);
}

/* Its keys into a new keytab file (recorded before it exists) */
static int export_keytab(struct setup *s, const char *kt, const char *pn,
			 bool keep_keys)
{
	int rc = lkdc_manifest_add(&s->m, 'f', kt, s->e);

	return rc ? rc : lkdc_kdb_ktadd(s->mem, s->p, s->st.realm, kt, pn,
					keep_keys, s->e);
}

static int service_keytab(struct setup *s, const char *svc, const char *owner)
{
	char *kt = talloc_asprintf(s->mem, "%s/%s.keytab", s->p->keytab_dir, svc);
	char *pn = talloc_asprintf(s->mem, "%s/%s@%s", svc, s->st.host,
				   s->st.realm);
	struct passwd *pw;
	struct stat sb;
	char **list;
	unsigned int i;
	bool have = false;
	int rc;

	if (!kt || !pn)
		return lkdc_fail(s->e, LOCALKDC_ERR, "out of memory");
	if (stat(kt, &sb) == 0)
		return LOCALKDC_OK;
	rc = lkdc_kdb_list(s->mem, s->p, s->st.realm, &list, s->e);
	for (i = 0; !rc && list[i]; i++)
		have |= strcmp(list[i], pn) == 0;
	if (!rc && !have)
		rc = new_principal(s, pn, NULL);
	if (!rc)
		rc = export_keytab(s, kt, pn, false);
	if (rc)
		return rc;
	pw = owner ? getpwnam(owner) : NULL;
	if (pw && chown(kt, pw->pw_uid, pw->pw_gid) < 0)
		return lkdc_fail(s->e, LOCALKDC_ERR, "chown %s: %s", kt,
				 strerror(errno));
	if (chmod(kt, 0600) < 0)
		return lkdc_fail(s->e, LOCALKDC_ERR, "chmod %s: %s", kt,
				 strerror(errno));
	say(s, "keytab %s\n", kt);
	return LOCALKDC_OK;
}

/* The user's principal and a keytab of its password's keys, the user's */
static int add_user(struct setup *s, const char *user, const char *password)
{
	char *pn = princ(s, "%s", user);
	char *kt = lkdc_user_keytab(s->mem, s->p, user);
	struct passwd *pw = getpwnam(user);
	int rc;

	if (!pn || !kt)
		return lkdc_fail(s->e, LOCALKDC_ERR, "out of memory");
	if (!pw)
		return lkdc_fail(s->e, LOCALKDC_USAGE, "no local account \"%s\"",
				 user);
	rc = new_principal(s, pn, password);
	if (!rc)
		rc = export_keytab(s, kt, pn, true);
	if (rc)
		return rc;
	if (chown(kt, pw->pw_uid, pw->pw_gid) < 0 || chmod(kt, 0600) < 0)
		return lkdc_fail(s->e, LOCALKDC_ERR, "%s: %s", kt,
				 strerror(errno));
	s->st.users[s->st.n_users++] = talloc_strdup(s->mem, user);
	say(s, "user %s\n", pn);
	return lkdc_state_save(s->p, &s->st, s->e);
}

static int read_passwords(struct setup *s)
{
	unsigned int i;
	char *pn;
	int rc;

	for (i = 0; i < s->o->n_users; i++) {
		if (lkdc_state_has_user(&s->st, s->o->users[i]))
			continue;
		pn = talloc_asprintf(s->mem, "%s@%s", s->o->users[i],
				     s->st.realm);
		if (!pn)
			return lkdc_fail(s->e, LOCALKDC_ERR, "out of memory");
		rc = lkdc_read_password(s->mem, pn, &s->pw[i], s->e);
		if (rc)
			return rc;
	}
	return LOCALKDC_OK;
}

static int fresh_realm(struct setup *s)
{
	const struct lkdc_paths *p = s->p;
	int rc;

	s->st.created = (long long)time(NULL);
	s->st.idle_exit = s->o->idle_exit > 0 ? (unsigned int)s->o->idle_exit : 0;
	if (!s->st.realm)
		return lkdc_fail(s->e, LOCALKDC_ERR, "cannot make a realm name");
	rc = lkdc_mkdirs(&s->m, p->state_dir, 0755, s->e);
	if (!rc)
		rc = lkdc_mkdirs(&s->m, p->db_dir, 0700, s->e);
	if (!rc)
		rc = lkdc_manifest_add(&s->m, 'D', p->db_dir, s->e);
	if (!rc)
		rc = lkdc_mkdirs(&s->m, p->keytab_dir, 0755, s->e);
	if (!rc)
		rc = lkdc_mkdirs(&s->m, p->users_dir, 0755, s->e);
	if (!rc)
		rc = lkdc_mkdirs(&s->m, p->run_dir, 0755, s->e);
	if (!rc)
		rc = lkdc_mkdirs(&s->m, p->conf_dir, 0755, s->e);
	if (!rc)
		rc = lkdc_write_confs(s->mem, &s->m, s->st.realm, false, s->e);
	if (!rc)
		rc = lkdc_manifest_add(&s->m, 'f', p->state_file, s->e);
	if (!rc)
		rc = lkdc_state_save(p, &s->st, s->e);
	if (!rc)
		rc = lkdc_kdb_create(s->mem, p, s->st.realm, s->e);
	if (!rc)
		say(s, "realm %s\n", s->st.realm);
	return rc;
}

/* An existing realm: put back the configuration files if they went */
static int complete_realm(struct setup *s)
{
	const struct lkdc_paths *p = s->p;
	struct stat sb;
	int rc = LOCALKDC_OK;

	if (!lkdc_kdb_exists(p))
		return lkdc_fail(s->e, LOCALKDC_NOTSETUP,
				 "realm %s has lost its database %s: run "
				 "localkdc setup --force to make a new realm",
				 s->st.realm, p->db_name);
	if (stat(p->conf_dir, &sb) < 0)
		rc = lkdc_mkdirs(&s->m, p->conf_dir, 0755, s->e);
	if (!rc)
		rc = lkdc_write_confs(s->mem, &s->m, s->st.realm, true, s->e);
	if (!rc)
		say(s, "realm %s (already set up)\n", s->st.realm);
	if (!rc && s->o->idle_exit >= 0 &&
	    (unsigned int)s->o->idle_exit != s->st.idle_exit) {
		s->st.idle_exit = (unsigned int)s->o->idle_exit;
		rc = lkdc_state_save(p, &s->st, s->e);
		say(s, "idle exit changed: %s\n", "from the next start on");
	}
	return rc;
}

static int existing(struct setup *s, bool *fresh)
{
	const struct lkdc_setup_opts *o = s->o;
	int rc = lkdc_state_load(s->mem, s->p, &s->st, s->e);
	char *torn;

	*fresh = false;
	if (rc == LOCALKDC_NOTSETUP) {
		s->e->rc = LOCALKDC_OK;
		*fresh = true;
		if (!foreign_realm(s->p))
			return LOCALKDC_OK;
		if (!o->force)
			return lkdc_fail(s->e, LOCALKDC_EXISTS,
					 "%s or %s exists but localkdc did not "
					 "make it: --force replaces it",
					 s->p->db_name, s->p->snippet);
		lkdc_rm_tree(s->p->db_dir);
		unlink(s->p->snippet);
		unlink(s->p->kdc_conf);
		return LOCALKDC_OK;
	}
	if (rc)
		return rc;
	if (o->force) {
		rc = lkdc_teardown(s->mem, s->p, &torn, s->e);
		if (rc)
			return rc;
		say(s, "removed realm %s\n", s->st.realm);
		memset(&s->st, 0, sizeof(s->st));
		*fresh = true;
		return LOCALKDC_OK;
	}
	if (o->realm && strcmp(o->realm, s->st.realm) != 0)
		return lkdc_fail(s->e, LOCALKDC_EXISTS,
				 "realm %s exists: --force replaces it with %s",
				 s->st.realm, o->realm);
	if (o->host && strcmp(o->host, s->st.host) != 0)
		return lkdc_fail(s->e, LOCALKDC_EXISTS,
				 "realm %s is for host %s: --force makes a new "
				 "one for %s", s->st.realm, s->st.host, o->host);
	return LOCALKDC_OK;
}

int lkdc_setup(TALLOC_CTX *mem, const struct lkdc_paths *p,
	       const struct lkdc_setup_opts *o, char **report,
	       struct lkdc_err *e)
{
	struct setup s = { .mem = mem, .p = p, .o = o, .e = e };
	unsigned int i, from;
	bool fresh;
	int rc;

	s.report = talloc_strdup(mem, "");
	rc = check_input(&s);
	if (!rc)
		rc = existing(&s, &fresh);
	if (rc)
		return rc;
	if (fresh) {
		s.st.host = host_name(mem, o->host);
		if (!s.st.host)
			return lkdc_fail(e, LOCALKDC_USAGE, "this host's name "
					 "cannot be a principal: give --host");
		/* the realm name is needed for the prompts */
		s.st.realm = o->realm ? talloc_strdup(mem, o->realm) :
			lkdc_new_realm(mem);
	}
	rc = read_passwords(&s);
	if (rc)
		goto out;
	rc = lkdc_manifest_load(mem, p, &s.m, e);
	if (rc)
		goto out;
	from = s.m.n;
	if (fresh) {
		rc = fresh_realm(&s);
	} else {
		rc = complete_realm(&s);
	}
	if (!rc)
		rc = service_keytab(&s, "cifs", o->cifs_owner);
	if (!rc)
		rc = service_keytab(&s, "host", NULL);
	for (i = 0; !rc && i < o->n_users; i++)
		if (s.pw[i])
			rc = add_user(&s, o->users[i], s.pw[i]);
		else
			say(&s, "user %s (already there)\n", o->users[i]);
	if (!rc)
		rc = lkdc_kdc_start(mem, p, &s.st, false, e);
	if (rc && fresh)
		lkdc_kdc_stop(p, NULL);
	if (rc)
		lkdc_manifest_undo(&s.m, from, fresh ? NULL : s.st.realm, NULL);
out:
	for (i = 0; i < LKDC_MAX_USERS; i++)
		talloc_free(s.pw[i]);
	*report = s.report;
	return rc;
}
