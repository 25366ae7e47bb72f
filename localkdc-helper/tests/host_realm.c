// SPDX-License-Identifier: GPL-2.0
/*
 * host_realm HOST: print the realms MIT's krb5_get_host_realm() finds
 * for HOST under the caller's KRB5_CONFIG, one a line (an empty line is
 * the referral realm: no [domain_realm] mapping).  The trust tests use it
 * to show the snippet's mapping is what krb5 itself reads, as the upcall
 * helper does.
 */
#include <stdio.h>

#include <krb5.h>

int main(int argc, char **argv)
{
	krb5_context ctx;
	char **realms;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: host_realm HOST\n");
		return 2;
	}
	if (krb5_init_context(&ctx)) {
		fprintf(stderr, "host_realm: krb5_init_context failed\n");
		return 1;
	}
	if (krb5_get_host_realm(ctx, argv[1], &realms)) {
		fprintf(stderr, "host_realm: krb5_get_host_realm failed\n");
		krb5_free_context(ctx);
		return 1;
	}
	for (i = 0; realms[i]; i++)
		printf("%s\n", realms[i]);
	krb5_free_host_realm(ctx, realms);
	krb5_free_context(ctx);
	return 0;
}
