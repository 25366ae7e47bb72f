// SPDX-License-Identifier: GPL-2.0
/*
 * The request: the key description and the callout data, parsed with the
 * shared codec (keyutils-glue) and checked against each other.  Nothing
 * here trusts the caller of mount(2): the description is the kernel's,
 * but the host and user names in it are what the user typed.
 */
#include <errno.h>
#include <string.h>

#include "upcall.h"

/*
 * The host becomes part of a principal name ("cifs/<host>"): keep it to
 * what DNS names and address literals use, so that no '@', '/' or '\'
 * can change which realm or service is asked for.
 */
static bool host_ok(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || h[0] == '.' || h[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_' || c == ':'))
			return false;
	}
	return true;
}

int request_parse(const char *desc, size_t desc_len, const uint8_t *callout,
		  size_t callout_len, bool legacy_uid, struct upcall_req *r,
		  struct result *res)
{
	int ret;

	ret = iakerb_desc_parse(desc, desc_len, &r->d);
	if (ret == -EPROTONOSUPPORT)
		return fail(res, IAKERB_OUT_TOO_NEW,
			    "description of a newer protocol: update " UPCALL_PROG);
	if (ret)
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "malformed key description (%d)", ret);
	if (!host_ok(r->d.host))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "host name with characters a principal may not hold");

	r->multileg = r->d.have & IAKERB_F_EXCH;
	r->app = r->d.target == IAKERB_TARGET_APP;
	r->uid = (legacy_uid || !(r->d.have & IAKERB_F_CREDUID)) ?
		 r->d.uid : r->d.creduid;

	if (!r->multileg)
		return 0;	/* 7.2: the callout data is "" and unused */

	ret = iakerb_msg_parse(callout, callout_len, &r->msg);
	if (ret == -EPROTONOSUPPORT)
		return fail(res, IAKERB_OUT_TOO_NEW,
			    "callout data of a newer protocol");
	if (ret || iakerb_callout_check(&r->msg, r->d.leg))
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "malformed callout data for leg %u", r->d.leg);
	if (r->d.leg > 1 && r->msg.smb_status != IAKERB_STATUS_SUCCESS &&
	    r->msg.smb_status != IAKERB_STATUS_MORE_PROCESSING)
		return fail(res, IAKERB_OUT_PROTOCOL, "unexpected SMB status");
	return 0;
}

int request_read(struct upcall_io *io, TALLOC_CTX *mem,
		 const struct upcall_opts *o, struct upcall_req *r,
		 struct result *res)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = io->describe(io, mem, &r->desc, &r->desc_len);
	if (ret)
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "cannot read the key description: %s",
			    strerror(-ret));
	ret = io->read_callout(io, mem, &r->callout, &r->callout_len);
	if (ret)
		return fail(res, IAKERB_OUT_PROTOCOL,
			    "cannot read the callout data: %s", strerror(-ret));
	return request_parse(r->desc, r->desc_len, r->callout, r->callout_len,
			     o->legacy_uid, r, res);
}

/*
 * The keys core's own actor (call_sbin_request_key, which runs us on a
 * kernel without patch 5's actor) looks at the key once more after we and
 * request-key have exited and, if it has expired by then, fails the
 * request with ENOKEY instead of our errno.  The expiry counts whole
 * seconds of the real-time clock, so with 1 s a reject made late in a
 * second loses its errno whenever those exits take longer than the rest
 * of the second: under TCG they took 5-190 ms, and one forced-dialect
 * mount in 50 said "no Kerberos credentials" instead of EPROTO.
 *
 * A multi-leg description names its exchange and leg (exch=, leg=): no
 * request will ever match it again, so its negative key may outlive the
 * exits by far: the leg's own budget, tmo=.  A 7.2 description repeats
 * (the same host, user and pid on a retry): 1 s, as cifs.upcall, so that
 * a retry is not answered from the negative key.
 */
unsigned int reject_timeout(const struct upcall_req *r)
{
	return r->multileg ? r->d.tmo : IAKERB_REJECT_TIMEOUT_SEC;
}
