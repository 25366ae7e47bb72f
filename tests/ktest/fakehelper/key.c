// SPDX-License-Identifier: GPL-2.0
/*
 * The cifs.spnego key under construction, as the real helper handles it
 * (cifs-upcall-iakerb/io_keyctl.c): the description through the glue
 * codec, the callout data read with our authority (never from argv), an
 * answer built by iakerb_payload_build, or a rejection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fakehelper.h"

int fkey_describe(TALLOC_CTX *mem, key_serial_t key, struct fkey *k)
{
	const char *d;
	size_t dlen;
	char *buf = NULL;
	int n, ret;

	memset(k, 0, sizeof(*k));
	k->key = key;
	k->d.leg = 1;
	/* a key under construction may be viewed by its constructor */
	n = keyctl_describe_alloc(key, &buf);
	if (n < 0)
		return -errno;
	ret = iakerb_desc_from_describe(buf, (size_t)n, &d, &dlen);
	if (!ret) {
		k->desc = talloc_strndup(mem, d, dlen);
		if (!k->desc)
			ret = -ENOMEM;
	}
	free(buf);
	if (ret)
		return ret;
	ret = iakerb_desc_parse(k->desc, strlen(k->desc), &k->d);
	if (ret) {
		/* still usable for the exec modes: treat it as leg 1 */
		memset(&k->d, 0, sizeof(k->d));
		k->d.leg = 1;
		return ret;
	}
	if (!(k->d.have & IAKERB_F_LEG))
		k->d.leg = 1;
	k->parsed = true;
	return 0;
}

int fkey_claim(struct fkey *k)
{
	struct iakerb_msg m;
	void *data = NULL;
	long n;
	int ret;

	if (keyctl_assume_authority(k->key) < 0)
		return -errno;
	/* a 7.2-style upcall (SMB1, below SMB 3.1.1) has no callout data */
	if (k->parsed && !(k->d.have & IAKERB_F_EXCH))
		return 0;
	n = keyctl_read_alloc(KEY_SPEC_REQKEY_AUTH_KEY, &data);
	if (n < 0)
		return -errno;
	ret = iakerb_msg_parse(data, (size_t)n, &m);
	if (!ret)
		ret = iakerb_callout_check(&m, k->d.leg);
	flog("leg %u: callout of %ld bytes %s (records 0x%x:%s%s%s%s%s)",
	     k->d.leg, n, ret ? "refused" : "ok", ret ? 0 : m.have,
	     !ret && (m.have & (1u << IAKERB_T_SECRET)) ? " SECRET" : "",
	     !ret && (m.have & (1u << IAKERB_T_NEG_BLOB)) ? " NEG_BLOB" : "",
	     !ret && (m.have & (1u << IAKERB_T_CRED_KEY)) ? " CRED_KEY" : "",
	     !ret && (m.have & (1u << IAKERB_T_SMB_STATUS)) ? " SMB_STATUS" : "",
	     !ret && (m.have & (1u << IAKERB_T_SERVER_BLOB)) ?
	     " SERVER_BLOB" : "");
	/* it holds the exchange secret */
	iakerb_wipe(data, (size_t)n);
	free(data);
	return ret;
}

int fkey_answer(struct fkey *k, const struct iakerb_payload *p)
{
	uint8_t *buf = malloc(IAKERB_PAYLOAD_MAX);
	int len, ret = 0;

	if (!buf)
		return -ENOMEM;
	len = iakerb_payload_build(buf, IAKERB_PAYLOAD_MAX, p);
	if (len < 0)
		ret = len;
	else if (keyctl_instantiate(k->key, buf, (size_t)len, 0) < 0)
		ret = -errno;
	flog("leg %u: %s payload flags=%u blob=%u agent=%u: %s", k->d.leg,
	     p->flags == IAKERB_MSG_LEGACY ? "LEGACY" :
	     p->flags == IAKERB_MSG_CONTINUE ? "CONTINUE" : "ESTABLISHED",
	     p->flags, p->secblob_len, p->agent_pid,
	     ret ? strerror(-ret) : "instantiated");
	iakerb_wipe(buf, IAKERB_PAYLOAD_MAX);
	free(buf);
	return ret;
}

/* Instantiate with bytes the codec would refuse to build */
int fkey_answer_raw(struct fkey *k, const void *buf, size_t len)
{
	int ret = 0;

	if (keyctl_instantiate(k->key, buf, len, 0) < 0)
		ret = -errno;
	flog("leg %u: raw payload of %zu bytes: %s", k->d.leg, len,
	     ret ? strerror(-ret) : "instantiated");
	return ret;
}

int fkey_reject(struct fkey *k, int err)
{
	int ret = 0;

	if (keyctl_reject(k->key, IAKERB_REJECT_TIMEOUT_SEC, (unsigned)err,
			  0) < 0)
		ret = -errno;
	flog("leg %u: rejected with %s (%d)%s", k->d.leg, strerror(err), err,
	     ret ? ": keyctl_reject failed" : "");
	return ret;
}
