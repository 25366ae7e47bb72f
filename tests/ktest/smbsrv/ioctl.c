// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL: validate negotiate info, network interface info and DFS referrals
 * (dfs.c); everything else is not supported.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
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
	buf_put32(out, server_caps(c->srv->cfg));
	buf_append(out, c->srv->guid, 16);
	buf_put16(out, secmode);
	buf_put16(out, c->dialect);
	return 0;
}

/* One NETWORK_INTERFACE_INFO entry ([MS-SMB2] 2.2.32.5), Next left 0 */
static uint32_t iface_entry(struct buf *out, unsigned int ifindex,
			    const struct sockaddr *sa)
{
	uint8_t *e = buf_push(out, 152);

	if (!e)
		return STATUS_INSUFFICIENT_RESOURCES;
	put32(e + 4, ifindex);
	put32(e + 8, 0);			/* Capability: no RSS */
	put64(e + 16, 1000000000ull);		/* LinkSpeed: 1 Gb/s */
	if (sa->sa_family == AF_INET) {
		put16(e + 24, 0x0002);
		memcpy(e + 28, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else {
		put16(e + 24, 0x0017);
		memcpy(e + 32, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		       16);
	}
	return 0;
}

/*
 * Without multichannel: the address the client reached.  With it: every
 * address of an interface that is up, but loopback, so that the client
 * finds a second interface for a channel (cifs_try_adding_channels()
 * puts one channel on an interface without RSS).
 */
static uint32_t interface_info(struct smb2_ctx *x, struct buf *out)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct ifaddrs *ifa, *i;
	size_t last = 0;
	uint32_t st = 0;
	bool any = false;

	if (!x->conn->srv->cfg->multichannel) {
		if (getsockname(x->conn->fd, (struct sockaddr *)&ss, &sl))
			return STATUS_INTERNAL_ERROR;
		if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
			return STATUS_NOT_SUPPORTED;
		return iface_entry(out, 1, (struct sockaddr *)&ss);
	}
	if (getifaddrs(&ifa))
		return STATUS_INTERNAL_ERROR;
	for (i = ifa; i && !st; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK) ||
		    !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_addr->sa_family != AF_INET &&
		     i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (any)
			put32(out->data + last, (uint32_t)(out->len - last));
		last = out->len;
		st = iface_entry(out, if_nametoindex(i->ifa_name), i->ifa_addr);
		any = true;
	}
	freeifaddrs(ifa);
	if (!st && !any)
		st = STATUS_NOT_SUPPORTED;
	return st;
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
