// SPDX-License-Identifier: GPL-2.0
/*
 * The files setup writes beside the database, lkdc_write_confs():
 *
 *  - kdc.conf (state_dir, read by krb5kdc and kadmin.local through
 *    KRB5_KDC_PROFILE): the KDC listens on the UNIX socket only, with no
 *    UDP or TCP port at all, and keeps its database in state_dir/db;
 *  - the krb5.conf.d snippet: the realm's KDC is the socket.  It names no
 *    default realm and changes nothing else of the host's configuration
 *    but one: the peer hosts of the trusts (trust offer/accept
 *    --peer-host) are mapped to their realms in [domain_realm], so that
 *    krb5_get_host_realm() (the upcall helper, kvno) knows a server there
 *    is the peer's.  trust.c rewrites it, lkdc_write_snippet(), after
 *    every change of the trusts file;
 *
 *  - kdc.env, the environment of localkdc.service (the realm for -r);
 *  - trusts (empty: item 4 fills it) and kdc.log (0600 from the start).
 *
 * The socket path is given to krb5kdc even when it is socket-activated:
 * it takes a passed socket only for an address it is configured with.
 */
#include <stddef.h>
#include <sys/stat.h>

#include "lkdc.h"

static char *kdc_conf_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			   const char *realm, struct lkdc_err *e)
{
	(void)e;
	return talloc_asprintf(mem,
		"# localkdc: the local realm's KDC, reachable only through\n"
		"# its UNIX socket.  Written by localkdc setup.\n"
		"[kdcdefaults]\n"
		"\tkdc_listen = %s\n"
		"\tkdc_tcp_listen = \"\"\n"
		"\n"
		"[realms]\n"
		"\t%s = {\n"
		"\t\tdatabase_name = %s\n"
		"\t\tkey_stash_file = %s\n"
		"\t\tmax_life = 10h 0m 0s\n"
		"\t\tmax_renewable_life = 7d 0h 0m 0s\n"
		"\t\tsupported_enctypes = aes256-cts-hmac-sha384-192:normal "
		"aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n"
		"\t}\n"
		"\n"
		"[logging]\n"
		"\tkdc = FILE:%s\n"
		"\tdefault = FILE:%s\n",
		p->sock, realm, p->db_name, p->stash, p->kdc_log, p->kdc_log);
}

static char *snippet_of(TALLOC_CTX *mem, const struct lkdc_paths *p,
			const char *realm, const struct lkdc_trust *list,
			unsigned int n)
{
	unsigned int i, j;
	bool section = false;
	char *s;

	s = talloc_asprintf(mem,
		"# localkdc: the local realm and its KDC's UNIX socket,\n"
		"# and the realms of the trusts' peer hosts.  Written by\n"
		"# localkdc setup and trust, removed by localkdc teardown.\n"
		"[realms]\n"
		"\t%s = {\n"
		"\t\tkdc = %s\n"
		"\t}\n", realm, p->sock);
	for (i = 0; s && i < n; i++) {
		for (j = 0; s && j < list[i].n_hosts; j++) {
			/* only when there is a host: none, no section */
			if (!section)
				s = talloc_strdup_append(s,
							 "\n[domain_realm]\n");
			section = true;
			if (s)
				s = talloc_asprintf_append(s, "\t%s = %s\n",
							   list[i].hosts[j],
							   list[i].realm);
		}
	}
	return s;
}

/* At setup, or put back: with the trusts there are (none on a new realm) */
static char *snippet_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			  const char *realm, struct lkdc_err *e)
{
	struct lkdc_trust *list;
	unsigned int n;

	if (lkdc_trusts_load(mem, p, &list, &n, e))
		return NULL;
	return snippet_of(mem, p, realm, list, n);
}

int lkdc_write_snippet(TALLOC_CTX *mem, const struct lkdc_paths *p,
		       const char *realm, const struct lkdc_trust *list,
		       unsigned int n, struct lkdc_err *e)
{
	char *text = snippet_of(mem, p, realm, list, n);
	int rc;

	if (!text)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	rc = lkdc_replace_file(p->snippet, 0644, text, e);
	talloc_free(text);
	return rc;
}

static char *kdc_env_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			  const char *realm, struct lkdc_err *e)
{
	(void)e;
	return talloc_asprintf(mem,
		"# localkdc: environment of localkdc.service\n"
		"LOCALKDC_REALM=%s\n"
		"KRB5_KDC_PROFILE=%s\n"
		"KRB5_CONFIG=%s\n", realm, p->kdc_conf, p->snippet);
}

static char *trusts_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			 const char *realm, struct lkdc_err *e)
{
	(void)p;
	(void)realm;
	(void)e;
	return talloc_strdup(mem, lkdc_trusts_header);
}

static char *empty_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			const char *realm, struct lkdc_err *e)
{
	(void)p;
	(void)realm;
	(void)e;
	return talloc_strdup(mem, "");
}

#define AT(member)	offsetof(struct lkdc_paths, member)

static const struct {
	size_t path;
	mode_t mode;
	/* NULL and @e set on failure, else NULL is out of memory */
	char *(*text)(TALLOC_CTX *, const struct lkdc_paths *, const char *,
		      struct lkdc_err *);
} confs[] = {
	{ AT(kdc_conf),	0644, kdc_conf_text },
	{ AT(snippet),	0644, snippet_text },
	{ AT(trusts),	0600, trusts_text },
	{ AT(kdc_log),	0600, empty_text },	/* 0600 before krb5kdc opens it */
	{ AT(kdc_env),	0644, kdc_env_text },
};

int lkdc_write_confs(TALLOC_CTX *mem, struct lkdc_manifest *m,
		     const char *realm, bool missing_only, struct lkdc_err *e)
{
	const struct lkdc_paths *p = m->p;
	const char *path;
	struct stat sb;
	unsigned int i;
	char *text;
	int rc;

	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		path = *(const char *const *)((const char *)p + confs[i].path);
		if (missing_only && stat(path, &sb) == 0)
			continue;
		text = confs[i].text(mem, p, realm, e);
		if (!text)
			return e->rc ? e->rc :
				lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		rc = lkdc_write_file(m, path, confs[i].mode, text, e);
		talloc_free(text);
		if (rc)
			return rc;
	}
	return LOCALKDC_OK;
}
