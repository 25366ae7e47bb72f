// SPDX-License-Identifier: GPL-2.0
/*
 * One line per event in syslog (LOG_AUTHPRIV: these lines name users and
 * servers), optionally on stderr too.  Every line carries the context set
 * once the request is known ("key 1234 leg 2 exch ..."), so an exchange can
 * be followed through the journal across its helper processes and agent.
 *
 * The host's log, always.  glibc's syslog() connects to /dev/log at its
 * first line, which for upcall_target=app comes after setns(): the lines
 * of a container's mount went to the container's /dev/log.  So the log
 * socket is connected here, by log_open(), as root in the host's
 * namespaces before anything else happens, and kept: never reconnected
 * (that would look the path up in whatever namespace we are in by then),
 * and carried by the agent across its close_range() (log_move_fd()).  A
 * line that cannot be sent is lost (and on stderr with -s).
 *
 * Outcomes: the rows of IAKERB_OUTCOMES (cifs_iakerb_abi.h).  A failure is
 * recorded once, where it is first understood, and logged once, by main.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "upcall.h"

#define LOG_PATH	"/dev/log"

static bool log_stderr;
static bool log_debug;
static char log_ctx[160];
static int log_fd = -1;
static int log_type;		/* SOCK_DGRAM (or SOCK_STREAM, as glibc) */

/* A socket connected to the log daemon of the namespace we are in now */
static int log_connect(int type)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = LOG_PATH };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

void log_open(bool to_stderr, bool debug)
{
	log_stderr = to_stderr;
	log_debug = debug;
	/* the host's zone, now: localtime_r() will not read it again */
	tzset();
	log_type = SOCK_DGRAM;
	log_fd = log_connect(SOCK_DGRAM);
	if (log_fd == -EPROTOTYPE) {
		log_type = SOCK_STREAM;
		log_fd = log_connect(SOCK_STREAM);
	}
	if (log_fd < 0)
		log_fd = -1;
}

int log_move_fd(int to)
{
	if (log_fd < 0)
		return 0;
	if (log_fd != to) {
		if (dup3(log_fd, to, O_CLOEXEC) < 0)
			return -errno;
		close(log_fd);
		log_fd = to;
	}
	return 1;
}

void log_set_context(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_ctx, sizeof(log_ctx), fmt, ap);
	va_end(ap);
}

/* RFC 3164, as glibc writes it: "<PRI>Mmm dd hh:mm:ss ident[pid]: text" */
static void log_send(int prio, const char *text)
{
	char buf[1024], stamp[32] = "";
	struct tm tm;
	time_t now = time(NULL);
	int n;

	if (log_fd < 0)
		return;
	if (localtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(buf, sizeof(buf), "<%d>%s " UPCALL_PROG "[%d]: %s",
		     LOG_AUTHPRIV | prio, stamp, (int)getpid(), text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	/* a stream socket takes the terminating NUL as the separator */
	if (log_type == SOCK_STREAM)
		n++;
	while (send(log_fd, buf, (size_t)n, MSG_NOSIGNAL) < 0 &&
	       errno == EINTR)
		;
}

size_t log_escape(char *out, size_t cap, const char *in)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		char e[4];
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			e[0] = (char)c;
			n = 1;
		} else if (c == '\\') {
			e[0] = e[1] = '\\';
			n = 2;
		} else {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			n = 4;
		}
		if (o + n >= cap)
			break;		/* never half an escape */
		memcpy(out + o, e, n);
		o += n;
	}
	if (cap)
		out[o] = 0;
	return o;
}

/*
 * Lines carry what users (user=, a realm) and servers (a discovered realm,
 * a KRB-ERROR's e-text through MIT's messages) chose: one line in the log
 * must stay one line, and show what it says.
 */
void ulog(int prio, const char *fmt, ...)
{
	char msg[512], raw[sizeof(log_ctx) + sizeof(msg) + 2];
	char line[sizeof(raw) + 256];
	va_list ap;

	if (prio == LOG_DEBUG && !log_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(raw, sizeof(raw), "%s%s%s", log_ctx, log_ctx[0] ? ": " : "",
		 msg);
	log_escape(line, sizeof(line), raw);
	log_send(prio, line);
	if (log_stderr)
		fprintf(stderr, UPCALL_PROG "[%d]: %s\n", (int)getpid(), line);
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
