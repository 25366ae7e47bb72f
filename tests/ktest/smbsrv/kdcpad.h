/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault knob kdc-pad=BYTES: KDC replies made larger, validly.
 *
 * kdcpad_msg() grows one KDC reply by an extra PA-DATA entry of a
 * negative (unregistered, RFC 4120 5.2.7) padata-type whose value is
 * padding: AS-REP and TGS-REP carry it in their padata [2], a KRB-ERROR
 * KDC_ERR_PREAUTH_REQUIRED in its METHOD-DATA e-data.  Clients skip
 * padata types they have no module for (MIT 1.22 preauth2.c
 * process_pa_data), so the reply still works.
 *
 * kdcproxy_start() puts that between MIT's acceptor and the KDC: a UNIX
 * socket the acceptor's krb5.conf names instead of the realm's KDC.  The
 * acceptor therefore receives, proxies and keeps in its IAKerb
 * transcript the padded reply, and the exchange stays valid in both
 * dialects.
 */
#ifndef SMBSRV_KDCPAD_H
#define SMBSRV_KDCPAD_H

#include <stddef.h>
#include <stdint.h>

#include <talloc.h>

/* The padata-type of the padding entry: negative, so never registered. */
#define KDCPAD_PA_TYPE (-21314)

/*
 * Grow @msg to at most @target bytes (as close as DER lengths allow).
 * Returns 1 with a talloc child of @mem in *out, 0 if @msg is left as it
 * is (not a reply that can carry padding, or not smaller than @target),
 * or a negative errno.
 */
int kdcpad_msg(TALLOC_CTX *mem, const uint8_t *msg, size_t len,
	       size_t target, uint8_t **out, size_t *olen);

struct server;
/*
 * Start the padding proxy for the default realm's KDC (a UNIX socket path
 * in krb5.conf) and point this process's krb5.conf at it (KRB5_CONFIG).
 * Call before any GSS or krb5 use and before threads.  Returns 0 or -1
 * with a message in @err.
 */
int kdcproxy_start(struct server *srv, size_t target, char *err,
		   size_t errlen);

#endif
