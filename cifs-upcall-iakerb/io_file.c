// SPDX-License-Identifier: GPL-2.0
/*
 * The test seam: the kernel side of an upcall played by files, linked only
 * into cifs-upcall-iakerb-test (never into the installed helper).  The
 * harness (tests/harness/) writes a directory and runs the test binary on
 * it, exactly where request-key would run the real one on a key serial:
 *
 *   DIR/desc            the key description, as keyctl_describe shows it
 *                       after the "cifs.spnego;uid;gid;perm;" prefix
 *   DIR/callout         the callout data (absent: empty, like 7.2's "")
 *   DIR/cred.<serial>   the payload of a cifs.iakerb_cred key, and
 *   DIR/cred.<serial>.exch  its exchange id; both must be root's, 0600,
 *                       as the kernel's key is root's and possessor-only
 *   DIR/result          written by us: "P" and the payload, or "R" and
 *                       the errno in decimal
 *
 * DIR/result is opened here, as root, before privileges are dropped: the
 * same order as the real helper's authority over its key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "upcall.h"

struct file_io {
	struct upcall_io io;
	int dirfd;
	int resultfd;
	bool done;
};

static struct file_io *fio(struct upcall_io *io)
{
	return (struct file_io *)io;
}

/*
 * A whole small file, as root's own (when @strict); in secret memory,
 * as the callout (the exchange secret) and the cred (the password) need
 * and the other files are small enough not to matter
 */
static int slurp(int dirfd, const char *name, TALLOC_CTX *mem, uint8_t **buf,
		 size_t *len, size_t max, bool strict)
{
	struct stat st;
	uint8_t *b;
	ssize_t n;
	size_t got = 0;
	int fd, ret = 0;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		close(fd);
		return -EINVAL;
	}
	if (strict && (st.st_uid != 0 || (st.st_mode & 077))) {
		close(fd);
		return -EACCES;
	}
	b = secret_alloc(mem, (size_t)st.st_size);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, b + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (ret) {
		talloc_free(b);
		return ret;
	}
	b[got] = 0;
	*buf = b;
	*len = got;
	return 0;
}

static int f_describe(struct upcall_io *io, TALLOC_CTX *mem, char **desc,
		      size_t *len)
{
	uint8_t *b;
	int ret;

	ret = slurp(fio(io)->dirfd, "desc", mem, &b, len, IAKERB_DESC_MAX + 1,
		    false);
	if (ret)
		return ret;
	/* tolerate one trailing newline from a shell's echo */
	if (*len && b[*len - 1] == '\n')
		b[--*len] = 0;
	*desc = (char *)b;
	return 0;
}

static int f_read_callout(struct upcall_io *io, TALLOC_CTX *mem,
			  uint8_t **buf, size_t *len)
{
	int ret = slurp(fio(io)->dirfd, "callout", mem, buf, len,
			IAKERB_MSG_MAX, false);

	if (ret == -ENOENT) {
		*buf = secret_alloc(mem, 0);
		*len = 0;
		return *buf ? 0 : -ENOMEM;
	}
	return ret;
}

static int f_read_cred(struct upcall_io *io, int32_t serial, const char *exch,
		       void *buf, size_t cap, struct iakerb_cred *c)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char name[64];
	uint8_t *x, *p;
	size_t xlen, plen;
	int ret;

	memset(c, 0, sizeof(*c));
	snprintf(name, sizeof(name), "cred.%d.exch", (int)serial);
	ret = slurp(fio(io)->dirfd, name, tmp, &x, &xlen, 64, true);
	if (!ret && (xlen != strlen(exch) || memcmp(x, exch, xlen)))
		ret = -EPROTO;
	if (!ret) {
		snprintf(name, sizeof(name), "cred.%d", (int)serial);
		ret = slurp(fio(io)->dirfd, name, tmp, &p, &plen,
			    IAKERB_CRED_MAX, true);
	}
	if (!ret) {
		if (plen > cap) {
			ret = -EMSGSIZE;
		} else {
			memcpy(buf, p, plen);
			ret = iakerb_cred_parse(buf, plen, c);
		}
		secret_wipe(p, plen);
	}
	if (ret)
		secret_wipe(buf, cap);
	talloc_free(tmp);
	return ret;
}

static int put_result(struct file_io *f, char tag, const void *data,
		      size_t len)
{
	const uint8_t *p = data;

	if (f->done)
		return -EKEYREVOKED;	/* a key is instantiated once */
	f->done = true;
	if (write(f->resultfd, &tag, 1) != 1)
		return -EIO;
	while (len) {
		ssize_t n = write(f->resultfd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return fsync(f->resultfd) < 0 ? -errno : 0;
}

static int f_instantiate(struct upcall_io *io, const void *data, size_t len,
			 unsigned int expire)
{
	(void)expire;
	return put_result(fio(io), 'P', data, len);
}

static int f_reject(struct upcall_io *io, int err, unsigned int timeout)
{
	char num[16];

	(void)timeout;
	snprintf(num, sizeof(num), "%d", err);
	return put_result(fio(io), 'R', num, strlen(num));
}

struct upcall_io *upcall_io_open(TALLOC_CTX *mem, const char *arg)
{
	struct file_io *f = talloc_zero(mem, struct file_io);
	int e;

	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	f->dirfd = open(arg, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (f->dirfd < 0)
		goto fail;
	f->resultfd = openat(f->dirfd, "result",
			     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
			     O_NOFOLLOW, 0600);
	if (f->resultfd < 0)
		goto fail;
	f->io.kind = "file";
	f->io.describe = f_describe;
	f->io.read_callout = f_read_callout;
	f->io.read_cred = f_read_cred;
	f->io.instantiate = f_instantiate;
	f->io.reject = f_reject;
	return &f->io;
fail:
	e = errno;
	if (f->dirfd >= 0)
		close(f->dirfd);
	talloc_free(f);
	errno = e;
	return NULL;
}
