// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL: validate negotiate info, network interface info and DFS referrals
 * (dfs.c); everything else is not supported.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "smbsrv.h"

static uint32_t validate_negotiate(struct smb2_ctx *x, struct buf *out)
{
	struct conn *c = x->conn;
	const struct smb2_blob *in = &x->req->ioctl.input;
	uint16_t secmode = SMB2_NEGOTIATE_SIGNING_ENABLED;
	uint16_t n, i;
	bool found = false;

	if (in->len < 24)
		return STATUS_INVALID_PARAMETER;
	n = get16(in->p + 22);
	if ((size_t)n * 2 > in->len - 24)
		return STATUS_INVALID_PARAMETER;
	for (i = 0; i < n; i++)
		if (get16(in->p + 24 + 2 * i) == c->dialect)
			found = true;
	/* Any mismatch means a tampered NEGOTIATE: drop the connection. */
	if (!found || get32(in->p) != c->client_caps ||
	    memcmp(in->p + 4, c->client_guid, 16) ||
	    get16(in->p + 20) != c->client_secmode) {
		x->close_after = true;
		return STATUS_ACCESS_DENIED;
	}
	if (c->srv->cfg->sign_required)
		secmode |= SMB2_NEGOTIATE_SIGNING_REQUIRED;
	buf_put32(out, SMB2_GLOBAL_CAP_LARGE_MTU |
		       (dfs_enabled(c->srv->cfg) ? SMB2_GLOBAL_CAP_DFS : 0));
	buf_append(out, c->srv->guid, 16);
	buf_put16(out, secmode);
	buf_put16(out, c->dialect);
	return 0;
}

static uint32_t interface_info(struct smb2_ctx *x, struct buf *out)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint8_t *e;

	if (getsockname(x->conn->fd, (struct sockaddr *)&ss, &sl))
		return STATUS_INTERNAL_ERROR;
	e = buf_push(out, 152);
	if (!e)
		return STATUS_INSUFFICIENT_RESOURCES;
	put32(e + 4, 1);			/* IfIndex */
	put32(e + 8, 0);			/* Capability */
	put64(e + 16, 1000000000ull);		/* LinkSpeed: 1 Gb/s */
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		put16(e + 24, 0x0002);
		memcpy(e + 28, &sin->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		put16(e + 24, 0x0017);
		memcpy(e + 32, &sin6->sin6_addr, 16);
	}
	return 0;
}

void smb2_ioctl(struct smb2_ctx *x)
{
	struct smb2_req *r = x->req;
	struct buf *out = buf_new(x->rsp, 256);
	uint32_t st;
	uint8_t *body;

	if (!out) {
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	switch (r->ioctl.ctl_code) {
	case FSCTL_VALIDATE_NEGOTIATE_INFO:
		st = validate_negotiate(x, out);
		break;
	case FSCTL_QUERY_NETWORK_INTERFACE_INFO:
		st = interface_info(x, out);
		break;
	case FSCTL_DFS_GET_REFERRALS:
		st = dfs_get_referrals(x, out);
		break;
	default:
		st = STATUS_NOT_SUPPORTED;
		break;
	}
	if (!st && out->len > r->ioctl.max_output)
		st = STATUS_BUFFER_TOO_SMALL;
	if (st) {
		smb2_error(x, st);
		return;
	}
	smb2_rsp_header(x, 49);
	body = buf_push(x->rsp, 46);
	if (!body)
		return;
	put32(body + 2, r->ioctl.ctl_code);
	put64(body + 6, r->ioctl.fid.persistent);
	put64(body + 14, r->ioctl.fid.volatile_);
	put32(body + 22, SMB2_HDR_LEN + 48);	/* InputOffset */
	put32(body + 26, 0);
	put32(body + 30, SMB2_HDR_LEN + 48);	/* OutputOffset */
	put32(body + 34, (uint32_t)out->len);
	buf_append(x->rsp, out->data, out->len);
}
