// SPDX-License-Identifier: GPL-2.0
/*
 * The realm realm discovery found, remembered in the user's ccache.
 *
 * A password mount with a user name and no realm (and none from domain=
 * or krb5.conf) asks the server for its realm first: one more leg.  Once
 * an exchange that started so has ended with the server proved (AP-REP
 * and mechListMIC verified) and its tickets were stored (store_tickets =
 * owner: the cache is the user's, initiator.c), the realm goes into that
 * cache beside the dialect, as a config entry (klist -C shows it):
 *
 *   principal  cifs/<host, lower case>@<realm of the cache's client>
 *   key        "iakerb-realm"
 *   value      the realm
 *
 * That cache's client is <user as given>@<the realm>, so the entry reads
 * "discovery through <host> named this realm for this user".  The next
 * password mount for the same user and host finds it (realm_cc_find) and
 * sends its AS-REQ to that realm at once; password.c drops an entry the
 * realm's KDC did not confirm.  A value that does not name the cache's
 * own client realm is not used: an entry copied into another cache says
 * nothing about it.  A changed value replaces the old one as the
 * dialect's does (cc_config_replace).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "realm_cc.h"
#include "dialect_cc.h"

bool realm_cc_valid(const char *s, size_t len)
{
	size_t i;

	if (!len || len > REALM_CC_MAX || (len == 1 && s[0] == '.'))
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '@')
			return false;
	return true;
}

int realm_cc_parse(TALLOC_CTX *mem, const krb5_data *v, char **realm)
{
	*realm = NULL;
	if (!realm_cc_valid(v->data, v->length))
		return -EINVAL;
	*realm = talloc_strndup(mem, v->data, v->length);
	return *realm ? 0 : -ENOMEM;
}

int realm_cc_get(TALLOC_CTX *mem, krb5_context k, krb5_ccache cc,
		 krb5_const_principal svc, char **realm)
{
	krb5_data v = { 0 };
	krb5_error_code ret;
	int err;

	*realm = NULL;
	ret = krb5_cc_get_config(k, cc, svc, REALM_CC_KEY, &v);
	if (ret == KRB5_CC_NOTFOUND || ret == KRB5_CC_END)
		return -ENOENT;
	if (ret)
		return ret;
	err = realm_cc_parse(mem, &v, realm);
	krb5_free_data_contents(k, &v);
	return err;
}

int realm_cc_set(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		 const char *realm)
{
	TALLOC_CTX *tmp;
	char *have = NULL;
	int err;

	if (realm && !realm_cc_valid(realm, strlen(realm)))
		return -EINVAL;
	tmp = talloc_new(NULL);
	if (!tmp)
		return -ENOMEM;
	err = realm_cc_get(tmp, k, cc, svc, &have);
	if (err == 0 && realm && !strcmp(have, realm)) {
		talloc_free(tmp);
		return 0;		/* already so: write nothing */
	}
	talloc_free(tmp);
	return cc_config_replace(k, cc, svc, REALM_CC_KEY, err, realm);
}

struct found {
	char	*realm, *ccname, *spn;
};

/* Is @cc the one: @user's, with an entry for @host naming its realm? */
static bool match(TALLOC_CTX *mem, krb5_context k, krb5_ccache cc,
		  const char *host, const char *user, struct found *f)
{
	krb5_principal client = NULL, svc = NULL;
	char *name = NULL, *crealm = NULL, *realm = NULL, *s = NULL;
	bool ok = false;

	if (krb5_cc_get_principal(k, cc, &client) ||
	    krb5_unparse_name_flags(k, client,
				    KRB5_PRINCIPAL_UNPARSE_NO_REALM, &name) ||
	    strcmp(name, user))
		goto out;
	crealm = talloc_strndup(mem, client->realm.data, client->realm.length);
	if (!crealm || dialect_cc_principal(k, host, crealm, &svc) ||
	    realm_cc_get(mem, k, cc, svc, &realm) ||
	    strcasecmp(realm, crealm))
		goto out;
	f->realm = realm;
	if (!krb5_cc_get_full_name(k, cc, &s))
		f->ccname = talloc_strdup(mem, s);
	krb5_free_string(k, s);
	s = NULL;
	if (!krb5_unparse_name(k, svc, &s))
		f->spn = talloc_strdup(mem, s);
	ok = f->ccname != NULL;
out:
	krb5_free_unparsed_name(k, s);
	krb5_free_unparsed_name(k, name);
	krb5_free_principal(k, svc);
	krb5_free_principal(k, client);
	return ok;
}

int realm_cc_find(TALLOC_CTX *mem, const char *collection, const char *host,
		  const char *user, char **realm, char **ccname, char **spn)
{
	struct found f = { 0 };
	krb5_context k;
	krb5_ccache cc;
	krb5_cccol_cursor cur;
	bool hit = false;

	*realm = *ccname = *spn = NULL;
	if (!collection || !collection[0] || !user || !user[0] ||
	    krb5_init_context(&k))
		return -ENOENT;
	if (krb5_cc_resolve(k, collection, &cc))
		goto out;
	if (!krb5_cc_support_switch(k, krb5_cc_get_type(k, cc))) {
		hit = match(mem, k, cc, host, user, &f);
		krb5_cc_close(k, cc);
		goto out;
	}
	krb5_cc_close(k, cc);
	/* a collection: the cursor walks the context's default one */
	if (krb5_cc_set_default_name(k, collection) ||
	    krb5_cccol_cursor_new(k, &cur))
		goto out;
	while (!hit && !krb5_cccol_cursor_next(k, cur, &cc) && cc) {
		hit = match(mem, k, cc, host, user, &f);
		krb5_cc_close(k, cc);
	}
	krb5_cccol_cursor_free(k, &cur);
out:
	krb5_free_context(k);
	if (!hit)
		return -ENOENT;
	*realm = f.realm;
	*ccname = f.ccname;
	*spn = f.spn;
	return 0;
}

int realm_cc_remember(TALLOC_CTX *mem, krb5_context k, const char *ccname,
		      const char *host, const char *realm, char **spn)
{
	krb5_ccache cc;
	krb5_principal svc;
	int ret;

	ret = dialect_cc_open(mem, k, ccname, host, &cc, &svc, spn);
	if (ret)
		return ret;
	ret = realm_cc_set(k, cc, svc, realm);
	krb5_free_principal(k, svc);
	krb5_cc_close(k, cc);
	return ret;
}
