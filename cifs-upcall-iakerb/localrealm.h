/* SPDX-License-Identifier: GPL-2.0 */
/* localrealm.c: the local realm's TGT, from localkdc-helper's library. */
#ifndef CIFS_UPCALL_IAKERB_LOCALREALM_H
#define CIFS_UPCALL_IAKERB_LOCALREALM_H

#include <stdbool.h>

#include "upcall.h"

/*
 * No ticket and no password: ask localkdc_ensure() for the user's TGT of
 * this machine's local realm, in the user's default cache.  True if the
 * cache now holds one (look again); false with a log line otherwise.
 */
bool local_realm_tgt(void);

#endif
