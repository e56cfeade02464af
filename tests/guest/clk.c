// SPDX-License-Identifier: GPL-2.0
/*
 * clk: print CLOCK_MONOTONIC and CLOCK_BOOTTIME in seconds, read through
 * the C library (the vDSO) and through the system call, one line each:
 *   vdso <mono> <boot>
 *   sys  <mono> <boot>
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double sec(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

int main(void)
{
	struct timespec m, b;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	printf("vdso %.3f %.3f\n", sec(&m), sec(&b));
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &m);
	syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &b);
	printf("sys %.3f %.3f\n", sec(&m), sec(&b));
	return 0;
}
