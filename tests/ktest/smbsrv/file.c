// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE, CLOSE, FLUSH, READ, WRITE, LOCK; names and paths.
 *
 * Every path is resolved below the share's directory with openat2()
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, so a client cannot leave it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <talloc.h>

#include "smbsrv.h"

#define MAX_PATH_BYTES 4096

uint32_t errno_to_status(int err)
{
	switch (err) {
	case ENOENT:		return STATUS_OBJECT_NAME_NOT_FOUND;
	case ENOTDIR:		return STATUS_OBJECT_PATH_NOT_FOUND;
	case EEXIST:		return STATUS_OBJECT_NAME_COLLISION;
	case ENOTEMPTY:		return STATUS_DIRECTORY_NOT_EMPTY;
	case EISDIR:		return STATUS_FILE_IS_A_DIRECTORY;
	case ENOSPC:		return STATUS_DISK_FULL;
	case ENAMETOOLONG:	return STATUS_NAME_TOO_LONG;
	case EINVAL:		return STATUS_INVALID_PARAMETER;
	case ENOMEM:		return STATUS_INSUFFICIENT_RESOURCES;
	default:		return STATUS_ACCESS_DENIED;
	}
}

uint64_t ts_to_filetime(const struct timespec *ts)
{
	return ((uint64_t)ts->tv_sec + 11644473600ull) * 10000000ull +
	       (uint64_t)ts->tv_nsec / 100;
}

uint32_t stat_attrs(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return FILE_ATTRIBUTE_DIRECTORY;
	return FILE_ATTRIBUTE_ARCHIVE;
}

/*
 * UTF-16LE to UTF-8, '\' to '/'.  Rejects NUL and unpaired surrogates.
 * Returns 0 or -1.
 */
int utf16_to_path(void *mem_ctx, const uint8_t *p, size_t len, char **out)
{
	char *s;
	size_t i, o = 0;

	if (len & 1 || len / 2 * 3 >= MAX_PATH_BYTES)
		return -1;
	s = talloc_size(mem_ctx, len / 2 * 3 + 1);
	if (!s)
		return -1;
	for (i = 0; i < len; i += 2) {
		uint32_t c = get16(p + i);

		if (c >= 0xd800 && c < 0xdc00) {
			uint32_t lo;

			if (i + 2 >= len)
				goto bad;
			lo = get16(p + i + 2);
			if (lo < 0xdc00 || lo >= 0xe000)
				goto bad;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (c >= 0xdc00 && c < 0xe000) {
			goto bad;
		}
		if (c == 0)
			goto bad;
		if (c == '\\')
			c = '/';
		if (c < 0x80) {
			s[o++] = (char)c;
		} else if (c < 0x800) {
			s[o++] = (char)(0xc0 | c >> 6);
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[o++] = (char)(0xe0 | c >> 12);
			s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[o++] = (char)(0xf0 | c >> 18);
			s[o++] = (char)(0x80 | (c >> 12 & 0x3f));
			s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	s[o] = 0;
	*out = s;
	return 0;
bad:
	talloc_free(s);
	return -1;
}

/* UTF-8 to UTF-16LE appended to b; returns the bytes added.  Invalid
 * sequences become U+FFFD. */
size_t utf8_to_utf16(const char *s, struct buf *b)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = b->len;

	while (*p) {
		uint32_t c = *p++;
		int extra = 0;

		if (c >= 0xf0 && c < 0xf8) {
			c &= 0x07;
			extra = 3;
		} else if (c >= 0xe0) {
			c &= 0x0f;
			extra = 2;
		} else if (c >= 0xc0) {
			c &= 0x1f;
			extra = 1;
		} else if (c >= 0x80) {
			c = 0xfffd;
		}
		while (extra--) {
			if ((*p & 0xc0) != 0x80) {
				c = 0xfffd;
				break;
			}
			c = c << 6 | (*p++ & 0x3f);
		}
		if (c >= 0x10000 && c < 0x110000) {
			c -= 0x10000;
			buf_put16(b, (uint16_t)(0xd800 + (c >> 10)));
			buf_put16(b, (uint16_t)(0xdc00 + (c & 0x3ff)));
		} else {
			buf_put16(b, c > 0xffff ? 0xfffd : (uint16_t)c);
		}
	}
	return b->len - start;
}

/* Check a share-relative path: no empty, "." or ".." components, no
 * stream or wildcard characters. */
static bool path_ok(const char *p)
{
	const char *c = p;

	if (strpbrk(p, ":*?<>\"|"))
		return false;
	while (*c) {
		const char *e = strchrnul(c, '/');
		size_t n = (size_t)(e - c);

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c = *e ? e + 1 : e;
	}
	return true;
}

static int openat_beneath(int dirfd, const char *path, int flags, int mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? (uint64_t)mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, *path ? path : ".", &how,
			    sizeof(how));
}

/* Open the parent directory of path (O_PATH) and point *base at the last
 * component.  For the root ("") fails with EINVAL. */
int resolve_parent(int dirfd, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char parent[MAX_PATH_BYTES];

	if (!*path) {
		errno = EINVAL;
		return -1;
	}
	if (!slash) {
		*base = path;
		return openat_beneath(dirfd, "", O_PATH | O_DIRECTORY, 0);
	}
	if ((size_t)(slash - path) >= sizeof(parent)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = 0;
	*base = slash + 1;
	return openat_beneath(dirfd, parent, O_PATH | O_DIRECTORY, 0);
}

/* Turn a CREATE name into a share-relative path ("" for the root). */
int create_name_to_path(void *mem_ctx, const uint8_t *p, size_t len,
			char **out)
{
	char *s, *e;

	if (utf16_to_path(mem_ctx, p, len, &s))
		return -1;
	while (*s == '/')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == '/')
		*--e = 0;
	if (!path_ok(s))
		return -1;
	*out = s;
	return 0;
}

static bool dir_is_empty(int fd)
{
	int dfd = dup(fd);
	DIR *d;
	struct dirent *de;
	bool empty = true;

	if (dfd < 0)
		return false;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return false;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

struct open *open_lookup(struct smb2_ctx *x, const struct smb2_fileid *fid)
{
	struct open *o;
	uint64_t id = fid->volatile_;

	if (fid->persistent == SMB2_FID_RELATED &&
	    fid->volatile_ == SMB2_FID_RELATED)
		id = x->chain_fid->volatile_;
	if (!x->tree)
		return NULL;
	for (o = x->tree->opens; o; o = o->next)
		if (o->id == id)
			return o;
	return NULL;
}

static int talloc_open_destructor(struct open *o)
{
	if (o->fd >= 0)
		close(o->fd);
	return 0;
}

void open_close(struct open *o)
{
	if (o->delete_on_close && o->path[0]) {
		const char *base;
		int pfd = resolve_parent(o->tree->share->dirfd, o->path,
					 &base);

		if (pfd >= 0) {
			unlinkat(pfd, base, o->is_dir ? AT_REMOVEDIR : 0);
			close(pfd);
		}
	}
	DLIST_REMOVE(o->tree->opens, o);
	talloc_free(o);
}

static void put_times(uint8_t *p, const struct stat *st)
{
	put64(p, ts_to_filetime(&st->st_ctim));		/* creation */
	put64(p + 8, ts_to_filetime(&st->st_atim));
	put64(p + 16, ts_to_filetime(&st->st_mtim));
	put64(p + 24, ts_to_filetime(&st->st_ctim));
}

void smb2_create(struct smb2_ctx *x)
{
	struct smb2_req *r = x->req;
	struct tree *t = x->tree;
	uint32_t disp = r->create.disposition, opts = r->create.options;
	uint32_t action = FILE_OPENED;
	const char *base;
	char *path;
	struct stat st;
	struct open *o;
	bool exists, want_dir;
	int pfd, fd = -1;
	uint32_t err;
	uint8_t *body;

	if (t->share->ipc) {
		smb2_error(x, STATUS_OBJECT_NAME_NOT_FOUND);
		return;
	}
	if (create_name_to_path(x->rsp, r->create.name.p, r->create.name.len,
				&path)) {
		smb2_error(x, STATUS_OBJECT_NAME_INVALID);
		return;
	}
	/* a DFS root's names start with "HOST\ROOT" (MS-SMB2 3.3.5.9) */
	if (t->share->dfs_root && (r->flags & SMB2_FLAGS_DFS_OPERATIONS)) {
		err = dfs_create_path(x, path, &path);
		if (err) {
			smb2_error(x, err);
			return;
		}
	}
	if (!*path) {
		pfd = -1;
		base = NULL;
		exists = fstatat(t->share->dirfd, "", &st, AT_EMPTY_PATH) == 0;
	} else {
		pfd = resolve_parent(t->share->dirfd, path, &base);
		if (pfd < 0) {
			int e = errno;

			smb2_error(x, e == ENOENT || e == ENOTDIR ?
				   STATUS_OBJECT_PATH_NOT_FOUND :
				   errno_to_status(e));
			return;
		}
		exists = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (exists && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			close(pfd);
			smb2_error(x, STATUS_ACCESS_DENIED);
			return;
		}
	}
	want_dir = opts & FILE_DIRECTORY_FILE;

	if (exists) {
		bool is_dir = S_ISDIR(st.st_mode);

		if (disp == FILE_CREATE) {
			err = STATUS_OBJECT_NAME_COLLISION;
			goto fail;
		}
		if (want_dir && !is_dir) {
			err = STATUS_NOT_A_DIRECTORY;
			goto fail;
		}
		if ((opts & FILE_NON_DIRECTORY_FILE) && is_dir) {
			err = STATUS_FILE_IS_A_DIRECTORY;
			goto fail;
		}
		if (is_dir) {
			if (disp == FILE_OVERWRITE ||
			    disp == FILE_OVERWRITE_IF ||
			    disp == FILE_SUPERSEDE) {
				err = STATUS_INVALID_PARAMETER;
				goto fail;
			}
			fd = pfd < 0 ? openat_beneath(t->share->dirfd, "",
						      O_RDONLY | O_DIRECTORY, 0)
				     : openat_beneath(pfd, base,
						      O_RDONLY | O_DIRECTORY, 0);
		} else {
			int fl = O_RDWR;

			if (disp == FILE_OVERWRITE || disp == FILE_OVERWRITE_IF
			    || disp == FILE_SUPERSEDE) {
				fl |= O_TRUNC;
				action = disp == FILE_SUPERSEDE ?
					 FILE_SUPERSEDED : FILE_OVERWRITTEN;
			}
			fd = openat_beneath(pfd, base, fl, 0);
			if (fd < 0 && (errno == EACCES || errno == EROFS) &&
			    !(fl & O_TRUNC))
				fd = openat_beneath(pfd, base, O_RDONLY, 0);
		}
	} else {
		if (pfd < 0 || disp == FILE_OPEN || disp == FILE_OVERWRITE) {
			err = STATUS_OBJECT_NAME_NOT_FOUND;
			goto fail;
		}
		if (want_dir) {
			if (mkdirat(pfd, base, 0755) == 0)
				fd = openat_beneath(pfd, base,
						    O_RDONLY | O_DIRECTORY, 0);
		} else {
			fd = openat_beneath(pfd, base,
					    O_RDWR | O_CREAT | O_EXCL, 0644);
		}
		action = FILE_CREATED;
	}
	if (fd < 0 || fstat(fd, &st)) {
		err = errno_to_status(errno);
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	if (pfd >= 0)
		close(pfd);
	pfd = -1;

	if ((opts & FILE_DELETE_ON_CLOSE) && S_ISDIR(st.st_mode) &&
	    !dir_is_empty(fd)) {
		close(fd);
		smb2_error(x, STATUS_DIRECTORY_NOT_EMPTY);
		return;
	}
	o = talloc_zero(t, struct open);
	if (!o) {
		close(fd);
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	talloc_set_destructor(o, talloc_open_destructor);
	o->tree = t;
	o->fd = fd;
	o->id = ++x->conn->srv->next_file_id;
	o->path = talloc_strdup(o, path);
	o->is_dir = S_ISDIR(st.st_mode);
	o->access = r->create.desired_access;
	o->delete_on_close = opts & FILE_DELETE_ON_CLOSE;
	DLIST_ADD(t->opens, o);
	x->chain_fid->persistent = o->id;
	x->chain_fid->volatile_ = o->id;

	smb2_rsp_header(x, 89);
	body = buf_push(x->rsp, 88);
	if (!body)
		return;
	body[0] = 0;				/* OplockLevel: none */
	put32(body + 2, action);
	put_times(body + 6, &st);
	put64(body + 38, (uint64_t)st.st_blocks * 512);
	put64(body + 46, o->is_dir ? 0 : (uint64_t)st.st_size);
	put32(body + 54, stat_attrs(&st));
	put64(body + 62, o->id);
	put64(body + 70, o->id);
	/* no create contexts */
	return;
fail:
	if (pfd >= 0)
		close(pfd);
	smb2_error(x, err);
}

void smb2_close(struct smb2_ctx *x)
{
	struct open *o = open_lookup(x, &x->req->close.fid);
	struct stat st;
	bool have = false;
	uint8_t *body;

	if (!o) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	if ((x->req->close.flags & SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB) &&
	    fstat(o->fd, &st) == 0)
		have = true;
	open_close(o);
	smb2_rsp_header(x, 60);
	body = buf_push(x->rsp, 58);
	if (!body || !have)
		return;
	put16(body, SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB);
	put_times(body + 6, &st);
	put64(body + 38, (uint64_t)st.st_blocks * 512);
	put64(body + 46, S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size);
	put32(body + 54, stat_attrs(&st));
}

void smb2_flush(struct smb2_ctx *x)
{
	struct open *o = open_lookup(x, &x->req->flush.fid);

	if (!o) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	if (!o->is_dir)
		fsync(o->fd);
	smb2_rsp_header(x, 4);
	buf_push(x->rsp, 2);
}

void smb2_read(struct smb2_ctx *x)
{
	struct smb2_req *r = x->req;
	struct open *o = open_lookup(x, &r->read.fid);
	uint8_t *body, *data;
	ssize_t got;

	if (!o) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	if (o->is_dir) {
		smb2_error(x, STATUS_INVALID_DEVICE_REQUEST);
		return;
	}
	if (r->read.offset > INT64_MAX) {
		smb2_error(x, STATUS_INVALID_PARAMETER);
		return;
	}
	smb2_rsp_header(x, 17);
	body = buf_push(x->rsp, 14);
	data = buf_push(x->rsp, r->read.length);
	if (!body || !data) {
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	got = pread(o->fd, data, r->read.length, (off_t)r->read.offset);
	if (got < 0) {
		smb2_error(x, errno_to_status(errno));
		return;
	}
	if ((got == 0 && r->read.length) || (uint32_t)got < r->read.minimum) {
		smb2_error(x, STATUS_END_OF_FILE);
		return;
	}
	/* buf_push may have moved the buffer: address the body afresh */
	x->rsp->len = SMB2_HDR_LEN + 16 + (size_t)got;
	body = x->rsp->data + SMB2_HDR_LEN + 2;
	body[0] = SMB2_HDR_LEN + 16;			/* DataOffset */
	put32(body + 2, (uint32_t)got);
}

void smb2_write(struct smb2_ctx *x)
{
	struct smb2_req *r = x->req;
	struct open *o = open_lookup(x, &r->write.fid);
	uint8_t *body;
	ssize_t done;

	if (!o) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	if (o->is_dir) {
		smb2_error(x, STATUS_INVALID_DEVICE_REQUEST);
		return;
	}
	if (r->write.offset > INT64_MAX - SMB2_MAX_IO) {
		smb2_error(x, STATUS_INVALID_PARAMETER);
		return;
	}
	done = pwrite(o->fd, r->write.data.p, r->write.data.len,
		      (off_t)r->write.offset);
	if (done < 0) {
		smb2_error(x, errno_to_status(errno));
		return;
	}
	smb2_rsp_header(x, 17);
	body = buf_push(x->rsp, 14);
	if (body)
		put32(body + 2, (uint32_t)done);
}

void smb2_lock(struct smb2_ctx *x)
{
	/* Byte-range locks are granted and not enforced: one client per
	 * file is all the tests need. */
	if (!open_lookup(x, &x->req->lock.fid)) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	smb2_rsp_header(x, 4);
	buf_push(x->rsp, 2);
}
