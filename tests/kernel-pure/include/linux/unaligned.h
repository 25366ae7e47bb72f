/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/unaligned.h>.  Byte by byte, so that the
 * result does not depend on the host's byte order or alignment rules.
 */
#ifndef _KPURE_LINUX_UNALIGNED_H
#define _KPURE_LINUX_UNALIGNED_H

#include <linux/types.h>

static inline u16 get_unaligned_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}

static inline u32 get_unaligned_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static inline void put_unaligned_le16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v & 0xff;
	b[1] = v >> 8;
}

#endif /* _KPURE_LINUX_UNALIGNED_H */
