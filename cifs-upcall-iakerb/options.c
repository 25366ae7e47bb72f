// SPDX-License-Identifier: GPL-2.0
/*
 * Command line.  The options cifs.upcall users put in request-key.d lines
 * keep their meaning (-c, -E, -k, -K, -l, -t, -e, -v); the IAKerb ones
 * are new.  Parsing does nothing but fill struct upcall_opts: -k takes
 * effect only after privileges are dropped (main.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "upcall.h"

#define OPT_DIALECT	0x100	/* long only */
#define OPT_PASSWORD	0x101
#define OPT_STORE	0x102
#define OPT_ROOT_MNTNS	0x103
#define OPT_NO_CHANNEL	0x104

static const struct option long_opts[] = {
	{ "no-env-probe",	no_argument,		NULL, 'E' },
	{ "krb5conf",		required_argument,	NULL, 'k' },
	{ "keytab",		required_argument,	NULL, 'K' },
	{ "legacy-uid",		no_argument,		NULL, 'l' },
	{ "trust-dns",		no_argument,		NULL, 't' },
	{ "expire",		required_argument,	NULL, 'e' },
	{ "iakerb-fallback",	no_argument,		NULL, 'I' },
	{ "iakerb-password",	required_argument,	NULL, OPT_PASSWORD },
	{ "store-tickets",	required_argument,	NULL, OPT_STORE },
	{ "dialect",		required_argument,	NULL, OPT_DIALECT },
	{ "allow-root-mntns",	no_argument,	NULL, OPT_ROOT_MNTNS },
	{ "no-channel",		no_argument,		NULL, OPT_NO_CHANNEL },
	{ "stderr",		no_argument,		NULL, 's' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "version",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

const char *dialect_name(enum upcall_dialect d)
{
	switch (d) {
	case UPCALL_DIALECT_MIT:
		return "mit";
	case UPCALL_DIALECT_WINDOWS:
		return "windows";
	default:
		return "auto";
	}
}

int dialect_parse(const char *s, enum upcall_dialect *d)
{
	if (!strcmp(s, "auto"))
		*d = UPCALL_DIALECT_AUTO;
	else if (!strcmp(s, "mit"))
		*d = UPCALL_DIALECT_MIT;
	else if (!strcmp(s, "windows"))
		*d = UPCALL_DIALECT_WINDOWS;
	else
		return -EINVAL;
	return 0;
}

const char *pw_mode_name(enum pw_mode m)
{
	switch (m) {
	case PW_MODE_NO:
		return "no";
	case PW_MODE_FALLBACK:
		return "fallback";
	default:
		return "auto";
	}
}

int pw_mode_parse(const char *s, enum pw_mode *m)
{
	if (!strcmp(s, "no"))
		*m = PW_MODE_NO;
	else if (!strcmp(s, "auto"))
		*m = PW_MODE_AUTO;
	else if (!strcmp(s, "fallback"))
		*m = PW_MODE_FALLBACK;
	else
		return -EINVAL;
	return 0;
}

const char *store_mode_name(enum store_mode m)
{
	return m == STORE_OWNER ? "owner" : "no";
}

int store_mode_parse(const char *s, enum store_mode *m)
{
	if (!strcmp(s, "no"))
		*m = STORE_NO;
	else if (!strcmp(s, "owner"))
		*m = STORE_OWNER;
	else
		return -EINVAL;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: " UPCALL_PROG " [options] KEY_SERIAL\n"
"\n"
"The request-key helper for cifs.spnego keys: Kerberos (sec=krb5,\n"
"sec=mskrb5) like cifs-utils' cifs.upcall, and IAKerb (the client's KDC\n"
"exchanges relayed by the SMB server) over several SESSION_SETUP legs.\n"
"make install puts it in /etc/request-key.d/cifs-iakerb.conf as\n"
"    create cifs.spnego * CIAK* SBINDIR/" UPCALL_PROG " %%k\n"
"for the patched kernel's multi-leg upcalls; cifs.upcall keeps the\n"
"others (\"* *\" there instead of \"* CIAK*\" would take them all).\n"
"Never pass %%c: the callout data holds the exchange secret.\n"
"\n"
"  -t, --trust-dns        reverse-resolve the server address for the\n"
"                         service principal if the host name fails\n"
"  -E, --no-env-probe     do not read KRB5CCNAME from the calling process\n"
"  -k, --krb5conf FILE    krb5.conf to use (read as the user)\n"
"  -K, --keytab KEYTAB    keytab for root's fallback (default\n"
"                         " UPCALL_DEFAULT_KEYTAB ")\n"
"  -l, --legacy-uid       use uid= instead of creduid= (old kernels)\n"
"  -e, --expire SECONDS   timeout of a single-leg key (default: none)\n"
"      --iakerb-password=P\n"
"                         may a password's AS exchange go through the SMB\n"
"                         server (IAKerb)?  Whoever sees it (the server,\n"
"                         anyone on the path) can attack the password\n"
"                         offline, as NTLMv2 responses.  The realm's KDC\n"
"                         is asked from here first when krb5.conf names\n"
"                         one or DNS may find one.  auto (default): the\n"
"                         server only when no KDC of the realm is known\n"
"                         or answers, never for a realm krb5.conf gives a\n"
"                         KDC; fallback: that too, when its KDCs do not\n"
"                         answer; no: never.  Refused: ENETUNREACH.\n"
"                         krb5.conf [appdefaults] " UPCALL_PROG "\n"
"                         iakerb_password when not given\n"
"  -I, --iakerb-fallback  the same as --iakerb-password=fallback\n"
"      --store-tickets=S  what a password obtained (TGT, ticket): no\n"
"                         (default) keeps nothing, the kernel resends the\n"
"                         password on reconnect; owner stores it in the\n"
"                         credential owner's default ccache when that uid\n"
"                         made the mount itself (never for cruid= of\n"
"                         another uid, never on reconnect).  krb5.conf\n"
"                         [appdefaults] " UPCALL_PROG " store_tickets\n"
"                         when not given\n"
"      --dialect=D        IAKerb dialect: auto (default: from the server's\n"
"                         replies), mit (MIT krb5's) or windows (Windows'\n"
"                         header-flags and krb5-framed AP-REQ); krb5.conf\n"
"                         [appdefaults] " UPCALL_PROG " iakerb_dialect\n"
"                         is used when this is not given\n"
"      --allow-root-mntns let creduid 0 with upcall_target=app enter the\n"
"                         caller's mount namespace (refused by default:\n"
"                         its NSS modules and krb5 plugins would run as\n"
"                         global uid 0); a command-line switch only, as a\n"
"                         container's krb5.conf cannot vouch for itself\n"
"      --no-channel       do not hand the kernel the agent's channel when\n"
"                         it offers one (chan=1): every later leg then\n"
"                         starts this helper again, as with a kernel\n"
"                         without the channel (slower; for comparison)\n"
"  -s, --stderr           log to stderr as well as syslog\n"
"  -d, --debug            log debug lines\n"
"  -v, --version          print the version and exit\n"
"  -h, --help             print this help and exit\n"
"\n"
"Usage: " UPCALL_PROG " --check //HOST/SHARE [--ip ADDR] [--port N]\n"
"           [--user NAME] [--sec krb5|iakerb] [-k KRB5CONF] [--timeout S]\n"
"\n"
"Serves no upcall: says what a mount of the share by the calling user\n"
"would do (the server's mechanisms, the realm's KDC, the credentials),\n"
"without mounting; see cifs-upcall-iakerb(8), CHECKING A SHARE.\n");
}

enum opts_result opts_parse(int argc, char **argv, struct upcall_opts *o,
			    FILE *out)
{
	unsigned long v;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->env_probe = true;
	o->keytab = UPCALL_DEFAULT_KEYTAB;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "cEk:K:lte:Isdvh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'c':	/* cifs.upcall's old "cifs" marker: ignored */
			break;
		case 'E':
			o->env_probe = false;
			break;
		case 'k':
			o->krb5conf = optarg;
			break;
		case 'K':
			o->keytab = optarg;
			break;
		case 'l':
			o->legacy_uid = true;
			break;
		case 't':
			o->trust_dns = true;
			break;
		case 'e':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v > UINT_MAX ||
			    optarg[0] == '-') {
				fprintf(out, "bad --expire value\n");
				return OPTS_EXIT_USAGE;
			}
			o->expire = (unsigned int)v;
			break;
		case 'I':
			o->iakerb_password = PW_MODE_FALLBACK;
			break;
		case OPT_PASSWORD:
			if (pw_mode_parse(optarg, &o->iakerb_password)) {
				fprintf(out, "bad --iakerb-password value (no, "
					"auto, fallback)\n");
				return OPTS_EXIT_USAGE;
			}
			break;
		case OPT_STORE:
			if (store_mode_parse(optarg, &o->store)) {
				fprintf(out, "bad --store-tickets value (no, "
					"owner)\n");
				return OPTS_EXIT_USAGE;
			}
			break;
		case OPT_DIALECT:
			if (dialect_parse(optarg, &o->dialect)) {
				fprintf(out, "bad --dialect value (auto, mit, "
					"windows)\n");
				return OPTS_EXIT_USAGE;
			}
			break;
		case OPT_NO_CHANNEL:
			o->no_channel = true;
			break;
		case OPT_ROOT_MNTNS:
			o->allow_root_mntns = true;
			break;
		case 's':
			o->log_stderr = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'v':
			fprintf(out, UPCALL_PROG " version " UPCALL_VERSION "\n");
			return OPTS_EXIT_OK;
		case 'h':
			usage(out);
			return OPTS_EXIT_OK;
		default:
			usage(out);
			return OPTS_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(out);
		return OPTS_EXIT_USAGE;
	}
	o->arg = argv[optind];
	return OPTS_RUN;
}
