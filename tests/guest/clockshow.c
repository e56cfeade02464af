// SPDX-License-Identifier: GPL-2.0
/* Print CLOCK_MONOTONIC and CLOCK_BOOTTIME read through the vDSO and the syscall. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void show(const char *name, clockid_t clk)
{
	struct timespec v, s;

	clock_gettime(clk, &v);		/* glibc: the vDSO when it has one */
	syscall(SYS_clock_gettime, clk, &s);
	printf("  %-10s vDSO %9lld.%09ld   syscall %9lld.%09ld\n", name,
	       (long long)v.tv_sec, v.tv_nsec, (long long)s.tv_sec, s.tv_nsec);
}

int main(void)
{
	printf("  (vDSO at %#lx)\n", getauxval(AT_SYSINFO_EHDR));
	show("MONOTONIC", CLOCK_MONOTONIC);
	show("BOOTTIME", CLOCK_BOOTTIME);
	show("REALTIME", CLOCK_REALTIME);
	return 0;
}
