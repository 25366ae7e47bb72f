// SPDX-License-Identifier: GPL-2.0
/*
 * The event log tests read: one line per event,
 *   <unix time with ms> <EVENT> key=value ...
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "smbsrv.h"

void slog(struct server *srv, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;
	FILE *f = srv->log ? srv->log : stderr;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(f, "%lld.%03ld ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}
