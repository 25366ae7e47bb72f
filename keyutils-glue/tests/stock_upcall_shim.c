// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for running the stock cifs.upcall on a description of
 * our choosing (PROTOCOL.md §1): keyctl_describe_alloc() returns
 * $SHIM_DESCRIBE, syslog goes to stderr, and the key calls only report.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long keyctl_describe_alloc(int id, char **buffer);
long keyctl_instantiate(int id, const void *payload, size_t plen, int ring);
long keyctl_negate(int id, unsigned int timeout, int ring);
long keyctl_set_timeout(int id, unsigned int timeout);
void __syslog_chk(int pri, int flag, const char *fmt, ...);
void syslog(int pri, const char *fmt, ...);

long keyctl_describe_alloc(int id, char **buffer)
{
	const char *d = getenv("SHIM_DESCRIBE");

	*buffer = strdup(d ? d : "");
	return *buffer ? (long)strlen(*buffer) + 1 : -1;
}

long keyctl_instantiate(int id, const void *payload, size_t plen, int ring)
{
	uint32_t v[2] = { 0, 0 };

	memcpy(v, payload, plen < sizeof(v) ? plen : sizeof(v));
	fprintf(stderr, "shim: instantiate version=%u flags=%u\n", v[0], v[1]);
	return 0;
}

long keyctl_negate(int id, unsigned int timeout, int ring)
{
	fprintf(stderr, "shim: negate\n");
	return 0;
}

long keyctl_set_timeout(int id, unsigned int timeout)
{
	return 0;
}

static void vlog(const char *fmt, va_list ap)
{
	fprintf(stderr, "syslog: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void __syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
