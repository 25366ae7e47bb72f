/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fakehelper: a request-key handler for cifs.spnego keys that misbehaves
 * on purpose, for the kernel tests (tests/ktest/scenarios/30-*).
 */
#ifndef FAKEHELPER_H
#define FAKEHELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyutils.h>
#include <talloc.h>

#include "iakerb_codec.h"

/* log.c: one line per decision to syslog, stderr and the --log file */
void flog_open(const char *path);
void flog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* key.c: the cifs.spnego key under construction */
struct fkey {
	key_serial_t key;
	char *desc;			/* as keyctl_describe gives it */
	struct iakerb_desc d;		/* parsed; .leg is 1 without leg= */
	bool parsed;
};

/* Describe @key and parse its description, without taking authority. */
int fkey_describe(TALLOC_CTX *mem, key_serial_t key, struct fkey *k);
/* Take authority, read and check the callout data of this leg. */
int fkey_claim(struct fkey *k);
/* Instantiate with the payload @p, or reject with @err. */
int fkey_answer(struct fkey *k, const struct iakerb_payload *p);
int fkey_answer_raw(struct fkey *k, const void *buf, size_t len);
int fkey_reject(struct fkey *k, int err);

/* tokens.c: security blobs the kernel sends to the server */
/* IAKerb realm discovery: negTokenInit on leg 1, negTokenResp later. */
int tok_discovery(TALLOC_CTX *mem, bool first, uint8_t **out, size_t *len);
/* A negTokenInit offering krb5 with a (made-up) krb5 mechToken. */
int tok_krb5_init(TALLOC_CTX *mem, uint8_t **out, size_t *len);

#endif
