// SPDX-License-Identifier: GPL-2.0
/*
 * smbsrv: command line, configuration and the poll() loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>

#include "auth.h"
#include "kdcpad.h"
#include "smbsrv.h"

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;

	if (write(sig_pipe[1], &c, 1) < 0)
		(void)0;
	errno = e;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: smbsrv [options]\n"
"  --listen ADDR          address to listen on (default 0.0.0.0)\n"
"  --port N               TCP port (default 445)\n"
"  --share NAME=DIR       export DIR as NAME (repeatable); IPC$ is implicit\n"
"  --keytab FILE          acceptor keytab (default: KRB5_KTNAME/krb5.conf)\n"
"  --log FILE             event log (default stderr)\n"
"  --pid-file FILE        write the pid once listening\n"
"  --server-name NAME     for the log only\n"
"  --mechs LIST           advertised mechs, in order: iakerb,krb5,mskrb5,\n"
"                         ntlmssp,negoex; or 'windows' (negoex,mskrb5,krb5,\n"
"                         iakerb,ntlmssp); default mskrb5,krb5,iakerb\n"
"  --mode mit|windows|both  IAKerb dialect: MIT 1.22 (default), Windows,\n"
"                         or MIT replies accepting either final leg\n"
"  --auth own|mit-spnego  own SPNEGO (default) or MIT's SPNEGO acceptor\n"
"  --no-sign-required     do not require signing\n"
"  --smb30                offer SMB 3.0 and 3.0.2 besides 3.1.1\n"
"  --smb21                negotiate SMB 2.1 too (sessions on it refused)\n"
"  --multichannel         announce multichannel and accept session binding\n"
"  --fault KNOB[=VALUE]   garble=LEG truncate=LEG oversize=LEG[:LEN]\n"
"                         endless bad-mic bad-aprep close=LEG kdc-delay=MS\n"
"                         krb-error=CODE[@LEG] expire-after=N\n"
"                         expire-at-ticket-end\n"
"                         kdc-pad=BYTES bad-final-sig[=N] no-neg-blob\n"
"                         no-bind stall=LEG hold=LEG[:MS]\n"
"                         random=SEED[:RATE] (RATE %% of the GSS exchanges\n"
"                         get random mutations, default 85; chaos.h)\n"
"                         chaos-replay=SUB (every exchange: SUB's plan)\n"
"  --dfs-root SHARE       SHARE (given before) is a DFS root (dfs.c)\n"
"  --dfs-link ROOT/NAME=\\\\HOST\\SHARE  link NAME in DFS root ROOT refers\n"
"                         to \\\\HOST\\SHARE (repeatable)\n"
"  --config FILE          read options from FILE, one per line, without --\n"
"signals: SIGUSR1 expires every session (STATUS_NETWORK_SESSION_EXPIRED\n"
"         until it re-authenticates); SIGTERM/SIGINT stop the server.\n");
}

static int parse_fault(struct faults *f, const char *s)
{
	const char *v = strchr(s, '=');
	size_t n = v ? (size_t)(v - s) : strlen(s);
	int val = v ? atoi(v + 1) : 0;

#define IS(name) (n == strlen(name) && !strncmp(s, name, n))
	if (IS("garble"))
		f->garble_leg = val ? val : 1;
	else if (IS("truncate"))
		f->truncate_leg = val ? val : 1;
	else if (IS("oversize")) {
		const char *c = v ? strchr(v, ':') : NULL;

		f->oversize_leg = val ? val : 1;
		f->oversize_len = c ? atoi(c + 1) : 65535;
		if (f->oversize_len < 1 || f->oversize_len > 65535)
			return -1;
	} else if (IS("endless"))
		f->endless = true;
	else if (IS("bad-mic"))
		f->bad_mic = true;
	else if (IS("bad-aprep"))
		f->bad_aprep = true;
	else if (IS("close"))
		f->close_leg = val ? val : 1;
	else if (IS("kdc-delay"))
		f->kdc_delay_ms = val;
	else if (IS("krb-error")) {
		const char *at = v ? strchr(v, '@') : NULL;

		f->krb_error = val;
		f->krb_error_leg = at ? atoi(at + 1) : 0;
		if (val <= 0)
			return -1;
	} else if (IS("expire-after"))
		f->expire_after = val;
	else if (IS("expire-at-ticket-end"))
		f->expire_at_ticket_end = true;
	else if (IS("kdc-pad")) {
		/* a KDC message of at least a few hundred bytes, at most
		 * what MIT's stream transport takes (1 MiB) */
		f->kdc_pad = val;
		if (val < 512 || val > 1024 * 1024)
			return -1;
	} else if (IS("bad-final-sig")) {
		f->bad_final_sig = v ? val : -1;
		if (v && val <= 0)
			return -1;
	} else if (IS("no-neg-blob"))
		f->no_neg_blob = true;
	else if (IS("no-bind"))
		f->no_bind = true;
	else if (IS("stall"))
		f->stall_leg = val ? val : 1;
	else if (IS("hold")) {
		const char *c = v ? strchr(v, ':') : NULL;

		f->hold_leg = val;
		f->hold_ms = c ? atoi(c + 1) : 5000;
		if (val < 1 || f->hold_ms < 1 || f->hold_ms > 600000)
			return -1;
	}
	else if (IS("random")) {
		/* SEED[:RATE], SEED in any base strtoull takes */
		char *end;

		if (!v)
			return -1;
		f->chaos = true;
		f->chaos_seed = strtoull(v + 1, &end, 0);
		f->chaos_rate = 85;
		if (*end == ':')
			f->chaos_rate = (unsigned int)atoi(end + 1);
		else if (*end)
			return -1;
		if (end == v + 1 || f->chaos_rate > 100)
			return -1;
	} else if (IS("chaos-replay")) {
		char *end;

		if (!v)
			return -1;
		f->chaos_replay = true;
		f->chaos_sub = strtoull(v + 1, &end, 0);
		if (end == v + 1 || *end)
			return -1;
	}
	else
		return -1;
#undef IS
	return 0;
}

static int add_share(struct srv_config *cfg, const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct share *sh;

	if (!eq || eq == spec || cfg->nshares >= MAX_SHARES - 1)
		return -1;
	sh = &cfg->shares[cfg->nshares++];
	sh->name = talloc_strndup(cfg, spec, (size_t)(eq - spec));
	sh->path = talloc_strdup(cfg, eq + 1);
	sh->dirfd = -1;
	return 0;
}

static int set_mechs(struct srv_config *cfg, const char *list)
{
	char *l, *tok, *save = NULL;

	if (!strcmp(list, "windows"))
		list = "negoex,mskrb5,krb5,iakerb,ntlmssp";
	l = talloc_strdup(cfg, list);
	cfg->nmechs = 0;
	for (tok = strtok_r(l, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (cfg->nmechs >= 8)
			return -1;
		cfg->mechs[cfg->nmechs++] = tok;
	}
	return cfg->nmechs ? 0 : -1;
}

enum { O_LISTEN = 256, O_PORT, O_SHARE, O_KEYTAB, O_LOG, O_PIDFILE,
       O_NAME, O_MECHS, O_MODE, O_AUTH, O_NOSIGN, O_SMB30, O_SMB21,
       O_MULTICHANNEL, O_FAULT, O_CONFIG, O_DFS_ROOT, O_DFS_LINK, O_HELP };

static const struct option opts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "port", required_argument, NULL, O_PORT },
	{ "share", required_argument, NULL, O_SHARE },
	{ "keytab", required_argument, NULL, O_KEYTAB },
	{ "log", required_argument, NULL, O_LOG },
	{ "pid-file", required_argument, NULL, O_PIDFILE },
	{ "server-name", required_argument, NULL, O_NAME },
	{ "mechs", required_argument, NULL, O_MECHS },
	{ "mode", required_argument, NULL, O_MODE },
	{ "auth", required_argument, NULL, O_AUTH },
	{ "no-sign-required", no_argument, NULL, O_NOSIGN },
	{ "smb30", no_argument, NULL, O_SMB30 },
	{ "smb21", no_argument, NULL, O_SMB21 },
	{ "multichannel", no_argument, NULL, O_MULTICHANNEL },
	{ "fault", required_argument, NULL, O_FAULT },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "dfs-root", required_argument, NULL, O_DFS_ROOT },
	{ "dfs-link", required_argument, NULL, O_DFS_LINK },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int apply_opt(struct srv_config *cfg, int o, const char *arg);

static int read_config(struct srv_config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int rc = 0;

	if (!f)
		return -1;
	while (!rc && fgets(line, sizeof(line), f)) {
		char *s = line, *e, *arg = NULL;
		const struct option *op;

		s[strcspn(s, "\r\n")] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		e = s + strcspn(s, " \t");
		if (*e) {
			*e = 0;
			arg = e + 1;
			while (*arg == ' ' || *arg == '\t')
				arg++;
		}
		for (op = opts; op->name; op++)
			if (!strcmp(op->name, s))
				break;
		if (!op->name || op->val == O_CONFIG ||
		    (op->has_arg && !arg)) {
			rc = -1;
			break;
		}
		rc = apply_opt(cfg, op->val, arg ? talloc_strdup(cfg, arg)
						 : NULL);
	}
	fclose(f);
	return rc;
}

static int apply_opt(struct srv_config *cfg, int o, const char *arg)
{
	switch (o) {
	case O_LISTEN: cfg->listen_addr = arg; return 0;
	case O_PORT: cfg->port = atoi(arg); return cfg->port > 0 ? 0 : -1;
	case O_SHARE: return add_share(cfg, arg);
	case O_KEYTAB: cfg->keytab = arg; return 0;
	case O_LOG: cfg->log_path = arg; return 0;
	case O_PIDFILE: cfg->pid_file = arg; return 0;
	case O_NAME: cfg->server_name = arg; return 0;
	case O_MECHS: return set_mechs(cfg, arg);
	case O_MODE:
		if (!strcmp(arg, "mit"))
			cfg->mode = MODE_MIT;
		else if (!strcmp(arg, "windows"))
			cfg->mode = MODE_WINDOWS;
		else if (!strcmp(arg, "both"))
			cfg->mode = MODE_BOTH;
		else
			return -1;
		return 0;
	case O_AUTH:
		if (!strcmp(arg, "own"))
			cfg->auth = AUTH_OWN_SPNEGO;
		else if (!strcmp(arg, "mit-spnego"))
			cfg->auth = AUTH_MIT_SPNEGO;
		else
			return -1;
		return 0;
	case O_NOSIGN: cfg->sign_required = false; return 0;
	case O_SMB30: cfg->allow_30 = true; return 0;
	case O_SMB21: cfg->allow_21 = true; return 0;
	case O_MULTICHANNEL: cfg->multichannel = true; return 0;
	case O_FAULT: return parse_fault(&cfg->faults, arg);
	case O_CONFIG: return read_config(cfg, arg);
	case O_DFS_ROOT: return dfs_add_root(cfg, arg);
	case O_DFS_LINK: return dfs_add_link(cfg, arg);
	default: return -1;
	}
}

static int open_listener(struct srv_config *cfg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, one = 1;

	sin.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->listen_addr, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(fd, 64)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void accept_conns(struct server *srv)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct conn *c;
		int fd, one = 1;

		fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = talloc_zero(srv, struct conn);
		if (!c) {
			close(fd);
			continue;
		}
		c->srv = srv;
		c->fd = fd;
		c->id = ++srv->next_conn_id;
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &sin->sin_addr, c->peer,
				  sizeof(c->peer));
		}
		DLIST_ADD(srv->conns, c);
		slog(srv, "CONN open conn=%u peer=%s", c->id, c->peer);
	}
}

static void flush_out(struct conn *c)
{
	while (c->outq) {
		struct outq *q = c->outq;
		ssize_t w = write(c->fd, q->data + q->done, q->len - q->done);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w <= 0) {
			c->closing = true;
			c->outq = c->outq_tail = NULL;
			return;
		}
		q->done += (size_t)w;
		if (q->done < q->len)
			return;
		c->outq = q->next;
		if (!c->outq)
			c->outq_tail = NULL;
		talloc_free(q);
	}
}

static void drop_conn(struct server *srv, struct conn *c)
{
	slog(srv, "CONN close conn=%u reads=%lu writes=%lu", c->id, c->reads,
	     c->writes);
	DLIST_REMOVE(srv->conns, c);
	conn_free(c);
}

static int run(struct server *srv)
{
	struct pollfd *pfd = NULL;
	struct conn **map = NULL;
	size_t cap = 0;

	for (;;) {
		struct conn *c, *next;
		size_t n = 3, i;
		int rc;

		for (c = srv->conns; c; c = c->next)
			n++;
		if (n > cap) {
			cap = n * 2;
			pfd = talloc_realloc(srv, pfd, struct pollfd, cap);
			map = talloc_realloc(srv, map, struct conn *, cap);
			if (!pfd || !map)
				return -1;
		}
		pfd[0] = (struct pollfd){ srv->listen_fd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ srv->job_pipe[0], POLLIN, 0 };
		pfd[2] = (struct pollfd){ sig_pipe[0], POLLIN, 0 };
		i = 3;
		for (c = srv->conns; c; c = c->next) {
			short ev = 0;

			if (!c->closing)
				ev |= POLLIN;
			if (c->outq)
				ev |= POLLOUT;
			map[i] = c;
			pfd[i++] = (struct pollfd){ c->fd, ev, 0 };
		}
		rc = poll(pfd, n, -1);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc <= 0)
			continue;
		if (pfd[2].revents & POLLIN) {
			unsigned char sig;

			while (read(sig_pipe[0], &sig, 1) == 1) {
				if (sig == SIGUSR1) {
					sessions_expire_all(srv);
				} else {
					slog(srv, "STOP signal=%d", sig);
					return 0;
				}
			}
		}
		if (pfd[1].revents & POLLIN) {
			struct auth_job *job;

			while (read(srv->job_pipe[0], &job, sizeof(job)) ==
			       sizeof(job))
				job_complete(srv, job);
		}
		if (pfd[0].revents & POLLIN)
			accept_conns(srv);
		for (i = 3; i < n; i++) {
			c = map[i];
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR) &&
			    !c->closing)
				conn_input(c);
			if (c->outq)
				flush_out(c);
		}
		for (c = srv->conns; c; c = next) {
			next = c->next;
			if (c->closing && !c->outq)
				drop_conn(srv, c);
		}
	}
}

int main(int argc, char **argv)
{
	struct server *srv = talloc_zero(NULL, struct server);
	struct srv_config *cfg;
	struct sigaction sa = { .sa_handler = on_signal };
	const char *bad;
	char err[256];
	int o, i;

	if (!srv)
		return 1;
	cfg = talloc_zero(srv, struct srv_config);
	srv->cfg = cfg;
	cfg->listen_addr = "0.0.0.0";
	cfg->port = 445;
	cfg->sign_required = true;
	cfg->server_name = "smbsrv";
	set_mechs(cfg, "mskrb5,krb5,iakerb");

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == O_HELP) {
			usage(stdout);
			return 0;
		}
		if (o == '?' || apply_opt(cfg, o, optarg)) {
			if (o != '?')
				fprintf(stderr, "smbsrv: bad option value: "
					"%s\n", optarg ? optarg : "");
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (dfs_check_config(cfg, &bad)) {
		fprintf(stderr, "smbsrv: --dfs-link: %s is no --dfs-root\n",
			bad);
		return 2;
	}
	/* IPC$ always exists */
	cfg->shares[cfg->nshares].name = "IPC$";
	cfg->shares[cfg->nshares].ipc = true;
	cfg->shares[cfg->nshares++].dirfd = -1;
	for (i = 0; i < cfg->nshares; i++) {
		struct share *sh = &cfg->shares[i];

		if (sh->ipc)
			continue;
		sh->dirfd = open(sh->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (sh->dirfd < 0) {
			fprintf(stderr, "smbsrv: share %s: %s: %s\n", sh->name,
				sh->path, strerror(errno));
			return 1;
		}
	}
	if (cfg->log_path) {
		srv->log = fopen(cfg->log_path, "a");
		if (!srv->log) {
			fprintf(stderr, "smbsrv: %s: %s\n", cfg->log_path,
				strerror(errno));
			return 1;
		}
	}
	/* before any krb5 or GSS use: it points KRB5_CONFIG elsewhere */
	if (cfg->faults.kdc_pad &&
	    kdcproxy_start(srv, (size_t)cfg->faults.kdc_pad, err,
			   sizeof(err))) {
		fprintf(stderr, "smbsrv: %s\n", err);
		return 1;
	}
	if (auth_init(cfg, err, sizeof(err))) {
		fprintf(stderr, "smbsrv: %s\n", err);
		return 1;
	}
	if (auth_neg_hints(cfg, &srv->neg_hints, &srv->neg_hints_len)) {
		fprintf(stderr, "smbsrv: cannot build the SPNEGO hints\n");
		return 1;
	}
	srv->listen_fd = open_listener(cfg);
	if (srv->listen_fd < 0) {
		fprintf(stderr, "smbsrv: cannot listen on %s:%d: %s\n",
			cfg->listen_addr, cfg->port, strerror(errno));
		return 1;
	}
	if (pipe2(srv->job_pipe, O_CLOEXEC) || pipe2(sig_pipe, O_CLOEXEC |
						       O_NONBLOCK))
		return 1;
	fcntl(srv->job_pipe[0], F_SETFL, O_NONBLOCK);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		srv->start_time = (uint64_t)ts.tv_sec;
		srv->next_sess_id = ((uint64_t)ts.tv_sec & 0xffff) << 32;
		for (i = 0; i < 16; i++)
			srv->guid[i] = (uint8_t)(ts.tv_nsec >> (i % 4 * 8)) ^
				       (uint8_t)(getpid() >> (i % 2 * 8)) ^
				       (uint8_t)i;
	}
	if (cfg->pid_file) {
		FILE *f = fopen(cfg->pid_file, "w");

		if (f) {
			fprintf(f, "%d\n", getpid());
			fclose(f);
		}
	}
	slog(srv, "START pid=%d listen=%s:%d mode=%s auth=%s mechs=%d "
	     "sign_required=%d multichannel=%d", getpid(), cfg->listen_addr,
	     cfg->port,
	     cfg->mode == MODE_WINDOWS ? "windows" :
	     cfg->mode == MODE_BOTH ? "both" : "mit",
	     cfg->auth == AUTH_OWN_SPNEGO ? "own" : "mit-spnego", cfg->nmechs,
	     cfg->sign_required, cfg->multichannel);
	i = run(srv);
	while (srv->conns) {
		struct conn *c = srv->conns;

		DLIST_REMOVE(srv->conns, c);
		conn_free(c);
	}
	free(srv->neg_hints);
	talloc_free(srv);
	return i ? 1 : 0;
}
