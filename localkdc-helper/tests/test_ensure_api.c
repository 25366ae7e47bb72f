// SPDX-License-Identifier: GPL-2.0
/*
 * localkdc_ensure() called the way the upcall helper will: only the
 * public header and the archive.  Usage: test_ensure_api USER CCACHE
 * MIN_REMAINING; the paths come from the environment (LOCALKDC_ROOT).
 * Prints "rc=N tgt=N started=N" and the why line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "localkdc.h"

int main(int argc, char **argv)
{
	struct localkdc_ensure_args a = { 0 };
	struct localkdc_ensure_result r;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: test_ensure_api USER CCACHE MIN\n");
		return 2;
	}
	a.user = argv[1];
	a.ccache = argv[2];
	a.min_remaining = (unsigned int)atoi(argv[3]);
	rc = localkdc_ensure(&a, &r);
	printf("rc=%d (%s) tgt=%d started=%d\n%s\n", rc, localkdc_rc_name(rc),
	       (int)r.tgt, (int)r.kdc_started, r.why);
	return rc;
}
