// SPDX-License-Identifier: GPL-2.0
/*
 * migrant: the process that the two-host restore of tests/migrate moves
 * from one guest to the next (issue 14). Built statically on the host.
 *
 *   migrant OUTFILE STOPFILE ARM
 *	become a session leader, arm three timers with absolute expiries
 *	ARM seconds ahead, then every 50 ms append one sample to OUTFILE
 *	until STOPFILE exists (exit 0) or 15 minutes have passed (exit 1)
 *
 * OUTFILE gets, one per line, in seconds:
 *   A <timer> <expiry>          a timer armed (its clock, absolute)
 *   S <mono vdso> <boot vdso> <mono syscall> <boot syscall> <realtime>
 *   F <timer> <clock when seen> a timer seen expired
 * The timers: a timerfd on CLOCK_MONOTONIC and one on CLOCK_BOOTTIME (both
 * TFD_TIMER_ABSTIME), and a POSIX timer on CLOCK_MONOTONIC (TIMER_ABSTIME,
 * SIGEV_NONE: timer_gettime() shows it expired). The clocks are read through
 * the C library (the vDSO) and through the system call; CLOCK_REALTIME,
 * which no time namespace shifts, dates a sample across the guests.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static double sec(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return sec(&ts);
}

static __attribute__((format(printf, 2, 3))) void out(int fd, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(fd, buf, n) != n)
		exit(2);
}

static struct timespec ahead(clockid_t clk, long s)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_sec += s;
	return ts;
}

int main(int argc, char **argv)
{
	struct itimerspec its = { 0 }, cur;
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	int fd, tm, tb, seen[3] = { 0 }, i;
	struct timespec vm, vb, sm, sb, r;
	timer_t pt;
	long arm;

	if (argc != 4) {
		fprintf(stderr, "usage: migrant OUTFILE STOPFILE ARM\n");
		return 2;
	}
	arm = atol(argv[3]);
	fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	setsid();

	tm = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	tb = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
	if (tm < 0 || tb < 0 || timer_create(CLOCK_MONOTONIC, &sev, &pt)) {
		perror("timerfd_create/timer_create");
		return 2;
	}
	its.it_value = ahead(CLOCK_MONOTONIC, arm);
	if (timerfd_settime(tm, TFD_TIMER_ABSTIME, &its, NULL))
		return 2;
	out(fd, "A tfd_monotonic %.6f\n", sec(&its.it_value));
	if (timer_settime(pt, TIMER_ABSTIME, &its, NULL))
		return 2;
	out(fd, "A posix_monotonic %.6f\n", sec(&its.it_value));
	its.it_value = ahead(CLOCK_BOOTTIME, arm);
	if (timerfd_settime(tb, TFD_TIMER_ABSTIME, &its, NULL))
		return 2;
	out(fd, "A tfd_boottime %.6f\n", sec(&its.it_value));

	for (i = 0; i < 15 * 60 * 20; i++) {
		unsigned long long n;

		clock_gettime(CLOCK_MONOTONIC, &vm);
		clock_gettime(CLOCK_BOOTTIME, &vb);
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &sm);
		syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &sb);
		clock_gettime(CLOCK_REALTIME, &r);
		out(fd, "S %.6f %.6f %.6f %.6f %.6f\n",
		    sec(&vm), sec(&vb), sec(&sm), sec(&sb), sec(&r));
		if (!seen[0] && read(tm, &n, sizeof(n)) == sizeof(n)) {
			seen[0] = 1;
			out(fd, "F tfd_monotonic %.6f\n", now(CLOCK_MONOTONIC));
		}
		if (!seen[1] && read(tb, &n, sizeof(n)) == sizeof(n)) {
			seen[1] = 1;
			out(fd, "F tfd_boottime %.6f\n", now(CLOCK_BOOTTIME));
		}
		if (!seen[2] && !timer_gettime(pt, &cur) &&
		    !cur.it_value.tv_sec && !cur.it_value.tv_nsec) {
			seen[2] = 1;
			out(fd, "F posix_monotonic %.6f\n", now(CLOCK_MONOTONIC));
		}
		if (!access(argv[2], F_OK))
			return 0;
		usleep(50000);
	}
	return 1;
}
