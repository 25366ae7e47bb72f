// SPDX-License-Identifier: GPL-2.0
/*
 * vecshape: the framing of server SPNEGO blobs, one line per hex file, so
 * that smbsrv's replies can be compared field by field with the Windows
 * vectors (tests/vectors/windows-iakerb) without comparing bytes that
 * must differ (keys, times, nonces, realm names):
 *
 *   negState=accept-incomplete supportedMech=IAKerb token=IAKerb/0501
 *   realm=. flags=01000000 cookie=no kdc=KRB-ERROR mic=no
 *
 * Usage: vecshape FILE.hex...   Exit 1 if a file does not parse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gss_token.h"
#include "iakerb_token.h"
#include "oid.h"
#include "spnego.h"
#include "vectors.h"

static const char *name_or(const struct der_blob *oid)
{
	const char *n = oid_name(oid);

	return n ? n : "?";
}

static int shape(const char *path)
{
	struct spnego_token t;
	struct gtok_krb5 k;
	struct iakerb_proxy ip;
	char err[VEC_ERR_LEN];
	uint8_t *buf;
	size_t len;
	uint32_t flags;
	int rc = 0;

	buf = hex_file_read(path, &len, err);
	if (!buf) {
		printf("%s\n", err);
		return -1;
	}
	if (spnego_parse(buf, len, &t) || t.kind != SPNEGO_NEG_TOKEN_RESP) {
		printf("%s: not a negTokenResp\n", path);
		free(buf);
		return -1;
	}
	printf("negState=%s supportedMech=%s",
	       t.resp.has_neg_state ?
	       spnego_neg_state_name(t.resp.neg_state) : "-",
	       der_blob_present(&t.resp.supported_mech) ?
	       name_or(&t.resp.supported_mech) : "-");
	if (!der_blob_present(&t.resp.response_token)) {
		printf(" token=-");
	} else if (gtok_krb5_parse(t.resp.response_token.data,
				   t.resp.response_token.len, &k)) {
		printf(" token=?");
		rc = -1;
	} else {
		printf(" token=%s/%04x", name_or(&k.mech), k.tok_id);
		if (k.tok_id == GTOK_IAKERB_PROXY) {
			if (iakerb_proxy_parse_body(&k.body, &ip)) {
				printf(" iakerb=?");
				rc = -1;
			} else {
				printf(" realm=%.*s",
				       (int)ip.header.target_realm.len,
				       (const char *)ip.header.target_realm.data);
				if (iakerb_header_flags_value(&ip.header,
							      &flags))
					printf(" flags=-");
				else
					printf(" flags=%08x", flags);
				printf(" cookie=%s kdc=%s",
				       der_blob_present(&ip.header.cookie) ?
				       "yes" : "no",
				       krb_msg_type_name(ip.kdc_msg_type) ?
				       krb_msg_type_name(ip.kdc_msg_type) :
				       "?");
			}
		}
	}
	printf(" mic=%s\n", der_blob_present(&t.resp.mech_list_mic) ?
	       "yes" : "no");
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: vecshape FILE.hex...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (shape(argv[i]))
			rc = 1;
	return rc;
}
