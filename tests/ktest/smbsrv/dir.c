// SPDX-License-Identifier: GPL-2.0
/*
 * QUERY_DIRECTORY: the classes Linux and smbclient ask for (MS-FSCC 2.4).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>

#include "smbsrv.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Snapshot the directory's names ("." and ".." first). */
static int list_dir(struct open *o)
{
	int dfd = openat(o->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t cap = 16;
	struct dirent *de;
	DIR *d;

	talloc_free(o->names);
	o->names = NULL;
	o->nnames = 0;
	o->pos = 0;
	if (dfd < 0)
		return -1;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	o->names = talloc_array(o, char *, cap);
	if (!o->names)
		goto oom;
	o->names[o->nnames++] = talloc_strdup(o->names, ".");
	o->names[o->nnames++] = talloc_strdup(o->names, "..");
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (o->nnames == cap) {
			char **n = talloc_realloc(o, o->names, char *, cap * 2);

			if (!n)
				goto oom;
			o->names = n;
			cap *= 2;
		}
		o->names[o->nnames] = talloc_strdup(o->names, de->d_name);
		if (!o->names[o->nnames])
			goto oom;
		o->nnames++;
	}
	closedir(d);
	qsort(o->names + 2, o->nnames - 2, sizeof(char *), cmp_names);
	o->listed = true;
	return 0;
oom:
	closedir(d);
	errno = ENOMEM;
	return -1;
}

/* Append one entry; returns false if it does not fit in max bytes. */
static bool put_entry(struct buf *b, uint8_t cls, const char *name,
		      const struct stat *st, size_t max, size_t *last)
{
	size_t start, fixed, namelen_pos, n;
	bool dir = S_ISDIR(st->st_mode);

	switch (cls) {
	case 1: fixed = 64; break;	/* FileDirectoryInformation */
	case 2: fixed = 68; break;	/* FileFullDirectoryInformation */
	case 3: fixed = 94; break;	/* FileBothDirectoryInformation */
	case 12: fixed = 12; break;	/* FileNamesInformation */
	case 37: fixed = 104; break;	/* FileIdBothDirectoryInformation */
	case 38: fixed = 80; break;	/* FileIdFullDirectoryInformation */
	default: return false;
	}
	if (b->len)
		buf_align(b, 8);
	start = b->len;
	buf_push(b, fixed);
	if (b->oom)
		return false;
	if (cls == 12) {
		namelen_pos = start + 8;
	} else {
		uint8_t *p = b->data + start;

		put64(p + 8, ts_to_filetime(&st->st_ctim));
		put64(p + 16, ts_to_filetime(&st->st_atim));
		put64(p + 24, ts_to_filetime(&st->st_mtim));
		put64(p + 32, ts_to_filetime(&st->st_ctim));
		put64(p + 40, dir ? 0 : (uint64_t)st->st_size);
		put64(p + 48, (uint64_t)st->st_blocks * 512);
		put32(p + 56, stat_attrs(st));
		namelen_pos = start + 60;
		if (cls == 37)
			put64(p + 96, st->st_ino);
		else if (cls == 38)
			put64(p + 72, st->st_ino);
	}
	n = utf8_to_utf16(name, b);
	if (b->oom || b->len > max) {
		b->len = start;
		return false;
	}
	put32(b->data + namelen_pos, (uint32_t)n);
	if (*last != SIZE_MAX)
		put32(b->data + *last, (uint32_t)(start - *last));
	*last = start;
	return true;
}

void smb2_query_directory(struct smb2_ctx *x)
{
	struct smb2_req *r = x->req;
	struct open *o = open_lookup(x, &r->qdir.fid);
	uint8_t cls = r->qdir.info_class;
	size_t max = r->qdir.output_len, last = SIZE_MAX;
	char *pattern = NULL;
	struct buf *b;
	uint8_t *body;
	int n = 0;

	if (!o) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	if (!o->is_dir) {
		smb2_error(x, STATUS_INVALID_PARAMETER);
		return;
	}
	if (cls != 1 && cls != 2 && cls != 3 && cls != 12 && cls != 37 &&
	    cls != 38) {
		smb2_error(x, STATUS_INVALID_INFO_CLASS);
		return;
	}
	if (max > SMB2_MAX_IO)
		max = SMB2_MAX_IO;
	if (r->qdir.pattern.len &&
	    utf16_to_path(x->rsp, r->qdir.pattern.p, r->qdir.pattern.len,
			  &pattern)) {
		smb2_error(x, STATUS_OBJECT_NAME_INVALID);
		return;
	}
	if (!o->listed || (r->qdir.flags & (SMB2_RESTART_SCANS | SMB2_REOPEN))) {
		if (list_dir(o)) {
			smb2_error(x, errno_to_status(errno));
			return;
		}
	}
	b = buf_new(x->rsp, 4096);
	if (!b) {
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	while (o->pos < o->nnames) {
		const char *name = o->names[o->pos];
		struct stat st;

		if (pattern && strcmp(pattern, "*") &&
		    fnmatch(pattern, name, FNM_PERIOD & 0)) {
			o->pos++;
			continue;
		}
		if (fstatat(o->fd, name, &st, AT_SYMLINK_NOFOLLOW)) {
			o->pos++;	/* gone since the listing */
			continue;
		}
		if (!put_entry(b, cls, name, &st, max, &last))
			break;
		o->pos++;
		n++;
		if (r->qdir.flags & SMB2_RETURN_SINGLE_ENTRY)
			break;
	}
	if (n == 0) {
		if (o->pos < o->nnames) {
			smb2_error(x, STATUS_INFO_LENGTH_MISMATCH);
			return;
		}
		smb2_error(x, pattern && strcmp(pattern, "*") && o->pos &&
			   (r->qdir.flags & SMB2_RESTART_SCANS) ?
			   STATUS_NO_SUCH_FILE : STATUS_NO_MORE_FILES);
		return;
	}
	smb2_rsp_header(x, 9);
	body = buf_push(x->rsp, 6);
	if (!body)
		return;
	put16(body, SMB2_HDR_LEN + 8);
	put32(body + 2, (uint32_t)b->len);
	buf_append(x->rsp, b->data, b->len);
}
