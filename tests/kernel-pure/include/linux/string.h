/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/string.h>: libc's memcpy, strnlen, ... */
#ifndef _KPURE_LINUX_STRING_H
#define _KPURE_LINUX_STRING_H

#include <string.h>
#include <linux/types.h>

#endif /* _KPURE_LINUX_STRING_H */
