// SPDX-License-Identifier: GPL-2.0
/*
 * bench_mount: mount(2) a cifs share, stat(2) its root, umount(2) it, and
 * print how long each step took, for tests/bench (make bench).  Timing in
 * the process that makes the system calls leaves out mount.cifs's and the
 * shell's exec costs, which are the same for every path compared and only
 * blur the differences between them.
 *
 * Usage: bench_mount SOURCE TARGET OPTIONS
 *   OPTIONS is the kernel's option string (ip=,username=,sec=,...).
 *
 * Prints one line, "ok MOUNT_MS STAT_MS UMOUNT_MS TOTAL_MS" (milliseconds,
 * three decimals) or "error STEP ERRNO TEXT", and exits 0 or 1; 2 on bad
 * usage.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int report_error(const char *step)
{
	int e = errno;

	printf("error %s %d %s\n", step, e, strerror(e));
	return 1;
}

int main(int argc, char **argv)
{
	double t0, t1, t2, t3;
	struct stat st;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_mount SOURCE TARGET OPTIONS\n");
		return 2;
	}
	t0 = now_ms();
	if (mount(argv[1], argv[2], "cifs", 0, argv[3]))
		return report_error("mount");
	t1 = now_ms();
	if (stat(argv[2], &st)) {
		report_error("stat");
		umount(argv[2]);
		return 1;
	}
	t2 = now_ms();
	if (umount(argv[2]))
		return report_error("umount");
	t3 = now_ms();
	printf("ok %.3f %.3f %.3f %.3f\n", t1 - t0, t2 - t1, t3 - t2,
	       t3 - t0);
	return 0;
}
