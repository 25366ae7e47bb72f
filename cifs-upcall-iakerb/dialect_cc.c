// SPDX-License-Identifier: GPL-2.0
/*
 * The IAKerb dialect a server spoke, remembered in the user's ccache.
 *
 * A cached service ticket has no proxy legs, so nothing in the exchange
 * tells auto which final AP-REQ the server wants (MIT's IAKerb-framed
 * one with FINISHED, or Windows' krb5-framed one).  So when an exchange
 * has learnt the dialect from a KDC reply and the server has then proved
 * itself (AP-REP and mechListMIC verified), the agent writes it into the
 * cache that holds the tickets, as a ccache config entry (what MIT keeps
 * its own per-cache settings in; klist -C shows it):
 *
 *   principal  cifs/<host, lower case>@<realm of the cache's client>
 *   key        "iakerb-dialect"
 *   value      "mit" or "windows"
 *
 * In auto, an exchange that starts from that cache reads it back.  A
 * FILE cache keeps entries in order and MIT's lookup takes the first, so
 * a changed value is removed before it is written again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dialect_cc.h"

/* Only a dialect a server spoke is remembered, never "auto" */
const char *dialect_cc_value(enum upcall_dialect d)
{
	if (d != UPCALL_DIALECT_MIT && d != UPCALL_DIALECT_WINDOWS)
		return NULL;
	return dialect_name(d);
}

int dialect_cc_parse(const krb5_data *v, enum upcall_dialect *d)
{
	char s[sizeof("windows")];
	enum upcall_dialect got;

	if (v->length >= sizeof(s) || memchr(v->data, 0, v->length))
		return -EINVAL;
	memcpy(s, v->data, v->length);
	s[v->length] = 0;
	if (dialect_parse(s, &got) || !dialect_cc_value(got))
		return -EINVAL;
	*d = got;
	return 0;
}

krb5_error_code dialect_cc_principal(krb5_context k, const char *host,
				     const char *realm, krb5_principal *out)
{
	krb5_error_code ret;
	char *h;

	*out = NULL;
	if (!host || !host[0] || !realm || !realm[0])
		return EINVAL;
	h = spn_host(NULL, host);
	if (!h)
		return ENOMEM;
	ret = krb5_build_principal(k, out, (unsigned int)strlen(realm), realm,
				   "cifs", h, NULL);
	talloc_free(h);
	return ret;
}

int dialect_cc_get(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		   enum upcall_dialect *d)
{
	krb5_data v = { 0 };
	krb5_error_code ret;
	int err;

	ret = krb5_cc_get_config(k, cc, svc, DIALECT_CC_KEY, &v);
	if (ret == KRB5_CC_NOTFOUND || ret == KRB5_CC_END)
		return -ENOENT;
	if (ret)
		return ret;
	err = dialect_cc_parse(&v, d);
	krb5_free_data_contents(k, &v);
	return err;
}

int dialect_cc_set(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		   enum upcall_dialect d)
{
	const char *s = dialect_cc_value(d);
	enum upcall_dialect have;
	int err;

	err = dialect_cc_get(k, cc, svc, &have);
	if (err == 0 && s && have == d)
		return 0;		/* already so: write nothing */
	return cc_config_replace(k, cc, svc, DIALECT_CC_KEY, err, s);
}

int cc_config_replace(krb5_context k, krb5_ccache cc, krb5_const_principal svc,
		      const char *key, int have, const char *value)
{
	krb5_data v;
	krb5_error_code ret;

	if (have == 0 || have == -EINVAL) {
		ret = krb5_cc_set_config(k, cc, svc, key, NULL);
		if (ret && ret != KRB5_CC_NOTFOUND)
			return ret;
	} else if (have != -ENOENT) {
		return have;
	}
	if (!value)
		return 0;
	v.magic = KV5M_DATA;
	v.data = (char *)value;
	v.length = (unsigned int)strlen(value);
	return krb5_cc_set_config(k, cc, svc, key, &v);
}

/* Open @ccname and name the entry of @host in its client's realm */
int dialect_cc_open(TALLOC_CTX *mem, krb5_context k, const char *ccname,
		    const char *host, krb5_ccache *cc, krb5_principal *svc,
		    char **spn)
{
	krb5_principal client = NULL;
	krb5_error_code ret;
	char *realm = NULL, *s = NULL;

	*cc = NULL;
	*svc = NULL;
	ret = krb5_cc_resolve(k, ccname, cc);
	if (!ret)
		ret = krb5_cc_get_principal(k, *cc, &client);
	if (!ret) {
		realm = strndup(client->realm.data, client->realm.length);
		ret = realm ? dialect_cc_principal(k, host, realm, svc) :
			      ENOMEM;
	}
	if (!ret && !krb5_unparse_name(k, *svc, &s)) {
		*spn = talloc_strdup(mem, s);
		krb5_free_unparsed_name(k, s);
	}
	free(realm);
	krb5_free_principal(k, client);
	if (ret && *cc) {
		krb5_cc_close(k, *cc);
		*cc = NULL;
	}
	return ret;
}

/* Open the entry of @host in @ccname, get or set it, close */
static int with_entry(TALLOC_CTX *mem, krb5_context k, const char *ccname,
		      const char *host, enum upcall_dialect *get,
		      enum upcall_dialect set, char **spn)
{
	krb5_ccache cc;
	krb5_principal svc;
	int ret;

	ret = dialect_cc_open(mem, k, ccname, host, &cc, &svc, spn);
	if (ret)
		return ret;
	ret = get ? dialect_cc_get(k, cc, svc, get) :
		    dialect_cc_set(k, cc, svc, set);
	krb5_free_principal(k, svc);
	krb5_cc_close(k, cc);
	return ret;
}

int dialect_cc_recall(TALLOC_CTX *mem, krb5_context k, const char *ccname,
		      const char *host, enum upcall_dialect *d, char **spn)
{
	return with_entry(mem, k, ccname, host, d, UPCALL_DIALECT_UNSET, spn);
}

int dialect_cc_remember(TALLOC_CTX *mem, krb5_context k, const char *ccname,
			const char *host, enum upcall_dialect d, char **spn)
{
	return with_entry(mem, k, ccname, host, NULL, d, spn);
}
