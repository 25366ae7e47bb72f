// SPDX-License-Identifier: GPL-2.0
/*
 * localkdc trust: time-limited cross-realm trusts between two local realms.
 *
 * Direction.  "trust offer B" run in realm A makes krbtgt/B@A: A's KDC
 * issues it to A's users, B's KDC accepts it, so A's users reach B's
 * services ("out" in A's trusts file, "in" in B's).  --both-ways adds
 * krbtgt/A@B: B's users reach A's services too ("both" on each side).
 *
 * Keys.  Each principal gets a random 256-bit password (64 hex digits)
 * that both KDBs turn into keys with kadmin.local's own string-to-key: the
 * principal has the same name, so the same salt, in both realms, and both
 * get the same keys for every enctype, kvno 1.  MIT's kadmin.local cannot
 * set a random key to given bytes, but it reads a password on stdin: the
 * secret never reaches argv or a file.  Both sides set the principal's
 * expiration to the trust's end: the issuing KDC refuses it after that.
 * A cross-realm TGT issued just before the end is still honoured by the
 * peer's KDC until that ticket ends (MIT 1.22.1 does not look at the
 * expiration of the krbtgt that encrypts it), so these principals' tickets
 * live at most CROSS_MAXLIFE (and never longer than the trust): clients
 * simply fetch a new one from their own KDC, which says no once it ended.
 *
 * Peer hosts.  A client learns a server's realm from krb5.conf's
 * [domain_realm] (krb5_get_host_realm()); the upcall helper then asks
 * its user's own KDC for krbtgt/PEER@HERE.  So the side whose users go
 * out ("out", "both") names the peer's machines with --peer-host; they
 * are kept on the trust's line and conf.c maps each to PEER in the
 * snippet, rewritten after every change of the trusts file.  An "in"
 * trust takes none: its users go nowhere.
 *
 * Offer creates its side at once (no separate confirm step): until the
 * peer accepts, the principal is useless, as only the token holder knows
 * its key, and "trust remove" or the expiry take it away.
 *
 * The token, one printable line:
 *
 *   LKDC-TRUST-1:FROM-REALM:TO-REALM:EXPIRES:WAYS:SEALED
 *
 * FROM is the offering realm, TO the accepting one, EXPIRES unix time,
 * WAYS "one" or "both", SEALED the passwords (krbtgt/TO@FROM, then
 * krbtgt/FROM@TO) sealed by seal.c with the one-time passphrase, the
 * header before SEALED being authenticated with them: changing a realm or
 * the expiry breaks the seal.  Why not a Kerberos-native format: there is
 * none for handing a key to another KDC offline.  A keytab carries keys
 * in the clear and is tied to enctypes and kvnos; kadmin's own protocol
 * needs an account in the peer's database and a network path, which
 * these socket-only KDCs do not have.  A password both sides run through
 * their own string-to-key is what MIT's cross-realm set-up documents.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "lkdc.h"

#define TOKEN_MAGIC	"LKDC-TRUST-1"
#define TOKEN_MAX	4096
#define SECRET_LEN	32		/* random bytes of one principal */
#define PASS_GROUPS	5
#define PASS_GROUP_LEN	5
#define MAX_LIFETIME	(366LL * 24 * 3600)
#define CROSS_MAXLIFE	3600LL		/* seconds, of a cross-realm TGT */

/* 32 letters and digits, none easily confused: 5 bits a character */
static const char pass_alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";

struct trust {
	TALLOC_CTX *mem;
	const struct lkdc_paths *p;
	const struct lkdc_trust_opts *o;
	struct lkdc_state st;
	struct lkdc_trust *list;
	unsigned int n;
	char *hosts[LKDC_MAX_PEER_HOSTS];	/* --peer-host, lower case */
	unsigned int n_hosts;
	char *report;
	struct lkdc_err *e;
};

long long lkdc_parse_duration(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v <= 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':	break;
	case 'm':	v *= 60; break;
	case 'h':	v *= 3600; break;
	case 'd':	v *= 24 * 3600; break;
	case 'w':	v *= 7 * 24 * 3600; break;
	default:	return -1;
	}
	if (*end && end[1])
		return -1;
	return v > MAX_LIFETIME ? -1 : v;
}

static char *krbtgt(TALLOC_CTX *mem, const char *service_realm,
		    const char *issuing_realm)
{
	return talloc_asprintf(mem, "krbtgt/%s@%s", service_realm,
			       issuing_realm);
}

static int begin(struct trust *t)
{
	int rc = lkdc_state_load(t->mem, t->p, &t->st, t->e);

	if (!rc && !lkdc_kdb_exists(t->p))
		rc = lkdc_fail(t->e, LOCALKDC_NOTSETUP, "the KDC database %s "
			       "is missing", t->p->db_name);
	if (!rc)
		rc = lkdc_trusts_load(t->mem, t->p, &t->list, &t->n, t->e);
	t->report = talloc_strdup(t->mem, "");
	return rc;
}

/* --peer-host: host names, lower-cased, each once; before anything */
static int parse_hosts(struct trust *t)
{
	const struct lkdc_trust_opts *o = t->o;
	unsigned int i, j;
	char *h;

	for (i = 0; i < o->n_peer_hosts; i++) {
		h = lkdc_peer_host(t->mem, o->peer_hosts[i]);
		if (!h)
			return lkdc_fail(t->e, LOCALKDC_USAGE,
					 "bad --peer-host \"%s\": letters, "
					 "digits, '-' and '.' only, not first, "
					 "labels of 63, names of 253 at most",
					 o->peer_hosts[i]);
		for (j = 0; j < t->n_hosts; j++)
			if (strcmp(t->hosts[j], h) == 0)
				break;
		if (j < t->n_hosts)
			continue;
		if (t->n_hosts == LKDC_MAX_PEER_HOSTS)
			return lkdc_fail(t->e, LOCALKDC_USAGE, "more than %d "
					 "--peer-host", LKDC_MAX_PEER_HOSTS);
		t->hosts[t->n_hosts++] = h;
	}
	return LOCALKDC_OK;
}

/* None a host of a trust with another realm: krb5 takes the first only */
static int hosts_free(struct trust *t, const char *peer)
{
	const struct lkdc_trust *o;
	unsigned int i, j, k;

	for (i = 0; i < t->n_hosts; i++)
		for (j = 0; j < t->n; j++) {
			o = &t->list[j];
			if (strcmp(o->realm, peer) == 0)
				continue;
			for (k = 0; k < o->n_hosts; k++)
				if (strcmp(o->hosts[k], t->hosts[i]) == 0)
					return lkdc_fail(t->e, LOCALKDC_USAGE,
						"--peer-host %s is a host of "
						"the trust with %s already",
						t->hosts[i], o->realm);
		}
	return LOCALKDC_OK;
}

/*
 * Drop trust @i: the snippet first, then the trusts file.  A failure
 * between the two leaves the trust listed (without its hosts): running
 * the command again finishes it.
 */
static int drop(struct trust *t, unsigned int i)
{
	struct lkdc_trust gone = t->list[i];
	int rc;

	t->list[i] = t->list[--t->n];
	rc = lkdc_write_snippet(t->mem, t->p, t->st.realm, t->list, t->n, t->e);
	if (!rc)
		rc = lkdc_trusts_save(t->p, t->list, t->n, t->e);
	if (rc) {
		t->list[t->n++] = t->list[i];
		t->list[i] = gone;
	}
	return rc;
}

/* The principals a trust with @peer has here, by direction */
static void names(struct trust *t, const char *peer, char **out, char **in)
{
	*out = krbtgt(t->mem, peer, t->st.realm);	/* our users go out */
	*in = krbtgt(t->mem, t->st.realm, peer);	/* theirs come in */
}

/*
 * A trust with @peer here already, or its principals (made by hand,
 * left by a failed run): refused without --force, removed with it.
 */
static int clash(struct trust *t, const char *peer)
{
	char *pn[2];
	bool has[2] = { false, false };
	int i, rc;

	names(t, peer, &pn[0], &pn[1]);
	if (!pn[0] || !pn[1])
		return lkdc_fail(t->e, LOCALKDC_ERR, "out of memory");
	for (i = 0; i < 2; i++) {
		rc = lkdc_kdb_has(t->mem, t->p, t->st.realm, pn[i], &has[i], t->e);
		if (rc)
			return rc;
	}
	i = lkdc_trusts_find(t->list, t->n, peer);
	if (i < 0 && !has[0] && !has[1])
		return LOCALKDC_OK;
	if (!t->o->force)
		return lkdc_fail(t->e, LOCALKDC_EXISTS, i >= 0 ?
				 "a trust with %s exists: trust remove it, or "
				 "--force replaces it" : "%s is in the database "
				 "without a trust: --force replaces it", i >= 0 ?
				 peer : has[0] ? pn[0] : pn[1]);
	for (i = 0; i < 2; i++) {
		if (!has[i])
			continue;
		rc = lkdc_kdb_delprinc(t->mem, t->p, t->st.realm, pn[i], t->e);
		if (rc)
			return rc;
	}
	i = lkdc_trusts_find(t->list, t->n, peer);
	if (i >= 0) {
		rc = drop(t, (unsigned int)i);
		if (rc)
			return rc;
	}
	t->report = talloc_asprintf_append(t->report, "replaced the trust "
					   "with %s\n", peer);
	return LOCALKDC_OK;
}

/*
 * Make the principals (NULL names skipped) with their passwords, then
 * the trusts line, then the snippet with its hosts; on any failure undo
 * what this call made.
 */
static int create(struct trust *t, const char *peer, const char *dir,
		  long long expires, char *const pn[2], char *const pw[2])
{
	struct lkdc_trust line = { .expires = expires };
	long long maxlife = expires - (long long)time(NULL);
	int i, made = 0, rc = LOCALKDC_OK;

	if (maxlife > CROSS_MAXLIFE)
		maxlife = CROSS_MAXLIFE;
	if (maxlife < 1)
		maxlife = 1;

	for (i = 0; i < 2 && !rc; i++) {
		if (!pn[i])
			continue;
		rc = lkdc_kdb_add_crossrealm(t->mem, t->p, t->st.realm, pn[i],
					     pw[i], expires, maxlife, t->e);
		if (!rc)
			made |= 1 << i;
	}
	if (!rc) {
		snprintf(line.realm, sizeof(line.realm), "%s", peer);
		snprintf(line.dir, sizeof(line.dir), "%s", dir);
		line.n_hosts = t->n_hosts;
		memcpy(line.hosts, t->hosts, sizeof(line.hosts));
		t->list = talloc_realloc(t->mem, t->list, struct lkdc_trust,
					 t->n + 1);
		if (!t->list)
			rc = lkdc_fail(t->e, LOCALKDC_ERR, "out of memory");
		else
			t->list[t->n] = line;
	}
	if (!rc) {
		rc = lkdc_trusts_save(t->p, t->list, t->n + 1, t->e);
		if (!rc)
			rc = lkdc_write_snippet(t->mem, t->p, t->st.realm,
						t->list, t->n + 1, t->e);
		/* the line back out (and the snippet, if it was changed) */
		if (rc && !lkdc_trusts_save(t->p, t->list, t->n, NULL))
			lkdc_write_snippet(t->mem, t->p, t->st.realm, t->list,
					   t->n, NULL);
	}
	if (!rc) {
		t->n++;
		for (i = 0; i < 2; i++)
			if (pn[i])
				t->report = talloc_asprintf_append(t->report,
					"principal %s\n", pn[i]);
		for (i = 0; i < (int)t->n_hosts; i++)
			t->report = talloc_asprintf_append(t->report,
				"host %s is in %s\n", t->hosts[i], peer);
		return LOCALKDC_OK;
	}
	for (i = 0; i < 2; i++)
		if (made & (1 << i))
			lkdc_kdb_delprinc(t->mem, t->p, t->st.realm, pn[i], NULL);
	return rc;
}

static char *hex(TALLOC_CTX *mem, const unsigned char *b, size_t len)
{
	char *s = lkdc_secret_alloc(mem, 2 * len);
	size_t i;

	for (i = 0; s && i < len; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	return s;
}

static char *new_passphrase(TALLOC_CTX *mem)
{
	unsigned char r[PASS_GROUPS * PASS_GROUP_LEN];
	char *s = lkdc_secret_alloc(mem, sizeof(r) + PASS_GROUPS);
	size_t i, k = 0;

	if (!s || getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		talloc_free(s);
		return NULL;
	}
	for (i = 0; i < sizeof(r); i++) {
		if (i && i % PASS_GROUP_LEN == 0)
			s[k++] = '-';
		/* 256 is a multiple of 32: no bias */
		s[k++] = pass_alphabet[r[i] % 32];
	}
	explicit_bzero(r, sizeof(r));
	return s;
}

int lkdc_trust_offer(TALLOC_CTX *mem, const struct lkdc_paths *p,
		     const struct lkdc_trust_opts *o, char **token,
		     char **pass, char **report, struct lkdc_err *e)
{
	struct trust t = { .mem = mem, .p = p, .o = o, .e = e };
	unsigned char *raw = lkdc_secret_alloc(mem, 2 * SECRET_LEN);
	char *pn[2], *pw[2] = { NULL, NULL }, *aad, *sealed;
	long long expires = (long long)time(NULL) + o->lifetime;
	size_t n = o->both ? 2 : 1;
	int rc;

	*token = *pass = NULL;
	*report = NULL;
	if (!raw)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	if (!lkdc_realm_ok(o->peer))
		return lkdc_fail(e, LOCALKDC_USAGE, "bad realm \"%s\": upper "
				 "case letters, digits, '.' and '-' only",
				 o->peer);
	rc = parse_hosts(&t);
	if (!rc)
		rc = begin(&t);
	if (rc)
		goto out;
	if (strcmp(o->peer, t.st.realm) == 0) {
		rc = lkdc_fail(e, LOCALKDC_USAGE, "%s is this realm itself",
			       o->peer);
		goto out;
	}
	rc = hosts_free(&t, o->peer);
	if (!rc)
		rc = clash(&t, o->peer);
	if (rc)
		goto out;
	if (getrandom(raw, n * SECRET_LEN, 0) != (ssize_t)(n * SECRET_LEN)) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "no random bytes");
		goto out;
	}
	*pass = new_passphrase(mem);
	aad = talloc_asprintf(mem, TOKEN_MAGIC ":%s:%s:%lld:%s", t.st.realm,
			      o->peer, expires, o->both ? "both" : "one");
	pw[0] = hex(mem, raw, SECRET_LEN);
	pw[1] = o->both ? hex(mem, raw + SECRET_LEN, SECRET_LEN) : NULL;
	names(&t, o->peer, &pn[0], &pn[1]);
	if (!*pass || !aad || !pw[0] || (o->both && !pw[1]) || !pn[0] ||
	    !pn[1]) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		goto out;
	}
	if (!o->both)
		pn[1] = NULL;
	/* sealed before anything is made: nothing to undo if it fails */
	rc = lkdc_seal(mem, *pass, aad, raw, n * SECRET_LEN, &sealed, e);
	if (!rc)
		rc = create(&t, o->peer, o->both ? "both" : "out", expires,
			    pn, pw);
	if (!rc)
		*token = talloc_asprintf(mem, "%s:%s", aad, sealed);
	if (!rc && !*token)
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
out:
	talloc_free(raw);
	talloc_free(pw[0]);
	talloc_free(pw[1]);
	if (rc) {
		talloc_free(*pass);
		*pass = NULL;
	}
	*report = t.report;
	return rc;
}

struct token {
	char *aad;		/* everything before the last ':' */
	char *from, *to, *ways;
	long long expires;
	char *sealed;
};

static int parse_token(TALLOC_CTX *mem, const char *text, struct token *k,
		       struct lkdc_err *e)
{
	char *s = talloc_strdup(mem, text), *f[6], *save = NULL, *end;
	int i;

	if (!s)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	s[strcspn(s, " \t\r\n")] = '\0';
	if (strncmp(s, TOKEN_MAGIC ":", strlen(TOKEN_MAGIC) + 1) != 0)
		return lkdc_fail(e, LOCALKDC_BADTOKEN, "not a localkdc trust "
				 "token (it starts with " TOKEN_MAGIC ":)");
	k->aad = talloc_strndup(mem, s, (size_t)(strrchr(s, ':') - s));
	for (i = 0; i < 6; i++) {
		f[i] = strtok_r(i ? NULL : s, ":", &save);
		if (!f[i])
			break;
	}
	if (!k->aad || i < 6 || strtok_r(NULL, ":", &save))
		return lkdc_fail(e, LOCALKDC_BADTOKEN, "the token is damaged "
				 "(not MAGIC:FROM:TO:EXPIRES:WAYS:SEALED)");
	k->from = f[1];
	k->to = f[2];
	k->ways = f[4];
	k->sealed = f[5];
	errno = 0;
	k->expires = strtoll(f[3], &end, 10);
	if (!lkdc_realm_ok(k->from) || !lkdc_realm_ok(k->to) || errno ||
	    *end || k->expires <= 0 || (strcmp(k->ways, "one") != 0 &&
					strcmp(k->ways, "both") != 0))
		return lkdc_fail(e, LOCALKDC_BADTOKEN, "the token is damaged "
				 "(bad realm, expiry or direction)");
	return LOCALKDC_OK;
}

/* The token's line: from the file given, else stdin (or the terminal) */
static int read_token(struct trust *t, char **text)
{
	FILE *f;
	char *buf;

	if (!t->o->token_file || strcmp(t->o->token_file, "-") == 0)
		return lkdc_read_line(t->mem, "trust token", false, TOKEN_MAX,
				      text, t->e);
	buf = talloc_zero_size(t->mem, TOKEN_MAX + 2);
	if (!buf)
		return lkdc_fail(t->e, LOCALKDC_ERR, "out of memory");
	f = fopen(t->o->token_file, "re");
	if (!f)
		return lkdc_fail(t->e, LOCALKDC_USAGE, "%s: %s",
				 t->o->token_file, strerror(errno));
	/* the first line that is not empty */
	while (fgets(buf, TOKEN_MAX + 2, f) && buf[0] == '\n')
		;
	fclose(f);
	*text = buf;
	return LOCALKDC_OK;
}

int lkdc_trust_accept(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const struct lkdc_trust_opts *o, char **report,
		      struct lkdc_err *e)
{
	struct trust t = { .mem = mem, .p = p, .o = o, .e = e };
	struct token k = { 0 };
	unsigned char *raw = NULL;
	char *text, *pass = NULL, *pn[2] = { NULL, NULL }, *pw[2] = { NULL, NULL };
	size_t len, n;
	int rc;

	*report = NULL;
	rc = parse_hosts(&t);
	if (!rc)
		rc = begin(&t);
	if (!rc)
		rc = read_token(&t, &text);
	if (!rc)
		rc = parse_token(mem, text, &k, e);
	/* before the passphrase: a one-way token makes this side "in" */
	if (!rc && o->n_peer_hosts && strcmp(k.ways, "both") != 0)
		rc = lkdc_fail(e, LOCALKDC_USAGE, "--peer-host: the token "
			       "lets %s's users reach this realm, not this "
			       "realm's users reach %s (one way)", k.from,
			       k.from);
	if (!rc)
		rc = hosts_free(&t, k.from);
	if (!rc)
		rc = lkdc_read_line(mem, "passphrase", true, 256, &pass, e);
	if (!rc)
		rc = lkdc_unseal(mem, pass, k.aad, k.sealed, &raw, &len, e);
	if (rc)
		goto out;
	n = strcmp(k.ways, "both") == 0 ? 2 : 1;
	if (len != n * SECRET_LEN) {
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN, "the token holds %zu "
			       "bytes of keys, not %zu", len, n * SECRET_LEN);
	} else if (strcmp(k.to, t.st.realm) != 0) {
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN, "the token is for realm "
			       "%s; this realm is %s", k.to, t.st.realm);
	} else if (strcmp(k.from, t.st.realm) == 0) {
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN, "the token comes from "
			       "this realm itself");
	} else if (k.expires <= (long long)time(NULL)) {
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN, "the token expired at "
			       "%lld (%lld s ago): ask for a new one",
			       k.expires, (long long)time(NULL) - k.expires);
	} else if (k.expires > (long long)time(NULL) + MAX_LIFETIME + 600) {
		/* sealed by a peer whose clock or tool is wrong */
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN, "the token's expiry %lld "
			       "is more than 366 days away", k.expires);
	}
	if (!rc)
		rc = clash(&t, k.from);
	if (rc)
		goto out;
	/* the offerer's krbtgt/TO@FROM is our "in"; krbtgt/FROM@TO "out" */
	names(&t, k.from, &pn[1], &pn[0]);
	pw[0] = hex(mem, raw, SECRET_LEN);
	pw[1] = n == 2 ? hex(mem, raw + SECRET_LEN, SECRET_LEN) : NULL;
	if (!pn[0] || !pn[1] || !pw[0] || (n == 2 && !pw[1])) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		goto out;
	}
	if (n == 1)
		pn[1] = NULL;
	rc = create(&t, k.from, n == 2 ? "both" : "in", k.expires, pn, pw);
out:
	talloc_free(raw);
	talloc_free(pass);
	talloc_free(pw[0]);
	talloc_free(pw[1]);
	*report = t.report;
	return rc;
}

int lkdc_trust_list(TALLOC_CTX *mem, const struct lkdc_paths *p,
		    char **report, struct lkdc_err *e)
{
	struct lkdc_trust_opts o = { 0 };
	struct trust t = { .mem = mem, .p = p, .o = &o, .e = e };
	long long now = (long long)time(NULL);
	unsigned int i, j;
	int rc = begin(&t);

	*report = t.report;
	/* PEER DIRECTION EXPIRES HOSTS ("-": none) [(expired)] */
	for (i = 0; !rc && *report && i < t.n; i++) {
		*report = talloc_asprintf_append(*report, "%s %s %lld ",
						 t.list[i].realm, t.list[i].dir,
						 t.list[i].expires);
		for (j = 0; *report && j < t.list[i].n_hosts; j++)
			*report = talloc_asprintf_append(*report, "%s%s",
							 j ? "," : "",
							 t.list[i].hosts[j]);
		*report = talloc_asprintf_append(*report, "%s%s\n",
						 t.list[i].n_hosts ? "" : "-",
						 t.list[i].expires <= now ?
						 " (expired)" : "");
	}
	if (!rc && !*report)
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	return rc;
}

int lkdc_trust_remove(TALLOC_CTX *mem, const struct lkdc_paths *p,
		      const struct lkdc_trust_opts *o, char **report,
		      struct lkdc_err *e)
{
	struct trust t = { .mem = mem, .p = p, .o = o, .e = e };
	char *pn[2];
	bool has;
	int i, j, rc;

	*report = NULL;
	if (!lkdc_realm_ok(o->peer))
		return lkdc_fail(e, LOCALKDC_USAGE, "bad realm \"%s\"", o->peer);
	rc = begin(&t);
	*report = t.report;
	if (rc)
		return rc;
	i = lkdc_trusts_find(t.list, t.n, o->peer);
	if (i < 0)
		return lkdc_fail(e, LOCALKDC_ERR, "no trust with %s", o->peer);
	names(&t, o->peer, &pn[0], &pn[1]);
	if (!pn[0] || !pn[1])
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	/* the principals first: a trust line without them does no harm */
	for (j = 0; j < 2; j++) {
		rc = lkdc_kdb_has(mem, p, t.st.realm, pn[j], &has, e);
		if (!rc && has)
			rc = lkdc_kdb_delprinc(mem, p, t.st.realm, pn[j], e);
		if (rc)
			return rc;
		if (has)
			*report = talloc_asprintf_append(*report, "deleted %s\n",
							 pn[j]);
	}
	rc = drop(&t, (unsigned int)i);
	if (!rc)
		*report = talloc_asprintf_append(*report, "removed the trust "
						 "with %s\n", o->peer);
	return rc;
}
