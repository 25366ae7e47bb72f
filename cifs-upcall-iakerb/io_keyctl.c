// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of an upcall: the cifs.spnego key under construction.
 *
 * request-key runs us with the key's serial (%k) and an authorisation key
 * in our session keyring.  Assuming that authority lets us read the
 * callout data (keyctl_read on KEY_SPEC_REQKEY_AUTH_KEY: never argv, see
 * PROTOCOL.md §7) and instantiate or reject the key.  Only the process
 * request-key started keeps it, and it never enters the caller's world:
 * the one that does (the agent, legacy's worker) renounces it first
 * (k_renounce).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <keyutils.h>

#include "upcall.h"

struct keyctl_io {
	struct upcall_io io;
	key_serial_t key;
};

static key_serial_t io_key(struct upcall_io *io)
{
	return ((struct keyctl_io *)io)->key;
}

static int k_describe(struct upcall_io *io, TALLOC_CTX *mem, char **desc,
		      size_t *len)
{
	const char *d;
	size_t dlen;
	char *buf = NULL;
	int n, ret;

	n = keyctl_describe_alloc(io_key(io), &buf);
	if (n < 0)
		return -errno;
	ret = iakerb_desc_from_describe(buf, (size_t)n, &d, &dlen);
	if (!ret) {
		*desc = talloc_strndup(mem, d, dlen);
		*len = dlen;
		if (!*desc)
			ret = -ENOMEM;
	}
	free(buf);
	return ret;
}

/*
 * The callout holds the exchange secret: read straight into secret
 * memory (keyctl_read_alloc() would leave a copy on the heap), with a
 * NUL after it.
 */
static int k_read_callout(struct upcall_io *io, TALLOC_CTX *mem,
			  uint8_t **buf, size_t *len)
{
	long n, got;

	(void)io;
	n = keyctl_read(KEY_SPEC_REQKEY_AUTH_KEY, NULL, 0);
	if (n < 0)
		return -errno;
	if (n > IAKERB_MSG_MAX)
		return -EMSGSIZE;
	*buf = secret_alloc(mem, (size_t)n);
	if (!*buf)
		return -ENOMEM;
	got = keyctl_read(KEY_SPEC_REQKEY_AUTH_KEY, (char *)*buf, (size_t)n);
	if (got < 0 || got != n) {
		int e = got < 0 ? errno : EMSGSIZE;

		TALLOC_FREE(*buf);
		return -e;
	}
	*len = (size_t)n;
	return 0;
}

static int k_read_cred(struct upcall_io *io, int32_t serial, const char *exch,
		       void *buf, size_t cap, struct iakerb_cred *c)
{
	(void)io;
	return iakerb_cred_fetch(serial, exch, buf, cap, c);
}

static int k_instantiate(struct upcall_io *io, const void *data, size_t len,
			 unsigned int expire)
{
	key_serial_t key = io_key(io);

	if (keyctl_instantiate(key, data, len, 0) < 0)
		return -errno;
	/* a timeout on an instantiated key is a convenience, not a need */
	if (expire)
		(void)keyctl_set_timeout(key, expire);
	return 0;
}

static int k_reject(struct upcall_io *io, int err, unsigned int timeout)
{
	if (keyctl_reject(io_key(io), timeout, err, 0) < 0)
		return -errno;
	return 0;
}

/*
 * For a process about to enter the caller's world: give up the authority,
 * and leave the session keyring request-key made us, which holds the
 * authorisation key, for a new empty one.  In a user and mount namespace
 * of the caller's own, her krb5.conf and GSS mech files are the ones that
 * load, and with them any module she names.  Whoever holds the authority
 * of one of cifs's requests searches cifs's keyring (.cifs_spnego) as its
 * possessor, and another user's password key lives there during her leg
 * 1; whoever possesses the authorisation key may assume it again.  So
 * both go, and a last try proves the second is out of reach.
 */
static int k_renounce(struct upcall_io *io)
{
	if (keyctl_assume_authority(0) < 0 ||
	    keyctl_join_session_keyring(NULL) < 0)
		return -errno;
	if (keyctl_assume_authority(io_key(io)) == 0) {
		keyctl_assume_authority(0);
		return -EPERM;
	}
	return 0;
}

struct upcall_io *upcall_io_open(TALLOC_CTX *mem, const char *arg)
{
	struct keyctl_io *k;
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > 0x7fffffffL) {
		errno = EINVAL;
		return NULL;
	}
	k = talloc_zero(mem, struct keyctl_io);
	if (!k) {
		errno = ENOMEM;
		return NULL;
	}
	k->key = (key_serial_t)v;
	if (keyctl_assume_authority(k->key) < 0) {
		int e = errno;

		talloc_free(k);
		errno = e;
		return NULL;
	}
	k->io.kind = "keyctl";
	k->io.describe = k_describe;
	k->io.read_callout = k_read_callout;
	k->io.read_cred = k_read_cred;
	k->io.instantiate = k_instantiate;
	k->io.reject = k_reject;
	k->io.renounce = k_renounce;
	return &k->io;
}
