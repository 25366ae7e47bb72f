// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for passwords and keys: locked (never swapped), excluded from
 * core dumps, and wiped by a talloc destructor whatever path frees it
 * (localkdc-helper's allocator, which both programs share).  It locks
 * the pages of our secrets only: MIT krb5's own copies (the password in
 * a GSS credential, the keys of the AS exchange) are on its heap, which
 * nothing of ours can target; README.md says what to do about swap.  The
 * processes are also made non-dumpable (privs.c); this is the second
 * line for the day someone turns that off to debug.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "localkdc.h"
#include "upcall.h"

void *secret_alloc(TALLOC_CTX *mem, size_t len)
{
	return localkdc_secret_alloc(mem, len);
}

int secret_relock(void)
{
	return localkdc_secret_relock();
}

void secret_wipe(void *p, size_t len)
{
	if (p && len)
		explicit_bzero(p, len);
}

bool ct_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

int random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
