/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/kernel.h>: just what the pure IAKerb code
 * (fs/smb/client/cifs_iakerb_proto.c) uses, mapped to libc.
 */
#ifndef _KPURE_LINUX_KERNEL_H
#define _KPURE_LINUX_KERNEL_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* <linux/limits.h>, which the kernel's <linux/kernel.h> includes */
#define U8_MAX			UINT8_MAX
#define U16_MAX			UINT16_MAX
#define U32_MAX			UINT32_MAX
#define S32_MAX			INT32_MAX
#define __printf(a, b)		__attribute__((format(printf, a, b)))

#endif /* _KPURE_LINUX_KERNEL_H */
