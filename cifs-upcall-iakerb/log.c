// SPDX-License-Identifier: GPL-2.0
/*
 * One line per event in syslog (LOG_AUTHPRIV: these lines name users and
 * servers), optionally on stderr too.  Every line carries the context set
 * once the request is known ("key 1234 leg 2 xid ..."), so an exchange can
 * be followed through the journal across its helper processes and agent.
 *
 * Outcomes: the rows of IAKERB_OUTCOMES (cifs_iakerb_abi.h).  A failure is
 * recorded once, where it is first understood, and logged once, by main.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "upcall.h"

static bool log_stderr;
static bool log_debug;
static char log_ctx[160];

void log_open(bool to_stderr, bool debug)
{
	log_stderr = to_stderr;
	log_debug = debug;
	openlog(UPCALL_PROG, LOG_PID, LOG_AUTHPRIV);
	if (!debug)
		setlogmask(LOG_UPTO(LOG_INFO));
}

void log_set_context(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_ctx, sizeof(log_ctx), fmt, ap);
	va_end(ap);
}

void ulog(int prio, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (prio == LOG_DEBUG && !log_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_ctx[0])
		syslog(prio, "%s: %s", log_ctx, line);
	else
		syslog(prio, "%s", line);
	if (log_stderr)
		fprintf(stderr, UPCALL_PROG "[%d]: %s%s%s\n", (int)getpid(),
			log_ctx, log_ctx[0] ? ": " : "", line);
}

static const struct {
	const char	*name;
	int		err;
} outcomes[] = {
#define X(name, e, msg) { #name, e },
	IAKERB_OUTCOMES(X)
#undef X
};

int outcome_errno(int outcome)
{
	if (outcome < 0 || outcome >= IAKERB_OUT_COUNT)
		return EPROTO;
	return outcomes[outcome].err;
}

const char *outcome_name(int outcome)
{
	if (outcome == OUT_OK)
		return "OK";
	if (outcome < 0 || outcome >= IAKERB_OUT_COUNT)
		return "PROTOCOL";
	return outcomes[outcome].name;
}

int outcome_from_errno(int err)
{
	int i;

	if (err < 0)
		err = -err;
	for (i = 0; i < IAKERB_OUT_COUNT; i++)
		if (outcomes[i].err == err)
			return i;
	return IAKERB_OUT_PROTOCOL;
}

int fail(struct result *res, int outcome, const char *fmt, ...)
{
	va_list ap;

	/* the first failure is the cause; later ones are consequences */
	if (res->outcome == OUT_OK) {
		res->outcome = outcome;
		va_start(ap, fmt);
		vsnprintf(res->why, sizeof(res->why), fmt, ap);
		va_end(ap);
	}
	return -outcome_errno(res->outcome);
}

int fail_oom(struct result *res, const char *what)
{
	return fail(res, IAKERB_OUT_NO_MEMORY, "out of memory (%s)", what);
}
