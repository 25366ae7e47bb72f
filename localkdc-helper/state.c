// SPDX-License-Identifier: GPL-2.0
/*
 * The realm's state file, state_dir/localkdc.state: what setup made, in
 * "key value" lines (realm, host, created, idle_exit, one "user" line per
 * account).
 * Trusts (issue 12 item 4) get their own file beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "lkdc.h"

bool lkdc_realm_ok(const char *realm)
{
	const char *s;

	if (!realm || !realm[0] || strlen(realm) > 128 || realm[0] == '.')
		return false;
	for (s = realm; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '-'))
			return false;
	return true;
}

/* Account and host names: what can go into a principal and a file name */
bool lkdc_name_ok(const char *name)
{
	const char *s;

	if (!name || !name[0] || strlen(name) > 64 || name[0] == '.' ||
	    name[0] == '-')
		return false;
	for (s = name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

/* LOCALKDC.<random UUID, version 4, upper case> */
char *lkdc_new_realm(TALLOC_CTX *mem)
{
	unsigned char u[16];

	if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u))
		return NULL;
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	return talloc_asprintf(mem,
		"LOCALKDC.%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
		"%02X%02X%02X%02X%02X%02X", u[0], u[1], u[2], u[3], u[4], u[5],
		u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

bool lkdc_state_has_user(const struct lkdc_state *st, const char *user)
{
	unsigned int i;

	for (i = 0; i < st->n_users; i++)
		if (strcmp(st->users[i], user) == 0)
			return true;
	return false;
}

static int parse_line(TALLOC_CTX *mem, struct lkdc_state *st, char *line)
{
	char *val = strchr(line, ' ');

	if (!val)
		return -1;
	*val++ = '\0';
	if (strcmp(line, "realm") == 0 && lkdc_realm_ok(val))
		st->realm = talloc_strdup(mem, val);
	else if (strcmp(line, "host") == 0 && lkdc_name_ok(val))
		st->host = talloc_strdup(mem, val);
	else if (strcmp(line, "idle_exit") == 0)
		st->idle_exit = (unsigned int)strtoul(val, NULL, 10);
	else if (strcmp(line, "created") == 0)
		st->created = strtoll(val, NULL, 10);
	else if (strcmp(line, "user") == 0 && lkdc_name_ok(val) &&
		 st->n_users < LKDC_MAX_USERS)
		st->users[st->n_users++] = talloc_strdup(mem, val);
	else
		return -1;
	return 0;
}

int lkdc_state_load(TALLOC_CTX *mem, const struct lkdc_paths *p,
		    struct lkdc_state *st, struct lkdc_err *e)
{
	char line[512];
	FILE *f;
	int lineno = 0, bad = 0;

	memset(st, 0, sizeof(*st));
	f = fopen(p->state_file, "re");
	if (!f) {
		if (errno == ENOENT)
			return lkdc_fail(e, LOCALKDC_NOTSETUP,
					 "no local realm: %s does not exist "
					 "(run localkdc setup)", p->state_file);
		return lkdc_fail(e, LOCALKDC_ERR, "%s: %s", p->state_file,
				 strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (parse_line(mem, st, line) < 0 && !bad)
			bad = lineno;
	}
	fclose(f);
	if (bad)
		return lkdc_fail(e, LOCALKDC_ERR, "%s:%d: not understood",
				 p->state_file, bad);
	if (!st->realm || !st->host)
		return lkdc_fail(e, LOCALKDC_ERR, "%s: no realm or host line",
				 p->state_file);
	return LOCALKDC_OK;
}

/* Written to a temporary file and renamed: never half a state file */
int lkdc_state_save(const struct lkdc_paths *p, const struct lkdc_state *st,
		    struct lkdc_err *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *text;
	unsigned int i;
	int rc;

	text = talloc_asprintf(tmp, "# written by localkdc setup; "
			       "do not edit\nrealm %s\nhost %s\ncreated %lld\n"
			       "idle_exit %u\n", st->realm, st->host,
			       st->created, st->idle_exit);
	for (i = 0; text && i < st->n_users; i++)
		text = talloc_asprintf_append(text, "user %s\n", st->users[i]);
	rc = text ? lkdc_replace_file(p->state_file, 0644, text, e) :
		lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	talloc_free(tmp);
	return rc;
}
