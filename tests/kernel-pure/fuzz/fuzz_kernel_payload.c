// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the kernel's parsers of untrusted bytes:
 *
 * - cifs_iakerb_parse_payload(), what a helper instantiated a key with,
 *   under every expectation.  Oracle: the helper's iakerb_payload_parse()
 *   accepts exactly the same inputs and finds the same fields at the same
 *   places; refusals are EKEYREJECTED for a wrong version, else EPROTO.
 * - cifs_iakerb_sess_secbuf(), a SESSION_SETUP response from the server.
 *   Oracle: a returned blob lies within the input and past the fixed part,
 *   and is exactly what offset and length (little endian) describe.
 *
 * Inputs stay small, so that mutations go into the headers; the lengths
 * past 64 KiB where a legacy answer's slack ends come from padding: both
 * checks run again on the input followed by (last byte << 9) zero bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "cifs_iakerb_proto.h"
#include "iakerb_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void disagree(const char *what, size_t size, u32 expect, int k, int g)
{
	fprintf(stderr, "fuzz_kernel_payload: %s: %zu bytes, expect 0x%x: kernel %d, helper %d\n",
		what, size, expect, k, g);
	abort();
}

static bool inside(const u8 *p, u32 n, const u8 *data, size_t size)
{
	return !n || (p >= data && n <= size && (size_t)(p - data) <= size - n);
}

static void payload(const u8 *data, size_t size, u32 expect)
{
	struct cifs_iakerb_reply r;
	struct iakerb_payload p;
	u32 ver;
	int k, g;

	k = cifs_iakerb_parse_payload(data, size, expect, &r);
	g = iakerb_payload_parse(data, size, expect, &p);
	if (g) {
		/* 7.2's answer to a wrong version; too long may say EPROTO */
		if (size >= IAKERB_PAYLOAD_HDR_LEN) {
			memcpy(&ver, data, sizeof(ver));
			if (ver != IAKERB_UPCALL_VERSION && k != -EKEYREJECTED &&
			    (size <= IAKERB_PAYLOAD_MAX || k != -EPROTO))
				disagree("wrong version, not EKEYREJECTED",
					 size, expect, k, g);
			if (ver != IAKERB_UPCALL_VERSION)
				return;
		}
		if (k != -EPROTO)
			disagree("the helper refuses, the kernel not with EPROTO",
				 size, expect, k, g);
		return;
	}
	if (k)
		disagree("the helper accepts, the kernel refuses", size,
			 expect, k, g);
	if (r.flags != p.flags || r.sesskey != p.sesskey ||
	    r.sesskey_len != p.sesskey_len || r.secblob != p.secblob ||
	    r.secblob_len != p.secblob_len || r.agent_pid != p.agent_pid ||
	    r.has_chan != !!p.has_chan || r.chan_fd != p.chan_fd ||
	    r.reauth_sec != p.reauth_sec)
		disagree("different fields", size, expect, k, g);
	if (!(expect & (1u << r.flags)))
		disagree("an unexpected answer accepted", size, expect, k, g);
	if (!inside(r.sesskey, r.sesskey_len, data, size) ||
	    !inside(r.secblob, r.secblob_len, data, size))
		disagree("a field outside the input", size, expect, k, g);
}

static void secbuf_wrong(const char *what, size_t size, int rc)
{
	fprintf(stderr, "fuzz_kernel_payload: SESSION_SETUP response, %s: %zu bytes: %d\n",
		what, size, rc);
	abort();
}

static void secbuf(const u8 *data, size_t size)
{
	const u8 *blob;
	u16 blen, off, len;
	int rc, i;

	rc = cifs_iakerb_sess_secbuf(data, size, &blob, &blen);
	if (size < CIFS_IAKERB_SESS_RSP_FIXED) {
		if (rc != -EPROTO || blob || blen)
			secbuf_wrong("too short, not refused", size, rc);
		return;
	}
	off = data[68] | data[69] << 8;
	len = data[70] | data[71] << 8;
	if (!len) {
		if (rc || blob || blen)
			secbuf_wrong("empty buffer, not \"no blob\"", size, rc);
		return;
	}
	if (off < CIFS_IAKERB_SESS_RSP_FIXED || (size_t)off + len > size) {
		if (rc != -EPROTO || blob || blen)
			secbuf_wrong("bad offset/length, not refused", size,
				     rc);
		return;
	}
	if (rc || blob != data + off || blen != len)
		secbuf_wrong("good offset/length, wrong blob", size, rc);
	if (blob < data + CIFS_IAKERB_SESS_RSP_FIXED ||
	    (size_t)(blob - data) + blen > size)
		secbuf_wrong("blob outside the input", size, rc);
	/* read every byte of it: ASan would see one outside the input */
	for (i = 0, rc = 0; i < blen; i++)
		rc += blob[i];
	if (rc < 0)
		abort();
}

static void run(const u8 *data, size_t size)
{
	u32 expect;

	/* every combination of the five IAKERB_EXPECT_* bits */
	for (expect = 0; expect < 32; expect++)
		payload(data, size, expect);
	payload(data, size, 0xffffffffu);
	secbuf(data, size);
}

#define PAD_SHIFT	9
#define PADDED_MAX	(IAKERB_PAYLOAD_MAX + (255 << PAD_SHIFT))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* all zero, but for the input copied in for one run */
	static u8 padded[PADDED_MAX];
	size_t pad;

	run(data, size);
	if (!size || size > IAKERB_PAYLOAD_MAX)
		return 0;
	pad = (size_t)data[size - 1] << PAD_SHIFT;
	if (!pad)
		return 0;
	memcpy(padded, data, size);
	run(padded, size + pad);
	memset(padded, 0, size);
	return 0;
}
