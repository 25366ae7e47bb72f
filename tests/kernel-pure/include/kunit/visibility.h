/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <kunit/visibility.h>: cifs_iakerb_proto.c exports
 * its helpers to the KUnit suite only in a kernel with KUnit; here there
 * is nothing to export to.
 */
#ifndef _KPURE_KUNIT_VISIBILITY_H
#define _KPURE_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif
