// SPDX-License-Identifier: GPL-2.0
/*
 * cifs-upcall-iakerb: main() and the order of one upcall (upcall.h).
 *
 * Which path a request takes:
 *
 *   no exch= (a 7.2 kernel)            krb5, one leg, LEGACY payload
 *   leg 1, sec=krb5/mskrb5             krb5 as above (the kernel takes a
 *                                      LEGACY answer on leg 1); if that
 *                                      finds no credentials or no KDC and
 *                                      the server offers IAKerb: IAKerb
 *   leg 1, sec=iakerb                  IAKerb: fork the agent
 *   leg >= 2                           hand the leg to the agent
 *
 * Exit status: 0 when the key was instantiated, 1 when it was rejected
 * (or could not even be rejected).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "upcall.h"
#include "check.h"

static struct upcall_io *alarm_io;
static unsigned int alarm_reject_sec;

/* The kernel stops waiting at tmo=: answer before it, even if only no */
static void on_alarm(int sig)
{
	(void)sig;
	if (alarm_io)
		alarm_io->reject(alarm_io, ETIMEDOUT, alarm_reject_sec);
	_exit(1);
}

static void arm_deadline(struct upcall_io *io, const struct upcall_req *r)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	if (!r->multileg)
		return;
	alarm_io = io;
	alarm_reject_sec = reject_timeout(r);
	sigaction(SIGALRM, &sa, NULL);
	alarm(r->d.tmo - IAKERB_HELPER_MARGIN_SEC);
}

/* Leg 1, as root: the password key the kernel made for this mount */
static int read_password(struct upcall_ctx *u, TALLOC_CTX *mem)
{
	struct upcall_req *r = u->r;
	struct iakerb_cred c;
	uint8_t *buf;
	int ret;

	if (!r->multileg || r->d.leg != 1 ||
	    !(r->msg.have & (1u << IAKERB_T_CRED_KEY)))
		return 0;
	buf = secret_alloc(mem, IAKERB_CRED_MAX);
	u->pass = secret_alloc(mem, IAKERB_PASS_MAX);
	if (!buf || !u->pass)
		return fail_oom(&u->res, "the password buffers");
	ret = u->io->read_cred(u->io, (int32_t)r->msg.cred_key, r->d.exch, buf,
			       IAKERB_CRED_MAX, &c);
	if (ret) {
		/* a password we cannot read is no password: say so */
		ulog(LOG_WARNING, "password key %u unusable: %s",
		     r->msg.cred_key, strerror(-ret));
		talloc_free(u->pass);
		u->pass = NULL;
	} else {
		memcpy(u->pass, c.pass, c.pass_len);
		u->pass_len = c.pass_len;
		u->domain = talloc_strndup(mem, c.domain, c.domain_len);
	}
	talloc_free(buf);	/* wiped by its destructor */
	return 0;
}

/* kernel.yama.ptrace_scope: 3 forbids pidfd_getfd even to root (§8) */
static int yama_scope(void)
{
	char buf[8] = "";
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return atoi(buf);
}

static int run(struct upcall_ctx *u, TALLOC_CTX *mem, struct payload *p)
{
	struct upcall_req *r = u->r;
	bool krb5 = r->d.sec != IAKERB_SEC_IAKERB &&
		    (!r->multileg ||
		     (r->d.mechs & (IAKERB_MECH_KRB5 | IAKERB_MECH_MSKRB5)));
	bool no_agent = false;
	int ret;

	if (r->multileg && r->d.leg > 1)
		return agent_leg(u, mem, p);
	/* what the server offered: a bug report's first question */
	if (r->multileg)
		ulog(LOG_DEBUG, "leg 1: sec=%s, the server offers mechs=0x%x",
		     r->d.sec == IAKERB_SEC_IAKERB ? "iakerb" : "krb5",
		     r->d.mechs);
	if (!r->multileg && r->d.sec == IAKERB_SEC_IAKERB)
		return fail(&u->res, IAKERB_OUT_NO_MECH,
			    "sec=iakerb, but this kernel cannot relay IAKerb "
			    "(no multi-leg upcalls)");
	if (r->multileg && yama_scope() >= 3) {
		/* no helper could reach an agent: krb5 the 7.2 way, or no */
		if (!krb5)
			return fail(&u->res, IAKERB_OUT_NOT_PERMITTED,
				    "kernel.yama.ptrace_scope=3: no IAKerb "
				    "agent can be reached");
		ulog(LOG_NOTICE, "kernel.yama.ptrace_scope=3: answering "
		     "krb5 in one leg, without mutual authentication");
		no_agent = true;
	}

	ret = read_password(u, mem);
	if (!ret)
		ret = privs_open_caller(r, u->o->allow_root_mntns, &u->caller,
					&u->res);
	/* still root: text only, used after the drop (privs_caller_env) */
	if (!ret && r->app && !r->d.recon && u->o->env_probe && r->uid != 0 &&
	    u->caller.env_ok)
		u->env_ccname = privs_caller_env(mem, &u->caller, "KRB5CCNAME");
	if (ret)
		return ret;
	/*
	 * We stay root, in the init namespaces, with the request's authority,
	 * and run nothing of the caller's world: a child of ours does, having
	 * given up the authority (privs_enter_world), and hands us back what
	 * we answer with.
	 */
	if (!r->multileg || no_agent)
		return worker_run(u, mem, legacy_run, p);
	return agent_start(u, mem, p);
}

int upcall_main(struct upcall_io *io, const struct upcall_opts *o)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct upcall_req r = { 0 };
	struct upcall_ctx u = { .mem = mem, .o = o, .r = &r, .io = io,
				.res.outcome = OUT_OK };
	struct payload p = { 0 };
	int ret, err;

	u.caller.pidfd = u.caller.procfd = -1;
	ret = request_read(io, mem, o, &r, &u.res);
	if (!ret) {
		if (r.multileg)
			log_set_context("%s %s@%s leg %u exch %s", io->kind,
					(r.d.have & IAKERB_F_USER) ? r.d.user :
					"-", r.d.host, r.d.leg, r.d.exch);
		else
			log_set_context("%s %s@%s krb5", io->kind,
					(r.d.have & IAKERB_F_USER) ? r.d.user :
					"-", r.d.host);
		arm_deadline(io, &r);
		ret = run(&u, mem, &p);
	}
	privs_close_caller(&u.caller);

	if (!ret) {
		ret = io->instantiate(io, p.data, p.len,
				      p.flags == IAKERB_MSG_LEGACY ?
				      o->expire : 0);
		if (ret)
			fail(&u.res, IAKERB_OUT_PROTOCOL, "instantiate: %s",
			     strerror(-ret));
		else
			ulog(LOG_INFO, "%s payload, %zu bytes",
			     payload_flags_name(p.flags), p.len);
	}
	if (ret) {
		/* a bare -errno from a library (ENOMEM...): its own row */
		if (u.res.outcome == OUT_OK)
			fail(&u.res, outcome_from_errno(ret), "failed: %s",
			     strerror(-ret));
		err = outcome_errno(u.res.outcome);
		/* one line: what the kernel will print, and why (when the
		 * agent failed, its own line says why: ours is a debug one) */
		ulog(u.res.logged ? LOG_DEBUG : LOG_ERR, "%s (%s): %s",
		     outcome_name(u.res.outcome), strerror(err), u.res.why);
		io->reject(io, err, reject_timeout(&r));
	}
	alarm(0);
	secret_wipe(r.callout, r.callout_len);	/* the exchange secret */
	talloc_free(mem);	/* wipes the secrets */
	return ret ? 1 : 0;
}

#ifndef UPCALL_NO_MAIN
int main(int argc, char **argv)
{
	struct upcall_opts o;
	struct upcall_io *io;
	TALLOC_CTX *mem;

	/* a user's question, not an upcall: check.c */
	if (argc > 1 && !strncmp(argv[1], "--check", 7))
		return check_main(argc, argv);
	privs_harden_early();
	switch (opts_parse(argc, argv, &o, stdout)) {
	case OPTS_EXIT_OK:
		return 0;
	case OPTS_EXIT_USAGE:
		return 2;
	case OPTS_RUN:
		break;
	}
	log_open(o.log_stderr, o.debug);
	mem = talloc_new(NULL);
	io = upcall_io_open(mem, o.arg);
	if (!io) {
		ulog(LOG_ERR, "cannot take request %s: %s", o.arg,
		     strerror(errno));
		return 1;
	}
	return upcall_main(io, &o);
}
#endif
