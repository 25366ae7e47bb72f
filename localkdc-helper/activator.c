// SPDX-License-Identifier: GPL-2.0
/*
 * The activator: where systemd is not PID 1, the process that does what
 * localkdc.socket does.  Detached (own session, reparented to init), it
 *
 *   - binds the KDC's socket (mode 0666: any local user may ask for
 *     tickets) and holds it for as long as it lives;
 *   - waits for the first connection, then runs krb5kdc with the socket
 *     passed the systemd way (fd 3, LISTEN_FDS=1, LISTEN_PID), so the
 *     request that woke it is served;
 *   - with an idle limit, stops krb5kdc once it has done no I/O (its
 *     /proc/PID/io counters) for that long, and goes back to waiting:
 *     connections made meanwhile wait in the socket's backlog;
 *   - runs krb5kdc again on the next connection when it exits for any
 *     reason; while it keeps failing at once (a broken kdc.conf, no
 *     database), it closes the waiting connections, so that clients fail
 *     at once instead of hanging, and backs off.
 *
 * run_dir/activator.pid names it (comm "localkdc-act"), run_dir/kdc.pid
 * the krb5kdc it runs.  SIGTERM stops both: the activator ends its
 * krb5kdc and waits for it before it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lkdc.h"

#define MAX_BACKOFF	5

/* SIGTERM: stop krb5kdc, then exit (so it is never left orphaned) */
static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	old = umask(0111);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	/*
	 * The largest backlog, as systemd's ListenStream= gives: a connect()
	 * to a UNIX socket whose backlog is full fails at once (EAGAIN) where
	 * TCP would retry, and an SMB server relaying many IAKerb exchanges
	 * at once would report its KDC unreachable
	 */
	if (rc < 0 || chmod(path, 0666) < 0 || listen(fd, SOMAXCONN) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_pid(const char *file, pid_t pid)
{
	char buf[32];
	int fd, rc;

	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return -1;
	rc = write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf) ? 0 : -1;
	close(fd);
	return rc;
}

/* krb5kdc in a child, the socket as its fd 3 */
static pid_t run_kdc(const struct lkdc_paths *p, const char *realm)
{
	char pid[32];
	pid_t kdc = fork();

	if (kdc != 0)
		return kdc;
	/* nothing of whoever started the activator (KRB5_TRACE, ...) */
	clearenv();
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_PID", pid, 1);
	setenv("KRB5_KDC_PROFILE", p->kdc_conf, 1);
	setenv("KRB5_CONFIG", p->snippet, 1);
	execl(p->krb5kdc, "krb5kdc", "-n", "-r", realm, "-P", p->pid_file,
	      (char *)NULL);
	_exit(127);
}

/* Bytes the process has read and written: changes with every request */
static unsigned long long io_count(pid_t pid)
{
	unsigned long long v, sum = 0;
	char path[64], key[32];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%31s %llu", key, &v) == 2)
		if (strcmp(key, "rchar:") == 0 || strcmp(key, "wchar:") == 0)
			sum += v;
	fclose(f);
	return sum;
}

static void stop_kdc(pid_t kdc)
{
	int i;

	kill(kdc, SIGTERM);
	for (i = 0; i < 50; i++) {
		if (waitpid(kdc, NULL, WNOHANG) == kdc)
			return;
		usleep(100000);
	}
	kill(kdc, SIGKILL);
	waitpid(kdc, NULL, 0);
}

/* Until krb5kdc exits, or has been idle for @idle seconds (0: never) */
static void supervise(const struct lkdc_paths *p, pid_t kdc, unsigned int idle)
{
	unsigned long long last = 0, now_io;
	time_t since = time(NULL);

	for (;;) {
		if (waitpid(kdc, NULL, WNOHANG) == kdc)
			break;
		if (stopping) {
			stop_kdc(kdc);
			break;
		}
		if (idle) {
			now_io = io_count(kdc);
			if (now_io != last) {
				last = now_io;
				since = time(NULL);
			} else if (time(NULL) - since >= (time_t)idle) {
				stop_kdc(kdc);
				break;
			}
		}
		sleep(1);
	}
	unlink(p->pid_file);
}

/* Close the connections waiting in the backlog: their clients fail now */
static void refuse_waiting(void)
{
	int flags = fcntl(3, F_GETFL), c;

	if (flags < 0 || fcntl(3, F_SETFL, flags | O_NONBLOCK) < 0)
		return;
	while ((c = accept4(3, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(c);
	fcntl(3, F_SETFL, flags);
}

static void serve(const struct lkdc_paths *p, const char *realm, bool now,
		  unsigned int idle)
{
	struct pollfd pfd = { .fd = 3, .events = POLLIN };
	unsigned int backoff = 0;
	sigset_t term, open_mask;
	time_t started;
	pid_t kdc;
	int n;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	for (;;) {
		/* SIGTERM is let in only inside ppoll: it cannot slip in
		 * between the check and the wait and be missed */
		sigprocmask(SIG_BLOCK, &term, &open_mask);
		n = stopping || now ? 1 : ppoll(&pfd, 1, NULL, &open_mask);
		sigprocmask(SIG_SETMASK, &open_mask, NULL);
		if (stopping)
			break;
		if (n < 0)
			continue;
		now = false;
		started = time(NULL);
		kdc = run_kdc(p, realm);
		if (kdc > 0) {
			write_pid(p->pid_file, kdc);
			supervise(p, kdc, idle);
		}
		if (stopping)
			break;
		/* a KDC that dies at once must not spin on the waiting client */
		if (kdc < 0 || time(NULL) - started < 2) {
			refuse_waiting();
			backoff = backoff ? backoff * 2 : 1;
			if (backoff > MAX_BACKOFF)
				backoff = MAX_BACKOFF;
			sleep(backoff);
		} else {
			backoff = 0;
		}
	}
	unlink(p->act_pid_file);
	_exit(0);
}

/* In the detached grandchild: never returns */
static void activator(const struct lkdc_paths *p, const char *realm,
		      bool now, unsigned int idle, int sync)
{
	struct sigaction sa = { .sa_handler = on_term };	/* no SA_RESTART */
	sigset_t none;
	int fd, null;

	/* a clean process, whatever the caller (the upcall helper) had */
	prctl(PR_SET_NAME, LKDC_ACT_COMM, 0, 0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	umask(022);
	if (chdir("/") < 0)
		goto fail;
	fd = bind_socket(p->sock);
	if (fd < 0 || write_pid(p->act_pid_file, getpid()) < 0)
		goto fail;
	/* the socket becomes fd 3, as sd_listen_fds() expects */
	if (fd != 3) {
		if (dup2(fd, 3) < 0)
			goto fail;
		close(fd);
	}
	null = open("/dev/null", O_RDWR);
	if (null < 0 || write(sync, "ok", 2) != 2)
		_exit(1);
	close(sync);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close_range(4, ~0U, 0);
	serve(p, realm, now, idle);
fail:
	dprintf(sync, "E%s", strerror(errno));
	_exit(1);
}

int lkdc_activator_spawn(const struct lkdc_paths *p, const char *realm,
			 bool now, unsigned int idle, struct lkdc_err *e)
{
	char msg[256] = "";
	int sync[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return lkdc_fail(e, LOCALKDC_ERR, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(sync[0]);
		close(sync[1]);
		return lkdc_fail(e, LOCALKDC_ERR, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(sync[0]);
		setsid();
		/* the second fork: not a session leader, reaped by init */
		if (fork() == 0)
			activator(p, realm, now, idle, sync[1]);
		_exit(0);
	}
	close(sync[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	n = read(sync[0], msg, sizeof(msg) - 1);
	close(sync[0]);
	if (n == 2 && memcmp(msg, "ok", 2) == 0)
		return LOCALKDC_OK;
	msg[n > 0 ? n : 0] = '\0';
	return lkdc_fail(e, LOCALKDC_NOKDC, "cannot listen on %s: %s", p->sock,
			 n > 1 ? msg + 1 : "the activator died");
}
