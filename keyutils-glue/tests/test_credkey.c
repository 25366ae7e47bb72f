// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the password key (PROTOCOL.md §7).  libkeyutils is replaced by
 * mocks (-Wl,--wrap), so every refusal can be exercised without a kernel
 * that knows the cifs.iakerb_cred type.
 */
#include <keyutils.h>
#include "glue_test.h"

#define GOOD_DESC	IAKERB_CRED_KEY_TYPE ";0;0;0b000000;exch=" EXCH

long __wrap_keyctl_describe_alloc(key_serial_t id, char **buffer);
long __wrap_keyctl_read(key_serial_t id, char *buffer, size_t buflen);

long __wrap_keyctl_describe_alloc(key_serial_t id, char **buffer)
{
	const char *d = mock_ptr_type(const char *);

	if (!d) {
		errno = ENOKEY;
		return -1;
	}
	*buffer = strdup(d);
	return strlen(d) + 1;
}

/* Like the kernel: copy what fits, return the full length */
long __wrap_keyctl_read(key_serial_t id, char *buffer, size_t buflen)
{
	const __u8 *data = mock_ptr_type(const __u8 *);
	size_t len = mock_type(size_t);

	memcpy(buffer, data, len < buflen ? len : buflen);
	return (long)len;
}

static __u8 payload[IAKERB_CRED_MAX];
static size_t payload_len;

static int setup(void **state)
{
	int n = iakerb_cred_build(payload, sizeof(payload), "hunter2", 7,
				  "REALM", 5);

	assert_true(n > 0);
	payload_len = n;
	return 0;
}

static bool all_zero(const __u8 *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

static void test_fetch_ok(void **state)
{
	__u8 buf[IAKERB_CRED_MAX];
	struct iakerb_cred c;

	will_return(__wrap_keyctl_describe_alloc, GOOD_DESC);
	will_return(__wrap_keyctl_read, payload);
	will_return(__wrap_keyctl_read, payload_len);
	assert_int_equal(iakerb_cred_fetch(42, EXCH, buf, sizeof(buf), &c), 0);
	assert_int_equal(c.pass_len, 7);
	assert_memory_equal(c.pass, "hunter2", 7);
	assert_memory_equal(c.domain, "REALM", 5);
	iakerb_wipe(buf, sizeof(buf));
	assert_true(all_zero(buf, sizeof(buf)));
}

static void refused(const char *desc, int want)
{
	__u8 buf[IAKERB_CRED_MAX];
	struct iakerb_cred c;

	will_return(__wrap_keyctl_describe_alloc, desc);
	assert_int_equal(iakerb_cred_fetch(42, EXCH, buf, sizeof(buf), &c),
			 want);
	assert_null(c.pass);
}

/* The key must be ours, root's, private, and for this exchange */
static void test_fetch_refusals(void **state)
{
	refused("user;0;0;0b000000;exch=" EXCH, -EPROTO);
	refused("logon;0;0;0b000000;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE "x;0;0;0b000000;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";1000;0;0b000000;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;1000;0b000000;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b000001;exch=" EXCH, -EPROTO);
	/* a user permission lets every root process read it: refused */
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b030000;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b010000;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b000100;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0B000000;exch=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b000000;exch=fedcba9876543210",
		-EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b000000;exch=" EXCH "0", -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b000000;id=" EXCH, -EPROTO);
	refused(IAKERB_CRED_KEY_TYPE ";0;0;0b00", -EPROTO);
	refused(NULL, -ENOKEY);
}

static void test_fetch_bad_args(void **state)
{
	__u8 buf[64];
	struct iakerb_cred c;

	assert_int_equal(iakerb_cred_fetch(0, EXCH, buf, sizeof(buf), &c),
			 -EINVAL);
	assert_int_equal(iakerb_cred_fetch(-3, EXCH, buf, sizeof(buf), &c),
			 -EINVAL);
	assert_int_equal(iakerb_cred_fetch(5, "abc", buf, sizeof(buf), &c),
			 -EINVAL);
	assert_int_equal(iakerb_cred_fetch(5, NULL, buf, sizeof(buf), &c),
			 -EINVAL);
}

/* Whatever part of the password was copied is wiped on failure */
static void test_fetch_wipes(void **state)
{
	__u8 buf[IAKERB_CRED_MAX], bad[IAKERB_CRED_MAX];
	struct iakerb_cred c;

	will_return(__wrap_keyctl_describe_alloc, GOOD_DESC);
	will_return(__wrap_keyctl_read, payload);
	will_return(__wrap_keyctl_read, payload_len);
	assert_int_equal(iakerb_cred_fetch(42, EXCH, buf, 20, &c), -EMSGSIZE);
	assert_true(all_zero(buf, 20));

	memcpy(bad, payload, payload_len);
	iakerb_put_u32(bad + 12, 4);		/* lengths no longer add up */
	will_return(__wrap_keyctl_describe_alloc, GOOD_DESC);
	will_return(__wrap_keyctl_read, bad);
	will_return(__wrap_keyctl_read, payload_len);
	assert_int_equal(iakerb_cred_fetch(42, EXCH, buf, sizeof(buf), &c),
			 -EPROTO);
	assert_true(all_zero(buf, sizeof(buf)));
	assert_null(c.pass);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fetch_ok),
		cmocka_unit_test(test_fetch_refusals),
		cmocka_unit_test(test_fetch_bad_args),
		cmocka_unit_test(test_fetch_wipes),
	};

	return cmocka_run_group_tests_name("credkey", tests, setup, NULL);
}
