// SPDX-License-Identifier: GPL-2.0
/*
 * timens_races - races around time namespaces, each looped a bounded
 * number of times within a time budget, one or more KTAP cases each:
 *
 * 1. race_offsets_write_vs_first_entry: a process U unshares a time
 *    namespace; then, at the same moment, one task writes both offsets to
 *    /proc/U/timens_offsets (another process, or a thread of U) while
 *    another one enters the namespace as its first task (a child forked by
 *    U, a vfork() child of U that execs, or a third process that setns()
 *    to /proc/U/ns/time_for_children). Either the write came first and the
 *    task in the namespace sees host + offsets on both clocks, or the write
 *    failed with EACCES and it sees the host clocks: never one offset
 *    without the other, never a clock that disagrees with the file. The
 *    delays of both sides adapt so that both outcomes keep occurring.
 *
 * 2. Tasks in namespaces A and B (with offsets) read their clocks through
 *    the vDSO in a loop, one of them with two threads, while "switcher"
 *    processes setns() in and out of A, B and the initial namespace (by
 *    path and by pidfd), fork, exec this program (also after unshare(),
 *    which makes the execve() switch namespace, and with vfork()), and
 *    try setns() while multi-threaded (EUSERS), and while a forker process
 *    in A forks children that the switchers' setns() into A races with.
 *    race_ns_readers_stable: every read of every reader is host + the
 *    offsets of its own namespace. race_setns_exec_switchers: after each
 *    step a switcher and its children are where the model says, with the
 *    clocks of that namespace. race_fork_vs_setns: every child of the
 *    forker is in A with A's clocks.
 *
 * 3. race_teardown_vs_proc_readers: two readers open and read
 *    /proc/C/timens_offsets (freshly and through a file opened before),
 *    readlink, stat and open /proc/C/ns/time and time_for_children and
 *    setns() into what they opened, and write C's own offsets back, while
 *    C exits: by exit(), by SIGKILL, with its thread group leader exiting
 *    first, during an execve() that switches its namespace, or as a
 *    clone3(CLONE_NEWTIME) child. Each result must be the right content
 *    (the exact offsets, a namespace C was or is in) or ESRCH or ENOENT
 *    (EACCES for the ns links in the moment after C is reaped, as procfs
 *    returns for any task); after setns() the reader's clocks must be
 *    those of the namespace it entered.
 *
 * Host clocks are taken as in fuzz_sequence.c: CLOCK_REALTIME is not
 * virtualized and the main process, which stays in the initial namespace,
 * publishes D = clk - REALTIME; a reader elsewhere reads REALTIME, the
 * clock and REALTIME again, so the offset of its namespace must lie in
 * [v - (r2 + D), v - (r1 + D)], within the calibration error and 1 ms.
 *
 * Usage: timens_races [-t SECONDS] [-n ITERATIONS], or TIMENS_RACES_BUDGET
 * and TIMENS_RACES_ITERS. Defaults: 24 s in all, at most 300 iterations
 * per race (switcher steps in race 2). Needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/sched.h>

#include "kselftest.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME		0x00000080
#endif

typedef int64_t s64;
typedef uint64_t u64;

#define NSEC_PER_SEC		1000000000LL
#define NSEC_PER_MSEC		1000000LL
#define NSEC_PER_USEC		1000LL
#define TOL_NS			(1 * NSEC_PER_MSEC)
#define WAIT_TIMEOUT_NS		(20 * NSEC_PER_SEC)
#define MAX_FAIL_MSGS		40
#define DEF_BUDGET_S		24.0
#define DEF_ITERS		300
#define NR_SWITCHERS		2
#define NR_READERS		3
#define NR_TD_READERS		2
#define NR_SLOTS		8

enum { CK_MONO, CK_BOOT, NR_CK };

static const clockid_t ck_id[NR_CK] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME };
static const char * const ck_name[NR_CK] = { "MONOTONIC", "BOOTTIME" };

struct calib {
	unsigned int	seq;
	s64		d[NR_CK];
	s64		err[NR_CK];
};

/* The offset of the reader's namespace lies in [lo, hi], see measure(). */
struct dev {
	s64	lo, hi;
};

/* What a re-executed measurer found. */
struct meas {
	u64		cur, cfc;
	struct dev	d[NR_CK];
	int		done;
};

enum {
	/* Race 1 */
	R1_ITERS, R1_WRITE_FIRST, R1_ENTER_FIRST, R1_BAD,
	/* Race 2 */
	R2_READS, R2_READS_BAD, R2_STEPS, R2_STEPS_BAD, R2_FORKS, R2_FORKS_BAD,
	R2_EXECS, R2_EUSERS,
	/* Race 3 */
	R3_ITERS, R3_OPS, R3_CONTENT, R3_ESRCH, R3_ENOENT, R3_EACCES,
	R3_SETNS, R3_WRITE_OK, R3_BAD,
	NR_ST
};

struct race1 {
	int		go, finish;
	int		u_ready, w_ready, e_ready, u_done;
	s64		delay_w, delay_e;
	int		method, writer;
	s64		mono, boot;
	char		buf[96];
	int		len;
	ssize_t		wret;
	int		werr;
	u64		cfc, entrant;
	struct dev	d[NR_CK];
	int		measured;
	int		rb_err;
	s64		rb_mono, rb_boot;
};

struct race3 {
	int		gen, go, reaped;
	int		ready;
	int		rdone[NR_TD_READERS];
	int		quit;
	pid_t		pid;
	int		variant;
	u64		cur[2];
	int		ncur;
	u64		cfc;
	s64		mono, boot;
	int		entered;
	char		want[96];
};

struct shared {
	struct calib	cal;
	int		nfail;
	u64		init_ino;
	pid_t		main_pid;
	int		stop;
	u64		st[NR_ST];
	struct meas	meas[NR_SLOTS];
	struct race1	r1;
	struct race3	r3;
	u64		ns_a, ns_b;
	s64		a_mono, a_boot, b_mono, b_boot;
	pid_t		ha, hb, forker, reader[NR_READERS];
	int		r2_ready;
	int		sw_done[NR_SWITCHERS];
};

static struct shared *sh;
static int memfd = -1;
static u64 rng;
static const char *ctx = "main";

static s64 ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static struct timespec ns_ts(s64 ns)
{
	struct timespec ts = {
		.tv_sec		= ns / NSEC_PER_SEC,
		.tv_nsec	= ns % NSEC_PER_SEC,
	};

	if (ts.tv_nsec < 0) {
		ts.tv_nsec += NSEC_PER_SEC;
		ts.tv_sec--;
	}
	return ts;
}

static s64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void rnd_seed(u64 seed)
{
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	rng = (seed ^ (seed >> 31)) | 1;
}

static void st_inc(int c)
{
	__atomic_fetch_add(&sh->st[c], 1, __ATOMIC_RELAXED);
}

static u64 st_get(int c)
{
	return __atomic_load_n(&sh->st[c], __ATOMIC_RELAXED);
}

/* One line per failure, written at once: several processes share stdout. */
static void report_fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (__atomic_fetch_add(&sh->nfail, 1, __ATOMIC_RELAXED) >= MAX_FAIL_MSGS)
		return;
	n = snprintf(buf, sizeof(buf), "# FAIL %s pid %d: ", ctx, getpid());
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDOUT_FILENO, buf, n) < 0)
		return;
}

static u64 ns_ino(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

static u64 fd_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

static void spin_ns(s64 d)
{
	s64 end = now_ns(CLOCK_MONOTONIC) + d;

	while (d > 0 && now_ns(CLOCK_MONOTONIC) < end)
		;
}

/*
 * Wait until *@p reaches @val; false after WAIT_TIMEOUT_NS. Waiters sleep
 * in the futex rather than spin, which would starve the tasks they wait
 * for on a guest with two CPUs; the races themselves are timed by
 * spin_ns() after the wake-up.
 */
static bool wait_for(int *p, int val)
{
	s64 end = now_ns(CLOCK_REALTIME) + WAIT_TIMEOUT_NS;
	struct timespec tmo = { .tv_nsec = 100 * NSEC_PER_MSEC };
	int v;

	while ((v = __atomic_load_n(p, __ATOMIC_ACQUIRE)) < val) {
		if (now_ns(CLOCK_REALTIME) > end)
			return false;
		syscall(SYS_futex, p, FUTEX_WAIT, v, &tmo, NULL, 0);
	}
	return true;
}

static void set_flag(int *p, int val)
{
	__atomic_store_n(p, val, __ATOMIC_RELEASE);
	syscall(SYS_futex, p, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

static void inc_flag(int *p)
{
	__atomic_add_fetch(p, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, p, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

/* ---- Host clocks ---- */

static void cal_get(struct calib *c)
{
	unsigned int s;

	for (;;) {
		s = __atomic_load_n(&sh->cal.seq, __ATOMIC_ACQUIRE);
		if (s & 1) {
			sched_yield();
			continue;
		}
		memcpy(c, &sh->cal, sizeof(*c));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&sh->cal.seq, __ATOMIC_RELAXED) == s)
			return;
	}
}

/* In the main process only, which stays in the initial namespace. */
static void calibrate(void)
{
	struct timespec a, v, b;
	s64 w, best, d = 0;
	struct calib c;
	int i, k;

	for (i = 0; i < NR_CK; i++) {
		best = INT64_MAX;
		for (k = 0; k < 5; k++) {
			clock_gettime(CLOCK_REALTIME, &a);
			clock_gettime(ck_id[i], &v);
			clock_gettime(CLOCK_REALTIME, &b);
			w = ts_ns(&b) - ts_ns(&a);
			if (w < best) {
				best = w;
				d = ts_ns(&v) - ts_ns(&a) - w / 2;
			}
		}
		c.d[i] = d;
		c.err[i] = best / 2 + 1;
	}
	__atomic_store_n(&sh->cal.seq, sh->cal.seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(sh->cal.d, c.d, sizeof(c.d));
	memcpy(sh->cal.err, c.err, sizeof(c.err));
	__atomic_store_n(&sh->cal.seq, sh->cal.seq + 1, __ATOMIC_RELEASE);
}

/* The range the offset of the caller's namespace for @ck must lie in. */
static struct dev measure(int ck, bool sys)
{
	struct timespec a, v, b;
	struct calib c;
	struct dev d;

	cal_get(&c);
	clock_gettime(CLOCK_REALTIME, &a);
	if (sys)
		syscall(SYS_clock_gettime, ck_id[ck], &v);
	else
		clock_gettime(ck_id[ck], &v);
	clock_gettime(CLOCK_REALTIME, &b);
	d.lo = ts_ns(&v) - (ts_ns(&b) + c.d[ck]) - c.err[ck];
	d.hi = ts_ns(&v) - (ts_ns(&a) + c.d[ck]) + c.err[ck];
	return d;
}

static bool dev_ok(struct dev d, s64 off)
{
	return off >= d.lo - TOL_NS && off <= d.hi + TOL_NS;
}

/* Read both clocks both ways; the failures are reported as @what. */
static int check_clocks(s64 mono, s64 boot, const char *what)
{
	int ck, sys, bad = 0;
	struct dev d;
	s64 off;

	for (ck = 0; ck < NR_CK; ck++) {
		for (sys = 0; sys < 2; sys++) {
			off = ck == CK_MONO ? mono : boot;
			d = measure(ck, sys);
			if (dev_ok(d, off))
				continue;
			bad++;
			report_fail("%s: %s %s shows offset [%lld, %lld] ns, expected %lld",
				    what, sys ? "syscall" : "vDSO", ck_name[ck],
				    (long long)d.lo, (long long)d.hi,
				    (long long)off);
		}
	}
	return bad;
}

static int check_ident(u64 cur, u64 cfc, const char *what)
{
	u64 a = ns_ino("/proc/self/ns/time");
	u64 b = ns_ino("/proc/self/ns/time_for_children");

	if (a == cur && b == cfc)
		return 0;
	report_fail("%s: in time:[%llu] time_for_children:[%llu], expected time:[%llu] time_for_children:[%llu]",
		    what, (unsigned long long)a, (unsigned long long)b,
		    (unsigned long long)cur, (unsigned long long)cfc);
	return 1;
}

static int fmt_offsets(char *buf, size_t sz, s64 mono, s64 boot)
{
	struct timespec m = ns_ts(mono), b = ns_ts(boot);

	return snprintf(buf, sz, "%-10s %10lld %9ld\n%-10s %10lld %9ld\n",
			"monotonic", (long long)m.tv_sec, m.tv_nsec,
			"boottime", (long long)b.tv_sec, b.tv_nsec);
}

static int offsets_line(char *buf, size_t sz, s64 mono, s64 boot)
{
	struct timespec m = ns_ts(mono), b = ns_ts(boot);

	return snprintf(buf, sz, "%s %lld %ld\n%s %lld %ld\n",
			rnd_below(2) ? "monotonic" : "1", (long long)m.tv_sec,
			m.tv_nsec, rnd_below(2) ? "boottime" : "7",
			(long long)b.tv_sec, b.tv_nsec);
}

static int write_offsets(const char *path, s64 mono, s64 boot)
{
	char buf[96];
	int fd, len, ret = 0;

	len = offsets_line(buf, sizeof(buf), mono, boot);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* Parse an offsets file exactly as the kernel prints it. */
static int parse_offsets(const char *buf, s64 *mono, s64 *boot)
{
	char n1[16], n2[16], want[96];
	long long s1, s2;
	long ns1, ns2;

	if (sscanf(buf, "%15s %lld %ld %15s %lld %ld", n1, &s1, &ns1, n2, &s2,
		   &ns2) != 6)
		return -EBADMSG;
	*mono = s1 * NSEC_PER_SEC + ns1;
	*boot = s2 * NSEC_PER_SEC + ns2;
	fmt_offsets(want, sizeof(want), *mono, *boot);
	return strcmp(buf, want) ? -EBADMSG : 0;
}

static int read_offsets(const char *path, s64 *mono, s64 *boot)
{
	char buf[128];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = 0;
	return parse_offsets(buf, mono, boot);
}

static s64 rnd_offset(void)
{
	return (s64)(100 + rnd_below(1000000)) * NSEC_PER_SEC +
	       rnd_below(NSEC_PER_SEC);
}

/* ---- Re-executed modes ---- */

static void map_shared(int fd)
{
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED)
		_exit(125);
}

/* "--measure MEMFD SLOT": where am I, and what do my clocks say. */
static int measure_main(int argc, char *argv[])
{
	struct meas *m;
	int ck;

	if (argc != 4)
		return 126;
	map_shared(atoi(argv[2]));
	m = &sh->meas[atoi(argv[3]) % NR_SLOTS];
	m->cur = ns_ino("/proc/self/ns/time");
	m->cfc = ns_ino("/proc/self/ns/time_for_children");
	for (ck = 0; ck < NR_CK; ck++)
		m->d[ck] = measure(ck, false);
	set_flag(&m->done, 1);
	return 0;
}

static void measure_argv(char *argv[], char store[][16], int slot)
{
	snprintf(store[0], 16, "%d", memfd);
	snprintf(store[1], 16, "%d", slot);
	argv[0] = "timens_races";
	argv[1] = "--measure";
	argv[2] = store[0];
	argv[3] = store[1];
	argv[4] = NULL;
}

/* ---- Race 1: offsets write against the first task entering ---- */

enum { E_FORK, E_VFORK_EXEC, E_SETNS, NR_E };
enum { W_PROC, W_THREAD, NR_W };

static const char * const e_name[NR_E] = { "fork", "vfork+execve", "setns" };
static const char * const w_name[NR_W] = { "process", "thread" };

static void r1_write(int fd)
{
	struct race1 *r = &sh->r1;

	spin_ns(r->delay_w);
	r->wret = write(fd, r->buf, r->len);
	r->werr = r->wret < 0 ? errno : 0;
}

static void *r1_writer_thread(void *arg)
{
	struct race1 *r = &sh->r1;

	if (wait_for(&r->go, 1))
		r1_write(*(int *)arg);
	return NULL;
}

static void r1_measure_here(void)
{
	struct race1 *r = &sh->r1;
	int ck;

	for (ck = 0; ck < NR_CK; ck++)
		r->d[ck] = measure(ck, rnd_below(2));
	r->entrant = ns_ino("/proc/self/ns/time");
	set_flag(&r->measured, 1);
}

static void r1_unsharer(void)
{
	struct race1 *r = &sh->r1;
	char *argv[5], store[2][16];
	pthread_t thr;
	int fd = -1, status;
	pid_t pid;

	ctx = "race1 unsharer";
	if (unshare(CLONE_NEWTIME))
		_exit(2);
	r->cfc = ns_ino("/proc/self/ns/time_for_children");
	if (r->writer == W_THREAD) {
		fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || pthread_create(&thr, NULL, r1_writer_thread, &fd))
			_exit(3);
	}
	measure_argv(argv, store, 0);
	set_flag(&r->u_ready, 1);
	if (!wait_for(&r->go, 1))
		_exit(4);
	if (r->method != E_SETNS)
		spin_ns(r->delay_e);
	if (r->method == E_FORK) {
		pid = fork();
		if (pid == 0) {
			r1_measure_here();
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
	} else if (r->method == E_VFORK_EXEC) {
		pid = vfork();
		if (pid == 0) {
			execve("/proc/self/exe", argv, environ);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
	}
	if (r->writer == W_THREAD)
		pthread_join(thr, NULL);
	set_flag(&r->u_done, 1);
	if (!wait_for(&r->finish, 1))
		_exit(5);
	r->rb_err = read_offsets("/proc/self/timens_offsets", &r->rb_mono,
				 &r->rb_boot);
	_exit(0);
}

static pid_t r1_fork_writer(pid_t u)
{
	struct race1 *r = &sh->r1;
	char path[64];
	pid_t pid;
	int fd;

	pid = fork();
	if (pid)
		return pid;
	ctx = "race1 writer";
	if (!wait_for(&r->u_ready, 1))
		_exit(4);
	snprintf(path, sizeof(path), "/proc/%d/timens_offsets", u);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(3);
	set_flag(&r->w_ready, 1);
	if (!wait_for(&r->go, 1))
		_exit(4);
	r1_write(fd);
	_exit(0);
}

static pid_t r1_fork_setns_entrant(pid_t u)
{
	struct race1 *r = &sh->r1;
	char path[64];
	pid_t pid;
	int fd;

	pid = fork();
	if (pid)
		return pid;
	ctx = "race1 setns entrant";
	if (!wait_for(&r->u_ready, 1))
		_exit(4);
	snprintf(path, sizeof(path), "/proc/%d/ns/time_for_children", u);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(3);
	set_flag(&r->e_ready, 1);
	if (!wait_for(&r->go, 1))
		_exit(4);
	spin_ns(r->delay_e);
	if (setns(fd, CLONE_NEWTIME))
		_exit(6);
	r1_measure_here();
	_exit(0);
}

static bool r1_reap(pid_t pid, const char *who)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		report_fail("race1: %s ended with status 0x%x", who, status);
		return false;
	}
	return true;
}

static int r1_iteration(int it, s64 *bias, s64 *step, int *streak,
			int *last)
{
	struct race1 *r = &sh->r1;
	pid_t u, w = 0, e = 0;
	int ok = 1, won, ck;
	s64 jit, off[NR_CK];

	memset(r, 0, sizeof(*r));
	r->method = it % NR_E;
	r->writer = (it / NR_E) % NR_W;
	r->mono = rnd_offset();
	r->boot = rnd_offset();
	r->len = offsets_line(r->buf, sizeof(r->buf), r->mono, r->boot);
	jit = (s64)rnd_below(2 * *step + 1) - *step;
	r->delay_w = *bias + jit > 0 ? *bias + jit : 0;
	r->delay_e = -(*bias + jit) > 0 ? -(*bias + jit) : 0;
	memset(&sh->meas[0], 0, sizeof(sh->meas[0]));

	u = fork();
	if (u < 0)
		return 0;
	if (u == 0)
		r1_unsharer();
	if (r->writer == W_PROC)
		w = r1_fork_writer(u);
	if (r->method == E_SETNS)
		e = r1_fork_setns_entrant(u);

	if (!wait_for(&r->u_ready, 1) ||
	    (w && !wait_for(&r->w_ready, 1)) ||
	    (e && !wait_for(&r->e_ready, 1))) {
		report_fail("race1: a participant did not get ready");
		ok = 0;
	}
	set_flag(&r->go, 1);
	if (w && !r1_reap(w, "writer"))
		ok = 0;
	if (e && !r1_reap(e, "setns entrant"))
		ok = 0;
	if (!wait_for(&r->u_done, 1)) {
		report_fail("race1: unsharer hangs");
		ok = 0;
	}
	set_flag(&r->finish, 1);
	if (!r1_reap(u, "unsharer"))
		ok = 0;
	if (!ok)
		return -1;

	if (r->method == E_VFORK_EXEC) {
		struct meas *m = &sh->meas[0];

		if (!m->done) {
			report_fail("race1: the execve()d task did not measure");
			return -1;
		}
		r->entrant = m->cur;
		for (ck = 0; ck < NR_CK; ck++)
			r->d[ck] = m->d[ck];
		r->measured = 1;
	}

	won = r->wret == r->len;
	if (!won && r->werr != EACCES) {
		report_fail("race1 (%s, %s writer): write(\"%.*s\") = %zd (%s), expected success or EACCES",
			    e_name[r->method], w_name[r->writer], r->len - 1,
			    r->buf, r->wret, strerror(r->werr));
		return -1;
	}
	off[CK_MONO] = won ? r->mono : 0;
	off[CK_BOOT] = won ? r->boot : 0;
	if (!r->measured || r->entrant != r->cfc) {
		report_fail("race1 (%s): the first task is in time:[%llu], the namespace is time:[%llu]",
			    e_name[r->method], (unsigned long long)r->entrant,
			    (unsigned long long)r->cfc);
		ok = 0;
	}
	for (ck = 0; ck < NR_CK; ck++) {
		if (dev_ok(r->d[ck], off[ck]))
			continue;
		report_fail("race1 (%s, %s writer, write %s): %s offset seen [%lld, %lld] ns, expected %lld (other clock: %s)",
			    e_name[r->method], w_name[r->writer],
			    won ? "succeeded" : "EACCES", ck_name[ck],
			    (long long)r->d[ck].lo, (long long)r->d[ck].hi,
			    (long long)off[ck],
			    dev_ok(r->d[!ck], off[!ck]) ? "right: a half state" :
			    "wrong too");
		ok = 0;
	}
	if (r->rb_err || r->rb_mono != off[CK_MONO] || r->rb_boot != off[CK_BOOT]) {
		report_fail("race1 (%s): timens_offsets reads %lld/%lld ns (%s), expected %lld/%lld",
			    e_name[r->method], (long long)r->rb_mono,
			    (long long)r->rb_boot, strerror(-r->rb_err),
			    (long long)off[CK_MONO], (long long)off[CK_BOOT]);
		ok = 0;
	}

	st_inc(won ? R1_WRITE_FIRST : R1_ENTER_FIRST);
	/*
	 * Keep both outcomes coming: a writer that won waits longer next
	 * time, one that lost less; the step shrinks on a change of outcome.
	 */
	if (won == *last) {
		if (++*streak >= 3 && *step < 20 * NSEC_PER_MSEC)
			*step *= 2;
	} else {
		*streak = 0;
		if (*step > 10 * NSEC_PER_USEC)
			*step /= 2;
	}
	*last = won;
	*bias += won ? *step : -*step;
	return ok;
}

static void run_race1(int iters, s64 deadline)
{
	s64 bias = 0, step = 200 * NSEC_PER_USEC;
	int it, streak = 0, last = -1, ret;

	ctx = "race1";
	for (it = 0; it < iters && now_ns(CLOCK_REALTIME) < deadline; it++) {
		calibrate();
		ret = r1_iteration(it, &bias, &step, &streak, &last);
		st_inc(R1_ITERS);
		if (ret <= 0)
			st_inc(R1_BAD);
		if (ret < 0 && st_get(R1_BAD) > 20)
			break;
	}
	ksft_print_msg("race1: %llu iterations (of %d): write first %llu, entry first %llu; final writer bias %lld us\n",
		       (unsigned long long)st_get(R1_ITERS), iters,
		       (unsigned long long)st_get(R1_WRITE_FIRST),
		       (unsigned long long)st_get(R1_ENTER_FIRST),
		       (long long)(bias / NSEC_PER_USEC));
}

/* ---- Race 2: setns(), execve() and fork() against readers ---- */

static void holder_loop(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != sh->main_pid)
		_exit(0);
	for (;;)
		pause();
}

static void *reader_thread(void *arg)
{
	int i = (long)arg;
	s64 mono = i == 1 ? sh->b_mono : sh->a_mono;
	s64 boot = i == 1 ? sh->b_boot : sh->a_boot;
	s64 burst = now_ns(CLOCK_REALTIME);
	unsigned int n = 0;
	int bad;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		struct dev d = measure(n % 2 ? CK_BOOT : CK_MONO, n % 16 == 15);

		/*
		 * Counted in batches: one shared counter for all readers. And
		 * read in bursts of 1 ms every 8 ms, so that the switchers get
		 * the CPUs too.
		 */
		if (n % 256 == 255)
			__atomic_fetch_add(&sh->st[R2_READS], 256, __ATOMIC_RELAXED);
		if (n % 8 == 7 && now_ns(CLOCK_REALTIME) - burst > NSEC_PER_MSEC) {
			usleep(7000);
			burst = now_ns(CLOCK_REALTIME);
		}
		bad = !dev_ok(d, n % 2 ? boot : mono);
		if (bad) {
			st_inc(R2_READS_BAD);
			report_fail("race2 reader %d: %s offset [%lld, %lld] ns, expected %lld",
				    i, ck_name[n % 2], (long long)d.lo,
				    (long long)d.hi,
				    (long long)(n % 2 ? boot : mono));
		}
		n++;
	}
	__atomic_fetch_add(&sh->st[R2_READS], n % 256, __ATOMIC_RELAXED);
	return NULL;
}

/* Readers 0 and 2 in A (0 with two threads), reader 1 in B. */
static pid_t fork_reader(int i)
{
	char path[64];
	pthread_t thr;
	pid_t pid;
	int fd;

	pid = fork();
	if (pid)
		return pid;
	ctx = "race2 reader";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(path, sizeof(path), "/proc/%d/ns/time", i == 1 ? sh->hb : sh->ha);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME))
		_exit(3);
	close(fd);
	if (check_ident(i == 1 ? sh->ns_b : sh->ns_a, i == 1 ? sh->ns_b : sh->ns_a,
			"race2 reader"))
		st_inc(R2_READS_BAD);
	inc_flag(&sh->r2_ready);
	if (i == 0 && pthread_create(&thr, NULL, reader_thread, (void *)(long)i))
		_exit(4);
	reader_thread((void *)(long)i);
	if (i == 0)
		pthread_join(thr, NULL);
	_exit(0);
}

static pid_t fork_forker(void)
{
	int pidfd, status;
	pid_t pid, c;
	s64 t;

	pid = fork();
	if (pid)
		return pid;
	ctx = "race2 forker";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pidfd = syscall(SYS_pidfd_open, sh->ha, 0);
	if (pidfd < 0 || setns(pidfd, CLONE_NEWTIME))
		_exit(3);
	close(pidfd);
	inc_flag(&sh->r2_ready);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		t = now_ns(CLOCK_MONOTONIC);
		c = fork();
		if (c == 0) {
			int bad = check_ident(sh->ns_a, sh->ns_a, "race2 forker's child");

			bad += check_clocks(sh->a_mono, sh->a_boot,
					    "race2 forker's child");
			_exit(bad ? 1 : 0);
		}
		if (c < 0) {
			usleep(1000);
			continue;
		}
		waitpid(c, &status, 0);
		st_inc(R2_FORKS);
		if (status)
			st_inc(R2_FORKS_BAD);
		/* Fork half of the time at most: leave the CPUs to the switchers. */
		t = now_ns(CLOCK_MONOTONIC) - t;
		usleep(t / NSEC_PER_USEC + 1000);
	}
	_exit(0);
}

struct sw_model {
	u64	cur, cfc;
	s64	cur_mono, cur_boot, cfc_mono, cfc_boot;
};

static void *eusers_thread(void *arg)
{
	char c;

	if (read(*(int *)arg, &c, 1) < 0)
		return NULL;
	return NULL;
}

/* Run the measurer in a child, which @how puts where: check it is @ino. */
static int sw_exec_child(int slot, bool use_vfork, bool unshare_first,
			 u64 ino, s64 mono, s64 boot, const char *what)
{
	struct meas *m = &sh->meas[slot];
	char *argv[5], store[2][16];
	int status, ck, bad;
	pid_t pid;

	memset(m, 0, sizeof(*m));
	measure_argv(argv, store, slot);
	if (use_vfork) {
		pid = vfork();
		if (pid == 0) {
			execve("/proc/self/exe", argv, environ);
			_exit(127);
		}
	} else {
		pid = fork();
		if (pid == 0) {
			if (unshare_first) {
				if (unshare(CLONE_NEWTIME) ||
				    write_offsets("/proc/self/timens_offsets",
						  mono, boot))
					_exit(3);
			}
			execve("/proc/self/exe", argv, environ);
			_exit(127);
		}
	}
	if (pid < 0)
		return 1;
	waitpid(pid, &status, 0);
	st_inc(R2_EXECS);
	bad = 0;
	if (status || !m->done) {
		report_fail("%s: measurer status 0x%x", what, status);
		return 1;
	}
	if (ino ? m->cur != ino : (m->cur == sh->ns_a || m->cur == sh->ns_b ||
				   m->cur == sh->init_ino)) {
		report_fail("%s: after execve in time:[%llu], expected %s%llu",
			    what, (unsigned long long)m->cur, ino ? "" : "a new one, not ",
			    (unsigned long long)ino);
		bad++;
	}
	if (m->cfc != m->cur) {
		report_fail("%s: after execve time_for_children:[%llu] differs from time:[%llu]",
			    what, (unsigned long long)m->cfc,
			    (unsigned long long)m->cur);
		bad++;
	}
	for (ck = 0; ck < NR_CK; ck++) {
		s64 off = ck == CK_MONO ? mono : boot;

		if (dev_ok(m->d[ck], off))
			continue;
		report_fail("%s: after execve %s offset [%lld, %lld] ns, expected %lld",
			    what, ck_name[ck], (long long)m->d[ck].lo,
			    (long long)m->d[ck].hi, (long long)off);
		bad++;
	}
	return bad;
}

/* Where a setns() target puts us. */
static void sw_target(int t, pid_t *pid, u64 *ino, s64 *mono, s64 *boot)
{
	switch (t) {
	case 0:
		*pid = sh->ha;
		break;
	case 1:
		*pid = sh->hb;
		break;
	case 2:
		*pid = sh->forker;
		break;
	case 3:
		*pid = sh->reader[rnd_below(NR_READERS)];
		break;
	default:
		*pid = sh->main_pid;
		*ino = sh->init_ino;
		*mono = *boot = 0;
		return;
	}
	if (*pid == sh->hb || *pid == sh->reader[1]) {
		*ino = sh->ns_b;
		*mono = sh->b_mono;
		*boot = sh->b_boot;
	} else {
		*ino = sh->ns_a;
		*mono = sh->a_mono;
		*boot = sh->a_boot;
	}
}

static int sw_step(int idx, struct sw_model *m)
{
	int fd, bad = 0, status, p[2];
	char path[64], what[96];
	u64 ino = 0;
	pthread_t thr;
	s64 mono, boot;
	pid_t pid;

	switch (rnd_below(8)) {
	case 0:
	case 1:
		/* setns() by path or by pidfd, then read at once. */
		sw_target(rnd_below(5), &pid, &ino, &mono, &boot);
		if (rnd_below(2)) {
			snprintf(path, sizeof(path), "/proc/%d/ns/time", pid);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			snprintf(what, sizeof(what), "setns(%s)", path);
		} else {
			fd = syscall(SYS_pidfd_open, pid, 0);
			snprintf(what, sizeof(what), "setns(pidfd of %d)", pid);
		}
		if (fd < 0 || setns(fd, CLONE_NEWTIME)) {
			report_fail("switcher %d: %s: %s", idx, what, strerror(errno));
			if (fd >= 0)
				close(fd);
			return 1;
		}
		close(fd);
		m->cur = m->cfc = ino;
		m->cur_mono = m->cfc_mono = mono;
		m->cur_boot = m->cfc_boot = boot;
		bad += check_clocks(mono, boot, what);
		bad += check_ident(ino, ino, what);
		return bad;
	case 2:
		pid = fork();
		if (pid == 0) {
			bad = check_ident(m->cfc, m->cfc, "switcher's child");
			bad += check_clocks(m->cfc_mono, m->cfc_boot, "switcher's child");
			_exit(bad ? 1 : 0);
		}
		if (pid < 0)
			return 1;
		waitpid(pid, &status, 0);
		return status != 0;
	case 3:
		return sw_exec_child(idx + 1, false, false, m->cfc, m->cfc_mono,
				     m->cfc_boot, "switcher fork+execve");
	case 4:
		/* unshare(), set offsets, vfork() and execve() into it. */
		if (unshare(CLONE_NEWTIME)) {
			report_fail("switcher %d: unshare: %s", idx, strerror(errno));
			return 1;
		}
		m->cfc = ns_ino("/proc/self/ns/time_for_children");
		m->cfc_mono = rnd_offset();
		m->cfc_boot = rnd_offset();
		if (write_offsets("/proc/self/timens_offsets", m->cfc_mono,
				  m->cfc_boot)) {
			report_fail("switcher %d: writing the offsets after unshare: %s",
				    idx, strerror(errno));
			return 1;
		}
		bad += sw_exec_child(idx + 1, true, false, m->cfc, m->cfc_mono,
				     m->cfc_boot, "switcher unshare+vfork+execve");
		bad += check_ident(m->cur, m->cfc, "switcher after vfork+execve");
		bad += check_clocks(m->cur_mono, m->cur_boot,
				    "switcher after vfork+execve");
		return bad;
	case 5:
		/* A child unshares, sets offsets and execs: the switch. */
		return sw_exec_child(idx + 1, false, true, 0, rnd_offset(),
				     rnd_offset(), "switcher's child unshare+execve");
	case 6:
		/* Multi-threaded: setns() must refuse. */
		if (pipe(p))
			return 0;
		if (pthread_create(&thr, NULL, eusers_thread, &p[0])) {
			close(p[0]);
			close(p[1]);
			return 0;
		}
		snprintf(path, sizeof(path), "/proc/%d/ns/time", sh->ha);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (setns(fd, CLONE_NEWTIME) == 0 || errno != EUSERS)) {
			report_fail("switcher %d: setns() with two threads: %s, expected EUSERS",
				    idx, strerror(errno));
			bad++;
		}
		if (fd >= 0)
			close(fd);
		close(p[1]);
		pthread_join(thr, NULL);
		close(p[0]);
		st_inc(R2_EUSERS);
		bad += check_ident(m->cur, m->cfc, "switcher after EUSERS");
		return bad;
	default:
		return check_clocks(m->cur_mono, m->cur_boot, "switcher read");
	}
}

static pid_t fork_switcher(int idx, int iters, s64 deadline)
{
	struct sw_model m = { 0 };
	pid_t pid;
	int i;

	pid = fork();
	if (pid)
		return pid;
	ctx = "race2 switcher";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rnd_seed(getpid());
	m.cur = m.cfc = sh->init_ino;
	for (i = 0; i < iters && now_ns(CLOCK_REALTIME) < deadline; i++) {
		st_inc(R2_STEPS);
		if (sw_step(idx, &m))
			st_inc(R2_STEPS_BAD);
	}
	_exit(0);
}

/* A namespace with offsets, held by a child of ours; we stay where we are. */
static pid_t make_holder(s64 mono, s64 boot, u64 *ino)
{
	char path[64];
	pid_t pid;
	int fd;

	fd = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || unshare(CLONE_NEWTIME) ||
	    write_offsets("/proc/self/timens_offsets", mono, boot))
		ksft_exit_fail_msg("race2 setup: %s\n", strerror(errno));
	pid = fork();
	if (pid == 0)
		holder_loop();
	if (pid < 0 || setns(fd, CLONE_NEWTIME))
		ksft_exit_fail_msg("race2 setup: %s\n", strerror(errno));
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/ns/time", pid);
	*ino = ns_ino(path);
	return pid;
}

static void run_race2(int iters, s64 deadline)
{
	pid_t sw[NR_SWITCHERS];
	int i, status, bad = 0;

	ctx = "race2";
	sh->a_mono = rnd_offset();
	sh->a_boot = rnd_offset();
	/* B goes back in time: at most half of the host clock. */
	sh->b_mono = -(s64)(rnd() % (u64)(now_ns(CLOCK_MONOTONIC) / 2));
	sh->b_boot = rnd_offset();
	sh->ha = make_holder(sh->a_mono, sh->a_boot, &sh->ns_a);
	sh->hb = make_holder(sh->b_mono, sh->b_boot, &sh->ns_b);
	if (check_ident(sh->init_ino, sh->init_ino, "race2 main after setup") ||
	    check_clocks(0, 0, "race2 main after setup"))
		bad++;
	sh->stop = 0;
	sh->r2_ready = 0;
	sh->forker = fork_forker();
	for (i = 0; i < NR_READERS; i++)
		sh->reader[i] = fork_reader(i);
	/* The switchers' model has the readers and the forker in place. */
	if (!wait_for(&sh->r2_ready, NR_READERS + 1)) {
		report_fail("race2: readers or forker not in place");
		bad++;
	}
	for (i = 0; i < NR_SWITCHERS; i++)
		sw[i] = fork_switcher(i, iters, deadline);

	for (i = 0; i < NR_SWITCHERS; i++) {
		while (waitpid(sw[i], &status, WNOHANG) == 0) {
			usleep(50000);
			calibrate();
			if (now_ns(CLOCK_REALTIME) > deadline + 30 * NSEC_PER_SEC) {
				report_fail("race2: switcher %d hangs: killed", i);
				kill(sw[i], SIGKILL);
			}
		}
		if (status) {
			report_fail("race2 switcher ended with status 0x%x", status);
			bad++;
		}
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	waitpid(sh->forker, &status, 0);
	bad += status != 0;
	for (i = 0; i < NR_READERS; i++) {
		waitpid(sh->reader[i], &status, 0);
		if (status) {
			report_fail("race2 reader %d ended with status 0x%x", i, status);
			bad++;
		}
	}
	kill(sh->ha, SIGKILL);
	kill(sh->hb, SIGKILL);
	waitpid(sh->ha, &status, 0);
	waitpid(sh->hb, &status, 0);
	if (bad)
		st_inc(R2_STEPS_BAD);

	ksft_print_msg("race2: %llu reads (%llu bad) by %d readers; %llu switcher steps (%llu bad, of %d per switcher), %llu execve()s, %llu EUSERS checks; %llu forker children (%llu bad)\n",
		       (unsigned long long)st_get(R2_READS),
		       (unsigned long long)st_get(R2_READS_BAD), NR_READERS,
		       (unsigned long long)st_get(R2_STEPS),
		       (unsigned long long)st_get(R2_STEPS_BAD), iters,
		       (unsigned long long)st_get(R2_EXECS),
		       (unsigned long long)st_get(R2_EUSERS),
		       (unsigned long long)st_get(R2_FORKS),
		       (unsigned long long)st_get(R2_FORKS_BAD));
}

/* ---- Race 3: teardown against readers of /proc/PID ---- */

enum { V_EXIT, V_CLONE3, V_LEADER_FIRST, V_KILLED, V_EXEC, NR_V };

static const char * const v_name[NR_V] = {
	"unshared, exits", "clone3(CLONE_NEWTIME) child exits",
	"leader exits before its thread", "killed", "exits in execve()",
};

static void r3_publish(u64 cur, u64 cfc, int entered)
{
	struct race3 *r = &sh->r3;

	r->cur[0] = cur;
	r->ncur = 1;
	r->cfc = cfc;
	r->entered = entered;
	fmt_offsets(r->want, sizeof(r->want), r->mono, r->boot);
}

static void *r3_lingering_thread(void *arg)
{
	usleep(1000 + rnd_below(4000));
	syscall(SYS_exit_group, 0);
	return NULL;
}

/* The task C that the readers watch go away. */
static void r3_child(int gen)
{
	struct race3 *r = &sh->r3;
	struct clone_args args = {
		.flags		= CLONE_NEWTIME | CLONE_PARENT,
		.exit_signal	= 0,
	};
	char *argv[3] = { "timens_races", "--exit", NULL };
	pthread_t thr;
	int status;
	pid_t pid;
	u64 ino;

	ctx = "race3 child";
	r->pid = getpid();
	if (unshare(CLONE_NEWTIME) ||
	    write_offsets("/proc/self/timens_offsets", r->mono, r->boot))
		_exit(3);
	ino = ns_ino("/proc/self/ns/time_for_children");

	switch (r->variant) {
	case V_CLONE3:
		/* The watched task is our clone3() child, a child of main. */
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid < 0)
			_exit(4);
		if (pid > 0)
			_exit(0);
		ino = ns_ino("/proc/self/ns/time");
		r->pid = getpid();
		r3_publish(ino, ino, 1);
		break;
	case V_KILLED:
		pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, &status, 0);
		r3_publish(sh->init_ino, ino, 1);
		break;
	case V_EXEC:
		r3_publish(sh->init_ino, ino, 0);
		r->cur[1] = ino;
		r->ncur = 2;
		break;
	default:
		r3_publish(sh->init_ino, ino, 0);
		break;
	}
	set_flag(&r->ready, gen);
	if (!wait_for(&r->go, gen))
		_exit(5);

	switch (r->variant) {
	case V_LEADER_FIRST:
		if (pthread_create(&thr, NULL, r3_lingering_thread, NULL))
			_exit(6);
		syscall(SYS_exit, 0);
		break;
	case V_KILLED:
		for (;;)
			pause();
	case V_EXEC:
		execve("/proc/self/exe", argv, environ);
		_exit(7);
	}
	_exit(0);
}

static bool r3_errno_ok(int err, bool link)
{
	switch (err) {
	case ESRCH:
		st_inc(R3_ESRCH);
		return true;
	case ENOENT:
		st_inc(R3_ENOENT);
		return true;
	case EACCES:
		/* procfs's ns links when the task goes between lookup and use */
		if (!link)
			return false;
		st_inc(R3_EACCES);
		return true;
	}
	return false;
}

static bool r3_cur_ok(u64 ino, s64 *mono, s64 *boot)
{
	struct race3 *r = &sh->r3;
	int i;

	for (i = 0; i < r->ncur; i++) {
		if (ino != r->cur[i])
			continue;
		*mono = ino == sh->init_ino ? 0 : r->mono;
		*boot = ino == sh->init_ino ? 0 : r->boot;
		return true;
	}
	return false;
}

/* One operation of a reader on /proc/C; returns true if it was right. */
static bool r3_op(int pin_init, int pre_fd, const char *dir)
{
	struct race3 *r = &sh->r3;
	char path[96], buf[128];
	bool link = false, ok;
	s64 mono, boot;
	int fd, op, err = 0;
	ssize_t n;
	u64 ino;

	op = rnd_below(8);
	switch (op) {
	case 0:
	case 1:
		/* A fresh open and read, or a read of a file opened before. */
		if (op == 0) {
			snprintf(path, sizeof(path), "%s/timens_offsets", dir);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		} else {
			fd = pre_fd;
		}
		if (fd < 0)
			return r3_errno_ok(errno, false);
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		err = errno;
		if (op == 0)
			close(fd);
		if (n < 0)
			return r3_errno_ok(err, false);
		buf[n] = 0;
		if (strcmp(buf, r->want)) {
			report_fail("race3 (%s): timens_offsets reads \"%.*s\", expected \"%.*s\"",
				    v_name[r->variant], (int)strcspn(buf, "\n"), buf,
				    (int)strcspn(r->want, "\n"), r->want);
			return false;
		}
		st_inc(R3_CONTENT);
		return true;
	case 2:
	case 3:
		snprintf(path, sizeof(path), "%s/ns/%s", dir,
			 op == 2 ? "time" : "time_for_children");
		n = readlink(path, buf, sizeof(buf) - 1);
		if (n < 0)
			return r3_errno_ok(errno, true);
		buf[n] = 0;
		if (sscanf(buf, "time:[%" SCNu64 "]", &ino) != 1)
			ino = 0;
		ok = op == 2 ? r3_cur_ok(ino, &mono, &boot) : ino == r->cfc;
		if (!ok) {
			report_fail("race3 (%s): readlink(%s) = \"%s\", expected time:[%llu]",
				    v_name[r->variant], path, buf,
				    (unsigned long long)(op == 2 ? r->cur[0] : r->cfc));
			return false;
		}
		st_inc(R3_CONTENT);
		return true;
	case 4:
	case 5:
		/* Open the namespace, setns() into it, read its clocks. */
		link = true;
		snprintf(path, sizeof(path), "%s/ns/%s", dir,
			 op == 4 ? "time" : "time_for_children");
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return r3_errno_ok(errno, link);
		ino = fd_ino(fd);
		ok = op == 4 ? r3_cur_ok(ino, &mono, &boot) : ino == r->cfc;
		if (op == 5) {
			mono = r->mono;
			boot = r->boot;
		}
		if (!ok) {
			report_fail("race3 (%s): %s opens time:[%llu]",
				    v_name[r->variant], path,
				    (unsigned long long)ino);
			close(fd);
			return false;
		}
		if (setns(fd, CLONE_NEWTIME)) {
			report_fail("race3 (%s): setns(%s): %s", v_name[r->variant],
				    path, strerror(errno));
			close(fd);
			return false;
		}
		close(fd);
		st_inc(R3_SETNS);
		ok = !check_ident(ino, ino, "race3 reader after setns") &&
		     !check_clocks(mono, boot, "race3 reader after setns");
		if (setns(pin_init, CLONE_NEWTIME))
			ok = false;
		st_inc(R3_CONTENT);
		return ok;
	case 6:
		/* Write the offsets C has back: success only if not entered. */
		snprintf(path, sizeof(path), "%s/timens_offsets", dir);
		err = -write_offsets(path, r->mono, r->boot);
		if (err == 0 && !r->entered) {
			st_inc(R3_WRITE_OK);
			return true;
		}
		if (err == EACCES)
			return true;
		if (err && r3_errno_ok(err, false))
			return true;
		report_fail("race3 (%s): writing C's own offsets to %s: %s",
			    v_name[r->variant], path, err ? strerror(err) : "success after entry");
		return false;
	default:
		snprintf(path, sizeof(path), "%s/ns/time", dir);
		ino = ns_ino(path);
		if (!ino)
			return r3_errno_ok(errno, true);
		if (!r3_cur_ok(ino, &mono, &boot)) {
			report_fail("race3 (%s): stat(%s) gives time:[%llu]",
				    v_name[r->variant], path,
				    (unsigned long long)ino);
			return false;
		}
		st_inc(R3_CONTENT);
		return true;
	}
}

static pid_t fork_td_reader(int idx)
{
	struct race3 *r = &sh->r3;
	int pin_init, pre_fd, gen, i, after;
	char dir[32], path[64];
	pid_t pid;

	pid = fork();
	if (pid)
		return pid;
	ctx = "race3 reader";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rnd_seed(getpid());
	pin_init = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	for (gen = 1; ; gen++) {
		if (!wait_for(&r->ready, gen) ||
		    __atomic_load_n(&r->quit, __ATOMIC_ACQUIRE))
			_exit(0);
		snprintf(dir, sizeof(dir), "/proc/%d", r->pid);
		snprintf(path, sizeof(path), "%s/timens_offsets", dir);
		pre_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (!wait_for(&r->go, gen))
			_exit(4);
		after = 0;
		for (i = 0; i < 200 && after < 3; i++) {
			if (__atomic_load_n(&r->reaped, __ATOMIC_ACQUIRE) >= gen)
				after++;
			st_inc(R3_OPS);
			if (!r3_op(pin_init, pre_fd, dir))
				st_inc(R3_BAD);
		}
		if (pre_fd >= 0)
			close(pre_fd);
		set_flag(&r->rdone[idx], gen);
	}
}

static void run_race3(int iters, s64 deadline)
{
	struct race3 *r = &sh->r3;
	pid_t rd[NR_TD_READERS], pid;
	int gen, i, status;

	ctx = "race3";
	memset(r, 0, sizeof(*r));
	for (i = 0; i < NR_TD_READERS; i++)
		rd[i] = fork_td_reader(i);

	for (gen = 1; gen <= iters && now_ns(CLOCK_REALTIME) < deadline; gen++) {
		calibrate();
		r->variant = gen % NR_V;
		r->mono = rnd_offset();
		r->boot = rnd_offset();
		pid = fork();
		if (pid < 0)
			break;
		if (pid == 0)
			r3_child(gen);
		if (!wait_for(&r->ready, gen)) {
			report_fail("race3 (%s): child did not get ready",
				    v_name[r->variant]);
			st_inc(R3_BAD);
			kill(r->pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		if (r->variant == V_CLONE3) {
			/* The setup process; the watched one is its child. */
			waitpid(pid, &status, 0);
		}
		set_flag(&r->go, gen);
		spin_ns(rnd_below(3 * NSEC_PER_MSEC));
		if (r->variant == V_KILLED)
			kill(r->pid, SIGKILL);
		spin_ns(rnd_below(2 * NSEC_PER_MSEC));
		if (waitpid(r->pid, &status, 0) != r->pid) {
			report_fail("race3 (%s): waitpid: %s", v_name[r->variant],
				    strerror(errno));
			st_inc(R3_BAD);
		}
		set_flag(&r->reaped, gen);
		for (i = 0; i < NR_TD_READERS; i++) {
			if (!wait_for(&r->rdone[i], gen)) {
				report_fail("race3: reader %d hangs", i);
				st_inc(R3_BAD);
			}
		}
		st_inc(R3_ITERS);
	}
	set_flag(&r->quit, 1);
	set_flag(&r->ready, INT32_MAX);
	for (i = 0; i < NR_TD_READERS; i++) {
		waitpid(rd[i], &status, 0);
		if (status) {
			report_fail("race3: reader %d ended with status 0x%x", i, status);
			st_inc(R3_BAD);
		}
	}
	ksft_print_msg("race3: %llu iterations (of %d), %llu reader operations: %llu right contents, %llu ESRCH, %llu ENOENT, %llu EACCES (ns links), %llu setns() into C's namespaces, %llu offsets writes accepted\n",
		       (unsigned long long)st_get(R3_ITERS), iters,
		       (unsigned long long)st_get(R3_OPS),
		       (unsigned long long)st_get(R3_CONTENT),
		       (unsigned long long)st_get(R3_ESRCH),
		       (unsigned long long)st_get(R3_ENOENT),
		       (unsigned long long)st_get(R3_EACCES),
		       (unsigned long long)st_get(R3_SETNS),
		       (unsigned long long)st_get(R3_WRITE_OK));
}

/* ---- main ---- */

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int main(int argc, char *argv[])
{
	const char *s_budget = env_or("TIMENS_RACES_BUDGET", NULL);
	const char *s_iters = env_or("TIMENS_RACES_ITERS", NULL);
	double budget = DEF_BUDGET_S;
	int iters = DEF_ITERS, opt;
	s64 start, left, t0;

	if (argc > 1 && !strcmp(argv[1], "--measure"))
		return measure_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;

	while ((opt = getopt(argc, argv, "t:n:")) != -1) {
		switch (opt) {
		case 't':
			s_budget = optarg;
			break;
		case 'n':
			s_iters = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-n ITERATIONS]\n",
				argv[0]);
			return KSFT_FAIL;
		}
	}
	if (s_budget)
		budget = strtod(s_budget, NULL);
	if (s_iters)
		iters = atoi(s_iters);

	ksft_print_header();
	if (access("/proc/self/ns/time", F_OK))
		ksft_exit_skip("time namespaces absent: no /proc/self/ns/time\n");
	if (geteuid())
		ksft_exit_skip("needs root\n");
	ksft_set_plan(5);
	ksft_print_msg("budget %.1f s (-t or TIMENS_RACES_BUDGET), at most %d iterations per race (-n or TIMENS_RACES_ITERS)\n",
		       budget, iters);

	memfd = memfd_create("timens_races", 0);
	if (memfd < 0 || ftruncate(memfd, sizeof(*sh)))
		ksft_exit_fail_msg("memfd: %s\n", strerror(errno));
	map_shared(memfd);
	sh->main_pid = getpid();
	sh->init_ino = ns_ino("/proc/self/ns/time");
	rnd_seed(getpid());
	calibrate();
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);

	start = now_ns(CLOCK_REALTIME);
	left = budget * NSEC_PER_SEC;

	t0 = now_ns(CLOCK_REALTIME);
	run_race1(iters, t0 + left * 35 / 100);
	ksft_print_msg("race1 took %.1f s\n", (now_ns(CLOCK_REALTIME) - t0) / 1e9);
	ksft_test_result(st_get(R1_ITERS) && !st_get(R1_BAD),
			 "race_offsets_write_vs_first_entry (%llu iterations, %llu bad)\n",
			 (unsigned long long)st_get(R1_ITERS),
			 (unsigned long long)st_get(R1_BAD));
	fflush(stdout);

	t0 = now_ns(CLOCK_REALTIME);
	left = start + (s64)(budget * NSEC_PER_SEC) - t0;
	run_race2(iters, t0 + left * 50 / 100);
	ksft_print_msg("race2 took %.1f s\n", (now_ns(CLOCK_REALTIME) - t0) / 1e9);
	ksft_test_result(st_get(R2_READS) && !st_get(R2_READS_BAD),
			 "race_ns_readers_stable (%llu reads, %llu bad)\n",
			 (unsigned long long)st_get(R2_READS),
			 (unsigned long long)st_get(R2_READS_BAD));
	ksft_test_result(st_get(R2_STEPS) && !st_get(R2_STEPS_BAD),
			 "race_setns_exec_switchers (%llu steps, %llu bad)\n",
			 (unsigned long long)st_get(R2_STEPS),
			 (unsigned long long)st_get(R2_STEPS_BAD));
	ksft_test_result(st_get(R2_FORKS) && !st_get(R2_FORKS_BAD),
			 "race_fork_vs_setns (%llu children, %llu bad)\n",
			 (unsigned long long)st_get(R2_FORKS),
			 (unsigned long long)st_get(R2_FORKS_BAD));
	fflush(stdout);

	/* What is left, but at least a quarter, should race 2 have overrun. */
	t0 = now_ns(CLOCK_REALTIME);
	left = start + (s64)(budget * NSEC_PER_SEC) - t0;
	if (left < budget * NSEC_PER_SEC / 4)
		left = budget * NSEC_PER_SEC / 4;
	run_race3(iters, t0 + left);
	ksft_print_msg("race3 took %.1f s; failure lines %d (at most %d printed)\n",
		       (now_ns(CLOCK_REALTIME) - t0) / 1e9, sh->nfail,
		       MAX_FAIL_MSGS);
	ksft_test_result(st_get(R3_ITERS) && !st_get(R3_BAD),
			 "race_teardown_vs_proc_readers (%llu iterations, %llu reader operations, %llu bad)\n",
			 (unsigned long long)st_get(R3_ITERS),
			 (unsigned long long)st_get(R3_OPS),
			 (unsigned long long)st_get(R3_BAD));
	ksft_finished();
}
