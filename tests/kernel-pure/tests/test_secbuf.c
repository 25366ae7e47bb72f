// SPDX-License-Identifier: GPL-2.0
/*
 * The security buffer of a SESSION_SETUP response:
 * cifs_iakerb_sess_secbuf() finds SecurityBufferOffset (relative to the
 * SMB2 header, little endian, at byte 68) and SecurityBufferLength (at
 * 70) and returns the blob only if it lies past the 72-byte fixed part
 * and within what was received.  That the positions are offsetof() of
 * struct smb2_sess_setup_rsp is checked at compile time in the kernel
 * (static_assert in cifs_iakerb.c); here only the behaviour.
 */
#include "kpure_test.h"

#define FIXED	CIFS_IAKERB_SESS_RSP_FIXED

static u8 rsp[0x20000 + 16];

static void set(u16 off, u16 len)
{
	rsp[68] = off & 0xff;
	rsp[69] = off >> 8;
	rsp[70] = len & 0xff;
	rsp[71] = len >> 8;
}

/* Accepted: the blob is rsp + off, len bytes */
static void found(size_t total, u16 off, u16 len)
{
	const u8 *blob = (const u8 *)1;
	u16 blen = 0xdead;

	set(off, len);
	if (cifs_iakerb_sess_secbuf(rsp, total, &blob, &blen))
		fail_msg("%zu bytes, offset %u, length %u: refused", total, off,
			 len);
	assert_ptr_equal(blob, rsp + off);
	assert_uint_equal(blen, len);
	assert_true(blob >= rsp + FIXED &&
		    (size_t)(blob - rsp) + blen <= total);
}

/* Refused, and the outputs say "no blob" */
static void refused(size_t total, u16 off, u16 len)
{
	const u8 *blob = (const u8 *)1;
	u16 blen = 0xdead;

	set(off, len);
	if (cifs_iakerb_sess_secbuf(rsp, total, &blob, &blen) != -EPROTO)
		fail_msg("%zu bytes, offset %u, length %u: not refused", total,
			 off, len);
	assert_null(blob);
	assert_uint_equal(blen, 0);
}

/* An empty security buffer: fine wherever it "is", and no blob */
static void empty(size_t total, u16 off)
{
	const u8 *blob = (const u8 *)1;
	u16 blen = 0xdead;

	set(off, 0);
	assert_int_equal(cifs_iakerb_sess_secbuf(rsp, total, &blob, &blen), 0);
	assert_null(blob);
	assert_uint_equal(blen, 0);
}

static void secbuf_constants(void **state)
{
	/* struct smb2_hdr is 64 bytes, then 4 __le16 before Buffer[] */
	assert_int_equal(CIFS_IAKERB_SESS_RSP_FIXED, 72);
	assert_int_equal(CIFS_IAKERB_SECBUF_OFF_POS, 68);
	assert_int_equal(CIFS_IAKERB_SECBUF_LEN_POS, 70);
}

static void secbuf_inside(void **state)
{
	found(200, FIXED, 10);
	found(200, 100, 50);
	found(4096, FIXED, 1500);
	found(4096, 0x200, 0x300);
}

static void secbuf_edge(void **state)
{
	/* ending exactly at the end of what was received */
	found(FIXED + 1, FIXED, 1);
	found(200, FIXED, 200 - FIXED);
	found(200, 199, 1);
	found(200, 150, 50);
	/* one byte more */
	refused(FIXED + 1, FIXED, 2);
	refused(200, FIXED, 200 - FIXED + 1);
	refused(200, 199, 2);
	refused(200, 150, 51);
}

static void secbuf_past_end(void **state)
{
	refused(200, 200, 1);
	refused(200, 201, 1);
	refused(200, 0xffff, 1);
	refused(FIXED, FIXED, 1);
	refused(100, 90, 0xffff);
}

/* The offset may not point into the header or the fixed fields */
static void secbuf_offset_in_fixed(void **state)
{
	static const u16 offs[] = { 0, 1, 63, 64, 68, 70, 71 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		refused(200, offs[i], 1);
		refused(200, offs[i], 10);
		refused(200, offs[i], FIXED - offs[i]);
	}
	found(200, FIXED, 1);
}

static void secbuf_zero_length(void **state)
{
	empty(FIXED, 0);
	empty(FIXED, FIXED);
	empty(FIXED, 0xffff);
	empty(200, 4);
	empty(200, 200);
	empty(200, 201);
}

static void secbuf_short(void **state)
{
	const u8 *blob;
	u16 blen;
	size_t len;

	set(FIXED, 0);
	for (len = 0; len < FIXED; len++) {
		blob = (const u8 *)1;
		blen = 0xdead;
		assert_int_equal(cifs_iakerb_sess_secbuf(rsp, len, &blob,
							 &blen), -EPROTO);
		assert_null(blob);
		assert_uint_equal(blen, 0);
	}
	empty(FIXED, FIXED);
}

static void secbuf_huge(void **state)
{
	/* the largest blob a 16-bit length allows, where it fits */
	found(FIXED + 0xffff, FIXED, 0xffff);
	refused(FIXED + 0xfffe, FIXED, 0xffff);
	found(0x1fffe, 0xffff, 0xffff);
	refused(0x1fffd, 0xffff, 0xffff);
	refused(200, 0xffff, 0xffff);
	/* more received than 16 bits can address: still only off + len */
	found(0x20000, 0xffff, 0xffff);
	found(0x20000, FIXED, 0xffff);
	found((size_t)-1, FIXED, 0xffff);
	found((size_t)-1, 0xffff, 0xffff);
	refused((size_t)-1, 0, 0xffff);
}

/* Offset and length are little endian on the wire, and unaligned */
static void secbuf_little_endian(void **state)
{
	const u8 *blob;
	u16 blen;

	/* offset 72, length 0x0102 */
	rsp[68] = 0x48;
	rsp[69] = 0x00;
	rsp[70] = 0x02;
	rsp[71] = 0x01;
	assert_int_equal(cifs_iakerb_sess_secbuf(rsp, FIXED + 0x102, &blob,
						 &blen), 0);
	assert_ptr_equal(blob, rsp + 72);
	assert_uint_equal(blen, 0x102);
	/* read big endian, this would be offset 72, length 2 */
	rsp[68] = 0x00;
	rsp[69] = 0x48;
	rsp[70] = 0x00;
	rsp[71] = 0x02;
	assert_int_equal(cifs_iakerb_sess_secbuf(rsp, 100, &blob, &blen),
			 -EPROTO);
	/* a response that is not 2-byte aligned in memory */
	memset(rsp, 0, 300);
	rsp[1 + 68] = 0x50;
	rsp[1 + 70] = 0x10;
	assert_int_equal(cifs_iakerb_sess_secbuf(rsp + 1, 200, &blob, &blen),
			 0);
	assert_ptr_equal(blob, rsp + 1 + 0x50);
	assert_uint_equal(blen, 0x10);
}

/* Every offset and length around the edges of a few sizes */
static void secbuf_grid(void **state)
{
	static const size_t totals[] = { FIXED, FIXED + 1, 100, 255, 256 };
	const u8 *blob;
	u16 blen;
	size_t t;
	u32 off, len;
	int rc;

	for (t = 0; t < ARRAY_SIZE(totals); t++)
	for (off = 0; off < 300; off++)
	for (len = 0; len < 300; len++) {
		bool ok = off >= FIXED && off + len <= totals[t];

		set(off, len);
		rc = cifs_iakerb_sess_secbuf(rsp, totals[t], &blob, &blen);
		if (!len) {
			assert_int_equal(rc, 0);
			assert_null(blob);
			continue;
		}
		if (rc != (ok ? 0 : -EPROTO))
			fail_msg("%zu bytes, offset %u, length %u: %d",
				 totals[t], off, len, rc);
		if (ok) {
			assert_ptr_equal(blob, rsp + off);
			assert_uint_equal(blen, len);
		}
	}
}

int kpure_run_secbuf(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(secbuf_constants),
		cmocka_unit_test(secbuf_inside),
		cmocka_unit_test(secbuf_edge),
		cmocka_unit_test(secbuf_past_end),
		cmocka_unit_test(secbuf_offset_in_fixed),
		cmocka_unit_test(secbuf_zero_length),
		cmocka_unit_test(secbuf_short),
		cmocka_unit_test(secbuf_huge),
		cmocka_unit_test(secbuf_little_endian),
		cmocka_unit_test(secbuf_grid),
	};

	return cmocka_run_group_tests_name("secbuf", tests, NULL, NULL);
}
