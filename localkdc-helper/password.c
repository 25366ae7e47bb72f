// SPDX-License-Identifier: GPL-2.0
/*
 * Passwords for new user principals: from the terminal (asked twice, no
 * echo) or, when stdin is not a terminal, one line of stdin per user.
 * Never from the command line.  Read byte by byte straight into memory
 * that is locked, kept out of core dumps and wiped when freed, so no
 * stdio buffer keeps a copy.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lkdc.h"

#define PW_MAX	256

/* One line into @buf (@max + 1 bytes); -1 at EOF before any byte */
static int read_line(int fd, char *buf, size_t max, bool *too_long)
{
	size_t len = 0;
	ssize_t n;
	char c;

	*too_long = false;
	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return len ? 0 : -1;
		if (c == '\n')
			break;
		if (len < max)
			buf[len++] = c;
		else
			*too_long = true;
	}
	buf[len] = '\0';
	if (len && buf[len - 1] == '\r')
		buf[len - 1] = '\0';
	return 0;
}

static int ask(const char *prompt, char *buf, size_t max, bool *too_long)
{
	struct termios old, quiet;
	int rc;

	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tcgetattr(0, &old) < 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(0, TCSAFLUSH, &quiet);
	rc = read_line(0, buf, max, too_long);
	tcsetattr(0, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

int lkdc_read_password(TALLOC_CTX *mem, const char *what, char **pw,
		       struct lkdc_err *e)
{
	char *a = localkdc_secret_alloc(mem, PW_MAX + 1);
	char *b = NULL, prompt[320];
	bool tty = isatty(0), long1 = false, long2 = false;

	*pw = NULL;
	if (!a)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	if (!tty) {
		if (read_line(0, a, PW_MAX, &long1) < 0)
			goto eof;
	} else {
		b = localkdc_secret_alloc(mem, PW_MAX + 1);
		if (!b)
			goto oom;
		snprintf(prompt, sizeof(prompt), "Password for %s: ", what);
		if (ask(prompt, a, PW_MAX, &long1) < 0)
			goto eof;
		snprintf(prompt, sizeof(prompt), "Again, password for %s: ", what);
		if (ask(prompt, b, PW_MAX, &long2) < 0)
			goto eof;
		if (strcmp(a, b) != 0) {
			talloc_free(a);
			talloc_free(b);
			return lkdc_fail(e, LOCALKDC_USAGE,
					 "the two passwords for %s differ", what);
		}
		talloc_free(b);
	}
	if (long1 || long2) {
		talloc_free(a);
		return lkdc_fail(e, LOCALKDC_USAGE,
				 "the password for %s is longer than %d bytes",
				 what, PW_MAX);
	}
	if (!a[0]) {
		talloc_free(a);
		return lkdc_fail(e, LOCALKDC_USAGE, "empty password for %s",
				 what);
	}
	*pw = a;
	return LOCALKDC_OK;
eof:
	talloc_free(a);
	talloc_free(b);
	return lkdc_fail(e, LOCALKDC_USAGE, "no password for %s on %s", what,
			 tty ? "the terminal" : "stdin");
oom:
	talloc_free(a);
	return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
}

int lkdc_read_line(TALLOC_CTX *mem, const char *what, bool secret,
		   size_t max, char **line, struct lkdc_err *e)
{
	char *a = localkdc_secret_alloc(mem, max + 1), prompt[160];
	bool tty = isatty(0), too_long = false, empty;
	int rc;

	*line = NULL;
	if (!a)
		return lkdc_fail(e, LOCALKDC_ERR, "out of memory");
	snprintf(prompt, sizeof(prompt), "%s: ", what);
	if (tty && secret) {
		rc = ask(prompt, a, max, &too_long);
	} else {
		if (tty) {
			fprintf(stderr, "%s", prompt);
			fflush(stderr);
		}
		rc = read_line(0, a, max, &too_long);
	}
	empty = rc < 0 || !a[0];
	if (empty || too_long) {
		talloc_free(a);
		return lkdc_fail(e, LOCALKDC_USAGE, empty ? "no %s on %s" :
				 "the %s on %s is too long", what,
				 tty ? "the terminal" : "stdin");
	}
	*line = a;
	return LOCALKDC_OK;
}
