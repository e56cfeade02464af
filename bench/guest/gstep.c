// SPDX-License-Identifier: GPL-2.0
/*
 * gstep: the guest side of part e of bench/guest.sh. Two loopers call
 * syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, MAGIC) until a flag in a
 * shared page is set (gdb writes it through QEMU's gdbstub when it is done
 * single-stepping) or a deadline passes: one looper outside any time
 * namespace (MAGIC 0x7411), one in a time namespace with nonzero offsets
 * (MAGIC 0x7412, only if the kernel has time namespaces). clock_gettime
 * ignores the third argument; at entry_SYSCALL_64 it is in %rdx, so gdb
 * can pick the task by a breakpoint condition.
 * First CLOCK_REALTIME is set so that the nanoseconds of wall_to_monotonic
 * are about zero (a few microseconds): ktime_get_ts64() then never runs its
 * normalisation loop (timespec64_add_ns of the realtime fraction plus those
 * nanoseconds), so every sample takes the same path in every kernel.
 * Prints "GSTEP READY stop=0x<addr> ns=<0|1>" once both loop, and
 * "GSTEP DONE <how>" at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define HOST_MAGIC 0x7411L
#define NS_MAGIC 0x7412L
#define DEADLINE_S 100

static volatile int *stop;

static void loop(long magic)
{
	struct timespec ts, t0;
	unsigned long i = 0;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t0, 0L);
	stop[magic == NS_MAGIC ? 2 : 1] = 1;
	while (!stop[0]) {
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, magic);
		if ((++i & 1023) == 0 && ts.tv_sec - t0.tv_sec > DEADLINE_S) {
			stop[3] = 1;
			break;
		}
	}
	_exit(0);
}

static void align_wall_to_monotonic(void)
{
	struct timespec r, m;
	long d;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	r.tv_nsec = m.tv_nsec;	/* new realtime: the fraction of monotonic now */
	if (clock_settime(CLOCK_REALTIME, &r))
		perror("clock_settime");
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	d = ((m.tv_nsec - r.tv_nsec) % 1000000000L + 1000000000L) % 1000000000L;
	printf("GSTEP wall_to_monotonic_nsec~ %ld\n", d);
}

int main(void)
{
	pid_t h, n = -1;
	int fd, have_ns = 0, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED) {
		perror("mmap");
		return 0;
	}
	align_wall_to_monotonic();
	h = fork();
	if (h == 0)
		loop(HOST_MAGIC);
	if (unshare(CLONE_NEWTIME) == 0) {
		fd = open("/proc/self/timens_offsets", O_WRONLY);
		if (fd >= 0) {
			const char *s = "monotonic 86400 0\nboottime 86400 0\n";

			if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
				perror("timens_offsets");
			close(fd);
		}
		n = fork();
		if (n == 0)
			loop(NS_MAGIC);
		have_ns = 1;
	}
	for (i = 0; i < 1000 && !(stop[1] && (!have_ns || stop[2])); i++)
		usleep(10000);
	printf("GSTEP READY stop=%p ns=%d\n", (void *)stop, have_ns);
	waitpid(h, NULL, 0);
	if (n > 0)
		waitpid(n, NULL, 0);
	printf("GSTEP DONE %s\n", stop[0] ? "stopped-by-gdb" : "deadline");
	return 0;
}
