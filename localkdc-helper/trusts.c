// SPDX-License-Identifier: GPL-2.0
/*
 * The trusts file, state_dir/trusts: one trust a line,
 * "PEER-REALM DIRECTION EXPIRES [HOST,HOST...]" (EXPIRES in unix time),
 * where DIRECTION is seen from this realm:
 *
 *   out   this realm's users reach the peer's services (krbtgt/PEER@LOCAL)
 *   in    the peer's users reach this realm's services (krbtgt/LOCAL@PEER)
 *   both  the two
 *
 * and the optional HOSTs (trust offer/accept --peer-host) are the peer's
 * machines whose services this realm's users reach: conf.c maps each to
 * PEER-REALM in the snippet's [domain_realm], which is how a client
 * (krb5_get_host_realm(), the upcall helper) learns that a server is in
 * the peer's realm.  Hence no HOSTs on an "in" line.  Lines without them
 * (written before there were any) load as they are.
 *
 * Rewritten whole through a temporary file and rename(): never half a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkdc.h"

#define HOST_MAX	253	/* a DNS name's text form */
#define LABEL_MAX	63

const char lkdc_trusts_header[] =
	"# localkdc trusts: PEER-REALM DIRECTION EXPIRES (unix time) "
	"[PEER-HOST,...], one a line\n";

bool lkdc_trust_dir_ok(const char *dir)
{
	return strcmp(dir, "in") == 0 || strcmp(dir, "out") == 0 ||
	       strcmp(dir, "both") == 0;
}

char *lkdc_peer_host(TALLOC_CTX *mem, const char *name)
{
	size_t len = strlen(name), label = 0, i;
	char *h;

	/* not an option's look either */
	if (len == 0 || len > HOST_MAX || name[0] == '-')
		return NULL;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			/* no empty label: not first, not last, not ".." */
			if (label == 0 || i == len - 1)
				return NULL;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-') ||
		    ++label > LABEL_MAX)
			return NULL;
	}
	h = talloc_strdup(mem, name);
	for (i = 0; h && i < len; i++)
		if (h[i] >= 'A' && h[i] <= 'Z')
			h[i] = (char)(h[i] - 'A' + 'a');
	return h;
}

/* "a,b,c" into @t's hosts: each one a host name, lower case already */
static bool parse_hosts(TALLOC_CTX *mem, char *list, struct lkdc_trust *t)
{
	char *save = NULL, *h, *norm;

	for (h = strtok_r(list, ",", &save); h;
	     h = strtok_r(NULL, ",", &save)) {
		norm = lkdc_peer_host(mem, h);
		if (!norm || strcmp(norm, h) != 0 ||
		    t->n_hosts == LKDC_MAX_PEER_HOSTS)
			return false;
		t->hosts[t->n_hosts++] = norm;
	}
	return t->n_hosts > 0;
}

static bool parse_line(TALLOC_CTX *mem, char *line, struct lkdc_trust *t)
{
	char *f[5], *save = NULL, *end;
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < 5; i++) {
		f[i] = strtok_r(i ? NULL : line, " \t\n", &save);
		if (!f[i])
			break;
	}
	if (i < 3 || i > 4 || strlen(f[0]) >= sizeof(t->realm) ||
	    !lkdc_realm_ok(f[0]) || !lkdc_trust_dir_ok(f[1]))
		return false;
	snprintf(t->realm, sizeof(t->realm), "%s", f[0]);
	snprintf(t->dir, sizeof(t->dir), "%s", f[1]);
	errno = 0;
	t->expires = strtoll(f[2], &end, 10);
	if (errno || *end || end == f[2])
		return false;
	if (i == 4 && (strcmp(t->dir, "in") == 0 || !parse_hosts(mem, f[3], t)))
		return false;
	return true;
}

int lkdc_trusts_load(TALLOC_CTX *mem, const struct lkdc_paths *p,
		     struct lkdc_trust **list, unsigned int *n,
		     struct lkdc_err *e)
{
	struct lkdc_trust t, *v = talloc_array(mem, struct lkdc_trust, 0);
	char *line = NULL, *copy;
	size_t cap = 0;
	int rc = LOCALKDC_OK;
	FILE *f;

	*n = 0;
	*list = NULL;
	if (!v)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	f = fopen(p->trusts, "re");
	if (!f && errno != ENOENT)
		return lkdc_fail(e, errno == EACCES ? LOCALKDC_UNSAFE :
				 LOCALKDC_ERR, "%s: %s", p->trusts,
				 strerror(errno));
	while (!rc && f && getline(&line, &cap, f) > 0) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		copy = talloc_strdup(mem, line);
		if (!copy || !parse_line(mem, copy, &t)) {
			rc = lkdc_fail(e, LOCALKDC_ERR, "%s: bad line \"%.*s\"",
				       p->trusts, (int)strcspn(line, "\n"),
				       line);
			break;
		}
		talloc_free(copy);
		v = talloc_realloc(mem, v, struct lkdc_trust, *n + 1);
		if (!v)
			rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		else
			v[(*n)++] = t;
	}
	free(line);
	if (f)
		fclose(f);
	if (!rc)
		*list = v;
	return rc;
}

int lkdc_trusts_save(const struct lkdc_paths *p, const struct lkdc_trust *list,
		     unsigned int n, struct lkdc_err *e)
{
	char *text = talloc_strdup(NULL, lkdc_trusts_header);
	unsigned int i, j;
	int rc;

	for (i = 0; text && i < n; i++) {
		text = talloc_asprintf_append(text, "%s %s %lld", list[i].realm,
					      list[i].dir, list[i].expires);
		for (j = 0; text && j < list[i].n_hosts; j++)
			text = talloc_asprintf_append(text, "%c%s",
						      j ? ',' : ' ',
						      list[i].hosts[j]);
		if (text)
			text = talloc_strdup_append(text, "\n");
	}
	rc = text ? lkdc_replace_file(p->trusts, 0600, text, e) :
		lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	talloc_free(text);
	return rc;
}

int lkdc_trusts_find(const struct lkdc_trust *list, unsigned int n,
		     const char *realm)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i].realm, realm) == 0)
			return (int)i;
	return -1;
}
