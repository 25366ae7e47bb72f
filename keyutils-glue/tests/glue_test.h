/* SPDX-License-Identifier: GPL-2.0 */
/* Common includes for the codec's cmocka tests. */
#ifndef _GLUE_TEST_H
#define _GLUE_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iakerb_compat.h"

#define EXCH	"0123456789abcdef"

#endif
