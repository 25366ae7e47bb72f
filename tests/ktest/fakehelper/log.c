// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions go to syslog, stderr (request-key points it at /dev/null) and,
 * with --log FILE, to FILE: the scenarios read FILE, which works without
 * a syslog daemon.  FILE is opened per line so that no child keeps it.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "fakehelper.h"

static const char *log_path;

void flog_open(const char *path)
{
	log_path = path;
	openlog("fakehelper", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void flog(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	syslog(LOG_INFO, "%s", line);
	fprintf(stderr, "fakehelper[%d]: %s\n", (int)getpid(), line);
	if (!log_path)
		return;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	dprintf(fd, "fakehelper[%d]: %s\n", (int)getpid(), line);
	close(fd);
}
