// SPDX-License-Identifier: GPL-2.0
/*
 * localkdc teardown: stop the KDC, then undo the manifest, newest entry
 * first: exactly what setup made, nothing else (a file someone else put
 * into one of our directories keeps that directory, and is reported).
 * Nothing to undo is success: teardown is idempotent too.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "lkdc.h"

int lkdc_teardown(TALLOC_CTX *mem, const struct lkdc_paths *p, char **report,
		  struct lkdc_err *e)
{
	struct lkdc_manifest m;
	struct lkdc_state st;
	struct lkdc_err quiet = { 0 };
	struct stat sb;
	int rc;

	*report = talloc_strdup(mem, "");
	rc = lkdc_manifest_load(mem, p, &m, e);
	if (rc)
		return rc;
	if (m.n == 0) {
		if (stat(p->state_file, &sb) == 0)
			return lkdc_fail(e, LOCALKDC_ERR, "%s exists but %s does "
					 "not: remove the realm by hand",
					 p->state_file, p->manifest);
		*report = talloc_strdup(mem, "no local realm: nothing to do\n");
		return LOCALKDC_OK;
	}
	if (lkdc_state_load(mem, p, &st, &quiet))
		st.realm = talloc_strdup(mem, "(unknown)");
	rc = lkdc_kdc_stop(p, e);
	if (rc)
		return rc;
	rc = lkdc_manifest_undo(&m, 0, NULL, e);
	if (rc)
		return rc;
	*report = talloc_asprintf(mem, "removed realm %s\n", st.realm);
	return LOCALKDC_OK;
}
