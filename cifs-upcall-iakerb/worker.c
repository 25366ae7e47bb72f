// SPDX-License-Identifier: GPL-2.0
/*
 * One leg's krb5 work in a child of ours (legacy_run: plain Kerberos in
 * one leg, as cifs.upcall).  The agent is such a child already; this is
 * the same separation for the path without one.
 *
 * Why a child: the krb5 work runs as the credential owner in the caller's
 * namespaces, where a user who made a user and mount namespace of her own
 * chooses the krb5.conf, and with it the modules that libkrb5 loads.  The
 * process request-key started holds the authority to answer the key, and
 * with it cifs's keyring is searched as its possessor.  So that process
 * stays root in the init namespaces and runs nothing of the caller's; the
 * child gives the authority up first (privs_enter_world), and all that
 * comes back is a reply on a pipe, checked here like any other input.
 *
 * The reply: a fixed header (struct worker_reply), then the payload.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "upcall.h"

struct worker_reply {
	int32_t		ret;		/* fn's return: 0 or -errno */
	int32_t		outcome;	/* struct result's */
	uint32_t	flags;		/* the payload's IAKERB_MSG_* */
	uint32_t	len;		/* payload bytes after the header */
	char		why[sizeof(((struct result *)0)->why)];
};

/* All of @len bytes to (@out) or from the pipe: 0, or -1 on EOF or error */
static int pipe_xfer(int fd, void *buf, size_t len, bool out)
{
	uint8_t *b = buf;
	ssize_t n;

	while (len) {
		n = out ? write(fd, b, len) : read(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static __attribute__((noreturn)) void
worker_child(struct upcall_ctx *u, TALLOC_CTX *mem, worker_fn fn, int out)
{
	struct worker_reply h = { 0 };
	struct payload p = { 0 };
	int ret;

	ret = privs_enter_world(u, false);
	/* the parent answers the kernel: an orphan has nobody to tell (set
	 * after the drop, which clears it) */
	if (!ret && (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) ||
		     getppid() == 1))
		ret = -ECHILD;
	if (!ret)
		ret = fn(u, mem, &p);
	h.ret = ret;
	h.outcome = u->res.outcome;
	memcpy(h.why, u->res.why, sizeof(h.why));
	if (!ret) {
		h.flags = p.flags;
		h.len = p.len <= IAKERB_PAYLOAD_MAX ? (uint32_t)p.len : 0;
	}
	if (!pipe_xfer(out, &h, sizeof(h), true) && h.len)
		(void)pipe_xfer(out, p.data, h.len, true);
	close(out);
	secret_wipe(u->pass, u->pass_len);
	talloc_free(u->mem);	/* the session key's buffer wipes itself */
	_exit(ret ? 1 : 0);
}

int worker_run(struct upcall_ctx *u, TALLOC_CTX *mem, worker_fn fn,
	       struct payload *p)
{
	struct worker_reply h;
	int fds[2], status, got;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "pipe: %s",
			    strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return fail(&u->res, IAKERB_OUT_PROTOCOL, "fork: %s",
			    strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		worker_child(u, mem, fn, fds[1]);
	}
	close(fds[1]);
	/* the password is the child's business now */
	secret_wipe(u->pass, u->pass_len);
	u->pass_len = 0;

	got = pipe_xfer(fds[0], &h, sizeof(h), false);
	if (!got && !h.ret && h.len) {
		/* it holds a session key: secret memory, wiped when freed */
		p->data = secret_alloc(mem, h.len);
		if (!p->data) {
			close(fds[0]);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return fail_oom(&u->res, "the worker's payload");
		}
		got = pipe_xfer(fds[0], p->data, h.len, false);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got) {
		if (WIFSIGNALED(status))
			return fail(&u->res, IAKERB_OUT_PROTOCOL,
				    "the krb5 worker died (killed by signal "
				    "%d)", WTERMSIG(status));
		return fail(&u->res, IAKERB_OUT_PROTOCOL,
			    "the krb5 worker ended without a reply");
	}
	if (h.ret) {
		/*
		 * Its own failure, as it recorded it.  What comes from the
		 * caller's world is input: a known outcome, and one printable
		 * line, or ours.
		 */
		if (h.ret > 0 || h.ret < -4095)
			h.ret = -EPROTO;
		u->res.outcome = h.outcome >= 0 && h.outcome < IAKERB_OUT_COUNT ?
				 h.outcome : outcome_from_errno(h.ret);
		h.why[sizeof(h.why) - 1] = 0;
		for (size_t i = 0; h.why[i]; i++)
			if ((unsigned char)h.why[i] < 0x20 ||
			    (unsigned char)h.why[i] == 0x7f)
				h.why[i] = '?';
		memcpy(u->res.why, h.why, sizeof(u->res.why));
		return h.ret;
	}
	/* legacy_run's answer is the one-leg payload, and nothing else */
	if (!h.len || h.len > IAKERB_PAYLOAD_MAX ||
	    h.flags != IAKERB_MSG_LEGACY)
		return fail(&u->res, IAKERB_OUT_PROTOCOL,
			    "the krb5 worker's payload is malformed (%u "
			    "bytes, kind %u)", (unsigned int)h.len,
			    (unsigned int)h.flags);
	p->len = h.len;
	p->flags = h.flags;
	return 0;
}
