// SPDX-License-Identifier: GPL-2.0
/*
 * fakehelper: a cifs.spnego request-key handler that breaks the helper's
 * side of the protocol (keyutils-glue/PROTOCOL.md) in one chosen way, so
 * that the VM tests can show what the kernel does about it.
 *
 *   create cifs.spnego * * /path/fakehelper [--log FILE] MODE [ARGS] %k
 *
 * Answering modes (the leg is read from the description):
 *   legacy              leg 1: a LEGACY answer (16 random key bytes and
 *                       a krb5 negTokenInit), whatever sec= says
 *   legacy-short        leg 1: a LEGACY header that claims a 4096-byte
 *                       blob, followed by 16 key bytes and 32 blob bytes
 *                       only (the kernel must not read past them)
 *   agent-not-child [PID]
 *                       leg 1: CONTINUE with an IAKerb realm-discovery
 *                       token, naming PID (default 2), a live process
 *                       that is not our child; later legs: ECONNRESET
 *   agent-changes [SECONDS]
 *                       leg 1: fork a sleeper (SECONDS, default 120;
 *                       SIGTERM ends it) and answer CONTINUE naming it;
 *                       leg 2: fork another and name that one; later
 *                       legs: ECONNRESET
 * Wrapping modes (every other leg: exec PROG ARGS KEY):
 *   stop-at-leg N -- PROG ARGS...   on leg N: SIGSTOP ourselves first
 *   exit-at-leg N -- PROG ARGS...   on leg N: exit(0), no answer
 *   segv-at-leg N -- PROG ARGS...   on leg N: die of SIGSEGV (no core)
 *   log -- PROG ARGS...             log the description and, for a
 *                                   multi-leg one, the callout's record
 *                                   types, then exec
 *
 * Every decision is logged (log.c), with the pids the scenario may have
 * to clean up after ("sleeper pid=N", "stopping pid=N").
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "fakehelper.h"

enum mode { M_LEGACY, M_SHORT, M_NOT_CHILD, M_CHANGES, M_STOP, M_EXIT,
	    M_SEGV, M_LOG };

static const struct {
	const char *name;
	enum mode mode;
	bool wraps;		/* execs PROG on the other legs */
} modes[] = {
	{ "legacy", M_LEGACY, false },
	{ "legacy-short", M_SHORT, false },
	{ "agent-not-child", M_NOT_CHILD, false },
	{ "agent-changes", M_CHANGES, false },
	{ "stop-at-leg", M_STOP, true },
	{ "exit-at-leg", M_EXIT, true },
	{ "segv-at-leg", M_SEGV, true },
	{ "log", M_LOG, true },
};

struct opts {
	enum mode mode;
	unsigned long arg;	/* PID, SECONDS or N */
	char **prog;		/* PROG ARGS... KEY, NULL-terminated */
	key_serial_t key;
};

static void usage(void)
{
	fprintf(stderr,
"usage: fakehelper [--log FILE] MODE [ARG] [-- PROG [ARGS...]] KEY\n"
"  legacy | legacy-short | agent-not-child [PID] | agent-changes [SECONDS]\n"
"  stop-at-leg N -- PROG... | exit-at-leg N -- PROG... |\n"
"  segv-at-leg N -- PROG... | log -- PROG...\n");
	exit(2);
}

static unsigned long number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || !v || v > 0x7fffffffUL)
		usage();
	return v;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i = 1, m, last = argc - 1;
	bool wraps;

	if (argc > 2 && !strcmp(argv[1], "--log")) {
		flog_open(argv[2]);
		i = 3;
	} else {
		flog_open(NULL);
	}
	if (i >= last)
		usage();
	for (m = 0; m < (int)(sizeof(modes) / sizeof(modes[0])); m++)
		if (!strcmp(argv[i], modes[m].name))
			break;
	if (m == (int)(sizeof(modes) / sizeof(modes[0])))
		usage();
	o->mode = modes[m].mode;
	wraps = modes[m].wraps;
	o->key = (key_serial_t)number(argv[last]);
	i++;
	if (i < last && strcmp(argv[i], "--"))
		o->arg = number(argv[i++]);
	if (wraps) {
		/* PROG ARGS... then the key, as request-key's %k gave it */
		if ((o->mode != M_LOG && !o->arg) || i >= last ||
		    strcmp(argv[i], "--") || i + 1 >= last ||
		    argv[i + 1][0] != '/')
			usage();
		o->prog = argv + i + 1;
	} else if (i != last) {
		usage();
	}
}

static void run_prog(const struct opts *o, const struct fkey *k)
{
	flog("leg %u: exec %s", k->d.leg, o->prog[0]);
	execv(o->prog[0], o->prog);
	flog("exec %s: %s", o->prog[0], strerror(errno));
	exit(127);
}

/* A process that is our child while we answer, and then sleeps alone. */
static pid_t spawn_sleeper(unsigned long secs)
{
	struct timespec end, now;
	pid_t pid = fork();

	if (pid)
		return pid;
	/* nothing of request-key's; SIGTERM (the kernel's abort) ends us */
	close_range(0, ~0U, 0);
	signal(SIGTERM, SIG_DFL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)secs;
	do {
		struct timespec left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = 0;
		if (left.tv_sec <= 0)
			break;
		nanosleep(&left, NULL);
	} while (1);
	_exit(0);
}

static int answer_continue(TALLOC_CTX *mem, struct fkey *k, pid_t agent)
{
	struct iakerb_payload p = { .flags = IAKERB_MSG_CONTINUE };
	uint8_t *blob;
	size_t len;
	int ret;

	ret = tok_discovery(mem, k->d.leg == 1, &blob, &len);
	if (ret)
		return ret;
	p.secblob = blob;
	p.secblob_len = (uint32_t)len;
	p.agent_pid = (uint32_t)agent;
	return fkey_answer(k, &p);
}

static int answer_legacy(TALLOC_CTX *mem, struct fkey *k)
{
	struct iakerb_payload p = { .flags = IAKERB_MSG_LEGACY };
	uint8_t key[16], *blob;
	size_t len;
	int ret;

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return -EIO;
	ret = tok_krb5_init(mem, &blob, &len);
	if (ret)
		return ret;
	p.sesskey = key;
	p.sesskey_len = sizeof(key);
	p.secblob = blob;
	p.secblob_len = (uint32_t)len;
	ret = fkey_answer(k, &p);
	iakerb_wipe(key, sizeof(key));
	return ret;
}

/* Lengths in the header that the payload does not have */
static int answer_short(struct fkey *k)
{
	uint32_t hdr[4] = { IAKERB_UPCALL_VERSION, IAKERB_MSG_LEGACY, 16,
			    4096 };
	uint8_t buf[sizeof(hdr) + 16 + 32];

	memcpy(buf, hdr, sizeof(hdr));
	if (getrandom(buf + sizeof(hdr), sizeof(buf) - sizeof(hdr), 0) !=
	    (ssize_t)(sizeof(buf) - sizeof(hdr)))
		return -EIO;
	return fkey_answer_raw(k, buf, sizeof(buf));
}

/* The answering modes; returns the errno to reject with, or 0. */
static int answer(TALLOC_CTX *mem, const struct opts *o, struct fkey *k)
{
	unsigned int leg = k->d.leg;
	pid_t pid;

	switch (o->mode) {
	case M_LEGACY:
		if (leg != 1)
			return EPROTO;
		flog("leg 1: answering LEGACY (sec=%u)", k->d.sec);
		return -answer_legacy(mem, k);
	case M_SHORT:
		if (leg != 1)
			return EPROTO;
		flog("leg 1: answering LEGACY with lengths past its end");
		return -answer_short(k);
	case M_NOT_CHILD:
		if (leg != 1)
			return ECONNRESET;
		pid = o->arg ? (pid_t)o->arg : 2;
		flog("leg 1: naming pid=%d, not our child, as the agent",
		     (int)pid);
		return -answer_continue(mem, k, pid);
	case M_CHANGES:
		/* not EPROTO: the kernel's own refusal must be told apart */
		if (leg > 2)
			return ECONNRESET;
		pid = spawn_sleeper(o->arg ? o->arg : 120);
		if (pid < 0)
			return errno;
		flog("leg %u: sleeper pid=%d, named as the agent", leg,
		     (int)pid);
		return -answer_continue(mem, k, pid);
	default:
		return EINVAL;
	}
}

static void fault(const struct opts *o, const struct fkey *k)
{
	struct rlimit none = { 0, 0 };

	switch (o->mode) {
	case M_STOP:
		flog("leg %u: stopping pid=%d", k->d.leg, (int)getpid());
		raise(SIGSTOP);
		flog("leg %u: continued", k->d.leg);
		return;
	case M_EXIT:
		flog("leg %u: exiting without an answer", k->d.leg);
		exit(0);
	case M_SEGV:
		flog("leg %u: SIGSEGV", k->d.leg);
		/* a test crash is no reason for a core file */
		setrlimit(RLIMIT_CORE, &none);
		prctl(PR_SET_DUMPABLE, 0);
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		exit(1);
	default:
		return;
	}
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct opts o = { 0 };
	struct fkey k;
	int ret;

	parse_args(argc, argv, &o);
	ret = fkey_describe(mem, o.key, &k);
	if (ret && !k.desc) {
		flog("key %d: cannot describe: %s", (int)o.key,
		     strerror(-ret));
		return 1;
	}
	flog("leg %u: %s", k.d.leg, k.desc);
	if (o.mode == M_LOG) {
		/* the callout's records: is there a password key, a blob? */
		if (k.parsed && (k.d.have & IAKERB_F_EXCH))
			fkey_claim(&k);
		run_prog(&o, &k);
	}
	if (o.prog) {
		if (k.d.leg == o.arg)
			fault(&o, &k);
		run_prog(&o, &k);
	}
	ret = fkey_claim(&k);
	if (ret) {
		fkey_reject(&k, -ret);
		return 1;
	}
	ret = answer(mem, &o, &k);
	if (ret)
		fkey_reject(&k, ret);
	talloc_free(mem);
	return ret ? 1 : 0;
}
