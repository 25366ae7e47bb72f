// SPDX-License-Identifier: GPL-2.0
/*
 * A small file replaced whole: written to PATH.new, synced, renamed over
 * PATH.  A reader sees the old text or the new one, never half of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lkdc.h"

int lkdc_replace_file(const char *path, mode_t mode, const char *text,
		      struct lkdc_err *e)
{
	char *tmpname = talloc_asprintf(NULL, "%s.new", path);
	size_t len = strlen(text);
	int fd, rc = LOCALKDC_OK;

	if (!tmpname)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	fd = open(tmpname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "%s: %s", tmpname, strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "%s: %s", tmpname, strerror(errno));
		close(fd);
		unlink(tmpname);
		goto out;
	}
	close(fd);
	if (rename(tmpname, path) < 0) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "%s: %s", path, strerror(errno));
		unlink(tmpname);
	}
out:
	talloc_free(tmpname);
	return rc;
}
