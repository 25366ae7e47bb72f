// SPDX-License-Identifier: GPL-2.0
/*
 * The local KDC on its UNIX socket: is it there, whose is it, start and
 * stop it.
 *
 * Where systemd is PID 1 and localkdc.socket is installed, systemd holds
 * the socket and starts krb5kdc.service on the first request.  Elsewhere
 * (the test VM, a container, the image) lkdc_kdc_start() spawns the
 * activator (activator.c), which does the same.
 *
 * run_dir/activator.pid and run_dir/kdc.pid name the two processes; a
 * pid counts only while /proc/PID/comm still says it is ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lkdc.h"


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

/* The start of a small file as a string; false if empty or unreadable */
static bool read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

static pid_t read_pid(const char *file)
{
	char buf[32];
	long v;

	if (!read_small(file, buf, sizeof(buf)))
		return 0;
	v = strtol(buf, NULL, 10);
	return v > 0 && v < (1L << 22) ? (pid_t)v : 0;
}

/* @pid if it runs the program called @comm and is not a zombie, else 0
 * (orphans may never be reaped where PID 1 does not wait for them) */
static pid_t alive_as(pid_t pid, const char *comm)
{
	char path[64], buf[256], *open_p, *close_p;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!read_small(path, buf, sizeof(buf)))
		return 0;
	/* "PID (COMM) STATE ...": COMM may hold ')' itself */
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ' ||
	    close_p[2] == 'Z' || close_p[2] == 'X')
		return 0;
	*close_p = '\0';
	return strcmp(open_p + 1, comm) == 0 ? pid : 0;
}

void lkdc_kdc_probe(const struct lkdc_paths *p, struct lkdc_kdc_info *k)
{
	memset(k, 0, sizeof(*k));
	k->listening = lkdc_sock_listening(p->sock);
	k->act_pid = alive_as(read_pid(p->act_pid_file), LKDC_ACT_COMM);
	k->kdc_pid = alive_as(read_pid(p->pid_file), "krb5kdc");
	if (k->kdc_pid)
		k->state = LKDC_KDC_RUNNING;
	else if (k->act_pid || k->listening)
		/* ours, or systemd's: it starts the KDC on demand */
		k->state = LKDC_KDC_WAITING;
	else
		k->state = LKDC_KDC_STOPPED;
	k->pid = k->kdc_pid ? k->kdc_pid : k->act_pid;
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

/*
 * systemctl VERB on the socket, and on the service too when @service:
 * "start" holds only the socket (the KDC starts on the first request),
 * unless the caller asked for the KDC now; "stop" takes both down.
 */
static int systemctl(TALLOC_CTX *mem, const char *verb, bool service,
		     struct lkdc_err *e)
{
	const char *argv[] = { "/usr/bin/systemctl", verb, "localkdc.socket",
			       service ? "localkdc.service" : NULL, NULL };
	struct lkdc_run r = { .argv = argv };
	int st = lkdc_spawn(mem, &r, e);

	if (st < 0)
		return e->rc;
	if (st != 0)
		return lkdc_fail(e, LOCALKDC_NOKDC, "systemctl %s: %s", verb,
				 lkdc_last_line(mem, r.output));
	return LOCALKDC_OK;
}

int lkdc_kdc_start(TALLOC_CTX *mem, const struct lkdc_paths *p,
		   const struct lkdc_state *rs, bool now, struct lkdc_err *e)
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
		return systemctl(mem, "start", now, e);
	if (stat(p->state_dir, &st) < 0 || geteuid() != st.st_uid)
		return lkdc_fail(e, LOCALKDC_NOKDC,
				 "the local KDC does not answer on %s, and only "
				 "uid %u may start it", p->sock, st.st_uid);
	/* ours but deaf (its socket file was removed): replace it */
	lkdc_kdc_probe(p, &k);
	if ((k.act_pid || k.kdc_pid) && lkdc_kdc_stop(p, e))
		return e->rc;
	if (mkdir(p->run_dir, 0755) < 0 && errno != EEXIST)
		return lkdc_fail(e, LOCALKDC_ERR, "cannot create %s: %s",
				 p->run_dir, strerror(errno));
	/* a socket nobody listens on (owner checked above) is stale */
	unlink(p->sock);
	rc = lkdc_activator_spawn(p, rs->realm, now, rs->idle_exit, e);
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

/* SIGTERM, then SIGKILL after 5 s; 0 once it is gone */
static int end(pid_t pid, const char *comm)
{
	int i;

	if (!pid)
		return 0;
	kill(pid, SIGTERM);
	for (i = 0; i < 70; i++) {
		if (!alive_as(pid, comm))
			return 0;
		if (i == 50)
			kill(pid, SIGKILL);
		usleep(100000);
	}
	return -1;
}

int lkdc_kdc_stop(const struct lkdc_paths *p, struct lkdc_err *e)
{
	struct lkdc_kdc_info k;
	TALLOC_CTX *tmp;
	int rc;

	if (systemd_managed(p)) {
		tmp = talloc_new(NULL);
		rc = systemctl(tmp, "stop", true, e);
		talloc_free(tmp);
		return rc;
	}
	lkdc_kdc_probe(p, &k);
	/* the activator first, or it would run the KDC again */
	if (end(k.act_pid, LKDC_ACT_COMM) < 0)
		return lkdc_fail(e, LOCALKDC_ERR, "activator %d does not exit",
				 (int)k.act_pid);
	if (end(k.kdc_pid, "krb5kdc") < 0)
		return lkdc_fail(e, LOCALKDC_ERR, "krb5kdc %d does not exit",
				 (int)k.kdc_pid);
	unlink(p->act_pid_file);
	unlink(p->pid_file);
	/* ours only: a socket of another user stays for the admin */
	if (lkdc_kdc_check_owner(p, NULL) == LOCALKDC_OK)
		unlink(p->sock);
	return LOCALKDC_OK;
}
