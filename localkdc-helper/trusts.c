// SPDX-License-Identifier: GPL-2.0
/*
 * The trusts file, state_dir/trusts: one trust a line,
 * "PEER-REALM DIRECTION EXPIRES" (EXPIRES in unix time), where DIRECTION
 * is seen from this realm:
 *
 *   out   this realm's users reach the peer's services (krbtgt/PEER@LOCAL)
 *   in    the peer's users reach this realm's services (krbtgt/LOCAL@PEER)
 *   both  the two
 *
 * Rewritten whole through a temporary file and rename(): never half a file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lkdc.h"

static const char header[] =
	"# localkdc trusts: PEER-REALM DIRECTION EXPIRES (unix time), one a line\n";

bool lkdc_trust_dir_ok(const char *dir)
{
	return strcmp(dir, "in") == 0 || strcmp(dir, "out") == 0 ||
	       strcmp(dir, "both") == 0;
}

int lkdc_trusts_load(TALLOC_CTX *mem, const struct lkdc_paths *p,
		     struct lkdc_trust **list, unsigned int *n,
		     struct lkdc_err *e)
{
	struct lkdc_trust t, *v = talloc_array(mem, struct lkdc_trust, 0);
	char line[512];
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
	while (f && fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%129s %7s %lld", t.realm, t.dir,
			   &t.expires) != 3 || !lkdc_realm_ok(t.realm) ||
		    !lkdc_trust_dir_ok(t.dir)) {
			fclose(f);
			return lkdc_fail(e, LOCALKDC_ERR, "%s: bad line \"%.*s\"",
					 p->trusts, (int)strcspn(line, "\n"),
					 line);
		}
		v = talloc_realloc(mem, v, struct lkdc_trust, *n + 1);
		if (!v) {
			fclose(f);
			return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		}
		v[(*n)++] = t;
	}
	if (f)
		fclose(f);
	*list = v;
	return LOCALKDC_OK;
}

int lkdc_trusts_save(const struct lkdc_paths *p, const struct lkdc_trust *list,
		     unsigned int n, struct lkdc_err *e)
{
	char *text = talloc_strdup(NULL, header);
	unsigned int i;
	int rc;

	for (i = 0; text && i < n; i++)
		text = talloc_asprintf_append(text, "%s %s %lld\n", list[i].realm,
					      list[i].dir, list[i].expires);
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
