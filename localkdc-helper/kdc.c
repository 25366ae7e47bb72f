// SPDX-License-Identifier: GPL-2.0
/*
 * The local KDC on its UNIX socket: is it there, whose is it, start and
 * stop it.
 *
 * Where systemd is PID 1 and localkdc.socket is installed, systemd holds
 * the socket and starts krb5kdc.service on the first request.  Elsewhere
 * (the test VM, a container, the image) lkdc_kdc_start() does the same
 * itself: a detached activator process binds the socket (mode 0666: any
 * local user may ask for tickets), waits for the first connection, then
 * becomes krb5kdc with the socket passed the systemd way (LISTEN_FDS=1,
 * LISTEN_PID), so the request that woke it is served.
 *
 * run_dir/kdc.pid names the activator, which keeps its pid when it execs
 * krb5kdc; /proc/PID/comm tells which of the two it is now.
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

#define ACT_COMM	"localkdc-act"

static int sun_of(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -1;
	strcpy(sun->sun_path, path);
	return 0;
}

bool lkdc_sock_connects(const char *path)
{
	struct sockaddr_un sun;
	bool ok;
	int fd;

	if (sun_of(path, &sun) < 0)
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/*
 * Is anyone listening on @path, without connecting (a connection would
 * wake a socket-activated KDC)?  /proc/net/unix lists the listening
 * sockets with __SO_ACCEPTCON (0x10000) in their flags.
 */
bool lkdc_sock_listening(const char *path)
{
	char line[4608], *p;
	unsigned long flags;
	bool found = false;
	size_t plen = strlen(path);
	FILE *f = fopen("/proc/net/unix", "re");

	if (!f)
		return lkdc_sock_connects(path);
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		p = strrchr(line, ' ');
		if (!p || strlen(p + 1) != plen || strcmp(p + 1, path) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %lx", &flags) == 1 &&
		    (flags & 0x10000))
			found = true;
	}
	fclose(f);
	return found;
}

/* The realm belongs to whoever owns the state directory (root) */
int lkdc_kdc_check_owner(const struct lkdc_paths *p, struct lkdc_err *e)
{
	struct stat st, sb;

	if (stat(p->state_dir, &st) < 0)
		return lkdc_fail(e, LOCALKDC_NOTSETUP, "%s: %s", p->state_dir,
				 strerror(errno));
	if (lstat(p->run_dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return lkdc_fail(e, LOCALKDC_UNSAFE,
					 "%s is not a directory", p->run_dir);
		if (sb.st_uid != st.st_uid || (sb.st_mode & 022))
			return lkdc_fail(e, LOCALKDC_UNSAFE,
					 "%s is owned by uid %u mode %03o, not by "
					 "the realm's owner uid %u mode 755",
					 p->run_dir, sb.st_uid,
					 sb.st_mode & 0777, st.st_uid);
	}
	if (lstat(p->sock, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return lkdc_fail(e, LOCALKDC_UNSAFE,
					 "%s is not a socket", p->sock);
		if (sb.st_uid != st.st_uid)
			return lkdc_fail(e, LOCALKDC_UNSAFE,
					 "socket %s is owned by uid %u, not by the "
					 "realm's owner uid %u", p->sock,
					 sb.st_uid, st.st_uid);
	}
	return LOCALKDC_OK;
}

static pid_t read_pid(const char *file)
{
	char buf[32] = "";
	ssize_t n;
	long v;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, NULL, 10);
	return v > 0 && v < (1L << 22) ? (pid_t)v : 0;
}

static enum lkdc_kdc_state comm_state(pid_t pid)
{
	char path[64], comm[32] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return LKDC_KDC_STOPPED;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return LKDC_KDC_STOPPED;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, "krb5kdc") == 0)
		return LKDC_KDC_RUNNING;
	if (strcmp(comm, ACT_COMM) == 0)
		return LKDC_KDC_WAITING;
	return LKDC_KDC_STOPPED;
}

void lkdc_kdc_probe(const struct lkdc_paths *p, struct lkdc_kdc_info *k)
{
	memset(k, 0, sizeof(*k));
	k->listening = lkdc_sock_listening(p->sock);
	k->pid = read_pid(p->pid_file);
	k->state = k->pid ? comm_state(k->pid) : LKDC_KDC_STOPPED;
	if (k->state == LKDC_KDC_STOPPED)
		k->pid = 0;
	/* held by systemd (no pid file of ours): it starts the KDC on demand */
	if (k->listening && !k->pid)
		k->state = LKDC_KDC_WAITING;
}

static bool systemd_managed(const struct lkdc_paths *p)
{
	struct stat sb;

	/* only for the real paths: a --root realm is never systemd's */
	return !p->root[0] && strcmp(p->run_dir, "/run/localkdc") == 0 &&
	       stat("/run/systemd/system", &sb) == 0 &&
	       (stat("/etc/systemd/system/localkdc.socket", &sb) == 0 ||
		stat("/usr/lib/systemd/system/localkdc.socket", &sb) == 0);
}

static int systemctl(TALLOC_CTX *mem, const char *verb, struct lkdc_err *e)
{
	const char *argv[] = { "/usr/bin/systemctl", verb, "localkdc.socket",
			       "localkdc.service", NULL };
	struct lkdc_run r = { .argv = argv };
	int st = lkdc_spawn(mem, &r, e);

	if (st < 0)
		return e->rc;
	if (st != 0)
		return lkdc_fail(e, LOCALKDC_NOKDC, "systemctl %s: %s", verb,
				 lkdc_last_line(mem, r.output));
	return LOCALKDC_OK;
}

/* The activator, in its own session: never returns */
static void activator(const struct lkdc_paths *p, const char *realm,
		      bool now, int sync)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	char pid[32];
	mode_t old;
	int fd, null;

	prctl(PR_SET_NAME, ACT_COMM, 0, 0, 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || sun_of(p->sock, &sun) < 0)
		goto fail;
	old = umask(0111);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (chmod(p->sock, 0666) < 0 || listen(fd, 64) < 0)
		goto fail;
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	null = open(p->pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
	if (null < 0 || write(null, pid, strlen(pid)) < 0)
		goto fail;
	close(null);
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
	if (!now) {
		pfd.fd = 3;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
	}
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_PID", pid, 1);
	setenv("KRB5_KDC_PROFILE", p->kdc_conf, 1);
	setenv("KRB5_CONFIG", p->snippet, 1);
	execl(p->krb5kdc, "krb5kdc", "-n", "-r", realm, "-P", p->pid_file,
	      (char *)NULL);
	_exit(127);
fail:
	dprintf(sync, "E%s", strerror(errno));
	_exit(1);
}

static int spawn_activator(const struct lkdc_paths *p, const char *realm,
			   bool now, struct lkdc_err *e)
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
			activator(p, realm, now, sync[1]);
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

int lkdc_kdc_start(TALLOC_CTX *mem, const struct lkdc_paths *p,
		   const char *realm, bool now, struct lkdc_err *e)
{
	struct lkdc_kdc_info k;
	struct stat st;
	int rc, i;

	if (lkdc_sock_listening(p->sock))
		return LOCALKDC_OK;
	rc = lkdc_kdc_check_owner(p, e);
	if (rc)
		return rc;
	if (systemd_managed(p))
		return systemctl(mem, "start", e);
	if (stat(p->state_dir, &st) < 0 || geteuid() != st.st_uid)
		return lkdc_fail(e, LOCALKDC_NOKDC,
				 "the local KDC does not answer on %s, and only "
				 "uid %u may start it", p->sock, st.st_uid);
	/* ours but deaf (its socket file was removed): replace it */
	lkdc_kdc_probe(p, &k);
	if (k.pid && lkdc_kdc_stop(p, e))
		return e->rc;
	if (mkdir(p->run_dir, 0755) < 0 && errno != EEXIST)
		return lkdc_fail(e, LOCALKDC_ERR, "cannot create %s: %s",
				 p->run_dir, strerror(errno));
	/* a socket nobody listens on (owner checked above) is stale */
	unlink(p->sock);
	rc = spawn_activator(p, realm, now, e);
	/* listening already; a test connection would wake the KDC */
	if (rc || !now)
		return rc;
	for (i = 0; i < 100; i++) {
		if (lkdc_sock_connects(p->sock))
			return LOCALKDC_OK;
		usleep(20000);
	}
	return lkdc_fail(e, LOCALKDC_NOKDC, "%s does not accept connections",
			 p->sock);
}

static bool wait_gone(pid_t pid, int tenths)
{
	while (tenths-- > 0) {
		if (comm_state(pid) == LKDC_KDC_STOPPED)
			return true;
		usleep(100000);
	}
	return comm_state(pid) == LKDC_KDC_STOPPED;
}

int lkdc_kdc_stop(const struct lkdc_paths *p, struct lkdc_err *e)
{
	struct lkdc_kdc_info k;
	TALLOC_CTX *tmp;
	int rc = LOCALKDC_OK;

	if (systemd_managed(p)) {
		tmp = talloc_new(NULL);
		rc = systemctl(tmp, "stop", e);
		talloc_free(tmp);
		return rc;
	}
	lkdc_kdc_probe(p, &k);
	if (k.pid) {
		kill(k.pid, SIGTERM);
		if (!wait_gone(k.pid, 50)) {
			kill(k.pid, SIGKILL);
			if (!wait_gone(k.pid, 20))
				rc = lkdc_fail(e, LOCALKDC_ERR,
					       "pid %d does not exit", (int)k.pid);
		}
	}
	if (rc == LOCALKDC_OK) {
		unlink(p->pid_file);
		/* ours only: a socket of another user stays for the admin */
		if (lkdc_kdc_check_owner(p, NULL) == LOCALKDC_OK)
			unlink(p->sock);
	}
	return rc;
}
