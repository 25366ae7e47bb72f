// SPDX-License-Identifier: GPL-2.0
/*
 * cifs-upcall-iakerb --check //host/share: tell a user, without mounting,
 * what a mount of that share would do and why it would fail (check.h).
 * It runs as whoever calls it, with their KRB5CCNAME and krb5.conf: the
 * credentials it reports are the ones a mount by that user would use.
 * Nothing secret is read: no password, no key, no ticket contents.
 *
 * Output: one "label: text" line per fact, in a fixed order; the labels
 * are documented in cifs-upcall-iakerb(8) and scripts may match them.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "ccache_find.h"

struct check_args {
	const char *unc;
	const char *ip;
	const char *user;
	unsigned int port;
	unsigned int timeout;
	bool sec_iakerb;
};

static const struct option check_opts[] = {
	{ "check",	required_argument,	NULL, 'C' },
	{ "ip",		required_argument,	NULL, 'i' },
	{ "port",	required_argument,	NULL, 'p' },
	{ "user",	required_argument,	NULL, 'u' },
	{ "sec",	required_argument,	NULL, 'S' },
	{ "krb5conf",	required_argument,	NULL, 'k' },
	{ "timeout",	required_argument,	NULL, 'T' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void check_usage(FILE *f)
{
	fprintf(f,
"Usage: " UPCALL_PROG " --check //HOST/SHARE [--ip ADDR] [--port N]\n"
"           [--user NAME] [--sec krb5|iakerb] [-k KRB5CONF] [--timeout S]\n"
"\n"
"Without mounting: which mechanisms the server offers, whether a KDC of\n"
"the realm answers this machine, which credentials a mount by the\n"
"calling user would use, and what the mount would do.  Exit status: 0 a\n"
"mount has a way to succeed, 1 it would fail (the \"mount\" lines say\n"
"why), 2 usage, 3 the server gave no SMB2 answer.\n");
}

static int uint_arg(const char *s, unsigned int max, unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || n == 0 || n > max)
		return -EINVAL;
	*v = (unsigned int)n;
	return 0;
}

static int check_parse(int argc, char **argv, struct check_args *a)
{
	unsigned int v;
	int c;

	memset(a, 0, sizeof(*a));
	a->port = 445;
	a->timeout = 10;
	a->user = "";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:h", check_opts, NULL)) != -1) {
		switch (c) {
		case 'C':
			a->unc = optarg;
			break;
		case 'i':
			a->ip = optarg;
			break;
		case 'p':
			if (uint_arg(optarg, 65535, &a->port))
				return -EINVAL;
			break;
		case 'u':
			a->user = optarg;
			break;
		case 'S':
			if (!strcmp(optarg, "iakerb"))
				a->sec_iakerb = true;
			else if (strcmp(optarg, "krb5"))
				return -EINVAL;
			break;
		case 'k':
			setenv("KRB5_CONFIG", optarg, 1);
			break;
		case 'T':
			if (uint_arg(optarg, 300, &v))
				return -EINVAL;
			a->timeout = v;
			break;
		case 'h':
			return 1;
		default:
			return -EINVAL;
		}
	}
	return a->unc && optind == argc ? 0 : -EINVAL;
}

/* //host/share or \\host\share: the host, a child of @mem */
static char *unc_host(TALLOC_CTX *mem, const char *unc)
{
	size_t n;

	if (!((unc[0] == '/' && unc[1] == '/') ||
	      (unc[0] == '\\' && unc[1] == '\\')))
		return NULL;
	unc += 2;
	n = strcspn(unc, "/\\");
	if (!n || !unc[n] || !unc[n + 1])
		return NULL;
	return talloc_strndup(mem, unc, n);
}

/* The server's address: --ip, else the name's first address */
static char *resolve(TALLOC_CTX *mem, const char *host, const char *ip,
		     const char **err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	char buf[INET6_ADDRSTRLEN];
	int ret;

	if (ip)
		return talloc_strdup(mem, ip);
	ret = getaddrinfo(host, NULL, &hints, &ai);
	if (ret) {
		*err = gai_strerror(ret);
		return NULL;
	}
	ret = getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof(buf),
			  NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(ai);
	if (ret) {
		*err = gai_strerror(ret);
		return NULL;
	}
	return talloc_strdup(mem, buf);
}

/* The server part; CHECK_EXIT_OK or CHECK_EXIT_NO_SERVER */
static int check_server(TALLOC_CTX *mem, const struct check_args *a,
			const char *host, struct check_facts *f)
{
	const char *what, *err = NULL;
	struct smb_neg_info ni;
	char names[256], missing[128];
	uint8_t *msg;
	uint32_t status;
	size_t len;
	char *addr;
	int ret;

	addr = resolve(mem, host, a->ip, &err);
	if (!addr) {
		printf("server: %s: cannot resolve the name: %s (--ip ADDR "
		       "gives the address, as mount's ip=)\n", host,
		       err ? err : "out of memory");
		return CHECK_EXIT_NO_SERVER;
	}
	ret = smb_neg_exchange(mem, addr, a->port, a->timeout, &msg, &len,
			       &what);
	if (!ret)
		ret = smb_neg_parse(msg, len, &status, &ni);
	else
		status = 0;
	if (ret == -EREMOTEIO) {
		printf("server: %s port %u refused NEGOTIATE: status 0x%08x\n",
		       addr, a->port, status);
		return CHECK_EXIT_NO_SERVER;
	}
	if (ret) {
		printf("server: %s port %u: %s: %s\n", addr, a->port, what,
		       ret == -EPROTONOSUPPORT ? "not an SMB2 server" :
		       ret == -EBADMSG ? "malformed reply" : strerror(-ret));
		return CHECK_EXIT_NO_SERVER;
	}
	printf("server: %s at %s port %u, SMB dialect %x.%x.%x\n", host, addr,
	       a->port, ni.dialect >> 8, (ni.dialect >> 4) & 0xf,
	       ni.dialect & 0xf);
	if (!ni.sec_len) {
		f->no_blob = true;
		printf("server offers: nothing named (no security buffer): "
		       "a mount sends what sec= says\n");
		return CHECK_EXIT_OK;
	}
	ret = check_mechs(ni.sec, ni.sec_len, &f->mechs, names,
			  sizeof(names));
	if (ret) {
		f->no_blob = true;
		printf("server offers: unreadable security buffer (%s)\n",
		       strerror(-ret));
		return CHECK_EXIT_OK;
	}
	printf("server offers: %s\n", names[0] ? names : "no mechanism");
	check_mech_list(~f->mechs & (CHECK_MECH_KRB5 | CHECK_MECH_MSKRB5 |
				     CHECK_MECH_IAKERB | CHECK_MECH_NTLMSSP |
				     CHECK_MECH_NEGOEX), missing,
			sizeof(missing));
	if (missing[0])
		printf("server does not offer: %s\n", missing);
	return CHECK_EXIT_OK;
}

static const char *kdc_text(enum check_kdc s)
{
	switch (s) {
	case CHECK_KDC_NO_REALM:
		return "not asked: no realm known";
	case CHECK_KDC_NONE:
		return "no KDC configured";
	case CHECK_KDC_REACHABLE:
		return "reachable";
	default:
		return "unreachable";
	}
}

/* The realm, its KDC, the password rule's facts */
static void check_realm(TALLOC_CTX *mem, krb5_context k,
			const struct check_args *a, const char *host,
			struct check_facts *f)
{
	const char *at = strrchr(a->user, '@'), *detail, *from;
	char *realm = NULL;

	f->pw.mode = pw_mode_configured(k, PW_MODE_UNSET, &from);
	if (at && at[1]) {
		realm = talloc_strdup(mem, at + 1);
		f->pw.from = PW_REALM_USER;
	} else {
		f->pw.from = pw_conf_realm(mem, k, host, &realm);
	}
	if (!realm) {
		printf("realm: none known (no user@REALM, no krb5.conf "
		       "[domain_realm] entry or default_realm): IAKerb would "
		       "ask the server's\n");
	} else {
		printf("realm: %s (from %s)\n", realm,
		       pw_realm_from_name(f->pw.from));
	}
	f->pw.conf_kdc = realm_has_kdc(k, realm);
	f->pw.dns_kdc = realm_dns_kdc(k);
	f->kdc = check_kdc_probe(k, realm, &detail);
	if (f->kdc == CHECK_KDC_NO_REALM)
		return;
	if (f->kdc == CHECK_KDC_REACHABLE)
		f->pw.kdc = PW_KDC_ANSWERED;
	else if (f->kdc == CHECK_KDC_UNREACHABLE ||
		 (f->kdc == CHECK_KDC_NONE && detail[0]))
		f->pw.kdc = PW_KDC_UNREACHABLE;
	printf("kdc: %s %s from this machine%s%s%s\n", realm,
	       kdc_text(f->kdc), f->pw.conf_kdc ? " (krb5.conf names one)" :
	       f->pw.dns_kdc ? " (DNS may name one)" : "",
	       detail[0] ? ": " : "", detail);
	printf("password policy: iakerb_password = %s (%s)\n",
	       pw_mode_name(f->pw.mode), from);
}

/* A cache of another principal than username= (ccache.c's fallback) */
static bool other_user(krb5_context k, const char *principal,
		       const char *user)
{
	krb5_principal p;
	bool other;

	if (!user[0] || krb5_parse_name(k, principal, &p))
		return false;
	other = !cc_principal_is_user(k, p, user);
	krb5_free_principal(k, p);
	return other;
}

static void check_creds(TALLOC_CTX *mem, krb5_context k,
			const struct check_args *a, const char *host,
			struct check_facts *f)
{
	struct cc_choice cc;
	char when[64];
	struct tm tm;
	time_t end;

	if (cc_find_k(mem, k, getenv("KRB5CCNAME"), host, a->user, false,
		      &cc)) {
		f->cc = CC_NONE;
		f->cc_stale = cc.stale != NULL;
		if (cc.stale)
			printf("credentials: expired: %s in %s (kinit renews "
			       "them)\n", cc.stale_principal ?
			       cc.stale_principal : "?", cc.stale);
		else
			printf("credentials: none usable for %s in %s\n",
			       a->user[0] ? a->user : "any user",
			       cc.collection && cc.collection[0] ?
			       cc.collection : "the default cache");
		return;
	}
	f->cc = cc.state;
	end = (time_t)cc.end;
	if (!gmtime_r(&end, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "?");
	printf("credentials: %s in %s, %s, expires %s%s\n", cc.principal,
	       cc.name, cc.state == CC_SERVICE ?
	       "service ticket for cifs/<host>" : "TGT", when,
	       other_user(k, cc.principal, a->user) ?
	       " (not the user named: a mount uses it all the same, as "
	       "cifs.upcall does, when the user has no cache of its own)" :
	       "");
}

static void print_plan(const char *label, const struct check_facts *f,
		       bool password, bool *ok)
{
	struct check_verdict v;

	check_plan(f, password, &v);
	printf("%s: %s%s", label, v.ok ? "" : "fail: ", v.how);
	if (v.err)
		printf(" (mount error(%d): %s)", v.err, strerror(v.err));
	printf("\n");
	*ok |= v.ok;
}

int check_main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct check_facts f = { 0 };
	struct check_args a;
	krb5_context k = NULL;
	char *host = NULL;
	bool ok = false;
	int ret;

	ret = check_parse(argc, argv, &a);
	if (ret > 0) {
		check_usage(stdout);
		ret = CHECK_EXIT_OK;
		goto out;
	}
	if (!ret && !(host = unc_host(mem, a.unc)))
		ret = -EINVAL;
	if (ret) {
		check_usage(stderr);
		ret = CHECK_EXIT_USAGE;
		goto out;
	}
	f.sec_iakerb = a.sec_iakerb;
	ret = check_server(mem, &a, host, &f);
	if (ret)
		goto out;
	if (krb5_init_context(&k)) {
		printf("kdc: cannot read krb5.conf (krb5_init_context "
		       "failed)\n");
		ret = CHECK_EXIT_WOULD_FAIL;
		goto out;
	}
	check_realm(mem, k, &a, host, &f);
	check_creds(mem, k, &a, host, &f);
	print_plan(a.sec_iakerb ? "mount sec=iakerb, no password" :
		   "mount sec=krb5, no password", &f, false, &ok);
	print_plan(a.sec_iakerb ? "mount sec=iakerb, with a password" :
		   "mount sec=krb5, with a password", &f, true, &ok);
	ret = ok ? CHECK_EXIT_OK : CHECK_EXIT_WOULD_FAIL;
out:
	if (k)
		krb5_free_context(k);
	talloc_free(mem);
	return ret;
}
