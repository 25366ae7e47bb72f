// SPDX-License-Identifier: GPL-2.0
/*
 * The KDC database, through MIT's own administration programs:
 * kdb5_util create (database, master key, stash) and kadmin.local
 * (principals, keytabs, listing).  They are the supported interface to
 * the KDB; libkdb5 is MIT's private library (its soname changes between
 * releases) and libkadm5srv cannot create a database at all.  Secrets go
 * on their stdin, which MIT's prompter reads when it is not a terminal.
 *
 * kadmin.local -q exits 0 even when the query failed, so success is read
 * from what it prints.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lkdc.h"

static int run(TALLOC_CTX *mem, const struct lkdc_paths *p,
	       const char *const *argv, const char *input, size_t input_len,
	       char **out, struct lkdc_err *e)
{
	char *kdc_profile = talloc_asprintf(mem, "KRB5_KDC_PROFILE=%s",
					    p->kdc_conf);
	char *config = talloc_asprintf(mem, "KRB5_CONFIG=%s", p->snippet);
	const char *env[] = { kdc_profile, config, NULL };
	struct lkdc_run r = {
		.argv = argv, .env = env,
		.input = input, .input_len = input_len,
	};
	int st;

	if (!kdc_profile || !config)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory"), -1;
	st = lkdc_spawn(mem, &r, e);
	*out = r.output ? r.output : talloc_strdup(mem, "");
	return st;
}

/* kadmin.local -r REALM -q QUERY; 0 if its output has @expect */
static int kadmin(TALLOC_CTX *mem, const struct lkdc_paths *p,
		  const char *realm, const char *query, const char *input,
		  size_t input_len, const char *expect, char **out,
		  struct lkdc_err *e)
{
	const char *argv[] = { p->kadmin_local, "-r", realm, "-q", query, NULL };
	int st = run(mem, p, argv, input, input_len, out, e);

	if (st < 0)
		return e->rc;
	if (st != 0 || (expect && !strstr(*out, expect)))
		return lkdc_fail(e, LOCALKDC_ERR, "kadmin.local \"%s\": %s",
				 query, lkdc_last_line(mem, *out));
	return LOCALKDC_OK;
}

bool lkdc_kdb_exists(const struct lkdc_paths *p)
{
	struct stat sb;

	return stat(p->db_name, &sb) == 0 && S_ISREG(sb.st_mode);
}

int lkdc_kdb_create(TALLOC_CTX *mem, const struct lkdc_paths *p,
		    const char *realm, struct lkdc_err *e)
{
	const char *argv[] = { p->kdb5_util, "create", "-s", "-r", realm, NULL };
	unsigned char raw[24];
	char *input, *out;
	size_t i, len;
	int st;

	/* a random master password, typed twice, stashed, never shown */
	input = localkdc_secret_alloc(mem, 2 * (2 * sizeof(raw) + 1));
	if (!input)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	if (getentropy(raw, sizeof(raw)) < 0)
		return lkdc_fail(e, LOCALKDC_ERR, "no random bytes");
	for (i = 0; i < sizeof(raw); i++)
		sprintf(input + 2 * i, "%02x", raw[i]);
	explicit_bzero(raw, sizeof(raw));
	len = 2 * sizeof(raw);
	input[len] = '\n';
	memcpy(input + len + 1, input, len + 1);
	st = run(mem, p, argv, input, 2 * (len + 1), &out, e);
	talloc_free(input);
	if (st < 0)
		return e->rc;
	if (st != 0)
		return lkdc_fail(e, LOCALKDC_ERR, "kdb5_util create: %s",
				 lkdc_last_line(mem, out));
	return LOCALKDC_OK;
}

/* addprinc OPTS PRINC, the password (if any) typed twice on stdin */
static int addprinc(TALLOC_CTX *mem, const struct lkdc_paths *p,
		    const char *realm, const char *opts, const char *princ,
		    const char *password, struct lkdc_err *e)
{
	char *query, *input = NULL, *expect, *out;
	size_t len = 0;
	int rc;

	if (password) {
		len = strlen(password);
		input = localkdc_secret_alloc(mem, 2 * len + 2);
		if (!input)
			return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		memcpy(input, password, len);
		input[len] = '\n';
		memcpy(input + len + 1, password, len);
		input[2 * len + 1] = '\n';
		len = 2 * len + 2;
	}
	query = talloc_asprintf(mem, "addprinc %s %s", opts, princ);
	expect = talloc_asprintf(mem, "Principal \"%s\" created", princ);
	if (!query || !expect) {
		talloc_free(input);
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	}
	rc = kadmin(mem, p, realm, query, input, len, expect, &out, e);
	talloc_free(input);
	return rc;
}

int lkdc_kdb_addprinc(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const char *realm, const char *princ,
		      const char *password, struct lkdc_err *e)
{
	return addprinc(mem, p, realm, password ? "+requires_preauth" :
			"-randkey +requires_preauth", princ, password, e);
}

/*
 * Both realms of a trust run this with the same principal name and the
 * same password: MIT's string-to-key salts with the principal's own
 * realm and name, so the two KDBs get the same keys (every enctype of
 * supported_enctypes, kvno 1).  The issuing KDC refuses a principal past
 * its expiration date, so the trust ends by itself; the accepting KDC
 * does not check it (measured, MIT 1.22.1), so a cross-realm TGT issued
 * before the end lives on for its lifetime: @maxlife bounds that.
 */
int lkdc_kdb_add_crossrealm(TALLOC_CTX *mem, const struct lkdc_paths *p,
			    const char *realm, const char *princ,
			    const char *password, long long expires,
			    long long maxlife, struct lkdc_err *e)
{
	time_t t = (time_t)expires;
	char date[64], *opts;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm))
		return lkdc_fail(e, LOCALKDC_ERR, "bad expiry %lld", expires);
	opts = talloc_asprintf(mem, "-expire \"%s\" -maxlife \"%lld seconds\"",
			       date, maxlife);
	if (!opts)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	return addprinc(mem, p, realm, opts, princ, password, e);
}

int lkdc_kdb_has(TALLOC_CTX *mem, const struct lkdc_paths *p,
		 const char *realm, const char *princ, bool *has,
		 struct lkdc_err *e)
{
	char **list;
	unsigned int i;
	int rc = lkdc_kdb_list(mem, p, realm, &list, e);

	*has = false;
	for (i = 0; !rc && list[i]; i++)
		*has |= strcmp(list[i], princ) == 0;
	return rc;
}

int lkdc_kdb_delprinc(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const char *realm, const char *princ, struct lkdc_err *e)
{
	char *query = talloc_asprintf(mem, "delprinc -force %s", princ);
	char *expect = talloc_asprintf(mem, "Principal \"%s\" deleted", princ);
	char *out;

	if (!query || !expect)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	return kadmin(mem, p, realm, query, NULL, 0, expect, &out, e);
}

int lkdc_kdb_ktadd(TALLOC_CTX *mem, const struct lkdc_paths *p,
		   const char *realm, const char *keytab, const char *princ,
		   bool keep_keys, struct lkdc_err *e)
{
	char *query = talloc_asprintf(mem, "ktadd -k FILE:%s%s %s", keytab,
				      keep_keys ? " -norandkey" : "", princ);
	char *out;

	if (!query)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	return kadmin(mem, p, realm, query, NULL, 0, "added to keytab", &out, e);
}

int lkdc_kdb_list(TALLOC_CTX *mem, const struct lkdc_paths *p,
		  const char *realm, char ***princs, struct lkdc_err *e)
{
	char *out, *line, *save = NULL;
	char **list;
	unsigned int n = 0;
	int rc;

	rc = kadmin(mem, p, realm, "listprincs", NULL, 0, NULL, &out, e);
	if (rc)
		return rc;
	list = talloc_array(mem, char *, 1);
	for (line = strtok_r(out, "\n", &save); line && list;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strchr(line, '@') || strchr(line, ' '))
			continue;	/* "Authenticating as ...", errors */
		list = talloc_realloc(mem, list, char *, n + 2);
		if (list)
			list[n++] = line;
	}
	if (!list)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	list[n] = NULL;
	*princs = list;
	return LOCALKDC_OK;
}
