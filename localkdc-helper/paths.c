// SPDX-License-Identifier: GPL-2.0
/*
 * Where everything lives.  Each directory comes from, in order: the
 * caller (command line option), the environment (LOCALKDC_STATE_DIR,
 * LOCALKDC_RUN_DIR, LOCALKDC_KRB5_CONF_DIR), or the root prefix
 * (LOCALKDC_ROOT, "" by default) with the standard place under it.
 * The MIT programs can be replaced (LOCALKDC_KRB5KDC, ..._KDB5_UTIL,
 * ..._KADMIN_LOCAL), for tests.
 */
#include <stddef.h>
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

#define AT(member)	offsetof(struct lkdc_paths, member)

/* Each file: the member it goes to, the directory member it is in */
static const struct { size_t field, dir; const char *leaf; } files[] = {
	{ AT(state_file),	AT(state_dir),	LKDC_STATE_FILE },
	{ AT(manifest),		AT(state_dir),	"manifest" },
	{ AT(trusts),		AT(state_dir),	"trusts" },
	{ AT(kdc_conf),		AT(state_dir),	"kdc.conf" },
	{ AT(kdc_log),		AT(state_dir),	"kdc.log" },
	{ AT(kdc_env),		AT(state_dir),	"kdc.env" },
	{ AT(db_dir),		AT(state_dir),	"db" },
	{ AT(db_name),		AT(state_dir),	"db/principal" },
	{ AT(stash),		AT(state_dir),	"db/stash" },
	{ AT(keytab_dir),	AT(state_dir),	"keytabs" },
	{ AT(users_dir),	AT(state_dir),	"users" },
	{ AT(sock),		AT(run_dir),	"kdc.sock" },
	{ AT(pid_file),		AT(run_dir),	"kdc.pid" },
	{ AT(act_pid_file),	AT(run_dir),	"activator.pid" },
	{ AT(snippet),		AT(conf_dir),	LKDC_SNIPPET },
};

static const struct { size_t field; const char *env, *std; } progs[] = {
	{ AT(krb5kdc),		"LOCALKDC_KRB5KDC",	"/usr/sbin/krb5kdc" },
	{ AT(kdb5_util),	"LOCALKDC_KDB5_UTIL",	"/usr/sbin/kdb5_util" },
	{ AT(kadmin_local),	"LOCALKDC_KADMIN_LOCAL", "/usr/sbin/kadmin.local" },
};

int lkdc_paths_init(TALLOC_CTX *mem, const struct localkdc_where *w,
		    struct lkdc_paths *p, struct lkdc_err *e)
{
	const char *root = pick(w ? w->root : NULL, "LOCALKDC_ROOT");
	char *s, *dir, *f;
	size_t i;

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

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		dir = *(char **)((char *)p + files[i].dir);
		f = talloc_asprintf(mem, "%s/%s", dir, files[i].leaf);
		if (!f)
			goto oom;
		*(char **)((char *)p + files[i].field) = f;
	}
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		f = talloc_strdup(mem, pick(NULL, progs[i].env) ?
				  pick(NULL, progs[i].env) : progs[i].std);
		if (!f)
			goto oom;
		*(char **)((char *)p + progs[i].field) = f;
	}
	return LOCALKDC_OK;
oom:
	return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
}

char *lkdc_user_keytab(TALLOC_CTX *mem, const struct lkdc_paths *p,
		       const char *user)
{
	return talloc_asprintf(mem, "%s/%s.keytab", p->users_dir, user);
}
