// SPDX-License-Identifier: GPL-2.0
/*
 * The one-line failure record, and the names of the return codes.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lkdc.h"

int lkdc_fail(struct lkdc_err *e, int rc, const char *fmt, ...)
{
	va_list ap;

	if (e && e->rc == LOCALKDC_OK) {
		e->rc = rc;
		va_start(ap, fmt);
		vsnprintf(e->why, sizeof(e->why), fmt, ap);
		va_end(ap);
	}
	return rc;
}

const char *localkdc_rc_name(int rc)
{
	switch (rc) {
	case LOCALKDC_OK:	return "ok";
	case LOCALKDC_ERR:	return "error";
	case LOCALKDC_USAGE:	return "usage";
	case LOCALKDC_EXISTS:	return "exists";
	case LOCALKDC_NOTSETUP:	return "not-set-up";
	case LOCALKDC_NOKDC:	return "no-kdc";
	case LOCALKDC_NOCREDS:	return "no-creds";
	case LOCALKDC_UNSAFE:	return "unsafe";
	case LOCALKDC_BADTOKEN:	return "bad-token";
	}
	return "unknown";
}
