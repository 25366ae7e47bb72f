// SPDX-License-Identifier: GPL-2.0
/*
 * test_kernel_pure: every group of the kernel's pure-logic tests.  Run as
 * CMOCKA_MESSAGE_OUTPUT=TAP ./build/test_kernel_pure | tap-to-pass.sh kpure
 */
#include "kpure_test.h"

const u8 kpure_secret[IAKERB_SECRET_LEN] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x00, 0xff, 0x3b, 0x0a, 0x7f, 0x80, 0x43, 0x49,
	0x41, 0x4b, 0xde, 0xad, 0xbe, 0xef, 0x10, 0x20,
	0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0,
};

int main(void)
{
	int failed = 0;

	failed += kpure_run_desc();
	failed += kpure_run_callout();
	failed += kpure_run_payload();
	failed += kpure_run_secbuf();
	failed += kpure_run_outcome();
	failed += kpure_run_channel();
	return failed ? 1 : 0;
}
