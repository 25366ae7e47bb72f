// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for passwords and keys: locked (never swapped), excluded from
 * core dumps page by page, and wiped by a talloc destructor whatever
 * path frees it.  In the library because the upcall helper, which links
 * it for localkdc_ensure(), keeps its own secrets here too: one
 * allocator for both programs.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <talloc.h>

#include "localkdc.h"

static int secret_destructor(char *p)
{
	size_t len = talloc_get_size(p);

	explicit_bzero(p, len);
	munlock(p, len);
	return 0;
}

void *localkdc_secret_alloc(void *mem, size_t len)
{
	char *p = talloc_zero_size(mem, len + 1);
	uintptr_t start, end;

	if (!p)
		return NULL;
	talloc_set_name_const(p, "secret");
	/* best effort: RLIMIT_MEMLOCK may be small for users */
	(void)mlock(p, len + 1);
	/* every page the buffer touches, not only its first */
	start = (uintptr_t)p & ~(uintptr_t)4095;
	end = ((uintptr_t)p + len + 1 + 4095) & ~(uintptr_t)4095;
	(void)madvise((void *)start, end - start, MADV_DONTDUMP);
	talloc_set_destructor(p, secret_destructor);
	return p;
}
