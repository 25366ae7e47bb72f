// SPDX-License-Identifier: GPL-2.0
/*
 * Where everything lives.  Each directory comes from, in order: the
 * caller (command line option), the environment (LOCALKDC_STATE_DIR,
 * LOCALKDC_RUN_DIR, LOCALKDC_KRB5_CONF_DIR), or the root prefix
 * (LOCALKDC_ROOT, "" by default) with the standard place under it.
 * The MIT programs can be replaced (LOCALKDC_KRB5KDC, ..._KDB5_UTIL,
 * ..._KADMIN_LOCAL), for tests.
 */
#include <stdlib.h>
#include <string.h>

#include "lkdc.h"

static const char *pick(const char *given, const char *env)
{
	const char *v;

	if (given && given[0])
		return given;
	v = getenv(env);
	return v && v[0] ? v : NULL;
}

static char *dir_of(TALLOC_CTX *mem, const char *given, const char *env,
		    const char *root, const char *std)
{
	const char *v = pick(given, env);

	return v ? talloc_strdup(mem, v) : talloc_asprintf(mem, "%s%s", root, std);
}

static char *prog(TALLOC_CTX *mem, const char *env, const char *std)
{
	const char *v = pick(NULL, env);

	return talloc_strdup(mem, v ? v : std);
}

int lkdc_paths_init(TALLOC_CTX *mem, const struct localkdc_where *w,
		    struct lkdc_paths *p, struct lkdc_err *e)
{
	const char *root = pick(w ? w->root : NULL, "LOCALKDC_ROOT");
	char *s;

	memset(p, 0, sizeof(*p));
	p->root = talloc_strdup(mem, root ? root : "");
	if (!p->root)
		goto oom;
	/* "/x/" and "/x" are the same root */
	while ((s = strrchr(p->root, '/')) && s[1] == '\0')
		*s = '\0';
	if (p->root[0] && p->root[0] != '/')
		return lkdc_fail(e, LOCALKDC_USAGE,
				 "root %s is not an absolute path", p->root);

	p->state_dir = dir_of(mem, w ? w->state_dir : NULL, "LOCALKDC_STATE_DIR",
			      p->root, "/var/lib/localkdc");
	p->run_dir = dir_of(mem, w ? w->run_dir : NULL, "LOCALKDC_RUN_DIR",
			    p->root, "/run/localkdc");
	p->conf_dir = dir_of(mem, w ? w->krb5_conf_dir : NULL,
			     "LOCALKDC_KRB5_CONF_DIR", p->root, "/etc/krb5.conf.d");
	if (!p->state_dir || !p->run_dir || !p->conf_dir)
		goto oom;

	p->state_file = talloc_asprintf(mem, "%s/" LKDC_STATE_FILE, p->state_dir);
	p->manifest = talloc_asprintf(mem, "%s/manifest", p->state_dir);
	p->trusts = talloc_asprintf(mem, "%s/trusts", p->state_dir);
	p->kdc_conf = talloc_asprintf(mem, "%s/kdc.conf", p->state_dir);
	p->kdc_log = talloc_asprintf(mem, "%s/kdc.log", p->state_dir);
	p->kdc_env = talloc_asprintf(mem, "%s/kdc.env", p->state_dir);
	p->db_dir = talloc_asprintf(mem, "%s/db", p->state_dir);
	p->db_name = talloc_asprintf(mem, "%s/db/principal", p->state_dir);
	p->stash = talloc_asprintf(mem, "%s/db/stash", p->state_dir);
	p->acl = talloc_asprintf(mem, "%s/db/kadm5.acl", p->state_dir);
	p->keytab_dir = talloc_asprintf(mem, "%s/keytabs", p->state_dir);
	p->users_dir = talloc_asprintf(mem, "%s/users", p->state_dir);
	p->sock = talloc_asprintf(mem, "%s/kdc.sock", p->run_dir);
	p->pid_file = talloc_asprintf(mem, "%s/kdc.pid", p->run_dir);
	p->snippet = talloc_asprintf(mem, "%s/" LKDC_SNIPPET, p->conf_dir);
	p->krb5kdc = prog(mem, "LOCALKDC_KRB5KDC", "/usr/sbin/krb5kdc");
	p->kdb5_util = prog(mem, "LOCALKDC_KDB5_UTIL", "/usr/sbin/kdb5_util");
	p->kadmin_local = prog(mem, "LOCALKDC_KADMIN_LOCAL",
			       "/usr/sbin/kadmin.local");
	if (!p->state_file || !p->manifest || !p->trusts || !p->kdc_conf ||
	    !p->kdc_log || !p->kdc_env || !p->db_dir || !p->db_name || !p->stash || !p->acl ||
	    !p->keytab_dir || !p->users_dir || !p->sock || !p->pid_file ||
	    !p->snippet || !p->krb5kdc || !p->kdb5_util || !p->kadmin_local)
		goto oom;
	return LOCALKDC_OK;
oom:
	return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
}

char *lkdc_user_keytab(TALLOC_CTX *mem, const struct lkdc_paths *p,
		       const char *user)
{
	return talloc_asprintf(mem, "%s/%s.keytab", p->users_dir, user);
}
