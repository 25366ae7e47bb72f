// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration files setup writes:
 *
 *  - kdc.conf (state_dir, read by krb5kdc and kadmin.local through
 *    KRB5_KDC_PROFILE): the KDC listens on the UNIX socket only, with no
 *    UDP or TCP port at all, and keeps its database in state_dir/db;
 *  - the krb5.conf.d snippet: the realm's KDC is the socket.  It names no
 *    default realm and changes nothing else of the host's configuration.
 *
 *  - kdc.env, the environment of localkdc.service (the realm for -r).
 *
 * The socket path is given to krb5kdc even when it is socket-activated:
 * it takes a passed socket only for an address it is configured with.
 */
#include <time.h>

#include "lkdc.h"

char *lkdc_kdc_conf_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			 const char *realm)
{
	return talloc_asprintf(mem,
		"# localkdc: the local realm's KDC, reachable only through\n"
		"# its UNIX socket.  Written by localkdc setup.\n"
		"[kdcdefaults]\n"
		"\tkdc_listen = %s\n"
		"\tkdc_tcp_listen = \"\"\n"
		"\n"
		"[realms]\n"
		"\t%s = {\n"
		"\t\tdatabase_name = %s\n"
		"\t\tkey_stash_file = %s\n"
		"\t\tmax_life = 10h 0m 0s\n"
		"\t\tmax_renewable_life = 7d 0h 0m 0s\n"
		"\t\tsupported_enctypes = aes256-cts-hmac-sha384-192:normal "
		"aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n"
		"\t}\n"
		"\n"
		"[logging]\n"
		"\tkdc = FILE:%s\n"
		"\tdefault = FILE:%s\n",
		p->sock, realm, p->db_name, p->stash, p->kdc_log, p->kdc_log);
}

char *lkdc_snippet_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			const char *realm)
{
	return talloc_asprintf(mem,
		"# localkdc: the local realm and its KDC's UNIX socket.\n"
		"# Written by localkdc setup, removed by localkdc teardown.\n"
		"[realms]\n"
		"\t%s = {\n"
		"\t\tkdc = %s\n"
		"\t}\n", realm, p->sock);
}

char *lkdc_kdc_env_text(TALLOC_CTX *mem, const struct lkdc_paths *p,
			const char *realm)
{
	return talloc_asprintf(mem,
		"# localkdc: environment of localkdc.service\n"
		"LOCALKDC_REALM=%s\n"
		"KRB5_KDC_PROFILE=%s\n"
		"KRB5_CONFIG=%s\n", realm, p->kdc_conf, p->snippet);
}
