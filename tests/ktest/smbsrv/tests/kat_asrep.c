// SPDX-License-Identifier: GPL-2.0
/*
 * kat: a known-answer test of the password -> key -> AS-REP path
 * against the real Windows IAKerb exchange (tests/vectors/windows-iakerb,
 * issue 7 item 3), carried on by kat_mic.c to the server's mechListMIC
 * (issue 15 item 1).  No KDC and no network: the salt and etype come from the
 * PA-ETYPE-INFO2 of the KRB-ERROR in vector 01 (cross-checked against the
 * AS-REP's own padata in 02), the key from MIT's string-to-key, and the
 * AS-REP enc-part of vector 02 must then decrypt (key usage 3) to an
 * EncASRepPart with the session key, nonce, realm and krbtgt sname.  The
 * wrong password must fail with an integrity error, not decrypt to junk.
 *
 * Usage: kat VECTORS_DIR.  Prints PASS/FAIL kat/<name> lines; exit 0
 * only if all pass.  A missing or empty vector is "FAIL kat/vectors"
 * naming the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <krb5/krb5.h>

#include "kat_util.h"

#define PASSWORD "Password123!"
#define WRONG_PASSWORD "Password123?"
#define REALM KAT_REALM
#define USER "Administrator"

/* PA-ETYPE-INFO2 (RFC 4120 5.2.7.5) */
#define PA_ETYPE_INFO2 19
#define KU_AS_REP_ENCPART 3

/*
 * The salt PA-ETYPE-INFO2 gives for @etype, in a METHOD-DATA (SEQUENCE OF
 * PA-DATA).  Returns 0 and the salt, -ENOENT if the etype is not listed.
 */
static int etype_info2_salt(const struct der_blob *method_data, int32_t etype,
			    struct der_blob *salt, bool *has_s2kparams)
{
	struct der_reader md, pas;
	struct der_tlv seq, pa;

	der_reader_from_blob(&md, method_data);
	if (der_read_single(&md, DER_TAG_SEQUENCE, &seq))
		return -EBADMSG;
	der_reader_from_blob(&pas, &seq.value);
	while (!der_reader_empty(&pas)) {
		struct der_blob val;
		struct der_reader ents;
		struct der_tlv eseq, ent;
		int32_t type;

		if (der_read_tag(&pas, DER_TAG_SEQUENCE, &pa) ||
		    field_int(&pa.value, 1, &type) ||
		    field_tlv(&pa.value, 2, DER_TAG_OCTET_STRING, &val))
			return -EBADMSG;
		if (type != PA_ETYPE_INFO2)
			continue;
		der_reader_from_blob(&ents, &val);
		if (der_read_single(&ents, DER_TAG_SEQUENCE, &eseq))
			return -EBADMSG;
		der_reader_from_blob(&ents, &eseq.value);
		while (!der_reader_empty(&ents)) {
			struct der_reader dummy;
			int32_t et;

			if (der_read_tag(&ents, DER_TAG_SEQUENCE, &ent) ||
			    field_int(&ent.value, 0, &et))
				return -EBADMSG;
			if (et != etype)
				continue;
			if (field_tlv(&ent.value, 1, DER_TAG_GENERAL_STRING,
				      salt))
				return -ENOENT;	/* default salt: not here */
			*has_s2kparams = !field(&ent.value, 2, &dummy);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Check a decrypted EncASRepPart (or the EncTGSRepPart tag Windows may
 * use, as MIT accepts both); its session key goes to *tgt_key (a copy).
 */
static void check_enc_part(krb5_context kc, const krb5_data *plain,
			   int32_t etype, krb5_keyblock *tgt_key)
{
	struct der_blob msg = { (const uint8_t *)plain->data, plain->length };
	struct der_blob seq, keyseq, keyval, realm, sname_seq;
	struct der_reader r, f;
	struct der_tlv tlv;
	int32_t keytype, nonce;
	char sname[256];
	uint8_t tag = plain->length ? (uint8_t)plain->data[0] : 0;
	bool ok;

	/* nothing may follow the message but DER; trailing bytes = error */
	ok = (tag == DER_APPLICATION(25) || tag == DER_APPLICATION(26)) &&
	     !app_seq(&msg, tag & DER_TAG_NUMBER_MASK, &seq);
	result(ok, "asrep-encpart-tag", "[APPLICATION %d], %u bytes",
	       tag & DER_TAG_NUMBER_MASK, plain->length);
	if (!ok)
		return;

	ok = !field(&seq, 0, &f) &&
	     !der_read_single(&f, DER_TAG_SEQUENCE, &tlv);
	if (ok) {
		keyseq = tlv.value;
		ok = !field_int(&keyseq, 0, &keytype) &&
		     !field_tlv(&keyseq, 1, DER_TAG_OCTET_STRING, &keyval);
	}
	ok = ok && keytype == etype && keyval.len == 32;
	result(ok, "asrep-encpart-session-key", "keytype %d, %zu bytes",
	       ok ? keytype : -1, ok ? keyval.len : 0);
	if (ok) {
		krb5_keyblock kb = {
			.magic = KV5M_KEYBLOCK, .enctype = keytype,
			.length = (unsigned int)keyval.len,
			.contents = (krb5_octet *)keyval.data,
		};

		if (krb5_copy_keyblock_contents(kc, &kb, tgt_key))
			tgt_key->length = 0;
	}

	ok = !field_int(&seq, 2, &nonce);
	/* the AS-REQ with preauth that it answers is not in the vectors:
	 * the nonce can only be shown, not compared */
	result(ok, "asrep-encpart-nonce", "nonce 0x%08x", ok ? nonce : 0);

	ok = !field_tlv(&seq, 9, DER_TAG_GENERAL_STRING, &realm) &&
	     realm.len == strlen(REALM) && !memcmp(realm.data, REALM,
						     realm.len);
	result(ok, "asrep-encpart-srealm", "%s", ok ? REALM : "mismatch");

	ok = !field(&seq, 10, &r) &&
	     !der_read_single(&r, DER_TAG_SEQUENCE, &tlv);
	if (ok) {
		sname_seq = tlv.value;
		ok = !principal_str(&sname_seq, sname, sizeof(sname)) &&
		     !strcmp(sname, "krbtgt/" REALM);
	}
	result(ok, "asrep-encpart-sname", "%s", ok ? sname : "mismatch");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	uint8_t *v01, *v02;
	size_t l01, l02;
	struct der_blob err_msg, rep_msg, err_seq, rep_seq, edata, padata;
	struct der_blob salt = { 0 }, salt2 = { 0 }, cipher, enc_seq;
	struct der_reader f;
	struct der_tlv tlv;
	krb5_context kc;
	krb5_keyblock key, tgt_key = { 0 };
	krb5_enc_data enc;
	krb5_data pw, sd, plain;
	krb5_error_code code;
	int32_t etype = 0, err_code, kvno;
	bool s2kp = false, s2kp2 = false, ok;
	char padata_buf[64];

	if (krb5_init_context(&kc)) {
		result(false, "setup", "krb5_init_context");
		return 1;
	}
	v01 = read_vector(dir, VEC_KRB_ERROR, &l01);
	v02 = v01 ? read_vector(dir, VEC_AS_REP, &l02) : NULL;
	if (!v01 || !v02) {
		free(v01);
		free(v02);
		krb5_free_context(kc);
		return 1;
	}

	/* 01: KRB-ERROR 25 with e-data METHOD-DATA holding ETYPE-INFO2 */
	ok = !kdc_msg_of(v01, l01, &err_msg) &&
	     !app_seq(&err_msg, 30, &err_seq) &&
	     !field_int(&err_seq, 6, &err_code) && err_code == 25 &&
	     !field_tlv(&err_seq, 12, DER_TAG_OCTET_STRING, &edata);
	result(ok, "krb-error-preauth-required", "%s",
	       ok ? "error-code 25, e-data present" : "not parsed");

	/* 02: AS-REP, its enc-part and padata */
	ok = !kdc_msg_of(v02, l02, &rep_msg) &&
	     !app_seq(&rep_msg, 11, &rep_seq) &&
	     !field(&rep_seq, 6, &f) &&
	     !der_read_single(&f, DER_TAG_SEQUENCE, &tlv);
	if (ok) {
		enc_seq = tlv.value;
		ok = !field_int(&enc_seq, 0, &etype) &&
		     !field_tlv(&enc_seq, 2, DER_TAG_OCTET_STRING, &cipher);
	}
	result(ok, "asrep-parse", "enc-part etype %d, %zu bytes of cipher%s",
	       etype, ok ? cipher.len : 0,
	       ok && !field_int(&enc_seq, 1, &kvno) ? " (kvno)" : "");
	if (!ok)
		goto out;

	/* the salt for that etype, from 01's e-data and 02's padata */
	ok = !etype_info2_salt(&edata, etype, &salt, &s2kp);
	result(ok, "etype-info2-salt-from-krb-error", "etype %d salt '%.*s'%s",
	       etype, ok ? (int)salt.len : 0,
	       ok ? (const char *)salt.data : "",
	       s2kp ? " s2kparams" : "");
	if (!field(&rep_seq, 2, &f) && !der_read(&f, &tlv)) {
		padata = tlv.whole;
		ok = !etype_info2_salt(&padata, etype, &salt2, &s2kp2) &&
		     der_blob_equal(&salt, &salt2);
		snprintf(padata_buf, sizeof(padata_buf), "%s",
			 ok ? "same salt" : "differs");
		result(ok, "etype-info2-salt-from-asrep", "%s", padata_buf);
	}
	if (!der_blob_present(&salt))
		goto out;
	/* Windows salts AES keys with REALM + sAMAccountName as stored */
	result(salt.len == strlen(REALM USER) &&
	       !memcmp(salt.data, REALM USER, salt.len),
	       "salt-is-realm-plus-user", "%s", REALM USER);

	enc.magic = KV5M_ENC_DATA;
	enc.enctype = etype;
	enc.kvno = 0;
	enc.ciphertext.data = (char *)cipher.data;
	enc.ciphertext.length = (unsigned int)cipher.len;
	sd.data = (char *)salt.data;
	sd.length = (unsigned int)salt.len;

	/* right password: decrypts and parses */
	pw.data = (char *)PASSWORD;
	pw.length = strlen(PASSWORD);
	code = krb5_c_string_to_key(kc, etype, &pw, &sd, &key);
	result(!code, "string-to-key", "etype %d%s", etype,
	       code ? krb5_get_error_message(kc, code) : "");
	if (code)
		goto out;
	plain.length = (unsigned int)cipher.len;
	plain.data = malloc(plain.length);
	code = plain.data ? krb5_c_decrypt(kc, &key, KU_AS_REP_ENCPART, NULL,
					   &enc, &plain) : ENOMEM;
	result(!code, "decrypt-asrep-right-password", "%s",
	       code ? krb5_get_error_message(kc, code) : "key usage 3");
	if (!code)
		check_enc_part(kc, &plain, etype, &tgt_key);
	free(plain.data);
	krb5_free_keyblock_contents(kc, &key);

	/* wrong password: an integrity error, never a plaintext */
	pw.data = (char *)WRONG_PASSWORD;
	pw.length = strlen(WRONG_PASSWORD);
	code = krb5_c_string_to_key(kc, etype, &pw, &sd, &key);
	if (!code) {
		plain.length = (unsigned int)cipher.len;
		plain.data = malloc(plain.length);
		code = plain.data ? krb5_c_decrypt(kc, &key,
						   KU_AS_REP_ENCPART, NULL,
						   &enc, &plain) : ENOMEM;
		free(plain.data);
		krb5_free_keyblock_contents(kc, &key);
		result(code == KRB5KRB_AP_ERR_BAD_INTEGRITY,
		       "decrypt-asrep-wrong-password-integrity-error", "%s",
		       code ? krb5_get_error_message(kc, code) :
		       "decrypted!");
	} else {
		result(false, "decrypt-asrep-wrong-password-integrity-error",
		       "string-to-key failed");
	}

	/* the TGT's session key opens the rest of the exchange */
	if (tgt_key.length)
		kat_mic(kc, dir, &tgt_key);
	else
		result(false, "tgs-rep-to-mic", "no TGT session key from 02");
out:
	krb5_free_keyblock_contents(kc, &tgt_key);
	free(v01);
	free(v02);
	krb5_free_context(kc);
	printf("kat: %d passed, %d failed\n", kat_passes(), kat_failures());
	return kat_failures() ? 1 : 0;
}
