// SPDX-License-Identifier: GPL-2.0
/*
 * cifs_iakerb_text_ok(): what the kernel lets into a description value
 * (PROTOCOL.md §2, point 6).  No ';', no C0 control character, no DEL;
 * bytes >= 0x80 pass (UTF-8 user names); 1..max bytes.  The helper's
 * iakerb_text_ok() draws the same line.
 */
#include "kpure_test.h"

static int both(const char *s, size_t len, size_t max)
{
	int k = cifs_iakerb_text_ok(s, len, max);
	int g = iakerb_text_ok(s, len, max);

	if (k != g)
		fail_msg("%zu bytes (first 0x%02x), max %zu: kernel %d, helper %d",
			 len, len ? (unsigned char)s[0] : 0, max, k, g);
	return k;
}

static void text_every_byte(void **state)
{
	char s[3];
	int c;

	for (c = 0; c < 256; c++) {
		int want = c < 0x20 || c == 0x7f || c == ';' ? -EINVAL : 0;

		s[0] = c;
		assert_int_equal(both(s, 1, 255), want);
		/* at the start, in the middle, at the end */
		s[0] = 'a';
		s[1] = c;
		s[2] = 'b';
		assert_int_equal(both(s, 3, 255), want);
		s[0] = c;
		s[1] = 'a';
		assert_int_equal(both(s, 3, 255), want);
		s[0] = 'a';
		s[2] = c;
		assert_int_equal(both(s, 3, 255), want);
	}
}

/* The injection 7.2 allowed: a user name that adds its own fields */
static void text_separator(void **state)
{
	static const char * const bad[] = {
		"alice;creduid=0x0", ";", "alice;", ";alice", "a;b;c",
		"alice\ncreduid=0x0", "alice\r", "\talice", "alice\x7f",
		"alice\x1b[0m", "alice\x1f",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(both(bad[i], strlen(bad[i]), 255), -EINVAL);
	/* a NUL inside the length is a control character too */
	assert_int_equal(both("alice\0bob", 9, 255), -EINVAL);
	assert_int_equal(both("alice", 6, 255), -EINVAL);
	/* and '=' or ',' are ordinary characters in a value */
	assert_int_equal(both("a=b,c", 5, 255), 0);
}

static void text_utf8(void **state)
{
	static const char * const good[] = {
		"j\xc3\xbcrgen",			/* ü */
		"\xe7\x94\xa8\xe6\x88\xb7",		/* 用户 */
		"\xf0\x9f\x98\x80",			/* an emoji */
		"\x80", "\xff", "\xc2\x85",		/* C1 NEL, UTF-8 */
		"\xc0\xbb",			/* overlong ';': just bytes */
		"alice@CORP.EXAMPLE", "CORP\\alice", "fs1.corp.example",
		" ", "~",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		assert_int_equal(both(good[i], strlen(good[i]), 255), 0);
}

static void text_lengths(void **state)
{
	static char s[IAKERB_DESC_MAX + 2];

	memset(s, 'x', sizeof(s));
	assert_int_equal(both(s, 0, 255), -EINVAL);
	assert_int_equal(both("", 0, 255), -EINVAL);
	assert_int_equal(both(s, 1, 255), 0);
	assert_int_equal(both(s, IAKERB_USER_MAX, IAKERB_USER_MAX), 0);
	assert_int_equal(both(s, IAKERB_USER_MAX + 1, IAKERB_USER_MAX),
			 -EINVAL);
	assert_int_equal(both(s, IAKERB_HOST_MAX, IAKERB_HOST_MAX), 0);
	assert_int_equal(both(s, IAKERB_HOST_MAX + 1, IAKERB_HOST_MAX),
			 -EINVAL);
	assert_int_equal(both(s, IAKERB_DESC_MAX, IAKERB_DESC_MAX), 0);
	assert_int_equal(both(s, IAKERB_DESC_MAX + 1, IAKERB_DESC_MAX),
			 -EINVAL);
	assert_int_equal(both(s, 1, 0), -EINVAL);
	assert_int_equal(both(s, 1, 1), 0);
	assert_int_equal(both(s, (size_t)-1, 255), -EINVAL);
	/* a bad byte past max does not matter: the length refuses first */
	s[IAKERB_USER_MAX] = ';';
	assert_int_equal(both(s, IAKERB_USER_MAX, IAKERB_USER_MAX), 0);
	assert_int_equal(both(s, IAKERB_USER_MAX + 1, IAKERB_DESC_MAX),
			 -EINVAL);
}

int kpure_run_text(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_every_byte),
		cmocka_unit_test(text_separator),
		cmocka_unit_test(text_utf8),
		cmocka_unit_test(text_lengths),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
