// SPDX-License-Identifier: GPL-2.0
/*
 * Running MIT's programs (kdb5_util, kadmin.local): a fresh, minimal
 * environment, umask 077, and whatever secret they need on stdin, never
 * on the command line (argv is world-readable in /proc).  Their output
 * (stdout and stderr together) comes back for the error message.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lkdc.h"

#define OUT_MAX		(64 * 1024)

static void child(struct lkdc_run *r, int in, int out)
{
	const char *env[16];
	unsigned int n = 0, i;

	env[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	env[n++] = "LANG=C";
	for (i = 0; r->env && r->env[i] && n < 15; i++)
		env[n++] = r->env[i];
	env[n] = NULL;
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	umask(077);
	execve(r->argv[0], (char *const *)r->argv, (char *const *)env);
	dprintf(2, "cannot run %s: %s\n", r->argv[0], strerror(errno));
	_exit(127);
}

/* All of stdin first (it is small), then the output until EOF */
static int talk(TALLOC_CTX *mem, struct lkdc_run *r, int in, int out)
{
	size_t done = 0, len = 0;
	char *buf = talloc_size(mem, OUT_MAX + 1);
	ssize_t n;

	if (!buf)
		return -1;
	while (done < r->input_len) {
		n = write(in, r->input + done, r->input_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;	/* the program quit early: its status says why */
		done += (size_t)n;
	}
	close(in);
	for (;;) {
		n = read(out, buf + len, OUT_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == OUT_MAX)
			len = 0;	/* keep the tail, where errors are */
	}
	buf[len] = '\0';
	r->output = buf;
	return 0;
}

int lkdc_spawn(TALLOC_CTX *mem, struct lkdc_run *r, struct lkdc_err *e)
{
	int in[2], out[2], status;
	void (*old_pipe)(int);
	pid_t pid;

	r->output = NULL;
	if (pipe2(in, O_CLOEXEC) < 0)
		return lkdc_fail(e, LOCALKDC_ERR, "pipe: %s", strerror(errno)), -1;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return lkdc_fail(e, LOCALKDC_ERR, "pipe: %s", strerror(errno)), -1;
	}
	pid = fork();
	if (pid < 0) {
		lkdc_fail(e, LOCALKDC_ERR, "fork: %s", strerror(errno));
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		return -1;
	}
	if (pid == 0)
		child(r, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	/* a program that exits before reading its stdin must not kill us;
	 * the caller's own disposition comes back after */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	talk(mem, r, in[1], out[0]);
	signal(SIGPIPE, old_pipe);
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return lkdc_fail(e, LOCALKDC_ERR, "waitpid: %s",
					 strerror(errno)), -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	lkdc_fail(e, LOCALKDC_ERR, "%s killed by signal %d", r->argv[0],
		  WTERMSIG(status));
	return -1;
}

const char *lkdc_last_line(TALLOC_CTX *mem, const char *out)
{
	const char *end, *start;

	if (!out)
		return "";
	end = out + strlen(out);
	while (end > out && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > out && start[-1] != '\n')
		start--;
	return talloc_strndup(mem, start, (size_t)(end - start));
}
