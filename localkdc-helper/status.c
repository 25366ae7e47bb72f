// SPDX-License-Identifier: GPL-2.0
/*
 * localkdc status: the realm, its socket and whether the KDC runs, its
 * principals (from the database itself) and its trusts, for a person or
 * (--json) for a program.  Anyone may ask; the principals and trusts are
 * shown to the realm's owner only (null in JSON for others).  The exit code says what is wrong, if anything:
 * not set up, database missing (LOCALKDC_NOTSETUP), a socket or run
 * directory of another user (LOCALKDC_UNSAFE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "lkdc.h"

struct status {
	TALLOC_CTX *mem;
	const struct lkdc_paths *p;
	struct lkdc_state st;
	struct lkdc_kdc_info k;
	char **princs;
	struct lkdc_trust *trusts;
	unsigned int n_trusts;
	long long now;
	bool hidden;		/* not root: the KDB and trusts are not ours to read */
	const char *problem;
	int rc;
};

static const char *kdc_word(enum lkdc_kdc_state s)
{
	switch (s) {
	case LKDC_KDC_RUNNING:	return "running";
	case LKDC_KDC_WAITING:	return "waiting";
	default:		return "stopped";
	}
}

/* state_dir/trusts (trusts.c); unreadable to other users */
static void load_trusts(struct status *s)
{
	struct lkdc_err sub = { 0 };
	int rc = lkdc_trusts_load(s->mem, s->p, &s->trusts, &s->n_trusts, &sub);

	if (rc == LOCALKDC_UNSAFE) {
		s->hidden = true;
	} else if (rc) {
		s->rc = s->rc ? s->rc : rc;
		s->problem = s->problem ? s->problem :
			talloc_strdup(s->mem, sub.why);
	}
}

static char *human(struct status *s)
{
	char *o;
	unsigned int i, j;

	o = talloc_asprintf(s->mem, "realm:      %s\nhost:       %s\n"
			    "state:      %s\nsocket:     %s (%s)\n",
			    s->st.realm, s->st.host, s->p->state_dir,
			    s->p->sock, s->k.listening ? "listening" :
			    "not listening");
	if (s->k.pid)
		o = talloc_asprintf_append(o, "kdc:        %s (pid %d)\n",
					   kdc_word(s->k.state), (int)s->k.pid);
	else
		o = talloc_asprintf_append(o, "kdc:        %s\n",
					   kdc_word(s->k.state));
	o = talloc_asprintf_append(o, "principals:");
	for (i = 0; s->princs && s->princs[i]; i++)
		o = talloc_asprintf_append(o, " %s", s->princs[i]);
	o = talloc_asprintf_append(o, "%s\ntrusts:    ", s->hidden ?
				   " (only the realm's owner may list them)" :
				   s->princs && s->princs[0] ? "" : " (none)");
	for (i = 0; o && i < s->n_trusts; i++) {
		o = talloc_asprintf_append(o, " %s (%s, expire%s %lld",
					   s->trusts[i].realm, s->trusts[i].dir,
					   s->trusts[i].expires <= s->now ?
					   "d" : "s", s->trusts[i].expires);
		for (j = 0; o && j < s->trusts[i].n_hosts; j++)
			o = talloc_asprintf_append(o, "%s%s", j ? "," :
						   ", hosts ",
						   s->trusts[i].hosts[j]);
		o = talloc_strdup_append(o, ")");
	}
	o = talloc_asprintf_append(o, "%s\n", s->n_trusts ? "" : s->hidden ?
				   " (only the realm's owner may list them)" :
				   " (none)");
	if (s->problem)
		o = talloc_asprintf_append(o, "problem:    %s\n", s->problem);
	return o;
}

/* , "NAME": [strings] -- or null when hidden */
static char *json_strings(TALLOC_CTX *m, char *o, const char *name,
			  char *const *v, unsigned int n, bool hidden)
{
	unsigned int i;

	o = talloc_asprintf_append(o, ", \"%s\": %s", name,
				   hidden ? "null" : "[");
	if (hidden)
		return o;
	for (i = 0; o && i < n; i++)
		o = talloc_asprintf_append(o, "%s%s", i ? ", " : "",
					   lkdc_json_str(m, v[i]));
	return talloc_strdup_append(o, "]");
}

static char *json(struct status *s)
{
	TALLOC_CTX *m = s->mem;
	unsigned int i, n = 0;
	char *o;

	o = talloc_asprintf(m, "{\"set_up\": true, \"realm\": %s, \"host\": %s, "
			    "\"state_dir\": %s, \"socket\": %s, "
			    "\"listening\": %s, \"kdc\": \"%s\", \"pid\": ",
			    lkdc_json_str(m, s->st.realm),
			    lkdc_json_str(m, s->st.host),
			    lkdc_json_str(m, s->p->state_dir),
			    lkdc_json_str(m, s->p->sock),
			    s->k.listening ? "true" : "false",
			    kdc_word(s->k.state));
	if (s->k.pid)
		o = talloc_asprintf_append(o, "%d", (int)s->k.pid);
	else
		o = talloc_strdup_append(o, "null");
	while (s->princs && s->princs[n])
		n++;
	o = json_strings(m, o, "principals", s->princs, n, s->hidden);
	o = json_strings(m, o, "users", s->st.users, s->st.n_users, false);
	o = talloc_strdup_append(o, s->hidden ? ", \"trusts\": null" :
				 ", \"trusts\": [");
	for (i = 0; !s->hidden && i < s->n_trusts; i++) {
		o = talloc_asprintf_append(o, "%s{\"realm\": %s, "
					   "\"direction\": %s, "
					   "\"expires\": %lld, \"expired\": %s",
					   i ? ", " : "",
					   lkdc_json_str(m, s->trusts[i].realm),
					   lkdc_json_str(m, s->trusts[i].dir),
					   s->trusts[i].expires,
					   s->trusts[i].expires <= s->now ?
					   "true" : "false");
		o = json_strings(m, o, "hosts", s->trusts[i].hosts,
				 s->trusts[i].n_hosts, false);
		o = talloc_strdup_append(o, "}");
	}
	return talloc_asprintf_append(o, "%s, \"problem\": %s}\n",
				      s->hidden ? "" : "]",
				      s->problem ? lkdc_json_str(m, s->problem) :
				      "null");
}

int lkdc_status(TALLOC_CTX *mem, const struct lkdc_paths *p, bool as_json,
		char **out, struct lkdc_err *e)
{
	struct status s = { .mem = mem, .p = p, .now = (long long)time(NULL) };
	struct lkdc_err sub = { 0 };
	int rc;

	rc = lkdc_state_load(mem, p, &s.st, e);
	if (rc == LOCALKDC_NOTSETUP) {
		*out = talloc_asprintf(mem, as_json ? "{\"set_up\": false, "
				       "\"problem\": %s}\n" : "%s\n",
				       as_json ? lkdc_json_str(mem, e->why) :
				       e->why);
		return rc;
	}
	if (rc)
		return rc;
	if (lkdc_kdc_check_owner(p, &sub)) {
		s.rc = sub.rc;
		s.problem = talloc_strdup(mem, sub.why);
	} else {
		lkdc_kdc_probe(p, &s.k);
	}
	load_trusts(&s);
	if (access(p->db_dir, X_OK) < 0 && errno == EACCES) {
		s.hidden = true;
	} else if (!lkdc_kdb_exists(p)) {
		s.rc = s.rc ? s.rc : LOCALKDC_NOTSETUP;
		s.problem = s.problem ? s.problem :
			talloc_asprintf(mem, "the KDC database %s is missing",
					p->db_name);
	} else if (lkdc_kdb_list(mem, p, s.st.realm, &s.princs, &sub)) {
		s.rc = s.rc ? s.rc : sub.rc;
		s.problem = s.problem ? s.problem : talloc_strdup(mem, sub.why);
	}
	*out = as_json ? json(&s) : human(&s);
	if (!*out)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	if (s.rc)
		lkdc_fail(e, s.rc, "%s", s.problem);
	return s.rc;
}
