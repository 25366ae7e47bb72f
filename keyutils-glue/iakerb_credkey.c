// SPDX-License-Identifier: LGPL-2.1
/*
 * Userspace only: read the password key the kernel made for leg 1
 * (PROTOCOL.md §7).  The key must be of the cifs-owned type (so the
 * kernel, not a user, made it), owned by root, readable by its possessor
 * only (the helper holding the request's authority; no permission for
 * user, group or other, which would let any root process read it), and
 * bound to this exchange by its description.  On any failure
 * the caller's buffer is wiped; on success the caller wipes it after use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <keyutils.h>

#include "iakerb_compat.h"

static int cred_desc_ok(const char *s, const char *exch)
{
	static const char type[] = IAKERB_CRED_KEY_TYPE ";0;0;";
	static const char exch_field[] = ";exch=";
	size_t tlen = sizeof(type) - 1, flen = sizeof(exch_field) - 1, i;
	unsigned long perm = 0;
	const char *p;

	if (strncmp(s, type, tlen))
		return -EPROTO;
	p = s + tlen;
	for (i = 0; i < 8; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			perm = perm << 4 | (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			perm = perm << 4 | (unsigned long)(c - 'a' + 10);
		else
			return -EPROTO;
	}
	/* nothing for user, group or other: possessor only */
	if (perm & 0xffffffu)
		return -EPROTO;
	p += 8;
	if (strncmp(p, exch_field, flen) || strcmp(p + flen, exch))
		return -EPROTO;
	return 0;
}

int iakerb_cred_fetch(__s32 serial, const char *exch, void *buf, size_t cap,
		      struct iakerb_cred *c)
{
	char *desc = NULL;
	long n;
	int ret;

	memset(c, 0, sizeof(*c));
	if (serial <= 0 || !exch || strlen(exch) != IAKERB_EXCH_LEN)
		return -EINVAL;
	if (keyctl_describe_alloc(serial, &desc) < 0)
		return errno ? -errno : -EIO;
	ret = cred_desc_ok(desc, exch);
	free(desc);
	if (ret)
		return ret;

	n = keyctl_read(serial, buf, cap);
	if (n < 0)
		ret = errno ? -errno : -EIO;
	else if ((size_t)n > cap)
		ret = -EMSGSIZE;	/* keyctl_read copied a truncated part */
	else
		ret = iakerb_cred_parse(buf, (size_t)n, c);
	if (ret)
		iakerb_wipe(buf, cap);
	return ret;
}
