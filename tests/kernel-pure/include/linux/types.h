/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's <linux/types.h>.  The UAPI header of
 * the same name (found next on the include path) has __u8 .. __u64 and
 * __le16; the kernel-internal names are added here.  The ABI header
 * includes <linux/types.h> too and gets this file.
 */
#ifndef _KPURE_LINUX_TYPES_H
#define _KPURE_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

typedef __u8	u8;
typedef __u16	u16;
typedef __u32	u32;
typedef __u64	u64;
typedef __s8	s8;
typedef __s16	s16;
typedef __s32	s32;
typedef __s64	s64;

#endif /* _KPURE_LINUX_TYPES_H */
