// SPDX-License-Identifier: GPL-2.0
/*
 * mount_thread: mount(2) a cifs share from a thread that is not its
 * process's leader, as a threaded program (a file manager, a container
 * runtime) does.  cifs.ko then writes that thread's id as pid= into the
 * cifs.spnego description, and with upcall_target=app the helper must
 * find the caller's namespaces through a thread id.
 *
 * Usage: mount_thread [--bind SRC DST] SOURCE TARGET OPTIONS
 *   OPTIONS is the string mount.cifs would pass (ip=,unc=,user=,sec=...).
 *   --bind: the thread first unshares its mount namespace (its own, not
 *   the process's) and bind-mounts SRC on DST there: what only that
 *   namespace shows must be what the helper sees.
 *
 * The thread unmounts what it mounted (a mount in its own namespace is
 * out of the caller's sight).  Prints one line, "mount: ok" or
 * "mount: errno N (text)", and exits 0 or 1; 2 on a set-up failure.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static const char *src, *target, *opts, *bind_src, *bind_dst;
static int result = 2;

static void *mounter(void *arg)
{
	(void)arg;
	if (gettid() == getpid()) {
		fprintf(stderr, "mount_thread: the thread is the leader\n");
		return NULL;
	}
	if (bind_src &&
	    (unshare(CLONE_NEWNS) ||
	     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	     mount(bind_src, bind_dst, NULL, MS_BIND, NULL))) {
		fprintf(stderr, "mount_thread: own namespace: %s\n",
			strerror(errno));
		return NULL;
	}
	fprintf(stderr, "mount_thread: thread %d of process %d mounts\n",
		(int)gettid(), (int)getpid());
	if (mount(src, target, "cifs", 0, opts)) {
		printf("mount: errno %d (%s)\n", errno, strerror(errno));
		result = 1;
		return NULL;
	}
	printf("mount: ok\n");
	result = 0;
	if (umount(target))
		fprintf(stderr, "mount_thread: umount: %s\n", strerror(errno));
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int i = 1;

	if (argc == 7 && !strcmp(argv[1], "--bind")) {
		bind_src = argv[2];
		bind_dst = argv[3];
		i = 4;
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: mount_thread [--bind SRC DST] SOURCE "
			"TARGET OPTIONS\n");
		return 2;
	}
	src = argv[i];
	target = argv[i + 1];
	opts = argv[i + 2];
	if (pthread_create(&t, NULL, mounter, NULL) || pthread_join(t, NULL))
		return 2;
	fflush(stdout);
	return result;
}
