// SPDX-License-Identifier: GPL-2.0
/*
 * Making directories and files for setup, each recorded in the manifest
 * as it is made, so that teardown and a failed setup remove exactly what
 * was made and nothing that was there before.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkdc.h"

int lkdc_mkdirs(struct lkdc_manifest *m, const char *dir, mode_t mode,
		struct lkdc_err *e)
{
	char path[4096];
	struct stat sb;
	size_t i, len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return lkdc_fail(e, LOCALKDC_USAGE, "bad directory \"%s\"", dir);
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (stat(path, &sb) == 0) {
			if (!S_ISDIR(sb.st_mode))
				return lkdc_fail(e, LOCALKDC_ERR,
						 "%s is not a directory", path);
		} else if (mkdir(path, i == len ? mode : 0755) == 0) {
			/* mkdir's mode goes through the umask */
			if (i == len && chmod(path, mode) < 0)
				return lkdc_fail(e, LOCALKDC_ERR, "%s: %s",
						 path, strerror(errno));
			if (lkdc_manifest_add(m, 'd', path, e))
				return e->rc;
		} else {
			return lkdc_fail(e, LOCALKDC_ERR, "cannot create %s: %s",
					 path, strerror(errno));
		}
		if (i < len)
			path[i] = '/';
	}
	return LOCALKDC_OK;
}

/* A new file (O_EXCL): a file someone else put there is not ours */
int lkdc_write_file(struct lkdc_manifest *m, const char *path, mode_t mode,
		    const char *text, struct lkdc_err *e)
{
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  mode);
	if (fd < 0)
		return lkdc_fail(e, errno == EEXIST ? LOCALKDC_EXISTS :
				 LOCALKDC_ERR, "cannot create %s: %s", path,
				 strerror(errno));
	if (lkdc_manifest_add(m, 'f', path, e)) {
		close(fd);
		unlink(path);
		return e->rc;
	}
	if (fchmod(fd, mode) < 0 || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd) < 0) {
		close(fd);
		return lkdc_fail(e, LOCALKDC_ERR, "%s: %s", path,
				 strerror(errno));
	}
	close(fd);
	return LOCALKDC_OK;
}

static int rm_one(const char *path, const struct stat *sb, int type,
		  struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int lkdc_rm_tree(const char *path)
{
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
