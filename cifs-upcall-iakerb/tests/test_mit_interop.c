// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the codec against MIT krb5's own IAKerb mechanism, with no
 * KDC.  MIT's initiator defers the AS exchange and does realm discovery
 * itself; its acceptor answers discovery from its own realm.  So both
 * directions of the first leg can be checked in-process:
 *   - tokens MIT builds parse, and rebuild to the same bytes;
 *   - tokens built here (both dialects) are accepted by MIT, and its
 *     answer parses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <krb5.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "test_util.h"

#define TEST_REALM "KDC.TEST.REAL"
#define TEST_SERVICE "cifs/srv.test@" TEST_REALM

static gss_OID_desc mech_iakerb = { 6, (void *)"\x2b\x06\x01\x05\x02\x05" };

struct mit_env {
	char dir[64];
	char conf[96];
	char keytab[96];
};

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* A service key for the acceptor, made from a password: no kadmin needed. */
static int make_keytab(const char *path)
{
	krb5_data password = { 0, 8, (char *)"password" }, salt = { 0 };
	krb5_keytab_entry entry = { 0 };
	krb5_principal princ = NULL;
	krb5_context k;
	krb5_keytab kt;
	int ret;

	if (krb5_init_context(&k))
		return -1;
	ret = krb5_parse_name(k, TEST_SERVICE, &princ) ||
	      krb5_principal2salt(k, princ, &salt) ||
	      krb5_c_string_to_key(k, ENCTYPE_AES256_CTS_HMAC_SHA1_96,
				   &password, &salt, &entry.key) ||
	      krb5_kt_resolve(k, path, &kt);
	if (!ret) {
		entry.principal = princ;
		entry.vno = 1;
		ret = krb5_kt_add_entry(k, kt, &entry) != 0;
		krb5_kt_close(k, kt);
	}
	krb5_free_keyblock_contents(k, &entry.key);
	krb5_free_data_contents(k, &salt);
	krb5_free_principal(k, princ);
	krb5_free_context(k);
	return ret ? -1 : 0;
}

static int mit_setup(void **state)
{
	static const char conf[] =
		"[libdefaults]\n"
		" default_realm = " TEST_REALM "\n"
		" dns_lookup_realm = false\n"
		" dns_lookup_kdc = false\n";
	struct mit_env *env = calloc(1, sizeof(*env));

	if (!env)
		return -1;
	strcpy(env->dir, "/tmp/gsstoken-mit-XXXXXX");
	if (!mkdtemp(env->dir))
		goto fail;
	snprintf(env->conf, sizeof(env->conf), "%s/krb5.conf", env->dir);
	snprintf(env->keytab, sizeof(env->keytab), "FILE:%s/keytab", env->dir);
	if (write_text(env->conf, conf))
		goto fail;
	setenv("KRB5_CONFIG", env->conf, 1);
	setenv("KRB5_KTNAME", env->keytab, 1);
	if (make_keytab(env->keytab))
		goto fail;
	*state = env;
	return 0;
fail:
	free(env);
	return -1;
}

static int mit_teardown(void **state)
{
	struct mit_env *env = *state;
	char path[128];

	snprintf(path, sizeof(path), "%s/keytab", env->dir);
	unlink(path);
	unlink(env->conf);
	rmdir(env->dir);
	unsetenv("KRB5_CONFIG");
	unsetenv("KRB5_KTNAME");
	free(env);
	return 0;
}

/* The first token of MIT's IAKerb initiator for @user (password creds). */
static void mit_first_token(const char *user, gss_buffer_t out)
{
	gss_buffer_desc name_buf = { strlen(user), (void *)user };
	gss_buffer_desc target_buf = { 13, (void *)"cifs@srv.test" };
	gss_buffer_desc password = { 4, (void *)"pass" };
	gss_OID_set_desc mechs = { 1, &mech_iakerb };
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_name_t name, target;
	gss_cred_id_t cred;
	OM_uint32 major, minor;

	assert_int_equal(gss_import_name(&minor, &name_buf, GSS_C_NT_USER_NAME,
					 &name), GSS_S_COMPLETE);
	assert_int_equal(gss_import_name(&minor, &target_buf,
					 GSS_C_NT_HOSTBASED_SERVICE, &target),
			 GSS_S_COMPLETE);
	assert_int_equal(gss_acquire_cred_with_password(&minor, name, &password,
							0, &mechs, GSS_C_INITIATE,
							&cred, NULL, NULL),
			 GSS_S_COMPLETE);
	major = gss_init_sec_context(&minor, cred, &ctx, target, &mech_iakerb,
				     GSS_C_MUTUAL_FLAG, 0, NULL, NULL, NULL,
				     out, NULL, NULL);
	assert_int_equal(major, GSS_S_CONTINUE_NEEDED);
	gss_delete_sec_context(&minor, &ctx, NULL);
	gss_release_cred(&minor, &cred);
	gss_release_name(&minor, &target);
	gss_release_name(&minor, &name);
}

static void assert_rebuilds_exactly(const struct iakerb_proxy *p,
				    const gss_buffer_t orig)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *buf;
	size_t len;

	assert_int_equal(iakerb_proxy_build(mem, p, &buf, &len), 0);
	assert_int_equal(len, orig->length);
	assert_memory_equal(buf, orig->value, len);
	talloc_free(mem);
}

static void mit_initiator_discovery_token(void **state)
{
	gss_buffer_desc tok = { 0 };
	struct iakerb_proxy p;
	OM_uint32 minor;

	(void)state;
	/* With no realm in the name, MIT asks the acceptor for one. */
	mit_first_token("alice@", &tok);
	assert_int_equal(iakerb_proxy_parse(tok.value, tok.length, &p), 0);
	assert_int_equal(p.header.target_realm.len, 0);
	assert_null(p.header.header_flags.data);
	assert_int_equal(p.kdc_msg_type, KRB_MSG_NONE);
	assert_int_equal(iakerb_header_dialect(&p.header), IAKERB_DIALECT_MIT);
	assert_rebuilds_exactly(&p, &tok);
	gss_release_buffer(&minor, &tok);
}

static void mit_initiator_as_req_token(void **state)
{
	gss_buffer_desc tok = { 0 };
	struct iakerb_proxy p;
	OM_uint32 minor;

	(void)state;
	mit_first_token("alice@" TEST_REALM, &tok);
	assert_int_equal(iakerb_proxy_parse(tok.value, tok.length, &p), 0);
	assert_blob_str(p.header.target_realm, TEST_REALM);
	assert_null(p.header.cookie.data);
	assert_int_equal(p.kdc_msg_type, KRB_MSG_AS_REQ);
	assert_int_equal(iakerb_header_dialect(&p.header), IAKERB_DIALECT_MIT);
	assert_rebuilds_exactly(&p, &tok);
	gss_release_buffer(&minor, &tok);
}

/* Hand MIT's acceptor a discovery token built here; parse its answer. */
static void mit_accepts_discovery(const struct iakerb_proxy *request)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	gss_OID_set_desc mechs = { 1, &mech_iakerb };
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc in, out = { 0 };
	struct iakerb_proxy reply;
	gss_cred_id_t cred;
	OM_uint32 major, minor;
	uint8_t *buf;
	size_t len;

	assert_int_equal(iakerb_proxy_build(mem, request, &buf, &len), 0);
	in.value = buf;
	in.length = len;
	/* IAKerb must be asked for explicitly: it is not a default mech. */
	assert_int_equal(gss_acquire_cred(&minor, GSS_C_NO_NAME, 0, &mechs,
					  GSS_C_ACCEPT, &cred, NULL, NULL),
			 GSS_S_COMPLETE);
	major = gss_accept_sec_context(&minor, &ctx, cred, &in, NULL, NULL,
				       NULL, &out, NULL, NULL, NULL);
	assert_int_equal(major, GSS_S_CONTINUE_NEEDED);

	assert_int_equal(iakerb_proxy_parse(out.value, out.length, &reply), 0);
	assert_blob_str(reply.header.target_realm, TEST_REALM);
	assert_int_equal(reply.kdc_msg_type, KRB_MSG_NONE);
	assert_int_equal(iakerb_header_dialect(&reply.header),
			 IAKERB_DIALECT_MIT);
	assert_rebuilds_exactly(&reply, &out);

	gss_release_buffer(&minor, &out);
	gss_delete_sec_context(&minor, &ctx, NULL);
	gss_release_cred(&minor, &cred);
	talloc_free(mem);
}

static void mit_acceptor_answers_mit_style_discovery(void **state)
{
	struct iakerb_proxy request = { 0 };

	(void)state;
	mit_accepts_discovery(&request);
}

/* MIT 1.22 skips the header-flags extension Windows clients add. */
static void mit_acceptor_answers_windows_style_discovery(void **state)
{
	uint8_t flags[IAKERB_HEADER_FLAGS_LEN];
	struct iakerb_proxy request = { 0 };

	(void)state;
	request.header.header_flags = iakerb_header_flags_encode(flags, 0);
	mit_accepts_discovery(&request);
}

const struct CMUnitTest mit_interop_tests[] = {
	cmocka_unit_test_setup_teardown(mit_initiator_discovery_token,
					mit_setup, mit_teardown),
	cmocka_unit_test_setup_teardown(mit_initiator_as_req_token,
					mit_setup, mit_teardown),
	cmocka_unit_test_setup_teardown(mit_acceptor_answers_mit_style_discovery,
					mit_setup, mit_teardown),
	cmocka_unit_test_setup_teardown(mit_acceptor_answers_windows_style_discovery,
					mit_setup, mit_teardown),
};
const size_t n_mit_interop_tests =
	sizeof(mit_interop_tests) / sizeof(mit_interop_tests[0]);
