// SPDX-License-Identifier: GPL-2.0
/*
 * Privileges and namespaces.  The rule (CVE-2026-12505, CVE-2025-2312,
 * CVE-2021-20208): nothing that belongs to the caller's world runs while
 * we are root.  The caller's mount namespace holds its nsswitch.conf, NSS
 * modules, krb5.conf (with includes and plugin paths) and ccaches; its
 * user namespace may be the attacker's.  So, as root, this file uses
 * syscalls and the host's own files only:
 *
 *   1. privs_open_caller: a pidfd and an O_PATH /proc/<pid> of the
 *      calling task, a thread (checked to be the same task), the
 *      credential owner's gid (the caller's, or from the host's passwd),
 *      and, when the caller lives in another user namespace, its
 *      uid_map/gid_map (plain text files, parsed here); creduid 0 is
 *      refused another mount namespace unless allowed; main.c then
 *      takes KRB5CCNAME from its environ (privs_caller_env: text too,
 *      used only after the drop);
 *   2. privs_enter_and_drop: root's groups cleared, one setns() on the
 *      pidfd for all namespaces at once, then setresgid/setresuid to the
 *      credential owner, no groups, no capabilities, no_new_privs.  Only
 *      then do NSS and krb5 run, as the user, in the user's world.
 *
 * Processes are non-dumpable from the first instruction: they hold the
 * exchange secret, passwords and session keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "upcall.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* <linux/pidfd.h>, Linux 6.9 */
#endif

void privs_harden_early(void)
{
	struct rlimit no_core = { 0, 0 };

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	umask(077);
}

/* Same namespace as ours?  Compares the nsfs inodes. */
static int ns_same(int procfd, const char *name, bool *same)
{
	char self[64], theirs[64];
	struct stat a, b;

	snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
	snprintf(theirs, sizeof(theirs), "ns/%s", name);
	if (stat(self, &a) < 0)
		return -errno;
	if (fstatat(procfd, theirs, &b, 0) < 0)
		return -errno;
	*same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return 0;
}

/* A small /proc file of the caller, read as root: text only, no code */
static int proc_read(int procfd, const char *name, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = openat(procfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < cap - 1) {
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	return 0;
}

/*
 * uid_map/gid_map: "inside outside count" per line.  Translate an id of
 * our (the initial) namespace into the caller's.
 */
static int map_id(const char *map, unsigned long id, unsigned long *out)
{
	const char *p = map;

	while (*p) {
		unsigned long in, outside, count;
		int used = 0;

		if (sscanf(p, " %lu %lu %lu%n", &in, &outside, &count,
			   &used) != 3)
			break;
		if (id >= outside && id - outside < count) {
			*out = in + (id - outside);
			return 0;
		}
		p += used;
	}
	return -ENOENT;
}

/* "Uid:\treal\teff..." of /proc/<pid>/status */
static int status_id(const char *status, const char *key, unsigned long *out)
{
	const char *p = strstr(status, key);

	if (!p)
		return -ENOENT;
	return sscanf(p + strlen(key), " %lu", out) == 1 ? 0 : -EINVAL;
}

/* glibc has had a wrapper only since 2.36: the syscall, for both uses */
int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

/*
 * pid= is the kernel's current->pid: the id of the thread that called
 * mount(2), which in a threaded program is not its group's leader, and
 * pidfd_open() refuses such a thread unless asked for it by PIDFD_THREAD.
 * Everything else works on that thread as it should: setns() with its
 * pidfd joins the thread's own namespaces (nsproxy is per thread),
 * /proc/<tid> (found by lookup, though not listed) has its status, ns/,
 * root and uid_map, and its pidfd polls readable when that thread exits.
 * A kernel before 6.9 does not know the flag (EINVAL): leaders only.
 */
static int caller_pidfd(pid_t pid)
{
	int fd = sys_pidfd_open(pid, PIDFD_THREAD);

	if (fd < 0 && errno == EINVAL)
		fd = sys_pidfd_open(pid, 0);
	return fd;
}

/*
 * The credential owner's gid; the kernel does not send one.  The calling
 * task's own if it runs as that user (@status: its /proc status, plain
 * text read as root, no NSS), else the host's passwd, as cifs.upcall does
 * (we are still in the host's namespaces: this is the host's NSS).  A
 * user that neither knows has no group we could justify: -ENOENT, not
 * the uid's number (that number is some other group's).
 */
static int owner_gid(uid_t uid, const char *status, gid_t *gid)
{
	struct passwd pw, *pwp = NULL;
	char pwbuf[4096];
	unsigned long id, g;

	if (status && !status_id(status, "Uid:", &id) && id == uid &&
	    !status_id(status, "Gid:", &g)) {
		*gid = (gid_t)g;
		return 0;
	}
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp) {
		*gid = pwp->pw_gid;
		return 0;
	}
	return -ENOENT;
}

int privs_owner_gid(uid_t uid, pid_t pid, gid_t *gid)
{
	char path[48], status[4096];
	int fd, ret = -1;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = pid > 0 ? open(path, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		ret = proc_read(fd, "status", status, sizeof(status));
		close(fd);
	}
	return owner_gid(uid, ret ? NULL : status, gid);
}

int privs_no_gid(struct result *res, uid_t uid)
{
	return fail(res, IAKERB_OUT_NO_CREDS,
		    "uid %u has no passwd entry on the host and the caller "
		    "does not run as it: no group to run as",
		    (unsigned int)uid);
}

int privs_map_owner(const char *uid_map, const char *gid_map,
		    unsigned long kuid, unsigned long kgid, uid_t *uid,
		    gid_t *gid, const char **unmapped)
{
	unsigned long u, g;

	if (map_id(uid_map, kuid, &u)) {
		*unmapped = "uid";
		return -ENOENT;
	}
	/* not the uid's number instead: that is some other group there */
	if (map_id(gid_map, kgid, &g)) {
		*unmapped = "gid";
		return -ENOENT;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

int privs_open_caller(const struct upcall_req *r, bool allow_root_mntns,
		      struct caller *c, struct result *res)
{
	char path[32], status[4096], umap[4096], gmap[4096];
	const char *unmapped = "";
	unsigned long kuid = r->uid, id;
	gid_t kgid;
	static const struct {
		const char	*name;
		int		flag;
	} nss[] = {
		{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },
		{ "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS },
	};
	bool same = true;
	size_t i;
	int err;

	memset(c, 0, sizeof(*c));
	c->pidfd = c->procfd = -1;
	c->uid = r->uid;
	/*
	 * recon=1: pid= is whatever task issued I/O (a kworker): not the
	 * mount's, trusted in no way (PROTOCOL.md §12).
	 */
	if (r->d.recon)
		return owner_gid(r->uid, NULL, &c->gid) ?
		       privs_no_gid(res, r->uid) : 0;

	snprintf(path, sizeof(path), "/proc/%u", r->d.pid);
	c->procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	err = c->procfd < 0 ? errno : 0;
	if (c->procfd >= 0) {
		c->pidfd = caller_pidfd((pid_t)r->d.pid);
		err = c->pidfd < 0 ? errno : 0;
	}
	/*
	 * The /proc directory, opened first, pins the task it found: if it
	 * can still be read, the pidfd opened after it is that same task
	 * (a thread id or a process id reused in between would fail here).
	 */
	if (c->pidfd >= 0 &&
	    proc_read(c->procfd, "status", status, sizeof(status)) < 0) {
		err = ESRCH;
		close(c->pidfd);
		c->pidfd = -1;
	}
	if (c->pidfd < 0) {
		if (c->procfd >= 0)
			close(c->procfd);
		c->procfd = -1;
		if (r->app)
			return fail(res, IAKERB_OUT_PROTOCOL,
				    "the calling task %u (pid=) cannot be "
				    "opened: %s", r->d.pid, strerror(err));
		return owner_gid(r->uid, NULL, &c->gid) ?
		       privs_no_gid(res, r->uid) : 0;
	}

	if (owner_gid(r->uid, status, &kgid))
		return privs_no_gid(res, r->uid);
	c->uid = (uid_t)kuid;
	c->gid = kgid;
	/*
	 * Who made the mount: the kernel's creduid defaults to the mounting
	 * task's real uid, and cruid= names another.  Read here, as root,
	 * from the process checked above (host uids: we are in the initial
	 * user namespace); what a password obtained is kept only for the
	 * owner's own mounts (policy.c, store_tickets).
	 */
	c->owner_mounted = !status_id(status, "Uid:", &id) && id == kuid;
	c->env_ok = !status_id(status, "Uid:", &id) &&
		    privs_env_trusted(id, kuid);
	if (!r->app)
		return 0;

	/*
	 * Only the namespaces that differ: joining the caller's user
	 * namespace first takes our rights over namespaces its ancestors
	 * own, so asking to "join" one we are in already could fail.
	 */
	for (i = 0; i < sizeof(nss) / sizeof(nss[0]); i++) {
		if (ns_same(c->procfd, nss[i].name, &same))
			return fail(res, IAKERB_OUT_PROTOCOL,
				    "cannot inspect the caller's namespaces");
		if (!same)
			c->ns_flags |= nss[i].flag;
	}
	/*
	 * Global uid 0 in another mount namespace: entering it runs that
	 * world's NSS modules, krb5.conf includes and plugins as uid 0.
	 * Without capabilities, but uid 0 still owns every root-owned file
	 * the namespace can reach and is trusted by every process that
	 * trusts uid 0.  Only the host's administrator may allow that.
	 */
	if ((c->ns_flags & CLONE_NEWNS) && r->uid == 0 && !allow_root_mntns)
		return fail(res, IAKERB_OUT_NOT_PERMITTED,
			    "creduid 0 in another mount namespace "
			    "(upcall_target=app, task %u): refused, its NSS "
			    "modules and krb5 plugins would run as global uid "
			    "0 (--allow-root-mntns allows it)", r->d.pid);
	c->enter = c->ns_flags != 0;
	c->enter_user = c->ns_flags & CLONE_NEWUSER;
	if (!c->enter_user)
		return 0;

	/* the owner as the caller's user namespace knows it */
	if (proc_read(c->procfd, "uid_map", umap, sizeof(umap)) ||
	    proc_read(c->procfd, "gid_map", gmap, sizeof(gmap)))
		return fail(res, IAKERB_OUT_NO_CREDS,
			    "cannot read the caller's uid_map/gid_map");
	if (privs_map_owner(umap, gmap, kuid, kgid, &c->uid, &c->gid,
			    &unmapped))
		return fail(res, IAKERB_OUT_NO_CREDS,
			    "uid %lu (gid %u) has no %s in the caller's user "
			    "namespace", kuid, (unsigned int)kgid, unmapped);
	return 0;
}

int privs_drop(uid_t uid, gid_t gid, struct result *res)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	/*
	 * No supplementary group of root's may stay.  They are cleared before
	 * any setns() (privs_enter_and_drop), where root always may; a user
	 * namespace that denies setgroups() cannot undo that.  If any are
	 * left here, clearing them must work.
	 */
	if (getgroups(0, NULL) != 0 && setgroups(0, NULL) < 0)
		return fail(res, IAKERB_OUT_NOT_PERMITTED, "setgroups: %s",
			    strerror(errno));
	if (setresgid(gid, gid, gid) < 0)
		return fail(res, IAKERB_OUT_NOT_PERMITTED, "setresgid(%u): %s",
			    (unsigned int)gid, strerror(errno));
	if (setresuid(uid, uid, uid) < 0)
		return fail(res, IAKERB_OUT_NOT_PERMITTED, "setresuid(%u): %s",
			    (unsigned int)uid, strerror(errno));
	if (getresuid(&ru, &eu, &su) || ru != uid || eu != uid || su != uid ||
	    getresgid(&rg, &eg, &sg) || rg != gid || eg != gid || sg != gid ||
	    getgroups(0, NULL) != 0)
		return fail(res, IAKERB_OUT_NOT_PERMITTED,
			    "credentials did not change");
	/* uid 0 keeps its capabilities through setresuid: drop them all */
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return fail(res, IAKERB_OUT_NOT_PERMITTED, "capset: %s",
			    strerror(errno));
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* a change of credentials resets it: set it again */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}

/*
 * Room for the secret pages (secret.c) of an agent or a leg's helper; the
 * agent locks no more than those (no mlockall()).  At most: the callout
 * and one message in flight (IAKERB_MSG_MAX each, page-rounded), a reply
 * or payload with a key and a token (IAKERB_PAYLOAD_MAX, twice), and a
 * few pages of password, secret and keys: about 420 KiB; 1 MiB leaves
 * room.  Only ever raised, as root before the drop (rlimits survive it):
 * kernels since 5.16 give 8 MiB, older ones 64 KiB.
 */
#define AGENT_MEMLOCK	(1UL << 20)

int privs_enter_and_drop(struct caller *c, bool agent, struct result *res)
{
	struct rlimit ml;

	if (agent && getrlimit(RLIMIT_MEMLOCK, &ml) == 0 &&
	    ml.rlim_cur != RLIM_INFINITY && ml.rlim_cur < AGENT_MEMLOCK) {
		ml.rlim_cur = AGENT_MEMLOCK;
		if (ml.rlim_max != RLIM_INFINITY && ml.rlim_max < AGENT_MEMLOCK)
			ml.rlim_max = AGENT_MEMLOCK;
		setrlimit(RLIMIT_MEMLOCK, &ml);
	}
	if (c->enter) {
		/* its root too: setns() into a mount namespace puts us at the
		 * namespace's root, and the caller may be chrooted inside it */
		int root = -1;

		if (c->ns_flags & CLONE_NEWNS) {
			root = openat(c->procfd, "root", O_PATH | O_DIRECTORY |
				      O_CLOEXEC);
			if (root < 0)
				return fail(res, IAKERB_OUT_NOT_PERMITTED,
					    "cannot open the caller's root: %s",
					    strerror(errno));
		}
		/* root's groups go while we may drop them (see privs_drop) */
		if (setgroups(0, NULL) < 0) {
			if (root >= 0)
				close(root);
			return fail(res, IAKERB_OUT_NOT_PERMITTED,
				    "setgroups: %s", strerror(errno));
		}
		/* all at once, and in the kernel's order (user first) */
		if (setns(c->pidfd, c->ns_flags) < 0 ||
		    (root >= 0 && (fchdir(root) < 0 || chroot(".") < 0 ||
				   chdir("/") < 0))) {
			int e = errno;

			if (root >= 0)
				close(root);
			return fail(res, IAKERB_OUT_NOT_PERMITTED,
				    "cannot enter the caller's namespaces: %s",
				    strerror(e));
		}
		if (root >= 0)
			close(root);
	}
	return privs_drop(c->uid, c->gid, res);
}

/*
 * The first act of a child that runs the caller's world (the agent,
 * legacy's worker): the process request-key started keeps the request's
 * authority, and this one gives it up before anything of that world can
 * run in it, then enters and drops.
 */
int privs_enter_world(struct upcall_ctx *u, bool agent)
{
	int ret;

	if (u->io->renounce) {
		ret = u->io->renounce(u->io);
		if (ret)
			return fail(&u->res, IAKERB_OUT_NOT_PERMITTED,
				    "cannot give up the request's authority: %s",
				    strerror(-ret));
	}
	ret = privs_enter_and_drop(&u->caller, agent, &u->res);
	if (!ret && u->o->krb5conf)
		setenv("KRB5_CONFIG", u->o->krb5conf, 1);
	return ret;
}

/*
 * Whose KRB5CCNAME may choose the owner's cache: a task running as the
 * owner (its own environment) or as root (root made the mount and named
 * the owner with cruid=, as with cifs.upcall).  Not another user's: a
 * setuid-to-the-owner program run by bob would let bob choose.
 */
bool privs_env_trusted(unsigned long ruid, unsigned long owner)
{
	return ruid == owner || ruid == 0;
}

/*
 * KRB5CCNAME of the caller, read as root, before any setns() or drop,
 * through the /proc/<pid> pinned by privs_open_caller: a plain text
 * read, nothing of the caller's runs.  As root because a mount needs
 * CAP_SYS_ADMIN: the kernel's ptrace check refuses that task's environ
 * to the owner without capabilities (a task holding capabilities the
 * reader lacks, a setuid mount.cifs, root's own task for cruid=), so
 * read after the drop it was never readable for a mount.  The value is
 * only a name: the caches are opened after the drop, as the owner, in
 * the caller's namespaces, so it reaches nothing the owner could not
 * open.  Only for a caller privs_env_trusted() accepts (c->env_ok).
 */
char *privs_caller_env(TALLOC_CTX *mem, const struct caller *c,
		       const char *var)
{
	size_t vlen = strlen(var), got = 0, cap = 64 * 1024;
	char *buf, *p, *val = NULL;
	ssize_t n;
	int fd;

	if (c->procfd < 0)
		return NULL;
	fd = openat(c->procfd, "environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = talloc_size(mem, cap + 1);
	while (buf && got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf)
		return NULL;
	buf[got] = 0;
	for (p = buf; p < buf + got; p += strlen(p) + 1) {
		if (!strncmp(p, var, vlen) && p[vlen] == '=') {
			val = talloc_strdup(mem, p + vlen + 1);
			break;
		}
	}
	talloc_free(buf);
	return val;
}

void privs_close_caller(struct caller *c)
{
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->procfd >= 0)
		close(c->procfd);
	c->pidfd = c->procfd = -1;
}
