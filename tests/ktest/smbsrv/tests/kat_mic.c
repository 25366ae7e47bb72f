// SPDX-License-Identifier: GPL-2.0
/*
 * kat_mic: the rest of the Windows IAKerb exchange as a known answer
 * (issue 15 item 1).  From the TGT session key that vector 02 gave
 * (kat_asrep.c):
 *
 *   03 TGS-REP   enc-part, key usage 8 (TGT session key) -> service
 *                ticket session key for cifs/WIN25H2INS
 *   04 AP-REP    enc-part, key usage 12 (service session key) ->
 *                acceptor subkey and seq-number
 *   04 MIC       the server's mechListMIC (RFC 4121 4.2.6.1 MIC token),
 *                key usage 23 (KG_USAGE_ACCEPTOR_SIGN) with the acceptor
 *                subkey, over the DER MechTypeList of the client
 *
 * What is the helper's own code here, and what is not.  The helper checks
 * the server's mechListMIC in verify_mic() (initiator.c): the MechTypeList
 * it built with spnego_wrap_first() and the MIC that spnego_unwrap_reply()
 * took from the server's negTokenResp go to gss_verify_mic() on its
 * established MIT context, and only GSS_S_COMPLETE passes.  This test
 * links spnego_glue.c and uses those two functions unchanged, with the
 * helper's GSS flags (INITIATOR_GSS_FLAGS, initiator.h).  gss_verify_mic()
 * itself needs an MIT context holding the vector's keys, and no public
 * call makes one: gss_init_sec_context() would refuse 04's AP-REP (its
 * ctime/cusec answer scapy's authenticator, not ours) and the export
 * token gss_import_sec_context() reads is MIT's private format.  So the
 * check MIT runs for a v3 MIC token (k5sealv3.c, for an initiator) is
 * done here with krb5_c_verify_checksum(): TOK_ID 04 04, SentByAcceptor
 * set, filler ff ff ff ff ff, the acceptor subkey when AcceptorSubkey is
 * set, checksum over message | 16-byte header, key usage 23; then MIT's
 * sequence rule (util_seqstate.c) with the helper's flags.
 *
 * The sequence number (what this test shows): Windows' MIC carries SND_SEQ
 * 0 while its AP-REP's seq-number is not 0, and the checksum covers the
 * header, so that 0 is what Windows meant (a flipped SND_SEQ bit fails).
 * MIT's initiator starts its receive window at the AP-REP's seq-number;
 * with GSS_C_SEQUENCE_FLAG it would flag SND_SEQ 0 as GSS_S_GAP_TOKEN,
 * which verify_mic() rejects.  The helper asks for neither sequence nor
 * replay detection, so MIT checks no sequence number and the MIC passes:
 * kat/mic-seq-accepted-by-helper-flags fails the day someone adds the
 * flag.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "initiator.h"
#include "gss_token.h"
#include "kat_util.h"

#define SERVICE "cifs/" KAT_REALM

#define KU_TGS_REP_ENCPART_SESSKEY 8
#define KU_AP_REP_ENCPART 12
#define KG_USAGE_ACCEPTOR_SIGN 23

/* RFC 4121 4.2.6.1: MIC token header */
#define MIC_TOK_ID0 0x04
#define MIC_TOK_ID1 0x04
#define MIC_HDR_LEN 16
#define MIC_FLAG_SENT_BY_ACCEPTOR 0x01
#define MIC_FLAG_SEALED 0x02
#define MIC_FLAG_ACCEPTOR_SUBKEY 0x04

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/*
 * 03: the TGS-REP's enc-part opens with the TGT session key (usage 8; 9
 * would mean scapy put a subkey in its authenticator, which the vectors do
 * not hold) to an EncTGSRepPart naming cifs/WIN25H2INS (spelt
 * cifs/win25h2ins there: the case compares as Windows does, not at all);
 * its key is the service ticket's session key (copied to *svc_key).
 */
static int tgs_rep(krb5_context kc, const uint8_t *v03, size_t l03,
		   const krb5_keyblock *tgt_key, krb5_keyblock *svc_key)
{
	struct der_blob msg, seq, cipher, enc, eseq, sname_seq;
	struct der_reader r;
	struct der_tlv tlv;
	krb5_keyblock k;
	krb5_data plain = { 0 };
	krb5_error_code code;
	int32_t etype = 0;
	char sname[256];
	uint8_t tag;
	bool ok;

	ok = !kdc_msg_of(v03, l03, &msg) && !app_seq(&msg, 13, &seq) &&
	     !enc_data(&seq, 6, &etype, &cipher);
	result(ok, "tgsrep-parse", "enc-part etype %d, %zu bytes of cipher",
	       etype, ok ? cipher.len : 0);
	if (!ok)
		return -EBADMSG;

	code = kat_decrypt(kc, tgt_key, etype, KU_TGS_REP_ENCPART_SESSKEY,
			   &cipher, &plain);
	result(!code, "decrypt-tgsrep-tgt-session-key", "%s",
	       code ? krb5_get_error_message(kc, code) :
	       "key usage 8 (no authenticator subkey)");
	if (code)
		return -EBADMSG;

	enc = (struct der_blob){ (const uint8_t *)plain.data, plain.length };
	tag = plain.length ? (uint8_t)plain.data[0] : 0;
	ok = (tag == DER_APPLICATION(26) || tag == DER_APPLICATION(25)) &&
	     !app_seq(&enc, tag & DER_TAG_NUMBER_MASK, &eseq) &&
	     !enc_key(&eseq, 0, &k) && k.length == 32;
	result(ok, "tgsrep-encpart-session-key",
	       "[APPLICATION %d], keytype %d, %u bytes",
	       tag & DER_TAG_NUMBER_MASK, ok ? k.enctype : -1,
	       ok ? k.length : 0);
	if (ok) {
		sname[0] = '\0';
		ok = !field(&eseq, 10, &r) &&
		     !der_read_single(&r, DER_TAG_SEQUENCE, &tlv);
		if (ok) {
			sname_seq = tlv.value;
			ok = !principal_str(&sname_seq, sname, sizeof(sname)) &&
			     !strcasecmp(sname, SERVICE);
		}
		result(ok, "tgsrep-encpart-sname", "'%s'%s", sname,
		       ok ? "" : " is not " SERVICE);
	}
	if (ok && krb5_copy_keyblock_contents(kc, &k, svc_key))
		ok = false;
	free(plain.data);
	return ok ? 0 : -EBADMSG;
}

/*
 * 04: the krb5-framed AP-REP (TOK_ID 02 00); its EncAPRepPart opens with
 * the service session key (usage 12) and holds the acceptor subkey
 * (copied to *subkey) and the seq-number.
 */
static int ap_rep(krb5_context kc, const struct der_blob *token,
		  const krb5_keyblock *svc_key, krb5_keyblock *subkey,
		  uint32_t *seq_number)
{
	struct gtok_krb5 g;
	struct der_blob seq, cipher, enc, eseq, sn;
	krb5_keyblock k;
	krb5_data plain = { 0 };
	krb5_error_code code;
	int32_t etype = 0;
	uint64_t v = 0;
	size_t i;
	bool ok;

	ok = !gtok_krb5_parse(token->data, token->len, &g) &&
	     oid_equal(&g.mech, &oid_krb5) && g.tok_id == GTOK_KRB5_AP_REP &&
	     !app_seq(&g.body, 15, &seq) && !enc_data(&seq, 2, &etype, &cipher);
	result(ok, "aprep-parse", "krb5 OID, TOK_ID 02 00, etype %d", etype);
	if (!ok)
		return -EBADMSG;

	code = kat_decrypt(kc, svc_key, etype, KU_AP_REP_ENCPART, &cipher,
			   &plain);
	result(!code, "decrypt-aprep-service-session-key", "%s",
	       code ? krb5_get_error_message(kc, code) : "key usage 12");
	if (code)
		return -EBADMSG;

	enc = (struct der_blob){ (const uint8_t *)plain.data, plain.length };
	ok = !app_seq(&enc, 27, &eseq) && !enc_key(&eseq, 2, &k);
	result(ok, "aprep-encpart-subkey", "keytype %d, %u bytes",
	       ok ? k.enctype : -1, ok ? k.length : 0);
	if (ok && krb5_copy_keyblock_contents(kc, &k, subkey))
		ok = false;
	/* seq-number: UInt32 (0..4294967295), so up to 5 content octets */
	if (ok) {
		ok = !field_tlv(&eseq, 3, DER_TAG_INTEGER, &sn) && sn.len &&
		     sn.len <= 5 && !(sn.data[0] & 0x80);
		for (i = 0; ok && i < sn.len; i++)
			v = (v << 8) | sn.data[i];
		ok = ok && v <= UINT32_MAX;
		*seq_number = (uint32_t)v;
		result(ok, "aprep-encpart-seq-number", "%u (0x%08x)",
		       ok ? *seq_number : 0, ok ? *seq_number : 0);
	}
	free(plain.data);
	return ok ? 0 : -EBADMSG;
}

/*
 * The client's mech list as the helper builds it: the IAKerb and NTLM
 * OIDs as vector 00 spells them, in 00's order, through the helper's
 * spnego_wrap_first() (its MechTypeList output is what verify_mic()
 * passes to gss_verify_mic()).  The scapy client that 01-04 answer
 * offered these two (windows-iakerb/README.md); 00 itself offers four.
 */
static int client_mech_list(TALLOC_CTX *mem, const uint8_t *v00,
			    size_t l00, struct der_blob *two,
			    struct der_blob *four)
{
	struct spnego_token t;
	struct der_blob mechs[SPNEGO_MAX_MECHS];
	uint8_t *blob, *ml;
	size_t n = 0, i, blob_len, ml_len;
	static const uint8_t tok[] = { 0 };

	if (spnego_parse(v00, l00, &t) || t.kind != SPNEGO_NEG_TOKEN_INIT)
		return -EBADMSG;
	for (i = 0; i < t.init.n_mechs; i++)
		if (oid_equal(&t.init.mechs[i], &oid_iakerb) ||
		    oid_equal(&t.init.mechs[i], &oid_ntlmssp))
			mechs[n++] = t.init.mechs[i];
	if (n != 2)
		return -ENOENT;
	if (spnego_wrap_first(mem, mechs, n, tok, sizeof(tok), &blob,
			      &blob_len, &ml, &ml_len))
		return -ENOMEM;
	*two = (struct der_blob){ ml, ml_len };
	if (spnego_wrap_first(mem, t.init.mechs, t.init.n_mechs, tok,
			      sizeof(tok), &blob, &blob_len, &ml, &ml_len))
		return -ENOMEM;
	*four = (struct der_blob){ ml, ml_len };
	return 0;
}

struct mic_hdr {
	uint8_t flags;
	uint64_t snd_seq;
};

/*
 * The v3 MIC check of MIT's initiator (see the top): 0 if @mic is a
 * MIC token from the acceptor, made with @subkey over @msg; else
 * -EBADMSG (malformed) or -EACCES (checksum wrong).
 */
static int mic_v3_verify(krb5_context kc, const krb5_keyblock *subkey,
			 const struct der_blob *msg,
			 const struct der_blob *mic, struct mic_hdr *hdr)
{
	krb5_checksum cksum, mand = { 0 };
	krb5_data data;
	krb5_boolean valid = 0;
	krb5_error_code code;
	uint8_t *buf;
	static const uint8_t filler[5] = { 0xff, 0xff, 0xff, 0xff, 0xff };

	if (mic->len <= MIC_HDR_LEN || mic->data[0] != MIC_TOK_ID0 ||
	    mic->data[1] != MIC_TOK_ID1 || memcmp(mic->data + 3, filler, 5))
		return -EBADMSG;
	hdr->flags = mic->data[2];
	hdr->snd_seq = load_be64(mic->data + 8);
	/* from the acceptor, with its subkey (we hold no other key here) */
	if (!(hdr->flags & MIC_FLAG_SENT_BY_ACCEPTOR) ||
	    !(hdr->flags & MIC_FLAG_ACCEPTOR_SUBKEY))
		return -EBADMSG;

	/* the subkey's mandatory checksum type, as MIT's context keeps it */
	data.magic = KV5M_DATA;
	data.data = "";
	data.length = 0;
	if (krb5_c_make_checksum(kc, 0, subkey, KG_USAGE_ACCEPTOR_SIGN, &data,
				 &mand))
		return -EBADMSG;

	/* checksum over the message, then the header (RFC 4121 4.2.4) */
	buf = malloc(msg->len + MIC_HDR_LEN);
	if (!buf) {
		krb5_free_checksum_contents(kc, &mand);
		return -ENOMEM;
	}
	memcpy(buf, msg->data, msg->len);
	memcpy(buf + msg->len, mic->data, MIC_HDR_LEN);
	data.data = (char *)buf;
	data.length = (unsigned int)(msg->len + MIC_HDR_LEN);
	cksum.magic = KV5M_CHECKSUM;
	cksum.checksum_type = mand.checksum_type;
	cksum.contents = (krb5_octet *)mic->data + MIC_HDR_LEN;
	cksum.length = (unsigned int)(mic->len - MIC_HDR_LEN);
	code = krb5_c_verify_checksum(kc, subkey, KG_USAGE_ACCEPTOR_SIGN,
				      &data, &cksum, &valid);
	free(buf);
	krb5_free_checksum_contents(kc, &mand);
	if (code)
		return -EBADMSG;
	return valid ? 0 : -EACCES;
}

static const char *verdict(int rc)
{
	return rc == 0 ? "valid" : rc == -EACCES ? "checksum wrong" :
	       "malformed";
}

void kat_mic(krb5_context kc, const char *dir, const krb5_keyblock *tgt_key)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *v00 = NULL, *v03 = NULL, *v04 = NULL, *bad;
	size_t l00, l03, l04;
	krb5_keyblock svc_key = { 0 }, subkey = { 0 };
	struct der_blob two, four, badmic;
	struct server_reply rep;
	struct mic_hdr hdr;
	uint32_t seq_number = 0;
	int rc;

	v00 = read_vector(dir, VEC_CLIENT_INIT, &l00);
	v03 = read_vector(dir, VEC_TGS_REP, &l03);
	v04 = read_vector(dir, VEC_AP_REP_MIC, &l04);
	if (!mem || !v00 || !v03 || !v04)
		goto out;

	if (tgs_rep(kc, v03, l03, tgt_key, &svc_key))
		goto out;

	/* the helper's reader of a server reply: token and MIC */
	rc = spnego_unwrap_reply(v04, l04, &rep);
	result(!rc && der_blob_present(&rep.token) &&
	       der_blob_present(&rep.mic), "aprep-mic-unwrap",
	       "responseToken %zu bytes, mechListMIC %zu bytes",
	       rc ? 0 : rep.token.len, rc ? 0 : rep.mic.len);
	if (rc || !der_blob_present(&rep.token) || !der_blob_present(&rep.mic))
		goto out;
	if (ap_rep(kc, &rep.token, &svc_key, &subkey, &seq_number))
		goto out;

	rc = client_mech_list(mem, v00, l00, &two, &four);
	result(!rc, "mech-list-iakerb-ntlm", "%zu bytes of MechTypeList",
	       rc ? 0 : two.len);
	if (rc)
		goto out;

	/* the positive case: Windows' MIC over IAKerb + NTLM */
	rc = mic_v3_verify(kc, &subkey, &two, &rep.mic, &hdr);
	result(!rc, "mic-verifies-acceptor-subkey-ku23",
	       "%s, flags 0x%02x, SND_SEQ %llu", verdict(rc), hdr.flags,
	       (unsigned long long)hdr.snd_seq);
	if (rc)
		goto out;

	/* the list it covers is scapy's two, not 00's four */
	rc = mic_v3_verify(kc, &subkey, &four, &rep.mic, &hdr);
	result(rc == -EACCES, "mic-not-over-vector-00-four-mechs", "%s",
	       verdict(rc));

	/* Windows' sequence numbers: MIC 0, AP-REP not 0 */
	result(hdr.snd_seq == 0 && seq_number != 0, "mic-snd-seq-zero",
	       "MIC SND_SEQ %llu, AP-REP seq-number %u",
	       (unsigned long long)hdr.snd_seq, seq_number);
	result(!(INITIATOR_GSS_FLAGS & GSS_C_SEQUENCE_FLAG),
	       "mic-seq-accepted-by-helper-flags", "%s",
	       (INITIATOR_GSS_FLAGS & GSS_C_SEQUENCE_FLAG) ?
	       "GSS_C_SEQUENCE_FLAG asked: MIT would add GSS_S_GAP_TOKEN" :
	       "no GSS_C_SEQUENCE_FLAG: MIT compares no sequence number");

	/* one flipped bit, in the checksum and in SND_SEQ: rejected */
	bad = talloc_memdup(mem, rep.mic.data, rep.mic.len);
	if (!bad)
		goto out;
	badmic = (struct der_blob){ bad, rep.mic.len };
	bad[rep.mic.len - 1] ^= 0x01;
	rc = mic_v3_verify(kc, &subkey, &two, &badmic, &hdr);
	result(rc == -EACCES, "mic-flipped-checksum-bit-rejected", "%s",
	       verdict(rc));
	bad[rep.mic.len - 1] ^= 0x01;
	bad[15] ^= 0x01;
	rc = mic_v3_verify(kc, &subkey, &two, &badmic, &hdr);
	result(rc == -EACCES, "mic-flipped-snd-seq-bit-rejected",
	       "SND_SEQ %llu: %s", (unsigned long long)hdr.snd_seq,
	       verdict(rc));
out:
	krb5_free_keyblock_contents(kc, &svc_key);
	krb5_free_keyblock_contents(kc, &subkey);
	free(v00);
	free(v03);
	free(v04);
	talloc_free(mem);
}
