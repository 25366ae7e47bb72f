// SPDX-License-Identifier: GPL-2.0
/*
 * localkdc: the command line.  Parses, runs one command, prints its
 * report (stdout) or its one-line failure (stderr), and exits with the
 * command's enum localkdc_rc.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lkdc.h"

static const char usage_text[] =
"Usage: localkdc [PATH OPTIONS] COMMAND [OPTIONS]\n"
"\n"
"A Kerberos realm of this machine only, LOCALKDC.<UUID>: an MIT KDC that\n"
"listens on a UNIX socket alone and starts on the first request.\n"
"\n"
"Commands:\n"
"  setup     make the realm (or complete it: it is idempotent)\n"
"              --realm NAME      realm name (default LOCALKDC.<UUID>)\n"
"              --host NAME       host name of cifs/ and host/ (default: this host)\n"
"              --user ACCOUNT    a principal for a local account (repeatable);\n"
"                                its password is read from the terminal, or one\n"
"                                line per new account from stdin\n"
"              --cifs-owner ACCOUNT  owner of cifs.keytab (default root)\n"
"              --idle-exit S     stop the KDC after S idle seconds (0: never);\n"
"                                where systemd is not PID 1\n"
"              --force           replace an existing realm\n"
"  teardown  stop the KDC and remove exactly what setup made\n"
"  status    realm, socket, KDC, principals, trusts   [--json]\n"
"  start     hold the socket; the KDC starts on the first request  [--now]\n"
"  stop      stop the KDC and release the socket\n"
"  ensure    the KDC answers and the user has a valid TGT of the realm\n"
"              --user ACCOUNT    (root only) for this account\n"
"              --ccache NAME     credential cache (default: the user's)\n"
"              --min-lifetime S  renew or replace a TGT ending within S seconds\n"
"                                (default 3600)\n"
"              --no-start        fail rather than start a KDC that is down\n"
"  trust offer PEER-REALM   let this realm's users reach PEER-REALM's services\n"
"              (krbtgt/PEER@HERE): prints a token (stdout) and a one-time\n"
"              passphrase (stderr) for the peer's owner\n"
"              --expires TIME    1h, 1d (default), 1w, 30m, or seconds\n"
"              --both-ways       also the peer's users to this realm's services\n"
"              --peer-host HOST  a machine of the peer whose services this\n"
"                                realm's users use (repeatable): mapped to\n"
"                                PEER-REALM in the snippet's [domain_realm]\n"
"              --force           replace a trust with PEER-REALM\n"
"  trust accept [FILE]      import a token (from FILE, else the first line of\n"
"              stdin), then the passphrase (terminal, else next stdin line)\n"
"              --peer-host HOST  as for offer; only for a --both-ways token\n"
"              --force           replace a trust with the offering realm\n"
"  trust list               PEER-REALM DIRECTION(out|in|both) EXPIRES\n"
"                           PEER-HOSTS(a,b or -)\n"
"  trust remove PEER-REALM  delete the trust's principals and its line\n"
"\n"
"Path options (also environment variables):\n"
"  --root DIR           prefix of every path below (LOCALKDC_ROOT)\n"
"  --state-dir DIR      default ROOT/var/lib/localkdc (LOCALKDC_STATE_DIR)\n"
"  --run-dir DIR        default ROOT/run/localkdc (LOCALKDC_RUN_DIR)\n"
"  --krb5-conf-dir DIR  default ROOT/etc/krb5.conf.d (LOCALKDC_KRB5_CONF_DIR)\n"
"\n"
"Exit codes: 0 ok, 1 error, 2 usage, 3 a realm exists (--force),\n"
"4 not set up or database missing, 5 KDC not answering, 6 no TGT could be\n"
"had, 7 unsafe ownership of the socket or run directory, 8 trust token\n"
"refused (damaged, altered, wrong passphrase, expired, for another realm).\n";

enum { O_ROOT = 256, O_STATE, O_RUN, O_CONF, O_REALM, O_HOST, O_USER,
       O_CIFS_OWNER, O_IDLE, O_FORCE, O_JSON, O_NOW, O_CCACHE, O_MIN, O_NO_START,
       O_EXPIRES, O_BOTH, O_PEER_HOST };

static const struct option longopts[] = {
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "root",		required_argument,	NULL, O_ROOT },
	{ "state-dir",		required_argument,	NULL, O_STATE },
	{ "run-dir",		required_argument,	NULL, O_RUN },
	{ "krb5-conf-dir",	required_argument,	NULL, O_CONF },
	{ "realm",		required_argument,	NULL, O_REALM },
	{ "host",		required_argument,	NULL, O_HOST },
	{ "user",		required_argument,	NULL, O_USER },
	{ "cifs-owner",		required_argument,	NULL, O_CIFS_OWNER },
	{ "idle-exit",		required_argument,	NULL, O_IDLE },
	{ "force",		no_argument,		NULL, O_FORCE },
	{ "json",		no_argument,		NULL, O_JSON },
	{ "now",		no_argument,		NULL, O_NOW },
	{ "ccache",		required_argument,	NULL, O_CCACHE },
	{ "min-lifetime",	required_argument,	NULL, O_MIN },
	{ "no-start",		no_argument,		NULL, O_NO_START },
	{ "expires",		required_argument,	NULL, O_EXPIRES },
	{ "both-ways",		no_argument,		NULL, O_BOTH },
	{ "peer-host",		required_argument,	NULL, O_PEER_HOST },
	{ NULL, 0, NULL, 0 }
};

struct cli {
	struct localkdc_where where;
	struct lkdc_setup_opts setup;
	const char *users[LKDC_MAX_USERS];
	const char *peer_hosts[LKDC_MAX_PEER_HOSTS];
	const char *ccache;
	unsigned int min_lifetime;
	struct lkdc_trust_opts trust;
	const char *trust_sub;
	bool json, now, no_start;
	unsigned int seen;		/* command option bits, to check them */
};

/* Which command options each command takes (bits of O_REALM..) */
#define BIT(o)		(1u << ((o) - O_REALM))
static const struct { const char *name; unsigned int opts; } commands[] = {
	{ "setup",	BIT(O_REALM) | BIT(O_HOST) | BIT(O_USER) |
			BIT(O_CIFS_OWNER) | BIT(O_IDLE) | BIT(O_FORCE) },
	{ "teardown",	0 },
	{ "status",	BIT(O_JSON) },
	{ "start",	BIT(O_NOW) },
	{ "stop",	0 },
	{ "ensure",	BIT(O_USER) | BIT(O_CCACHE) | BIT(O_MIN) |
			BIT(O_NO_START) },
	{ "trust",	BIT(O_EXPIRES) | BIT(O_BOTH) | BIT(O_FORCE) |
			BIT(O_PEER_HOST) },
};

/* trust's sub-commands: their options, their argument (0 none, 1 needed,
 * 2 optional) */
static const struct {
	const char *name;
	unsigned int opts;
	int arg;
} trust_subs[] = {
	{ "offer",	BIT(O_EXPIRES) | BIT(O_BOTH) | BIT(O_FORCE) |
			BIT(O_PEER_HOST), 1 },
	{ "accept",	BIT(O_FORCE) | BIT(O_PEER_HOST), 2 },
	{ "list",	0, 0 },
	{ "remove",	0, 1 },
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, LKDC_PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'localkdc --help'.\n");
	return LOCALKDC_USAGE;
}

static int parse(int argc, char **argv, struct cli *c)
{
	char *end;
	long v;
	int opt;

	while ((opt = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		if (opt >= O_REALM)
			c->seen |= BIT(opt);
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			puts(LKDC_PROG " " LKDC_VERSION);
			exit(0);
		case O_ROOT:	c->where.root = optarg; break;
		case O_STATE:	c->where.state_dir = optarg; break;
		case O_RUN:	c->where.run_dir = optarg; break;
		case O_CONF:	c->where.krb5_conf_dir = optarg; break;
		case O_REALM:	c->setup.realm = optarg; break;
		case O_HOST:	c->setup.host = optarg; break;
		case O_CIFS_OWNER: c->setup.cifs_owner = optarg; break;
		case O_FORCE:	c->setup.force = c->trust.force = true; break;
		case O_BOTH:	c->trust.both = true; break;
		case O_PEER_HOST:
			/* checked by trust.c: its error is one line */
			if (c->trust.n_peer_hosts == LKDC_MAX_PEER_HOSTS)
				return usage_error("too many --peer-host%s",
						   "");
			c->peer_hosts[c->trust.n_peer_hosts++] = optarg;
			break;
		case O_EXPIRES:
			c->trust.lifetime = lkdc_parse_duration(optarg);
			if (c->trust.lifetime <= 0)
				return usage_error("bad --expires %s (1h, 1d, 1w, "
						   "30m, seconds; at most 366d)",
						   optarg);
			break;
		case O_JSON:	c->json = true; break;
		case O_NOW:	c->now = true; break;
		case O_CCACHE:	c->ccache = optarg; break;
		case O_NO_START: c->no_start = true; break;
		case O_USER:
			if (c->setup.n_users == LKDC_MAX_USERS)
				return usage_error("too many --user%s", "");
			c->users[c->setup.n_users++] = optarg;
			break;
		case O_IDLE:
			v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 7 * 24 * 3600)
				return usage_error("bad --idle-exit %s", optarg);
			c->setup.idle_exit = v;
			break;
		case O_MIN:
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 7 * 24 * 3600)
				return usage_error("bad --min-lifetime %s", optarg);
			c->min_lifetime = (unsigned int)v;
			break;
		default:
			return LOCALKDC_USAGE;
		}
	}
	c->setup.users = c->users;
	c->trust.peer_hosts = c->peer_hosts;
	return LOCALKDC_OK;
}

static int run_ensure(const struct cli *c)
{
	struct localkdc_ensure_args a = {
		.where = c->where,
		.user = c->setup.n_users ? c->users[0] : NULL,
		.ccache = c->ccache,
		.min_remaining = c->min_lifetime,
		.flags = c->no_start ? LOCALKDC_NO_START : 0,
	};
	struct localkdc_ensure_result r;
	static const char *const did[] = { "none", "valid", "renewed",
					   "obtained" };
	int rc;

	if (c->setup.n_users > 1)
		return usage_error("ensure takes one --user%s", "");
	rc = localkdc_ensure(&a, &r);
	if (rc) {
		fprintf(stderr, LKDC_PROG ": %s\n", r.why);
		return rc;
	}
	printf("tgt %s %s until %lld in %s%s\n", did[r.tgt], r.principal,
	       r.endtime, r.ccache, r.kdc_started ? " (KDC started)" : "");
	return LOCALKDC_OK;
}

/* The token on stdout, the passphrase on stderr (the terminal): the
 * token can go to a file or a mail, the passphrase by another way */
static int run_trust(TALLOC_CTX *mem, const struct lkdc_paths *p,
		     const char *sub, const struct cli *c, char **out,
		     struct lkdc_err *e)
{
	char *token, *pass;
	int rc;

	if (strcmp(sub, "accept") == 0)
		return lkdc_trust_accept(mem, p, &c->trust, out, e);
	if (strcmp(sub, "list") == 0)
		return lkdc_trust_list(mem, p, out, e);
	if (strcmp(sub, "remove") == 0)
		return lkdc_trust_remove(mem, p, &c->trust, out, e);
	rc = lkdc_trust_offer(mem, p, &c->trust, &token, &pass, out, e);
	if (rc)
		return rc;
	fputs(*out, stderr);
	*out = NULL;
	fprintf(stderr, "passphrase (give it to %s's owner by another way "
		"than the token; it is not shown again): %s\n", c->trust.peer,
		pass);
	talloc_free(pass);	/* wiped */
	printf("%s\n", token);
	return LOCALKDC_OK;
}

static int run(TALLOC_CTX *mem, const char *cmd, const struct cli *c)
{
	struct lkdc_err e = { 0 };
	struct lkdc_paths p;
	struct lkdc_state st;
	char *out = NULL;
	int rc;

	if (strcmp(cmd, "ensure") == 0)
		return run_ensure(c);
	rc = lkdc_paths_init(mem, &c->where, &p, &e);
	if (rc)
		goto fail;
	if (strcmp(cmd, "setup") == 0) {
		rc = lkdc_setup(mem, &p, &c->setup, &out, &e);
	} else if (strcmp(cmd, "teardown") == 0) {
		rc = lkdc_teardown(mem, &p, &out, &e);
	} else if (strcmp(cmd, "status") == 0) {
		rc = lkdc_status(mem, &p, c->json, &out, &e);
		/* status always shows what it found, problems included */
		if (out)
			fputs(out, stdout);
		out = NULL;
	} else if (strcmp(cmd, "start") == 0 || strcmp(cmd, "stop") == 0) {
		rc = lkdc_state_load(mem, &p, &st, &e);
		if (!rc && cmd[2] == 'a')
			rc = lkdc_kdc_start(mem, &p, &st, c->now, &e);
		else if (!rc)
			rc = lkdc_kdc_stop(&p, &e);
	} else if (strcmp(cmd, "trust") == 0) {
		rc = run_trust(mem, &p, c->trust_sub, c, &out, &e);
	}
	if (out)
		fputs(out, stdout);
	if (!rc)
		return LOCALKDC_OK;
fail:
	fprintf(stderr, LKDC_PROG ": %s\n", e.why);
	return rc;
}

/* trust SUB [ARG]: the sub-command, its argument, its options */
static int parse_trust(int argc, char **argv, struct cli *c,
		       unsigned int *opts)
{
	unsigned int i;
	const char *arg;

	if (optind >= argc)
		return usage_error("trust needs offer, accept, list or "
				   "remove%s", "");
	c->trust_sub = argv[optind++];
	for (i = 0; i < sizeof(trust_subs) / sizeof(trust_subs[0]); i++)
		if (strcmp(c->trust_sub, trust_subs[i].name) == 0)
			break;
	if (i == sizeof(trust_subs) / sizeof(trust_subs[0]))
		return usage_error("unknown trust command %s", c->trust_sub);
	*opts = trust_subs[i].opts;
	arg = optind < argc ? argv[optind] : NULL;
	if (trust_subs[i].arg == 1 && !arg)
		return usage_error("trust %s needs a realm", c->trust_sub);
	if (trust_subs[i].arg && arg) {
		optind++;
		c->trust.peer = arg;
		c->trust.token_file = arg;
	}
	return LOCALKDC_OK;
}

int main(int argc, char **argv)
{
	struct cli c = { .setup.idle_exit = -1, .trust.lifetime = 24 * 3600 };
	TALLOC_CTX *mem;
	const char *cmd;
	unsigned int i, opts;
	int rc;

	rc = parse(argc, argv, &c);
	if (rc)
		return rc;
	if (optind >= argc)
		return usage_error("no command%s", "");
	cmd = argv[optind++];
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		return usage_error("unknown command %s", cmd);
	opts = commands[i].opts;
	if (strcmp(cmd, "trust") == 0) {
		rc = parse_trust(argc, argv, &c, &opts);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return usage_error("too many arguments: %s", argv[argc - 1]);
	if (c.seen & ~opts)
		return usage_error("an option given does not apply to %s",
				   c.trust_sub ? c.trust_sub : cmd);
	mem = talloc_new(NULL);
	if (!mem)
		return LOCALKDC_ERR;
	rc = run(mem, cmd, &c);
	talloc_free(mem);
	return rc;
}
