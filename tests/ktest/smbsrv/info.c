// SPDX-License-Identifier: GPL-2.0
/*
 * QUERY_INFO and SET_INFO for the classes a Linux mount and smbclient use
 * (MS-FSCC 2.4, 2.5).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <talloc.h>

#include "smbsrv.h"

#define STATUS_NO_EAS_ON_FILE	0xC0000052
#define FILE_DEVICE_DISK	0x00000007
#define FS_ATTRS		(0x1 | 0x2 | 0x4)	/* case sensitive,
							 * preserved, unicode */
#define SE_SELF_RELATIVE	0x8000
#define SE_DACL_PRESENT		0x0004

static void put_basic(struct buf *b, const struct stat *st)
{
	buf_put64(b, ts_to_filetime(&st->st_ctim));
	buf_put64(b, ts_to_filetime(&st->st_atim));
	buf_put64(b, ts_to_filetime(&st->st_mtim));
	buf_put64(b, ts_to_filetime(&st->st_ctim));
	buf_put32(b, stat_attrs(st));
	buf_put32(b, 0);
}

static void put_standard(struct buf *b, const struct stat *st,
			 const struct open *o)
{
	bool dir = S_ISDIR(st->st_mode);

	buf_put64(b, (uint64_t)st->st_blocks * 512);
	buf_put64(b, dir ? 0 : (uint64_t)st->st_size);
	buf_put32(b, (uint32_t)st->st_nlink);
	buf_append(b, (uint8_t[]){ o->delete_on_close, dir, 0, 0 }, 4);
}

/* The file name as Windows gives it in FileNameInformation: "\dir\name". */
static void put_name(struct buf *b, const struct open *o)
{
	size_t lenpos = b->len, n;
	char *p;

	buf_put32(b, 0);
	p = talloc_asprintf(b, "\\%s", o->path);
	if (!p) {
		b->oom = true;
		return;
	}
	for (char *c = p; *c; c++)
		if (*c == '/')
			*c = '\\';
	n = utf8_to_utf16(p, b);
	if (!b->oom)
		put32(b->data + lenpos, (uint32_t)n);
	talloc_free(p);
}

/* Returns 0 or an NTSTATUS; *min is the fixed part of the class. */
static uint32_t file_info(struct buf *b, struct open *o, uint8_t cls,
			  size_t *min)
{
	struct stat st;

	if (fstat(o->fd, &st))
		return errno_to_status(errno);
	switch (cls) {
	case 4:		/* FileBasicInformation */
		put_basic(b, &st);
		break;
	case 5:		/* FileStandardInformation */
		put_standard(b, &st, o);
		break;
	case 6:		/* FileInternalInformation */
		buf_put64(b, st.st_ino);
		break;
	case 7:		/* FileEaInformation */
		buf_put32(b, 0);
		break;
	case 8:		/* FileAccessInformation */
		buf_put32(b, o->access);
		break;
	case 9:		/* FileNameInformation */
		put_name(b, o);
		*min = 4;
		return 0;
	case 14:	/* FilePositionInformation */
		buf_put64(b, 0);
		break;
	case 15:	/* FileFullEaInformation */
		return STATUS_NO_EAS_ON_FILE;
	case 16:	/* FileModeInformation */
	case 17:	/* FileAlignmentInformation */
		buf_put32(b, 0);
		break;
	case 18:	/* FileAllInformation */
		put_basic(b, &st);
		put_standard(b, &st, o);
		buf_put64(b, st.st_ino);
		buf_put32(b, 0);		/* EA size */
		buf_put32(b, o->access);
		buf_put64(b, 0);		/* position */
		buf_put32(b, 0);		/* mode */
		buf_put32(b, 0);		/* alignment */
		put_name(b, o);
		*min = 100;
		return 0;
	case 21:	/* FileAlternateNameInformation: no 8.3 names */
		return STATUS_OBJECT_NAME_NOT_FOUND;
	case 22:	/* FileStreamInformation */
		if (!S_ISDIR(st.st_mode)) {
			buf_put32(b, 0);
			buf_put32(b, 14);
			buf_put64(b, (uint64_t)st.st_size);
			buf_put64(b, (uint64_t)st.st_blocks * 512);
			utf8_to_utf16("::$DATA", b);
		}
		*min = 0;
		return 0;
	case 28:	/* FileCompressionInformation */
		buf_put64(b, (uint64_t)st.st_size);
		buf_push(b, 8);
		break;
	case 34:	/* FileNetworkOpenInformation */
		buf_put64(b, ts_to_filetime(&st.st_ctim));
		buf_put64(b, ts_to_filetime(&st.st_atim));
		buf_put64(b, ts_to_filetime(&st.st_mtim));
		buf_put64(b, ts_to_filetime(&st.st_ctim));
		buf_put64(b, (uint64_t)st.st_blocks * 512);
		buf_put64(b, S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size);
		buf_put32(b, stat_attrs(&st));
		buf_put32(b, 0);
		break;
	case 35:	/* FileAttributeTagInformation */
		buf_put32(b, stat_attrs(&st));
		buf_put32(b, 0);
		break;
	case 59:	/* FileIdInformation */
		buf_put64(b, st.st_dev);
		buf_put64(b, st.st_ino);
		buf_put64(b, 0);
		break;
	default:
		return STATUS_INVALID_INFO_CLASS;
	}
	*min = b->len;
	return 0;
}

static uint32_t fs_info(struct buf *b, struct open *o, uint8_t cls,
			size_t *min)
{
	struct statvfs sv;
	struct stat st;
	uint64_t bsize;

	if (fstatvfs(o->fd, &sv) || fstat(o->fd, &st))
		return errno_to_status(errno);
	bsize = sv.f_frsize ? sv.f_frsize : 4096;
	switch (cls) {
	case 1: {	/* FileFsVolumeInformation */
		size_t lenpos;

		buf_put64(b, 0);
		buf_put32(b, (uint32_t)st.st_dev);
		lenpos = b->len;
		buf_put32(b, 0);
		buf_put16(b, 0);
		*min = 18;
		{
			size_t n = utf8_to_utf16("smbsrv", b);

			if (!b->oom)
				put32(b->data + lenpos, (uint32_t)n);
		}
		return 0;
	}
	case 3:		/* FileFsSizeInformation */
		buf_put64(b, sv.f_blocks);
		buf_put64(b, sv.f_bavail);
		buf_put32(b, (uint32_t)(bsize / 512));
		buf_put32(b, 512);
		break;
	case 4:		/* FileFsDeviceInformation */
		buf_put32(b, FILE_DEVICE_DISK);
		buf_put32(b, 0);
		break;
	case 5: {	/* FileFsAttributeInformation */
		size_t n;

		buf_put32(b, FS_ATTRS);
		buf_put32(b, 255);
		buf_put32(b, 0);
		n = utf8_to_utf16("NTFS", b);
		if (!b->oom)
			put32(b->data + 8, (uint32_t)n);
		*min = 12;
		return 0;
	}
	case 7:		/* FileFsFullSizeInformation */
		buf_put64(b, sv.f_blocks);
		buf_put64(b, sv.f_bavail);
		buf_put64(b, sv.f_bfree);
		buf_put32(b, (uint32_t)(bsize / 512));
		buf_put32(b, 512);
		break;
	case 8:		/* FileFsObjectIdInformation */
		buf_push(b, 64);
		break;
	case 11:	/* FileFsSectorSizeInformation */
		buf_put32(b, 512);
		buf_put32(b, 512);
		buf_put32(b, 512);
		buf_put32(b, 512);
		buf_put32(b, 0);
		buf_put32(b, 0);
		buf_put32(b, 0);
		break;
	default:
		return STATUS_INVALID_INFO_CLASS;
	}
	*min = b->len;
	return 0;
}

void smb2_query_info(struct smb2_ctx *x)
{
	struct smb2_req *r = x->req;
	struct open *o = open_lookup(x, &r->qinfo.fid);
	struct buf *b;
	uint32_t st = 0, status = STATUS_SUCCESS;
	size_t min = 0, outlen;
	uint8_t *body;

	if (!o) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	b = buf_new(x->rsp, 256);
	if (!b) {
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	switch (r->qinfo.info_type) {
	case SMB2_O_INFO_FILE:
		st = file_info(b, o, r->qinfo.info_class, &min);
		break;
	case SMB2_O_INFO_FILESYSTEM:
		st = fs_info(b, o, r->qinfo.info_class, &min);
		break;
	case SMB2_O_INFO_SECURITY:
		/* self-relative, NULL DACL: everyone has full access */
		buf_append(b, (uint8_t[]){ 1, 0 }, 2);
		buf_put16(b, SE_SELF_RELATIVE | SE_DACL_PRESENT);
		buf_push(b, 16);
		min = b->len;
		break;
	default:
		st = STATUS_NOT_SUPPORTED;
		break;
	}
	if (!st && b->oom)
		st = STATUS_INSUFFICIENT_RESOURCES;
	if (st) {
		smb2_error(x, st);
		return;
	}
	outlen = b->len;
	if (outlen > r->qinfo.output_len) {
		if (r->qinfo.output_len < min || min == outlen) {
			smb2_error(x, r->qinfo.info_type == SMB2_O_INFO_SECURITY
				   ? STATUS_BUFFER_TOO_SMALL
				   : STATUS_INFO_LENGTH_MISMATCH);
			return;
		}
		outlen = r->qinfo.output_len;
		status = STATUS_BUFFER_OVERFLOW;
	}
	smb2_rsp_header(x, 9);
	body = buf_push(x->rsp, 6);
	if (!body)
		return;
	x->status = status;
	put16(body, SMB2_HDR_LEN + 8);
	put32(body + 2, (uint32_t)outlen);
	buf_append(x->rsp, b->data, outlen);
}

static uint32_t set_times(struct open *o, const uint8_t *p)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	uint64_t at = get64(p + 8), wt = get64(p + 16);
	const uint64_t epoch = 11644473600ull * 10000000ull;

	if (at && at != UINT64_MAX && at >= epoch) {
		ts[0].tv_sec = (time_t)((at - epoch) / 10000000);
		ts[0].tv_nsec = (long)((at - epoch) % 10000000 * 100);
	}
	if (wt && wt != UINT64_MAX && wt >= epoch) {
		ts[1].tv_sec = (time_t)((wt - epoch) / 10000000);
		ts[1].tv_nsec = (long)((wt - epoch) % 10000000 * 100);
	}
	if (futimens(o->fd, ts))
		return errno_to_status(errno);
	return 0;
}

/* FileRenameInformation / FileLinkInformation */
static uint32_t rename_or_link(struct smb2_ctx *x, struct open *o,
			       const uint8_t *p, uint32_t len, bool link)
{
	int sharefd = o->tree->share->dirfd;
	const char *obase, *nbase;
	uint32_t nlen;
	char *npath;
	int ofd, nfd, rc;
	bool replace;

	if (len < 20)
		return STATUS_INFO_LENGTH_MISMATCH;
	replace = p[0];
	nlen = get32(p + 16);
	if (nlen > len - 20)
		return STATUS_INVALID_PARAMETER;
	if (!o->path[0])
		return STATUS_ACCESS_DENIED;
	if (create_name_to_path(x->rsp, p + 20, nlen, &npath) || !*npath)
		return STATUS_OBJECT_NAME_INVALID;
	ofd = resolve_parent(sharefd, o->path, &obase);
	if (ofd < 0)
		return errno_to_status(errno);
	nfd = resolve_parent(sharefd, npath, &nbase);
	if (nfd < 0) {
		close(ofd);
		return STATUS_OBJECT_PATH_NOT_FOUND;
	}
	if (link)
		rc = linkat(ofd, obase, nfd, nbase, 0);
	else
		rc = renameat2(ofd, obase, nfd, nbase,
			       replace ? 0 : RENAME_NOREPLACE);
	if (rc && !link && replace && errno == EISDIR)
		errno = EACCES;
	rc = rc ? (int)errno_to_status(errno) : 0;
	close(ofd);
	close(nfd);
	if (!rc && !link) {
		char *np = talloc_strdup(o, npath);

		if (np) {
			talloc_free(o->path);
			o->path = np;
		}
	}
	return (uint32_t)rc;
}

static bool dir_empty_fd(int fd)
{
	char buf[4096];
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool empty = true;
	long n;

	if (dfd < 0)
		return false;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		long pos = 0;

		while (pos < n) {
			const char *name = buf + pos + 19;
			uint16_t reclen;

			memcpy(&reclen, buf + pos + 16, 2);
			if (strcmp(name, ".") && strcmp(name, ".."))
				empty = false;
			pos += reclen;
		}
		if (!empty)
			break;
	}
	close(dfd);
	return empty;
}

void smb2_set_info(struct smb2_ctx *x)
{
	struct smb2_req *r = x->req;
	struct open *o = open_lookup(x, &r->sinfo.fid);
	const uint8_t *p = r->sinfo.data.p;
	uint32_t len = r->sinfo.data.len, st = 0;

	if (!o) {
		smb2_error(x, STATUS_FILE_CLOSED);
		return;
	}
	if (r->sinfo.info_type == SMB2_O_INFO_SECURITY) {
		/* accepted, not stored */
	} else if (r->sinfo.info_type != SMB2_O_INFO_FILE) {
		st = STATUS_NOT_SUPPORTED;
	} else {
		switch (r->sinfo.info_class) {
		case 4:		/* FileBasicInformation */
			st = len < 36 ? STATUS_INFO_LENGTH_MISMATCH
				      : set_times(o, p);
			break;
		case 10:	/* FileRenameInformation */
			st = rename_or_link(x, o, p, len, false);
			break;
		case 11:	/* FileLinkInformation */
			st = rename_or_link(x, o, p, len, true);
			break;
		case 13:	/* FileDispositionInformation */
		case 64:	/* FileDispositionInformationEx */
			if (len < (r->sinfo.info_class == 13 ? 1u : 4u)) {
				st = STATUS_INFO_LENGTH_MISMATCH;
				break;
			}
			if (p[0] & 1) {
				if (!o->path[0])
					st = STATUS_ACCESS_DENIED;
				else if (o->is_dir && !dir_empty_fd(o->fd))
					st = STATUS_DIRECTORY_NOT_EMPTY;
				else
					o->delete_on_close = true;
			} else {
				o->delete_on_close = false;
			}
			break;
		case 14:	/* FilePositionInformation */
		case 16:	/* FileModeInformation */
			break;
		case 19:	/* FileAllocationInformation */
			if (len < 8)
				st = STATUS_INFO_LENGTH_MISMATCH;
			break;
		case 20:	/* FileEndOfFileInformation */
			if (len < 8)
				st = STATUS_INFO_LENGTH_MISMATCH;
			else if (o->is_dir)
				st = STATUS_INVALID_PARAMETER;
			else if (get64(p) > INT64_MAX)
				st = STATUS_INVALID_PARAMETER;
			else if (ftruncate(o->fd, (off_t)get64(p)))
				st = errno_to_status(errno);
			break;
		default:
			st = STATUS_INVALID_INFO_CLASS;
			break;
		}
	}
	if (st) {
		smb2_error(x, st);
		return;
	}
	smb2_rsp_header(x, 2);
}
