// SPDX-License-Identifier: GPL-2.0
/*
 * Windows' IAKerb dialect: our framing of the KDC legs (krb5_proxy.c)
 * against the Windows vectors, the dialect markers of the server's
 * replies, realm discovery, cookies, lengths, and --dialect.  MIT's
 * krb5_init_creds_step runs for real (it needs no network to make an
 * AS-REQ or to answer a PREAUTH_REQUIRED error); no KDC is involved.
 *
 * Usage: test_windows VECTORS_DIR (tests/vectors/windows-iakerb)
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* before cmocka, whose fail() macro would eat upcall.h's fail() */
#include "krb5_proxy.h"
#include "dialect_cc.h"
#include "realm_cc.h"
#include "test_util.h"

struct fx {
	TALLOC_CTX *mem;
	krb5_context k;
	struct result res;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = talloc_new(NULL);
	assert_int_equal(krb5_init_context(&f->k), 0);
	f->res.outcome = OUT_OK;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	talloc_free(f->mem);	/* the proxies first: they use the context */
	krb5_free_context(f->k);
	free(f);
	return 0;
}

/* The mechanism token inside one of the vectors' SPNEGO blobs */
static struct der_blob vec_token(enum vector_id id)
{
	struct spnego_token t;

	assert_int_equal(spnego_parse(vectors[id].data, vectors[id].len, &t),
			 0);
	return t.kind == SPNEGO_NEG_TOKEN_INIT ? t.init.mech_token :
						 t.resp.response_token;
}

/* Our framing of Windows' own AS-REQ is Windows' token, byte for byte */
static void test_frame_is_windows(void **state)
{
	struct fx *f = *state;
	struct der_blob tok = vec_token(VEC_CLIENT_INIT);
	struct iakerb_proxy p;
	uint8_t *out;
	size_t out_len;
	char realm[64];

	assert_int_equal(iakerb_proxy_parse(tok.data, tok.len, &p), 0);
	assert_int_equal(p.kdc_msg_type, KRB_MSG_AS_REQ);
	snprintf(realm, sizeof(realm), "%.*s", (int)p.header.target_realm.len,
		 (const char *)p.header.target_realm.data);
	assert_string_equal(realm, "WIN25H2INS");
	assert_int_equal(kproxy_frame(f->mem, realm, NULL, 0, true,
				      p.kdc_msg.data, p.kdc_msg.len, &out,
				      &out_len), 0);
	assert_int_equal(out_len, tok.len);
	assert_memory_equal(out, tok.data, tok.len);
}

/* MIT's framing has no header-flags; a cookie goes back as it came */
static void test_frame_mit_and_cookie(void **state)
{
	struct fx *f = *state;
	struct iakerb_proxy p;
	uint8_t *out;
	size_t out_len;
	uint32_t flags;

	assert_int_equal(kproxy_frame(f->mem, "EXAMPLE.TEST",
				      (const uint8_t *)"c00kie", 6, false,
				      NULL, 0, &out, &out_len), 0);
	assert_int_equal(iakerb_proxy_parse(out, out_len, &p), 0);
	assert_int_equal(iakerb_header_flags_value(&p.header, &flags),
			 -ENOENT);
	assert_blob_str(p.header.cookie, "c00kie");
	assert_blob_str(p.header.target_realm, "EXAMPLE.TEST");
	assert_int_equal(iakerb_header_dialect(&p.header), IAKERB_DIALECT_MIT);
	/* realm discovery in Windows' framing: "", flags, no message */
	assert_int_equal(kproxy_frame(f->mem, "", NULL, 0, true, NULL, 0,
				      &out, &out_len), 0);
	assert_int_equal(iakerb_proxy_parse(out, out_len, &p), 0);
	assert_int_equal(p.header.target_realm.len, 0);
	assert_int_equal(p.kdc_msg_type, KRB_MSG_NONE);
	assert_int_equal(iakerb_header_flags_value(&p.header, &flags), 0);
	assert_int_equal(flags, 0);
}

/* Every Windows reply says "." and 01000000; a krb5 token is no proxy */
static void test_peek_windows_replies(void **state)
{
	static const struct {
		enum vector_id id;
		enum krb_msg_type msg;
	} v[] = {
		{ VEC_KRB_ERROR, KRB_MSG_ERROR },
		{ VEC_AS_REP, KRB_MSG_AS_REP },
		{ VEC_TGS_REP, KRB_MSG_TGS_REP },
	};
	struct kproxy_seen s;
	struct der_blob tok;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tok = vec_token(v[i].id);
		assert_int_equal(kproxy_peek(tok.data, tok.len, &s), 0);
		assert_true(s.has_flags);
		assert_int_equal(s.flags, 0x01000000);
		assert_true(s.realm_dot);
		assert_int_equal(s.msg, v[i].msg);
	}
	tok = vec_token(VEC_AP_REP_MIC);
	assert_int_not_equal(kproxy_peek(tok.data, tok.len, &s), 0);
}

/* A reply built by hand: realm, cookie, flags, KDC message */
static struct der_blob reply(TALLOC_CTX *mem, const char *realm,
			     const void *cookie, size_t cookie_len,
			     bool flags, const struct der_blob *msg)
{
	uint8_t fl[IAKERB_HEADER_FLAGS_LEN], *out;
	struct iakerb_proxy p = { 0 };
	size_t out_len;

	p.header.target_realm = blob_str(realm);
	if (cookie)
		p.header.cookie = (struct der_blob){ cookie, cookie_len };
	if (flags)
		p.header.header_flags = iakerb_header_flags_encode(fl,
								   0x01000000);
	if (msg)
		p.kdc_msg = *msg;
	assert_int_equal(iakerb_proxy_build(mem, &p, &out, &out_len), 0);
	return (struct der_blob){ out, out_len };
}

static struct kproxy *start(struct fx *f, const char *princ, uint8_t **tok,
			    size_t *tok_len)
{
	struct kproxy *kp = talloc_zero(f->mem, struct kproxy);

	assert_non_null(kp);
	assert_int_equal(kproxy_start_password(kp, f->mem, f->k, princ, "pw",
					       2, "srv.test", true, tok,
					       tok_len, &f->res), 0);
	return kp;
}

/* Discovery: "" out; the realm comes back; the AS-REQ goes there, with
 * the server's cookie and our (zero) flags */
static void test_discovery_then_as(void **state)
{
	struct fx *f = *state;
	struct kproxy_seen s;
	struct iakerb_proxy p;
	struct der_blob r;
	uint8_t *tok;
	size_t tok_len;
	uint32_t flags;
	struct kproxy *kp = start(f, "alice", &tok, &tok_len);

	assert_int_equal(kp->state, KPROXY_DISCOVERY);
	assert_int_equal(kproxy_peek(tok, tok_len, &s), 0);
	assert_int_equal(s.msg, KRB_MSG_NONE);
	assert_true(s.has_flags);
	assert_int_equal(s.flags, 0);
	r = reply(f->mem, "EXAMPLE.TEST", "c00kie", 6, true, NULL);
	assert_int_equal(kproxy_step(kp, f->mem, r.data, r.len, &tok,
				     &tok_len, &f->res), 0);
	assert_int_equal(kp->state, KPROXY_AS);
	assert_string_equal(kp->user_realm, "EXAMPLE.TEST");
	assert_int_equal(iakerb_proxy_parse(tok, tok_len, &p), 0);
	assert_int_equal(p.kdc_msg_type, KRB_MSG_AS_REQ);
	assert_blob_str(p.header.target_realm, "EXAMPLE.TEST");
	assert_blob_str(p.header.cookie, "c00kie");
	assert_int_equal(iakerb_header_flags_value(&p.header, &flags), 0);
	assert_int_equal(flags, 0);
	assert_string_equal(kp->sent, "AS-REQ");
}

/* Discovery answers that name no realm, ".", or a KDC message: refused */
static void test_discovery_refusals(void **state)
{
	struct fx *f = *state;
	static const char *bad[] = { ".", "", "A@B" };
	struct der_blob r, msg;
	uint8_t *tok;
	size_t tok_len, i;
	struct kproxy *kp;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kp = start(f, "alice@", &tok, &tok_len);
		r = reply(f->mem, bad[i], NULL, 0, true, NULL);
		assert_int_equal(kproxy_step(kp, f->mem, r.data, r.len, &tok,
					     &tok_len, &f->res),
				 -outcome_errno(IAKERB_OUT_PROTOCOL));
	}
	kp = start(f, "alice", &tok, &tok_len);
	msg = vec_token(VEC_KRB_ERROR);
	assert_int_equal(kproxy_step(kp, f->mem, msg.data, msg.len, &tok,
				     &tok_len, &f->res),
			 -outcome_errno(IAKERB_OUT_PROTOCOL));
}

/* A cookie larger than we echo, a reply with no KDC message, a token
 * that is no proxy token: refused, never sent on */
static void test_reply_refusals(void **state)
{
	struct fx *f = *state;
	uint8_t *big = talloc_zero_size(f->mem, KPROXY_COOKIE_MAX + 1);
	struct der_blob r, ap = vec_token(VEC_AP_REP_MIC);
	uint8_t *tok;
	size_t tok_len;
	struct kproxy *kp = start(f, "alice", &tok, &tok_len);
	int proto = -outcome_errno(IAKERB_OUT_PROTOCOL);

	r = reply(f->mem, "EXAMPLE.TEST", big, KPROXY_COOKIE_MAX + 1, true,
		  NULL);
	assert_int_equal(kproxy_step(kp, f->mem, r.data, r.len, &tok,
				     &tok_len, &f->res), proto);
	kp = start(f, "alice@EXAMPLE.TEST", &tok, &tok_len);
	assert_int_equal(kp->state, KPROXY_AS);
	r = reply(f->mem, ".", NULL, 0, true, NULL);
	assert_int_equal(kproxy_step(kp, f->mem, r.data, r.len, &tok,
				     &tok_len, &f->res), proto);
	assert_int_equal(kproxy_step(kp, f->mem, ap.data, ap.len, &tok,
				     &tok_len, &f->res), proto);
	assert_null(tok);
}

/* Windows' PREAUTH_REQUIRED (vector 01, realm "."): MIT answers with a
 * preauthenticated AS-REQ, which goes to the user's realm, not to "." */
static void test_preauth_from_vector(void **state)
{
	struct fx *f = *state;
	struct der_blob err = vec_token(VEC_KRB_ERROR);
	struct iakerb_proxy p;
	uint8_t *tok;
	size_t tok_len;
	struct kproxy *kp = talloc_zero(f->mem, struct kproxy);

	assert_int_equal(kproxy_start_password(kp, f->mem, f->k,
					       "Administrator@WIN25H2INS",
					       "Password123!", 12, "win25h2ins",
					       true, &tok, &tok_len, &f->res),
			 0);
	assert_int_equal(kproxy_step(kp, f->mem, err.data, err.len, &tok,
				     &tok_len, &f->res), 0);
	assert_int_equal(kp->state, KPROXY_AS);
	assert_int_equal(iakerb_proxy_parse(tok, tok_len, &p), 0);
	assert_int_equal(p.kdc_msg_type, KRB_MSG_AS_REQ);
	assert_blob_str(p.header.target_realm, "WIN25H2INS");
	assert_int_equal(iakerb_header_dialect(&p.header),
			 IAKERB_DIALECT_WINDOWS);
	/* the AS-REP answers Windows' request, not ours: MIT refuses it */
	err = vec_token(VEC_AS_REP);
	assert_int_not_equal(kproxy_step(kp, f->mem, err.data, err.len, &tok,
					 &tok_len, &f->res), 0);
}

/* Every truncation of a Windows reply is refused without a read past it */
static void test_truncated_replies(void **state)
{
	struct fx *f = *state;
	struct der_blob full = vec_token(VEC_KRB_ERROR);
	uint8_t *tok;
	size_t tok_len, n;
	struct kproxy *kp = start(f, "alice@EXAMPLE.TEST", &tok, &tok_len);

	for (n = 0; n < full.len; n++) {
		uint8_t *cut = exact_copy(f->mem, full.data, n);

		assert_int_not_equal(kproxy_step(kp, f->mem, cut, n, &tok,
						 &tok_len, &f->res), 0);
		talloc_free(cut);
	}
}

static void test_dialect_option(void **state)
{
	char *ok[] = { "x", "--dialect=windows", "1" };
	char *ok2[] = { "x", "--dialect", "mit", "1" };
	char *none[] = { "x", "1" };
	char *bad[] = { "x", "--dialect=samba", "1" };
	struct upcall_opts o;
	FILE *devnull = fopen("/dev/null", "w");
	enum upcall_dialect d;

	(void)state;
	assert_int_equal(opts_parse(3, ok, &o, devnull), OPTS_RUN);
	assert_int_equal(o.dialect, UPCALL_DIALECT_WINDOWS);
	assert_int_equal(opts_parse(4, ok2, &o, devnull), OPTS_RUN);
	assert_int_equal(o.dialect, UPCALL_DIALECT_MIT);
	assert_int_equal(opts_parse(2, none, &o, devnull), OPTS_RUN);
	assert_int_equal(o.dialect, UPCALL_DIALECT_UNSET);
	assert_int_equal(opts_parse(3, bad, &o, devnull), OPTS_EXIT_USAGE);
	assert_int_equal(dialect_parse("auto", &d), 0);
	assert_int_equal(d, UPCALL_DIALECT_AUTO);
	assert_string_equal(dialect_name(UPCALL_DIALECT_WINDOWS), "windows");
	fclose(devnull);
}

/* The iakerb-dialect entry's values and principal: pure logic */
static void test_dialect_cc_values(void **state)
{
	struct fx *f = *state;
	krb5_data w = { KV5M_DATA, 7, "windows" }, m = { KV5M_DATA, 3, "mit" };
	krb5_data bad[] = {
		{ KV5M_DATA, 4, "auto" }, { KV5M_DATA, 6, "window" },
		{ KV5M_DATA, 8, "windowsX" }, { KV5M_DATA, 0, "" },
		{ KV5M_DATA, 3, "MIT" },
	};
	enum upcall_dialect d = UPCALL_DIALECT_UNSET;
	krb5_principal p;
	char *s;
	size_t i;

	assert_string_equal(dialect_cc_value(UPCALL_DIALECT_MIT), "mit");
	assert_string_equal(dialect_cc_value(UPCALL_DIALECT_WINDOWS),
			    "windows");
	assert_null(dialect_cc_value(UPCALL_DIALECT_AUTO));
	assert_null(dialect_cc_value(UPCALL_DIALECT_UNSET));
	assert_int_equal(dialect_cc_parse(&w, &d), 0);
	assert_int_equal(d, UPCALL_DIALECT_WINDOWS);
	assert_int_equal(dialect_cc_parse(&m, &d), 0);
	assert_int_equal(d, UPCALL_DIALECT_MIT);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dialect_cc_parse(&bad[i], &d), -EINVAL);
	/* the host in lower case, the realm as it is */
	assert_int_equal(dialect_cc_principal(f->k, "SRV.Example.COM",
					      "EXAMPLE.COM", &p), 0);
	assert_int_equal(krb5_unparse_name(f->k, p, &s), 0);
	assert_string_equal(s, "cifs/srv.example.com@EXAMPLE.COM");
	krb5_free_unparsed_name(f->k, s);
	krb5_free_principal(f->k, p);
	assert_int_not_equal(dialect_cc_principal(f->k, "srv", "", &p), 0);
	assert_int_not_equal(dialect_cc_principal(f->k, "", "R", &p), 0);
}

/* Write, read back, change, remove: in a MEMORY and a FILE cache */
static void cc_round_trip(struct fx *f, const char *name)
{
	krb5_ccache cc;
	krb5_principal client, svc, other;
	enum upcall_dialect d;
	char *spn = NULL;
	krb5_data junk = { KV5M_DATA, 5, "samba" };

	assert_int_equal(krb5_cc_resolve(f->k, name, &cc), 0);
	assert_int_equal(krb5_parse_name(f->k, "alice@EXAMPLE.COM", &client),
			 0);
	assert_int_equal(krb5_cc_initialize(f->k, cc, client), 0);
	assert_int_equal(dialect_cc_principal(f->k, "srv.example.com",
					      "EXAMPLE.COM", &svc), 0);
	assert_int_equal(dialect_cc_principal(f->k, "other.example.com",
					      "EXAMPLE.COM", &other), 0);

	assert_int_equal(dialect_cc_get(f->k, cc, svc, &d), -ENOENT);
	assert_int_equal(dialect_cc_set(f->k, cc, svc, UPCALL_DIALECT_WINDOWS),
			 0);
	assert_int_equal(dialect_cc_get(f->k, cc, svc, &d), 0);
	assert_int_equal(d, UPCALL_DIALECT_WINDOWS);
	/* per server */
	assert_int_equal(dialect_cc_get(f->k, cc, other, &d), -ENOENT);
	/* the same again writes nothing; a change replaces it */
	assert_int_equal(dialect_cc_set(f->k, cc, svc, UPCALL_DIALECT_WINDOWS),
			 0);
	assert_int_equal(dialect_cc_set(f->k, cc, svc, UPCALL_DIALECT_MIT), 0);
	assert_int_equal(dialect_cc_get(f->k, cc, svc, &d), 0);
	assert_int_equal(d, UPCALL_DIALECT_MIT);
	/* auto removes it; removing nothing is no error */
	assert_int_equal(dialect_cc_set(f->k, cc, svc, UPCALL_DIALECT_AUTO), 0);
	assert_int_equal(dialect_cc_get(f->k, cc, svc, &d), -ENOENT);
	assert_int_equal(dialect_cc_set(f->k, cc, svc, UPCALL_DIALECT_AUTO), 0);
	/* a value we do not know is reported, and replaced on a write */
	assert_int_equal(krb5_cc_set_config(f->k, cc, svc, DIALECT_CC_KEY,
					    &junk), 0);
	assert_int_equal(dialect_cc_get(f->k, cc, svc, &d), -EINVAL);
	assert_int_equal(dialect_cc_set(f->k, cc, svc, UPCALL_DIALECT_WINDOWS),
			 0);
	assert_int_equal(dialect_cc_get(f->k, cc, svc, &d), 0);
	assert_int_equal(d, UPCALL_DIALECT_WINDOWS);
	/* by name: the realm is the cache's client's, the host lower-cased */
	assert_int_equal(dialect_cc_recall(f->mem, f->k, name,
					   "SRV.example.com", &d, &spn), 0);
	assert_int_equal(d, UPCALL_DIALECT_WINDOWS);
	assert_string_equal(spn, "cifs/srv.example.com@EXAMPLE.COM");
	assert_int_equal(dialect_cc_remember(f->mem, f->k, name,
					     "other.example.com",
					     UPCALL_DIALECT_MIT, &spn), 0);
	assert_int_equal(dialect_cc_get(f->k, cc, other, &d), 0);
	assert_int_equal(d, UPCALL_DIALECT_MIT);
	assert_int_equal(dialect_cc_recall(f->mem, f->k, name, "third",
					   &d, &spn), -ENOENT);

	krb5_free_principal(f->k, other);
	krb5_free_principal(f->k, svc);
	krb5_free_principal(f->k, client);
	krb5_cc_destroy(f->k, cc);
}

static void test_dialect_cc_entry(void **state)
{
	struct fx *f = *state;
	char file[] = "/tmp/test-dialect-cc.XXXXXX", name[64];
	enum upcall_dialect d;
	char *spn = NULL;
	int fd;

	cc_round_trip(f, "MEMORY:test-dialect-cc");
	fd = mkstemp(file);
	assert_true(fd >= 0);
	close(fd);
	snprintf(name, sizeof(name), "FILE:%s", file);
	cc_round_trip(f, name);
	unlink(file);
	/* no cache there: an error, not an entry */
	assert_int_not_equal(dialect_cc_recall(f->mem, f->k, name, "srv", &d,
					       &spn), 0);
	assert_int_not_equal(dialect_cc_recall(f->mem, f->k, name, "srv", &d,
					       &spn), -ENOENT);
}

/* The iakerb-realm entry's values: what discovery would have accepted */
static void test_realm_cc_values(void **state)
{
	struct fx *f = *state;
	char long_realm[REALM_CC_MAX + 2];
	krb5_data ok = { KV5M_DATA, 11, "EXAMPLE.COM" };
	krb5_data bad[] = {
		{ KV5M_DATA, 0, "" }, { KV5M_DATA, 1, "." },
		{ KV5M_DATA, 17, "alice@EXAMPLE.COM" },
		{ KV5M_DATA, 7, "EXA\0MPL" }, { KV5M_DATA, 8, "EXAMPLE\n" },
		{ KV5M_DATA, 8, "EXA MPLE" }, { KV5M_DATA, 4, "R\x1b[m" },
		{ KV5M_DATA, 3, "\xc3\xa9R" },
	};
	char *r = NULL;
	size_t i;

	assert_int_equal(realm_cc_parse(f->mem, &ok, &r), 0);
	assert_string_equal(r, "EXAMPLE.COM");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(realm_cc_parse(f->mem, &bad[i], &r), -EINVAL);
		assert_null(r);
	}
	/* as long as a realm may be, and one byte more */
	memset(long_realm, 'R', sizeof(long_realm));
	assert_true(realm_cc_valid(long_realm, REALM_CC_MAX));
	assert_false(realm_cc_valid(long_realm, REALM_CC_MAX + 1));
	assert_true(realm_cc_valid("a.b-c_d", 7));
	/* its own key, beside the dialect's */
	assert_string_equal(REALM_CC_KEY, "iakerb-realm");
	assert_string_not_equal(REALM_CC_KEY, DIALECT_CC_KEY);
}

/* Plant a cache for @client with an iakerb-realm entry of @value */
static void realm_plant(struct fx *f, const char *name, const char *client,
			const char *host, const char *value)
{
	krb5_ccache cc;
	krb5_principal p, svc;
	krb5_data v = { KV5M_DATA, (unsigned int)strlen(value),
			(char *)value };

	assert_int_equal(krb5_cc_resolve(f->k, name, &cc), 0);
	assert_int_equal(krb5_parse_name(f->k, client, &p), 0);
	assert_int_equal(krb5_cc_initialize(f->k, cc, p), 0);
	assert_int_equal(dialect_cc_principal(f->k, host,
					      krb5_princ_realm(f->k, p)->data,
					      &svc), 0);
	assert_int_equal(krb5_cc_set_config(f->k, cc, svc, REALM_CC_KEY, &v),
			 0);
	krb5_free_principal(f->k, svc);
	krb5_free_principal(f->k, p);
	krb5_cc_close(f->k, cc);
}

/* Write, find, change, drop; which caches count */
static void test_realm_cc_entry(void **state)
{
	struct fx *f = *state;
	char file[] = "/tmp/test-realm-cc.XXXXXX", name[64];
	char *realm, *cc, *spn;
	int fd;

	fd = mkstemp(file);
	assert_true(fd >= 0);
	close(fd);
	snprintf(name, sizeof(name), "FILE:%s", file);
	realm_plant(f, name, "alice@EXAMPLE.COM", "srv.example.com",
		    "EXAMPLE.COM");
	/* found for this user and host, the host in any case */
	assert_int_equal(realm_cc_find(f->mem, name, "SRV.example.com",
				       "alice", &realm, &cc, &spn), 0);
	assert_string_equal(realm, "EXAMPLE.COM");
	assert_string_equal(cc, name);
	assert_string_equal(spn, "cifs/srv.example.com@EXAMPLE.COM");
	/* not for another user (as given: no case folding), nor host */
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com", "bob",
				       &realm, &cc, &spn), -ENOENT);
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com",
				       "Alice", &realm, &cc, &spn), -ENOENT);
	assert_int_equal(realm_cc_find(f->mem, name, "other.example.com",
				       "alice", &realm, &cc, &spn), -ENOENT);
	/* dropped: gone; dropping nothing is no error */
	assert_int_equal(realm_cc_remember(f->mem, f->k, name,
					   "srv.example.com", NULL, &spn), 0);
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com",
				       "alice", &realm, &cc, &spn), -ENOENT);
	assert_int_equal(realm_cc_remember(f->mem, f->k, name,
					   "srv.example.com", NULL, &spn), 0);
	/* written back by name, under the cache's client realm */
	assert_int_equal(realm_cc_remember(f->mem, f->k, name,
					   "srv.example.com", "EXAMPLE.COM",
					   &spn), 0);
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com",
				       "alice", &realm, &cc, &spn), 0);
	/* a value we would never have written is refused, not stored */
	assert_int_equal(realm_cc_remember(f->mem, f->k, name,
					   "srv.example.com", "a@b", &spn),
			 -EINVAL);
	/* a value that is not the cache's client realm is not used */
	realm_plant(f, name, "alice@EXAMPLE.COM", "srv.example.com",
		    "OTHER.ORG");
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com",
				       "alice", &realm, &cc, &spn), -ENOENT);
	/* nor one discovery would have refused */
	realm_plant(f, name, "alice@EXAMPLE.COM", "srv.example.com", ".");
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com",
				       "alice", &realm, &cc, &spn), -ENOENT);
	/* the case of the realm may differ (a KDC's canonical name) */
	realm_plant(f, name, "alice@EXAMPLE.COM", "srv.example.com",
		    "example.com");
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com",
				       "alice", &realm, &cc, &spn), 0);
	assert_string_equal(realm, "example.com");
	unlink(file);
	/* no cache there: nothing remembered */
	assert_int_equal(realm_cc_find(f->mem, name, "srv.example.com",
				       "alice", &realm, &cc, &spn), -ENOENT);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frame_is_windows,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_frame_mit_and_cookie,
						fx_setup, fx_teardown),
		cmocka_unit_test(test_peek_windows_replies),
		cmocka_unit_test_setup_teardown(test_discovery_then_as,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_discovery_refusals,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reply_refusals,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_preauth_from_vector,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_truncated_replies,
						fx_setup, fx_teardown),
		cmocka_unit_test(test_dialect_option),
		cmocka_unit_test_setup_teardown(test_dialect_cc_values,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_dialect_cc_entry,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_realm_cc_values,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_realm_cc_entry,
						fx_setup, fx_teardown),
	};

	vectors_dir = argc > 1 ? argv[1] : NULL;
	/* no host krb5.conf: nothing here may depend on it */
	setenv("KRB5_CONFIG", "/dev/null", 1);
	return _cmocka_run_group_tests("windows", tests,
				       sizeof(tests) / sizeof(tests[0]),
				       load_vectors, free_vectors);
}
