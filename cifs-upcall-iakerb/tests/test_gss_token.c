// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the GSS/SPNEGO/IAKerb token codec: one cmocka group,
 * "token", of the tests in test_der.c, test_spnego.c, test_iakerb.c,
 * test_vectors.c and test_mit_interop.c.
 *
 * Usage: test_gss_token VECTORS_DIR
 * VECTORS_DIR holds the Windows vectors (tests/vectors/windows-iakerb);
 * without it, or with a file missing, the group fails by name.  Run with
 * CMOCKA_MESSAGE_OUTPUT=TAP for TAP output.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const struct {
	const struct CMUnitTest *tests;
	const size_t *count;
} suites[] = {
	{ der_tests, &n_der_tests },
	{ spnego_tests, &n_spnego_tests },
	{ iakerb_tests, &n_iakerb_tests },
	{ vector_tests, &n_vector_tests },
	{ mit_interop_tests, &n_mit_interop_tests },
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

int main(int argc, char **argv)
{
	struct CMUnitTest *all;
	size_t i, n = 0;
	int ret;

	vectors_dir = argc > 1 ? argv[1] : NULL;

	for (i = 0; i < N_SUITES; i++)
		n += *suites[i].count;
	all = calloc(n, sizeof(*all));
	if (!all)
		return 1;
	for (i = 0, n = 0; i < N_SUITES; i++) {
		memcpy(all + n, suites[i].tests,
		       *suites[i].count * sizeof(*all));
		n += *suites[i].count;
	}
	ret = _cmocka_run_group_tests("token", all, n, load_vectors,
				      free_vectors);
	free(all);
	return ret;
}
