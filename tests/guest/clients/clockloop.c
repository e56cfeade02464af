// SPDX-License-Identifier: GPL-2.0
/*
 * clockloop: the process that CRIU dumps and restores (issue 8), and the
 * clock reader of the crun tests. Built statically on the host.
 *
 *   clockloop once
 *	print one sample and exit
 *   clockloop OUTFILE STOPFILE
 *	become a session leader, then every 50 ms append one sample to
 *	OUTFILE, until STOPFILE exists (exit 0) or 10 minutes have passed
 *	(exit 1)
 *
 * A sample is one line, in seconds:
 *   <mono vdso> <boot vdso> <mono syscall> <boot syscall> <realtime>
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME are read through the C library (the
 * vDSO) and through the system call; CLOCK_REALTIME, which no time namespace
 * shifts, dates the sample for the host.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double sec(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

static int sample(char *buf, size_t len)
{
	struct timespec vm, vb, sm, sb, r;

	clock_gettime(CLOCK_MONOTONIC, &vm);
	clock_gettime(CLOCK_BOOTTIME, &vb);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &sm);
	syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &sb);
	clock_gettime(CLOCK_REALTIME, &r);
	return snprintf(buf, len, "%.6f %.6f %.6f %.6f %.6f\n",
			sec(&vm), sec(&vb), sec(&sm), sec(&sb), sec(&r));
}

int main(int argc, char *argv[])
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	char buf[256];
	int fd, i, n;

	if (argc == 2 && !strcmp(argv[1], "once")) {
		n = sample(buf, sizeof(buf));
		return write(1, buf, n) == n ? 0 : 1;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: clockloop once | clockloop OUTFILE STOPFILE\n");
		return 2;
	}
	setsid();
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return 1;
	for (i = 0; i < 12000; i++) {
		n = sample(buf, sizeof(buf));
		if (write(fd, buf, n) != n)
			return 1;
		if (access(argv[2], F_OK) == 0)
			return 0;
		nanosleep(&tick, NULL);
	}
	return 1;
}
