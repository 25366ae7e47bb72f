// SPDX-License-Identifier: GPL-2.0
/*
 * kdc-pad's proxy: between MIT's acceptor and the realm's KDC.
 *
 * In MIT mode the padding cannot be added to the IAKerb token after the
 * acceptor made it: the acceptor keeps a transcript of every token for
 * IAKERB-FINISHED, and the client would checksum other bytes.  So the
 * acceptor itself must receive the padded reply from "its KDC": a UNIX
 * socket next to the real one, which a krb5.conf of our own names first
 * with the final flag (kdc* = ..., so MIT reads no other kdc line for the
 * realm), followed by the original file in KRB5_CONFIG.
 *
 * Stream framing as MIT's TCP/UNIX transport: a 4-byte big-endian length
 * and the message, one request per connection (sendto_kdc.c).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <krb5/krb5.h>
#include <profile.h>
#include <talloc.h>

#include "gss_token.h"
#include "kdcpad.h"
#include "smbsrv.h"

#define KDC_MSG_MAX (1024 * 1024)	/* MIT's cap on a stream reply */
#define IO_TIMEOUT_S 30

static struct {
	struct server *srv;
	size_t target;
	struct sockaddr_un kdc;		/* the real KDC */
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char conf[PATH_MAX];
	int fd;
} kp = { .fd = -1 };

static int io_full(int fd, void *buf, size_t len, bool rd)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = rd ? read(fd, p, len) : write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One framed message; NULL at EOF or on error. */
static uint8_t *read_msg(void *mem, int fd, size_t *len)
{
	uint8_t hdr[4], *m;
	uint32_t n;

	if (io_full(fd, hdr, 4, true))
		return NULL;
	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (!n || n > KDC_MSG_MAX)
		return NULL;
	m = talloc_size(mem, n);
	if (!m || io_full(fd, m, n, true))
		return NULL;
	*len = n;
	return m;
}

static int write_msg(int fd, const uint8_t *m, size_t len)
{
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
			   (uint8_t)(len >> 8), (uint8_t)len };

	if (io_full(fd, hdr, 4, false))
		return -1;
	return io_full(fd, (void *)m, len, false);
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Forward one request to the KDC; its reply, padded when it can be. */
static void serve_one(void *mem, int cfd, const uint8_t *req, size_t rlen)
{
	uint8_t *rep, *padded;
	size_t len, plen;
	enum krb_msg_type type = KRB_MSG_NONE;
	struct der_blob b;
	int kfd, rc;

	kfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (kfd < 0)
		return;
	set_timeouts(kfd);
	if (connect(kfd, (struct sockaddr *)&kp.kdc, sizeof(kp.kdc)) ||
	    write_msg(kfd, req, rlen) ||
	    !(rep = read_msg(mem, kfd, &len))) {
		slog(kp.srv, "KDCPAD error=\"KDC %s: %s\"", kp.kdc.sun_path,
		     strerror(errno));
		close(kfd);
		return;
	}
	close(kfd);
	rc = kdcpad_msg(mem, rep, len, kp.target, &padded, &plen);
	b = (struct der_blob){ rep, len };
	krb_msg_identify(&b, &type);
	slog(kp.srv, "KDCPAD reply=%s in=%zu out=%zu%s",
	     krb_msg_type_name(type) ? krb_msg_type_name(type) : "?", len,
	     rc == 1 ? plen : len, rc < 0 ? " error=\"cannot pad\"" : "");
	if (rc == 1)
		write_msg(cfd, padded, plen);
	else
		write_msg(cfd, rep, len);
}

static void *conn_thread(void *arg)
{
	int cfd = (int)(intptr_t)arg;
	void *mem = talloc_new(NULL);
	uint8_t *req;
	size_t rlen;

	set_timeouts(cfd);
	while (mem && (req = read_msg(mem, cfd, &rlen)))
		serve_one(mem, cfd, req, rlen);
	talloc_free(mem);
	close(cfd);
	return NULL;
}

static void *accept_thread(void *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	int cfd;

	(void)arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		cfd = accept4(kp.fd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;
		}
		if (pthread_create(&t, &attr, conn_thread,
				   (void *)(intptr_t)cfd))
			close(cfd);
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

static void cleanup(void)
{
	if (kp.sock[0])
		unlink(kp.sock);
	if (kp.conf[0])
		unlink(kp.conf);
}

/* The default realm and its first kdc, which must be a UNIX socket path. */
static int find_kdc(char *realm, size_t cap, char *err, size_t errlen)
{
	const char *names[4] = { "realms", NULL, "kdc", NULL };
	krb5_context kc;
	profile_t prof = NULL;
	char **vals = NULL, *def = NULL;
	int rc = -1;

	if (krb5_init_context(&kc)) {
		snprintf(err, errlen, "kdc-pad: krb5_init_context failed");
		return -1;
	}
	if (krb5_get_default_realm(kc, &def) || strlen(def) >= cap ||
	    krb5_get_profile(kc, &prof)) {
		snprintf(err, errlen, "kdc-pad: no default realm");
		goto out;
	}
	strcpy(realm, def);
	names[1] = realm;
	if (profile_get_values(prof, names, &vals) || !vals[0] ||
	    vals[0][0] != '/' ||
	    strlen(vals[0]) >= sizeof(kp.kdc.sun_path)) {
		snprintf(err, errlen, "kdc-pad: the kdc of realm %s must be "
			 "a UNIX socket path (as tests/ktest/topology sets up)",
			 realm);
		goto out;
	}
	kp.kdc.sun_family = AF_UNIX;
	strcpy(kp.kdc.sun_path, vals[0]);
	rc = 0;
out:
	profile_free_list(vals);
	profile_release(prof);
	krb5_free_default_realm(kc, def);
	krb5_free_context(kc);
	return rc;
}

int kdcproxy_start(struct server *srv, size_t target, char *err,
		   size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *orig = getenv("KRB5_CONFIG");
	char dir[sizeof(kp.kdc.sun_path)], realm[256], *env;
	const char *d;
	pthread_t t;
	FILE *f;
	int n;

	kp.srv = srv;
	kp.target = target;
	if (find_kdc(realm, sizeof(realm), err, errlen))
		return -1;
	/* next to the KDC's socket, in the server's private tmpfs */
	strcpy(dir, kp.kdc.sun_path);
	d = dirname(dir);
	n = snprintf(kp.sock, sizeof(kp.sock), "%s/kdcpad-%d.sock", d,
		     (int)getpid());
	snprintf(kp.conf, sizeof(kp.conf), "%s/kdcpad-%d.conf", d,
		 (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(kp.sock)) {
		snprintf(err, errlen, "kdc-pad: socket path too long");
		return -1;
	}
	atexit(cleanup);
	unlink(kp.sock);
	strcpy(sun.sun_path, kp.sock);
	kp.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (kp.fd < 0 || bind(kp.fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(kp.fd, 16)) {
		snprintf(err, errlen, "kdc-pad: %s: %s", kp.sock,
			 strerror(errno));
		return -1;
	}
	f = fopen(kp.conf, "w");
	if (!f) {
		snprintf(err, errlen, "kdc-pad: %s: %s", kp.conf,
			 strerror(errno));
		return -1;
	}
	fprintf(f, "# smbsrv --fault kdc-pad: the acceptor's KDC is the "
		"padding proxy\n[realms]\n\t%s = {\n\t\tkdc* = %s\n\t}\n",
		realm, kp.sock);
	if (fclose(f)) {
		snprintf(err, errlen, "kdc-pad: cannot write %s", kp.conf);
		return -1;
	}
	env = talloc_asprintf(srv, "%s:%s", kp.conf,
			      orig ? orig : "/etc/krb5.conf");
	if (!env || setenv("KRB5_CONFIG", env, 1) ||
	    pthread_create(&t, NULL, accept_thread, NULL)) {
		snprintf(err, errlen, "kdc-pad: cannot start the proxy");
		return -1;
	}
	pthread_detach(t);
	slog(srv, "KDCPAD start target=%zu kdc=%s proxy=%s", target,
	     kp.kdc.sun_path, kp.sock);
	return 0;
}
