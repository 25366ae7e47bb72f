// SPDX-License-Identifier: GPL-2.0
/*
 * The server's half of SESSION_SETUP for the no-kernel harness: a plain
 * MIT acceptor (IAKerb, and krb5 for single-leg tokens) with SPNEGO
 * framing, reading client blobs on stdin and answering on stdout.  MIT's
 * IAKerb acceptor proxies the client's KDC requests itself, to the KDC of
 * its own krb5.conf: run it where that KDC is reachable and the client is
 * not (run.sh puts the KDC's socket in a mount namespace only this
 * process shares).
 *
 * Wire (host order, both directions):  u32 len | len bytes  from the
 * harness; u32 status | u32 len | bytes  back.  When the context is
 * complete, one more frame follows with status 0 and the session key, so
 * the harness can compare it with the key the helper gave the "kernel".
 *
 * Usage: acceptor [--mic-round] [--no-mic] [--hints]
 *   --mic-round  on completion ask for the client's mechListMIC
 *                (accept-incomplete + MORE_PROCESSING), then finish
 *   --no-mic     send no mechListMIC on completion
 *   --bad-mic    send a mechListMIC with one bit flipped
 *   --bad-aprep  damage the AP-REP's encrypted part (as smbsrv's fault):
 *                the client must fail mutual authentication
 *   --steer-realm PRINC  answer the first AS-REQ with a WRONG_REALM
 *                client referral to PRINC's realm (a hostile server)
 *   --hints      first write the NEGOTIATE negTokenInit2 (IAKerb, krb5)
 *   --windows    answer like Windows: proxy replies carrying a KDC message
 *                get target-realm "." and header-flags 01 00 00 00 (MIT's
 *                output rewritten; realm discovery answers keep the
 *                realm, as smbsrv --mode windows does); a krb5-framed
 *                AP-REQ (Windows' final leg, no FINISHED) goes to a fresh
 *                krb5 acceptor context (FACTS.md); the last reply says
 *                accept-incomplete with the mechListMIC, as vector 04;
 *                MIT's final (an AP-REQ with the IAKerb OID) is refused
 *                by name, as smbsrv --mode windows refuses it
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <krb5/krb5.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <talloc.h>

#include "gss_token.h"

#define ST_OK		0x00000000u
#define ST_MORE		0xc0000016u
#define ST_LOGON_FAIL	0xc000006du

static gss_OID_desc iakerb_mech = { 6, (void *)"\x2b\x06\x01\x05\x02\x05" };
static gss_OID_desc krb5_mech = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };

static bool mic_round, no_mic, bad_mic, bad_aprep, windows;
static const char *steer;	/* --steer-realm PRINC: a hostile referral */

/*
 * A hostile server's answer to the first AS-REQ: KRB-ERROR WRONG_REALM
 * naming @princ in another realm (an RFC 6806 client referral), in an
 * IAKerb token.  A client that follows it sends the password's AS-REQ to
 * a realm this server merely suggests.
 */
static int steer_reply(TALLOC_CTX *mem, const struct der_blob *realm,
		       uint8_t **out, size_t *out_len)
{
	struct iakerb_proxy p = { 0 };
	krb5_context k;
	krb5_error e = { 0 };
	krb5_data enc = { 0 };
	krb5_principal client = NULL, server = NULL;
	char *rs = talloc_strndup(mem, (const char *)realm->data, realm->len);
	int ret;

	if (!rs || krb5_init_context(&k))
		return -1;
	ret = krb5_parse_name(k, steer, &client) ||
	      krb5_build_principal(k, &server, realm->len, rs, "krbtgt", rs,
				   NULL);
	if (!ret) {
		e.error = KRB5KDC_ERR_WRONG_REALM - ERROR_TABLE_BASE_krb5;
		e.stime = (krb5_timestamp)time(NULL);
		e.client = client;
		e.server = server;
		ret = krb5_mk_error(k, &e, &enc) != 0;
	}
	if (!ret) {
		p.header.target_realm = *realm;
		p.kdc_msg = (struct der_blob){ (uint8_t *)enc.data, enc.length };
		ret = iakerb_proxy_build(mem, &p, out, out_len) != 0;
	}
	krb5_free_data_contents(k, &enc);
	krb5_free_principal(k, client);
	krb5_free_principal(k, server);
	krb5_free_context(k);
	return ret ? -1 : 0;
}

/* Windows' proxy reply: MIT's, with realm "." and header-flags 01000000 */
static void windows_rewrite(TALLOC_CTX *mem, gss_buffer_t out,
			    struct der_blob *tok)
{
	static const uint8_t dot = '.';
	uint8_t flags[IAKERB_HEADER_FLAGS_LEN];
	struct iakerb_proxy p;
	uint8_t *t;
	size_t tl;

	*tok = (struct der_blob){ out->value, out->length };
	if (!out->length || iakerb_proxy_parse(out->value, out->length, &p) ||
	    p.kdc_msg_type == KRB_MSG_NONE)
		return;
	p.header.target_realm = (struct der_blob){ &dot, 1 };
	p.header.header_flags = iakerb_header_flags_encode(flags, 0x01000000);
	if (iakerb_proxy_build(mem, &p, &t, &tl))
		exit(1);
	*tok = (struct der_blob){ t, tl };
}

/* MIT's final leg: an AP-REQ in IAKerb framing (with FINISHED) */
static bool is_iakerb_ap_req(const struct der_blob *mt)
{
	struct gtok_krb5 g;

	return !gtok_krb5_parse(mt->data, mt->len, &g) &&
	       oid_equal(&g.mech, &oid_iakerb) && g.tok_id == GTOK_KRB5_AP_REQ;
}

/* Windows' final leg: the krb5 mech's AP-REQ, not IAKerb's */
static bool is_krb5_ap_req(const struct der_blob *mt)
{
	struct gtok_krb5 g;

	return !gtok_krb5_parse(mt->data, mt->len, &g) &&
	       oid_equal(&g.mech, &oid_krb5) && g.tok_id == GTOK_KRB5_AP_REQ;
}

static int read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void write_all(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(1, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(1);
		p += n;
		len -= (size_t)n;
	}
}

static void reply(uint32_t status, const void *buf, size_t len)
{
	uint32_t hdr[2] = { status, (uint32_t)len };

	write_all(hdr, sizeof(hdr));
	write_all(buf, len);
}

static void gss_log(const char *what, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 ctx = 0, m2;
	gss_buffer_desc msg;

	fprintf(stderr, "acceptor: %s failed:", what);
	if (minor) {
		gss_display_status(&m2, minor, GSS_C_MECH_CODE, GSS_C_NO_OID,
				   &ctx, &msg);
		fprintf(stderr, " %.*s", (int)msg.length, (char *)msg.value);
		gss_release_buffer(&m2, &msg);
	} else {
		gss_display_status(&m2, major, GSS_C_GSS_CODE, GSS_C_NO_OID,
				   &ctx, &msg);
		fprintf(stderr, " %.*s", (int)msg.length, (char *)msg.value);
		gss_release_buffer(&m2, &msg);
	}
	fprintf(stderr, "\n");
}

static void send_hints(TALLOC_CTX *mem)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_INIT,
				  .gss_framed = true };
	uint8_t *p;
	size_t len;

	t.init.has_neg_hints = true;
	t.init.n_mechs = 2;
	t.init.mechs[0] = oid_iakerb;
	t.init.mechs[1] = oid_krb5;
	t.init.hint_name = (struct der_blob){
		(const uint8_t *)SPNEGO_HINT_NAME_IGNORE,
		strlen(SPNEGO_HINT_NAME_IGNORE) };
	if (spnego_build(mem, &t, &p, &len))
		exit(1);
	reply(ST_OK, p, len);
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	gss_OID_set_desc ia = { 1, &iakerb_mech }, k5 = { 1, &krb5_mech };
	gss_cred_id_t cred_ia, cred_k5;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_OID mech = &iakerb_mech, chosen = &iakerb_mech;
	uint8_t *mech_list = NULL;
	size_t mech_list_len = 0;
	bool first = true, done = false, waiting_mic = false;
	OM_uint32 major, minor;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mic-round"))
			mic_round = true;
		else if (!strcmp(argv[i], "--no-mic"))
			no_mic = true;
		else if (!strcmp(argv[i], "--bad-mic"))
			bad_mic = true;
		else if (!strcmp(argv[i], "--bad-aprep"))
			bad_aprep = true;
		else if (!strcmp(argv[i], "--steer-realm") && i + 1 < argc)
			steer = argv[++i];
		else if (!strcmp(argv[i], "--windows"))
			windows = true;
		else if (!strcmp(argv[i], "--hints"))
			send_hints(mem);
	}
	/* IAKerb is not a default mech: it needs its own acceptor cred */
	major = gss_acquire_cred(&minor, GSS_C_NO_NAME, 0, &ia, GSS_C_ACCEPT,
				 &cred_ia, NULL, NULL);
	if (GSS_ERROR(major)) {
		gss_log("acquire IAKerb cred", major, minor);
		return 1;
	}
	major = gss_acquire_cred(&minor, GSS_C_NO_NAME, 0, &k5, GSS_C_ACCEPT,
				 &cred_k5, NULL, NULL);
	if (GSS_ERROR(major)) {
		gss_log("acquire krb5 cred", major, minor);
		return 1;
	}

	for (;;) {
		struct spnego_token tok, rep = { .kind = SPNEGO_NEG_TOKEN_RESP };
		gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
		struct der_blob mt = { 0 }, cmic = { 0 };
		uint32_t len, status;
		uint8_t *buf, *p;
		size_t plen;

		if (read_all(0, &len, 4))
			break;
		buf = talloc_size(mem, len ? len : 1);
		if (!buf || read_all(0, buf, len))
			break;
		if (spnego_parse(buf, len, &tok)) {
			fprintf(stderr, "acceptor: not SPNEGO\n");
			reply(ST_LOGON_FAIL, NULL, 0);
			break;
		}
		if (first) {
			if (tok.kind != SPNEGO_NEG_TOKEN_INIT ||
			    !tok.init.n_mechs) {
				reply(ST_LOGON_FAIL, NULL, 0);
				break;
			}
			if (oid_equal(&tok.init.mechs[0], &oid_krb5) ||
			    oid_equal(&tok.init.mechs[0], &oid_ms_krb5))
				mech = chosen = &krb5_mech;
			else if (!oid_equal(&tok.init.mechs[0], &oid_iakerb)) {
				reply(ST_LOGON_FAIL, NULL, 0);
				break;
			}
			mech_list = talloc_memdup(mem, tok.init.mech_types.data,
						  tok.init.mech_types.len);
			mech_list_len = tok.init.mech_types.len;
			mt = tok.init.mech_token;
			cmic = tok.init.mech_list_mic;
		} else {
			if (tok.kind != SPNEGO_NEG_TOKEN_RESP) {
				reply(ST_LOGON_FAIL, NULL, 0);
				break;
			}
			mt = tok.resp.response_token;
			cmic = tok.resp.mech_list_mic;
		}
		if (waiting_mic) {
			gss_buffer_desc m = { mech_list_len, mech_list };
			gss_buffer_desc t = { cmic.len, (void *)cmic.data };

			major = der_blob_present(&cmic) ?
				gss_verify_mic(&minor, ctx, &m, &t, NULL) :
				GSS_S_DEFECTIVE_TOKEN;
			if (major != GSS_S_COMPLETE) {
				gss_log("client mechListMIC", major, minor);
				reply(ST_LOGON_FAIL, NULL, 0);
				break;
			}
			rep.resp.has_neg_state = true;
			rep.resp.neg_state = SPNEGO_ACCEPT_COMPLETED;
			if (spnego_build(mem, &rep, &p, &plen))
				break;
			reply(ST_OK, p, plen);
			done = true;
			break;
		}
		if (!der_blob_present(&mt)) {
			reply(ST_LOGON_FAIL, NULL, 0);
			break;
		}
		if (steer) {
			struct iakerb_proxy ip;

			if (iakerb_proxy_parse(mt.data, mt.len, &ip) == 0 &&
			    ip.kdc_msg_type == KRB_MSG_AS_REQ) {
				uint8_t *t;
				size_t tl;

				if (steer_reply(mem, &ip.header.target_realm,
						&t, &tl))
					break;
				rep.resp.has_neg_state = true;
				rep.resp.neg_state = SPNEGO_ACCEPT_INCOMPLETE;
				if (first)
					rep.resp.supported_mech = oid_iakerb;
				first = false;
				rep.resp.response_token =
					(struct der_blob){ t, tl };
				if (spnego_build(mem, &rep, &p, &plen))
					break;
				reply(ST_MORE, p, plen);
				steer = NULL;	/* once */
				continue;
			}
		}
		if (windows && mech == &iakerb_mech && is_iakerb_ap_req(&mt)) {
			fprintf(stderr, "acceptor: wrong-dialect: MIT final "
				"(AP-REQ with the IAKerb OID) refused in "
				"windows mode\n");
			reply(ST_LOGON_FAIL, NULL, 0);
			break;
		}
		if (windows && mech == &iakerb_mech && is_krb5_ap_req(&mt)) {
			/* MIT's IAKerb context wants FINISHED: start afresh */
			if (ctx != GSS_C_NO_CONTEXT)
				gss_delete_sec_context(&minor, &ctx,
						       GSS_C_NO_BUFFER);
			mech = &krb5_mech;
			fprintf(stderr, "acceptor: krb5-framed AP-REQ: to a "
				"fresh krb5 context\n");
		}
		in.value = (void *)mt.data;
		in.length = mt.len;
		major = gss_accept_sec_context(&minor, &ctx,
					       mech == &krb5_mech ? cred_k5 :
					       cred_ia, &in,
					       GSS_C_NO_CHANNEL_BINDINGS, NULL,
					       NULL, &out, NULL, NULL, NULL);
		if (GSS_ERROR(major)) {
			gss_log("accept", major, minor);
			reply(ST_LOGON_FAIL, NULL, 0);
			break;
		}
		/* the AP-REP's last bytes are its enc-part's cipher text */
		if (bad_aprep && major == GSS_S_COMPLETE && out.length > 8)
			((uint8_t *)out.value)[out.length - 5] ^= 0x5a;
		rep.resp.has_neg_state = true;
		if (first)
			rep.resp.supported_mech = chosen == &krb5_mech ?
						  oid_krb5 : oid_iakerb;
		first = false;
		if (out.length && windows)
			windows_rewrite(mem, &out, &rep.resp.response_token);
		else if (out.length)
			rep.resp.response_token = (struct der_blob){
				out.value, out.length };
		status = ST_MORE;
		rep.resp.neg_state = SPNEGO_ACCEPT_INCOMPLETE;
		if (major == GSS_S_COMPLETE) {
			gss_buffer_desc m = { mech_list_len, mech_list };
			gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;

			if (!no_mic) {
				major = gss_get_mic(&minor, ctx, 0, &m, &mic);
				if (GSS_ERROR(major)) {
					gss_log("get_mic", major, minor);
					break;
				}
				/* a forged MIC: the client must refuse */
				if (bad_mic && mic.length)
					((uint8_t *)mic.value)[mic.length - 1] ^= 1;
				rep.resp.mech_list_mic = (struct der_blob){
					mic.value, mic.length };
			}
			if (mic_round) {
				waiting_mic = true;
			} else {
				/* Windows: accept-incomplete + MIC (vector 04) */
				rep.resp.neg_state = windows ?
					SPNEGO_ACCEPT_INCOMPLETE :
					SPNEGO_ACCEPT_COMPLETED;
				status = ST_OK;
				done = true;
			}
		}
		if (spnego_build(mem, &rep, &p, &plen))
			break;
		reply(status, p, plen);
		gss_release_buffer(&minor, &out);
		if (done)
			break;
	}
	if (done) {
		gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;

		major = gss_inquire_sec_context_by_oid(&minor, ctx,
						       GSS_C_INQ_SSPI_SESSION_KEY,
						       &set);
		if (!GSS_ERROR(major) && set && set->count)
			reply(ST_OK, set->elements[0].value,
			      set->elements[0].length);
		gss_release_buffer_set(&minor, &set);
	}
	talloc_free(mem);
	return done ? 0 : 1;
}
