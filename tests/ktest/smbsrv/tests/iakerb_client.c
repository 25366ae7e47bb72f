// SPDX-License-Identifier: GPL-2.0
/*
 * iakerb_client: a userspace IAKerb SMB client for the smbsrv tests.
 *
 * It authenticates with a password across SESSION_SETUP legs, framing
 * SPNEGO itself (the shared codec), with no KDC line of sight: the server
 * proxies every KDC exchange.  Two styles of final leg:
 *
 *   --style mit      MIT's IAKerb initiator drives everything (realm
 *                    discovery, AS with preauth, TGS, then the AP-REQ inside
 *                    the IAKerb context with FINISHED).
 *   --style windows  AS and TGS driven with krb5_init_creds_step /
 *                    krb5_tkt_creds_step and framed by hand (header-flags
 *                    all zero), then the AP-REQ from the plain krb5 mech:
 *                    krb5 OID, no FINISHED, as Windows clients send it.
 *
 * A server that answers the AP-REQ with accept-incomplete and its
 * mechListMIC (a Windows server, vector 04) gets one more leg carrying the
 * client's mechListMIC.  Test knobs: --final-oid iakerb frames the Windows
 * style's AP-REQ with the IAKerb OID (MIT's framing, but no FINISHED);
 * --empty-mic-leg sends that extra leg without a MIC; --dump DIR writes
 * the server's SPNEGO blob of leg N to DIR/leg-N.hex;
 * --smb1-negotiate wildcard opens with an SMB1 multi-protocol NEGOTIATE
 * and checks the SMB2 wildcard answer first, --smb1-negotiate nt1 offers
 * no SMB2 and wants the connection closed with no answer (then exits 0).
 *
 * Then it checks the server's mechListMIC, derives the signing key, checks
 * the signed final SESSION_SETUP response, connects to the share and
 * writes/reads a file with signed requests.
 *
 * Exit: 0 success, 1 authentication refused/failed cleanly, 2 protocol or
 * transport error, 3 more than --max-legs legs.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <ucontext.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>
#include <talloc.h>

#include "gss_token.h"
#include "smb2.h"
#include "smb2cli.h"

static struct {
	const char *addr, *host, *user, *password, *realm, *share;
	bool windows;
	int max_legs;
	int port;
	bool do_io;
	int echo_each_leg;
	bool echo_during;
	int pause_before_io;
	bool final_iakerb_oid;
	bool empty_mic_leg;
	const char *smb1;	/* --smb1-negotiate: NULL, wildcard or nt1 */
	const char *dump_dir;
} opt = { .port = 445, .max_legs = 12, .share = "share", .do_io = true };

static struct smb2cli cli;
static int legs;
static uint8_t *mech_list;
static size_t mech_list_len;
static void *mem;

#define EXIT_AUTH 1
#define EXIT_PROTO 2
#define EXIT_LEGS 3
/* a crash inside MIT krb5's own libraries (see mit_crash()) */
#define EXIT_MIT_CRASH 4

/*
 * MIT krb5 1.22.1 itself can crash on a hostile server's AS reply relayed
 * through IAKerb (smbsrv t-40 found one, inside krb5_init_creds_step: a
 * replay of it is in the README).  Say so, with a code of its own, so
 * that the test tells that upstream crash from one in our code, which
 * still dies of its signal.  Only async-signal-safe calls, but dladdr().
 */
static void mit_crash(int sig, siginfo_t *si, void *uc_v)
{
	static const char *const libs[] = {
		"libkrb5.so", "libgssapi_krb5.so", "libk5crypto.so",
		"libkrb5support.so",
	};
	ucontext_t *uc = uc_v;
	Dl_info dl;
	size_t i;

	if (dladdr((void *)uc->uc_mcontext.gregs[REG_RIP], &dl) &&
	    dl.dli_fname) {
		for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
			if (!strstr(dl.dli_fname, libs[i]))
				continue;
			dprintf(STDOUT_FILENO, "MIT-CRASH signal %d in %s%s%s\n",
				sig, libs[i], dl.dli_sname ? " near " : "",
				dl.dli_sname ? dl.dli_sname : "");
			_exit(EXIT_MIT_CRASH);
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_mit_crashes(void)
{
	struct sigaction sa = { .sa_sigaction = mit_crash,
				.sa_flags = SA_SIGINFO | SA_RESETHAND };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
}

static void __attribute__((noreturn)) die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ERROR ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	exit(code);
}

static void gss_die(int code, const char *what, OM_uint32 major,
		    OM_uint32 minor)
{
	OM_uint32 m, ctx = 0;
	gss_buffer_desc b;
	char msg[512] = "";

	if (!gss_display_status(&m, minor ? minor : major,
				minor ? GSS_C_MECH_CODE : GSS_C_GSS_CODE,
				GSS_C_NO_OID, &ctx, &b)) {
		snprintf(msg, sizeof(msg), "%.*s", (int)b.length,
			 (char *)b.value);
		gss_release_buffer(&m, &b);
	}
	die(code, "%s: major=0x%x minor=0x%x %s", what, major, minor, msg);
}

/* --dump: the server's blob of this leg as one hex line. */
static void dump_blob(const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/leg-%d.hex", opt.dump_dir, legs);
	f = fopen(path, "w");
	if (!f)
		die(EXIT_PROTO, "cannot write %s: %s", path, strerror(errno));
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	fprintf(f, "\n");
	fclose(f);
}

/* One leg: send a SPNEGO blob, get the server's SPNEGO reply. */
static void leg(const uint8_t *tok, size_t len, struct spnego_token *resp,
		bool *done)
{
	const uint8_t *out;
	size_t olen;

	if (++legs > opt.max_legs)
		die(EXIT_LEGS, "more than %d legs", opt.max_legs);
	if (smb2cli_sess_leg(&cli, tok, len, &out, &olen))
		die(EXIT_PROTO, "leg %d: transport error", legs);
	/* msg: the whole SMB2 response, which may hold more than in= */
	printf("LEG %d out=%zu in=%zu msg=%zu status=0x%08x\n", legs, len,
	       olen, cli.rsp_len, cli.status);
	fflush(stdout);
	if (opt.dump_dir)
		dump_blob(out, olen);
	if (opt.echo_each_leg && smb2cli_echo(&cli))
		die(EXIT_PROTO, "echo after leg %d failed", legs);
	if (cli.status != STATUS_SUCCESS &&
	    cli.status != STATUS_MORE_PROCESSING_REQUIRED)
		die(EXIT_AUTH, "leg %d: server says 0x%08x", legs, cli.status);
	*done = cli.status == STATUS_SUCCESS;
	if (!olen) {
		if (!*done)
			die(EXIT_PROTO, "leg %d: no token", legs);
		memset(resp, 0, sizeof(*resp));
		return;
	}
	if (spnego_parse(out, olen, resp) ||
	    resp->kind != SPNEGO_NEG_TOKEN_RESP)
		die(EXIT_PROTO, "leg %d: bad negTokenResp (%zu bytes)", legs,
		    olen);
	if (resp->resp.has_neg_state &&
	    resp->resp.neg_state == SPNEGO_REJECT)
		die(EXIT_AUTH, "leg %d: server rejects", legs);
}

static void send_init(const uint8_t *mtok, size_t mlen,
		      struct spnego_token *resp, bool *done)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_INIT,
				  .gss_framed = true };
	uint8_t *p;
	size_t plen;

	t.init.n_mechs = 1;
	t.init.mechs[0] = oid_iakerb;
	t.init.mech_token = (struct der_blob){ mtok, mlen };
	if (spnego_build(mem, &t, &p, &plen) ||
	    spnego_mech_list_build(mem, t.init.mechs, 1, &mech_list,
				   &mech_list_len))
		die(EXIT_PROTO, "cannot build negTokenInit");
	leg(p, plen, resp, done);
}

static void send_resp(const uint8_t *mtok, size_t mlen,
		      struct spnego_token *resp, bool *done)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_RESP };
	uint8_t *p;
	size_t plen;

	t.resp.has_neg_state = true;
	t.resp.neg_state = SPNEGO_ACCEPT_INCOMPLETE;
	t.resp.response_token = (struct der_blob){ mtok, mlen };
	if (spnego_build(mem, &t, &p, &plen))
		die(EXIT_PROTO, "cannot build negTokenResp");
	leg(p, plen, resp, done);
}

static void check_server_mic(gss_ctx_id_t ctx, struct spnego_token *resp)
{
	gss_buffer_desc msg = { mech_list_len, mech_list }, tok;
	OM_uint32 major, minor;

	if (!der_blob_present(&resp->resp.mech_list_mic)) {
		printf("MIC none\n");
		return;
	}
	tok.length = resp->resp.mech_list_mic.len;
	tok.value = (void *)resp->resp.mech_list_mic.data;
	major = gss_verify_mic(&minor, ctx, &msg, &tok, NULL);
	if (GSS_ERROR(major))
		gss_die(EXIT_AUTH, "server mechListMIC", major, minor);
	/* RFC 4121 MIC token: SND_SEQ at 8..15 (Windows sends 0) */
	if (tok.length > 16 && !memcmp(tok.value, "\x04\x04", 2)) {
		const uint8_t *t = tok.value;
		uint64_t seq = 0;
		int i;

		for (i = 8; i < 16; i++)
			seq = (seq << 8) | t[i];
		printf("MIC ok snd_seq=%llu major=0x%x\n",
		       (unsigned long long)seq, major);
	} else {
		printf("MIC ok\n");
	}
}

/*
 * The server sent accept-incomplete with its AP-REP and mechListMIC (a
 * Windows server, vector 04): it wants our MIC before it completes.
 */
static void mic_leg(gss_ctx_id_t ctx, struct spnego_token *resp, bool *done)
{
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_RESP };
	gss_buffer_desc msg = { mech_list_len, mech_list }, mic = { 0, NULL };
	OM_uint32 major, minor;
	uint8_t *p;
	size_t plen;

	if (!der_blob_present(&resp->resp.mech_list_mic))
		die(EXIT_PROTO, "client finished, server did not");
	printf("MIC leg\n");
	if (!opt.empty_mic_leg) {
		major = gss_get_mic(&minor, ctx, GSS_C_QOP_DEFAULT, &msg, &mic);
		if (GSS_ERROR(major))
			gss_die(EXIT_PROTO, "get_mic", major, minor);
		t.resp.mech_list_mic = (struct der_blob){ mic.value,
							  mic.length };
	}
	if (spnego_build(mem, &t, &p, &plen))
		die(EXIT_PROTO, "cannot build negTokenResp");
	gss_release_buffer(&minor, &mic);
	leg(p, plen, resp, done);
	if (!*done)
		die(EXIT_PROTO, "server wants more after our MIC");
	if (!resp->resp.has_neg_state ||
	    resp->resp.neg_state != SPNEGO_ACCEPT_COMPLETED)
		die(EXIT_PROTO, "final reply is not accept-completed");
}

static void finish(gss_ctx_id_t ctx)
{
	gss_buffer_set_t keys = GSS_C_NO_BUFFER_SET;
	OM_uint32 major, minor;
	char unc[300], data[4096], back[4096];
	int rc, i;

	major = gss_inquire_sec_context_by_oid(&minor, ctx,
					       GSS_C_INQ_SSPI_SESSION_KEY,
					       &keys);
	if (GSS_ERROR(major) || !keys || !keys->count)
		gss_die(EXIT_PROTO, "session key", major, minor);
	rc = smb2cli_sess_finish(&cli, keys->elements[0].value,
				 keys->elements[0].length);
	gss_release_buffer_set(&minor, &keys);
	if (rc)
		die(EXIT_PROTO, "final SESSION_SETUP response %s",
		    rc == -2 ? "not signed" : "has a bad signature");
	printf("SIGNED ok\n");
	if (!opt.do_io)
		return;
	if (opt.pause_before_io) {
		fflush(stdout);
		sleep((unsigned int)opt.pause_before_io);
	}
	snprintf(unc, sizeof(unc), "\\\\%s\\%s", opt.host, opt.share);
	if (smb2cli_tree_connect(&cli, unc))
		die(EXIT_PROTO, "tree connect: status=0x%08x", cli.status);
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (char)(i * 7 + legs);
	if (smb2cli_write_read(&cli, "iakerb-test.bin", data, sizeof(data),
			       back) || memcmp(data, back, sizeof(data)))
		die(EXIT_PROTO, "file write/read: status=0x%08x", cli.status);
	printf("IO ok\n");
	smb2cli_logoff(&cli);
}

/* The mechs the server advertised in its NEGOTIATE response. */
static void print_hints(void)
{
	struct spnego_token t;
	size_t i;

	if (spnego_parse(cli.neg_blob, cli.neg_blob_len, &t) ||
	    t.kind != SPNEGO_NEG_TOKEN_INIT)
		die(EXIT_PROTO, "bad NEGOTIATE hints");
	printf("HINTS");
	for (i = 0; i < t.init.n_mechs; i++)
		printf("%s%s", i ? "," : " ", oid_name(&t.init.mechs[i]) ?
		       oid_name(&t.init.mechs[i]) : "?");
	printf("\n");
}

static gss_name_t target_name(bool krb5_name, const char *realm)
{
	gss_buffer_desc nb;
	gss_name_t name;
	OM_uint32 major, minor;
	char buf[512];

	if (krb5_name)
		snprintf(buf, sizeof(buf), "cifs/%s@%s", opt.host, realm);
	else
		snprintf(buf, sizeof(buf), "cifs@%s", opt.host);
	nb.value = buf;
	nb.length = strlen(buf);
	major = gss_import_name(&minor, &nb, krb5_name ?
				(gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME :
				GSS_C_NT_HOSTBASED_SERVICE, &name);
	if (GSS_ERROR(major))
		gss_die(EXIT_PROTO, "import target name", major, minor);
	return name;
}

/* MIT style: the IAKerb mech does it all. */
static void run_mit(void)
{
	gss_OID_desc mech = *gss_mech_iakerb;
	gss_OID_set_desc set = { 1, &mech };
	gss_buffer_desc nb = { strlen(opt.user), (void *)opt.user };
	gss_buffer_desc pw = { strlen(opt.password), (void *)opt.password };
	gss_buffer_desc in = { 0, NULL }, out = { 0, NULL };
	gss_cred_id_t cred;
	gss_name_t user, target = target_name(false, NULL);
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	struct spnego_token resp;
	OM_uint32 major, minor;
	bool done = false, first = true;

	major = gss_import_name(&minor, &nb, GSS_C_NT_USER_NAME, &user);
	if (GSS_ERROR(major))
		gss_die(EXIT_PROTO, "import user", major, minor);
	major = gss_acquire_cred_with_password(&minor, user, &pw,
					       GSS_C_INDEFINITE, &set,
					       GSS_C_INITIATE, &cred, NULL,
					       NULL);
	if (GSS_ERROR(major))
		gss_die(EXIT_AUTH, "acquire_cred_with_password", major, minor);
	for (;;) {
		major = gss_init_sec_context(&minor, cred, &ctx, target,
					     &mech, GSS_C_MUTUAL_FLAG |
					     GSS_C_INTEG_FLAG, 0,
					     GSS_C_NO_CHANNEL_BINDINGS, &in,
					     NULL, &out, NULL, NULL);
		if (GSS_ERROR(major))
			gss_die(EXIT_AUTH, "init_sec_context", major, minor);
		if (!(major & GSS_S_CONTINUE_NEEDED)) {
			gss_release_buffer(&minor, &out);
			break;
		}
		if (done)
			die(EXIT_PROTO, "server finished, client did not");
		if (first)
			send_init(out.value, out.length, &resp, &done);
		else
			send_resp(out.value, out.length, &resp, &done);
		first = false;
		gss_release_buffer(&minor, &out);
		in.value = (void *)resp.resp.response_token.data;
		in.length = resp.resp.response_token.len;
	}
	check_server_mic(ctx, &resp);
	if (!done)
		mic_leg(ctx, &resp, &done);
	finish(ctx);
}

/* --- Windows style: proxy legs by hand, final AP-REQ from krb5 mech --- */

static uint8_t cookie_buf[1024];
static struct der_blob cookie;

/* Send a KDC request in an IAKerb token, return the KDC reply. */
static void proxy(const krb5_data *req, const krb5_data *realm, bool *first,
		  krb5_data *reply, char *reply_realm, size_t rrlen)
{
	struct iakerb_proxy ip = { 0 }, rp;
	struct spnego_token resp;
	uint8_t flags[IAKERB_HEADER_FLAGS_LEN];
	uint8_t *tok;
	size_t tlen;
	bool done;

	ip.header.target_realm = (struct der_blob){
		(const uint8_t *)realm->data, realm->length };
	ip.header.header_flags = iakerb_header_flags_encode(flags, 0);
	if (cookie.data)
		ip.header.cookie = cookie;
	ip.kdc_msg = (struct der_blob){ (const uint8_t *)req->data,
					req->length };
	if (iakerb_proxy_build(mem, &ip, &tok, &tlen))
		die(EXIT_PROTO, "cannot build IAKerb token");
	if (*first)
		send_init(tok, tlen, &resp, &done);
	else
		send_resp(tok, tlen, &resp, &done);
	*first = false;
	if (done)
		die(EXIT_PROTO, "server finished during a proxy leg");
	if (iakerb_proxy_parse(resp.resp.response_token.data,
			       resp.resp.response_token.len, &rp))
		die(EXIT_PROTO, "bad IAKerb reply");
	printf("PROXY realm=%.*s flags=%s msg=%s\n",
	       (int)rp.header.target_realm.len,
	       (const char *)rp.header.target_realm.data,
	       der_blob_present(&rp.header.header_flags) ? "yes" : "no",
	       krb_msg_type_name(rp.kdc_msg_type));
	if (der_blob_present(&rp.header.cookie) &&
	    rp.header.cookie.len <= sizeof(cookie_buf)) {
		memcpy(cookie_buf, rp.header.cookie.data, rp.header.cookie.len);
		cookie = (struct der_blob){ cookie_buf, rp.header.cookie.len };
	}
	if (reply_realm)
		snprintf(reply_realm, rrlen, "%.*s",
			 (int)rp.header.target_realm.len,
			 (const char *)rp.header.target_realm.data);
	reply->data = talloc_memdup(mem, rp.kdc_msg.data, rp.kdc_msg.len);
	reply->length = (unsigned int)rp.kdc_msg.len;
}

/* --final-oid iakerb: the krb5 mech's AP-REQ framed with the IAKerb OID. */
static void reframe_iakerb(gss_buffer_desc *tok)
{
	struct gtok_krb5 k;
	uint8_t *p;
	size_t plen;
	OM_uint32 minor;

	if (gtok_krb5_parse(tok->value, tok->length, &k) ||
	    k.tok_id != GTOK_KRB5_AP_REQ)
		return;
	k.mech = oid_iakerb;
	if (gtok_krb5_build(mem, &k, &p, &plen))
		die(EXIT_PROTO, "cannot reframe the AP-REQ");
	gss_release_buffer(&minor, tok);
	tok->value = malloc(plen);
	if (!tok->value)
		die(EXIT_PROTO, "out of memory");
	memcpy(tok->value, p, plen);
	tok->length = plen;
}

static void kdie(krb5_context kc, const char *what, krb5_error_code rc)
{
	const char *m = krb5_get_error_message(kc, rc);

	die(EXIT_AUTH, "%s: %s", what, m);
}

static void run_windows(void)
{
	krb5_context kc;
	krb5_principal client, server;
	krb5_init_creds_context icc;
	krb5_tkt_creds_context tcc;
	krb5_get_init_creds_opt *gopt;
	krb5_creds creds, in_creds, *out_creds;
	krb5_ccache cc;
	krb5_data reply = { 0 }, req = { 0 }, rrealm = { 0 };
	krb5_error_code rc;
	unsigned int flags = 0;
	char realm[256] = "", uname[512];
	bool first = true, done = false;
	gss_cred_id_t gcred;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_OID_desc mech = *gss_mech_krb5;
	gss_buffer_desc in = { 0, NULL }, out = { 0, NULL };
	gss_name_t target;
	struct spnego_token resp;
	OM_uint32 major, minor;

	if (krb5_init_context(&kc))
		die(EXIT_PROTO, "krb5_init_context");
	if (opt.realm) {
		snprintf(realm, sizeof(realm), "%s", opt.realm);
	} else {
		/* realm discovery: empty realm, no message */
		krb5_data none = { 0 }, empty = { 0 };

		proxy(&none, &empty, &first, &reply, realm, sizeof(realm));
		if (!realm[0] || !strcmp(realm, "."))
			die(EXIT_PROTO, "realm discovery gave '%s'", realm);
	}
	printf("REALM %s\n", realm);
	snprintf(uname, sizeof(uname), "%.*s@%s",
		 (int)strcspn(opt.user, "@"), opt.user, realm);
	if ((rc = krb5_parse_name(kc, uname, &client)))
		kdie(kc, "parse user", rc);
	if ((rc = krb5_get_init_creds_opt_alloc(kc, &gopt)))
		kdie(kc, "opt", rc);
	if ((rc = krb5_init_creds_init(kc, client, NULL, NULL, 0, gopt, &icc)))
		kdie(kc, "init_creds_init", rc);
	if ((rc = krb5_init_creds_set_password(kc, icc, opt.password)))
		kdie(kc, "set_password", rc);
	reply = (krb5_data){ 0 };
	for (;;) {
		rc = krb5_init_creds_step(kc, icc, &reply, &req, &rrealm,
					  &flags);
		if (rc)
			kdie(kc, "AS exchange", rc);
		if (!(flags & KRB5_INIT_CREDS_STEP_FLAG_CONTINUE))
			break;
		proxy(&req, &rrealm, &first, &reply, NULL, 0);
		krb5_free_data_contents(kc, &req);
		krb5_free_data_contents(kc, &rrealm);
	}
	if ((rc = krb5_init_creds_get_creds(kc, icc, &creds)))
		kdie(kc, "get_creds", rc);
	if ((rc = krb5_cc_new_unique(kc, "MEMORY", NULL, &cc)) ||
	    (rc = krb5_cc_initialize(kc, cc, client)) ||
	    (rc = krb5_cc_store_cred(kc, cc, &creds)))
		kdie(kc, "ccache", rc);
	/* TGS */
	snprintf(uname, sizeof(uname), "cifs/%s@%s", opt.host, realm);
	if ((rc = krb5_parse_name(kc, uname, &server)))
		kdie(kc, "parse server", rc);
	memset(&in_creds, 0, sizeof(in_creds));
	in_creds.client = client;
	in_creds.server = server;
	if ((rc = krb5_tkt_creds_init(kc, cc, &in_creds, 0, &tcc)))
		kdie(kc, "tkt_creds_init", rc);
	reply = (krb5_data){ 0 };
	for (;;) {
		rc = krb5_tkt_creds_step(kc, tcc, &reply, &req, &rrealm,
					 &flags);
		if (rc)
			kdie(kc, "TGS exchange", rc);
		if (!(flags & KRB5_TKT_CREDS_STEP_FLAG_CONTINUE))
			break;
		proxy(&req, &rrealm, &first, &reply, NULL, 0);
		krb5_free_data_contents(kc, &req);
		krb5_free_data_contents(kc, &rrealm);
	}
	if ((rc = krb5_tkt_creds_get_creds(kc, tcc, &in_creds)))
		kdie(kc, "tkt_creds_get_creds", rc);
	out_creds = &in_creds;
	if ((rc = krb5_cc_store_cred(kc, cc, out_creds)))
		kdie(kc, "store service ticket", rc);
	/* AP-REQ from the plain krb5 mech: krb5 OID, no FINISHED */
	major = gss_krb5_import_cred(&minor, cc, NULL, NULL, &gcred);
	if (GSS_ERROR(major))
		gss_die(EXIT_PROTO, "import_cred", major, minor);
	target = target_name(true, realm);
	for (;;) {
		major = gss_init_sec_context(&minor, gcred, &ctx, target, &mech,
					     GSS_C_MUTUAL_FLAG |
					     GSS_C_INTEG_FLAG, 0,
					     GSS_C_NO_CHANNEL_BINDINGS, &in,
					     NULL, &out, NULL, NULL);
		if (GSS_ERROR(major))
			gss_die(EXIT_AUTH, "init_sec_context(krb5)", major,
				minor);
		if (!(major & GSS_S_CONTINUE_NEEDED)) {
			gss_release_buffer(&minor, &out);
			break;
		}
		if (done)
			die(EXIT_PROTO, "server finished, client did not");
		if (opt.final_iakerb_oid)
			reframe_iakerb(&out);
		send_resp(out.value, out.length, &resp, &done);
		gss_release_buffer(&minor, &out);
		in.value = (void *)resp.resp.response_token.data;
		in.length = resp.resp.response_token.len;
	}
	check_server_mic(ctx, &resp);
	if (!done)
		mic_leg(ctx, &resp, &done);
	finish(ctx);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'P' },
		{ "host", required_argument, NULL, 'h' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "realm", required_argument, NULL, 'r' },
		{ "share", required_argument, NULL, 'S' },
		{ "style", required_argument, NULL, 'y' },
		{ "max-legs", required_argument, NULL, 'm' },
		{ "no-io", no_argument, NULL, 'n' },
		{ "echo-each-leg", no_argument, NULL, 'e' },
		{ "echo-during-legs", no_argument, NULL, 'E' },
		{ "pause-before-io", required_argument, NULL, 'w' },
		{ "final-oid", required_argument, NULL, 'F' },
		{ "empty-mic-leg", no_argument, NULL, 'M' },
		{ "dump", required_argument, NULL, 'D' },
		{ "smb1-negotiate", required_argument, NULL, '1' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 's': opt.addr = optarg; break;
		case 'P': opt.port = atoi(optarg); break;
		case 'h': opt.host = optarg; break;
		case 'u': opt.user = optarg; break;
		case 'p': opt.password = optarg; break;
		case 'r': opt.realm = optarg; break;
		case 'S': opt.share = optarg; break;
		case 'y': opt.windows = !strcmp(optarg, "windows"); break;
		case 'm': opt.max_legs = atoi(optarg); break;
		case 'n': opt.do_io = false; break;
		case 'e': opt.echo_each_leg = 1; break;
		case 'E': opt.echo_during = true; break;
		case 'w': opt.pause_before_io = atoi(optarg); break;
		case 'F': opt.final_iakerb_oid = !strcmp(optarg, "iakerb"); break;
		case 'M': opt.empty_mic_leg = true; break;
		case 'D': opt.dump_dir = optarg; break;
		case '1': opt.smb1 = optarg; break;
		default:
			fprintf(stderr, "usage: iakerb_client --server ADDR "
				"--host NAME --user U --password PW [--realm R]"
				" [--style mit|windows] [--max-legs N] "
				"[--no-io] [--echo-each-leg] [--final-oid "
				"krb5|iakerb] [--empty-mic-leg] [--dump DIR] "
				"[--smb1-negotiate wildcard|nt1]\n");
			return EXIT_PROTO;
		}
	}
	if (!opt.addr || !opt.host || !opt.user || !opt.password)
		die(EXIT_PROTO, "missing options (see --help)");
	mem = talloc_new(NULL);
	catch_mit_crashes();
	if (smb2cli_connect(&cli, opt.addr, opt.port, 60))
		die(EXIT_PROTO, "connect: %s", strerror(errno));
	if (opt.smb1) {
		bool wild = strcmp(opt.smb1, "nt1") != 0;
		const char *why;

		if (smb2cli_negotiate_smb1(&cli, wild, &why))
			die(EXIT_PROTO, "SMB1 negotiate (%s): %s", opt.smb1,
			    why);
		printf("SMB1 NEGOTIATE %s\n", wild ?
		       "answered with SMB2 wildcard 0x02ff" :
		       "(no SMB2 offered) closed with no answer");
		if (!wild) {
			smb2cli_close(&cli);
			return 0;
		}
	}
	if (smb2cli_negotiate(&cli))
		die(EXIT_PROTO, "negotiate failed");
	print_hints();
	cli.echo_during = opt.echo_during;
	if (opt.windows)
		run_windows();
	else
		run_mit();
	if (opt.echo_during)
		printf("ECHO overtook %d of %d legs\n", cli.echo_overtook,
		       legs);
	printf("OK legs=%d\n", legs);
	smb2cli_close(&cli);
	talloc_free(mem);
	return 0;
}
