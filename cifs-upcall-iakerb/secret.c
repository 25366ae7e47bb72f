// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for passwords and keys: locked (never swapped), excluded from
 * core dumps, and wiped by a talloc destructor whatever path frees it.
 * The processes are also made non-dumpable (privs.c); this is the second
 * line for the day someone turns that off to debug.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "upcall.h"

static int secret_destructor(uint8_t *p)
{
	size_t len = talloc_get_size(p);

	explicit_bzero(p, len);
	munlock(p, len);
	return 0;
}

void *secret_alloc(TALLOC_CTX *mem, size_t len)
{
	uintptr_t start, end;
	uint8_t *p;

	/* one spare byte: callers may keep a NUL-terminated copy */
	p = talloc_zero_size(mem, len + 1);
	if (!p)
		return NULL;
	talloc_set_name_const(p, "secret");
	/* best effort: RLIMIT_MEMLOCK may be small for users */
	(void)mlock(p, len + 1);
	start = (uintptr_t)p & ~(uintptr_t)4095;
	end = ((uintptr_t)p + len + 1 + 4095) & ~(uintptr_t)4095;
	(void)madvise((void *)start, end - start, MADV_DONTDUMP);
	talloc_set_destructor(p, secret_destructor);
	return p;
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
