// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal blocking SMB 3.1.1 client used by the smbsrv tests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "smb2.h"
#include "smb2cli.h"
#include "wire.h"

int smb2cli_connect(struct smb2cli *c, const char *addr, int port,
		    int timeout_s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { timeout_s, 0 };

	memset(c, 0, sizeof(*c));
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -1;
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

void smb2cli_close(struct smb2cli *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->rsp);
	free(c->neg_blob);
	c->rsp = NULL;
	c->neg_blob = NULL;
}

static int readn(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Build the header in m[0..64) */
static void hdr(struct smb2cli *c, uint8_t *m, uint16_t cmd)
{
	memset(m, 0, SMB2_HDR_LEN);
	memcpy(m, "\xfeSMB", 4);
	put16(m + 4, SMB2_HDR_LEN);
	put16(m + 6, 1);
	put16(m + 12, cmd);
	put16(m + 14, 64);
	put64(m + 24, c->mid++);
	put32(m + 36, c->tid);
	put64(m + 40, c->sid);
}

/* Send one message (signing it if on), receive the answer. */
static int xchg(struct smb2cli *c, uint8_t *m, size_t len)
{
	uint8_t nb[4];
	size_t flen;

	if (c->signing && get16(m + 12) != SMB2_SESSION_SETUP) {
		put32(m + 16, get32(m + 16) | SMB2_FLAGS_SIGNED);
		smb3_sign(c->signing_key, m, len, m + 48);
	}
	nb[0] = 0;
	nb[1] = (uint8_t)(len >> 16);
	nb[2] = (uint8_t)(len >> 8);
	nb[3] = (uint8_t)len;
	{
		struct iovec iov[2] = { { nb, 4 }, { m, len } };

		if (writev(c->fd, iov, 2) != (ssize_t)(len + 4))
			return -1;
	}
	for (;;) {
		free(c->rsp);
		c->rsp = NULL;
		if (readn(c->fd, nb, 4))
			return -1;
		flen = (size_t)nb[1] << 16 | nb[2] << 8 | nb[3];
		if (flen < SMB2_HDR_LEN + 2)
			return -1;
		c->rsp = malloc(flen);
		if (!c->rsp || readn(c->fd, c->rsp, flen))
			return -1;
		c->rsp_len = flen;
		c->status = get32(c->rsp + 8);
		if (c->status == STATUS_PENDING)
			continue;
		break;
	}
	/* check signatures once signing is on */
	if (c->signing && (get32(c->rsp + 16) & SMB2_FLAGS_SIGNED)) {
		uint8_t sig[16];

		if (smb3_sign(c->signing_key, c->rsp, c->rsp_len, sig) ||
		    memcmp(sig, c->rsp + 48, 16))
			return -2;
	}
	return 0;
}

static int send_frame(struct smb2cli *c, const uint8_t *m, size_t len)
{
	uint8_t nb[4] = { 0, (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			  (uint8_t)len };
	struct iovec iov[2] = { { nb, 4 }, { (void *)m, len } };

	return writev(c->fd, iov, 2) == (ssize_t)(len + 4) ? 0 : -1;
}

static int recv_frame(struct smb2cli *c)
{
	uint8_t nb[4];
	size_t flen;

	free(c->rsp);
	c->rsp = NULL;
	if (readn(c->fd, nb, 4))
		return -1;
	flen = (size_t)nb[1] << 16 | nb[2] << 8 | nb[3];
	if (flen < SMB2_HDR_LEN + 2)
		return -1;
	c->rsp = malloc(flen);
	if (!c->rsp || readn(c->fd, c->rsp, flen))
		return -1;
	c->rsp_len = flen;
	c->status = get32(c->rsp + 8);
	return 0;
}

/* A SESSION_SETUP leg with an ECHO sent right behind it (no session,
 * unsigned, as Linux sends them): both answers are read, whatever order. */
static int xchg_with_echo(struct smb2cli *c, uint8_t *m, size_t len)
{
	uint8_t e[SMB2_HDR_LEN + 4] = { 0 };
	uint64_t ss_mid = get64(m + 24), echo_mid;
	uint8_t *ss = NULL;
	size_t ss_len = 0;
	bool got_echo = false;

	hdr(c, e, SMB2_ECHO);
	put64(e + 40, 0);
	put16(e + SMB2_HDR_LEN, 4);
	echo_mid = get64(e + 24);
	if (send_frame(c, m, len) || send_frame(c, e, sizeof(e)))
		return -1;
	while (!ss || !got_echo) {
		if (recv_frame(c))
			return -1;
		if (c->status == STATUS_PENDING)
			continue;
		if (get64(c->rsp + 24) == echo_mid) {
			if (c->status)
				return -1;
			got_echo = true;
			if (!ss)
				c->echo_overtook++;
		} else if (get64(c->rsp + 24) == ss_mid) {
			ss = c->rsp;
			ss_len = c->rsp_len;
			c->rsp = NULL;
		}
	}
	free(c->rsp);
	c->rsp = ss;
	c->rsp_len = ss_len;
	c->status = get32(ss + 8);
	return 0;
}

/*
 * The SMB1 multi-protocol NEGOTIATE, as Windows' client sends it
 * ([MS-SMB2] 4.2: its dialect strings; Flags 0x18, Flags2 0xc853, TID
 * 0xffff, PID 0xfeff, MID 0).  Without @wildcard the list stops at
 * "NT LM 0.12", as an SMB1-only client's does.
 */
static size_t smb1_negotiate_req(uint8_t *m, size_t cap, bool wildcard)
{
	static const char *const dialects[] = {
		"PC NETWORK PROGRAM 1.0", "LANMAN1.0",
		"Windows for Workgroups 3.1a", "LM1.2X002", "LANMAN2.1",
		"NT LM 0.12", "SMB 2.002", "SMB 2.???",
	};
	size_t n = wildcard ? 8 : 6, i, len = 35;

	memset(m, 0, 35);
	memcpy(m, "\xffSMB", 4);
	m[4] = 0x72;				/* SMB_COM_NEGOTIATE */
	m[9] = 0x18;				/* Flags */
	put16(m + 10, 0xc853);			/* Flags2 */
	put16(m + 24, 0xffff);			/* TID */
	put16(m + 26, 0xfeff);			/* PIDLow */
	for (i = 0; i < n; i++) {
		size_t l = strlen(dialects[i]) + 1;

		if (len + 1 + l > cap)
			return 0;
		m[len++] = 0x02;		/* BufferFormat: dialect */
		memcpy(m + len, dialects[i], l);
		len += l;
	}
	put16(m + 33, (uint16_t)(len - 35));	/* ByteCount; WordCount 0 */
	return len;
}

int smb2cli_negotiate_smb1(struct smb2cli *c, bool wildcard,
			   const char **why)
{
	uint8_t m[512];
	const uint8_t *b;
	size_t len = smb1_negotiate_req(m, sizeof(m), wildcard);
	uint16_t off, blen;

	*why = "cannot send";
	if (!len || send_frame(c, m, len))
		return -1;
	if (!wildcard) {
		/* no SMB2 offered: the server closes and says nothing */
		*why = "the server answered an SMB1-only NEGOTIATE";
		return recv_frame(c) ? 0 : -1;
	}
	*why = "no answer";
	if (recv_frame(c))
		return -1;
	b = c->rsp + SMB2_HDR_LEN;
	*why = "not an SMB2 NEGOTIATE response";
	if (c->rsp_len < SMB2_HDR_LEN + 64 || memcmp(c->rsp, "\xfeSMB", 4) ||
	    get16(c->rsp + 4) != SMB2_HDR_LEN ||
	    get16(c->rsp + 12) != SMB2_NEGOTIATE || get16(b) != 65)
		return -1;
	*why = "status, MessageId, flags or credits";
	if (c->status || get64(c->rsp + 24) != 0 ||
	    !(get32(c->rsp + 16) & SMB2_FLAGS_SERVER_TO_REDIR) ||
	    get16(c->rsp + 14) < 1)
		return -1;
	*why = "DialectRevision is not 0x02ff";
	if (get16(b + 4) != SMB2_DIALECT_WILDCARD)
		return -1;
	*why = "SecurityMode without SIGNING_ENABLED";
	if (!(get16(b + 2) & SMB2_NEGOTIATE_SIGNING_ENABLED))
		return -1;
	*why = "negotiate contexts in a wildcard response";
	if (get16(b + 6) || get32(b + 60))
		return -1;
	*why = "capabilities beyond DFS, LEASING, LARGE_MTU";
	if (get32(b + 24) & ~(uint32_t)(SMB2_GLOBAL_CAP_DFS |
					SMB2_GLOBAL_CAP_LEASING |
					SMB2_GLOBAL_CAP_LARGE_MTU))
		return -1;
	*why = "security buffer outside the message";
	off = get16(b + 56);
	blen = get16(b + 58);
	if (blen && (off < SMB2_HDR_LEN + 64 ||
		     off + (size_t)blen > c->rsp_len))
		return -1;
	/* MS-SMB2 3.2.5.2: the SMB2 NEGOTIATE that follows is MessageId 1 */
	c->mid = 1;
	*why = NULL;
	return 0;
}

int smb2cli_negotiate(struct smb2cli *c)
{
	uint8_t m[256];
	uint8_t *b = m + SMB2_HDR_LEN, *x;
	size_t len;
	uint16_t off, blen;
	int i;

	hdr(c, m, SMB2_NEGOTIATE);
	memset(b, 0, sizeof(m) - SMB2_HDR_LEN);
	put16(b, 36);
	put16(b + 2, 1);			/* DialectCount */
	put16(b + 4, SMB2_NEGOTIATE_SIGNING_ENABLED);
	for (i = 0; i < 16; i++)
		b[12 + i] = (uint8_t)(0x40 + i);
	put16(b + 36, SMB2_DIALECT_311);
	/* contexts at 64+40 = 104 (8-aligned) */
	put32(b + 28, 104);
	put16(b + 32, 2);
	x = m + 104;
	put16(x, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
	put16(x + 2, 38);
	put16(x + 8, 1);
	put16(x + 10, 32);
	put16(x + 12, SMB2_PREAUTH_SHA512);
	memset(x + 14, 0x33, 32);
	x += 8 + 38 + 2;			/* align 8 */
	put16(x, SMB2_SIGNING_CAPABILITIES);
	put16(x + 2, 4);
	put16(x + 8, 1);
	put16(x + 10, SMB2_SIGNING_AES_CMAC);
	len = (size_t)(x + 12 - m);
	memset(c->preauth, 0, sizeof(c->preauth));
	preauth_update(c->preauth, m, len);
	if (xchg(c, m, len) || c->status)
		return -1;
	preauth_update(c->preauth, c->rsp, c->rsp_len);
	if (c->rsp_len < SMB2_HDR_LEN + 64 ||
	    get16(c->rsp + SMB2_HDR_LEN + 4) != SMB2_DIALECT_311)
		return -1;
	off = get16(c->rsp + SMB2_HDR_LEN + 56);
	blen = get16(c->rsp + SMB2_HDR_LEN + 58);
	if (blen && (off < SMB2_HDR_LEN + 64 || off + (size_t)blen >
						  c->rsp_len))
		return -1;
	c->neg_blob = malloc(blen ? blen : 1);
	if (!c->neg_blob)
		return -1;
	memcpy(c->neg_blob, c->rsp + off, blen);
	c->neg_blob_len = blen;
	return 0;
}

int smb2cli_sess_leg(struct smb2cli *c, const uint8_t *tok, size_t len,
		     const uint8_t **out, size_t *olen)
{
	size_t mlen = SMB2_HDR_LEN + 24 + len;
	uint8_t *m = calloc(1, mlen);
	uint16_t off, blen;
	int rc;

	if (!m || len > 65535) {
		free(m);
		return -1;
	}
	hdr(c, m, SMB2_SESSION_SETUP);
	put16(m + SMB2_HDR_LEN, 25);
	m[SMB2_HDR_LEN + 3] = SMB2_NEGOTIATE_SIGNING_ENABLED;
	put16(m + SMB2_HDR_LEN + 12, SMB2_HDR_LEN + 24);
	put16(m + SMB2_HDR_LEN + 14, (uint16_t)len);
	memcpy(m + SMB2_HDR_LEN + 24, tok, len);
	if (c->sid == 0)
		memcpy(c->spreauth, c->preauth, PREAUTH_HASH_LEN);
	preauth_update(c->spreauth, m, mlen);
	if (c->echo_during)
		rc = xchg_with_echo(c, m, mlen);
	else
		rc = xchg(c, m, mlen);
	free(m);
	if (rc)
		return -1;
	c->sid = get64(c->rsp + 40);
	*out = NULL;
	*olen = 0;
	if (c->status != STATUS_SUCCESS &&
	    c->status != STATUS_MORE_PROCESSING_REQUIRED)
		return 0;
	if (c->status == STATUS_MORE_PROCESSING_REQUIRED)
		preauth_update(c->spreauth, c->rsp, c->rsp_len);
	if (c->rsp_len < SMB2_HDR_LEN + 8)
		return -1;
	off = get16(c->rsp + SMB2_HDR_LEN + 4);
	blen = get16(c->rsp + SMB2_HDR_LEN + 6);
	if (blen && (off < SMB2_HDR_LEN + 8 || off + (size_t)blen >
						 c->rsp_len))
		return -1;
	*out = c->rsp + off;
	*olen = blen;
	return 0;
}

int smb2cli_sess_finish(struct smb2cli *c, const uint8_t *key, size_t len)
{
	uint8_t k[16] = { 0 }, sig[16];

	memcpy(k, key, len < 16 ? len : 16);
	if (smb3_kdf(k, 16, "SMBSigningKey", 14, c->spreauth,
		     PREAUTH_HASH_LEN, c->signing_key))
		return -1;
	c->signing = true;
	if (!(get32(c->rsp + 16) & SMB2_FLAGS_SIGNED))
		return -2;
	if (smb3_sign(c->signing_key, c->rsp, c->rsp_len, sig) ||
	    memcmp(sig, c->rsp + 48, 16))
		return -3;
	return 0;
}

static size_t to_utf16(const char *s, uint8_t *out)
{
	size_t n = 0;

	for (; *s; s++) {
		out[n++] = (uint8_t)(*s == '/' ? '\\' : *s);
		out[n++] = 0;
	}
	return n;
}

int smb2cli_tree_connect(struct smb2cli *c, const char *unc)
{
	uint8_t m[SMB2_HDR_LEN + 8 + 512];
	size_t n;

	if (strlen(unc) > 250)
		return -1;
	hdr(c, m, SMB2_TREE_CONNECT);
	memset(m + SMB2_HDR_LEN, 0, 8);
	put16(m + SMB2_HDR_LEN, 9);
	n = to_utf16(unc, m + SMB2_HDR_LEN + 8);
	put16(m + SMB2_HDR_LEN + 4, SMB2_HDR_LEN + 8);
	put16(m + SMB2_HDR_LEN + 6, (uint16_t)n);
	if (xchg(c, m, SMB2_HDR_LEN + 8 + n) || c->status)
		return -1;
	c->tid = get32(c->rsp + 36);
	return 0;
}

int smb2cli_echo(struct smb2cli *c)
{
	uint8_t m[SMB2_HDR_LEN + 4] = { 0 };
	uint64_t sid = c->sid;
	int rc;

	hdr(c, m, SMB2_ECHO);
	put64(m + 40, 0);		/* as Linux does: no session */
	put16(m + SMB2_HDR_LEN, 4);
	c->sid = 0;
	{
		bool s = c->signing;

		c->signing = false;
		rc = xchg(c, m, sizeof(m));
		c->signing = s;
	}
	c->sid = sid;
	return rc || c->status ? -1 : 0;
}

int smb2cli_write_read(struct smb2cli *c, const char *name, const void *data,
		       size_t len, void *back)
{
	uint8_t *m = calloc(1, SMB2_HDR_LEN + 64 + 1024 + len);
	uint8_t fid[16];
	size_t n;
	int rc = -1;

	if (!m || strlen(name) > 500)
		goto out;
	/* CREATE, overwrite-if */
	hdr(c, m, SMB2_CREATE);
	put16(m + 64, 57);
	put32(m + 64 + 4, 2);			/* impersonation */
	put32(m + 64 + 24, 0x0012019f);		/* generic rw */
	put32(m + 64 + 28, 0x80);
	put32(m + 64 + 32, 7);
	put32(m + 64 + 36, FILE_OVERWRITE_IF);
	put32(m + 64 + 40, FILE_NON_DIRECTORY_FILE);
	n = to_utf16(name, m + 64 + 56);
	put16(m + 64 + 44, 64 + 56);
	put16(m + 64 + 46, (uint16_t)n);
	if (xchg(c, m, 64 + 56 + n) || c->status)
		goto out;
	memcpy(fid, c->rsp + 64 + 64, 16);
	/* WRITE */
	hdr(c, m, SMB2_WRITE);
	memset(m + 64, 0, 48);
	put16(m + 64, 49);
	put16(m + 64 + 2, 64 + 48);
	put32(m + 64 + 4, (uint32_t)len);
	memcpy(m + 64 + 16, fid, 16);
	memcpy(m + 64 + 48, data, len);
	if (xchg(c, m, 64 + 48 + len) || c->status ||
	    get32(c->rsp + 64 + 4) != len)
		goto out;
	/* READ */
	hdr(c, m, SMB2_READ);
	memset(m + 64, 0, 49);
	put16(m + 64, 49);
	put32(m + 64 + 4, (uint32_t)len);
	memcpy(m + 64 + 16, fid, 16);
	if (xchg(c, m, 64 + 49) || c->status ||
	    get32(c->rsp + 64 + 4) != len || c->rsp_len < 80 + len)
		goto out;
	memcpy(back, c->rsp + c->rsp[64 + 2], len);
	/* CLOSE */
	hdr(c, m, SMB2_CLOSE);
	memset(m + 64, 0, 24);
	put16(m + 64, 24);
	memcpy(m + 64 + 8, fid, 16);
	if (xchg(c, m, 64 + 24) || c->status)
		goto out;
	rc = 0;
out:
	free(m);
	return rc;
}

int smb2cli_logoff(struct smb2cli *c)
{
	uint8_t m[SMB2_HDR_LEN + 4] = { 0 };

	hdr(c, m, SMB2_LOGOFF);
	put16(m + SMB2_HDR_LEN, 4);
	return xchg(c, m, sizeof(m)) || c->status ? -1 : 0;
}
