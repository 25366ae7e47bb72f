// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for passwords and keys: locked (never swapped), excluded from
 * core dumps page by page, and wiped by a talloc destructor whatever
 * path frees it.  In the library because the upcall helper, which links
 * it for localkdc_ensure(), keeps its own secrets here too: one
 * allocator for both programs.
 *
 * Secrets are ordinary talloc chunks, so two of them (or a secret and
 * anything else) may share a page.  Locks do not stack: one munlock()
 * unlocks the whole page.  So the allocator remembers the pages of every
 * live secret, unlocks on free only the pages no other live secret
 * touches, and can lock them all again in a child of fork(), which
 * inherits the memory but not its locks (mlock(2)).  Single-threaded
 * callers only: both programs are.
 *
 * The locks are made with the raw system calls: AddressSanitizer's
 * mlock()/munlock() do nothing, and the unit tests, built with it, check
 * that the pages really are locked.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <talloc.h>
#include <unistd.h>

#include "localkdc.h"

/* The pages of one live secret: [start, end) */
struct secret_span {
	uintptr_t start, end;
};

static struct secret_span *spans;
static size_t n_spans, cap_spans;

static int lock(uintptr_t start, uintptr_t end)
{
	return (int)syscall(SYS_mlock, start, end - start);
}

static void unlock(uintptr_t start, uintptr_t end)
{
	(void)syscall(SYS_munlock, start, end - start);
}

static uintptr_t page_size(void)
{
	static uintptr_t ps;

	if (!ps) {
		long v = sysconf(_SC_PAGESIZE);

		ps = v > 0 ? (uintptr_t)v : 4096;
	}
	return ps;
}

static struct secret_span span_of(const void *p, size_t len)
{
	uintptr_t ps = page_size();

	return (struct secret_span){
		.start = (uintptr_t)p & ~(ps - 1),
		.end = ((uintptr_t)p + len + ps - 1) & ~(ps - 1),
	};
}

static int span_add(struct secret_span s)
{
	if (n_spans == cap_spans) {
		size_t cap = cap_spans ? 2 * cap_spans : 16;
		struct secret_span *n = realloc(spans, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		spans = n;
		cap_spans = cap;
	}
	spans[n_spans++] = s;
	return 0;
}

static void span_del(struct secret_span s)
{
	size_t i;

	for (i = 0; i < n_spans; i++) {
		if (spans[i].start == s.start && spans[i].end == s.end) {
			spans[i] = spans[--n_spans];
			return;
		}
	}
}

static bool page_still_secret(uintptr_t page)
{
	size_t i;

	for (i = 0; i < n_spans; i++)
		if (spans[i].start <= page && page < spans[i].end)
			return true;
	return false;
}

/* Unlock the pages of @s that no live secret touches, in runs */
static void span_unlock(struct secret_span s)
{
	uintptr_t ps = page_size(), pg, run = 0;

	for (pg = s.start; pg < s.end; pg += ps) {
		if (page_still_secret(pg)) {
			if (run)
				unlock(run, pg);
			run = 0;
		} else if (!run) {
			run = pg;
		}
	}
	if (run)
		unlock(run, s.end);
}

static int secret_destructor(char *p)
{
	size_t len = talloc_get_size(p);
	struct secret_span s = span_of(p, len);

	explicit_bzero(p, len);
	span_del(s);
	span_unlock(s);
	return 0;
}

void *localkdc_secret_alloc(void *mem, size_t len)
{
	char *p = talloc_zero_size(mem, len + 1);
	struct secret_span s;

	if (!p)
		return NULL;
	s = span_of(p, len + 1);
	if (span_add(s)) {
		talloc_free(p);
		return NULL;
	}
	talloc_set_name_const(p, "secret");
	/* best effort: RLIMIT_MEMLOCK may be small for users */
	(void)lock(s.start, s.end);
	/* every page the buffer touches, not only its first */
	(void)madvise((void *)s.start, s.end - s.start, MADV_DONTDUMP);
	talloc_set_destructor(p, secret_destructor);
	return p;
}

int localkdc_secret_relock(void)
{
	int ret = 0;
	size_t i;

	for (i = 0; i < n_spans; i++)
		if (lock(spans[i].start, spans[i].end) && !ret)
			ret = -errno;
	return ret;
}
