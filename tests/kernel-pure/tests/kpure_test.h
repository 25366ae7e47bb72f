/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace tests of the kernel's pure IAKerb logic
 * (fs/smb/client/cifs_iakerb_proto.c, compiled against the shims in
 * include/linux/), with the keyutils-glue codec as the oracle: what the kernel
 * writes the helper must read back, and what the helper writes the
 * kernel must read the way the helper's own parser does.
 */
#ifndef _KPURE_TEST_H
#define _KPURE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* the kernel side first: its cifs_iakerb_abi.h is the one included */
#include "cifs_iakerb_proto.h"
#include "iakerb_codec.h"

#define KPURE_EXCH	"0123456789abcdef"

extern const u8 kpure_secret[IAKERB_SECRET_LEN];

/* host order, as both ends write integers (PROTOCOL.md §4, §5) */
static inline void kpure_put32(void *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline u32 kpure_get32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int kpure_run_desc(void);
int kpure_run_callout(void);
int kpure_run_payload(void);
int kpure_run_secbuf(void);
int kpure_run_outcome(void);
int kpure_run_channel(void);

#endif /* _KPURE_TEST_H */
