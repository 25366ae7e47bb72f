// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the helper's own logic (the codec has test_gss_token):
 * command line, description and callout parsing as the helper applies it,
 * payloads, the outcome table, the SPNEGO framing of the initiator, and
 * the Windows vectors through the initiator's reply parser.
 *
 * Usage: test_helper VECTORS_DIR (tests/vectors/windows-iakerb)
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

/* before cmocka.h: it defines a fail() macro; ours is called (fail)() */
#include "upcall.h"
#include "agent.h"
#include "ccache_find.h"
#include "initiator.h"
#include "ccache_find.h"
#include "policy.h"
#include "test_util.h"

/* ---- command line ------------------------------------------------------ */

static enum opts_result parse(struct upcall_opts *o, int argc, ...)
{
	char *argv[16];
	FILE *devnull = fopen("/dev/null", "w");
	enum opts_result r;
	va_list ap;
	int i;

	argv[0] = (char *)"cifs-upcall-iakerb";
	va_start(ap, argc);
	for (i = 1; i < argc && i < 15; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[i] = NULL;
	r = opts_parse(argc, argv, o, devnull);
	fclose(devnull);
	return r;
}

/*
 * When to authenticate again (reauth.c): before the ticket ends, and only
 * with something fresher to get by then.
 */
static void reauth_advice_rules(void **state)
{
	(void)state;
	/* a password: a quarter of the ticket's life before its end */
	assert_int_equal(reauth_seconds(36000, -1, true), 36000 - 600);
	assert_int_equal(reauth_seconds(400, -1, true), 300);
	/* the margin is at least IAKERB_REAUTH_MIN */
	assert_int_equal(reauth_seconds(90, -1, true), 60);
	/* too short-lived, or over */
	assert_int_equal(reauth_seconds(59, -1, true), 0);
	assert_int_equal(reauth_seconds(0, -1, true), 0);
	assert_int_equal(reauth_seconds(-5, -1, true), 0);
	/* a cached ticket: only with a TGT that outlives it by the margin */
	assert_int_equal(reauth_seconds(3600, 3600, false), 0);
	assert_int_equal(reauth_seconds(3600, -1, false), 0);
	assert_int_equal(reauth_seconds(3600, 3600 + 600, false), 3000);
	assert_int_equal(reauth_seconds(3600, 3600 + 599, false), 0);
	/* never beyond what the kernel takes */
	assert_int_equal(reauth_seconds(INT64_C(1) << 40, -1, true),
			 IAKERB_REAUTH_MAX);
}

static void opts_defaults(void **state)
{
	struct upcall_opts o;

	(void)state;
	assert_int_equal(parse(&o, 2, "1234"), OPTS_RUN);
	assert_string_equal(o.arg, "1234");
	assert_true(o.env_probe);
	assert_false(o.trust_dns);
	assert_int_equal(o.iakerb_password, PW_MODE_UNSET);
	assert_int_equal(o.store, STORE_UNSET);
	assert_false(o.allow_root_mntns);
	assert_string_equal(o.keytab, UPCALL_DEFAULT_KEYTAB);
	assert_null(o.krb5conf);
	assert_int_equal(o.expire, 0);
}

static void opts_cifs_upcall_compat(void **state)
{
	struct upcall_opts o;

	(void)state;
	/* what cifs.upcall lines in request-key.d carry keeps working */
	assert_int_equal(parse(&o, 11, "-c", "-E", "-t", "-l", "-k", "/k.conf",
			       "-K", "FILE:/kt", "-e", "600"), OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 12, "-c", "-E", "-t", "-l", "-k", "/k.conf",
			       "-K", "FILE:/kt", "-e", "600", "42"), OPTS_RUN);
	assert_false(o.env_probe);
	assert_true(o.trust_dns);
	assert_true(o.legacy_uid);
	assert_string_equal(o.krb5conf, "/k.conf");
	assert_string_equal(o.keytab, "FILE:/kt");
	assert_int_equal(o.expire, 600);
	assert_string_equal(o.arg, "42");
	assert_int_equal(parse(&o, 5, "--trust-dns", "--iakerb-fallback",
			       "--no-env-probe", "7"), OPTS_RUN);
	assert_int_equal(o.iakerb_password, PW_MODE_FALLBACK);
	assert_int_equal(parse(&o, 4, "--iakerb-password=no",
			       "--store-tickets=owner", "7"), OPTS_RUN);
	assert_int_equal(o.iakerb_password, PW_MODE_NO);
	assert_int_equal(o.store, STORE_OWNER);
	assert_int_equal(parse(&o, 3, "--iakerb-password=auto", "7"),
			 OPTS_RUN);
	assert_int_equal(o.iakerb_password, PW_MODE_AUTO);
	assert_int_equal(parse(&o, 3, "--iakerb-password=yes", "7"),
			 OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 3, "--store-tickets=root", "7"),
			 OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 3, "--allow-root-mntns", "7"), OPTS_RUN);
	assert_true(o.allow_root_mntns);
}

static void opts_refused(void **state)
{
	struct upcall_opts o;

	(void)state;
	assert_int_equal(parse(&o, 1), OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 3, "1", "2"), OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 4, "-e", "-5", "1"), OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 4, "-e", "10x", "1"), OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 3, "--bogus", "1"), OPTS_EXIT_USAGE);
	assert_int_equal(parse(&o, 2, "--version"), OPTS_EXIT_OK);
	assert_int_equal(parse(&o, 2, "-h"), OPTS_EXIT_OK);
}

/* ---- the request --------------------------------------------------------- */

#define D72 "ver=0x2;host=srv.test;ip4=10.0.0.1;sec=krb5;uid=0x3e8;" \
	"creduid=0x3e9;user=alice;pid=0x1234;upcall_target=app"
#define ML "ver=0x2;host=srv.test;ip4=10.0.0.1;sec=iakerb;uid=0x3e8;" \
	"creduid=0x3e9;user=alice;pid=0x1234;upcall_target=mount;" \
	"mechs=iakerb;exch=0123456789abcdef;tmo=30"

static const uint8_t secret[IAKERB_SECRET_LEN + 1] =
	"0123456789abcdef0123456789abcdef";

static int req(const char *desc, const uint8_t *callout, size_t clen,
	       bool legacy_uid, struct upcall_req *r, struct result *res)
{
	memset(r, 0, sizeof(*r));
	memset(res, 0, sizeof(*res));
	res->outcome = OUT_OK;
	return request_parse(desc, strlen(desc), callout, clen, legacy_uid, r,
			     res);
}

static void request_legacy_72(void **state)
{
	struct upcall_req r;
	struct result res;

	(void)state;
	assert_int_equal(req(D72, (const uint8_t *)"", 0, false, &r, &res), 0);
	assert_false(r.multileg);
	assert_true(r.app);
	assert_int_equal(r.uid, 0x3e9);		/* creduid */
	assert_string_equal(r.d.host, "srv.test");
	assert_string_equal(r.d.user, "alice");
	assert_int_equal(req(D72, (const uint8_t *)"", 0, true, &r, &res), 0);
	assert_int_equal(r.uid, 0x3e8);		/* -l: uid */
	/* an unknown, ignorable field: still a 7.2 description */
	assert_int_equal(req(D72 ";future=1", (const uint8_t *)"", 0, false,
			     &r, &res), 0);
}

static void request_refused(void **state)
{
	static const struct {
		const char *desc;
		int outcome;
	} bad[] = {
		{ D72 ";uid=0x0", IAKERB_OUT_PROTOCOL },	/* duplicate */
		{ D72 ";!critical=1", IAKERB_OUT_TOO_NEW },
		{ "ver=0x3;host=srv.test;ip4=10.0.0.1;sec=krb5;uid=0x0;"
		  "creduid=0x0;pid=0x1;upcall_target=app",
		  IAKERB_OUT_TOO_NEW },
		{ "ver=0x2;host=srv.test;ip4=10.0.0.1;sec=krb5;uid=0x0;"
		  "creduid=0x0;pid=0x1", IAKERB_OUT_PROTOCOL },	/* missing */
		{ "ver=0x2;host=a@EVIL;ip4=10.0.0.1;sec=krb5;uid=0x0;"
		  "creduid=0x0;pid=0x1;upcall_target=app", IAKERB_OUT_PROTOCOL },
		{ "ver=0x2;host=a/b;ip4=10.0.0.1;sec=krb5;uid=0x0;"
		  "creduid=0x0;pid=0x1;upcall_target=app", IAKERB_OUT_PROTOCOL },
		{ "ver=0x2;host=-x;ip4=10.0.0.1;sec=krb5;uid=0x0;"
		  "creduid=0x0;pid=0x1;upcall_target=app", IAKERB_OUT_PROTOCOL },
		{ D72 ";", IAKERB_OUT_PROTOCOL },
		{ D72 ";agent=77", IAKERB_OUT_PROTOCOL },
		{ "", IAKERB_OUT_PROTOCOL },
	};
	struct upcall_req r;
	struct result res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_not_equal(req(bad[i].desc, (const uint8_t *)"", 0,
					 false, &r, &res), 0);
		assert_int_equal(res.outcome, bad[i].outcome);
		assert_true(res.why[0]);
	}
}

static size_t callout(uint8_t *buf, size_t cap, uint32_t leg,
		      const void *srv, size_t srv_len, uint32_t status,
		      uint32_t cred)
{
	int n = iakerb_callout_build(buf, cap, leg, secret, srv, srv_len,
				     status, NULL, 0, cred);

	assert_true(n > 0);
	return (size_t)n;
}

static void request_multileg(void **state)
{
	uint8_t buf[512];
	struct upcall_req r;
	struct result res;
	size_t n;

	(void)state;
	n = callout(buf, sizeof(buf), 1, NULL, 0, 0, 4242);
	assert_int_equal(req(ML ";leg=1", buf, n, false, &r, &res), 0);
	assert_true(r.multileg);
	assert_false(r.app);
	assert_int_equal(r.d.leg, 1);
	assert_int_equal(r.msg.cred_key, 4242);
	assert_memory_equal(r.msg.secret, secret, IAKERB_SECRET_LEN);
	assert_int_equal(payload_expect(&r), IAKERB_EXPECT_FIRST);

	n = callout(buf, sizeof(buf), 2, "\xa1\x00", 2,
		    IAKERB_STATUS_MORE_PROCESSING, 0);
	assert_int_equal(req(ML ";leg=2;agent=77", buf, n, false, &r, &res), 0);
	assert_int_equal(r.d.agent, 77);
	assert_int_equal(r.msg.server_blob_len, 2);
	assert_int_equal(payload_expect(&r), IAKERB_EXPECT_MIDDLE);

	n = callout(buf, sizeof(buf), 3, "\xa1\x00", 2,
		    IAKERB_STATUS_SUCCESS, 0);
	assert_int_equal(req(ML ";leg=3;agent=77", buf, n, false, &r, &res), 0);
	assert_int_equal(payload_expect(&r), IAKERB_EXPECT_FINAL);
}

/*
 * The kernel reads a rejected key again after the helper has exited and
 * takes an expired one for ENOKEY (PROTOCOL.md §3): a multi-leg key stays
 * negative for the leg's budget, a 7.2 one for 1 s, as with cifs.upcall.
 */
static void reject_timeouts(void **state)
{
	uint8_t buf[512];
	struct upcall_req r;
	struct result res;
	size_t n;

	(void)state;
	assert_int_equal(req(D72, (const uint8_t *)"", 0, false, &r, &res), 0);
	assert_int_equal(reject_timeout(&r), IAKERB_REJECT_TIMEOUT_SEC);
	n = callout(buf, sizeof(buf), 2, "\xa1\x00", 2,
		    IAKERB_STATUS_MORE_PROCESSING, 0);
	assert_int_equal(req(ML ";leg=2;agent=77", buf, n, false, &r, &res), 0);
	assert_int_equal(reject_timeout(&r), 30);
	assert_int_equal(req("ver=0x2;host=srv.test;ip4=10.0.0.1;sec=iakerb;"
			     "uid=0x3e8;creduid=0x3e9;user=alice;pid=0x1234;"
			     "upcall_target=mount;mechs=iakerb;"
			     "exch=0123456789abcdef;tmo=5;leg=2;agent=77", buf,
			     n, false, &r, &res), 0);
	assert_int_equal(reject_timeout(&r), 5);
}

static void request_callout_mismatch(void **state)
{
	uint8_t buf[512];
	struct upcall_req r;
	struct result res;
	size_t n;

	(void)state;
	/* leg 1's callout under a leg-2 description, and the reverse */
	n = callout(buf, sizeof(buf), 1, NULL, 0, 0, 0);
	assert_int_not_equal(req(ML ";leg=2;agent=77", buf, n, false, &r,
				 &res), 0);
	assert_int_equal(res.outcome, IAKERB_OUT_PROTOCOL);
	n = callout(buf, sizeof(buf), 2, "\xa1\x00", 2,
		    IAKERB_STATUS_MORE_PROCESSING, 0);
	assert_int_not_equal(req(ML ";leg=1", buf, n, false, &r, &res), 0);
	/* no callout at all on a multi-leg description */
	assert_int_not_equal(req(ML ";leg=1", (const uint8_t *)"", 0, false,
				 &r, &res), 0);
	/* a truncated one */
	n = callout(buf, sizeof(buf), 1, NULL, 0, 0, 0);
	assert_int_not_equal(req(ML ";leg=1", buf, n - 1, false, &r, &res), 0);
	/* leg= beyond the limit */
	assert_int_not_equal(req(ML ";leg=33;agent=7", buf, n, false, &r,
				 &res), 0);
}

/* ---- payloads ------------------------------------------------------------- */

static void payloads(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_payload ip;
	struct payload p;
	uint8_t key[32], blob[100];

	(void)state;
	memset(key, 0x11, sizeof(key));
	memset(blob, 0x22, sizeof(blob));
	assert_int_equal(payload_legacy(mem, key, 32, blob, 100, &p), 0);
	assert_int_equal(iakerb_payload_parse(p.data, p.len,
					      IAKERB_EXPECT_LEGACY, &ip), 0);
	assert_int_equal(ip.sesskey_len, 32);
	assert_int_equal(ip.secblob_len, 100);
	/* a 7.2 kernel reads the same header */
	assert_int_equal(((uint32_t *)p.data)[0], 2);
	assert_int_equal(((uint32_t *)p.data)[1], 0);

	assert_int_equal(payload_continue(mem, blob, 100, 4321, &p), 0);
	assert_int_equal(iakerb_payload_parse(p.data, p.len,
					      IAKERB_EXPECT_MIDDLE, &ip), 0);
	assert_int_equal(ip.agent_pid, 4321);
	assert_int_equal(ip.sesskey_len, 0);
	assert_int_not_equal(iakerb_payload_parse(p.data, p.len,
						  IAKERB_EXPECT_FINAL, &ip), 0);

	assert_int_equal(payload_established(mem, key, 32, 0, &p), 0);
	assert_int_equal(iakerb_payload_parse(p.data, p.len,
					      IAKERB_EXPECT_FINAL, &ip), 0);
	assert_int_equal(ip.secblob_len, 0);

	/* with the advice to authenticate again, only where offered */
	assert_int_equal(payload_established(mem, key, 32, 3000, &p), 0);
	assert_int_equal(p.len, IAKERB_PAYLOAD_HDR_LEN + 32 +
			 IAKERB_TRAILER_REAUTH_LEN);
	assert_int_equal(iakerb_payload_parse(p.data, p.len,
					      IAKERB_EXPECT_FINAL |
					      IAKERB_EXPECT_REAUTH, &ip), 0);
	assert_int_equal(ip.reauth_sec, 3000);
	assert_int_not_equal(iakerb_payload_parse(p.data, p.len,
						  IAKERB_EXPECT_FINAL, &ip), 0);

	/* what the kernel would refuse is not built */
	assert_int_not_equal(payload_established(mem, key, 32,
						 IAKERB_REAUTH_MIN - 1, &p), 0);
	assert_int_not_equal(payload_established(mem, key, 32,
						 IAKERB_REAUTH_MAX + 1, &p), 0);
	assert_int_not_equal(payload_continue(mem, blob, 100, 1, &p), 0);
	assert_int_not_equal(payload_established(mem, key, 0, 0, &p), 0);
	assert_int_not_equal(payload_legacy(mem, key, 65, blob, 1, &p), 0);
	talloc_free(mem);
}

/*
 * A leg's helper and the agent it found (§8): the socket must have been
 * made by the pid in agent= as exactly the exchange's owner (creduid, not
 * root), and a CONTINUE must name that agent.
 */
static void agent_identity(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct iakerb_payload ip;
	struct upcall_req r;
	struct result res;
	struct payload p;
	uint8_t buf[512], blob[16];
	size_t n;

	(void)state;
	memset(blob, 0x33, sizeof(blob));
	n = callout(buf, sizeof(buf), 2, "\xa1\x00", 2,
		    IAKERB_STATUS_MORE_PROCESSING, 0);
	assert_int_equal(req(ML ";leg=2;agent=77", buf, n, false, &r, &res), 0);
	assert_int_equal(r.uid, 0x3e9);

	assert_true(agent_peer_ok(&r, 77, 0x3e9));
	assert_false(agent_peer_ok(&r, 77, 0));	/* root's socket */
	assert_false(agent_peer_ok(&r, 77, 0x3e8)); /* uid=, not creduid */
	assert_false(agent_peer_ok(&r, 78, 0x3e9));	/* someone else's */

	assert_int_equal(payload_continue(mem, blob, sizeof(blob), 77, &p), 0);
	assert_int_equal(agent_payload_check(&r, p.data, p.len, &ip), 0);
	assert_int_equal(payload_continue(mem, blob, sizeof(blob), 78, &p), 0);
	assert_int_equal(agent_payload_check(&r, p.data, p.len, &ip), -ESRCH);
	/* the final leg: ESTABLISHED only */
	n = callout(buf, sizeof(buf), 3, "\xa1\x00", 2,
		    IAKERB_STATUS_SUCCESS, 0);
	assert_int_equal(req(ML ";leg=3;agent=77", buf, n, false, &r, &res), 0);
	assert_int_equal(agent_payload_check(&r, p.data, p.len, &ip), -EPROTO);
	assert_int_equal(payload_established(mem, blob, sizeof(blob), 0, &p), 0);
	assert_int_equal(agent_payload_check(&r, p.data, p.len, &ip), 0);
	talloc_free(mem);
}

/* ---- outcomes ------------------------------------------------------------- */

static void outcomes(void **state)
{
	struct result res = { .outcome = OUT_OK };
	int i;

	(void)state;
	for (i = 0; i < IAKERB_OUT_COUNT; i++) {
		assert_int_equal(outcome_from_errno(outcome_errno(i)), i);
		assert_non_null(iakerb_outcome_msg(outcome_errno(i)));
	}
	assert_int_equal(outcome_errno(IAKERB_OUT_BAD_PASSWORD), EKEYREJECTED);
	assert_int_equal(outcome_errno(IAKERB_OUT_NO_CREDS), ENOKEY);
	assert_int_equal(outcome_errno(IAKERB_OUT_KDC_UNREACHABLE),
			 EREMOTEIO);
	assert_int_equal(outcome_from_errno(ENOENT), IAKERB_OUT_PROTOCOL);
	/* the first failure is the one reported */
	assert_int_equal((fail)(&res, IAKERB_OUT_CLOCK_SKEW, "first %d", 1),
			 -ETIME);
	(fail)(&res, IAKERB_OUT_PROTOCOL, "second");
	assert_int_equal(res.outcome, IAKERB_OUT_CLOCK_SKEW);
	assert_string_equal(res.why, "first 1");
}

/* krb5 codes as MIT's IAKerb initiator returns them (minor status) */
static void krb5_codes(void **state)
{
	(void)state;
	assert_int_equal(krb5_code_outcome(KRB5KDC_ERR_PREAUTH_FAILED),
			 IAKERB_OUT_BAD_PASSWORD);
	assert_int_equal(krb5_code_outcome(KRB5KRB_AP_ERR_BAD_INTEGRITY),
			 IAKERB_OUT_BAD_PASSWORD);
	assert_int_equal(krb5_code_outcome(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN),
			 IAKERB_OUT_NO_PRINCIPAL);
	assert_int_equal(krb5_code_outcome(KRB5KRB_AP_ERR_SKEW),
			 IAKERB_OUT_CLOCK_SKEW);
	assert_int_equal(krb5_code_outcome(KRB5KDC_ERR_KEY_EXP),
			 IAKERB_OUT_EXPIRED);
	assert_int_equal(krb5_code_outcome(KRB5KRB_AP_ERR_IAKERB_KDC_NOT_FOUND),
			 IAKERB_OUT_KDC_UNREACHABLE);
	assert_int_equal(krb5_code_outcome(KRB5KRB_AP_ERR_IAKERB_KDC_NO_RESPONSE),
			 IAKERB_OUT_KDC_UNREACHABLE);
	assert_int_equal(krb5_code_outcome(KRB5_FCC_NOFILE),
			 IAKERB_OUT_NO_CREDS);
	assert_int_equal(krb5_code_outcome(KRB5KRB_AP_ERR_MODIFIED),
			 IAKERB_OUT_MUTUAL_AUTH);
	assert_int_equal(krb5_code_outcome(12345), -1);
	assert_int_equal(gss_outcome(GSS_S_BAD_SIG, 0), IAKERB_OUT_MUTUAL_AUTH);
	assert_int_equal(gss_outcome(GSS_S_NO_CRED, 0), IAKERB_OUT_NO_CREDS);
	assert_int_equal(gss_outcome(GSS_S_DEFECTIVE_TOKEN, 0),
			 IAKERB_OUT_PROTOCOL);
}

/*
 * The four outcomes that used to be folded into others (issue 11, 2.7),
 * each with its own errno and its own kernel line.
 */
static void outcomes_distinct(void **state)
{
	struct result res = { .outcome = OUT_OK };
	static const int rows[] = {
		IAKERB_OUT_NO_PRINCIPAL, IAKERB_OUT_NO_SERVICE,
		IAKERB_OUT_KDC_UNREACHABLE, IAKERB_OUT_OWN_KDC_UNREACHABLE,
		IAKERB_OUT_NO_CREDS, IAKERB_OUT_TICKET_EXPIRED,
		IAKERB_OUT_PROTOCOL, IAKERB_OUT_NO_MEMORY,
	};
	size_t i, j;

	(void)state;
	/* the service principal, not the user */
	assert_int_equal(krb5_code_outcome(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN),
			 IAKERB_OUT_NO_SERVICE);
	assert_int_equal(krb5_code_outcome(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN),
			 IAKERB_OUT_NO_PRINCIPAL);
	assert_int_equal(outcome_errno(IAKERB_OUT_NO_SERVICE), ENXIO);
	/* ... as the KDC's KRB-ERROR code says it, through the server */
	assert_int_equal(krb_error_outcome(7), IAKERB_OUT_NO_SERVICE);
	assert_int_equal(krb_error_outcome(6), IAKERB_OUT_NO_PRINCIPAL);
	assert_int_equal(krb_error_outcome(24), IAKERB_OUT_BAD_PASSWORD);
	assert_int_equal(krb_error_outcome(0), -1);
	/* an integrity failure is a wrong password on the AS-REP only */
	assert_int_equal(reply_outcome(IAKERB_OUT_BAD_PASSWORD,
				       KRB_MSG_AS_REQ), IAKERB_OUT_BAD_PASSWORD);
	assert_int_equal(reply_outcome(IAKERB_OUT_BAD_PASSWORD,
				       KRB_MSG_AP_REQ), IAKERB_OUT_MUTUAL_AUTH);
	assert_int_equal(reply_outcome(IAKERB_OUT_BAD_PASSWORD,
				       KRB_MSG_TGS_REQ), IAKERB_OUT_PROTOCOL);
	assert_int_equal(reply_outcome(IAKERB_OUT_NO_SERVICE,
				       KRB_MSG_TGS_REQ), IAKERB_OUT_NO_SERVICE);
	assert_int_equal(krb_error_outcome(25), -1);
	/* this machine's KDC lookup and sendto, not the server's */
	assert_int_equal(krb5_code_outcome(KRB5_KDC_UNREACH),
			 IAKERB_OUT_OWN_KDC_UNREACHABLE);
	assert_int_equal(krb5_code_outcome(KRB5_REALM_UNKNOWN),
			 IAKERB_OUT_OWN_KDC_UNREACHABLE);
	assert_int_equal(krb5_code_outcome(KRB5_REALM_CANT_RESOLVE),
			 IAKERB_OUT_OWN_KDC_UNREACHABLE);
	assert_int_equal(outcome_errno(IAKERB_OUT_OWN_KDC_UNREACHABLE),
			 ENETUNREACH);
	/* the server's KDC is the server's, unless no server was asked */
	assert_int_equal(krb5_code_outcome(KRB5KDC_ERR_SVC_UNAVAILABLE),
			 IAKERB_OUT_KDC_UNREACHABLE);
	(fail)(&res, gss_outcome(GSS_S_FAILURE, KRB5KDC_ERR_SVC_UNAVAILABLE),
	       "x");
	own_kdc_outcome(&res);
	assert_int_equal(res.outcome, IAKERB_OUT_OWN_KDC_UNREACHABLE);
	res.outcome = IAKERB_OUT_BAD_PASSWORD;
	own_kdc_outcome(&res);
	assert_int_equal(res.outcome, IAKERB_OUT_BAD_PASSWORD);
	/* expired tickets: renew them */
	assert_int_equal(krb5_code_outcome(KRB5KRB_AP_ERR_TKT_EXPIRED),
			 IAKERB_OUT_TICKET_EXPIRED);
	assert_int_equal(gss_outcome(GSS_S_CREDENTIALS_EXPIRED, 0),
			 IAKERB_OUT_TICKET_EXPIRED);
	assert_int_equal(gss_outcome(GSS_S_NO_CRED, 0), IAKERB_OUT_NO_CREDS);
	assert_int_equal(outcome_errno(IAKERB_OUT_TICKET_EXPIRED), ESTALE);
	/* out of memory, from libkrb5, GSS, a bare -errno, or our own */
	assert_int_equal(krb5_code_outcome(ENOMEM), IAKERB_OUT_NO_MEMORY);
	assert_int_equal(gss_outcome(GSS_S_FAILURE, ENOMEM),
			 IAKERB_OUT_NO_MEMORY);
	assert_int_equal(outcome_from_errno(-ENOMEM), IAKERB_OUT_NO_MEMORY);
	res.outcome = OUT_OK;
	assert_int_equal(fail_oom(&res, "the kept password"), -ENOMEM);
	assert_int_equal(res.outcome, IAKERB_OUT_NO_MEMORY);
	assert_string_equal(res.why, "out of memory (the kept password)");
	/* distinct errnos and distinct lines: the kernel tells them apart */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (j = i + 1; j < sizeof(rows) / sizeof(rows[0]); j++) {
			assert_int_not_equal(outcome_errno(rows[i]),
					     outcome_errno(rows[j]));
			assert_string_not_equal(
				iakerb_outcome_msg(outcome_errno(rows[i])),
				iakerb_outcome_msg(outcome_errno(rows[j])));
		}
}

/* ---- the password's policy (policy.c) ------------------------------------ */

/*
 * Every branch of the rule: which realm, whether this machine asks the
 * realm's KDC first, whether the AS exchange may go through the server.
 */
static void password_rule(void **state)
{
	static const struct {
		const char	*what;
		struct pw_facts	f;
		enum pw_step	want;
	} rows[] = {
		/* the mission: a LocalKDC host, no realm or KDC known */
		{ "no realm known: realm discovery through the server",
		  { PW_MODE_AUTO, PW_REALM_NONE, false, true, false,
		    PW_KDC_NOT_ASKED }, PW_VIA_SERVER },
		{ "the server's realm, no KDC line: through the server",
		  { PW_MODE_AUTO, PW_REALM_SERVER, false, true, false,
		    PW_KDC_NOT_ASKED }, PW_VIA_SERVER },
		{ "the server's realm has a KDC line: refused",
		  { PW_MODE_AUTO, PW_REALM_SERVER, true, false, false,
		    PW_KDC_NOT_ASKED }, PW_REFUSE },
		{ "the server's realm has a KDC line, fallback: allowed",
		  { PW_MODE_FALLBACK, PW_REALM_SERVER, true, false, false,
		    PW_KDC_NOT_ASKED }, PW_VIA_SERVER },
		/* an earlier discovery's realm, remembered: the same word */
		{ "a remembered realm, no KDC line: through the server",
		  { PW_MODE_AUTO, PW_REALM_REMEMBERED, false, true, false,
		    PW_KDC_NOT_ASKED }, PW_VIA_SERVER },
		{ "a remembered realm has a KDC line: refused",
		  { PW_MODE_AUTO, PW_REALM_REMEMBERED, true, false, false,
		    PW_KDC_NOT_ASKED }, PW_REFUSE },
		{ "a remembered realm, iakerb_password = no: refused",
		  { PW_MODE_NO, PW_REALM_REMEMBERED, false, true, false,
		    PW_KDC_NOT_ASKED }, PW_REFUSE },
		/* a realm the user or krb5.conf names, with a KDC line */
		{ "user@REALM with a KDC line: ask it first",
		  { PW_MODE_AUTO, PW_REALM_USER, true, false, false,
		    PW_KDC_NOT_ASKED }, PW_ASK_KDC },
		{ "default_realm with a KDC line, sec=iakerb: ask it first",
		  { PW_MODE_AUTO, PW_REALM_DEFAULT, true, false, true,
		    PW_KDC_NOT_ASKED }, PW_ASK_KDC },
		{ "a KDC answered (a TGT or its error): that stands",
		  { PW_MODE_FALLBACK, PW_REALM_USER, true, true, false,
		    PW_KDC_ANSWERED }, PW_USE_KDC },
		{ "KDC line unreachable: refused",
		  { PW_MODE_AUTO, PW_REALM_HOST, true, false, false,
		    PW_KDC_UNREACHABLE }, PW_REFUSE },
		{ "KDC line unreachable, sec=iakerb: still refused",
		  { PW_MODE_AUTO, PW_REALM_USER, true, false, true,
		    PW_KDC_UNREACHABLE }, PW_REFUSE },
		{ "KDC line unreachable, fallback (-I): through the server",
		  { PW_MODE_FALLBACK, PW_REALM_DOMAIN, true, false, false,
		    PW_KDC_UNREACHABLE }, PW_VIA_SERVER },
		/* DNS may know the realm's KDCs */
		{ "user@REALM, DNS lookups on: ask them first",
		  { PW_MODE_AUTO, PW_REALM_USER, false, true, false,
		    PW_KDC_NOT_ASKED }, PW_ASK_KDC },
		{ "DNS found none or none answered: through the server",
		  { PW_MODE_AUTO, PW_REALM_USER, false, true, false,
		    PW_KDC_UNREACHABLE }, PW_VIA_SERVER },
		{ "DNS lookups on, sec=iakerb by the mount: the server",
		  { PW_MODE_AUTO, PW_REALM_DOMAIN, false, true, true,
		    PW_KDC_NOT_ASKED }, PW_VIA_SERVER },
		{ "a named realm, no KDC line, no DNS: the server",
		  { PW_MODE_AUTO, PW_REALM_DEFAULT, false, false, false,
		    PW_KDC_NOT_ASKED }, PW_VIA_SERVER },
		/* iakerb_password = no */
		{ "no: refused even for realm discovery",
		  { PW_MODE_NO, PW_REALM_NONE, false, false, true,
		    PW_KDC_NOT_ASKED }, PW_REFUSE },
		{ "no: a named realm's KDC is still asked from here",
		  { PW_MODE_NO, PW_REALM_USER, false, true, false,
		    PW_KDC_NOT_ASKED }, PW_ASK_KDC },
		{ "no: unreachable KDC, refused",
		  { PW_MODE_NO, PW_REALM_USER, false, true, false,
		    PW_KDC_UNREACHABLE }, PW_REFUSE },
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum pw_step got = pw_decide(&rows[i].f, &why);

		if (got != rows[i].want)
			fail_msg("%s: step %d, not %d", rows[i].what, got,
				 rows[i].want);
		if (got == PW_REFUSE)
			assert_true(why[0]);
	}
	assert_true(pw_kdc_unreachable(KRB5_KDC_UNREACH));
	assert_true(pw_kdc_unreachable(KRB5_REALM_UNKNOWN));
	assert_true(pw_kdc_unreachable(KRB5_REALM_CANT_RESOLVE));
	assert_true(pw_kdc_unreachable(KRB5KDC_ERR_SVC_UNAVAILABLE));
	/* any Kerberos answer is an answer */
	assert_false(pw_kdc_unreachable(KRB5KDC_ERR_PREAUTH_FAILED));
	assert_false(pw_kdc_unreachable(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN));
	assert_false(pw_kdc_unreachable(KRB5KRB_AP_ERR_SKEW));
}

static krb5_context conf_context(const char *text)
{
	static char path[64];
	krb5_context k;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_helper_krb5.%d.conf",
		 (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	setenv("KRB5_CONFIG", path, 1);
	assert_int_equal(krb5_init_context(&k), 0);
	unlink(path);
	unsetenv("KRB5_CONFIG");
	return k;
}

/* The facts, as krb5.conf gives them */
static void password_conf(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *from;
	char *realm;
	krb5_context k;

	(void)state;
	k = conf_context(
		"[libdefaults]\n default_realm = DEF.TEST\n"
		" dns_lookup_kdc = false\n"
		"[realms]\n A.TEST = {\n  kdc = kdc.a.test\n }\n"
		" B.TEST = {\n  admin_server = x\n }\n"
		"[domain_realm]\n .corp.test = CORP.TEST\n"
		" srv.test = HOST.TEST\n"
		"[appdefaults]\n cifs-upcall-iakerb = {\n"
		"  iakerb_password = no\n  store_tickets = owner\n }\n");
	assert_true(realm_has_kdc(k, "A.TEST"));
	assert_false(realm_has_kdc(k, "B.TEST"));
	assert_false(realm_has_kdc(k, "C.TEST"));
	assert_false(realm_dns_kdc(k));
	/* the host, then its parent domains, as libkrb5 reads them */
	assert_int_equal(pw_conf_realm(mem, k, "a.b.Corp.TEST", &realm),
			 PW_REALM_HOST);
	assert_string_equal(realm, "CORP.TEST");
	assert_int_equal(pw_conf_realm(mem, k, "SRV.test.", &realm),
			 PW_REALM_HOST);
	assert_string_equal(realm, "HOST.TEST");
	/* an address or an unmapped name: default_realm */
	assert_int_equal(pw_conf_realm(mem, k, "10.0.0.1", &realm),
			 PW_REALM_DEFAULT);
	assert_string_equal(realm, "DEF.TEST");
	assert_int_equal(pw_conf_realm(mem, k, "other.test", &realm),
			 PW_REALM_DEFAULT);
	/* the switches: the command line wins over krb5.conf */
	assert_int_equal(pw_mode_configured(k, PW_MODE_UNSET, &from),
			 PW_MODE_NO);
	assert_string_equal(from, "krb5.conf iakerb_password");
	assert_int_equal(pw_mode_configured(k, PW_MODE_FALLBACK, &from),
			 PW_MODE_FALLBACK);
	assert_int_equal(store_mode_configured(k, STORE_UNSET, &from),
			 STORE_OWNER);
	assert_int_equal(store_mode_configured(k, STORE_NO, &from), STORE_NO);
	krb5_free_context(k);

	/* nothing said: DNS on (libkrb5's default), auto, store nothing */
	k = conf_context("[libdefaults]\n rdns = false\n");
	assert_true(realm_dns_kdc(k));
	assert_int_equal(pw_conf_realm(mem, k, "srv.test", &realm),
			 PW_REALM_NONE);
	assert_null(realm);
	assert_int_equal(pw_mode_configured(k, PW_MODE_UNSET, &from),
			 PW_MODE_AUTO);
	assert_int_equal(store_mode_configured(k, STORE_UNSET, &from),
			 STORE_NO);
	krb5_free_context(k);

	/* dns_fallback stands in for dns_lookup_kdc; a typo shuts */
	k = conf_context("[libdefaults]\n dns_fallback = no\n"
			 "[appdefaults]\n cifs-upcall-iakerb = {\n"
			 "  iakerb_password = fallbakc\n"
			 "  store_tickets = yes\n }\n");
	assert_false(realm_dns_kdc(k));
	assert_int_equal(pw_mode_configured(k, PW_MODE_UNSET, &from),
			 PW_MODE_NO);
	assert_int_equal(store_mode_configured(k, STORE_UNSET, &from),
			 STORE_NO);
	krb5_free_context(k);
	talloc_free(mem);
}

/* A FILE cache of alice@R holding one TGT that ends at @end */
static char *cache_with_tgt(TALLOC_CTX *mem, krb5_context k, const char *tag,
			    krb5_timestamp end)
{
	char *name = talloc_asprintf(mem, "FILE:/tmp/test_helper_cc.%d.%s",
				     (int)getpid(), tag);
	krb5_creds c = { 0 };
	krb5_ccache cc;

	assert_int_equal(krb5_cc_resolve(k, name, &cc), 0);
	assert_int_equal(krb5_parse_name(k, "alice@R.TEST", &c.client), 0);
	assert_int_equal(krb5_parse_name(k, "krbtgt/R.TEST@R.TEST",
					 &c.server), 0);
	assert_int_equal(krb5_cc_initialize(k, cc, c.client), 0);
	c.times.authtime = c.times.starttime = end - 36000;
	c.times.endtime = end;
	c.keyblock.enctype = ENCTYPE_AES256_CTS_HMAC_SHA1_96;
	c.keyblock.length = 32;
	c.keyblock.contents = (krb5_octet *)"0123456789abcdef0123456789abcdef";
	c.ticket.length = 4;
	c.ticket.data = (char *)"tckt";
	assert_int_equal(krb5_cc_store_cred(k, cc, &c), 0);
	c.keyblock.contents = NULL;
	c.ticket.data = NULL;
	krb5_free_principal(k, c.client);
	krb5_free_principal(k, c.server);
	krb5_cc_close(k, cc);
	return name;
}

/* Only expired tickets: TICKET_EXPIRED, naming the cache; none: NO_CREDS */
static void ccache_expired(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	krb5_timestamp now = (krb5_timestamp)time(NULL);
	struct result res = { .outcome = OUT_OK };
	struct cc_choice cc;
	krb5_context k;
	char *old, *soon, *good;

	(void)state;
	setenv("KRB5CCNAME", "FILE:/nonexistent/cc", 1);
	assert_int_equal(krb5_init_context(&k), 0);
	old = cache_with_tgt(mem, k, "old", now - 3600);
	soon = cache_with_tgt(mem, k, "soon", now + 30);
	good = cache_with_tgt(mem, k, "good", now + 3600);

	assert_int_equal(cc_find_k(mem, k, old, "srv.test", "alice", true,
				   &cc), -ENOENT);
	assert_non_null(cc.stale);
	assert_string_equal(cc.stale, old);
	assert_int_equal(cc_none(&res, &cc, "nothing"), -ESTALE);
	assert_int_equal(res.outcome, IAKERB_OUT_TICKET_EXPIRED);
	assert_non_null(strstr(res.why, "alice@R.TEST"));
	assert_non_null(strstr(res.why, "have expired"));
	/* ending within a minute counts as expired: it would not last */
	assert_int_equal(cc_find_k(mem, k, soon, "srv.test", "alice", false,
				   &cc), -ENOENT);
	assert_non_null(cc.stale);
	/* another user's expired tickets are no hint for this one */
	assert_int_equal(cc_find_k(mem, k, old, "srv.test", "bob", true,
				   &cc), -ENOENT);
	assert_null(cc.stale);
	res.outcome = OUT_OK;
	assert_int_equal(cc_none(&res, &cc, "nothing"), -ENOKEY);
	assert_int_equal(res.outcome, IAKERB_OUT_NO_CREDS);
	/* a valid TGT is used, and nothing is stale */
	assert_int_equal(cc_find_k(mem, k, good, "srv.test", "alice", true,
				   &cc), 0);
	assert_int_equal(cc.state, CC_TGT);
	assert_null(cc.stale);
	unlink(old + 5);
	unlink(soon + 5);
	unlink(good + 5);
	krb5_free_context(k);
	unsetenv("KRB5CCNAME");
	talloc_free(mem);
}

/* ---- SPNEGO framing of the initiator ------------------------------------ */

static void framing_first(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	const uint8_t tok[] = { 0x60, 0x03, 0x06, 0x01, 0x00 };
	struct spnego_token t;
	uint8_t *out, *ml;
	size_t len, ml_len;

	(void)state;
	assert_int_equal(spnego_wrap_first(mem, &oid_iakerb, 1, tok, sizeof(tok),
					   &out, &len, &ml, &ml_len), 0);
	assert_int_equal(spnego_parse(out, len, &t), 0);
	assert_int_equal(t.kind, SPNEGO_NEG_TOKEN_INIT);
	assert_true(t.gss_framed);
	assert_int_equal(t.init.n_mechs, 1);
	assert_true(oid_equal(&t.init.mechs[0], &oid_iakerb));
	assert_blob_equal(t.init.mech_token, tok, sizeof(tok));
	/* what we keep for the MICs is exactly what went out */
	assert_blob_equal(t.init.mech_types, ml, ml_len);
	talloc_free(mem);
}

static void framing_next(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct server_reply rep;
	struct spnego_token t;
	uint8_t *out;
	size_t len;

	(void)state;
	assert_int_equal(spnego_wrap_next(mem, "tok", 3, NULL, 0, &out, &len),
			 0);
	assert_int_equal(spnego_parse(out, len, &t), 0);
	assert_int_equal(t.kind, SPNEGO_NEG_TOKEN_RESP);
	assert_false(t.resp.has_neg_state);
	assert_blob_equal(t.resp.response_token, "tok", 3);
	assert_null(t.resp.mech_list_mic.data);
	assert_int_equal(spnego_wrap_next(mem, NULL, 0, "mic", 3, &out, &len),
			 0);
	assert_int_equal(spnego_unwrap_reply(out, len, &rep), 0);
	assert_null(rep.token.data);
	assert_blob_equal(rep.mic, "mic", 3);
	/* an empty security buffer is a reply with nothing in it */
	assert_int_equal(spnego_unwrap_reply(out, 0, &rep), 0);
	assert_false(rep.has_state);
	talloc_free(mem);
}

static void reply_refused(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct spnego_token t = { .kind = SPNEGO_NEG_TOKEN_RESP };
	struct server_reply rep;
	uint8_t *out, *ml;
	size_t len, ml_len;

	(void)state;
	t.resp.has_neg_state = true;
	t.resp.neg_state = SPNEGO_REJECT;
	assert_int_equal(spnego_build(mem, &t, &out, &len), 0);
	assert_int_equal(spnego_unwrap_reply(out, len, &rep), 0);
	assert_true(rep.reject);
	/* a server does not answer with a negTokenInit */
	assert_int_equal(spnego_wrap_first(mem, &oid_iakerb, 1, "x", 1, &out, &len,
					   &ml, &ml_len), 0);
	assert_int_equal(spnego_unwrap_reply(out, len, &rep), -EPROTO);
	assert_int_not_equal(spnego_unwrap_reply((const uint8_t *)"\xa1\x05",
						 2, &rep), 0);
	talloc_free(mem);
}

/* Every server vector goes through the initiator's reply parser */
static void windows_vectors(void **state)
{
	static const struct {
		int vec;
		const char *what;
	} want[] = {
		{ VEC_KRB_ERROR, "KRB-ERROR 25" },
		{ VEC_AS_REP, "AS-REP" },
		{ VEC_TGS_REP, "TGS-REP" },
		{ VEC_AP_REP_MIC, "AP-REP" },
	};
	struct server_reply rep;
	char what[96];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct vector *v = &vectors[want[i].vec];

		assert_int_equal(spnego_unwrap_reply(v->data, v->len, &rep), 0);
		assert_false(rep.reject);
		describe_token(&rep.token, what, sizeof(what));
		assert_string_equal(what, want[i].what);
	}
	/* 04: AP-REP and mechListMIC, negState accept-incomplete (not 0) */
	assert_int_equal(spnego_unwrap_reply(vectors[VEC_AP_REP_MIC].data,
					     vectors[VEC_AP_REP_MIC].len, &rep),
			 0);
	assert_non_null(rep.mic.data);
	assert_true(rep.has_state);
	/* and the client's negTokenInit is no reply */
	assert_int_equal(spnego_unwrap_reply(vectors[VEC_CLIENT_INIT].data,
					     vectors[VEC_CLIENT_INIT].len,
					     &rep), -EPROTO);
}

/* ---- secrets ------------------------------------------------------------- */

static void secrets(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t a[16], b[16], *s;

	(void)state;
	memset(a, 7, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(ct_equal(a, b, sizeof(a)));
	b[15] ^= 1;
	assert_false(ct_equal(a, b, sizeof(a)));
	s = secret_alloc(mem, 64);
	assert_non_null(s);
	assert_int_equal(talloc_get_size(s), 65);
	assert_int_equal(random_bytes(a, sizeof(a)), 0);
	talloc_free(mem);
}

/*
 * Is the page holding @p locked?  The VmFlags of its mapping in
 * /proc/self/smaps ("lo"): mlock() splits a mapping at the locked pages,
 * so the flag is the page's own.  -1 if @p is in no mapping.
 */
static int page_locked(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	unsigned long lo, hi, a = (unsigned long)p;
	char line[512];
	bool in = false;
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = lo <= a && a < hi;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			ret = strstr(line, " lo") != NULL;
			break;
		}
	}
	fclose(f);
	return ret;
}

static unsigned long page_of(const void *p)
{
	return (unsigned long)p & ~((unsigned long)sysconf(_SC_PAGESIZE) - 1);
}

/*
 * Only the pages of secrets are locked (the agent has no mlockall()), so
 * these locks must hold: a secret freed does not unlock a page another
 * live secret shares (locks do not stack), a fork()ed child (the agent)
 * gets them back with secret_relock(), and the last one freed unlocks.
 */
static void secret_pages_locked(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *s[16], *x = NULL, *y = NULL;
	int i, j, st;
	pid_t pid;

	(void)state;
	for (i = 0; i < 16; i++) {
		s[i] = secret_alloc(mem, 48);
		assert_non_null(s[i]);
		assert_int_equal(page_locked(s[i]), 1);
	}
	/* two small secrets on one page (the allocator packs them) */
	for (i = 0; i < 16 && !x; i++)
		for (j = i + 1; j < 16 && !x; j++)
			if (page_of(s[i]) == page_of(s[j])) {
				x = s[i];
				y = s[j];
			}
	assert_non_null(x);
	for (i = 0; i < 16; i++)
		if (s[i] != y)
			talloc_free(s[i]);
	/* x's destructor ran: its page holds y, which stays locked */
	assert_int_equal(page_locked(y), 1);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* locks are not inherited: the agent must take them again */
		if (page_locked(y) != 0)
			_exit(2);
		if (secret_relock() || page_locked(y) != 1)
			_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	talloc_free(y);
	/* the last secret on the page: nothing keeps it locked */
	assert_int_equal(page_locked(x), 0);
	talloc_free(mem);
}

/* ---- privileges --------------------------------------------------------- */

/* A child that is root with group 4242; with @setgid false it cannot
 * clear its groups (no CAP_SETGID).  Exit 0: privs_drop() did right. */
static void groups_child(bool setgid)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct result res = { .outcome = OUT_OK };
	gid_t g = 4242;
	int ret;

	if (setgroups(1, &g) || syscall(SYS_capget, &hdr, data))
		_exit(2);
	if (!setgid) {
		data[0].effective &= ~(1u << CAP_SETGID);
		data[0].permitted &= ~(1u << CAP_SETGID);
		if (syscall(SYS_capset, &hdr, data))
			_exit(2);
	}
	/* uid and gid stay 0 (allowed without CAP_SETGID): only the
	 * supplementary group is left to drop */
	ret = privs_drop(0, 0, &res);
	if (setgid)
		_exit(ret == 0 && getgroups(0, NULL) == 0 ? 0 : 1);
	_exit(ret && res.outcome == IAKERB_OUT_NOT_PERMITTED ? 0 : 1);
}

static void privs_groups_must_go(void **state)
{
	bool setgid;
	pid_t pid;
	int st;

	(void)state;
	if (geteuid() != 0)
		skip();
	for (setgid = false; ; setgid = true) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			groups_child(setgid);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		/* without CAP_SETGID root's group must stop the drop */
		assert_int_equal(WEXITSTATUS(st), 0);
		if (setgid)
			break;
	}
}

/* ---- the worker (worker.c): what comes back from the caller's world ---- */

/* what the child's fn does, chosen before each worker_run */
enum worker_act { W_GOOD, W_HOSTILE_RESULT, W_WRONG_KIND, W_KILLED,
		  W_POSITIVE_RET };
static enum worker_act worker_act;
static int renounced;

static int fake_renounce(struct upcall_io *io)
{
	(void)io;
	renounced++;	/* in the child: seen by its fn only */
	return 0;
}

static int refuse_renounce(struct upcall_io *io)
{
	(void)io;
	return -EPERM;
}

static int worker_fn_test(struct upcall_ctx *u, TALLOC_CTX *mem,
			  struct payload *p)
{
	static const char bytes[] = "0123456789";

	/* the authority goes before anything of the caller's runs */
	if (renounced != 1)
		_exit(7);
	switch (worker_act) {
	case W_GOOD:
	case W_WRONG_KIND:
		p->data = talloc_memdup(mem, bytes, 10);
		p->len = 10;
		p->flags = worker_act == W_GOOD ? IAKERB_MSG_LEGACY :
			   IAKERB_MSG_CONTINUE;
		return 0;
	case W_HOSTILE_RESULT:
		/* a module of the caller's may write anything there */
		u->res.outcome = 9999;
		strcpy(u->res.why, "forged\nline\x1b[2J");
		return -EKEYREJECTED;
	case W_KILLED:
		kill(getpid(), SIGKILL);
		return 0;
	case W_POSITIVE_RET:
		return 5;
	}
	return -EINVAL;
}

static void worker_replies_checked(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct upcall_opts o = { 0 };
	struct upcall_io io = { .kind = "test", .renounce = fake_renounce };
	struct upcall_ctx u;
	struct payload p;

	(void)state;
	if (geteuid() != 0)
		skip();	/* the child drops its groups: CAP_SETGID */
#define RUN(act) do {							\
		memset(&u, 0, sizeof(u));				\
		u.mem = talloc_new(mem);				\
		u.o = &o;						\
		u.io = &io;						\
		u.res.outcome = OUT_OK;					\
		u.caller.pidfd = u.caller.procfd = -1;			\
		u.caller.uid = getuid();				\
		u.caller.gid = getgid();				\
		memset(&p, 0, sizeof(p));				\
		worker_act = (act);					\
		renounced = 0;						\
	} while (0)

	RUN(W_GOOD);
	assert_int_equal(worker_run(&u, mem, worker_fn_test, &p), 0);
	assert_int_equal(p.len, 10);
	assert_int_equal(p.flags, IAKERB_MSG_LEGACY);
	assert_memory_equal(p.data, "0123456789", 10);
	/* the parent never renounced: its authority answers the kernel */
	assert_int_equal(renounced, 0);

	/* an outcome out of range and a line with controls: ours instead */
	RUN(W_HOSTILE_RESULT);
	assert_int_equal(worker_run(&u, mem, worker_fn_test, &p),
			 -EKEYREJECTED);
	assert_int_equal(u.res.outcome, IAKERB_OUT_BAD_PASSWORD);
	assert_string_equal(u.res.why, "forged?line?[2J");

	RUN(W_WRONG_KIND);
	assert_int_equal(worker_run(&u, mem, worker_fn_test, &p), -EPROTO);
	assert_int_equal(u.res.outcome, IAKERB_OUT_PROTOCOL);
	assert_non_null(strstr(u.res.why, "malformed"));
	assert_int_equal(p.len, 0);

	RUN(W_KILLED);
	assert_int_equal(worker_run(&u, mem, worker_fn_test, &p), -EPROTO);
	assert_non_null(strstr(u.res.why, "killed by signal 9"));

	RUN(W_POSITIVE_RET);
	assert_int_equal(worker_run(&u, mem, worker_fn_test, &p), -EPROTO);
	assert_int_equal(u.res.outcome, IAKERB_OUT_PROTOCOL);

	/* a child that cannot give the authority up runs nothing */
	RUN(W_GOOD);
	io.renounce = refuse_renounce;
	assert_int_equal(worker_run(&u, mem, worker_fn_test, &p), -EPERM);
	assert_int_equal(u.res.outcome, IAKERB_OUT_NOT_PERMITTED);
	assert_non_null(strstr(u.res.why, "cannot give up"));
#undef RUN
	talloc_free(mem);
}

/* uid_map/gid_map of a container: 0..65535 inside is 100000.. outside */
/*
 * Whose KRB5CCNAME names the owner's cache: the owner's own task, or
 * root's (cruid=); never a third user's (bob running a setuid-alice
 * program would otherwise choose alice's cache).
 */
static void privs_env_callers(void **state)
{
	(void)state;
	assert_true(privs_env_trusted(1000, 1000));
	assert_true(privs_env_trusted(0, 1000));
	assert_false(privs_env_trusted(1001, 1000));
	assert_false(privs_env_trusted(65534, 1000));
	/* root for itself: the env is not read for creduid 0 (main.c) */
	assert_true(privs_env_trusted(0, 0));
	assert_false(privs_env_trusted(1000, 0));
}

static void privs_unmapped_ids(void **state)
{
	static const char map[] = "         0     100000      65536\n";
	static const char other[] = "0 200000 10\n";
	const char *what = NULL;
	uid_t u = 0;
	gid_t g = 0;

	(void)state;
	assert_int_equal(privs_map_owner(map, map, 101000, 101005, &u, &g,
					 &what), 0);
	assert_int_equal(u, 1000);
	assert_int_equal(g, 1005);
	/* an unmapped gid is an error, not the uid's number */
	assert_int_equal(privs_map_owner(map, other, 101000, 101005, &u, &g,
					 &what), -ENOENT);
	assert_string_equal(what, "gid");
	assert_int_equal(privs_map_owner(other, map, 101000, 101005, &u, &g,
					 &what), -ENOENT);
	assert_string_equal(what, "uid");
}

/* ---- the log ------------------------------------------------------------ */

/* A server-chosen realm with a newline, a forged syslog header, a
 * terminal escape, a backslash and UTF-8 stays one line of ASCII */
static void log_lines_escaped(void **state)
{
	static const char want[] = "realm EVIL\\x0a<13>Nov 30 00:00:00 "
		"cifs-upcall-iakerb[1]: forged\\x1b[2J\\\\x0a\\xc3\\xa9\n";
	char buf[1024], out[8];
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n, i;

	(void)state;
	assert_non_null(f);
	log_open(true, false);
	dup2(fileno(f), 2);
	ulog(LOG_ERR, "realm %s", "EVIL\n<13>Nov 30 00:00:00 "
	     "cifs-upcall-iakerb[1]: forged\x1b[2J\\x0a\xc3\xa9");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_open(false, false);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_non_null(strstr(buf, want));
	for (i = 0; i + 1 < n; i++)
		assert_true(buf[i] >= 0x20 && buf[i] < 0x7f);
	assert_int_equal(buf[n - 1], '\n');
	/* cut short, never in the middle of an escape */
	assert_int_equal(log_escape(out, 6, "ab\n"), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(log_escape(out, sizeof(out), "a\\b"), 4);
	assert_string_equal(out, "a\\\\b");
}

/* ---- ccaches ------------------------------------------------------------ */

/* A FILE ccache holding alice's TGT that ends at @end */
static void tgt_cache(krb5_context k, const char *name, krb5_timestamp end)
{
	static uint8_t key[32];
	krb5_principal client, server;
	krb5_ccache cc;
	krb5_creds c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(krb5_parse_name(k, "alice@T.TEST", &client), 0);
	assert_int_equal(krb5_parse_name(k, "krbtgt/T.TEST@T.TEST", &server),
			 0);
	assert_int_equal(krb5_cc_resolve(k, name, &cc), 0);
	assert_int_equal(krb5_cc_initialize(k, cc, client), 0);
	c.client = client;
	c.server = server;
	c.times.authtime = c.times.starttime = (krb5_timestamp)time(NULL);
	c.times.endtime = end;
	c.keyblock.enctype = ENCTYPE_AES256_CTS_HMAC_SHA1_96;
	c.keyblock.length = sizeof(key);
	c.keyblock.contents = key;
	c.ticket.length = 1;
	c.ticket.data = (char *)"t";
	assert_int_equal(krb5_cc_store_cred(k, cc, &c), 0);
	krb5_cc_close(k, cc);
	krb5_free_principal(k, client);
	krb5_free_principal(k, server);
}

/*
 * krb5_timestamp is 32 bits that MIT reads as unsigned: a ticket ending
 * in 2097 (0xf0000000) is valid, one ending within CC_MIN_LIFE is not.
 */
static void ccache_times(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char name[64];
	struct cc_choice out;
	krb5_context k;

	(void)state;
	snprintf(name, sizeof(name), "FILE:/tmp/test_helper_cc.%d",
		 (int)getpid());
	/* the default cache is this one too: nothing else counts */
	setenv("KRB5CCNAME", name, 1);
	assert_int_equal(krb5_init_context(&k), 0);

	tgt_cache(k, name, (krb5_timestamp)0xf0000000u);
	assert_int_equal(cc_find_k(mem, k, name, "srv.test", "", false, &out),
			 0);
	assert_int_equal(out.state, CC_TGT);

	tgt_cache(k, name, (krb5_timestamp)(time(NULL) + 3600));
	assert_int_equal(cc_find_k(mem, k, name, "srv.test", "", false, &out),
			 0);
	assert_int_equal(out.state, CC_TGT);

	tgt_cache(k, name, (krb5_timestamp)(time(NULL) + 30));
	assert_int_not_equal(cc_find_k(mem, k, name, "srv.test", "", false,
				       &out), 0);
	tgt_cache(k, name, (krb5_timestamp)(time(NULL) - 3600));
	assert_int_not_equal(cc_find_k(mem, k, name, "srv.test", "", false,
				       &out), 0);

	unlink(name + 5);
	unsetenv("KRB5CCNAME");
	krb5_free_context(k);
	talloc_free(mem);
}

/*
 * A KCM daemon that does not answer: no socket at all (stopped, the file
 * removed) or one left behind with nobody listening (a stopped systemd
 * socket unit keeps its file).  The cache search finds nothing, at once,
 * and the failure names the cache and why; a FILE cache that does not
 * exist yet is no such failure.
 */
static void ccache_kcm_down(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct result res = { .outcome = OUT_OK };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char conf[64], sock[64];
	struct cc_choice cc;
	krb5_context k;
	FILE *f;
	int fd;

	(void)state;
	snprintf(conf, sizeof(conf), "/tmp/test_helper_kcm.%d.conf",
		 (int)getpid());
	snprintf(sock, sizeof(sock), "/tmp/test_helper_kcm.%d.sock",
		 (int)getpid());
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "[libdefaults]\n\tkcm_socket = %s\n", sock);
	fclose(f);
	setenv("KRB5_CONFIG", conf, 1);
	setenv("KRB5CCNAME", "FILE:/nonexistent/cc", 1);
	assert_int_equal(krb5_init_context(&k), 0);

	/* no socket */
	unlink(sock);
	assert_int_equal(cc_find_k(mem, k, "KCM:", "srv.test", "alice", false,
				   &cc), -ENOENT);
	assert_non_null(cc.unreadable);
	assert_non_null(strstr(cc.unreadable, "KCM: cannot be read"));
	assert_int_equal(cc_none(&res, &cc, "nothing"), -ENOKEY);
	assert_int_equal(res.outcome, IAKERB_OUT_NO_CREDS);
	assert_non_null(strstr(res.why, "nothing (KCM: cannot be read: "));

	/* a socket nobody listens on */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	strcpy(sa.sun_path, sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(cc_find_k(mem, k, "KCM:", "srv.test", "alice", false,
				   &cc), -ENOENT);
	assert_non_null(cc.unreadable);
	assert_non_null(strstr(cc.unreadable, "KCM: cannot be read"));
	close(fd);
	unlink(sock);

	/* a FILE cache not made yet is not unreadable */
	assert_int_equal(cc_find_k(mem, k, "FILE:/nonexistent/cc2",
				   "srv.test", "alice", false, &cc), -ENOENT);
	assert_null(cc.unreadable);
	res.outcome = OUT_OK;
	assert_int_equal(cc_none(&res, &cc, "nothing"), -ENOKEY);
	assert_string_equal(res.why, "nothing");

	krb5_free_context(k);
	unlink(conf);
	unsetenv("KRB5_CONFIG");
	unsetenv("KRB5CCNAME");
	talloc_free(mem);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(opts_defaults),
	cmocka_unit_test(reauth_advice_rules),
	cmocka_unit_test(opts_cifs_upcall_compat),
	cmocka_unit_test(opts_refused),
	cmocka_unit_test(request_legacy_72),
	cmocka_unit_test(request_refused),
	cmocka_unit_test(request_multileg),
	cmocka_unit_test(request_callout_mismatch),
	cmocka_unit_test(reject_timeouts),
	cmocka_unit_test(payloads),
	cmocka_unit_test(agent_identity),
	cmocka_unit_test(outcomes),
	cmocka_unit_test(krb5_codes),
	cmocka_unit_test(outcomes_distinct),
	cmocka_unit_test(ccache_expired),
	cmocka_unit_test(password_rule),
	cmocka_unit_test(password_conf),
	cmocka_unit_test(framing_first),
	cmocka_unit_test(framing_next),
	cmocka_unit_test(reply_refused),
	cmocka_unit_test(windows_vectors),
	cmocka_unit_test(secrets),
	cmocka_unit_test(secret_pages_locked),
	cmocka_unit_test(privs_groups_must_go),
	cmocka_unit_test(worker_replies_checked),
	cmocka_unit_test(privs_unmapped_ids),
	cmocka_unit_test(privs_env_callers),
	cmocka_unit_test(log_lines_escaped),
	cmocka_unit_test(ccache_times),
	cmocka_unit_test(ccache_kcm_down),
};

int main(int argc, char **argv)
{

	vectors_dir = argc > 1 ? argv[1] : NULL;
	return _cmocka_run_group_tests("helper", tests,
				       sizeof(tests) / sizeof(tests[0]),
				       load_vectors, free_vectors);
}
