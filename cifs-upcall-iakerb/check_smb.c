// SPDX-License-Identifier: GPL-2.0
/*
 * --check's one SMB2 NEGOTIATE (MS-SMB2 2.2.3, 2.2.4): the server's
 * SPNEGO hints are in its response's security buffer, so asking for them
 * needs no session and no credentials.  SMB 3.1.1 servers refuse a
 * NEGOTIATE offering 3.1.1 without a preauth integrity context, so one
 * goes with it (SHA-512; the salt need not be secret or random).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define SMB2_HDR		64
#define SMB2_NEG_RSP_BODY	64	/* fixed part, StructureSize 65 */
#define NBSS_MAX		(1u << 17)	/* a NEGOTIATE reply is small */

static const uint16_t dialects[] = { 0x0300, 0x0302, 0x0311 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

size_t smb_neg_request(uint8_t *buf, size_t cap)
{
	size_t ndial = sizeof(dialects) / sizeof(dialects[0]);
	size_t body = SMB2_HDR, ctx, len, i;
	uint8_t *m = buf + 4;		/* after the NBSS header */

	ctx = body + 36 + 2 * ndial;
	ctx = (ctx + 7) & ~(size_t)7;
	len = ctx + 8 + 38;
	if (cap < len + 4)
		return 0;
	memset(buf, 0, len + 4);
	buf[1] = (uint8_t)(len >> 16);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;

	memcpy(m, "\xfeSMB", 4);
	put16(m + 4, SMB2_HDR);		/* StructureSize */
	put16(m + 14, 1);		/* CreditRequest; Command 0 */

	put16(m + body, 36);
	put16(m + body + 2, (uint16_t)ndial);
	put16(m + body + 4, 1);		/* signing enabled */
	for (i = 0; i < 16; i++)	/* ClientGuid: any, fixed */
		m[body + 12 + i] = (uint8_t)(0xa0 + i);
	put32(m + body + 28, (uint32_t)ctx);
	put16(m + body + 32, 1);
	for (i = 0; i < ndial; i++)
		put16(m + body + 36 + 2 * i, dialects[i]);

	put16(m + ctx, 1);		/* PREAUTH_INTEGRITY_CAPABILITIES */
	put16(m + ctx + 2, 38);
	put16(m + ctx + 8, 1);		/* one hash */
	put16(m + ctx + 10, 32);	/* salt length */
	put16(m + ctx + 12, 1);		/* SHA-512 */
	for (i = 0; i < 32; i++)
		m[ctx + 14 + i] = (uint8_t)i;
	return len + 4;
}

int smb_neg_parse(const uint8_t *msg, size_t len, uint32_t *status,
		  struct smb_neg_info *out)
{
	const uint8_t *b = msg + SMB2_HDR;
	size_t off, n;

	memset(out, 0, sizeof(*out));
	*status = 0;
	if (len < 4 || memcmp(msg, "\xfeSMB", 4))
		return -EPROTONOSUPPORT;
	if (len < SMB2_HDR || get16(msg + 12) != 0 ||	/* NEGOTIATE */
	    !(get32(msg + 16) & 1))			/* a response */
		return -EBADMSG;
	*status = get32(msg + 8);
	if (*status)
		return -EREMOTEIO;
	if (len < SMB2_HDR + SMB2_NEG_RSP_BODY || get16(b) != 65)
		return -EBADMSG;
	out->dialect = get16(b + 4);
	off = get16(b + 56);
	n = get16(b + 58);
	if (!n)
		return 0;
	if (off < SMB2_HDR + SMB2_NEG_RSP_BODY || off > len || n > len - off)
		return -EBADMSG;
	out->sec = msg + off;
	out->sec_len = n;
	return 0;
}

/* Wait for @ev on @fd until @deadline (CLOCK_MONOTONIC seconds) */
static int wait_fd(int fd, short ev, time_t deadline)
{
	struct timespec now;
	struct pollfd p = { .fd = fd, .events = ev };
	int r;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(deadline - now.tv_sec) * 1000);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int connect_to(const char *addr, unsigned int port, time_t deadline)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST |
					      AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char serv[16];
	socklen_t sl = sizeof(int);
	int fd, ret, err = 0;

	snprintf(serv, sizeof(serv), "%u", port);
	if (getaddrinfo(addr, serv, &hints, &ai))
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = 0;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		ret = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, deadline) :
					     -errno;
		if (!ret && (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) ||
			     err))
			ret = -(err ? err : EIO);
	}
	if (ret) {
		close(fd);
		goto out;
	}
	ret = fd;
out:
	freeaddrinfo(ai);
	return ret;
}

static int io_all(int fd, uint8_t *p, size_t n, bool wr, time_t deadline)
{
	ssize_t r;
	int ret;

	while (n) {
		ret = wait_fd(fd, wr ? POLLOUT : POLLIN, deadline);
		if (ret)
			return ret;
		r = wr ? send(fd, p, n, MSG_NOSIGNAL) : recv(fd, p, n, 0);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int smb_neg_exchange(TALLOC_CTX *mem, const char *addr, unsigned int port,
		     unsigned int timeout_sec, uint8_t **msg, size_t *len,
		     const char **what)
{
	struct timespec now;
	uint8_t req[256], nb[4];
	size_t rlen = smb_neg_request(req, sizeof(req)), n;
	time_t deadline;
	int fd, ret;

	clock_gettime(CLOCK_MONOTONIC, &now);
	deadline = now.tv_sec + timeout_sec;
	*msg = NULL;
	*what = "connect";
	fd = connect_to(addr, port, deadline);
	if (fd < 0)
		return fd;
	*what = "send NEGOTIATE";
	ret = io_all(fd, req, rlen, true, deadline);
	if (ret)
		goto out;
	*what = "read the NEGOTIATE response";
	ret = io_all(fd, nb, 4, false, deadline);
	if (ret)
		goto out;
	n = (size_t)nb[1] << 16 | (size_t)nb[2] << 8 | nb[3];
	if (nb[0] != 0 || n == 0 || n > NBSS_MAX) {
		ret = -EBADMSG;
		goto out;
	}
	*msg = talloc_size(mem, n);
	if (!*msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = io_all(fd, *msg, n, false, deadline);
	*len = n;
out:
	close(fd);
	return ret;
}
