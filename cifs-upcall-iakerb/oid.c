// SPDX-License-Identifier: GPL-2.0
/*
 * Known object identifiers and their debug printing: see oid.h.
 */
#include <errno.h>
#include <stdio.h>

#include "oid.h"

static const uint8_t spnego_octets[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const uint8_t krb5_octets[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02
};
/* Windows 2000 cut 113554 to 16 bits (48018); Windows still offers it. */
static const uint8_t ms_krb5_octets[] = {
	0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02
};
static const uint8_t iakerb_octets[] = { 0x2b, 0x06, 0x01, 0x05, 0x02, 0x05 };
static const uint8_t ntlmssp_octets[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a
};
static const uint8_t negoex_octets[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e
};

const struct der_blob oid_spnego = DER_BLOB_ARRAY(spnego_octets);
const struct der_blob oid_krb5 = DER_BLOB_ARRAY(krb5_octets);
const struct der_blob oid_ms_krb5 = DER_BLOB_ARRAY(ms_krb5_octets);
const struct der_blob oid_iakerb = DER_BLOB_ARRAY(iakerb_octets);
const struct der_blob oid_ntlmssp = DER_BLOB_ARRAY(ntlmssp_octets);
const struct der_blob oid_negoex = DER_BLOB_ARRAY(negoex_octets);

static const struct {
	const struct der_blob *oid;
	const char *name;
} known_oids[] = {
	{ &oid_spnego, "SPNEGO" },
	{ &oid_krb5, "krb5" },
	{ &oid_ms_krb5, "MS-krb5" },
	{ &oid_iakerb, "IAKerb" },
	{ &oid_ntlmssp, "NTLMSSP" },
	{ &oid_negoex, "NEGOEX" },
};

bool oid_equal(const struct der_blob *a, const struct der_blob *b)
{
	return der_blob_equal(a, b);
}

bool oid_is_kerberos(const struct der_blob *oid)
{
	return oid_equal(oid, &oid_krb5) || oid_equal(oid, &oid_ms_krb5) ||
	       oid_equal(oid, &oid_iakerb);
}

const char *oid_name(const struct der_blob *oid)
{
	size_t i;

	for (i = 0; i < sizeof(known_oids) / sizeof(known_oids[0]); i++)
		if (oid_equal(oid, known_oids[i].oid))
			return known_oids[i].name;
	return NULL;
}

int oid_check(const struct der_blob *oid)
{
	size_t i;
	bool start = true;

	if (oid->len == 0 || (oid->data[oid->len - 1] & 0x80))
		return -EBADMSG;
	for (i = 0; i < oid->len; i++) {
		/* A sub-identifier may not start with a 0x80 padding octet. */
		if (start && oid->data[i] == 0x80)
			return -EBADMSG;
		start = !(oid->data[i] & 0x80);
	}
	return 0;
}

/* Next base-128 sub-identifier at *@pos; -EBADMSG if it exceeds 64 bits. */
static int oid_next_arc(const struct der_blob *oid, size_t *pos, uint64_t *arc)
{
	uint64_t v = 0;
	uint8_t c;

	do {
		if (v >> 57)
			return -EBADMSG;
		c = oid->data[(*pos)++];
		v = (v << 7) | (c & 0x7f);
	} while (c & 0x80);
	*arc = v;
	return 0;
}

int oid_to_str(const struct der_blob *oid, char *buf, size_t cap)
{
	size_t pos = 0, used = 0;
	uint64_t arc;
	int n, ret;

	ret = oid_check(oid);
	if (ret)
		return ret;
	while (pos < oid->len) {
		ret = oid_next_arc(oid, &pos, &arc);
		if (ret)
			return ret;
		if (used == 0) {
			/* The first sub-identifier packs the first two arcs. */
			unsigned int first = arc < 80 ? (unsigned int)(arc / 40) : 2;

			n = snprintf(buf, cap, "%u.%llu", first,
				     (unsigned long long)(arc - 40 * first));
		} else {
			n = snprintf(buf + used, cap - used, ".%llu",
				     (unsigned long long)arc);
		}
		if (n < 0 || (size_t)n >= cap - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return (int)used;
}
