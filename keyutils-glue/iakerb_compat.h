/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * What the codec needs from its environment, kernel or userspace.  The
 * codec sources compile unchanged in both (PROTOCOL.md §13).
 */
#ifndef _IAKERB_COMPAT_H
#define _IAKERB_COMPAT_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#define IAKERB_PRINTF(a, b)	__printf(a, b)
#else
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define IAKERB_PRINTF(a, b)	__attribute__((format(printf, a, b)))
#endif

#include "iakerb_codec.h"

/* Integers travel in host order; never read them through a cast pointer */
static inline __u32 iakerb_get_u32(const void *p)
{
	__u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void iakerb_put_u32(void *p, __u32 v)
{
	memcpy(p, &v, sizeof(v));
}

#endif /* _IAKERB_COMPAT_H */
