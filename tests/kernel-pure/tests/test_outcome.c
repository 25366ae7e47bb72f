// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's dmesg line for a helper's errno against the helper's own
 * outcome table: every row must reach the kernel with the same line, and
 * an errno that is no outcome must have no line on either side.
 */
#include <errno.h>
#include "kpure_test.h"

/* Every errno the kernel may see, as the helper rejects (positive) and
 * as request_key() returns it (negative) */
static void test_outcome_lines_match(void **state)
{
	const char *k, *h;
	int e, rows = 0;

	(void)state;
	for (e = 1; e < 4096; e++) {
		k = cifs_iakerb_outcome_msg(-e);
		h = iakerb_outcome_msg(e);
		if (!h) {
			assert_null(k);
			continue;
		}
		assert_non_null(k);
		assert_string_equal(k, h);
		assert_ptr_equal(cifs_iakerb_outcome_msg(e), k);
		rows++;
	}
	assert_int_equal(rows, IAKERB_OUT_COUNT);
}

/* The rows the reviews asked for are there, with lines of their own */
static void test_outcome_new_rows(void **state)
{
	(void)state;
	assert_non_null(strstr(cifs_iakerb_outcome_msg(-ENXIO), "cifs/<host>"));
	assert_non_null(strstr(cifs_iakerb_outcome_msg(-ENETUNREACH),
			       "this machine"));
	assert_non_null(strstr(cifs_iakerb_outcome_msg(-ESTALE), "kinit"));
	assert_non_null(strstr(cifs_iakerb_outcome_msg(-ENOMEM), "memory"));
	assert_null(cifs_iakerb_outcome_msg(-EIO));
	assert_null(cifs_iakerb_outcome_msg(0));
}

int kpure_run_outcome(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcome_lines_match),
		cmocka_unit_test(test_outcome_new_rows),
	};

	return cmocka_run_group_tests_name("outcome", tests, NULL, NULL);
}
