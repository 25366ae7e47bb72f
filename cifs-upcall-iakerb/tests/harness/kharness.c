// SPDX-License-Identifier: GPL-2.0
/*
 * kharness: plays cifs.ko for the no-kernel harness.  For each SESSION_
 * SETUP leg it writes what the kernel would hand request-key (the key
 * description and the callout data, built with the shared codec) into a
 * directory, runs the helper's test binary on it (io_file.c: the same code
 * as the real helper, with files instead of keyctl), reads the payload the
 * helper instantiated, checks it as the kernel would (iakerb_payload_parse
 * with the leg's expectations), and sends its token to the acceptor, whose
 * answer (SMB status + blob) becomes the next leg's callout.
 *
 * It prints one line per leg, what travelled each way, and one RESULT
 * line.  The acceptor is another process (started by run.sh, in the
 * namespace that reaches the KDC), spoken to over two FIFOs.
 *
 * Usage: kharness --helper BIN --dir DIR --to FIFO --from FIFO [options]
 *   --user NAME --uid N --creduid N --pid N --target app|mount
 *   --sec krb5|mskrb5|iakerb --mechs krb5,iakerb,...  --legacy (7.2 desc)
 *   --password-file FILE [--domain D]   a cifs.iakerb_cred key for leg 1
 *   --tmo N  --host NAME  --helper-arg ARG (repeatable)
 *   --kill-agent-after N     SIGKILL the agent once leg N is answered
 *   --kill-caller-after N    SIGKILL the pid= process after leg N
 *   --replay-leg N           run leg N's helper twice (the 2nd must fail)
 *   --term-agent-after N     SIGTERM the agent after leg N, as the kernel
 *                            does when it gives up (it must exit at once)
 *   --stop-agent-after N     SIGSTOP the agent once leg N is answered
 *                            (the next helper must time out)
 *   --probe-agent-as UID     after leg 1, try pidfd_getfd on the agent as
 *                            UID (must fail)
 *   --later-creduid UID      legs >= 2 say creduid=UID: the agent (made
 *                            as leg 1's creduid) is not that user's
 *   --recon                  a reconnect: recon=1, upcall_target=mount
 *   --expect ok|ERRNO_NAME   what the exchange must end with
 * Exit: 0 if the expectation held.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gss_token.h"
#include "initiator.h"

#define ST_LOGON_FAIL	0xc000006du

static struct {
	const char *helper, *dir, *to, *from, *user, *pwfile, *domain;
	const char *host, *expect;
	const char *hargs[16];
	int nhargs;
	unsigned int uid, creduid, pid, tmo;
	int target, sec;
	uint32_t mechs;
	bool legacy, recon;
	int kill_agent_after, kill_caller_after, replay_leg, stop_agent_after;
	int term_agent_after;
	int probe_uid, later_creduid;
} opt = {
	.host = "srv.test", .uid = 0, .creduid = 0, .tmo = 30,
	.target = IAKERB_TARGET_MOUNT, .sec = IAKERB_SEC_IAKERB,
	.mechs = IAKERB_MECH_IAKERB, .expect = "ok", .probe_uid = -1,
	.later_creduid = -1,
};

static int to_acc = -1, from_acc = -1;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "kharness: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	printf("RESULT: harness error\n");
	exit(2);
}

static void write_file(const char *name, const void *buf, size_t len,
		       mode_t mode)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", opt.dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		die("cannot write %s", path);
	fchmod(fd, mode);
	close(fd);
}

static uint8_t *read_file(const char *name, size_t *len)
{
	static uint8_t buf[IAKERB_PAYLOAD_MAX + 16];
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", opt.dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return buf;
}

static uint32_t parse_mechs(const char *s)
{
	static const char * const names[] = {
		"krb5", "mskrb5", "krb5u2u", "iakerb", "ntlmssp" };
	uint32_t m = 0;
	char *dup = strdup(s), *tok, *save = NULL;
	size_t i;

	for (tok = strtok_r(dup, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		for (i = 0; i < 5; i++)
			if (!strcmp(tok, names[i]))
				m |= 1u << i;
	free(dup);
	return m;
}

/* Run the helper on the directory; returns its exit status */
static int run_helper(int as_uid)
{
	char *argv[24];
	int n = 0, i, st;
	pid_t pid;

	argv[n++] = (char *)opt.helper;
	for (i = 0; i < opt.nhargs; i++)
		argv[n++] = (char *)opt.hargs[i];
	argv[n++] = (char *)opt.dir;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		if (as_uid >= 0 &&
		    (setgroups(0, NULL) || setresgid(as_uid, as_uid, as_uid) ||
		     setresuid(as_uid, as_uid, as_uid)))
			_exit(127);
		/* request-key gives its handler no environment to speak of */
		execv(opt.helper, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int acc_send(const void *buf, size_t len)
{
	uint32_t l = (uint32_t)len;

	if (write(to_acc, &l, 4) != 4 ||
	    write(to_acc, buf, len) != (ssize_t)len)
		return -1;
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int acc_recv(uint32_t *status, uint8_t *buf, size_t cap, size_t *len)
{
	uint32_t hdr[2];

	if (read_all(from_acc, hdr, 8) || hdr[1] > cap ||
	    read_all(from_acc, buf, hdr[1]))
		return -1;
	*status = hdr[0];
	*len = hdr[1];
	return 0;
}

/* What a blob carries, for the leg line */
static void describe_blob(const uint8_t *b, size_t len, char *out, size_t cap)
{
	struct spnego_token t;
	struct der_blob tok = { 0 }, mic = { 0 };
	char inner[96];

	if (!len) {
		snprintf(out, cap, "empty");
		return;
	}
	if (spnego_parse(b, len, &t)) {
		snprintf(out, cap, "not SPNEGO");
		return;
	}
	if (t.kind == SPNEGO_NEG_TOKEN_INIT) {
		tok = t.init.mech_token;
		mic = t.init.mech_list_mic;
	} else {
		tok = t.resp.response_token;
		mic = t.resp.mech_list_mic;
	}
	describe_token(&tok, inner, sizeof(inner));
	snprintf(out, cap, "%s{%s%s}", t.kind == SPNEGO_NEG_TOKEN_INIT ?
		 "negTokenInit" : "negTokenResp", inner,
		 der_blob_present(&mic) ? ",mechListMIC" : "");
}

/* The errnos of PROTOCOL.md §11, by name */
static const char *errno_name(int e)
{
	static const struct {
		int e;
		const char *name;
	} t[] = {
		{ EKEYREJECTED, "EKEYREJECTED" }, { EKEYEXPIRED, "EKEYEXPIRED" },
		{ EACCES, "EACCES" }, { ETIME, "ETIME" },
		{ EHOSTUNREACH, "EHOSTUNREACH" }, { ENOKEY, "ENOKEY" },
		{ EREMOTEIO, "EREMOTEIO" }, { ENOLINK, "ENOLINK" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EPROTO, "EPROTO" }, { EBADMSG, "EBADMSG" },
		{ ECONNRESET, "ECONNRESET" }, { EPERM, "EPERM" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ENXIO, "ENXIO" },
		{ ENETUNREACH, "ENETUNREACH" }, { ESTALE, "ESTALE" },
		{ ENOMEM, "ENOMEM" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].name;
	return "?";
}

/* Alive and not a zombie waiting for init to reap it */
static bool alive(uint32_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool up = false;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		up = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return up;
}

static bool expect_ok(void)
{
	return !strcmp(opt.expect, "ok");
}

static int finish(const char *what, int err)
{
	bool ok = err ? !strcmp(opt.expect, errno_name(err)) : expect_ok();

	if (err)
		printf("RESULT: rejected %s (%s): %s\n", errno_name(err),
		       strerror(err), ok ? "as expected" : "UNEXPECTED");
	else
		printf("RESULT: %s: %s\n", what,
		       ok ? "as expected" : "UNEXPECTED");
	return ok ? 0 : 1;
}

/* A non-root process, even the agent's own user, cannot take its socket */
static void probe_agent(uint32_t agent, int uid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int pfd, fd;

		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(3);
		pfd = (int)syscall(SYS_pidfd_open, (pid_t)agent, 0);
		if (pfd < 0)
			_exit(4);
		fd = (int)syscall(SYS_pidfd_getfd, pfd, IAKERB_AGENT_FD, 0);
		_exit(fd >= 0 ? 1 : (errno == EPERM ? 0 : 2));
	}
	waitpid(pid, &st, 0);
	printf("probe: uid %d pidfd_getfd(agent %u, fd %d): %s\n", uid, agent,
	       IAKERB_AGENT_FD, WIFEXITED(st) && WEXITSTATUS(st) == 0 ?
	       "EPERM (refused)" : WIFEXITED(st) && WEXITSTATUS(st) == 1 ?
	       "GOT THE SOCKET" : "unexpected");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "helper", 1, NULL, 'H' }, { "dir", 1, NULL, 'D' },
		{ "to", 1, NULL, 'T' }, { "from", 1, NULL, 'F' },
		{ "user", 1, NULL, 'u' }, { "uid", 1, NULL, 'U' },
		{ "creduid", 1, NULL, 'C' }, { "pid", 1, NULL, 'P' },
		{ "target", 1, NULL, 't' }, { "sec", 1, NULL, 's' },
		{ "mechs", 1, NULL, 'm' }, { "legacy", 0, NULL, 'L' },
		{ "password-file", 1, NULL, 'p' }, { "domain", 1, NULL, 'd' },
		{ "tmo", 1, NULL, 'o' }, { "host", 1, NULL, 'h' },
		{ "helper-arg", 1, NULL, 'a' },
		{ "kill-agent-after", 1, NULL, 'k' },
		{ "kill-caller-after", 1, NULL, 'K' },
		{ "replay-leg", 1, NULL, 'r' },
		{ "stop-agent-after", 1, NULL, 'S' },
		{ "term-agent-after", 1, NULL, 'G' },
		{ "probe-agent-as", 1, NULL, 'x' },
		{ "later-creduid", 1, NULL, 'c' },
		{ "expect", 1, NULL, 'e' }, { "recon", 0, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t secret[IAKERB_SECRET_LEN], exchb[8];
	static uint8_t srv[IAKERB_TOKEN_MAX], callout[IAKERB_CALLOUT_MAX];
	char desc[IAKERB_DESC_MAX + 1], line[160], cdesc[128], sdesc[128];
	struct iakerb_desc d = { 0 };
	struct iakerb_payload pl;
	uint32_t status = 0, agent = 0;
	size_t srv_len = 0, plen;
	int c, leg, n, rc, i;
	bool ended = false;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'H': opt.helper = optarg; break;
		case 'D': opt.dir = optarg; break;
		case 'T': opt.to = optarg; break;
		case 'F': opt.from = optarg; break;
		case 'u': opt.user = optarg; break;
		case 'U': opt.uid = (unsigned int)atoi(optarg); break;
		case 'C': opt.creduid = (unsigned int)atoi(optarg); break;
		case 'P': opt.pid = (unsigned int)atoi(optarg); break;
		case 't': opt.target = strcmp(optarg, "app") ?
				IAKERB_TARGET_MOUNT : IAKERB_TARGET_APP; break;
		case 's': opt.sec = !strcmp(optarg, "krb5") ? IAKERB_SEC_KRB5 :
				!strcmp(optarg, "mskrb5") ? IAKERB_SEC_MSKRB5 :
				IAKERB_SEC_IAKERB; break;
		case 'm': opt.mechs = parse_mechs(optarg); break;
		case 'L': opt.legacy = true; break;
		case 'p': opt.pwfile = optarg; break;
		case 'd': opt.domain = optarg; break;
		case 'o': opt.tmo = (unsigned int)atoi(optarg); break;
		case 'h': opt.host = optarg; break;
		case 'a': if (opt.nhargs < 16) opt.hargs[opt.nhargs++] = optarg;
			  break;
		case 'k': opt.kill_agent_after = atoi(optarg); break;
		case 'K': opt.kill_caller_after = atoi(optarg); break;
		case 'r': opt.replay_leg = atoi(optarg); break;
		case 'S': opt.stop_agent_after = atoi(optarg); break;
		case 'G': opt.term_agent_after = atoi(optarg); break;
		case 'x': opt.probe_uid = atoi(optarg); break;
		case 'c': opt.later_creduid = atoi(optarg); break;
		case 'e': opt.expect = optarg; break;
		case 'R': opt.recon = true; break;
		default: die("bad option %s", argv[optind - 1]);
		}
	}
	if (!opt.helper || !opt.dir || !opt.to || !opt.from)
		die("%s", "need --helper --dir --to --from");
	if (!opt.pid)
		opt.pid = (unsigned int)getpid();
	to_acc = open(opt.to, O_WRONLY);
	from_acc = open(opt.from, O_RDONLY);
	if (to_acc < 0 || from_acc < 0)
		die("cannot open the acceptor's FIFOs %s", opt.to);
	signal(SIGPIPE, SIG_IGN);

	getrandom(secret, sizeof(secret), 0);
	getrandom(exchb, sizeof(exchb), 0);
	d.have = IAKERB_F_LEGACY_REQUIRED | IAKERB_F_IP4;
	d.ver = IAKERB_UPCALL_VERSION;
	snprintf(d.host, sizeof(d.host), "%s", opt.host);
	memcpy(d.addr, "\x7f\x00\x00\x01", 4);
	d.sec = (uint8_t)opt.sec;
	d.uid = opt.uid;
	d.creduid = opt.creduid;
	d.pid = opt.pid;
	d.target = (uint8_t)opt.target;
	if (opt.user) {
		d.have |= IAKERB_F_USER;
		snprintf(d.user, sizeof(d.user), "%s", opt.user);
	}
	if (!opt.legacy) {
		d.have |= IAKERB_F_MULTILEG;
		d.mechs = opt.mechs;
		for (i = 0; i < 8; i++)
			sprintf(d.exch + 2 * i, "%02x", exchb[i]);
		d.tmo = opt.tmo;
		if (opt.recon) {
			/* what the kernel sends on reconnect (§12) */
			d.have |= IAKERB_F_RECON;
			d.recon = 1;
			d.target = IAKERB_TARGET_MOUNT;
		}
	}
	if (opt.pwfile) {
		char pw[IAKERB_PASS_MAX + 1];
		uint8_t cred[IAKERB_CRED_MAX];
		FILE *f = fopen(opt.pwfile, "r");
		size_t pl_len;

		if (!f || !fgets(pw, sizeof(pw), f))
			die("cannot read %s", opt.pwfile);
		fclose(f);
		pw[strcspn(pw, "\n")] = 0;
		n = iakerb_cred_build(cred, sizeof(cred), pw, strlen(pw),
				      opt.domain ? opt.domain : "",
				      opt.domain ? strlen(opt.domain) : 0);
		explicit_bzero(pw, sizeof(pw));
		if (n < 0)
			die("%s", "cannot build the cred key");
		pl_len = (size_t)n;
		write_file("cred.4242", cred, pl_len, 0600);
		write_file("cred.4242.exch", d.exch, strlen(d.exch), 0600);
		explicit_bzero(cred, sizeof(cred));
	}

	rc = 1;
	for (leg = 1; leg <= IAKERB_MAX_LEGS && !ended; leg++) {
		int r;
		uint32_t expect;

		if (!opt.legacy) {
			d.leg = (uint32_t)leg;
			if (leg > 1) {
				d.have |= IAKERB_F_AGENT;
				d.agent = agent;
				if (opt.later_creduid >= 0)
					d.creduid =
					    (unsigned int)opt.later_creduid;
			}
			n = iakerb_callout_build(callout, sizeof(callout),
						 (uint32_t)leg, secret,
						 leg > 1 ? srv : NULL, srv_len,
						 status, NULL, 0,
						 leg == 1 && opt.pwfile ?
						 4242 : 0);
			if (n < 0)
				die("%s", "callout build failed");
			write_file("callout", callout, (size_t)n, 0600);
		}
		n = iakerb_desc_build(desc, sizeof(desc), &d);
		if (n < 0)
			die("%s", "desc build failed");
		write_file("desc", desc, (size_t)n, 0600);

		r = run_helper(-1);
		if (leg == opt.replay_leg) {
			char p1[512], p2[512];
			uint8_t *res;

			/* a second helper for the same leg, as if replayed */
			snprintf(p1, sizeof(p1), "%s/result", opt.dir);
			snprintf(p2, sizeof(p2), "%s/result.first", opt.dir);
			rename(p1, p2);
			run_helper(-1);
			res = read_file("result", &plen);
			printf("replay: leg %d run again: %s\n", leg,
			       res && plen && res[0] == 'R' ?
			       "rejected (as it must be)" : "ACCEPTED");
			if (!res || !plen || res[0] != 'R') {
				printf("RESULT: replay accepted\n");
				return 1;
			}
			rename(p2, p1);
		}
		{
			uint8_t *res = read_file("result", &plen);

			if (!res || !plen) {
				printf("leg %d: helper wrote nothing (exit %d)\n",
				       leg, r);
				rc = finish("", EPROTO);
				break;
			}
			if (res[0] == 'R') {
				int e = atoi((char *)res + 1);

				printf("leg %d: helper rejected the key: %s\n",
				       leg, errno_name(e));
				/* the kernel ends the exchange: the agent that
				 * was not this user's is told so (§6.4) */
				if (opt.later_creduid >= 0 && agent)
					kill((pid_t)agent, SIGTERM);
				rc = finish("", e);
				break;
			}
			expect = opt.legacy ? IAKERB_EXPECT_LEGACY :
				 leg == 1 ? IAKERB_EXPECT_FIRST :
				 status == 0 ? IAKERB_EXPECT_FINAL :
				 IAKERB_EXPECT_MIDDLE;
			if (iakerb_payload_parse(res + 1, plen - 1, expect,
						 &pl)) {
				printf("leg %d: the kernel would refuse this "
				       "payload\n", leg);
				rc = finish("", EPROTO);
				break;
			}
			if (pl.flags == IAKERB_MSG_ESTABLISHED) {
				uint8_t key[64];
				size_t klen;
				uint32_t st;

				if (acc_recv(&st, key, sizeof(key), &klen)) {
					printf("leg %d: ESTABLISHED, the "
					       "acceptor has no key\n", leg);
					rc = finish("", EPROTO);
					break;
				}
				printf("leg %d: ESTABLISHED, session key %zu "
				       "bytes, %s the acceptor's\n", leg,
				       (size_t)pl.sesskey_len,
				       klen == pl.sesskey_len &&
				       !memcmp(key, pl.sesskey, klen) ?
				       "equal to" : "DIFFERENT FROM");
				rc = finish("established",
					    klen == pl.sesskey_len &&
					    !memcmp(key, pl.sesskey, klen) ?
					    0 : EBADMSG);
				ended = true;
				break;
			}
			if (pl.flags == IAKERB_MSG_CONTINUE &&
			    pl.agent_pid != agent) {
				char a[16];
				FILE *f;

				agent = pl.agent_pid;
				snprintf(a, sizeof(a), "%u\n", agent);
				snprintf(line, sizeof(line), "%s/agents",
					 opt.dir);
				f = fopen(line, "a");
				if (f) {
					fputs(a, f);
					fclose(f);
				}
			}
			describe_blob(pl.secblob, pl.secblob_len, cdesc,
				      sizeof(cdesc));
			if (acc_send(pl.secblob, pl.secblob_len) ||
			    acc_recv(&status, srv, sizeof(srv), &srv_len)) {
				printf("leg %d: %s -> the acceptor is gone\n",
				       leg, cdesc);
				rc = finish("", EHOSTUNREACH);
				break;
			}
			/* kept as fuzzing seeds (fuzz/harness-seeds.sh) */
			snprintf(line, sizeof(line), "server.%d", leg);
			write_file(line, srv, srv_len, 0600);
			describe_blob(srv, srv_len, sdesc, sizeof(sdesc));
			snprintf(line, sizeof(line), "%s", status == 0 ?
				 "SUCCESS" : status == 0xc0000016u ?
				 "MORE_PROCESSING" : "LOGON_FAILURE");
			printf("leg %d: %s %s (%u bytes) -> server %s %s "
			       "(%zu bytes)\n", leg,
			       pl.flags == IAKERB_MSG_LEGACY ? "LEGACY" :
			       "CONTINUE", cdesc, pl.secblob_len, line, sdesc,
			       srv_len);
			if (status == ST_LOGON_FAIL) {
				/* the kernel gives up on the agent (§6.4) */
				if (agent)
					kill((pid_t)agent, SIGTERM);
				rc = finish("", EACCES);
				break;
			}
			if (pl.flags == IAKERB_MSG_LEGACY) {
				uint8_t key[64];
				size_t klen;
				uint32_t st;

				if (status || acc_recv(&st, key, sizeof(key),
						       &klen)) {
					rc = finish("", EPROTO);
					break;
				}
				printf("single leg %d: session key %s "
				       "the acceptor's\n", leg,
				       klen == pl.sesskey_len &&
				       !memcmp(key, pl.sesskey, klen) ?
				       "equal to" : "DIFFERENT FROM");
				rc = finish("single-leg krb5",
					    klen == pl.sesskey_len &&
					    !memcmp(key, pl.sesskey, klen) ?
					    0 : EBADMSG);
				ended = true;
				break;
			}
			if (leg == 1 && opt.probe_uid >= 0)
				probe_agent(agent, opt.probe_uid);
			if (leg == opt.kill_agent_after) {
				kill((pid_t)agent, SIGKILL);
				for (i = 0; i < 100 && alive(agent); i++)
					usleep(10000);
				printf("agent %u killed after leg %d\n", agent,
				       leg);
			}
			if (leg == opt.term_agent_after) {
				kill((pid_t)agent, SIGTERM);
				for (i = 0; i < 100 && alive(agent); i++)
					usleep(10000);
				printf("agent %u sent SIGTERM after leg %d: %s "
				       "after %d ms\n", agent, leg,
				       alive(agent) ? "STILL RUNNING" : "exited",
				       i * 10);
				if (alive(agent)) {
					printf("RESULT: agent ignored SIGTERM\n");
					return 1;
				}
			}
			if (leg == opt.stop_agent_after) {
				kill((pid_t)agent, SIGSTOP);
				printf("agent %u stopped after leg %d\n", agent,
				       leg);
			}
			if (leg == opt.kill_caller_after) {
				kill((pid_t)opt.pid, SIGKILL);
				for (i = 0; i < 300 && alive(agent); i++)
					usleep(10000);
				printf("caller %u killed after leg %d: agent "
				       "%u %s after %d ms\n", opt.pid, leg,
				       agent, alive(agent) ? "STILL RUNNING" :
				       "exited", i * 10);
				rc = alive(agent) ? 1 : 0;
				printf("RESULT: %s\n", rc ? "agent outlived "
				       "its caller" : "agent gone with its "
				       "caller");
				ended = true;
				break;
			}
		}
	}
	if (!ended && leg > IAKERB_MAX_LEGS)
		rc = finish("", EPROTO);
	if (opt.stop_agent_after && agent)
		kill((pid_t)agent, SIGKILL);
	return rc;
}
