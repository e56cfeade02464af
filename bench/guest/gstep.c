// SPDX-License-Identifier: GPL-2.0
/*
 * gstep: the guest side of part e of bench/guest.sh. Loopers call
 * syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, MAGIC) until a flag in a
 * shared page is set (gdb writes it through QEMU's gdbstub when it is done
 * single-stepping) or a deadline passes. clock_gettime ignores the third
 * argument; at entry_SYSCALL_64 it is in %rdx, so gdb can pick the task and
 * the phase by a breakpoint condition. Run first in its boot: before it, no
 * time namespace other than the initial one has ever existed.
 *
 *  phase 1, only zero-offset namespaces: a time namespace whose offsets are
 *     never written with a task in it (the zero looper, MAGIC 0x7414), and
 *     no namespace with offsets; the host looper (outside any time
 *     namespace) passes MAGIC 0x7413. Without time namespaces (base) the
 *     host looper alone.
 *  phase 2, when gdb sets page[4]: a time namespace with nonzero offsets
 *     and a task in it (MAGIC 0x7412); once that one loops, the host looper
 *     passes MAGIC 0x7411 and the zero looper exits.
 *  phase 3, when gdb sets page[7]: a task outside any namespace calls
 *     setns() into the namespace with offsets (MAGIC 0x7415 in %rdx, which
 *     setns() ignores too) and back to the initial one (0x7416), then into
 *     a UTS namespace of its own and back (0x7417, 0x7418), without a clock
 *     read in between, as part b's round trips.
 *
 * First CLOCK_REALTIME is set so that the nanoseconds of wall_to_monotonic
 * are about zero (a few microseconds): ktime_get_ts64() then never runs its
 * normalisation loop (timespec64_add_ns of the realtime fraction plus those
 * nanoseconds), so every sample takes the same path in every kernel.
 * Prints "GSTEP READY stop=0x<addr> ns=<0|1> zero=<0|1>" once phase 1
 * loops, "GSTEP PHASE2 ns=<0|1>" once phase 2 does and "GSTEP DONE <how>"
 * at the end.
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
#define HOST_MAGIC 0x7411L	/* host looper, phase 2 */
#define NS_MAGIC 0x7412L	/* looper in the namespace with offsets, phase 2 */
#define HOST_ZERO_MAGIC 0x7413L	/* host looper, phase 1 */
#define ZERO_MAGIC 0x7414L	/* looper in the zero-offset namespace */
#define SETNS_IN_MAGIC 0x7415L	/* phase 3: setns() into the namespace with offsets */
#define SETNS_OUT_MAGIC 0x7416L	/* ... and back to the initial one */
#define UTS_IN_MAGIC 0x7417L	/* setns() into a UTS namespace */
#define UTS_OUT_MAGIC 0x7418L	/* ... and back */
#define DEADLINE_S 100

/*
 * The shared page: [0] stop (gdb), [1] host looper started, [2] ns looper
 * started, [3] a deadline passed, [4] phase 2 wanted (gdb), [5] zero looper
 * started, [6] phase 2 loops (the host looper switches its magic), [7]
 * phase 3 wanted (gdb), [8] the setns looper started.
 */
static volatile int *stop;

static void loop(long magic)
{
	struct timespec ts, t0;
	unsigned long i = 0;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t0, 0L);
	stop[magic == NS_MAGIC ? 2 : magic == ZERO_MAGIC ? 5 : 1] = 1;
	while (!stop[0]) {
		long m = magic;

		if (magic == HOST_MAGIC)
			m = stop[6] ? HOST_MAGIC : HOST_ZERO_MAGIC;
		else if (magic == ZERO_MAGIC && stop[6])
			break;
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, m);
		if ((++i & 1023) == 0 && ts.tv_sec - t0.tv_sec > DEADLINE_S) {
			stop[3] = 1;
			break;
		}
	}
	_exit(0);
}

/* phase 3: setns() round trips, the time namespace of task @ns and a UTS one */
static void setns_loop(pid_t ns, int hostfd)
{
	int nsfd, utsh, utsn = -1, p[2];
	unsigned long i = 0;
	char path[64];
	pid_t u;
	time_t t0 = time(NULL);

	/* born in the namespace for children of gstep, i.e. the one of @ns */
	if (setns(hostfd, CLONE_NEWTIME))
		perror("setns");
	snprintf(path, sizeof(path), "/proc/%d/ns/time", (int)ns);
	nsfd = open(path, O_RDONLY);
	utsh = open("/proc/self/ns/uts", O_RDONLY);
	if (pipe(p))
		_exit(1);
	u = fork();
	if (u == 0) {
		if (unshare(CLONE_NEWUTS))
			perror("unshare uts");
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		/* hold the UTS namespace until the looper is done */
		while (!stop[0] && !stop[3])
			usleep(10000);
		_exit(0);
	}
	close(p[1]);
	if (u > 0) {
		char c;

		if (read(p[0], &c, 1) == 1) {
			snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)u);
			utsn = open(path, O_RDONLY);
		}
	}
	if (nsfd < 0 || utsh < 0 || utsn < 0) {
		printf("GSTEP setns looper: cannot open the namespaces (%d %d %d)\n",
		       nsfd, utsh, utsn);
		_exit(1);
	}
	stop[8] = 1;
	while (!stop[0]) {
		syscall(SYS_setns, nsfd, CLONE_NEWTIME, SETNS_IN_MAGIC);
		syscall(SYS_setns, hostfd, CLONE_NEWTIME, SETNS_OUT_MAGIC);
		syscall(SYS_setns, utsn, CLONE_NEWUTS, UTS_IN_MAGIC);
		syscall(SYS_setns, utsh, CLONE_NEWUTS, UTS_OUT_MAGIC);
		if ((++i & 1023) == 0 && time(NULL) - t0 > DEADLINE_S) {
			stop[3] = 1;
			break;
		}
	}
	if (u > 0)
		waitpid(u, NULL, 0);
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

/* wait (10 ms steps, at most 10 s) until page[idx] is set or a looper gave up */
static void wait_flag(int idx)
{
	int i;

	for (i = 0; i < 1000 && !stop[idx] && !stop[0] && !stop[3]; i++)
		usleep(10000);
}

int main(void)
{
	pid_t h, n = -1, z = -1, s = -1;
	int fd, hostfd, have_ns = 0, have_zero = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED) {
		perror("mmap");
		return 0;
	}
	align_wall_to_monotonic();
	hostfd = open("/proc/self/ns/time", O_RDONLY);
	h = fork();
	if (h == 0)
		loop(HOST_MAGIC);
	/* phase 1: a zero-offset namespace (offsets never written) with a task in it */
	if (unshare(CLONE_NEWTIME) == 0) {
		z = fork();
		if (z == 0)
			loop(ZERO_MAGIC);
		have_zero = 1;
		/* the next namespace takes its offsets from the host's */
		if (setns(hostfd, CLONE_NEWTIME))
			perror("setns");
	}
	wait_flag(1);
	if (have_zero)
		wait_flag(5);
	printf("GSTEP READY stop=%p ns=%d zero=%d\n", (void *)stop, have_zero, have_zero);
	/* gdb steps phase 1, then sets page[4]: no deadline here but the loopers' */
	while (!stop[4] && !stop[0] && !stop[3])
		usleep(10000);
	/* phase 2: a namespace with nonzero offsets and a task in it */
	if (have_zero && unshare(CLONE_NEWTIME) == 0) {
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
		wait_flag(2);
	}
	stop[6] = 1;
	printf("GSTEP PHASE2 ns=%d\n", have_ns);
	/* phase 3 (gdb sets page[7]): the setns() round trips */
	while (have_ns && !stop[7] && !stop[0] && !stop[3])
		usleep(10000);
	if (have_ns && stop[7] && !stop[0]) {
		s = fork();
		if (s == 0)
			setns_loop(n, hostfd);
		wait_flag(8);
		printf("GSTEP PHASE3 setns=%d\n", stop[8]);
	}
	waitpid(h, NULL, 0);
	if (z > 0)
		waitpid(z, NULL, 0);
	if (n > 0)
		waitpid(n, NULL, 0);
	if (s > 0)
		waitpid(s, NULL, 0);
	printf("GSTEP DONE %s\n", stop[0] ? "stopped-by-gdb" : "deadline");
	return 0;
}
