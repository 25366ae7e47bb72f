// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the KDC legs' state machine (krb5_proxy.c) with MIT's
 * real krb5_init_creds_step and krb5_tkt_creds_step, the server's
 * replies taken from the input.  A krb5.conf in a temporary directory
 * names the realm and turns DNS off; the step functions never reach the
 * network (the replies are the input), so nothing leaves this process.
 *
 * Input: one byte choosing the start, then up to MAX_LEGS server tokens,
 * each u16 length (little endian) + bytes; a length past the end takes
 * the rest.
 *   mode & 3 == 0: password, "Administrator@WIN25H2INS" (AS, then TGS)
 *   mode & 3 == 1: password, "Administrator" (realm discovery first)
 *   mode & 3 == 2: a TGT for alice@EXAMPLE.TEST in a MEMORY cache (TGS)
 *   mode & 3 == 3: the same TGT, a service in OTHER.TEST (cross-realm)
 *   mode & 4:      Windows' framing (header-flags in our requests)
 *
 * Oracle: a start always succeeds; a step either fails (< 0, an outcome
 * recorded, no token) or gives the next request framed as an IAKerb
 * proxy token of the kind the state expects, for the realm MIT named,
 * with the server's cookie echoed and our flags as the mode says, or ends
 * with the service ticket in the cache.  A token after the end is an
 * error.  ASan/UBSan/LSan watch the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "krb5_proxy.h"

#define MAX_LEGS	6
#define PASSWORD	"Password123!"
#define TGT_CLIENT	"alice@EXAMPLE.TEST"
#define TGT_SERVER	"krbtgt/EXAMPLE.TEST@EXAMPLE.TEST"

static char confdir[] = "/tmp/fuzz_kproxy.XXXXXX";
/* FUZZ_KPROXY_VERBOSE=1: each leg's outcome on stderr (seed debugging) */
static bool verbose;

/*
 * MIT's libraries are not instrumented, so libFuzzer sees no coverage in
 * them: give it one feature per (leg, state, result) instead, the result
 * being MIT's message up to its first detail (the server's e-text after
 * a second ':' would make every text a feature).
 */
static uint8_t mit_features[4096]
	__attribute__((used, section("__libfuzzer_extra_counters")));

static void feature(int leg, int state, int ret, const char *why)
{
	uint32_t h = 2166136261u;
	int colons = 0;

	h = (h ^ (uint32_t)leg) * 16777619u;
	h = (h ^ (uint32_t)state) * 16777619u;
	h = (h ^ (uint32_t)ret) * 16777619u;
	for (; *why && colons < 2; why++) {
		colons += *why == ':';
		h = (h ^ (uint8_t)*why) * 16777619u;
	}
	mit_features[h % sizeof(mit_features)] = 1;
}

static void require(bool cond)
{
	if (!cond)
		abort();
}

static void write_file(const char *name, const char *text)
{
	char path[sizeof(confdir) + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", confdir, name);
	f = fopen(path, "w");
	require(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

static void remove_confdir(void)
{
	char path[sizeof(confdir) + 32];

	snprintf(path, sizeof(path), "%s/krb5.conf", confdir);
	unlink(path);
	rmdir(confdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[sizeof(confdir) + 32];

	(void)argc;
	(void)argv;
	require(mkdtemp(confdir) != NULL);
	/* no KDC lines: the step API asks for none, and nothing may look */
	write_file("krb5.conf",
		   "[libdefaults]\n"
		   "\tdefault_realm = EXAMPLE.TEST\n"
		   "\tdns_lookup_kdc = false\n"
		   "\tdns_lookup_realm = false\n"
		   "\tdns_canonicalize_hostname = false\n"
		   "\trdns = false\n"
		   "[realms]\n"
		   "\tEXAMPLE.TEST = {\n\t}\n"
		   "\tWIN25H2INS = {\n\t}\n");
	atexit(remove_confdir);
	snprintf(path, sizeof(path), "%s/krb5.conf", confdir);
	setenv("KRB5_CONFIG", path, 1);
	setenv("KRB5CCNAME", "MEMORY:fuzz_kproxy_unused", 1);
	unsetenv("KRB5_TRACE");
	verbose = getenv("FUZZ_KPROXY_VERBOSE") != NULL;
	return 0;
}

/* [num] EXPLICIT INTEGER v */
static void put_int_field(struct der_writer *w, int num, uint32_t v)
{
	size_t m = der_mark(w);

	der_put_uint32(w, DER_TAG_INTEGER, v);
	der_wrap(w, DER_CONTEXT(num), m);
}

/*
 * A Ticket for krbtgt/EXAMPLE.TEST whose enc-part nobody can open: MIT
 * only has to put it in the TGS-REQ's AP-REQ (fields written in reverse)
 */
static void ticket_write(struct der_writer *w, const void *arg)
{
	static const uint8_t cipher[32] = { 0x42 };
	const struct der_blob c = DER_BLOB_ARRAY(cipher);
	const struct der_blob krbtgt = { (const uint8_t *)"krbtgt", 6 };
	const struct der_blob realm = { (const uint8_t *)"EXAMPLE.TEST", 12 };
	size_t tkt = der_mark(w), seq, f, inner, names;

	(void)arg;
	seq = der_mark(w);
	/* enc-part [3] EncryptedData { etype 18, kvno 1, cipher } */
	f = der_mark(w);
	inner = der_mark(w);
	der_put_field(w, 2, DER_TAG_OCTET_STRING, &c);
	put_int_field(w, 1, 1);
	put_int_field(w, 0, ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	der_wrap(w, DER_TAG_SEQUENCE, inner);
	der_wrap(w, DER_CONTEXT(3), f);
	/* sname [2] PrincipalName { NT-SRV-INST, { krbtgt, EXAMPLE.TEST } } */
	f = der_mark(w);
	inner = der_mark(w);
	names = der_mark(w);
	der_put_tlv(w, DER_TAG_GENERAL_STRING, &realm);
	der_put_tlv(w, DER_TAG_GENERAL_STRING, &krbtgt);
	der_wrap(w, DER_TAG_SEQUENCE, names);
	der_wrap(w, DER_CONTEXT(1), names);
	put_int_field(w, 0, KRB5_NT_SRV_INST);
	der_wrap(w, DER_TAG_SEQUENCE, inner);
	der_wrap(w, DER_CONTEXT(2), f);
	der_put_field(w, 1, DER_TAG_GENERAL_STRING, &realm);
	put_int_field(w, 0, 5);
	der_wrap(w, DER_TAG_SEQUENCE, seq);
	der_wrap(w, DER_APPLICATION(1), tkt);
}

/* A MEMORY cache holding a TGT valid for an hour from now */
static krb5_ccache tgt_cache(TALLOC_CTX *mem, krb5_context k)
{
	static uint8_t key[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	krb5_creds c = { 0 };
	krb5_ccache cc;
	uint8_t *tkt;
	size_t tkt_len;

	require(der_build(mem, ticket_write, NULL, &tkt, &tkt_len) == 0);
	require(krb5_parse_name(k, TGT_CLIENT, &c.client) == 0);
	require(krb5_parse_name(k, TGT_SERVER, &c.server) == 0);
	c.keyblock.magic = KV5M_KEYBLOCK;
	c.keyblock.enctype = ENCTYPE_AES256_CTS_HMAC_SHA1_96;
	c.keyblock.length = sizeof(key);
	c.keyblock.contents = key;
	c.times.authtime = c.times.starttime = (krb5_timestamp)time(NULL);
	c.times.endtime = c.times.starttime + 3600;
	c.ticket_flags = TKT_FLG_INITIAL | TKT_FLG_FORWARDABLE;
	c.ticket.magic = KV5M_DATA;
	c.ticket.data = (char *)tkt;
	c.ticket.length = (unsigned int)tkt_len;
	require(krb5_cc_new_unique(k, "MEMORY", NULL, &cc) == 0);
	require(krb5_cc_initialize(k, cc, c.client) == 0);
	require(krb5_cc_store_cred(k, cc, &c) == 0);
	krb5_free_principal(k, c.client);
	krb5_free_principal(k, c.server);
	return cc;
}

static int start(struct kproxy *kp, TALLOC_CTX *mem, krb5_context k,
		 unsigned int mode, krb5_ccache cc, uint8_t **tok,
		 size_t *tok_len, struct result *res)
{
	bool win = mode & 4;
	char *name = NULL;
	int ret;

	switch (mode & 3) {
	case 0:
	case 1:
		return kproxy_start_password(kp, mem, k, (mode & 3) ?
					     "Administrator" :
					     "Administrator@WIN25H2INS",
					     PASSWORD, strlen(PASSWORD),
					     "win25h2ins", win, tok, tok_len,
					     res);
	default:
		require(krb5_cc_get_full_name(k, cc, &name) == 0);
		ret = kproxy_start_tgt(kp, mem, k, name, "srv.test",
				       (mode & 3) == 3 ? "OTHER.TEST" : NULL,
				       win, tok, tok_len, res);
		krb5_free_string(k, name);
		return ret;
	}
}

/* The request we are about to send is what the state says it is */
static void check_request(const struct kproxy *kp, unsigned int mode,
			  const uint8_t *tok, size_t tok_len)
{
	struct iakerb_proxy p;
	uint32_t flags;

	require(tok != NULL && tok_len > 0);
	require(iakerb_proxy_parse(tok, tok_len, &p) == 0);
	require((iakerb_header_flags_value(&p.header, &flags) == 0) ==
		!!(mode & 4));
	require(!(mode & 4) || flags == 0);
	require(der_blob_present(&p.header.cookie) == (kp->cookie != NULL));
	require(!kp->cookie || (p.header.cookie.len == kp->cookie_len &&
				!memcmp(p.header.cookie.data, kp->cookie,
					kp->cookie_len)));
	switch (kp->state) {
	case KPROXY_DISCOVERY:
		require(p.kdc_msg_type == KRB_MSG_NONE);
		require(p.header.target_realm.len == 0);
		break;
	case KPROXY_AS:
	case KPROXY_TGS:
		require(p.kdc_msg_type == (kp->state == KPROXY_AS ?
					   KRB_MSG_AS_REQ : KRB_MSG_TGS_REQ));
		require(kp->sent_type == p.kdc_msg_type);
		require(kp->realm && p.header.target_realm.len > 0 &&
			p.header.target_realm.len == strlen(kp->realm) &&
			!memcmp(p.header.target_realm.data, kp->realm,
				strlen(kp->realm)));
		break;
	default:
		abort();
	}
}

/* The end: the service ticket MIT stored, under the name we asked for */
static void check_done(const struct kproxy *kp, krb5_context k)
{
	krb5_creds want = { 0 }, got = { 0 };

	want.client = kp->client;
	want.server = kp->server;
	require(kp->out_cc != NULL);
	require(krb5_cc_retrieve_cred(k, kp->out_cc, 0, &want, &got) == 0);
	krb5_free_cred_contents(k, &got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result res = { .outcome = OUT_OK };
	TALLOC_CTX *mem;
	krb5_context k;
	krb5_ccache cc = NULL;
	struct kproxy *kp;
	unsigned int mode;
	uint8_t *tok;
	size_t tok_len, pos = 1;
	int leg, ret;

	if (size < 1)
		return 0;
	mode = data[0];
	/* a fresh context each run: nothing one input did leaks into another */
	require(krb5_init_context(&k) == 0);
	mem = talloc_new(NULL);
	require(mem != NULL);
	if ((mode & 3) >= 2)
		cc = tgt_cache(mem, k);
	kp = talloc_zero(mem, struct kproxy);
	require(kp != NULL);
	require(start(kp, mem, k, mode, cc, &tok, &tok_len, &res) == 0);
	require(res.outcome == OUT_OK);
	if (kp->state != KPROXY_DONE)
		check_request(kp, mode, tok, tok_len);

	for (leg = 0; leg < MAX_LEGS && pos < size; leg++) {
		size_t n = size - pos;
		bool done = kp->state == KPROXY_DONE;

		if (n >= 2) {
			size_t want = (size_t)data[pos] |
				      ((size_t)data[pos + 1] << 8);

			pos += 2;
			n = size - pos;
			if (want < n)
				n = want;
		} else {
			pos = size;
			n = 0;
		}
		/* an exact copy, so that ASan sees a read past the reply */
		{
			uint8_t *srv = talloc_size(mem, n ? n : 1);

			require(srv != NULL);
			memcpy(srv, data + pos, n);
			ret = kproxy_step(kp, mem, srv, n, &tok, &tok_len,
					  &res);
			talloc_free(srv);
		}
		pos += n;
		feature(leg | (int)(mode & 7) << 4, kp->state, ret,
			ret ? res.why : kp->sent);
		if (verbose)
			fprintf(stderr, "leg %d (%zu bytes): %d, state %d, %s\n",
				leg, n, ret, kp->state,
				ret ? res.why : kp->sent);
		if (ret) {
			require(ret < 0 && res.outcome != OUT_OK);
			require(tok == NULL && tok_len == 0);
			/* the helper ends the exchange on an error */
			break;
		}
		require(!done);
		require(res.outcome == OUT_OK);
		if (kp->state == KPROXY_DONE) {
			require(tok == NULL);
			check_done(kp, k);
		} else {
			check_request(kp, mode, tok, tok_len);
		}
	}
	talloc_free(mem);	/* the proxy first: it uses the context */
	if (cc)
		krb5_cc_destroy(k, cc);
	krb5_free_context(k);
	return 0;
}
