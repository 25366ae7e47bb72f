// SPDX-License-Identifier: GPL-2.0
/*
 * What setup created, in the order it did: state_dir/manifest, one
 * "KIND WHAT" line each.  Kinds: 'd' a directory, 'D' a directory whose
 * whole content is ours (the KDB), 'f' a file, 'p' a principal added to
 * an existing database.  Teardown undoes every entry newest first; a
 * failed setup undoes only the entries it added itself.
 *
 * The manifest lives in the state directory, which is itself one of the
 * entries: until that directory exists the entries are kept in memory
 * and written out with the first entry after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkdc.h"

static int manifest_write(struct lkdc_manifest *m, struct lkdc_err *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *text = talloc_strdup(tmp, ""), *tmpname;
	unsigned int i;
	int fd, rc = LOCALKDC_OK;
	size_t len;

	for (i = 0; text && i < m->n; i++)
		text = talloc_asprintf_append(text, "%c %s\n", m->kind[i],
					      m->what[i]);
	tmpname = talloc_asprintf(tmp, "%s.new", m->p->manifest);
	if (!text || !tmpname) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		goto out;
	}
	fd = open(tmpname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* the state directory is not there yet: later */
		if (errno != ENOENT)
			rc = lkdc_fail(e, LOCALKDC_ERR, "%s: %s", tmpname,
				       strerror(errno));
		goto out;
	}
	len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 ||
	    rename(tmpname, m->p->manifest) < 0) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "%s: %s", m->p->manifest,
			       strerror(errno));
		unlink(tmpname);
	}
	close(fd);
out:
	talloc_free(tmp);
	return rc;
}

int lkdc_manifest_load(TALLOC_CTX *mem, const struct lkdc_paths *p,
		       struct lkdc_manifest *m, struct lkdc_err *e)
{
	char line[4200];
	FILE *f;

	memset(m, 0, sizeof(*m));
	m->p = p;
	m->kind = talloc_array(mem, char, 0);
	m->what = talloc_array(mem, char *, 0);
	if (!m->kind || !m->what)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	f = fopen(p->manifest, "re");
	if (!f)
		return errno == ENOENT ? LOCALKDC_OK :
			lkdc_fail(e, LOCALKDC_ERR, "%s: %s", p->manifest,
				  strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) < 3 || line[1] != ' ' ||
		    !strchr("dDfp", line[0])) {
			fclose(f);
			return lkdc_fail(e, LOCALKDC_ERR, "%s: bad line \"%s\"",
					 p->manifest, line);
		}
		m->kind = talloc_realloc(mem, m->kind, char, m->n + 1);
		m->what = talloc_realloc(mem, m->what, char *, m->n + 1);
		if (!m->kind || !m->what) {
			fclose(f);
			return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		}
		m->kind[m->n] = line[0];
		m->what[m->n] = talloc_strdup(m->what, line + 2);
		m->n++;
	}
	fclose(f);
	return LOCALKDC_OK;
}

bool lkdc_manifest_has(const struct lkdc_manifest *m, char kind,
		       const char *what)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->kind[i] == kind && strcmp(m->what[i], what) == 0)
			return true;
	return false;
}

int lkdc_manifest_add(struct lkdc_manifest *m, char kind, const char *what,
		      struct lkdc_err *e)
{
	TALLOC_CTX *mem = talloc_parent(m->kind);

	if (lkdc_manifest_has(m, kind, what))
		return LOCALKDC_OK;
	m->kind = talloc_realloc(mem, m->kind, char, m->n + 1);
	m->what = talloc_realloc(mem, m->what, char *, m->n + 1);
	if (!m->kind || !m->what)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	m->kind[m->n] = kind;
	m->what[m->n] = talloc_strdup(m->what, what);
	if (!m->what[m->n])
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	m->n++;
	return manifest_write(m, e);
}

static int undo_one(struct lkdc_manifest *m, char kind, const char *what,
		    const char *realm, struct lkdc_err *e)
{
	TALLOC_CTX *tmp;
	int rc = LOCALKDC_OK;

	switch (kind) {
	case 'f':
		if (unlink(what) < 0 && errno != ENOENT)
			rc = lkdc_fail(e, LOCALKDC_ERR, "cannot remove %s: %s",
				       what, strerror(errno));
		break;
	case 'D':
		if (lkdc_rm_tree(what) < 0)
			rc = lkdc_fail(e, LOCALKDC_ERR, "cannot remove %s: %s",
				       what, strerror(errno));
		break;
	case 'd':
		if (strcmp(what, m->p->state_dir) == 0)
			unlink(m->p->manifest);
		if (rmdir(what) < 0 && errno != ENOENT)
			rc = lkdc_fail(e, LOCALKDC_ERR,
				       "left %s in place: %s", what,
				       strerror(errno));
		break;
	case 'p':
		/* teardown removes the whole database instead */
		if (!realm)
			break;
		tmp = talloc_new(NULL);
		rc = lkdc_kdb_delprinc(tmp, m->p, realm, what, e);
		talloc_free(tmp);
		break;
	}
	return rc;
}

int lkdc_manifest_undo(struct lkdc_manifest *m, unsigned int from,
		       const char *realm, struct lkdc_err *e)
{
	int rc = LOCALKDC_OK, r;

	while (m->n > from) {
		m->n--;
		r = undo_one(m, m->kind[m->n], m->what[m->n], realm, e);
		if (r && !rc)
			rc = r;
	}
	/* what is left is still ours: keep the manifest for the next try */
	if (from > 0 || rc)
		manifest_write(m, e);
	return rc;
}
